"""YAML text -> node trees -> plain data, and node trees -> positions.

Documents are composed with libyaml (PyYAML's C composer) and never constructed, so tags are never
executed. Nodes are turned into plain dicts and lists by `to_data`, which shares aliased nodes instead of
expanding them again, refuses recursive aliases and stops at a fixed depth. Positions are not stored with
the data: `locate` walks a (re-)composed node tree when a finding needs one. See the README's design notes
for the measurements behind this choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Optional

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:  # libyaml is bundled with PyYAML's wheels; the pure-Python composer is the fallback.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 256  # Kubernetes objects nest a few dozen levels; deeper input is hostile or broken.
# Past this many nodes with aliases expanded, a document is an alias bomb to any walker (a schema
# validator expands every alias), whatever the share of aliases.
MAX_EXPANDED_NODES = 5_000_000

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_CONSTRUCTOR = SafeConstructor()
_SCALARS = {
    _INT: _CONSTRUCTOR.construct_yaml_int,
    _FLOAT: _CONSTRUCTOR.construct_yaml_float,
    _BOOL: _CONSTRUCTOR.construct_yaml_bool,
}
_IN_PROGRESS = object()
_RECURSIVE = object()  # what a recursive alias converts to, until its parent notes where it is


class YAMLSyntaxError(Exception):
    """A document that does not parse: message and 0-based line/column of the parser's mark."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


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


def compose_all(text: str, line_offset: int = 0) -> Iterator[Node]:
    """Yield the node tree of each document; raises YAMLSyntaxError at the first broken one.

    `line_offset` is where `text` starts in its file, for line numbers quoted in messages.
    """
    loader = _Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                yield node
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or str(exc)
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and "end of stream" in problem:
            mark = exc.context_mark  # an unclosed quote or bracket: point where it opens
        if exc.context and exc.context not in problem:
            context = exc.context
            if exc.context_mark is not None and mark is not None and exc.context_mark.line != mark.line:
                context = f"{context} that starts on line {exc.context_mark.line + line_offset + 1}"
            problem = f"{problem} ({context})"
        if mark is not None and mark.index >= len(text.rstrip()) and "end of stream" not in problem:
            problem = f"{problem}; the text ends before the document is complete"
        raise YAMLSyntaxError(problem, mark.line if mark else 0, mark.column if mark else 0) from None
    except yaml.YAMLError as exc:  # e.g. reader errors on control characters
        mark = getattr(exc, "mark", None) or getattr(exc, "problem_mark", None)
        raise YAMLSyntaxError(str(exc).splitlines()[0], getattr(mark, "line", 0),
                              getattr(mark, "column", 0)) from None
    finally:
        loader.dispose()


def scalar_value(node: ScalarNode) -> Any:
    """A scalar as Kubernetes reads it (YAML 1.1: `yes` is true, `0755` is octal)."""
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag == _NULL:
        return None
    construct = _SCALARS.get(tag)
    if construct is None:  # timestamps, binary and unknown tags stay plain text
        return node.value
    try:
        return construct(node)
    except (ConstructorError, ValueError, TypeError, KeyError, IndexError):
        return node.value


def to_data(root: Node, max_depth: int = MAX_DEPTH) -> Converted:
    """Convert a node tree to dicts, lists and scalars without expanding shared nodes twice."""
    notes: list[Note] = []
    memo: dict[int, Any] = {}

    aliased = False

    def note(code: str, message: str, node: Node) -> None:
        notes.append(Note(code, message, node.start_mark.line, node.start_mark.column))

    def recursive(at: Node) -> None:
        note("recursive-alias", "an alias here refers to a mapping or list that contains it; "
             "Kubernetes cannot decode this", at)

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
            note("too-deep", f"this document nests deeper than {max_depth} levels; kportlint does "
                 "not read below that depth", node)
            return None
        memo[node_id] = _IN_PROGRESS
        if isinstance(node, SequenceNode):
            value: Any = [convert(item, depth + 1) for item in node.value]
            if any(item is _RECURSIVE for item in value):
                recursive(node)
                value = [None if item is _RECURSIVE else item for item in value]
        else:
            value = {}
            merged: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE:
                    _merge_into(merged, convert(value_node, depth + 1))
                    continue
                if not isinstance(key_node, ScalarNode):
                    note("complex-key", "a mapping or list is used as a key; Kubernetes reads objects as "
                         "JSON, whose keys are strings, so it cannot decode this", key_node)
                name = _key_text(key_node)
                if name in value:
                    first = next(k for k, _ in node.value if k.tag != _MERGE and _key_text(k) == name)
                    note("duplicate-key", f"key '{name}' is also set on line {first.start_mark.line + 1} "
                         f"of this mapping; Kubernetes keeps only the last value", key_node)
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
        nodes, aliases = expansion(root, max_depth)
        if nodes > MAX_EXPANDED_NODES or excessive_aliasing(nodes, aliases):
            note("excessive-aliasing", f"aliases expand this document to {nodes:,} nodes "
                 "(an alias bomb); Kubernetes rejects it, and it is not checked", root)
            data = None
    return Converted(data, notes)


