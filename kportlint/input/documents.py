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


def parse(source: SourceFile) -> Parsed:
    text = source.text
    parsed = Parsed(source, [], [], [])
    try:
        nodes = list(compose_all(text))
        parsed.chunks.append(Chunk(text, 0))
        for i, node in enumerate(nodes):
            parsed.doc_chunks.append((0, i))
            parsed.doc_spans[i] = _span(text, node)
            parsed.docs.append((i, _convert(node, parsed, 0)))
    except YAMLSyntaxError:
        # libyaml stops at the first error; re-read document by document so the others survive.
        parsed = Parsed(source, [], [], [])
        for chunk_text, offset in _split_documents(text):
            chunk = Chunk(chunk_text, offset)
            parsed.chunks.append(chunk)
            index = 0
            try:
                for node in compose_all(chunk_text, offset):
                    parsed.doc_chunks.append((len(parsed.chunks) - 1, index))
                    parsed.docs.append((len(parsed.doc_chunks) - 1, _convert(node, parsed, offset)))
                    index += 1
            except YAMLSyntaxError as exc:
                parsed.errors.append(Diagnostic(
                    YAML_SYNTAX, source.path, exc.line + offset + 1, exc.column + 1,
                    f"YAML syntax error: {exc.message}; this document is skipped."))
    source.locate = Locator(parsed)
    # A kustomization that does not parse is still one: kustomize rejects it, and so its build fails.
    parsed.kustomization = os.path.basename(source.origin) in KUSTOMIZATION_NAMES and (
        not parsed.docs or is_kustomization(source.origin, parsed.docs[0][1]))
    return parsed


def _span(text: str, node: Any) -> tuple[int, int, int]:
    """From the start of the line where the document's root node starts to where the node ends."""
    start = text.rfind("\n", 0, node.start_mark.index) + 1
    return start, node.end_mark.index, node.start_mark.line


def _convert(node: Any, parsed: Parsed, line_offset: int) -> Any:
    converted = to_data(node, line_offset=line_offset)
    for note in converted.notes:
        if note.code == "complex-key":
            parsed.template_like = True
        parsed.notes.append(Diagnostic(_NOTE_RULES[note.code], parsed.source.path,
                                       note.line + line_offset + 1, note.column + 1, note.message))
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
