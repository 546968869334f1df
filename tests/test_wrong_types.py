"""Every rule skips or reports values of the wrong type; none assumes.

The objects come from the rule examples (so every kind a rule reads is covered, and a new rule's
kinds join by themselves) plus a few shapes the examples lack. Hypothesis replaces the value at any
field with a value of another type, or drops the field, and lints the result with every rule on,
schema included. No run may raise.
"""

from __future__ import annotations

import io
import json
import math
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kportlint.catalog import load_catalog
from kportlint.engine import RunOptions, run

EXTRA = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop, labels: {app: db}}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}, matchExpressions: [{key: tier, operator: In, values: [data]}]}
  template:
    metadata: {labels: {app: db, tier: data}}
    spec:
      initContainers: [{name: proxy, image: p, restartPolicy: Always, ports: [{name: proxy, containerPort: 15001}]}]
      containers:
        - name: db
          image: postgres
          ports: [{name: pg, containerPort: 5432, protocol: TCP}]
          readinessProbe: {tcpSocket: {port: pg}}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  clusterIP: None
  selector: {app: db, statefulset.kubernetes.io/pod-name: db-0}
  ports: [{name: pg, port: 5432, targetPort: pg, protocol: TCP}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: external, namespace: shop}
subsets: [{addresses: [{ip: 10.0.0.1}], ports: [{name: http, port: 80}]}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: external-1, namespace: shop, labels: {kubernetes.io/service-name: external}}
addressType: IPv4
endpoints: [{addresses: [10.0.0.2]}]
ports: [{name: http, port: 80}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: report}}
        spec: {containers: [{name: r, image: r, ports: [{containerPort: 9000}]}], restartPolicy: Never}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  strategy: {canary: {canaryMetadata: {labels: {role: canary}}, stableMetadata: {labels: {role: stable}}}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: api, namespace: shop}
    spec: {selector: {app: api, role: stable}, ports: [{port: 80, targetPort: http}]}
"""


def _bases() -> list[dict[str, Any]]:
    texts = [example.manifest for rule in load_catalog().values() for example in rule.bad + rule.good]
    texts.append(EXTRA)
    found = []
    for text in texts:
        try:
            documents = list(yaml.safe_load_all(text))
        except yaml.YAMLError:
            continue  # the yaml-syntax and yaml-unsupported examples
        for document in documents:
            try:
                json.dumps(document, default=str)
            except ValueError:
                continue  # the recursive-alias example
            if isinstance(document, dict) and "kind" in document:
                found.append(document)
    return found


BASES = _bases()
WRONG = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2**63, max_value=2**64),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["", "80", "0x50", "http", "-1", "${PORT}", "a" * 300, "UDP", "None", "{{ x }}"]),
    st.lists(st.one_of(st.integers(), st.text(max_size=4), st.none()), max_size=3),
    st.dictionaries(st.text(max_size=4), st.one_of(st.integers(), st.text(max_size=4), st.none()), max_size=3),
)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            found += _paths(item, prefix + (number,))
    return found


def _replace(value: Any, path: tuple, new: Any, drop: bool) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict) and head in value:
        copy = dict(value)
        if drop and not rest:
            del copy[head]
        else:
            copy[head] = _replace(value[head], rest, new, drop)
        return copy
    if isinstance(value, list) and isinstance(head, int) and head < len(value):
        copy = list(value)
        if drop and not rest:
            del copy[head]
        else:
            copy[head] = _replace(value[head], rest, new, drop)
        return copy
    return value


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    document = draw(st.sampled_from(BASES))
    paths = _paths(document)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        path = draw(st.sampled_from(paths))
        document = _replace(document, path, draw(WRONG), draw(st.booleans()))
    return document


def _dump(documents: list[Any]) -> bytes:
    def clean(value: Any) -> Any:  # YAML writes .nan and .inf; keys must be strings for JSON-like input
        if isinstance(value, dict):
            return {str(k): clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, float) and math.isnan(value):
            return float("nan")
        return value
    return yaml.safe_dump_all([clean(d) for d in documents], sort_keys=False).encode("utf-8")


ALL_RULES = RunOptions(select=("ALL",))


def test_bases_cover_every_kind_a_rule_reads() -> None:
    kinds = {d["kind"] for d in BASES}
    assert {"Service", "Deployment", "StatefulSet", "Pod", "Endpoints", "EndpointSlice", "CronJob",
            "Rollout", "List"} <= kinds
    # the unmutated objects lint cleanly as a whole stream (warms the schema cache, too)
    run(["-"], ALL_RULES, stdin=io.BytesIO(_dump(BASES)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutated(), min_size=1, max_size=3), st.lists(st.sampled_from(BASES), max_size=3))
def test_wrong_types_anywhere_never_raise(broken: list[dict], partners: list[dict]) -> None:
    result = run(["-"], ALL_RULES, stdin=io.BytesIO(_dump(broken + partners)))
    for finding in result.findings:
        assert finding.line >= 1 and finding.column >= 1 and finding.message


@pytest.mark.parametrize("field_value", [
    ("spec/ports", "abc"), ("spec/selector", ["a", "b"]), ("metadata/name", 123),
    ("spec/ports/0/targetPort", 1.5), ("spec/ports/0/port", True), ("kind", 42),
    ("spec/template/spec/containers", {}), ("spec/template/metadata/labels/app", ["web"]),
    ("spec", None),
], ids=lambda v: f"{v[0]}={v[1]!r}")
def test_the_issue_examples_are_schema_findings(field_value: tuple[str, Any]) -> None:
    """Each wrong type from the issue, put into a Deployment + Service pair: no exception, and a
    schema finding at that field when the schema covers the kind and rejects the value."""
    pointer, value = field_value
    deployment, service = [d for d in yaml.safe_load_all(EXTRA_PAIR)]
    target = deployment if pointer.startswith("spec/template") else service
    path = tuple(int(p) if p.isdigit() else p for p in pointer.split("/"))
    documents = [deployment, service]
    documents[documents.index(target)] = _replace(target, path, value, drop=False)
    result = run(["-"], ALL_RULES, stdin=io.BytesIO(_dump(documents)))
    schema = [f for f in result.findings if f.rule == "schema-violation"]
    if pointer == "kind":
        assert schema == []  # no kind, no schema: the object is simply not one Kubernetes knows
    elif pointer == "spec":
        assert schema == []  # the API server reads `spec: null` as no spec, which the schema allows
    elif "/labels/" in pointer:  # a label value that is not a string: non-string-label says it, alone
        assert schema == [] and any(f.rule == "non-string-label" and f.pointer == "/" + pointer
                                    for f in result.findings)
    else:
        assert any(f.pointer == "/" + pointer for f in schema), [(f.pointer, f.message) for f in schema]


EXTRA_PAIR = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
"""
