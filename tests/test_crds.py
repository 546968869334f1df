"""Custom resources against their schemas: the structural schema's translation to JSON Schema
(kportlint/k8s/crds.py), and `--crd-schemas` / `crd-schemas:` through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from clirun import invoke
from kportlint.k8s import crds
from kportlint.k8s.schema import UNKNOWN_FIELD


def _valid(schema: dict, value: object, lenient: bool = False) -> bool:
    return jsonschema.Draft202012Validator(crds.to_json_schema(schema, lenient)).is_valid(value)


def _obj(spec: object) -> dict:
    return {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": spec}


def _root(spec_schema: dict) -> dict:
    return {"type": "object", "properties": {"spec": spec_schema}}


# -- the translation -------------------------------------------------------------------------------
def test_unknown_fields_are_errors_at_every_level_and_metadata_is_free():
    inner = {"type": "object", "properties": {"a": {"type": "string"}}}
    schema = _root({"type": "object", "properties": {"size": {"type": "integer"}, "inner": inner}})
    assert _valid(schema, _obj({"size": 1, "inner": {"a": "x"}}))
    assert not _valid(schema, _obj({"size": 1, "colour": "red"}))
    assert not _valid(schema, _obj({"inner": {"b": "x"}}))
    assert not _valid(schema, {**_obj({}), "status": {}})  # the schema names no status
    # ObjectMeta is the API server's own: any labels, annotations and fields there
    assert _valid(schema, {**_obj({}), "metadata": {"name": "w", "labels": {"a": "b"}, "finalizers": ["x"]}})


def test_preserve_unknown_fields_accepts_anything_below_it_but_still_checks_what_it_names():
    schema = _root({"type": "object", "properties": {
        "values": {"x-kubernetes-preserve-unknown-fields": True},
        "config": {"type": "object", "x-kubernetes-preserve-unknown-fields": True,
                   "properties": {"port": {"type": "integer"}}}}})
    assert _valid(schema, _obj({"values": {"any": [1, {"deep": None}]}, "config": {"port": 80, "extra": True}}))
    assert _valid(schema, _obj({"values": "a string too"}))
    assert not _valid(schema, _obj({"config": {"port": "eighty"}}))


def test_additional_properties_false_beside_preserve_unknown_fields_is_dropped():
    # openapi2jsonschema (the CRDs catalog's converter) writes it wherever there are properties
    schema = _root({"type": "object", "additionalProperties": False, "x-kubernetes-preserve-unknown-fields": True,
                    "properties": {"a": {"type": "string"}}})
    assert _valid(schema, _obj({"a": "x", "b": 1}))


def test_int_or_string_takes_both_and_only_both():
    schema = _root({"type": "object", "properties": {"port": {
        "anyOf": [{"type": "integer"}, {"type": "string"}], "x-kubernetes-int-or-string": True}}})
    assert "anyOf" not in crds.to_json_schema(schema)["properties"]["spec"]["properties"]["port"]
    assert _valid(schema, _obj({"port": 8080}))
    assert _valid(schema, _obj({"port": "http"}))
    assert not _valid(schema, _obj({"port": [8080]}))
    assert not _valid(schema, _obj({"port": 1.5}))


def test_embedded_resource_needs_api_version_and_kind():
    schema = _root({"type": "object", "properties": {"template": {
        "type": "object", "x-kubernetes-embedded-resource": True, "x-kubernetes-preserve-unknown-fields": True}}})
    assert _valid(schema, _obj({"template": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"x": 1},
                                             "data": {"a": "b"}}}))
    assert not _valid(schema, _obj({"template": {"kind": "ConfigMap"}}))
    assert not _valid(schema, _obj({"template": {"apiVersion": "v1", "kind": 3}}))


def test_nullable_allows_null_and_enum_null():
    schema = _root({"type": "object", "properties": {
        "mode": {"type": "string", "enum": ["a", "b"], "nullable": True},
        "size": {"type": "integer"}}})
    assert _valid(schema, _obj({"mode": None}))
    assert not _valid(schema, _obj({"size": None}))  # invalid as JSON Schema; errors() treats it as pruned


def test_openapi_exclusive_bounds_are_draft_4_flags():
    schema = _root({"type": "object", "properties": {"weight": {"type": "integer", "minimum": 0,
                                                                "exclusiveMinimum": True, "maximum": 10}}})
    assert not _valid(schema, _obj({"weight": 0}))
    assert _valid(schema, _obj({"weight": 1}))
    assert _valid(schema, _obj({"weight": 10}))
    assert not _valid(schema, _obj({"weight": 11}))


def test_required_with_default_is_never_missing():
    schema = _root({"type": "object", "required": ["mode", "name"], "properties": {
        "mode": {"type": "string", "default": "auto"}, "name": {"type": "string"}}})
    assert _valid(schema, _obj({"name": "x"}))
    assert not _valid(schema, _obj({"mode": "auto"}))


def test_junctor_branches_only_check_values_and_are_not_made_strict():
    schema = _root({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
                    "oneOf": [{"required": ["a"]}, {"required": ["b"]}],
                    "anyOf": [{"properties": {"a": {"minLength": 2}}}, {"required": ["b"]}]})
    assert _valid(schema, _obj({"a": "xy"}))
    assert not _valid(schema, _obj({"a": "xy", "b": "z"}))


def test_remote_refs_unknown_keywords_and_foreign_patterns_accept_anything():
    schema = _root({"type": "object", "properties": {
        "remote": {"$ref": "https://example.com/schemas/thing.json"},
        "local": {"$ref": "#/definitions/port"},
        "name": {"type": "string", "pattern": "^\\p{L}+$"},  # ECMA only: not checked
        "when": {"type": "string", "format": "date-time"},
        "odd": {"type": "int32"}}})
    schema["definitions"] = {"port": {"type": "integer"}}
    assert _valid(schema, _obj({"remote": {"anything": 1}, "local": 80, "name": "Zoë", "when": "soon", "odd": "x"}))
    assert not _valid(schema, _obj({"local": "eighty"}))


def test_lenient_keeps_unknown_fields():
    schema = _root({"type": "object", "properties": {"a": {"type": "string"}}})
    assert _valid(schema, _obj({"a": "x", "b": 1}), lenient=True)
    assert not _valid(schema, _obj({"a": 1}), lenient=True)


# -- CRDs and their versions -------------------------------------------------------------------------
def _crd(versions: list, api_version: str = "apiextensions.k8s.io/v1", **spec: object) -> dict:
    return {"apiVersion": api_version, "kind": "CustomResourceDefinition", "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "names": {"kind": "Widget", "plural": "widgets"}, "versions": versions,
                     **spec}}


_SPEC = {"openAPIV3Schema": _root({"type": "object", "properties": {"size": {"type": "integer"},
                                                                    "colour": {"type": "string"}}})}


def test_kinds_of_crds_and_objects():
    assert crds.defined_kind(_crd([])) == ("example.com", "Widget")
    assert crds.defined_kind({"apiVersion": "v1", "kind": "CustomResourceDefinition"}) is None
    assert crds.custom_kind(_obj({})) == ("example.com", "v1", "Widget")
    assert crds.custom_kind({"apiVersion": "apps/v1", "kind": "Deployment"}) is None


def test_versions_served_unserved_and_undefined():
    crd = _crd([{"name": "v1", "served": True, "schema": _SPEC}, {"name": "v1beta1", "served": False, "schema": _SPEC}])
    assert crds.from_crd(crd, "v1").validator is not None
    unserved = crds.from_crd(crd, "v1beta1")
    assert (unserved.served, unserved.defined, unserved.versions) == (False, True, ("v1",))
    missing = crds.from_crd(crd, "v2")
    assert (missing.served, missing.defined) == (False, False)
    [error] = crds.errors(unserved, _obj({}))
    assert (error.pointer, error.keyword, error.field) == ("/apiVersion", crds.NOT_SERVED, "v1beta1")


def test_v1beta1_crd_with_one_schema_for_all_versions_keeps_unknown_fields_unless_told():
    crd = _crd([], "apiextensions.k8s.io/v1beta1", version="v1", validation=_SPEC)
    del crd["spec"]["versions"]
    custom = crds.from_crd(crd, "v1")
    assert custom.served and list(crds.errors(custom, _obj({"size": 1, "extra": 1}))) == []
    assert [e.keyword for e in crds.errors(custom, _obj({"size": "big"}))] == ["type"]
    crd["spec"]["preserveUnknownFields"] = False
    assert [e.field for e in crds.errors(crds.from_crd(crd, "v1"), _obj({"extra": 1}))] == ["extra"]


def test_a_version_without_schema_is_not_checked():
    assert crds.from_crd(_crd([{"name": "v1", "served": True}]), "v1").validator is None


def test_every_error_with_positions_and_did_you_mean():
    custom = crds.from_crd(_crd([{"name": "v1", "served": True, "schema": _SPEC}]), "v1")
    found = list(crds.errors(custom, _obj({"size": "big", "color": "red", "shape": "round"})))
    assert [(e.pointer, e.keyword) for e in found] == [
        ("/spec/color", UNKNOWN_FIELD), ("/spec/shape", UNKNOWN_FIELD), ("/spec/size", "type")]
    assert found[0].nearest == "colour"
    many = {f"field{i}": i for i in range(30)}
    assert len(list(crds.errors(custom, _obj(many)))) == 20


def test_null_fields_are_pruned_but_null_items_are_not():
    schema = {"openAPIV3Schema": _root({"type": "object", "properties": {
        "size": {"type": "integer"}, "names": {"type": "array", "items": {"type": "string"}}}})}
    custom = crds.from_crd(_crd([{"name": "v1", "served": True, "schema": schema}]), "v1")
    assert list(crds.errors(custom, _obj({"size": None}))) == []
    assert [e.pointer for e in crds.errors(custom, _obj({"names": ["a", None]}))] == ["/spec/names/1"]


def test_placeholders_are_tolerated():
    custom = crds.from_crd(_crd([{"name": "v1", "served": True, "schema": _SPEC}]), "v1")
    assert list(crds.errors(custom, _obj({"size": "${SIZE}"}))) == []


# -- vendored schema files ---------------------------------------------------------------------------
def test_vendored_files_are_found_by_the_catalog_layout(tmp_path: Path):
    first, second = tmp_path / "a", tmp_path / "b"
    (second / "argoproj.io").mkdir(parents=True)
    (second / "argoproj.io" / "rollout_v1alpha1.json").write_text("{}", encoding="utf-8")
    first.mkdir()
    found = crds.vendored_file((str(first), str(second)), "argoproj.io", "Rollout", "v1alpha1")
    assert found == (str(second / "argoproj.io" / "rollout_v1alpha1.json"), "argoproj.io/rollout_v1alpha1.json")
    assert crds.vendored_file((str(second),), "argoproj.io", "Rollout", "v1") is None
    assert crds.vendored_file((str(second),), "..", "Rollout", "v1alpha1") is None


def test_a_broken_vendored_file_says_why(tmp_path: Path):
    path = tmp_path / "x.json"
    path.write_text("{not json", encoding="utf-8")
    assert "not JSON" in crds.from_file(str(path), "x.json", "v1").problem
    path.write_text("[]", encoding="utf-8")
    assert "JSON object" in crds.from_file(str(path), "x.json", "v1").problem


# -- the command line ------------------------------------------------------------------------------
_ROLLOUT = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  replicas: "3"
  strategy: {canery: {}}
"""
_ROLLOUT_SCHEMA = {"type": "object", "properties": {"spec": {"type": "object", "properties": {
    "replicas": {"type": "integer"}, "strategy": {"type": "object", "properties": {"canary": {"type": "object"}}}}}}}


