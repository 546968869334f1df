"""Kustomize strategic-merge patches, applied to the objects they patch.

A kubebuilder project, for one, adds its metrics sidecar (and the port a Service forwards to) through
a patch. Linting the base without it would report a port that the rendered Deployment does have. Only
the merge rules that matter for routing are followed: maps merge, containers merge by name, ports by
number, and any other list is replaced, as in a strategic merge.
"""

from __future__ import annotations

import os
import re
from typing import Any

_WORKLOAD_NAME_HINT = "patch"


def merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    """Merge `patch` into `target` in place."""
    for key, value in patch.items():
        if key.startswith("$"):  # $patch, $setElementOrder and other directives
            continue
        current = target.get(key)
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(current, dict):
            merge(current, value)
        elif isinstance(value, list) and isinstance(current, list) and _merge_key(value + current):
            _merge_list(current, value, _merge_key(value + current))
        else:
            target[key] = value


def _merge_key(items: list[Any]) -> str:
    for item in items:
        if isinstance(item, dict):
            for key in ("name", "containerPort", "port", "mountPath"):
                if key in item:
                    return key
            return ""
    return ""


def _merge_list(current: list[Any], patch: list[Any], key: str) -> None:
    by_key = {item.get(key): item for item in current if isinstance(item, dict) and key in item}
    for item in patch:
        if not isinstance(item, dict) or key not in item:
            continue
        existing = by_key.get(item[key])
        if item.get("$patch") == "delete":
            if existing is not None:
                current.remove(existing)
        elif existing is not None:
            merge(existing, item)
        else:
            current.append(item)


# kuttl and chainsaw test steps: `01-assert.yaml` holds the fields a test expects, not an object.
_TEST_ASSERTION = re.compile(r"^\d+-(assert|errors)\.ya?ml$")


def looks_like_patch(path: str, obj: dict[str, Any]) -> bool:
    """A fragment rather than an object: a test assertion, or a patch whose kustomization is not
    among the linted files (a workload without selector whose containers lack images, or a file
    named as a patch that is incomplete)."""
    if _TEST_ASSERTION.match(os.path.basename(path)):
        return True
    spec = obj.get("spec")
    named_patch = _WORKLOAD_NAME_HINT in os.path.basename(path).lower()
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
