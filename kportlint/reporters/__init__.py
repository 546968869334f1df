"""One module per output format; each has render(result, color, summary) -> str (`summary`: the
text formats' closing summary line, left out under --quiet)."""

from __future__ import annotations

import functools
from typing import Callable

from . import github, json, junit, sarif, text

Renderer = Callable[..., str]  # (result, color, summary) -> report
REPORTERS: dict[str, Renderer] = {"text": text.render, "json": json.render, "github": github.render,
                                  "sarif": sarif.render, "junit": junit.render}


def renderers(fail_on: str) -> dict[str, Renderer]:
    """REPORTERS for one run: junit also needs the --fail-on threshold, since it decides which test
    cases fail."""
    return {**REPORTERS, "junit": functools.partial(junit.render, fail_on=fail_on)}
