"""Where a field of a kustomize-built object was written: the resource file, a patch, or the
kustomization whose transformer made it.

kustomize's origin annotation names the file (or the generator) an object came from, and its
transformer annotation the kustomizations that changed it. A field whose value the source file
holds points there. A field a patch set points at the patch; a value a transformer made (a name
prefix, a namespace, labels) at that line of the kustomization. When none of them can be told,
the object's first line in its origin file: never a wrong line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Protocol

from .kustomizations import Kustomization, resolve_entry
from ..model import Position, SourceFile, document_objects, join_pointer, split_pointer

ORIGIN = "config.kubernetes.io/origin"
TRANSFORMATIONS = "alpha.config.kubernetes.io/transformations"
_FIELD = re.compile(r"^\s*-?\s*(path|configuredIn|kind|repo):\s*(.*?)\s*$", re.MULTILINE)
# List items that a strategic merge identifies by a key, not by their place.
_MERGE_KEYS = ("name", "containerPort", "port", "mountPath", "devicePath", "ip", "topologyKey", "key", "type")
_LABEL_PLACES = ("labels", "matchLabels", "selector")


class Parsed(Protocol):
    source: SourceFile
    docs: list[tuple[int, Any]]


class Sources(Protocol):
    def file(self, path: str) -> Optional[Parsed]: ...
    def text(self, text: str, name: str) -> Parsed: ...
    def kustomization(self, folder: str) -> Optional[Kustomization]: ...


@dataclass
class Provenance:
    """What the annotations of one built object say, with paths resolved."""

    path: Optional[str] = None  # the resource file the object came from
    generator: Optional[str] = None  # the kustomization whose generator made it
    configured_in: list[str] = field(default_factory=list)  # kustomizations whose transformers ran, in order


def take(obj: dict[str, Any], resolve: Callable[[str], str]) -> Provenance:
    """Remove kportlint's build annotations from `obj` (and an annotations map they leave empty)."""
    provenance = Provenance()
    metadata = obj.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    if not isinstance(annotations, dict):
        return provenance
    origin = annotations.pop(ORIGIN, None)
    transformations = annotations.pop(TRANSFORMATIONS, None)
    if not annotations:
        del metadata["annotations"]
    if isinstance(origin, str):
        fields = {key: _unquote(value) for key, value in _FIELD.findall(origin)}
        if "repo" in fields:
            pass  # from a remote base: no file here to point at
        elif "path" in fields and "configuredIn" not in fields:
            provenance.path = resolve(fields["path"])
        elif "configuredIn" in fields:
            provenance.generator = resolve(fields["configuredIn"])
    if isinstance(transformations, str):
        for key, value in _FIELD.findall(transformations):
            path = resolve(_unquote(value)) if key == "configuredIn" else None
            if path and path not in provenance.configured_in:
                provenance.configured_in.append(path)
    return provenance


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


Located = tuple[str, Position]


@dataclass
class Placed:
    """A built object tied to its place in a source file."""

    source: SourceFile
    doc_index: int
    base_pointer: str
    locate: Callable[[str], Optional[Located]]


def place(built: dict[str, Any], provenance: Provenance, sources: Sources, fallback: Parsed) -> Placed:
    """Tie `built` to the document it came from; `fallback` (the root kustomization) when it cannot be."""
    seen = _names_seen(built, provenance, sources)
    finder = _Finder(built, provenance, sources, seen)
    if provenance.path is not None:
        parsed = sources.file(provenance.path)
        unaffixed = seen[provenance.configured_in[0]] if provenance.configured_in else _name(built)
        found = _source_object(parsed, built, unaffixed) if parsed is not None else None
        if parsed is not None and found is not None:
            doc_index, base, original = found
            finder.anchor = (parsed.source, doc_index, base, original)
            return Placed(parsed.source, doc_index, base, finder)
    if provenance.generator is not None:
        parsed = sources.file(provenance.generator)
        if parsed is not None and parsed.docs:
            pointer = _generator_entry(parsed.docs[0][1], built)
            finder.anchor = (parsed.source, parsed.docs[0][0], pointer, None)
            return Placed(parsed.source, parsed.docs[0][0], pointer, finder)
    finder.anchor = (fallback.source, fallback.docs[0][0] if fallback.docs else 0, "", None)
    return Placed(fallback.source, finder.anchor[1], "", finder)


