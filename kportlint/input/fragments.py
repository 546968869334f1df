"""Documents that look like objects but are pieces of one: test assertions and stray patches.

A kustomize patch whose kustomization is among the linted files is never read as an object (the
kustomization names it). This catches the ones that are not: a patch linted without its
kustomization, and kuttl or chainsaw assertion files, which hold the fields a test expects.
"""

from __future__ import annotations

import os
import re
from typing import Any

_PATCH_HINT = "patch"
# kuttl and chainsaw test steps: `01-assert.yaml` holds the fields a test expects, not an object.
_TEST_ASSERTION = re.compile(r"^\d+-(assert|errors)\.ya?ml$")


def named_like_patch(path: str) -> bool:
    """A file, or the folder it sits in, named like a patch (`patch-replicas.yaml`, `patches/`): its
    object may hold only the fields it changes."""
    folder, name = os.path.split(path)
    return _PATCH_HINT in name.lower() or _PATCH_HINT in os.path.basename(folder).lower()


def looks_like_fragment(path: str, obj: dict[str, Any]) -> bool:
    """A test assertion, or a workload that cannot be an object of its own: no selector and a
    template whose containers have no image (or that sits in a file named like a patch)."""
    if _TEST_ASSERTION.match(os.path.basename(path)):
        return True
    spec = obj.get("spec")
    named_patch = _PATCH_HINT in os.path.basename(path).lower()
    if not isinstance(spec, dict):
        return named_patch
    template = spec.get("template")
    if not isinstance(template, dict) or "selector" in spec:
        return False
    if named_patch:
        return True
    pod_spec = template.get("spec")
    containers = pod_spec.get("containers") if isinstance(pod_spec, dict) else None
    if not isinstance(containers, list):
        return False
    imageless = [c for c in containers if isinstance(c, dict) and "image" not in c]
    return bool(imageless) and len(imageless) == len(containers)