def _vendored(folder: Path) -> Path:
    (folder / "argoproj.io").mkdir(parents=True)
    (folder / "argoproj.io" / "rollout_v1alpha1.json").write_text(json.dumps(_ROLLOUT_SCHEMA), encoding="utf-8")
    return folder


def test_flag_checks_custom_objects_against_vendored_schemas(tmp_path: Path):
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "rollout.yaml").write_text(_ROLLOUT, encoding="utf-8")
    _vendored(tmp_path / "vendor" / "schemas")
    (tmp_path / "empty").mkdir()
    quiet = invoke("lint", "deploy", "--select", "schema-violation", cwd=tmp_path)
    assert quiet.exit_code == 0, quiet.stdout + quiet.stderr  # no schema: not checked
    result = invoke("lint", "deploy", "--crd-schemas", "empty", "--crd-schemas", "vendor/schemas",
                    "--format", "json", cwd=tmp_path)  # turns schema-violation on, and repeats
    assert result.exit_code == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [(f["line"], f["rule"]) for f in findings] == [(6, "schema-violation"), (7, "schema-violation")]
    assert "breaks the vendored schema argoproj.io/rollout_v1alpha1.json" in findings[0]["message"]
    assert "Did you mean 'canary'?" in findings[1]["message"]


def test_flag_with_a_missing_folder_is_a_usage_error(tmp_path: Path):
    (tmp_path / "rollout.yaml").write_text(_ROLLOUT, encoding="utf-8")
    result = invoke("lint", ".", "--crd-schemas", "nowhere", cwd=tmp_path)
    assert result.exit_code == 2
    assert "'--crd-schemas'" in result.stderr and "'nowhere' does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_configuration_folders_are_relative_to_the_configuration_file(tmp_path: Path):
    project = tmp_path / "project"
    (project / "deploy").mkdir(parents=True)
    (project / "deploy" / "rollout.yaml").write_text(_ROLLOUT, encoding="utf-8")
    _vendored(project / "schemas")
    (project / ".kportlint.yaml").write_text("crd-schemas: schemas\n", encoding="utf-8")
    result = invoke("lint", "project/deploy", "--format", "json", cwd=tmp_path)  # run from another folder
    assert result.exit_code == 1, result.stderr
    assert len(json.loads(result.stdout)["findings"]) == 2


