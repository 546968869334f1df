"""The edit in a kustomization that wrote a field of a built object: a JSON 6902 patch operation, or
a transformer's line (namePrefix for a name, namespace, labels, annotations, replicas, images)."""

from __future__ import annotations

from typing import Any, Optional

from .positions import Located, at
from .sources import Parsed
from .translation import same
from ..model import SourceFile, join_pointer, split_pointer

_LABEL_PLACES = ("labels", "matchLabels", "selector")


def in_operations(source: SourceFile, doc_index: int, operations: list[Any], tokens: list[str],
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
            if given is _MISSING or wanted is _MISSING or not same(wanted, given):
                continue
            return at(source, doc_index, join_pointer(i, "value", *rest))
        return at(source, doc_index, join_pointer(i))
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


def in_transformers(parsed: Parsed, tokens: list[str]) -> Optional[Located]:
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
            return at(parsed.source, doc_index, join_pointer(*candidate))
    return None


def _has(data: Any, tokens: list[str]) -> bool:
    return _value_at(data, tokens) is not _MISSING
