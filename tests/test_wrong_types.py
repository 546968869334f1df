"""Every rule skips or reports values of the wrong type; none assumes.

The objects come from the rule examples plus EXTRA, the shapes and kinds the examples lack.
Hypothesis replaces the value at any field with a value of another type, or drops the field, and
lints the result with every rule on, schema included. No run may raise. The kinds that must be
covered come from kportlint itself, not from this file: every kind a registered check declares and
every kind whose pod template kportlint reads. Each of them is mutated on its own, so a rare kind
is not left to chance, and a new check's kinds fail here until an object of theirs is added.
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
from kportlint.checks import ALL_CHECKS
from kportlint.engine import run
from kportlint.options import RunOptions
from kportlint.k8s.workloads import BUILTIN_KINDS

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
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: cache, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec: {containers: [{name: cache, image: redis, ports: [{name: redis, containerPort: 6379}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: cache, namespace: shop}
spec: {selector: {app: cache}, ports: [{port: 6379, targetPort: redis}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: agent, ports: [{name: metrics, containerPort: 9100, hostPort: 9100}]}]}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: legacy, namespace: shop}
spec:
  replicas: 1
  selector: {app: legacy}
  template:
    metadata: {labels: {app: legacy}}
    spec: {containers: [{name: legacy, image: legacy, ports: [{containerPort: 8080}]}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: shop}
spec:
  template:
    metadata: {labels: {app: migrate}}
    spec: {containers: [{name: migrate, image: migrate, ports: [{containerPort: 9000}]}], restartPolicy: Never}
---
apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata: {name: portal, namespace: shop}
spec:
  replicas: 1
  selector: {app: portal}
  template:
    metadata: {labels: {app: portal}}
    spec: {containers: [{name: portal, image: portal, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: shop}
spec:
  parentRefs: [{name: gateway}]
  rules:
    - matches: [{path: {type: PathPrefix, value: /}}]
      filters: [{type: RequestMirror, requestMirror: {backendRef: {name: api, port: 80}}}]
      backendRefs: [{name: api, port: 80}, {name: missing, port: 80}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: cart, namespace: shop}
spec:
  parentRefs: [{name: gateway}]
  rules:
    - matches: [{method: {service: shop.Cart}}]
      backendRefs: [{name: api, port: 80}, {name: missing, port: 50051, weight: 1}]
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: db, namespace: shop}
spec:
  parentRefs: [{name: gateway, sectionName: postgres}]
  rules: [{backendRefs: [{name: db, port: 5432}, {name: missing, port: 5432}]}]
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TLSRoute
metadata: {name: api, namespace: shop}
spec:
  parentRefs: [{name: gateway, sectionName: tls}]
  hostnames: [api.example.com]
  rules: [{backendRefs: [{name: api, port: 80}, {name: missing, port: 443}]}]
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: UDPRoute
metadata: {name: dns, namespace: shop}
spec:
  parentRefs: [{name: gateway, sectionName: dns}]
  rules: [{backendRefs: [{name: missing, port: 53}]}]
---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {name: shop, namespace: shop}
spec:
  entryPoints: [web]
  routes: [{match: Host(`shop.example.com`), kind: Rule, services: [{name: api, port: 80}, {name: missing, port: 80}]}]
---
apiVersion: traefik.io/v1alpha1
kind: IngressRouteTCP
metadata: {name: db, namespace: shop}
spec:
  entryPoints: [postgres]
  routes: [{match: HostSNI(`*`), services: [{name: db, port: pg}, {name: missing, port: 5432}]}]
  tls: {passthrough: true}
---
apiVersion: traefik.containo.us/v1alpha1
kind: IngressRouteUDP
metadata: {name: dns, namespace: shop}
spec:
  entryPoints: [dns]
  routes: [{services: [{name: api, port: 80}, {name: missing, port: 53}]}]
---
apiVersion: traefik.io/v1alpha1
kind: TraefikService
metadata: {name: split, namespace: shop}
spec:
  weighted:
    services:
      - {name: api, port: 80, weight: 3}
      - {name: missing, port: 80, weight: 1}
      - {name: mirror, kind: TraefikService}
---
apiVersion: traefik.io/v1alpha1
kind: TraefikService
metadata: {name: mirror, namespace: shop}
spec:
  mirroring: {name: api, port: 80, mirrors: [{name: missing, port: 80, percent: 10}]}
"""

# What kportlint reads, as it declares it: the kinds its checks look at, and the pod-making kinds.
CHECKED_KINDS = sorted({kind for check in ALL_CHECKS.values() for kind in check.kinds or ()}
                       | {template.kind for template in BUILTIN_KINDS})
ROUTE_KINDS = ALL_CHECKS["route-backend-unresolved"].kinds


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
def mutated(draw: st.DrawFn, bases: list[dict[str, Any]] = BASES) -> dict[str, Any]:
    document = draw(st.sampled_from(bases))
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


def test_the_kinds_come_from_the_checks() -> None:
    assert {"Service", "Deployment", "Pod", "CronJob", "Rollout", "Ingress", "HTTPRoute"} <= set(CHECKED_KINDS)
    assert set(ROUTE_KINDS) == {"HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute", "IngressRoute",
                                "IngressRouteTCP", "IngressRouteUDP", "TraefikService"}
    # the unmutated objects lint as a whole stream (warms the schema cache, too)
    run(["-"], ALL_RULES, stdin=io.BytesIO(_dump(BASES)))


def test_each_route_kind_is_one_the_check_reads() -> None:
    """EXTRA's routes, which the tests below mutate, are read by route-backend-unresolved (the right
    kind, API group and shape): each also names a Service that is not there, and is told so."""
    result = run(["-"], RunOptions(select=("route-backend-unresolved",)), stdin=io.BytesIO(EXTRA.encode()))
    told = {f.kind for f in result.findings if "Service shop/missing" in f.message}
    assert told == set(ROUTE_KINDS)
    assert all("Service shop/missing" in f.message for f in result.findings), [f.message for f in result.findings]


@pytest.mark.parametrize("kind", CHECKED_KINDS)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_wrong_types_in_each_kind_kportlint_reads_never_raise(kind: str, data: st.DataObject) -> None:
    of_kind = [d for d in BASES if d["kind"] == kind]
    assert of_kind, f"no {kind} to mutate: add one to EXTRA"
    broken = data.draw(st.lists(mutated(of_kind), min_size=1, max_size=2))
    partners = data.draw(st.lists(st.sampled_from(BASES), max_size=3))
    result = run(["-"], ALL_RULES, stdin=io.BytesIO(_dump(broken + partners)))
    for finding in result.findings:
        assert finding.line >= 1 and finding.column >= 1 and finding.message


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutated(), min_size=1, max_size=3), st.lists(st.sampled_from(BASES), max_size=3))
def test_wrong_types_anywhere_never_raise(broken: list[dict], partners: list[dict]) -> None:
    """Any object, the ones no check names too (ConfigMaps, Endpoints, Lists, kustomizations)."""
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
