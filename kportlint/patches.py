"""Kustomize strategic-merge patches, applied to the objects they patch.

A kubebuilder project, for one, adds its metrics sidecar (and the port a Service forwards to) through
a patch. Linting the base without it would report a port that the rendered Deployment does have. Only
the merge rules that matter for routing are followed: maps merge, containers merge by name, ports by
number, and any other list is replaced, as in a strategic merge.
"""

from __future__ import annotations

import os
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


def looks_like_patch(path: str, obj: dict[str, Any]) -> bool:
    """A patch file whose kustomization is not among the linted files: named so, and incomplete."""
    if _WORKLOAD_NAME_HINT not in os.path.basename(path).lower():
        return False
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return True
    template = spec.get("template")
    if not isinstance(template, dict):
        return False
    if "selector" not in spec:
        return True
    pod_spec = template.get("spec")
    containers = pod_spec.get("containers") if isinstance(pod_spec, dict) else None
    return isinstance(containers, list) and any(isinstance(c, dict) and "image" not in c for c in containers)
