"""The catalog meta-test: rule files, checks and fixtures name the same rules, and the binding
between metadata and code fails loudly when they do not."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kportlint import config
from kportlint.catalog import ENGINE_RULES, CatalogError, bind, load_catalog, read_rules, rule_names, rules_dir
from kportlint.checks import ALL_CHECKS
from kportlint.commands.cli import main
from kportlint.engine import enabled_rules
from kportlint.options import RunOptions
from kportlint.input.loader_rules import LOADER_RULES

FIXTURES = Path(__file__).parent / "fixtures"
IMPLEMENTED = [*ALL_CHECKS, *LOADER_RULES, *ENGINE_RULES]


def test_every_rule_has_a_valid_rule_file():
    catalog = read_rules(rules_dir())  # validates every file against rules/rule.schema.json
    assert catalog and catalog == {rule.id: rule for rule in load_catalog().values()}
    for rule_id in catalog:
        assert (rules_dir() / f"{rule_id}.yaml").is_file()


def test_every_check_and_loader_diagnostic_has_a_rule():
    catalog = load_catalog()
    assert set(ALL_CHECKS) <= set(catalog)
    assert set(LOADER_RULES) <= set(catalog)
    assert set(catalog) <= set(IMPLEMENTED)


@pytest.mark.parametrize("rule_id", sorted(load_catalog()))
@pytest.mark.parametrize("kind", ["bad", "good"])
def test_every_rule_has_fixtures(rule_id: str, kind: str):
    folder = FIXTURES / rule_id / kind
    assert folder.is_dir() and any(p.is_dir() for p in folder.iterdir()), f"no case in {folder}"


def test_every_fixture_folder_names_a_rule():
    assert {p.name for p in FIXTURES.iterdir() if p.is_dir()} <= set(load_catalog())


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(rules_dir(), folder)
    bind(read_rules(folder), IMPLEMENTED)  # the untouched copy binds: only the edit below can break it
    return folder


def test_bind_rejects_a_rule_without_check(rules_copy: Path):
    text = (rules_copy / "dangling-service.yaml").read_text(encoding="utf-8")
    orphan = text.replace("id: dangling-service", "id: orphan-rule", 1)
    (rules_copy / "orphan-rule.yaml").write_text(orphan, encoding="utf-8")
    with pytest.raises(CatalogError, match="rules without a check: orphan-rule"):
        bind(read_rules(rules_copy), IMPLEMENTED)


def test_bind_rejects_a_check_without_rule(rules_copy: Path):
    (rules_copy / "dangling-service.yaml").unlink()
    with pytest.raises(CatalogError, match="checks without a rule file in rules/: dangling-service"):
        bind(read_rules(rules_copy), IMPLEMENTED)


def test_a_rule_file_whose_id_differs_from_its_name_is_rejected(rules_copy: Path):
    (rules_copy / "dangling-service.yaml").rename(rules_copy / "dangling.yaml")
    with pytest.raises(CatalogError, match="differs from the file name"):
        read_rules(rules_copy)


# --- a rule split in several keeps its old id, as an alias of them all ----------------------------

SPLIT_FROM_INVALID_PORT = frozenset({
    "port-out-of-range", "node-port-out-of-range", "port-protocol-invalid", "port-name-invalid",
    "target-port-quoted-number", "port-name-duplicate", "service-port-name-missing", "service-port-duplicate",
    "container-port-conflict"})
_DIRECTIVE = re.compile(r"[ \t]*# kportlint: disable=.*$", re.M)


def test_the_old_invalid_port_id_selects_the_rules_split_from_it():
    catalog = load_catalog()
    assert "invalid-port" not in catalog
    assert rule_names(catalog)["invalid-port"] == SPLIT_FROM_INVALID_PORT
    assert enabled_rules(catalog, ["invalid-port"], []) == SPLIT_FROM_INVALID_PORT
    assert not enabled_rules(catalog, ["ALL"], ["invalid-port"]) & SPLIT_FROM_INVALID_PORT
    # In the configuration's severities too, where a rule's own id wins over the alias.
    options = config.apply(RunOptions(), {"rules": {"port-out-of-range": "warning", "invalid-port": "off"}})
    assert options.severities == {**dict.fromkeys(SPLIT_FROM_INVALID_PORT, "off"), "port-out-of-range": "warning"}


def test_a_directive_naming_invalid_port_silences_every_rule_split_from_it(tmp_path: Path, markers) -> None:
    case = FIXTURES / "port-out-of-range" / "good" / "suppressed-by-old-id"
    rules = SPLIT_FROM_INVALID_PORT | {"unused-suppression"}
    shutil.copytree(case, tmp_path / "with")
    assert markers.lint(tmp_path / "with", rules) == []  # and each directive silences something
    (tmp_path / "without").mkdir()
    for source in case.iterdir():
        text = _DIRECTIVE.sub("", source.read_text(encoding="utf-8"))
        (tmp_path / "without" / source.name).write_text(text, encoding="utf-8")
    assert {f.rule for f in markers.lint(tmp_path / "without", rules)} == SPLIT_FROM_INVALID_PORT


def test_kportlint_rules_invalid_port_lists_the_rules_it_stands_for():
    result = CliRunner().invoke(main, ["rules", "invalid-port"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("invalid-port is an alias of 9 rules")
    assert {line.split()[0] for line in result.output.splitlines()[2:]} == SPLIT_FROM_INVALID_PORT
