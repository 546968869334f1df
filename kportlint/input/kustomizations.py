"""Kustomization files among the inputs: which ones are roots, what each one lists, and which files
they name as something other than a resource.

This only reads the lists a kustomization writes down, to know what to build and which files are
not objects. What a build makes of them is kustomize's business (see kustomize.py): nothing here
merges, renames or relabels anything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from ..model import SourceFile

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_INCLUDE_KEYS = ("resources", "bases", "components")
# Keys whose entries name files that are inputs of a transformer or generator, not objects.
_FILE_LIST_KEYS = ("patchesStrategicMerge", "configurations", "transformers", "generators", "validators",
                   "crds")
_PATH_ENTRY_KEYS = ("patches", "patchesJson6902", "replacements")
_GENERATOR_KEYS = ("configMapGenerator", "secretGenerator")
_REMOTE_MARKS = ("://", "git@", "github.com/", "gitlab.com/", "bitbucket.org/")


def is_kustomization(path: str, doc: Any) -> bool:
    """A kustomize kustomization (or component), not Flux's `Kustomization` custom resource."""
    if os.path.basename(path) not in KUSTOMIZATION_NAMES or not isinstance(doc, dict):
        return False
    api = doc.get("apiVersion")
    return not isinstance(api, str) or api.startswith("kustomize.config.k8s.io")


def is_remote(entry: str) -> bool:
    return any(mark in entry for mark in _REMOTE_MARKS)


def local_path(entry: str) -> str:
    # Windows users write `.\\base`; kustomize on Windows reads it as ./base.
    return entry.replace("\\", "/")


def resolve_entry(folder: str, entry: str) -> str:
    """The resolved path of a file or folder that a kustomization in `folder` names."""
    return os.path.realpath(os.path.join(folder, local_path(entry)))


@dataclass
class Kustomization:
    path: str  # resolved path of the file
    source: SourceFile
    data: dict[str, Any]

    @property
    def folder(self) -> str:
        return os.path.dirname(self.path)

    @property
    def component(self) -> bool:
        return self.data.get("kind") == "Component"

    def entries(self, key: str) -> list[tuple[int, str]]:
        """(index, text) of the string entries of a list key."""
        items = self.data.get(key)
        return [(i, v) for i, v in enumerate(items) if isinstance(v, str)] if isinstance(items, list) else []

    def included(self) -> list[str]:
        """Resolved paths of the local files and folders it lists as resources, bases or components."""
        return [resolve_entry(self.folder, entry)
                for key in _INCLUDE_KEYS for _, entry in self.entries(key) if not is_remote(entry)]

    def remote(self) -> list[str]:
        return [entry for key in _INCLUDE_KEYS for _, entry in self.entries(key) if is_remote(entry)]

    def inputs(self) -> list[str]:
        """Resolved paths of the files it names as patches, generator inputs and other non-objects."""
        names: list[str] = []
        for key in _FILE_LIST_KEYS:
            names += [entry for _, entry in self.entries(key) if "\n" not in entry]
        for key in _PATH_ENTRY_KEYS:
            items = self.data.get(key)
            names += [item["path"] for item in items if isinstance(item, dict) and isinstance(item.get("path"), str)] \
                if isinstance(items, list) else []
        for key in _GENERATOR_KEYS:
            items = self.data.get(key)
            for item in items if isinstance(items, list) else []:
                names += generator_files(item)
        charts = self.data.get("helmCharts")
        for chart in charts if isinstance(charts, list) else []:
            if isinstance(chart, dict) and isinstance(chart.get("valuesFile"), str):
                names.append(chart["valuesFile"])
        openapi = self.data.get("openapi")
        if isinstance(openapi, dict) and isinstance(openapi.get("path"), str):
            names.append(openapi["path"])
        return [resolve_entry(self.folder, name) for name in names]


def generator_files(item: Any) -> list[str]:
    """The files a configMapGenerator or secretGenerator entry reads (`key=path` gives path)."""
    if not isinstance(item, dict):
        return []
    names = []
    files = item.get("files")
    for entry in files if isinstance(files, list) else []:
        if isinstance(entry, str):
            names.append(entry.split("=", 1)[1] if "=" in entry else entry)
    envs = item.get("envs")
    names += [e for e in envs if isinstance(e, str)] if isinstance(envs, list) else []
    if isinstance(item.get("env"), str):
        names.append(item["env"])
    return names


@dataclass
class Tree:
    """The kustomizations found among the inputs, by folder."""

    by_folder: dict[str, Kustomization] = field(default_factory=dict)

    @classmethod
    def of(cls, found: list[Kustomization]) -> "Tree":
        tree = cls()
        for kustomization in sorted(found, key=lambda k: k.path):
            tree.by_folder.setdefault(kustomization.folder, kustomization)
        return tree

    def roots(self) -> list[Kustomization]:
        """Kustomizations that no other found one includes; a component is never a root. Of a cycle
        of kustomizations that include each other, the first is built, so that kustomize reports it."""
        included = {target for k in self.by_folder.values() for target in k.included()}
        roots = [k for folder, k in sorted(self.by_folder.items())
                 if folder not in included and k.path not in included and not k.component]
        reached = {k.folder for root in roots for k in self.reach(root)}
        for folder, kustomization in sorted(self.by_folder.items()):
            if folder not in reached and not kustomization.component:
                roots.append(kustomization)
                reached |= {k.folder for k in self.reach(kustomization)}
        return roots

    def reach(self, root: Kustomization,
              read: Optional[Callable[[str], Optional[Kustomization]]] = None) -> list[Kustomization]:
        """The kustomizations a root includes, itself first, each once: those found, and with `read`
        (folder -> its kustomization) those outside the linted paths too."""
        seen: dict[str, Kustomization] = {}
        stack = [root]
        while stack:
            current = stack.pop()
            if current.folder in seen:
                continue
            seen[current.folder] = current
            for target in current.included():
                folder = os.path.dirname(target) if os.path.basename(target) in KUSTOMIZATION_NAMES else target
                found = self.by_folder.get(folder)
                if found is None and read is not None and os.path.isdir(folder):
                    found = read(folder)
                if found is not None:
                    stack.append(found)
        return list(seen.values())

    def listed_files(self, root: Kustomization) -> set[str]:
        """Resolved paths of the resource files a root includes, directly or through its bases."""
        return {target for k in self.reach(root) for target in k.included() if target not in self.by_folder}

    def inputs(self) -> set[str]:
        return {path for k in self.by_folder.values() for path in k.inputs()}

    def owner_of(self, path: str) -> Optional[Kustomization]:
        """The nearest kustomization in the file's folder or above it, among those found."""
        folder = os.path.dirname(path)
        while True:
            found = self.by_folder.get(folder)
            if found is not None:
                return found
            parent = os.path.dirname(folder)
            if parent == folder:
                return None
            folder = parent
