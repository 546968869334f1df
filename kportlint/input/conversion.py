"""Node trees -> plain dicts, lists and scalars, as Kubernetes decodes them.

`to_data` shares aliased nodes instead of expanding them again, refuses recursive aliases, stops at a
fixed depth, resolves merge keys, and notes what Kubernetes would reject (duplicate keys, complex keys,
alias bombs) instead of raising. Positions are not stored with the data (see positions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import Node, ScalarNode, SequenceNode

from .limits import MAX_DEPTH, MAX_EXPANDED_NODES, expansion
from .scalars import MERGE, key_text, scalar_value

_IN_PROGRESS = object()
_RECURSIVE = object()  # what a recursive alias converts to, until its parent notes where it is


@dataclass
class Note:
    """Something odd the converter saw (duplicate key, recursive alias, too deep), 0-based mark."""

    code: str
    message: str
    line: int
    column: int


@dataclass
class Converted:
    data: Any
    notes: list[Note] = field(default_factory=list)


def to_data(root: Node, max_depth: int = MAX_DEPTH, line_offset: int = 0) -> Converted:
    """Convert a node tree to dicts, lists and scalars without expanding shared nodes twice.

    `line_offset` is where the document's text starts in its file, for lines quoted in messages.
    """
    notes: list[Note] = []
    memo: dict[int, Any] = {}

    aliased = False

    def note(code: str, message: str, node: Node) -> None:
        notes.append(Note(code, message, node.start_mark.line, node.start_mark.column))

    def recursive(at: Node, in_list: bool = False) -> None:
        where = "An item of this list is an alias" if in_list else "An alias here refers"
        note("recursive-alias", f"{where} to a mapping or list that contains it; Kubernetes cannot "
             f"decode this.", at)

    def convert(node: Node, depth: int) -> Any:
        nonlocal aliased
        if isinstance(node, ScalarNode):
            return scalar_value(node)
        node_id = id(node)
        if node_id in memo:  # an alias: share the value converted the first time
            seen = memo[node_id]
            if seen is _IN_PROGRESS:
                return _RECURSIVE
            aliased = True
            return seen
        if depth > max_depth:
            note("too-deep", f"This document nests deeper than {max_depth} levels; kportlint does "
                 "not read below that depth.", node)
            return None
        memo[node_id] = _IN_PROGRESS
        if isinstance(node, SequenceNode):
            value: Any = [convert(item, depth + 1) for item in node.value]
            if any(item is _RECURSIVE for item in value):
                recursive(node, in_list=True)
                value = [None if item is _RECURSIVE else item for item in value]
        else:
            value = {}
            merged: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == MERGE:
                    _merge_into(merged, convert(value_node, depth + 1))
                    continue
                if not isinstance(key_node, ScalarNode):
                    note("complex-key", "A mapping or list is used as a key; Kubernetes reads objects as "
                         "JSON, whose keys are strings, so it cannot decode this.", key_node)
                name = key_text(key_node)
                if name in value:
                    first = next(k for k, _ in node.value if k.tag != MERGE and key_text(k) == name)
                    written = key_node.value if isinstance(key_node, ScalarNode) else name
                    earlier = first.value if isinstance(first, ScalarNode) else name
                    same = "" if earlier == written else f" as '{earlier}', which Kubernetes reads as '{name}' too"
                    note("duplicate-key", f"The key '{written}' is also set on line "
                         f"{first.start_mark.line + line_offset + 1} of this mapping{same}; Kubernetes keeps "
                         f"only the last value.", key_node)
                item = convert(value_node, depth + 1)
                if item is _RECURSIVE:
                    recursive(key_node)
                    item = None
                value[name] = item
            if merged:
                value = {**merged, **value}
        memo[node_id] = value
        return value

    data = convert(root, 0)
    if data is _RECURSIVE:  # pragma: no cover - the root cannot be its own alias
        data = None
    if aliased:  # only documents with aliases pay for measuring what expanding them would cost
        nodes, excessive = expansion(root, max_depth)
        if excessive or nodes > MAX_EXPANDED_NODES:
            note("excessive-aliasing", f"Aliases expand this document to {nodes:,} nodes "
                 "(an alias bomb); Kubernetes rejects it, and it is not checked.", root)
            data = None
    return Converted(data, notes)


def _merge_into(target: dict[str, Any], source: Any) -> None:
    # `<<: *a` or `<<: [*a, *b]`; earlier sources win, explicit keys win over all.
    sources = source if isinstance(source, list) else [source]
    for item in sources:
        if isinstance(item, dict):
            for k, v in item.items():
                target.setdefault(k, v)
