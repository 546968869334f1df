"""Suppressions: `# kportlint: disable=<rules>` on the node a finding points at or the line above it,
`# kportlint: disable-file=<rules>` anywhere in a file, and the object annotation
`kportlint.io/ignore: "<rules>"`, which survives Helm and kustomize rendering.

`<rules>` is a comma-separated list of rule ids, aliases, categories or ALL; a bare
`# kportlint: disable` silences every rule. Anything after the list is the reason, as in
`disable=dangling-service -- served by the operator` (ruff allows the same after `noqa`).

A line directive counts on any line of the node the finding points at (from a mapping's key line to
its last line: `app: x  # kportlint: disable=...` under `selector:`), or alone on the line above the
node. A finding about a whole object is silenced from the object's first line or the line above it.

Directives are read with one regular expression per file that mentions `kportlint:`, not parsed
by hand per rule (yamllint's weak point). Each records whether it silenced anything, so that unused
ones can be reported, as ruff reports unused `noqa` comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional

from .model import Finding, Manifest, SourceFile

ANNOTATION = "kportlint.io/ignore"
# The rules the engine reports about directives themselves.
UNKNOWN_SUPPRESSION = "unknown-suppression"
UNUSED_SUPPRESSION = "unused-suppression"
SUPPRESSION_RULES = (UNKNOWN_SUPPRESSION, UNUSED_SUPPRESSION)
EVERY_RULE = "ALL"
_WORD = r"[A-Za-z0-9_][A-Za-z0-9_-]*"
_DIRECTIVE = re.compile(rf"#\s*kportlint:\s*(?P<kind>disable-file|disable)(?![\w-])"
                        rf"(?:\s*=\s*(?P<ids>{_WORD}(?:\s*,\s*{_WORD})*))?")


@dataclass
class Directive:
    file: str
    line: int  # 1-based
    column: int
    scope: str  # "line" or "file"
    rules: tuple[str, ...]  # as written; (ALL,) for a bare directive
    alone: bool = False  # nothing but the comment on its line: it also covers the line below
    used: set[str] = field(default_factory=set)


class Suppressions:
    """The directives of a run, resolved against the words the catalog knows (see catalog.rule_names)."""

    def __init__(self, files: Iterable[SourceFile], names: Mapping[str, frozenset[str]]) -> None:
        self._names = names  # id, alias, category or ALL -> rule ids
        self.directives: list[Directive] = []
        self._by_line: dict[tuple[str, int], list[Directive]] = {}
        self._by_file: dict[str, list[Directive]] = {}
        for source in files:
            if "kportlint:" in source.text:
                self._scan(source)

    def _scan(self, source: SourceFile) -> None:
        for number, line in enumerate(source.text.split("\n"), start=1):
            for match in _DIRECTIVE.finditer(line):
                ids = match["ids"]
                rules = tuple(r.strip() for r in ids.split(",")) if ids else (EVERY_RULE,)
                scope = "file" if match["kind"] == "disable-file" else "line"
                directive = Directive(source.path, number, match.start() + 1, scope, rules,
                                      alone=not line[:match.start()].strip())
                self.directives.append(directive)
                if scope == "file":
                    self._by_file.setdefault(source.path, []).append(directive)
                else:
                    self._by_line.setdefault((source.path, number), []).append(directive)

    def silences(self, finding: Finding, manifest: Optional[Manifest]) -> bool:
        for directive in self._candidates(finding):
            for rule in directive.rules:
                if finding.rule in self._names.get(rule, ()):
                    directive.used.add(rule)
                    return True
        if manifest is not None:
            if any(finding.rule in self._names.get(word, ()) for word in annotation_words(manifest)):
                return True
        return False

    def _candidates(self, finding: Finding) -> list[Directive]:
        """The directives that may speak for the finding: on a line of its node, alone on the line
        above, or for its file."""
        last = finding.line if not finding.pointer else max(finding.line, finding.end_line)
        found = [d for d in self._by_line.get((finding.file, finding.line - 1), []) if d.alone]
        for number in range(finding.line, last + 1):
            found += self._by_line.get((finding.file, number), [])
        return found + self._by_file.get(finding.file, [])

    def unknown(self) -> list[tuple[Directive, str]]:
        """Words in directives that name no rule, alias or category."""
        return [(d, r) for d in self.directives for r in d.rules if r not in self._names]

    def unused(self) -> list[tuple[Directive, str]]:
        """Known words in directives that silenced nothing."""
        return [(d, r) for d in self.directives for r in d.rules if r in self._names and r not in d.used]


def annotation_words(manifest: Manifest) -> list[str]:
    """The rule words of the object's kportlint.io/ignore annotation."""
    annotations = manifest.metadata.get("annotations")
    raw = annotations.get(ANNOTATION) if isinstance(annotations, dict) else None
    if not isinstance(raw, str):
        return []
    return [word.strip() for word in raw.split(",") if word.strip()]


def annotation_unknown(manifest: Manifest, names: Mapping[str, frozenset[str]]) -> list[str]:
    return [word for word in annotation_words(manifest) if word not in names]
