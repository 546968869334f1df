"""The human report: `path:line:col: severity rule-id message`, then a summary line."""

from __future__ import annotations

from ..engine import RunResult

_COLORS = {"error": "31", "warning": "33", "info": "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def summary_line(result: RunResult) -> str:
    counts = result.counts()
    scanned = f"{_plural(result.files, 'file')}, {_plural(result.objects, 'object')}"
    if not result.findings:
        return f"No problems found ({scanned})."
    parts = [_plural(counts["error"], "error"), _plural(counts["warning"], "warning"),
             f"{counts['info']} info"]
    shown = ", ".join(p for p in parts if not p.startswith("0 "))
    return f"Found {_plural(len(result.findings), 'problem')} ({shown}) in {scanned}."


def render(result: RunResult, color: bool = False) -> str:
    lines = []
    for f in result.findings:
        where = _paint(f"{f.file}:{f.line}:{f.column}:", "1", color)
        severity = _paint(f.severity, _COLORS[f.severity], color)
        lines.append(f"{where} {severity} {_paint(f.rule, '2', color)} {f.message}")
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"
