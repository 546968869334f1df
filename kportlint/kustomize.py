"""What kustomization files say about the other files: their namespace, and which files are patches.

kportlint lints files, not renders, so it reads only the two facts that change what an object is:
- `namespace:` applies to every resource a kustomization includes, directly or through the
  kustomizations it includes; the outermost kustomization that sets one wins, as kustomize's
  namespace transformer does. A base that several overlays include lands in each of their namespaces.
- files listed as patches (and transformer or generator configs) are fragments, not objects.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Optional

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_FRAGMENT_KEYS = ("patchesStrategicMerge", "patches", "patchesJson6902", "configurations",
                  "transformers", "generators", "validators", "replacements", "crds")


@dataclass
class KustomizePlan:
    """Keyed by resolved paths (os.path.realpath)."""

    namespaces: dict[str, list[str]] = field(default_factory=dict)
    fragments: set[str] = field(default_factory=set)  # patch files
    labelled: set[str] = field(default_factory=set)  # files whose selectors kustomize fills in
    builds: dict[str, set[str]] = field(default_factory=dict)  # file -> top kustomizations that deploy it


def is_kustomization(path: str, doc: Any) -> bool:
    if os.path.basename(path) not in KUSTOMIZATION_NAMES or not isinstance(doc, dict):
        return False
    api = doc.get("apiVersion")
    return not isinstance(api, str) or api.startswith("kustomize.config.k8s.io")


def plan(kustomizations: dict[str, dict[str, Any]]) -> KustomizePlan:
    """`kustomizations` maps each kustomization file's resolved path to its content."""
    by_dir = {os.path.realpath(os.path.dirname(p)): doc for p, doc in kustomizations.items()}
    result = KustomizePlan()
    for folder, doc in by_dir.items():
        for entry in _fragment_paths(doc):
            result.fragments.add(os.path.realpath(os.path.join(folder, entry)))
    included_dirs = {d for folder, doc in by_dir.items() for d in _included(folder, doc)}
    roots = [folder for folder in by_dir if folder not in included_dirs]
    for root in sorted(roots):
        _assign(root, by_dir, None, False, result, set(), root)
    return result


def _assign(folder: str, by_dir: dict[str, dict[str, Any]], outer_ns: Optional[str], outer_labels: bool,
            result: KustomizePlan, stack: set[str], root: str) -> None:
    if folder in stack:  # kustomize rejects cycles; never loop on them
        return
    doc = by_dir[folder]
    own = doc.get("namespace")
    namespace = outer_ns or (own if isinstance(own, str) and own else None)
    labels = outer_labels or _adds_selector_labels(doc)
    stack.add(folder)
    for target in _included(folder, doc):
        if target in by_dir:
            _assign(target, by_dir, namespace, labels, result, stack, root)
            continue
        result.builds.setdefault(target, set()).add(root)
        if labels:
            result.labelled.add(target)
        if namespace:
            names = result.namespaces.setdefault(target, [])
            if namespace not in names:
                names.append(namespace)
    stack.discard(folder)


def _adds_selector_labels(doc: dict[str, Any]) -> bool:
    """commonLabels, or `labels` with includeSelectors, add labels to selectors and templates alike."""
    if isinstance(doc.get("commonLabels"), dict) and doc["commonLabels"]:
        return True
    entries = doc.get("labels")
    return isinstance(entries, list) and any(
        isinstance(e, dict) and e.get("includeSelectors") and isinstance(e.get("pairs"), dict) for e in entries)


def _included(folder: str, doc: dict[str, Any]) -> list[str]:
    """Resolved paths of the files and kustomization folders a kustomization includes."""
    entries = _list(doc.get("resources")) + _list(doc.get("components")) + _list(doc.get("bases"))
    return [os.path.realpath(os.path.join(folder, e)) for e in entries]


def _fragment_paths(doc: dict[str, Any]) -> list[str]:
    paths: list[str] = []
    for key in _FRAGMENT_KEYS:
        items = doc.get(key)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, str) and "\n" not in item:
                paths.append(_local_path(item))
            elif isinstance(item, dict) and isinstance(item.get("path"), str):
                paths.append(_local_path(item["path"]))
    return paths


def _list(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [_local_path(v) for v in value
            if isinstance(v, str) and "://" not in v and not v.startswith("git@")]


def _local_path(entry: str) -> str:
    # Windows users write `.\\base`; kustomize on Windows reads it as ./base.
    return entry.replace("\\", "/")
