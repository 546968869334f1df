"""Settings with the configuration file's keys -> RunOptions.

The keys are the ones `.kportlint.yaml` uses (kebab-case). Rule examples and fixture cases carry
their run options this way.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping

from .engine import RunOptions

# configuration key -> RunOptions field
_FIELDS = {
    "select": "select",
    "ignore": "ignore",
    "namespace": "namespace",
    "schema": "schema",
    "kubernetes-version": "kubernetes_version",
    "max-file-size": "max_file_size",
}


class ConfigError(ValueError):
    """A key or value the configuration does not allow."""


def apply(options: RunOptions, settings: Mapping[str, Any]) -> RunOptions:
    """`options` with `settings` laid over it."""
    changes: dict[str, Any] = {}
    for key, value in settings.items():
        if key not in _FIELDS:
            raise ConfigError(f"unknown key '{key}'; allowed: {', '.join(sorted(_FIELDS))}")
        if key in ("select", "ignore"):
            value = tuple(value) if isinstance(value, (list, tuple)) else tuple(str(value).split(","))
        changes[_FIELDS[key]] = value
    return dataclasses.replace(options, **changes)
