"""Markdown for $GITHUB_STEP_SUMMARY: the total, a count per rule and a (capped) table of findings."""

from __future__ import annotations

from collections import Counter

from ..engine import RunResult
from ..model import SEVERITY_RANK
from .text import summary_line

MAX_ROWS = 200  # the step summary is capped at 1 MiB; a huge table helps nobody anyway


def cell(text: str) -> str:
    """Table-safe text: `|` would end the cell, a newline the row, and `<stdin>` would vanish as an
    HTML tag."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")
    return text.replace("|", "\\|")


def markdown(result: RunResult) -> str:
    lines = ["## kportlint", "", cell(summary_line(result))]
    if not result.findings:
        return "\n".join(lines) + "\n"

    per_rule = Counter((f.rule, f.severity) for f in result.findings)
    lines += ["", "| Rule | Severity | Count |", "| --- | --- | ---: |"]
    for (rule, severity), count in sorted(per_rule.items(),
                                          key=lambda item: (-SEVERITY_RANK[item[0][1]], item[0][0])):
        lines.append(f"| `{rule}` | {severity} | {count} |")  # ids are kebab-case

    lines += ["", "| Location | Severity | Rule | Message |", "| --- | --- | --- | --- |"]
    for f in result.findings[:MAX_ROWS]:
        lines.append(f"| {cell(f'{f.file}:{f.line}')} | {f.severity} | `{f.rule}` | {cell(f.message)} |")
    hidden = len(result.findings) - MAX_ROWS
    if hidden > 0:
        more = "finding" if hidden == 1 else "findings"
        lines += ["", f"…and {hidden} more {more}, not shown (the table stops at {MAX_ROWS} rows)."]
    return "\n".join(lines) + "\n"
