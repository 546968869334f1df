"""Rule options are declared once, in rules/<id>.yaml: the configuration key, its schema, the CLI flag,
the rule's docs and the run's default all follow from the declaration."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kportlint import config
from kportlint.catalog import CatalogError, load_catalog, read_rules, rule_options, rules_dir
from kportlint.commands.cli import main
from kportlint.commands.lint import lint
from kportlint.commands.rules import rule_doc
from kportlint.engine import run
from kportlint.options import TYPES, RunOptions, option_schema

from manifests import write

DECLARED = rule_options(load_catalog())
SCHEMA_FILE = Path(config.__file__).with_name("config.schema.json")


def _flags() -> set[str]:
    return {opt for param in lint.get_params(click.Context(lint)) for opt in param.opts}


def _schema_file_text() -> str:
    """kportlint/config.schema.json as it must be: its own keys, then one per declared option."""
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    lines = [line for line in text.rstrip("\n").split("\n")
             if not any(line.startswith(f'    "{name}": ') for name in DECLARED)]
    last = max(i for i, line in enumerate(lines) if line.startswith('    "')
               and not lines[i + 1].startswith("      "))  # the last one-line top-level property
    lines[last] = lines[last].rstrip(",") + ","
    added = [f"    {json.dumps(name)}: {json.dumps(option_schema(option), ensure_ascii=False)}"
             for name, option in sorted(DECLARED.items())]
    return "\n".join(lines[:last + 1] + [",\n".join(added)] + lines[last + 1:]) + "\n"


def test_the_shipped_configuration_schema_holds_every_declared_option():
    """Editors validate .kportlint.yaml against the file, so it must be whole, not only the run."""
    expected = _schema_file_text()
    if os.environ.get("KPORTLINT_UPDATE_GOLDEN"):
        SCHEMA_FILE.write_text(expected, encoding="utf-8")
    assert SCHEMA_FILE.read_text(encoding="utf-8") == expected, (
        "kportlint/config.schema.json differs from the declared options; regenerate it with "
        "KPORTLINT_UPDATE_GOLDEN=1 python -m pytest tests/test_options.py")
    assert json.loads(expected) == config.schema()


def test_the_rules_declare_their_options():
    assert {(o.name, o.rule) for o in DECLARED.values()} >= {
        ("max-file-size", "file-too-large"), ("kubernetes-version", "schema-violation"),
        ("show-unused-suppressions", "unused-suppression"), ("node-port-range", "node-port-out-of-range")}


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_each_option_has_its_key_flag_docs_and_default(name: str):
    option = DECLARED[name]
    assert config.schema()["properties"][name]["description"] == option.description
    assert (f"--{name}" in _flags()) is option.flag
    rule = load_catalog()[option.rule]
    assert f"`{name}`" in rule_doc(rule).split("## Options", 1)[1]
    default = RunOptions().resolved()[name]
    assert default == (TYPES[option.type].parse(option.default) if option.default is not None else None)


@pytest.mark.parametrize(("key", "value", "says"), [
    ("max-file-size", "lots", "is not a size"),
    ("node-port-range", "32767-30000", "is not a range of ports"),
    ("kubernetes-version", 1.3, "quote it"),
    ("show-unused-suppressions", "yes", "is not boolean"),
])
def test_a_value_its_type_refuses_is_a_configuration_error_naming_the_key(key, value, says):
    with pytest.raises(config.ConfigError, match=f"configuration: {key}: .*{says}"):
        config.apply(RunOptions(), {key: value})


def test_configured_values_reach_the_run(tmp_path: Path):
    write(tmp_path, {"svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: edge\nspec:\n  type: NodePort\n"
                                 "  ports:\n    - port: 80\n      nodePort: 8080\n"})
    rules = ("node-port-out-of-range",)
    default = run([str(tmp_path)], RunOptions(select=rules))
    assert [f.rule for f in default.findings] == ["node-port-out-of-range"]
    wide = run([str(tmp_path)], config.apply(RunOptions(select=rules), {"node-port-range": "1-9000"}))
    assert wide.findings == []


def test_an_option_that_enables_its_rule_turns_it_on(tmp_path: Path):
    write(tmp_path, {"svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selectr: {}\n"})
    selected = RunOptions(select=("dangling-service",))
    assert not any(f.rule == "schema-violation" for f in run([str(tmp_path)], selected).findings)
    on = selected.with_rule_options(kubernetes_version="1.30")
    assert any(f.rule == "schema-violation" for f in run([str(tmp_path)], on).findings)
    refused = config.apply(RunOptions(), {"kubernetes-version": "1.30", "schema": False})  # no-schema wins
    assert not any(f.rule == "schema-violation" for f in run([str(tmp_path)], refused).findings)
    off = config.apply(RunOptions(), {"kubernetes-version": "1.30", "ignore": ["schema-violation"]})
    assert not any(f.rule == "schema-violation" for f in run([str(tmp_path)], off).findings)


def test_the_flag_sets_the_option(tmp_path: Path):
    write(tmp_path, {"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  a: " + "x" * 200 + "\n"})
    done = CliRunner().invoke(main, ["lint", "--max-file-size", "100", "--format", "json", str(tmp_path)])
    assert '"rule": "file-too-large"' in done.output
    refused = CliRunner().invoke(main, ["lint", "--max-file-size", "lots", str(tmp_path)])
    assert refused.exit_code == 2 and "is not a size" in refused.output


def test_an_option_declared_by_two_rules_is_refused(tmp_path: Path):
    copy = tmp_path / "rules"
    shutil.copytree(rules_dir(), copy)
    text = (copy / "dangling-service.yaml").read_text(encoding="utf-8")
    declared = text.replace("examples:", "options:\n  max-file-size:\n    type: size\n    description: again\n"
                                         "    default: 1\nexamples:", 1)
    (copy / "dangling-service.yaml").write_text(declared, encoding="utf-8")
    with pytest.raises(CatalogError, match="options declared by more than one rule: max-file-size"):
        read_rules(copy)
