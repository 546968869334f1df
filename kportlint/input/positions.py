"""Where a field sits in its file: the node at a JSON pointer, found by composing the document again,
once and only when a finding needs a position (none are stored with the data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Protocol

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .composing import YAMLSyntaxError, compose_all
from .scalars import MERGE, key_text
from ..model import Position, SourceFile, split_pointer


@dataclass
class Chunk:
    text: str
    line_offset: int
    nodes: Optional[list[Any]] = None


class _Documents(Protocol):
    """What a Locator reads of a parsed file (documents.Parsed)."""

    chunks: list[Chunk]
    doc_chunks: list[tuple[int, int]]
    doc_spans: dict[int, tuple[int, int, int]]


class Locator:
    """Finds positions by composing the file again, once, only when a finding needs one."""

    def __init__(self, parsed: _Documents) -> None:
        self._chunks = parsed.chunks
        self._doc_chunks = parsed.doc_chunks
        self._spans = parsed.doc_spans
        self._documents: dict[int, Any] = {}  # document index -> its node tree, composed alone

    def __call__(self, doc_index: int, pointer: str) -> Optional[Position]:
        if not 0 <= doc_index < len(self._doc_chunks):
            return None
        chunk_no, index = self._doc_chunks[doc_index]
        chunk = self._chunks[chunk_no]
        span = self._spans.get(doc_index)
        if span is not None:
            start, end, line = span
            if doc_index not in self._documents:
                try:
                    self._documents[doc_index] = next(compose_all(chunk.text[start:end]), None)
                except YAMLSyntaxError:
                    self._documents[doc_index] = None
            root = self._documents[doc_index]
            if root is not None:
                found = locate(root, split_pointer(pointer))
                if found is not None:
                    return _position(found, line + chunk.line_offset + 1)
        if chunk.nodes is None:
            chunk.nodes = []
            try:
                for node in compose_all(chunk.text):
                    chunk.nodes.append(node)
            except YAMLSyntaxError:
                pass
        if index >= len(chunk.nodes):
            return None
        found = locate(chunk.nodes[index], split_pointer(pointer))
        if found is None:
            return None
        return _position(found, chunk.line_offset + 1)


def _position(found: tuple[int, int, int, int, int], shift: int) -> Position:
    line, column, last, key_line, key_column = found
    return Position(line + shift, column + 1, last + shift, key_line + shift, key_column + 1)


def locate(root: Node, tokens: list[str]) -> Optional[tuple[int, int, int, int, int]]:
    """0-based (line, column, last line, key line, key column) of the node at `tokens`, or of the
    deepest node on the way there.

    A scalar is located at its value; a mapping or list reached through a key at that key, which
    is the line a reader looks for (`selector:`, not the first label below it). The last line is
    where the node's text ends (a block mapping's last entry); for the whole document it is the first
    line, so that a directive about an object sits on its first line, not anywhere inside it. The key
    is where the key that holds the node sits (the node itself for a list item or the document).
    """
    node, key_node = root, None
    for token in tokens:
        found = _child(node, token, 0)
        if found is None:
            break
        key_node, node = found
    mark = key_node.start_mark if key_node is not None and not isinstance(node, ScalarNode) else node.start_mark
    key = key_node.start_mark if key_node is not None else mark
    if node is root:
        return mark.line, mark.column, mark.line, mark.line, mark.column
    end = node.end_mark
    # A block collection ends where the next line begins: its last line is the one before.
    last = end.line - 1 if end.column == 0 and end.line > mark.line else end.line
    return mark.line, mark.column, max(last, mark.line), key.line, key.column


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
            if key_node.tag != MERGE and key_text(key_node) == token:
                return key_node, value_node
        for key_node, value_node in node.value:
            if key_node.tag == MERGE:
                sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                for source in sources:
                    found = _child(source, token, depth + 1)
                    if found is not None:
                        return found
    return None


Located = tuple[str, Position]


def at(source: SourceFile, doc_index: int, pointer: str) -> Optional[Located]:
    """(file, position) of `pointer` in a document of `source`; its first line when that cannot be told."""
    position = source.locate(doc_index, pointer) if source.locate is not None else None
    return source.path, position or Position(1, 1)
