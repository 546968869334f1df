"""The catalog meta-test: rule files, checks and fixtures name the same rules, and the binding
between metadata and code fails loudly when they do not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kportlint.catalog import ENGINE_RULES, CatalogError, bind, load_catalog, read_rules, rules_dir
from kportlint.checks import ALL_CHECKS
from kportlint.input.loader import LOADER_RULES

FIXTURES = Path(__file__).parent / "fixtures"
IMPLEMENTED = [*ALL_CHECKS, *LOADER_RULES, *ENGINE_RULES]


def test_every_rule_has_a_valid_rule_file():
    catalog = load_catalog()  # validates every file against rules/rule.schema.json
    assert catalog
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
