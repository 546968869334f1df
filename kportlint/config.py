"""The configuration file: `.kportlint.yaml` (or `.kportlint.yml`), or `[tool.kportlint]` in
`pyproject.toml`, found from the linted path or the working folder upward, validated against the
JSON Schema shipped in the package (config.schema.json), and laid over RunOptions.

Rule examples and fixture cases carry their run options with the same keys.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Optional


from .catalog import load_catalog, rule_names, rule_options
from .k8s.workloads import TemplateKind
from .options import TYPES, OptionValueError, RunOptions, option_schema

if TYPE_CHECKING:
    import jsonschema

CONFIG_NAMES = (".kportlint.yaml", ".kportlint.yml")
# Keys that map straight onto a RunOptions field.
_FIELDS = {
    "select": "select",
    "ignore": "ignore",
    "extend-select": "extend_select",
    "extend-ignore": "extend_ignore",
    "namespace": "namespace",
    "schema": "schema",
}


class ConfigError(ValueError):
    """A configuration file that cannot be used: its path, the key, and what is allowed."""


@dataclass
class Config:
    path: Optional[Path]  # None: no file was found
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def base(self) -> str:
        """The folder relative paths (exclude, paths) are read from."""
        return str(self.path.parent) if self.path is not None else os.getcwd()


def find(paths: list[str], cwd: Optional[str] = None) -> Optional[Path]:
    """The nearest configuration file above the first linted path, else above the working folder."""
    starts = []
    for path in paths[:1]:
        if path != "-":
            absolute = Path(path).resolve()
            starts.append(absolute if absolute.is_dir() else absolute.parent)
    starts.append(Path(cwd or os.getcwd()).resolve())
    for start in starts:
        for folder in (start, *start.parents):
            for name in CONFIG_NAMES:
                if (folder / name).is_file():
                    return folder / name
            pyproject = folder / "pyproject.toml"
            if pyproject.is_file() and _has_tool_section(pyproject):
                return pyproject
    return None


def _has_tool_section(pyproject: Path) -> bool:
    try:
        return "kportlint" in _toml(pyproject).get("tool", {})
    except ConfigError:
        return False


def _toml(path: Path) -> dict[str, Any]:
    try:
        import tomllib
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from None


def read(path: Path) -> Config:
    """Read and validate one configuration file."""
    if path.name == "pyproject.toml":
        settings = _toml(path).get("tool", {}).get("kportlint", {})
    else:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError

        try:
            settings = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise ConfigError(f"{path}: {where}not valid YAML: {problem}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot be read: {exc}") from None
        settings = {} if settings is None else settings
    settings = _as_lists(settings)
    validate(settings, str(path))
    return Config(path, dict(settings))


# Keys that take a list, where one item may be written alone (`exclude: vendor`).
_LISTS = ("select", "ignore", "extend-select", "extend-ignore", "exclude", "paths")


def _as_lists(settings: Any) -> Any:
    if not isinstance(settings, dict):
        return settings
    lists = _LISTS + tuple(name for name, option in rule_options(load_catalog()).items() if option.type == "folders")
    settings = {key: [value] if key in lists and isinstance(value, str) else value for key, value in settings.items()}
    ignores = settings.get("per-file-ignores")
    if isinstance(ignores, dict):
        settings["per-file-ignores"] = {k: [v] if isinstance(v, str) else v for k, v in ignores.items()}
    return settings


def schema() -> dict[str, Any]:
    """The configuration's JSON Schema: config.schema.json, and a key for each option a rule declares."""
    base = json.loads((Path(__file__).parent / "config.schema.json").read_text(encoding="utf-8"))
    base["properties"].update((name, option_schema(option)) for name, option in rule_options(load_catalog()).items())
    return base


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Validator:
    import jsonschema  # only where a configuration file is read

    return jsonschema.Draft202012Validator(schema())


