"""The acceptor (kportlint/k8s/acceptor.py) against jsonschema, the judge: whenever it calls an
object valid, jsonschema finds no error in it. On generated broken objects, on edge values, and on
every built-in object of ../shared/corpus (skipped without it), where it must also prove most valid
objects valid, or it saves nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from kportlint.engine import analyse
from kportlint.k8s import schema
from kportlint.options import RunOptions
from test_wrong_types import BASES, mutated

VERSIONS = schema.bundled_versions()
NEWEST, OLDEST = VERSIONS[-1], VERSIONS[0]
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _verdicts(version: str, obj: dict[str, Any]) -> tuple[bool, list]:
    """(what the acceptor says, the errors jsonschema finds)."""
    kind, api_version = obj.get("kind"), obj.get("apiVersion")
    if not isinstance(kind, str) or not isinstance(api_version, str):
        return False, []
    check = schema.validator(version, kind, api_version)
    if check is None:
        return False, []
    return schema._acceptor(version, kind, api_version)(obj), list(check.iter_errors(obj))


@pytest.mark.parametrize("version", [OLDEST, NEWEST])
def test_the_valid_bases_are_proven_valid(version: str):
    for base in BASES:
        accepted, errors = _verdicts(version, base)
        if schema.validator(version, base["kind"], base["apiVersion"]) is not None and not errors:
            assert accepted, f"{base['kind']} {base['metadata']['name']} is valid but not proven so"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_an_accepted_broken_object_has_no_schema_error(obj: dict[str, Any]):
    for version in (OLDEST, NEWEST):
        accepted, errors = _verdicts(version, obj)
        assert not (accepted and errors), [e.message for e in errors]


@pytest.mark.parametrize(("field", "value", "accepted"), [
    ("targetPort", None, False),   # null matches both IntOrString branches, so oneOf fails
    ("targetPort", "http", True),
    ("targetPort", 8080, True),
    ("targetPort", 8080.0, True),  # a whole float is an integer to JSON Schema
    ("targetPort", 80.5, False),
    ("port", True, False),         # a boolean is not an integer
    ("protocol", "TCP", True),
    ("protocol", "tcp", False),
    ("protocol", 6, False),
    ("targetport", 8080, False),   # unknown field
])
def test_edge_values_agree_with_jsonschema(field: str, value: Any, accepted: bool):
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
               "spec": {"ports": [{"port": 80, field: value}]}}
    proven, errors = _verdicts(NEWEST, service)
    assert proven is accepted
    assert not (proven and errors)


def test_a_keyword_it_does_not_know_is_never_proven():
    acceptors = schema.Acceptors({})
    assert not acceptors.of({"type": "string", "pattern": "^a"})("a")
    assert not acceptors.of({"$ref": "#/$defs/missing"})("a")
    assert acceptors.of({"type": "string", "description": "x", "x-kubernetes-list-type": "atomic"})("a")


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")
def test_on_the_corpus_an_accepted_object_is_valid_and_most_valid_objects_are_accepted():
    index = analyse([str(CORPUS)], RunOptions(build=False), check=False).index
    valid = accepted_valid = 0
    for manifest in index.manifests:
        accepted, errors = _verdicts(NEWEST, manifest.data)
        assert not (accepted and errors), (manifest.source.path, manifest.ref, [e.message for e in errors])
        if schema.validator(NEWEST, manifest.kind, manifest.api_version) is not None and not errors:
            valid += 1
            accepted_valid += accepted
    assert valid > 1000 and accepted_valid / valid > 0.95, (accepted_valid, valid)
