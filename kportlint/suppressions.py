"""Suppressions: `# kportlint: disable=<id>[,<id>]` on a finding's line or the line above,
`# kportlint: disable-file=<id>[,<id>]` anywhere in a file, and the object annotation
`kportlint.io/ignore: "<id>,<id>"`, which survives Helm and kustomize rendering.

Directives are read with one regular expression per file that mentions `kportlint:`, not parsed
by hand per rule (yamllint's weak point). Each records whether it silenced anything, so that unused
ones can be reported, as ruff reports unused `noqa` comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

from .model import Finding, Manifest, SourceFile

ANNOTATION = "kportlint.io/ignore"
# The rules the engine reports about directives themselves.
UNKNOWN_SUPPRESSION = "unknown-suppression"
UNUSED_SUPPRESSION = "unused-suppression"
SUPPRESSION_RULES = (UNKNOWN_SUPPRESSION, UNUSED_SUPPRESSION)
_DIRECTIVE = re.compile(r"#\s*kportlint:\s*(?P<kind>disable-file|disable)\s*=\s*(?P<ids>[A-Za-z0-9_,\s-]*)")


@dataclass
class Directive:
    file: str
    line: int  # 1-based
    column: int
    scope: str  # "line" or "file"
    rules: tuple[str, ...]
    used: set[str] = field(default_factory=set)


class Suppressions:
    """The directives of a run, resolved against the rule ids (and aliases) the catalog knows."""

    def __init__(self, files: Iterable[SourceFile], aliases: dict[str, str]) -> None:
        self._aliases = aliases  # id or alias -> id
        self.directives: list[Directive] = []
        self._by_line: dict[tuple[str, int], list[Directive]] = {}
        self._by_file: dict[str, list[Directive]] = {}
        for source in files:
            if "kportlint:" in source.text:
                self._scan(source)

    def _scan(self, source: SourceFile) -> None:
        for number, line in enumerate(source.text.split("\n"), start=1):
            for match in _DIRECTIVE.finditer(line):
                rules = tuple(r.strip() for r in match["ids"].split(",") if r.strip())
                scope = "file" if match["kind"] == "disable-file" else "line"
                directive = Directive(source.path, number, match.start() + 1, scope, rules)
                self.directives.append(directive)
                if scope == "file":
                    self._by_file.setdefault(source.path, []).append(directive)
                else:
                    # On the finding's line, or alone on the line above it.
                    self._by_line.setdefault((source.path, number), []).append(directive)
                    if not line[:match.start()].strip():
                        self._by_line.setdefault((source.path, number + 1), []).append(directive)

    def silences(self, finding: Finding, manifest: Optional[Manifest]) -> bool:
        for directive in self._by_line.get((finding.file, finding.line), []) + self._by_file.get(finding.file, []):
            for rule in directive.rules:
                if self._aliases.get(rule) == finding.rule:
                    directive.used.add(rule)
                    return True
        if manifest is not None:
            annotations = manifest.metadata.get("annotations")
            raw = annotations.get(ANNOTATION) if isinstance(annotations, dict) else None
            if isinstance(raw, str) and any(self._aliases.get(r.strip()) == finding.rule for r in raw.split(",")):
                return True
        return False

    def unknown(self) -> list[tuple[Directive, str]]:
        """Rule ids in directives that no rule has."""
        return [(d, r) for d in self.directives for r in d.rules if r not in self._aliases]

    def unused(self) -> list[tuple[Directive, str]]:
        """Known rule ids in directives that silenced nothing."""
        return [(d, r) for d in self.directives for r in d.rules if r in self._aliases and r not in d.used]


def annotation_unknown(manifest: Manifest, aliases: dict[str, str]) -> list[str]:
    annotations = manifest.metadata.get("annotations")
    raw = annotations.get(ANNOTATION) if isinstance(annotations, dict) else None
    if not isinstance(raw, str):
        return []
    return [r.strip() for r in raw.split(",") if r.strip() and r.strip() not in aliases]
