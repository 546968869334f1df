"""The rule catalog: rules/*.yaml, validated against rules/rule.schema.json and bound to checks.

Any mismatch between the metadata and the code fails loudly: a rule file without a check, a check
without a rule file, or a file that does not follow the schema.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

from .suppressions import SUPPRESSION_RULES as ENGINE_RULES  # rules the engine reports about directives

_PACKAGE_DIR = Path(__file__).resolve().parent


class CatalogError(Exception):
    """The shipped rule metadata is broken: a packaging or development error."""


@dataclass(frozen=True)
class Example:
    description: str
    manifest: str
    options: Optional[dict[str, Any]] = None  # run options, with the configuration file's keys
    file: str = "example.yaml"  # the name the example is linted under (kustomization.yaml, say)


def _example(data: dict[str, Any]) -> Example:
    return Example(data["description"], data["manifest"], data.get("options"), data.get("file", "example.yaml"))


@dataclass(frozen=True)
class RuleOption:
    """A run option a rule declares (rules/<id>.yaml `options:`): its name is the configuration key,
    and `--<name>` the flag when `flag` is set."""

    name: str
    rule: str
    type: str  # size, boolean, version, port-range or folders (kportlint/options.py reads them)
    description: str
    default: Any
    flag: bool = False
    enables: bool = False  # setting it turns the (opt-in) rule on


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: str
    category: str
    description: str
    rationale: str
    remediation: str
    bad: tuple[Example, ...]
    good: tuple[Example, ...]
    aliases: tuple[str, ...] = ()
    options: tuple[RuleOption, ...] = ()
    opt_in: bool = False  # off unless selected by id, category or ALL


def rule_names(catalog: dict[str, Rule]) -> dict[str, frozenset[str]]:
    """Every word a user may write for rules (--select, --ignore, directives, the annotation,
    per-file-ignores): a rule id, an alias, a category, or ALL, and the rule ids it stands for."""
    names: dict[str, set[str]] = {"ALL": set(catalog)}
    for rule in catalog.values():
        for word in (rule.id, rule.category, *rule.aliases):
            names.setdefault(word, set()).add(rule.id)
    return {word: frozenset(ids) for word, ids in names.items()}


def rules_dir() -> Path:
    """`kportlint/rules` in an installed wheel; the checkout's top-level `rules/` in development."""
    for candidate in (_PACKAGE_DIR / "rules", _PACKAGE_DIR.parent / "rules"):
        if (candidate / "rule.schema.json").is_file():
            return candidate
    raise CatalogError(f"the rule metadata folder is missing (looked in {_PACKAGE_DIR / 'rules'} and "
                       f"{_PACKAGE_DIR.parent / 'rules'}); reinstall kportlint")


def read_rules(folder: Path, validate: bool = True) -> dict[str, Rule]:
    """The rule files of `folder`. `validate` checks each against rule.schema.json; the runs of the
    CLI leave that to the tests (tests/test_catalog.py), which hold the bundled files to it, since
    jsonschema's import alone costs a fifth of a one-file lint's time."""
    validator = None
    if validate:
        import jsonschema

        schema = json.loads((folder / "rule.schema.json").read_text(encoding="utf-8"))
        validator = jsonschema.Draft202012Validator(schema)
    # libyaml's loader: the rule files are plain YAML, and it reads them 15 times faster than a pure
    # Python loader, which counts in every run's start-up.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    rules: dict[str, Rule] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        except (OSError, yaml.YAMLError) as exc:
            raise CatalogError(f"{path}: cannot be read: {exc}") from None
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path)) if validator else []
        if not isinstance(data, dict) or not isinstance(data.get("examples"), dict):
            raise CatalogError(f"{path}: not a rule file (run the tests to see what is wrong)")
        if errors:
            where = "/".join(str(p) for p in errors[0].path) or "(top)"
            raise CatalogError(f"{path}: {where}: {errors[0].message}")
        if data["id"] != path.stem:
            raise CatalogError(f"{path}: id {data['id']!r} differs from the file name")
        examples = data["examples"]
        rules[data["id"]] = Rule(
            id=data["id"], title=data["title"], severity=data["severity"], category=data["category"],
            description=data["description"].strip(), rationale=data["rationale"].strip(),
            remediation=data["remediation"].strip(),
            bad=tuple(_example(e) for e in examples["bad"]),
            good=tuple(_example(e) for e in examples["good"]),
            aliases=tuple(data.get("aliases", ())),
            options=tuple(RuleOption(name, data["id"], spec["type"], spec["description"].strip(), spec["default"],
                                     bool(spec.get("flag")), bool(spec.get("enables")))
                          for name, spec in (data.get("options") or {}).items()),
            opt_in=bool(data.get("opt_in", False)),
        )
    declared = [option.name for rule in rules.values() for option in rule.options]
    twice = sorted({name for name in declared if declared.count(name) > 1})
    if twice:
        raise CatalogError(f"options declared by more than one rule: {', '.join(twice)}")
    return rules


def rule_options(catalog: dict[str, Rule]) -> dict[str, RuleOption]:
    """Every rule's options, by name."""
    return {option.name: option for rule in catalog.values() for option in rule.options}


def bind(rules: dict[str, Rule], implemented: Iterable[str]) -> None:
    """Every rule needs exactly one implementation, and every implementation a rule file."""
    implemented = set(implemented)
    missing_check = sorted(set(rules) - implemented)
    missing_rule = sorted(implemented - set(rules))
    if missing_check:
        raise CatalogError(f"rules without a check: {', '.join(missing_check)}")
    if missing_rule:
        raise CatalogError(f"checks without a rule file in rules/: {', '.join(missing_rule)}")


@lru_cache(maxsize=1)
def load_catalog() -> dict[str, Rule]:
    """All rules, in id order, bound to the checks and loader diagnostics that produce them."""
    from .checks import ALL_CHECKS
    from .input.loader_rules import LOADER_RULES

    rules = read_rules(rules_dir(), validate=False)
    bind(rules, list(ALL_CHECKS) + list(LOADER_RULES) + list(ENGINE_RULES))
    return dict(sorted(rules.items()))