def validate(settings: Any, where: str) -> None:
    """Raise ConfigError naming the file, the key and what is allowed."""
    if isinstance(settings, dict) and not settings:
        return  # no configuration: nothing to check (and no jsonschema to import)
    errors = sorted(_validator().iter_errors(settings), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        error = errors[0]
        key = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        raise ConfigError(f"{where}: {key}: {_explain(error)}")
    if isinstance(settings, dict) and isinstance(settings.get("rules"), dict):
        known = load_catalog()
        aliases = {alias for rule in known.values() for alias in rule.aliases}
        for rule in settings["rules"]:
            if rule not in known and rule not in aliases:
                raise ConfigError(f"{where}: rules.{rule}: unknown rule; `kportlint rules` lists them")
    if isinstance(settings, dict):
        names = rule_names(load_catalog())
        lists = [(key, settings.get(key)) for key in ("select", "ignore", "extend-select", "extend-ignore")]
        lists += [(f"per-file-ignores.{glob}", words) for glob, words in (settings.get("per-file-ignores") or {}).items()]
        for key, words in lists:
            for word in words or ():
                if word.strip() not in names:
                    raise ConfigError(f"{where}: {key}: unknown rule or category '{word}'; "
                                      f"`kportlint rules` lists them")
    if isinstance(settings, dict):
        declared = rule_options(load_catalog())
        for key, value in settings.items():
            if key in declared:
                try:
                    TYPES[declared[key].type].parse(value)
                except OptionValueError as exc:
                    raise ConfigError(f"{where}: {key}: {exc}") from None


def _explain(error: jsonschema.ValidationError) -> str:
    path = list(error.absolute_path)
    declared = rule_options(load_catalog())
    option = declared.get(path[0]) if len(path) == 1 and isinstance(path[0], str) else None
    if option is not None and option.type == "version" and isinstance(error.instance, (int, float)) \
            and not isinstance(error.instance, bool):
        return (f"{error.instance!r} is a number, not a version: quote it ({option.name}: \"1.30\"), "
                f"since YAML reads an unquoted 1.30 as 1.3")
    if option is not None and error.validator == "pattern":
        try:  # the option's own type says what it takes
            TYPES[option.type].parse(error.instance)
        except OptionValueError as exc:
            return str(exc)
    if error.validator == "additionalProperties":
        allowed = sorted((error.schema.get("properties") or {}).keys())
        unknown = sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
        name = unknown[0] if unknown else "?"
        return f"unknown key '{name}'; allowed: {', '.join(allowed)}"
    if error.validator == "enum":
        return f"{error.instance!r} is not allowed; use one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "type":
        return f"{error.instance!r} is not {error.validator_value if isinstance(error.validator_value, str) else ' or '.join(error.validator_value)}"
    if error.validator == "pattern":
        description = error.schema.get("description", "")
        return f"{error.instance!r} does not have the expected form. {description}".strip()
    if error.validator == "required":
        return error.message
    return error.message


def apply(options: RunOptions, settings: Mapping[str, Any], base: str = "") -> RunOptions:
    """`options` with `settings` laid over it. `base` is the folder relative paths are read from."""
    settings = _as_lists(dict(settings))
    validate(settings, "configuration")
    declared = rule_options(load_catalog())
    options = options.with_rule_options(**{key: value for key, value in settings.items() if key in declared})
    options = _folders_from(options, settings, declared, base)
    changes: dict[str, Any] = {}
    for key, value in settings.items():
        if key in _FIELDS:
            if key in ("select", "ignore", "extend-select", "extend-ignore"):
                value = tuple(value)
            changes[_FIELDS[key]] = value
        elif key == "rules":
            changes["severities"] = _severities(value)
        elif key == "per-file-ignores":
            changes["per_file_ignores"] = tuple((glob, tuple(words)) for glob, words in value.items())
            changes["exclude_base"] = base
        elif key == "exclude":
            changes["exclude"] = tuple(value)
            changes["exclude_base"] = base
        elif key == "kustomize":
            changes["build"] = value is not False
            if isinstance(value, str):
                changes["kustomize"] = value  # a command on PATH: the schema allows no path
        elif key == "jobs":
            changes["jobs"] = value
        elif key == "kustomize-timeout":
            changes["build_timeout"] = float(value)
        elif key == "pods-from-elsewhere":
            changes["pods_from_elsewhere"] = tuple(
                (item.get("namespace", ""), tuple(sorted(item.get("labels", {}).items()))) for item in value)
        elif key == "pod-template-kinds":
            changes["template_kinds"] = tuple(_template_kind(item) for item in value)
    return dataclasses.replace(options, **changes)


def _folders_from(options: RunOptions, settings: Mapping[str, Any], declared: Mapping[str, Any],
                  base: str) -> RunOptions:
    """Folder options (crd-schemas) read from `base`, the configuration file's folder; one that does
    not exist is an error, not a run that quietly checks less."""
    resolved = {}
    for key, option in declared.items():
        if option.type != "folders" or key not in settings:
            continue
        folders = tuple(os.path.join(base, folder) if base else folder for folder in options.rule_options[key])
        for folder in folders:
            if not os.path.isdir(folder):
                raise ConfigError(f"configuration: {key}: the folder {folder} does not exist"
                                  + (" (paths are relative to the configuration file)" if base else ""))
        resolved[key] = folders
    return options.with_rule_options(**resolved) if resolved else options


def _severities(levels: Mapping[str, str]) -> dict[str, str]:
    """Severities by rule id. An alias sets every rule it stands for (a rule split in several keeps
    its old id as their alias); a rule's own id wins over an alias."""
    catalog = load_catalog()
    severities: dict[str, str] = {}
    for word, level in levels.items():
        if word not in catalog:
            severities.update((rule.id, level) for rule in catalog.values() if word in rule.aliases)
    severities.update((word, level) for word, level in levels.items() if word in catalog)
    return severities


def _template_kind(item: Mapping[str, Any]) -> TemplateKind:
    selector = tuple(item["selector"].split(".")) if item.get("selector") else None
    group = item.get("group")
    return TemplateKind(item["kind"], (group,) if group is not None else ("*",),
                        tuple(item["template"].split(".")), selector)


def context_paths(config: Config) -> list[str]:
    """The configured repository context (`paths:`), as paths."""
    return [str(Path(config.base) / p) for p in config.settings.get("paths", [])]
