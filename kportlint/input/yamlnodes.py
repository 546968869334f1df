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

import re

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

try:  # libyaml is bundled with PyYAML's wheels; the pure-Python parser is the fallback.
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner
    from yaml.composer import Composer

    class _Parser(Reader, Scanner, _PyParser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _PyParser.__init__(self)
            Composer.__init__(self)


class GoYamlResolver(BaseResolver):
    """Plain scalars typed the way Kubernetes' YAML decoder (go-yaml v2, via sigs.k8s.io/yaml) types them.

    PyYAML follows YAML 1.1 more closely: it reads `1:30` as the base-60 number 90 and `1e6` and `y`
    as strings. go-yaml reads `1:30` and timestamps as strings, `1e6` as a float, and `y`/`n` as
    booleans. What the API server receives is what counts.
    """


for _first, _tag, _pattern in (
    ("yYnNtTfFoO", "tag:yaml.org,2002:bool",
     r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"),
    ("~nN", "tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$"),
    # strconv.ParseInt(s, 0, 64) after dropping every '_'
    ("-+0123456789", "tag:yaml.org,2002:int",
     r"^[-+]?_*(?:0[bB][01_]*[01][01_]*|0[oO][0-7_]*[0-7][0-7_]*|0[xX][0-9a-fA-F_]*[0-9a-fA-F][0-9a-fA-F_]*"
     r"|0[0-7_]*|[1-9][0-9_]*)$"),
    # go-yaml's yamlStyleFloat, and the special values
    ("-+.0123456789", "tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9_]*[0-9][0-9_]*|[0-9_]*[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9_]*[0-9][0-9_]*)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    ("<", "tag:yaml.org,2002:merge", r"^<<$"),
):
    GoYamlResolver.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))
GoYamlResolver.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^$"), [""])


class _Loader(_Parser, GoYamlResolver):  # composes only: nothing is ever constructed
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        GoYamlResolver.__init__(self)


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
_TRUE = frozenset({"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})
_OCTAL = re.compile(r"^[-+]?0[0-7]+$")
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
    """A scalar as Kubernetes reads it (go-yaml: `yes` and `y` are true, `0755` is octal, `1:30` is text)."""
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return node.value in _TRUE if node.value.lower() in _BOOL_WORDS else node.value
    try:
        if tag == _INT:
            digits = node.value.replace("_", "")
            return int(digits, 8) if _OCTAL.match(digits) else int(digits, 0)
        if tag == _FLOAT:
            return _float(node.value)
    except ValueError:
        pass
    return node.value  # timestamps, binary, unknown tags and values their tag does not fit stay text


_BOOL_WORDS = frozenset({"y", "yes", "true", "on", "n", "no", "false", "off"})


def _float(text: str) -> float:
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return float("-inf") if lowered.startswith("-") else float("inf")
    if lowered == ".nan":
        return float("nan")
    return float(text.replace("_", ""))


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
        where = "an item of this list is an alias" if in_list else "an alias here refers"
        note("recursive-alias", f"{where} to a mapping or list that contains it; Kubernetes cannot "
             f"decode this", at)

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
                recursive(node, in_list=True)
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
                    written = key_node.value if isinstance(key_node, ScalarNode) else name
                    earlier = first.value if isinstance(first, ScalarNode) else name
                    same = "" if earlier == written else f" as '{earlier}', which Kubernetes reads as '{name}' too"
                    note("duplicate-key", f"key '{written}' is also set on line "
                         f"{first.start_mark.line + line_offset + 1} of this mapping{same}; Kubernetes keeps "
                         f"only the last value", key_node)
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
            note("excessive-aliasing", f"aliases expand this document to {nodes:,} nodes "
                 "(an alias bomb); Kubernetes rejects it, and it is not checked", root)
            data = None
    return Converted(data, notes)


def expansion(root: Node, max_depth: int = MAX_DEPTH) -> tuple[int, bool]:
    """(nodes, excessive): how many nodes go-yaml decodes for this document, expanding every alias,
    and whether its alias check stops it ("document contains excessive aliasing"). Counted without
    expanding anything.

    go-yaml counts every node it decodes, and separately every node decoded inside an alias, and
    checks their ratio as it goes. Inside one alias both counts grow together, so the ratio rises
    while the allowed ratio falls: checking once after each alias is the same as checking at every
    node. Each mapping or list is measured once (in document order, as go-yaml reads it) and its
    size reused wherever an alias repeats it, so a billion-laughs document costs what its text costs.
    """
    sizes: dict[int, int] = {}  # node id -> nodes decoded for it, its own aliases expanded
    seen: set[int] = set()
    decoded, inside_aliases = 0, 0
    excessive = False

    def visit(node: Node, depth: int) -> int:
        """Decode `node` where it is first written; returns its expanded size."""
        nonlocal decoded, inside_aliases, excessive
        seen.add(id(node))
        decoded += 1
        if isinstance(node, ScalarNode) or depth > max_depth:
            sizes[id(node)] = 1
            return 1
        sizes[id(node)] = 1  # an alias to a node still being decoded (recursive) counts once
        size = 1
        children = node.value if isinstance(node, SequenceNode) else [n for pair in node.value for n in pair]
        for child in children:
            if id(child) in seen:  # an alias: the alias node, then its target's nodes again
                target = sizes.get(id(child), 1)
                decoded += 1 + target
                inside_aliases += target
                size += 1 + target
                if not excessive and excessive_aliasing(decoded, inside_aliases):
                    excessive = True
            else:
                size += visit(child, depth + 1)
        sizes[id(node)] = size
        return size

    visit(root, 0)
    return decoded, excessive or excessive_aliasing(decoded, inside_aliases)


def excessive_aliasing(nodes: int, aliases: int) -> bool:
    """go-yaml's rule, which Kubernetes' YAML decoder applies: too large a share of the decoded nodes
    (`nodes`) were decoded inside aliases (`aliases`)."""
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
    """A key as it reaches the API server: sigs.k8s.io/yaml turns `80:` into "80" and `on:` into "true"."""
    if isinstance(node, ScalarNode):
        if node.tag == _STR:
            return node.value
        value = scalar_value(node)
        if isinstance(value, bool):
            return "true" if value else "false"
        if value is None:
            return "null"
        if isinstance(value, float):
            return str(int(value)) if value.is_integer() and abs(value) < 1e6 else repr(value)
        return str(value)
    return f"<{type(node).__name__}>"


def _merge_into(target: dict[str, Any], source: Any) -> None:
    # `<<: *a` or `<<: [*a, *b]`; earlier sources win, explicit keys win over all.
    sources = source if isinstance(source, list) else [source]
    for item in sources:
        if isinstance(item, dict):
            for k, v in item.items():
                target.setdefault(k, v)


def locate(root: Node, tokens: list[str]) -> Optional[tuple[int, int, int]]:
    """0-based (line, column, last line) of the node at `tokens`, or of the deepest node on the way
    there.

    A scalar is located at its value; a mapping or list reached through a key at that key, which
    is the line a reader looks for (`selector:`, not the first label below it). The last line is
    where the node's text ends (a block mapping's last entry); for the whole document it is the first
    line, so that a directive about an object sits on its first line, not anywhere inside it.
    """
    node, key_node = root, None
    for token in tokens:
        found = _child(node, token, 0)
        if found is None:
            break
        key_node, node = found
    mark = key_node.start_mark if key_node is not None and not isinstance(node, ScalarNode) else node.start_mark
    if node is root:
        return mark.line, mark.column, mark.line
    end = node.end_mark
    # A block collection ends where the next line begins: its last line is the one before.
    last = end.line - 1 if end.column == 0 and end.line > mark.line else end.line
    return mark.line, mark.column, max(last, mark.line)


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
