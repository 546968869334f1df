"""Run options: what a run is asked to do. The global ones are fields of RunOptions; the options a
rule declares in rules/<id>.yaml live in `rule_options` by name, and their types, defaults, CLI flags
and configuration schema all come from that declaration (see "Adding a rule" in CONTRIBUTING.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Mapping, Optional

from .catalog import RuleOption, load_catalog, rule_options
from .input.kustomize import DEFAULT_TIMEOUT
from .k8s.workloads import TemplateKind


class OptionValueError(ValueError):
    """A value an option's type does not accept; the message says what it takes."""


_SIZE_UNITS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
_SIZE = re.compile(r"([0-9]+)\s*(?:([kmg])i?b?|(b))?")
_VERSION = r"^v?[0-9]+\.[0-9]+(\.[0-9]+)?$"


def parse_size(value: Any) -> int:
    """`1048576`, `512KiB`, `32MiB`, `1GiB` -> bytes (K, M, G, KB, MB and GB mean the same binary
    units)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    match = None if isinstance(value, bool) else _SIZE.fullmatch(str(value).strip().lower())
    if match is None:
        raise OptionValueError(f"'{value}' is not a size like 32MiB, 512KiB or 1048576 (bytes); 0 means no limit")
    return int(match.group(1)) * _SIZE_UNITS[match.group(2) or ""]


def parse_port_range(value: Any) -> tuple[int, int]:
    """`30000-32767` -> (30000, 32767)."""
    match = re.fullmatch(r"([0-9]+)-([0-9]+)", str(value).strip())
    low, high = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    if not 1 <= low <= high <= 65535:
        raise OptionValueError(f"'{value}' is not a range of ports like 30000-32767")
    return low, high


def _version(value: Any) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, str) or not re.match(_VERSION, value):
        raise OptionValueError(f"'{value}' is not a Kubernetes version like 1.30")
    return value


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise OptionValueError(f"'{value}' is not true or false")
    return value


def _folders(value: Any) -> tuple[str, ...]:
    """A folder or a list of them, as written (the configuration reads them from its own folder)."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) and i for i in items):
        raise OptionValueError(f"'{value}' is not a list of folders")
    return tuple(items)


@dataclass(frozen=True)
class OptionType:
    parse: Callable[[Any], Any]  # a configuration or CLI value -> the run's value
    schema: dict[str, Any]  # the configuration file's JSON Schema for it
    metavar: str = ""  # for the CLI flag; "" for a switch


TYPES: dict[str, OptionType] = {
    "size": OptionType(parse_size, {"type": ["integer", "string"]}, "SIZE"),
    "boolean": OptionType(_boolean, {"type": "boolean"}),
    "version": OptionType(_version, {"type": "string", "pattern": _VERSION}, "X.Y"),
    "port-range": OptionType(parse_port_range, {"type": "string", "pattern": "^[0-9]+-[0-9]+$"}, "LOW-HIGH"),
    "folders": OptionType(_folders, {"type": "array", "items": {"type": "string", "minLength": 1}}, "DIR"),
}


def shown_default(option: RuleOption) -> str:
    """The declared default as a user writes it (32MiB, not 33554432); "" for none."""
    if option.default in (None, False):
        return ""
    if option.type == "size" and isinstance(option.default, int):
        for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
            if option.default and option.default % (1 << shift) == 0:
                return f"{option.default >> shift}{unit}"
    return str(option.default)


def option_schema(option: RuleOption) -> dict[str, Any]:
    """The configuration file's JSON Schema for one declared option, with its description."""
    return {"description": option.description, **TYPES[option.type].schema}


@dataclass
class RunOptions:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()  # added to the selection (--select's, or the default)
    extend_ignore: tuple[str, ...] = ()  # added to --ignore
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (glob, rules) not reported in those files
    namespace: str = "default"
    schema: Optional[bool] = None  # True: check the schema (the default); False: never (--no-schema)
    severities: Mapping[str, str] = field(default_factory=dict)  # rule id -> off, info, warning, error
    exclude: tuple[str, ...] = ()  # glob patterns of paths not to lint
    exclude_base: str = ""  # the folder `exclude` and per-file-ignores globs are relative to ("": the working folder)
    template_kinds: tuple[TemplateKind, ...] = ()  # custom resources that carry a pod template
    # (namespace or "", label pairs): pods that come from outside the files (pods-from-elsewhere)
    pods_from_elsewhere: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    force_exclude: bool = False  # a path named on the command line that `exclude` covers is left out silently
    build: bool = True  # build kustomizations with kustomize
    kustomize: Optional[str] = None  # the kustomize or kubectl program (None: the bundled one, else PATH)
    build_timeout: float = DEFAULT_TIMEOUT  # seconds for one build
    jobs: int = 0  # worker processes that parse files (0: one per available core; 1: none)
    # The options rules declare, by name, as set (parsed) by the configuration or the CLI.
    rule_options: Mapping[str, Any] = field(default_factory=dict)

    def with_rule_options(self, **values: Any) -> "RunOptions":
        """A copy with these declared options set (names with _ for -), each parsed by its type."""
        declared = rule_options(load_catalog())
        changed = dict(self.rule_options)
        for key, value in values.items():
            name = key.replace("_", "-")
            changed[name] = TYPES[declared[name].type].parse(value)
        return RunOptions(**{**self.__dict__, "rule_options": changed})

    def resolved(self) -> Mapping[str, Any]:
        """Every declared option: as set, else its declared default."""
        declared = rule_options(load_catalog())
        values = {name: TYPES[o.type].parse(o.default) if o.default is not None else None
                  for name, o in declared.items()}
        values.update(self.rule_options)
        return MappingProxyType(values)

    def enabled_by_options(self) -> set[str]:
        """The opt-in rules that a set option turns on (naming a Kubernetes version, say)."""
        declared = rule_options(load_catalog())
        return {declared[name].rule for name, value in self.rule_options.items()
                if name in declared and declared[name].enables and value is not None and value is not False}