def _name(obj: dict[str, Any]) -> str:
    metadata = obj.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return name if isinstance(name, str) else ""


def _source_object(parsed: Parsed, built: dict[str, Any], unaffixed: str) -> Optional[tuple[int, str, dict[str, Any]]]:
    """The object of `parsed` that `built` was made from: the same kind, and the name `built` has
    without its kustomizations' prefixes and suffixes, else its built name, else the one object of
    that kind whose name the built one holds. None when that cannot be told (a patch renamed it)."""
    kind, name = built.get("kind"), _name(built)
    exact, within = None, []
    for doc_index, data in parsed.docs:
        for base, obj in document_objects(data):
            if obj.get("kind", kind) != kind:
                continue
            own = _name(obj)
            if own == unaffixed:
                return doc_index, base, obj
            if own == name:
                exact = exact or (doc_index, base, obj)
            elif own and own in name:
                within.append((doc_index, base, obj))
    return exact or (within[0] if len(within) == 1 else None)


def _names_seen(built: dict[str, Any], provenance: Provenance, sources: Sources) -> dict[str, str]:
    """For each kustomization that changed `built`, the object's name when its patches ran: without
    the namePrefix and nameSuffix of that kustomization and of those above it (a kustomization's
    patches name their targets before its own prefix is added; the outermost adds its prefix last).
    The innermost one's is the name the resource file gives."""
    name, seen = _name(built), {}
    for path in reversed(provenance.configured_in):
        parsed = sources.file(path)
        data = parsed.docs[0][1] if parsed is not None and parsed.docs else None
        if isinstance(data, dict):
            prefix, suffix = data.get("namePrefix"), data.get("nameSuffix")
            if isinstance(prefix, str) and prefix and name.startswith(prefix):
                name = name[len(prefix):]
            if isinstance(suffix, str) and suffix and name.endswith(suffix):
                name = name[:-len(suffix)]
        seen[path] = name
    return seen


def _generator_entry(kustomization: Any, built: dict[str, Any]) -> str:
    name = _name(built)
    if not isinstance(kustomization, dict):
        return ""
    for key in ("configMapGenerator", "secretGenerator"):
        entries = kustomization.get(key)
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, dict) and isinstance(entry.get("name"), str) and entry["name"] in name:
                return join_pointer(key, i)
    return ""


def translate(built: Any, source: Any, tokens: list[str]) -> Optional[tuple[list[str], Any, Any]]:
    """The path in `source` of the node at `tokens` in `built`: list items are matched by their merge
    key (a container by name, a port by number), since a patch may add or reorder them. None when
    `source` has no such node."""
    path: list[str] = []
    for token in tokens:
        if isinstance(built, dict) and isinstance(source, dict):
            if token not in source or token not in built:
                return None
            built, source = built[token], source[token]
            path.append(token)
        elif isinstance(built, list) and isinstance(source, list) and token.isdigit() and int(token) < len(built):
            item = built[int(token)]
            index = _matching_item(item, source, int(token))
            if index is None:
                return None
            built, source = item, source[index]
            path.append(str(index))
        else:
            return None
    return path, built, source


def _matching_item(item: Any, items: list[Any], position: int) -> Optional[int]:
    if isinstance(item, dict):
        keys = [key for key in _MERGE_KEYS if key in item]
        # A patch may leave out the key the base names an item by (a Service port patched by its
        # port, with the name only in the base): every key the built item holds may match.
        for key in keys:
            for i, other in enumerate(items):
                if isinstance(other, dict) and key in other and other[key] == item[key] and \
                        other.get("protocol", "TCP") == item.get("protocol", "TCP"):
                    return i
        return None if keys else position if position < len(items) else None
    for i, other in enumerate(items):
        if other == item and type(other) is type(item):
            return i
    return None