def test_configuration_with_a_missing_folder_is_a_one_line_error(tmp_path: Path):
    (tmp_path / "rollout.yaml").write_text(_ROLLOUT, encoding="utf-8")
    (tmp_path / ".kportlint.yaml").write_text("crd-schemas: [schemas]\n", encoding="utf-8")
    result = invoke("lint", ".", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("kportlint: error: configuration: crd-schemas: the folder ")
    assert str(tmp_path / "schemas") in result.stderr


@pytest.mark.parametrize("value", ["[3]", "''", "{a: b}"])
def test_configuration_refuses_what_is_no_list_of_folders(tmp_path: Path, value: str):
    (tmp_path / "rollout.yaml").write_text(_ROLLOUT, encoding="utf-8")
    (tmp_path / ".kportlint.yaml").write_text(f"crd-schemas: {value}\n", encoding="utf-8")
    result = invoke("lint", ".", cwd=tmp_path)
    assert result.exit_code == 2 and "crd-schemas" in result.stderr, result.stderr


def test_a_broken_vendored_file_is_a_warning_not_a_quiet_skip(tmp_path: Path):
    (tmp_path / "rollout.yaml").write_text(_ROLLOUT, encoding="utf-8")
    (tmp_path / "schemas" / "argoproj.io").mkdir(parents=True)
    (tmp_path / "schemas" / "argoproj.io" / "rollout_v1alpha1.json").write_text("{oops", encoding="utf-8")
    result = invoke("lint", "rollout.yaml", "--crd-schemas", "schemas", "--format", "json", cwd=tmp_path)
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["severity"] == "warning" and "is not JSON" in finding["message"], finding
