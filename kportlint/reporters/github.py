"""GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per finding, which the
runner turns into annotations on the pull request, then the usual summary line."""

from __future__ import annotations

import os

from ..input.discovery import STDIN
from ..engine import RunResult
from ..model import Finding
from .text import summary_line

_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
_STDIN_DISPLAY = "<stdin>"


def escape_data(text: str) -> str:
    """The message part, as @actions/core escapes it: the runner decodes these before display."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: `,` separates properties and `:` ends them, so both are escaped too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation_path(path: str) -> str:
    # The runner matches annotations to repository files by forward-slash paths.
    return path.replace(os.sep, "/") if os.sep != "/" else path


def command(finding: Finding) -> str:
    props = []
    if finding.file not in (_STDIN_DISPLAY, STDIN):
        props += [f"file={escape_property(_annotation_path(finding.file))}",
                  f"line={finding.line}", f"col={finding.column}"]
    props.append(f"title={escape_property(finding.rule)}")
    return f"::{_COMMANDS[finding.severity]} {','.join(props)}::{escape_data(finding.message)}"


def render(result: RunResult, color: bool = False, summary: bool = True) -> str:
    lines = [command(f) for f in result.findings]
    if summary:
        lines.append(summary_line(result))
    return "".join(line + "\n" for line in lines)
