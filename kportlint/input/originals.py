"""Which object of a source file a kustomize-built object was made from: the same kind, and the name
it had before the kustomizations' prefixes and suffixes; or the generator entry that made it."""

from __future__ import annotations

from typing import Any, Optional

from .provenance import Provenance
from .sources import Parsed, Sources
from ..model import document_objects, join_pointer


def name_of(obj: dict[str, Any]) -> str:
    metadata = obj.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return name if isinstance(name, str) else ""


def source_object(parsed: Parsed, built: dict[str, Any], unaffixed: str) -> Optional[tuple[int, str, dict[str, Any]]]:
    """The object of `parsed` that `built` was made from: the same kind, and the name `built` has
    without its kustomizations' prefixes and suffixes, else its built name, else the one object of
    that kind whose name the built one holds. None when that cannot be told (a patch renamed it)."""
    kind, name = built.get("kind"), name_of(built)
    exact, within = None, []
    for doc_index, data in parsed.docs:
        for base, obj in document_objects(data):
            if obj.get("kind", kind) != kind:
                continue
            own = name_of(obj)
            if own == unaffixed:
                return doc_index, base, obj
            if own == name:
                exact = exact or (doc_index, base, obj)
            elif own and own in name:
                within.append((doc_index, base, obj))
    return exact or (within[0] if len(within) == 1 else None)


def names_seen(built: dict[str, Any], provenance: Provenance, sources: Sources) -> dict[str, str]:
    """For each kustomization that changed `built`, the object's name when its patches ran: without
    the namePrefix and nameSuffix of that kustomization and of those above it (a kustomization's
    patches name their targets before its own prefix is added; the outermost adds its prefix last).
    The innermost one's is the name the resource file gives."""
    name, seen = name_of(built), {}
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


def generator_entry(kustomization: Any, built: dict[str, Any]) -> str:
    name = name_of(built)
    if not isinstance(kustomization, dict):
        return ""
    for key in ("configMapGenerator", "secretGenerator"):
        entries = kustomization.get(key)
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, dict) and isinstance(entry.get("name"), str) and entry["name"] in name:
                return join_pointer(key, i)
    return ""
