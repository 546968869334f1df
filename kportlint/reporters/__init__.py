"""One module per output format; each has render(result, color) -> str."""

from __future__ import annotations

from typing import Callable

from ..engine import RunResult
from . import github, json, sarif, text

Renderer = Callable[[RunResult, bool], str]
REPORTERS: dict[str, Renderer] = {"text": text.render, "json": json.render, "github": github.render,
                                  "sarif": sarif.render}
