"""--statistics: the number of findings per rule, as ruff's --statistics prints them, in text or
JSON (`{"statistics": [{"rule", "severity", "count"}], "summary": {...}}`, most findings first;
the summary is the JSON report's)."""

from __future__ import annotations

from ..engine import RunResult
from ..wording import plural
from . import json, text

FORMATS = ("text", "github", "json")


def rows(result: RunResult) -> list[tuple[str, str, int]]:
    """(rule, severity, count), most findings first."""
    counts: dict[tuple[str, str], int] = {}
    for finding in result.findings:
        counts[(finding.rule, finding.severity)] = counts.get((finding.rule, finding.severity), 0) + 1
    return [(rule, severity, n) for (rule, severity), n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))]


def render(result: RunResult, output_format: str, quiet: bool = False) -> str:
    found = rows(result)
    if output_format == "json":
        return json.dumps({"statistics": [{"rule": rule, "severity": severity, "count": n}
                                          for rule, severity, n in found],
                           "summary": json.summary_object(result)})
    width = max((len(str(n)) for _, _, n in found), default=1)
    lines = [f"{n:>{width}}  {severity:<7}  {rule}" for rule, severity, n in found]
    if result.schema_checked is not None and not quiet:
        lines.append(f"Schema: {plural(result.schema_checked, 'object')} checked, {result.schema_skipped} "
                     f"without a schema (custom resources with no CRD or vendored schema, API versions the target "
                     f"does not serve), not checked.")
    if not quiet:
        lines.append(text.summary_line(result))
    return "\n".join(lines) + "\n" if lines else ""