def expansion(root: Node, max_depth: int = MAX_DEPTH) -> tuple[int, int]:
    """(nodes, aliases) a decoder that expands every alias would visit, counted without expanding.

    Each mapping or list is measured once and its totals reused wherever an alias repeats it, so a
    billion-laughs document costs as much as its text.
    """
    totals: dict[int, tuple[int, int]] = {}
    seen: set[int] = set()

    def walk(node: Node, depth: int) -> tuple[int, int]:
        if isinstance(node, ScalarNode):
            return 1, 0
        node_id = id(node)
        if node_id in totals:
            return totals[node_id]
        totals[node_id] = (1, 0)  # a recursive alias counts once
        if depth > max_depth:
            return 1, 0
        nodes, aliases = 1, 0
        children = node.value if isinstance(node, SequenceNode) else [n for pair in node.value for n in pair]
        for child in children:
            if not isinstance(child, ScalarNode):
                if id(child) in seen:
                    aliases += 1
                seen.add(id(child))
            child_nodes, child_aliases = walk(child, depth + 1)
            nodes += child_nodes
            aliases += child_aliases
        totals[node_id] = (nodes, aliases)
        return nodes, aliases

    seen.add(id(root))
    return walk(root, 0)


def excessive_aliasing(nodes: int, aliases: int) -> bool:
    """go-yaml's rule, which Kubernetes' YAML decoder applies: too large a share of aliased nodes."""
    if aliases <= 100 or nodes <= 1000:
        return False
    if nodes <= 400_000:
        allowed = 0.99
    elif nodes >= 4_000_000:
        allowed = 0.10
    else:
        allowed = 0.99 - 0.89 * (nodes - 400_000) / 3_600_000
    return aliases / nodes > allowed


def _key_text(node: Node) -> str:
    # JSON object keys are strings; Kubernetes' YAML decoder turns `80:` into "80".
    if isinstance(node, ScalarNode):
        return node.value
    return f"<{type(node).__name__}>"


def _merge_into(target: dict[str, Any], source: Any) -> None:
    # `<<: *a` or `<<: [*a, *b]`; earlier sources win, explicit keys win over all.
    sources = source if isinstance(source, list) else [source]
    for item in sources:
        if isinstance(item, dict):
            for k, v in item.items():
                target.setdefault(k, v)


def locate(root: Node, tokens: list[str]) -> Optional[tuple[int, int]]:
    """0-based (line, column) of the node at `tokens`, or of the deepest node on the way there.

    A scalar is located at its value; a mapping or list reached through a key at that key, which
    is the line a reader looks for (`selector:`, not the first label below it).
    """
    node, key_node = root, None
    for token in tokens:
        found = _child(node, token, 0)
        if found is None:
            break
        key_node, node = found
    mark = key_node.start_mark if key_node is not None and not isinstance(node, ScalarNode) else node.start_mark
    return mark.line, mark.column


def _child(node: Node, token: str, depth: int) -> Optional[tuple[Optional[Node], Node]]:
    """(key node or None for a list item, value node) of `token` below `node`."""
    if depth > 16:  # merge chains are short; a cycle of merges is not followed
        return None
    if isinstance(node, SequenceNode):
        if token.isdigit() and int(token) < len(node.value):
            return None, node.value[int(token)]
        return None
    if isinstance(node, MappingNode):
        for key_node, value_node in reversed(node.value):
            if key_node.tag != _MERGE and _key_text(key_node) == token:
                return key_node, value_node
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                for source in sources:
                    found = _child(source, token, depth + 1)
                    if found is not None:
                        return found
    return None
