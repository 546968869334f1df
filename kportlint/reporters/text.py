"""The human report: `path:line:col: severity rule-id message`, then a summary line."""

from __future__ import annotations

from ..engine import RunResult
from ..wording import plural

_COLORS = {"error": "31", "warning": "33", "info": "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


_CONTROL = {c: f"\\x{c:02x}" for c in range(32)} | {10: "\\n", 13: "\\r", 9: "\\t", 127: "\\x7f"}


def one_line(text: str) -> str:
    """A message on one line: a newline or control character in it (from a label value, say) is escaped."""
    return text.translate(_CONTROL)


def built_by(builds: tuple[str, ...]) -> str:
    """` (in the build of overlays/prod)`: which kustomize builds a finding is about."""
    if not builds:
        return ""
    shown = list(builds[:3]) + ([f"{len(builds) - 3} more"] if len(builds) > 3 else [])
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    return f" (in the build{'s' if len(builds) > 1 else ''} of {listed})"


def summary_line(result: RunResult) -> str:
    counts = result.counts()
    scanned = f"{plural(result.files, 'file')}, {plural(result.objects, 'object')}"
    if not result.findings:
        return f"No problems found ({scanned}){_builds(result)}."
    parts = [plural(counts["error"], "error"), plural(counts["warning"], "warning"),
             f"{counts['info']} info"]
    shown = ", ".join(p for p in parts if not p.startswith("0 "))
    return f"Found {plural(len(result.findings), 'problem')} ({shown}) in {scanned}{_builds(result)}."


def _builds(result: RunResult) -> str:
    """`; 3 kustomizations built, 1 failed; 2 files that no kustomization builds`, when there are any."""
    parts = []
    if result.builds:
        built = sum(b.built for b in result.builds)
        failed = len(result.builds) - built
        parts.append(f"{plural(built, 'kustomization')} built" + (f", {failed} failed" if failed else ""))
    if result.unbuilt_files:
        parts.append(f"{plural(result.unbuilt_files, 'file')} that no kustomization builds")
    if result.skipped:
        parts.append(f"{plural(len(result.skipped), 'file')} skipped as no manifest (--show-files lists them)")
    return "".join(f"; {part}" for part in parts)


def render(result: RunResult, color: bool = False, summary: bool = True) -> str:
    """One line per finding, then (with `summary`) the summary line."""
    lines = []
    for f in result.findings:
        where = _paint(f"{f.file}:{f.line}:{f.column}:", "1", color)
        severity = _paint(f.severity, _COLORS[f.severity], color)
        lines.append(f"{where} {severity} {_paint(f.rule, '2', color)} {one_line(f.message)}{built_by(f.builds)}")
    if summary:
        lines.append(summary_line(result))
    return "".join(line + "\n" for line in lines)
