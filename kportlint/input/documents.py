"""A source file's text -> its documents as plain data, with the findings of the conversion.

A document that does not parse is a yaml-syntax finding, and the file is read again document by
document so that the others survive. Each file gets a Locator, so that positions are found on demand.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from .composing import YAMLSyntaxError, compose_all
from .conversion import to_data
from .kustomizations import KUSTOMIZATION_NAMES, is_kustomization
from .loader_rules import DUPLICATE_KEY, YAML_SYNTAX, YAML_UNSUPPORTED
from .positions import Chunk, Locator
from ..model import Diagnostic, SourceFile

# What the converter notices, as findings; a mapping used as a key in a file with template actions
# marks a Helm template instead.
_NOTE_RULES = {"duplicate-key": DUPLICATE_KEY, "complex-key": YAML_UNSUPPORTED,
               "recursive-alias": YAML_UNSUPPORTED, "too-deep": YAML_UNSUPPORTED,
               "excessive-aliasing": YAML_UNSUPPORTED}
_DOC_START = re.compile(r"^---(?=[ \t]|$)", re.MULTILINE)


@dataclass
class Parsed:
    source: SourceFile
    docs: list[tuple[int, Any]]  # (document index, data)
    chunks: list[Chunk]
    doc_chunks: list[tuple[int, int]]  # document index -> (chunk, index within chunk)
    # document index -> (start, end, first line) of its text within the chunk, so that a position is
    # found by composing that document alone rather than the whole file
    doc_spans: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    real: str = ""  # resolved path
    kustomization: bool = False
    errors: list[Diagnostic] = field(default_factory=list)  # yaml-syntax findings
    notes: list[Diagnostic] = field(default_factory=list)  # duplicate keys and other oddities
    template_like: bool = False  # a mapping used as a key: what `{{ x }}` becomes in YAML


@dataclass
class Parts:
    """What parsing a file's text finds, without the text: what a worker process sends back."""
    docs: list[tuple[int, Any]] = field(default_factory=list)
    doc_chunks: list[tuple[int, int]] = field(default_factory=list)
    doc_spans: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    split: bool = False  # read document by document (chunks are _split_documents(text))
    errors: list[Diagnostic] = field(default_factory=list)
    notes: list[Diagnostic] = field(default_factory=list)
    template_like: bool = False


def parse(source: SourceFile) -> Parsed:
    return assemble(source, parse_text(source.path, source.text))


def parse_text(path: str, text: str) -> Parts:
    """The documents of `text` (the file shown as `path` in findings) as plain data."""
    parts = Parts()
    try:
        nodes = list(compose_all(text))
        for i, node in enumerate(nodes):
            parts.doc_chunks.append((0, i))
            parts.doc_spans[i] = _span(text, node)
            parts.docs.append((i, _convert(node, parts, path, 0)))
    except YAMLSyntaxError:
        # libyaml stops at the first error; re-read document by document so the others survive.
        parts = Parts(split=True)
        for chunk_no, (chunk_text, offset) in enumerate(_split_documents(text)):
            index = 0
            try:
                for node in compose_all(chunk_text, offset):
                    parts.doc_chunks.append((chunk_no, index))
                    parts.docs.append((len(parts.doc_chunks) - 1, _convert(node, parts, path, offset)))
                    index += 1
            except YAMLSyntaxError as exc:
                parts.errors.append(Diagnostic(
                    YAML_SYNTAX, path, exc.line + offset + 1, exc.column + 1,
                    f"YAML syntax error: {exc.message}; this document is skipped."))
    return parts


def assemble(source: SourceFile, parts: Parts) -> Parsed:
    """The Parsed file from its text and what parsing it found; gives the file its Locator."""
    text = source.text
    chunks = [Chunk(t, o) for t, o in _split_documents(text)] if parts.split else [Chunk(text, 0)]
    parsed = Parsed(source, parts.docs, chunks, parts.doc_chunks, parts.doc_spans, errors=parts.errors,
                    notes=parts.notes, template_like=parts.template_like)
    source.locate = Locator(parsed)
    # A kustomization that does not parse is still one: kustomize rejects it, and so its build fails.
    parsed.kustomization = os.path.basename(source.origin) in KUSTOMIZATION_NAMES and (
        not parsed.docs or is_kustomization(source.origin, parsed.docs[0][1]))
    return parsed


def _span(text: str, node: Any) -> tuple[int, int, int]:
    """From the start of the line where the document's root node starts to where the node ends."""
    start = text.rfind("\n", 0, node.start_mark.index) + 1
    return start, node.end_mark.index, node.start_mark.line


def _convert(node: Any, parts: Parts, path: str, line_offset: int) -> Any:
    converted = to_data(node, line_offset=line_offset)
    for note in converted.notes:
        if note.code == "complex-key":
            parts.template_like = True
        parts.notes.append(Diagnostic(_NOTE_RULES[note.code], path, note.line + line_offset + 1,
                                      note.column + 1, note.message))
    return converted.data


def _split_documents(text: str) -> list[tuple[str, int]]:
    starts = [m.start() for m in _DOC_START.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    chunks = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        chunks.append((text[start:end], text.count("\n", 0, start)))
    return chunks
