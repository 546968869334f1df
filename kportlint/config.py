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


_SIZE_UNITS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def parse_size(value: Any) -> int:
    """`1048576`, `512KiB`, `32MiB`, `1GiB` -> bytes (K, M, G, KB, MB and GB mean the same binary
    units). Raises ConfigError."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    text = str(value).strip().lower().replace(" ", "")
    number = text.rstrip("kmgib")
    unit = text[len(number):].replace("ib", "").replace("b", "")
    if isinstance(value, bool) or not number.isdigit() or unit not in _SIZE_UNITS:
        raise ConfigError(f"'{value}' is not a size like 32MiB, 512KiB or 1048576 (bytes); 0 means no limit")
    return int(number) * _SIZE_UNITS[unit]


def apply(options: RunOptions, settings: Mapping[str, Any]) -> RunOptions:
    """`options` with `settings` laid over it."""
    changes: dict[str, Any] = {}
    for key, value in settings.items():
        if key not in _FIELDS:
            raise ConfigError(f"unknown key '{key}'; allowed: {', '.join(sorted(_FIELDS))}")
        if key == "max-file-size":
            value = parse_size(value)
        if key in ("select", "ignore"):
            value = tuple(value) if isinstance(value, (list, tuple)) else tuple(str(value).split(","))
        changes[_FIELDS[key]] = value
    return dataclasses.replace(options, **changes)
