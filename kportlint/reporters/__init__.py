"""One module per output format; each has render(result, color, summary) -> str (`summary`: the
text formats' closing summary line, left out under --quiet)."""

from __future__ import annotations

import importlib
from typing import Any, Callable

Renderer = Callable[..., str]  # (result, color, summary) -> report
FORMATS = ("text", "json", "github", "sarif", "junit")


def _lazy(name: str, **bound: Any) -> Renderer:
    """The render function of reporters/<name>.py, imported when a report in that format is made
    (junit's XML library alone costs a tenth of a one-file lint's start)."""
    def render(*args: Any, **kwargs: Any) -> str:
        return importlib.import_module(f"{__package__}.{name}").render(*args, **bound, **kwargs)
    return render


REPORTERS: dict[str, Renderer] = {name: _lazy(name) for name in FORMATS}


def renderers(fail_on: str) -> dict[str, Renderer]:
    """REPORTERS for one run: junit also needs the --fail-on threshold, since it decides which test
    cases fail."""
    return {**REPORTERS, "junit": _lazy("junit", fail_on=fail_on)}
