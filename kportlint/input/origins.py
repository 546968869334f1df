"""Where a field of a kustomize-built object was written: the resource file, a patch, or the
kustomization whose transformer made it.

kustomize's origin annotation names the file (or the generator) an object came from, and its
transformer annotation the kustomizations that changed it. A field whose value the source file
holds points there. A field a patch set points at the patch; a value a transformer made (a name
prefix, a namespace, labels) at that line of the kustomization. When none of them can be told,
the object's first line in its origin file: never a wrong line.

This module ties a built object to its document and answers `locate(pointer)` for it; what the
annotations say is provenance's job, the source object originals', matching fields translation's, and
the patch operations and transformer lines edits'.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, Callable, Optional

from .edits import in_operations, in_transformers
from .kustomizations import resolve_entry
from .originals import generator_entry, name_of, names_seen, source_object
from .positions import Located, at
from .provenance import Provenance
from .sources import Parsed, Sources
from .translation import same, translate
from ..model import SourceFile, join_pointer, split_pointer


@dataclass
class Placed:
    """A built object tied to its place in a source file."""

    source: SourceFile
    doc_index: int
    base_pointer: str
    locate: Callable[[str], Optional[Located]]


def place(built: dict[str, Any], provenance: Provenance, sources: Sources, fallback: Parsed) -> Placed:
    """Tie `built` to the document it came from; `fallback` (the root kustomization) when it cannot be."""
    seen = names_seen(built, provenance, sources)
    finder = _Finder(built, provenance, sources, seen)
    if provenance.path is not None:
        parsed = sources.file(provenance.path)
        unaffixed = seen[provenance.configured_in[0]] if provenance.configured_in else name_of(built)
        found = source_object(parsed, built, unaffixed) if parsed is not None else None
        if parsed is not None and found is not None:
            doc_index, base, original = found
            finder.anchor = (parsed.source, doc_index, base, original)
            return Placed(parsed.source, doc_index, base, finder)
    if provenance.generator is not None:
        parsed = sources.file(provenance.generator)
        if parsed is not None and parsed.docs:
            pointer = generator_entry(parsed.docs[0][1], built)
            finder.anchor = (parsed.source, parsed.docs[0][0], pointer, None)
            return Placed(parsed.source, parsed.docs[0][0], pointer, finder)
    finder.anchor = (fallback.source, fallback.docs[0][0] if fallback.docs else 0, "", None)
    return Placed(fallback.source, finder.anchor[1], "", finder)


class _Finder:
    """Answers `locate(pointer)` for one built object."""

    def __init__(self, built: dict[str, Any], provenance: Provenance, sources: Sources,
                 seen: dict[str, str]) -> None:
        self.built = built
        self.seen = seen  # kustomization -> the object's name when its patches ran
        self.provenance = provenance
        self.sources = sources
        self.anchor: tuple[SourceFile, int, str, Optional[dict[str, Any]]] = (SourceFile(""), 0, "", None)
        self._kustomizations: dict[str, Optional[Parsed]] = {}

    def __call__(self, pointer: str) -> Optional[Located]:
        source, doc_index, base, original = self.anchor
        tokens = split_pointer(pointer)
        if original is not None:
            found = translate(self.built, original, tokens)
            if found is not None and same(found[1], found[2]):
                return at(source, doc_index, base + join_pointer(*found[0]))
        for path in reversed(self.provenance.configured_in):
            parsed = self._kustomization(path)
            if parsed is None:
                continue
            located = self._in_patches(parsed, path, tokens) or in_transformers(parsed, tokens)
            if located is not None:
                return located
        return at(source, doc_index, base)

    def _kustomization(self, path: str) -> Optional[Parsed]:
        if path not in self._kustomizations:
            self._kustomizations[path] = self.sources.file(path)
        return self._kustomizations[path]

    def _in_patches(self, parsed: Parsed, path: str, tokens: list[str]) -> Optional[Located]:
        if not parsed.docs or not isinstance(parsed.docs[0][1], dict):
            return None
        kustomization = parsed.docs[0][1]
        folder = os.path.dirname(path)
        for key in ("patches", "patchesStrategicMerge", "patchesJson6902"):
            entries = kustomization.get(key)
            for i, entry in reversed(list(enumerate(entries if isinstance(entries, list) else []))):
                target = entry.get("target") if isinstance(entry, dict) else None
                if target is not None and not self._targets(target, path):
                    continue
                if isinstance(entry, dict):
                    file_name, inline = entry.get("path"), entry.get("patch")
                elif isinstance(entry, str):
                    file_name, inline = (None, entry) if "\n" in entry else (entry, None)
                else:
                    continue
                if isinstance(file_name, str):
                    patch = self.sources.file(resolve_entry(folder, file_name))
                    located = self._in_patch(patch, tokens, target is not None, path) if patch is not None else None
                    if located is not None:
                        return located
                elif isinstance(inline, str):
                    patch = self.sources.text(inline, parsed.source.path)
                    if self._in_patch(patch, tokens, target is not None, path) is not None:
                        entry_pointer = join_pointer(key, i, "patch") if isinstance(entry, dict) else join_pointer(key, i)
                        return at(parsed.source, parsed.docs[0][0], entry_pointer)
        return None

    def _names(self, path: str) -> tuple[str, ...]:
        """The names a patch of the kustomization at `path` may call the object by."""
        return (name_of(self.built), name_of(self.anchor[3] or {}), self.seen.get(path, ""))

    def _targets(self, target: Any, path: str) -> bool:
        if not isinstance(target, dict):
            return False
        kind, name = target.get("kind"), target.get("name")
        if isinstance(kind, str) and kind and kind != self.built.get("kind"):
            return False
        if isinstance(name, str) and name:
            names = self._names(path)
            try:
                return any(re.fullmatch(name, n) for n in names if n)
            except re.error:
                return name in names
        return True

    def _in_patch(self, patch: Parsed, tokens: list[str], targeted: bool, path: str) -> Optional[Located]:
        for doc_index, data in patch.docs:
            if isinstance(data, list):  # JSON 6902 operations
                located = in_operations(patch.source, doc_index, data, tokens, self.built)
                if located is not None:
                    return located
            elif isinstance(data, dict) and (targeted or self._patches(data, path)):
                found = translate(self.built, data, tokens)
                if found is not None and same(found[1], found[2]) and (tokens or data):
                    return at(patch.source, doc_index, join_pointer(*found[0]))
        return None

    def _patches(self, data: dict[str, Any], path: str) -> bool:
        """Whether a strategic-merge patch of the kustomization at `path` names this object (by its
        kind and its name when the patch ran)."""
        if data.get("kind") not in (None, self.built.get("kind")):
            return False
        return name_of(data) in self._names(path)