def _same(built: Any, source: Any) -> bool:
    """Whether the source node gives the built value: scalars equal, containers present."""
    if isinstance(built, (dict, list)):
        return isinstance(source, type(built))
    return built == source and type(built) is type(source)


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
            if found is not None and _same(found[1], found[2]):
                return _at(source, doc_index, base + join_pointer(*found[0]))
        for path in reversed(self.provenance.configured_in):
            parsed = self._kustomization(path)
            if parsed is None:
                continue
            located = self._in_patches(parsed, path, tokens) or _in_transformers(parsed, tokens)
            if located is not None:
                return located
        return _at(source, doc_index, base)

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
                        return _at(parsed.source, parsed.docs[0][0], entry_pointer)
        return None

    def _names(self, path: str) -> tuple[str, ...]:
        """The names a patch of the kustomization at `path` may call the object by."""
        return (_name(self.built), _name(self.anchor[3] or {}), self.seen.get(path, ""))

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
                located = _in_operations(patch.source, doc_index, data, tokens, self.built)
                if located is not None:
                    return located
            elif isinstance(data, dict) and (targeted or self._patches(data, path)):
                found = translate(self.built, data, tokens)
                if found is not None and _same(found[1], found[2]) and (tokens or data):
                    return _at(patch.source, doc_index, join_pointer(*found[0]))
        return None

    def _patches(self, data: dict[str, Any], path: str) -> bool:
        """Whether a strategic-merge patch of the kustomization at `path` names this object (by its
        kind and its name when the patch ran)."""
        if data.get("kind") not in (None, self.built.get("kind")):
            return False
        return _name(data) in self._names(path)


def _in_operations(source: SourceFile, doc_index: int, operations: list[Any], tokens: list[str],
                   built: Any) -> Optional[Located]:
    wanted = _value_at(built, tokens)
    for i, operation in reversed(list(enumerate(operations))):
        if not isinstance(operation, dict) or operation.get("op") not in ("add", "replace", "copy", "move"):
            continue
        path = operation.get("path")
        if not isinstance(path, str):
            continue
        parts = split_pointer(path)
        if len(parts) > len(tokens) or any(p != t and not (p == "-" and t.isdigit()) for p, t in zip(parts, tokens)):
            continue
        rest = tokens[len(parts):]
        if operation["op"] in ("add", "replace"):
            # A path ending in "-" (append) fits every item of the list: only the operation whose
            # value holds the built value wrote it.
            given = _value_at(operation.get("value"), rest)
            if given is _MISSING or wanted is _MISSING or not _same(wanted, given):
                continue
            return _at(source, doc_index, join_pointer(i, "value", *rest))
        return _at(source, doc_index, join_pointer(i))
    return None


_MISSING = object()


def _value_at(data: Any, tokens: list[str]) -> Any:
    for token in tokens:
        if isinstance(data, dict) and token in data:
            data = data[token]
        elif isinstance(data, list) and token.isdigit() and int(token) < len(data):
            data = data[int(token)]
        else:
            return _MISSING
    return data


def _in_transformers(parsed: Parsed, tokens: list[str]) -> Optional[Located]:
    """The line of a kustomization that makes the value at `tokens`: namePrefix for a name, namespace
    for a namespace, its labels for a label."""
    if not parsed.docs or not isinstance(parsed.docs[0][1], dict):
        return None
    doc_index, kustomization = parsed.docs[0]
    candidates: list[tuple[str, ...]] = []
    last = tokens[-1] if tokens else ""
    if tokens == ["metadata", "name"]:
        candidates += [("namePrefix",), ("nameSuffix",)]
    elif tokens == ["metadata", "namespace"]:
        candidates.append(("namespace",))
    elif any(t in _LABEL_PLACES for t in tokens):
        candidates.append(("commonLabels", last))
        labels = kustomization.get("labels")
        for i, entry in enumerate(labels if isinstance(labels, list) else []):
            candidates.append(("labels", str(i), "pairs", last))
        candidates += [("commonLabels",), ("labels",)]
    elif "annotations" in tokens:
        candidates += [("commonAnnotations", last), ("commonAnnotations",)]
    elif last == "replicas":
        candidates.append(("replicas",))
    elif last == "image":
        candidates.append(("images",))
    for candidate in candidates:
        if _has(kustomization, list(candidate)):
            return _at(parsed.source, doc_index, join_pointer(*candidate))
    return None


def _has(data: Any, tokens: list[str]) -> bool:
    return _value_at(data, tokens) is not _MISSING


def _at(source: SourceFile, doc_index: int, pointer: str) -> Optional[Located]:
    position = source.locate(doc_index, pointer) if source.locate is not None else None
    return source.path, position or Position(1, 1)

