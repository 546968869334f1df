"""kportlint on other linters' test cases (../shared/peer-cases), compared with what their authors expect.

Each record of EXPECTED.json names a file, an object (`Kind/namespace/name`), a concept and the peer's
verdict (flag or pass). Every file is linted on its own, as if it were the whole cluster. A record's
concept maps to kportlint rules (see `_relevant`); kportlint flags the object when one of those rules
reports it with severity error or warning (info means "cannot tell from these files").

- DISAGREEMENTS: records where kportlint deliberately differs from the peer, because Kubernetes behaves
  the way kportlint says. The test asserts the opposite verdict, so the list cannot go stale.
  docs/peer-differences.md explains each one.
- KNOWN_BUGS: records where the peer is right and kportlint is wrong. They are strict xfails and fail
  loudly once fixed.
- Concepts whose kportlint rule is not in the catalog yet are skipped, and are checked as soon as it is.
- Peer mocks that kportlint would read as kustomize patch fragments (no selector, no image) are linted
  from a copy with placeholder images (see `_lint`).

The data stays in ../shared; nothing from it is copied here. Without it, the module is skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Optional

import pytest
from ruamel.yaml import YAML

from kportlint.catalog import load_catalog
from kportlint.engine import run
from kportlint.options import RunOptions
from kportlint.input.loader import load
from kportlint.model import Finding

PEER_CASES = Path(__file__).resolve().parents[2] / "shared" / "peer-cases"

if not (PEER_CASES / "EXPECTED.json").is_file():
    pytest.skip(f"peer cases not found at {PEER_CASES}", allow_module_level=True)

FLAG_SEVERITIES = ("error", "warning")

# concept -> the kportlint rules that decide it (other: chosen per record in `_other`)
CONCEPT_RULES: dict[str, tuple[str, ...]] = {
    "dangling-service": ("dangling-service",),
    "selector-mismatch": ("selector-template-mismatch",),
    "target-port": ("target-port-unresolved", "target-port-undeclared", "port-out-of-range", "port-name-invalid",
                    "target-port-quoted-number", "service-port-duplicate"),
    "probe-port": ("probe-port-unresolved", "port-name-invalid", "port-name-duplicate"),
    "ingress-backend": ("ingress-backend-unresolved",),
    "networkpolicy-selector": ("networkpolicy-selector-no-match",),
}

# A record's `config` value -> why kportlint's run here is equivalent. Other configs are skipped.
CONFIG_EQUIVALENTS = {
    "container-ports-check": "kportlint always checks container ports (port-out-of-range, port-name-invalid, "
                             "port-name-duplicate, port-protocol-invalid, container-port-conflict; "
                             "schema-violation, selected by ALL, for a missing containerPort)",
}

# Kubernetes behaves as kportlint says: kportlint's verdict is the opposite of the peer's.
DISAGREEMENTS: dict[str, str] = {
    # Service without a selector: legitimate (endpoints written by hand); kportlint says info at most.
    "kube-linter/from-code-danglingservice-TestServiceEmptySelectorMatchesNoPods.yaml "
    "Service//service-matches-none dangling-service":
        "a Service without a selector is valid: its endpoints come from Endpoints/EndpointSlices",
    # Ingress backends and NetworkPolicies whose namespace the files show nothing of: info, not a flag.
    "kube-linter/from-code-danglingingress-TestIngressWillReportAllMissingServices.yaml Ingress//ingress-1 "
    "ingress-backend":
        "the file defines no Service at all in the namespace, so the Services may come from elsewhere (info)",
    "kube-linter/from-code-danglingingress-TestIngressWithDefaultBackendServiceMissingFails.yaml "
    "Ingress//ingress-1 ingress-backend":
        "the file defines no Service at all in the namespace, so the Services may come from elsewhere (info)",
    "kube-linter/from-code-danglingingress-TestIngressWithDefaultBackendAndRulesServiceMissingFails.yaml "
    "Ingress//ingress-2 ingress-backend":
        "the file defines no Service at all in the namespace, so the Services may come from elsewhere (info)",
    "kube-linter/dangling-networkpolicy.yml NetworkPolicy//app networkpolicy-selector @spec.podSelector":
        "the file defines no pods at all, so the policy's pods may come from elsewhere (info)",
    "kube-linter/dangling-networkpolicypeer-podselector.yml NetworkPolicy//app networkpolicy-selector "
    "@spec.podSelector":
        "the file defines no pods at all, so the policy's pods may come from elsewhere (info)",
    "kube-linter/dangling-networkpolicypeer-podselector.yml NetworkPolicy//app networkpolicy-selector "
    "@ingress[0].from[0].podSelector":
        "the file defines no pods at all, so the peer's pods may come from elsewhere",
    "popeye/bundle-TestNPLint.yaml NetworkPolicy/default/np2 networkpolicy-selector @ingress[0].from[1]":
        "namespace ns2 has no pods in the files at all (popeye reads a live cluster), so nothing to judge",
    "popeye/bundle-TestNPLint.yaml NetworkPolicy/default/np3 networkpolicy-selector @ingress[0].from[1]":
        "no Namespace in the files matches the namespaceSelector; namespaces are often created elsewhere",
    # A resource backend is valid; popeye's POP-666 is a tool limitation.
    "popeye/bundle-TestIngLint.yaml Ingress/default/ing5 ingress-backend":
        "a resource backend (an object reference, not a Service) is valid in networking.k8s.io/v1",
    # ExternalName: a DNS CNAME; no pods, no endpoints, so neither selector nor ports are looked up.
    "popeye/bundle-TestSVCLint.yaml Service/default/svc3 dangling-service":
        "ExternalName Service: the control plane ignores its selector and creates no endpoints",
    # No workload at all in the namespace: the pods may come from a chart or an operator (info).
    "popeye/from-code-TestSVCSanitize-noMatchingPods.yaml Service/default/s1 dangling-service":
        "the file defines no workload in the namespace, so kportlint says info; hand-written Endpoints "
        "addresses (no Pod targetRef) are not taken as evidence of pods",
    "popeye/from-code-TestSVCSanitize-portProtoFail.yaml Service/default/s1 target-port":
        "ExternalName Service: no pods, so its targetPort is never resolved",
    # targetPort "" is defaulted to port by the API server.
    "kube-linter/from-code-targetport-TestServices.yaml Service//empty-string target-port":
        "targetPort \"\" is defaulted to the Service port by the API server",
    # A single replica that nothing addresses by its stable name: per-pod DNS names serve nobody (info).
    "kube-score/statefulset-service-name-different-name.yaml StatefulSet//statefulset-test-1 other":
        "one replica, and no value in the files names a pod by its stable name: per-pod DNS is unused, so info",
    "kube-score/statefulset-service-name-not-headless.yaml StatefulSet//statefulset-test-1 other":
        "one replica, and no value in the files names a pod by its stable name: per-pod DNS is unused, so info",
    "kube-score/statefulset-service-name-different-label.yaml StatefulSet//statefulset-test-1 other":
        "one replica, and no value in the files names a pod by its stable name: per-pod DNS is unused, so info",
    "kube-score/statefulset-service-name-different-namespace.yaml StatefulSet/ns-test-1/statefulset-test-1 other":
        "one replica, and no value in the files names a pod by its stable name: per-pod DNS is unused, so info",
    "kube-score/from-code-apps-TestStatefulSetHasServiceName-case2-different-service-name.yaml StatefulSet//foo other":
        "one replica, and no value in the files names a pod by its stable name: per-pod DNS is unused, so info",
    "kube-score/from-code-apps-TestStatefulSetHasServiceName-case5-different-namespace.yaml StatefulSet/foo-ns/foo other":
        "one replica, and no value in the files names a pod by its stable name: per-pod DNS is unused, so info",
    "kube-score/from-code-apps-TestStatefulSetHasServiceName-case8-not-headless.yaml StatefulSet//foo other":
        "one replica, and no value in the files names a pod by its stable name: per-pod DNS is unused, so info",
    "kube-score/from-code-apps-TestStatefulSetHasServiceName-case9-selector-mismatch.yaml StatefulSet//foo other":
        "one replica, and no value in the files names a pod by its stable name: per-pod DNS is unused, so info",
    # The API server never required serviceName; the API marks it optional since Kubernetes 1.33.
    "kube-score/from-code-apps-TestStatefulSetHasServiceName-case3-missing-service-name.yaml "
    "StatefulSet//foo other":
        "spec.serviceName is optional (kubernetes#130233); without it the pods just get no per-pod DNS",
    # Probes: a number is used as is; a name is looked up in the probed container by name only.
    "kube-linter/liveness-port.yml Deployment// probe-port #3":
        "numeric probe port: the kubelet probes the number whether or not it is declared",
    "kube-linter/readiness-port.yml Deployment// probe-port #3":
        "numeric probe port: the kubelet probes the number whether or not it is declared",
    "kube-linter/readiness-port.yml Deployment// probe-port #5":
        "grpc probe port is always a number, used as is; it need not be declared",
    "kube-linter/startup-port.yml Deployment// probe-port #3":
        "numeric probe port: the kubelet probes the number whether or not it is declared",
    "kube-linter/startup-port.yml Deployment// probe-port #5":
        "grpc probe port is always a number, used as is; it need not be declared",
    "kube-linter/from-code-livenessport-TestDeploymentWith.yaml Deployment//deployment01-mismaptchport-1 "
    "probe-port #0":
        "numeric probe port: the kubelet probes the number whether or not it is declared",
    "kube-linter/from-code-livenessport-TestDeploymentWith.yaml Deployment//deployment01-grpcportmissmatch "
    "probe-port #0":
        "grpc probe port is always a number, used as is; it need not be declared",
    "kube-linter/from-code-readinessport-TestDeploymentWith.yaml "
    "Deployment//deployment01-grpcportmissmatch probe-port #0":
        "grpc probe port is always a number, used as is; it need not be declared",
    "kube-linter/from-code-startupport-TestDeploymentWith.yaml Deployment//deployment01-grpcportmissmatch "
    "probe-port #0":
        "grpc probe port is always a number, used as is; it need not be declared",
}

# The peer is right and kportlint is wrong: strict xfails, so a fix makes them fail until removed.
KNOWN_BUGS: dict[str, str] = {}

PLACEHOLDER_IMAGE = "peer-case.invalid/placeholder:1"


def _key(record: dict[str, Any]) -> str:
    key = f"{record['file']} {record['object']} {record['concept']}"
    if "container_index" in record:
        key += f" #{record['container_index']}"
    if record.get("part"):
        key += f" @{record['part'].split(' (')[0]}"
    return key


def _records() -> list[tuple[str, dict[str, Any]]]:
    records = json.loads((PEER_CASES / "EXPECTED.json").read_text(encoding="utf-8"))
    keyed: list[tuple[str, dict[str, Any]]] = []
    seen: set[str] = set()
    for record in records:
        key = _key(record)
        if "config" in record:
            key += " [config]"
        while key in seen:
            key += "'"
        seen.add(key)
        keyed.append((key, record))
    return keyed


RECORDS = _records()


# ---- linting, once per file ------------------------------------------------------------------------

def _objects(path: Path) -> list[dict[str, Any]]:
    """The objects a file holds, items of `kind: *List` expanded."""
    found = []
    for doc in YAML(typ="safe", pure=True).load_all(path.read_text(encoding="utf-8")):
        if not isinstance(doc, dict) or "apiVersion" not in doc or "kind" not in doc:
            continue
        items = doc.get("items")
        if str(doc["kind"]).endswith("List") and isinstance(items, list):
            found.extend(i for i in items if isinstance(i, dict))
        else:
            found.append(doc)
    return found


def _add_images(node: Any) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("containers", "initContainers") and isinstance(value, list):
                for container in value:
                    if isinstance(container, dict) and "image" not in container:
                        container["image"] = PLACEHOLDER_IMAGE
            _add_images(value)
    elif isinstance(node, list):
        for item in node:
            _add_images(item)


@dataclass(frozen=True)
class Lint:
    """kportlint's findings for one file, and the objects it linted."""

    path: Path
    adapted: bool  # placeholder images were added (see `_lint`)
    findings: list[Finding]
    objects: list[tuple[str, str, str]]  # (kind, namespace, name) of every object kportlint linted


@cache
def _lint(relative: str, scratch: Path) -> Lint:
    """Lint one peer file on its own.

    kportlint reads a workload without `spec.selector` whose containers all lack `image` as a
    kustomize patch fragment and does not lint it. Peer mocks are often that shape (README: "mock
    Deployments have no spec.selector, no image"). When the file loses objects that way, a copy with
    a placeholder `image` in every container is linted instead: nothing that routing depends on
    changes, and JSON pointers stay the same.
    """
    path = PEER_CASES / relative
    expected = len(_objects(path))
    linted = path
    adapted = False
    if len(load([str(path)]).manifests) < expected:
        docs = list(YAML(typ="safe", pure=True).load_all(path.read_text(encoding="utf-8")))
        _add_images(docs)
        linted = scratch / relative.replace("/", "__")
        yaml = YAML(typ="safe", pure=True)
        yaml.default_flow_style = False
        with linted.open("w", encoding="utf-8") as handle:
            yaml.dump_all(docs, handle)
        adapted = True
    manifests = load([str(linted)]).manifests
    assert len(manifests) == expected, f"{relative}: kportlint linted {len(manifests)} of {expected} objects"
    result = run([str(linted)], RunOptions(select=("ALL",)))
    return Lint(linted, adapted, result.findings, [(m.kind, m.namespace, m.name) for m in manifests])


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("peer-cases")


# ---- which findings decide a record ------------------------------------------------------------------

_SERVICE_PORT_VALUE = re.compile(r"^/spec/ports/\d+/(targetPort|port)$")
_CONTAINER_PORT_NAME = re.compile(r"/(containers|initContainers)/\d+/ports/\d+/name$")
_CONTAINER_PORT = re.compile(r"/containers/\d+/ports/\d+(/|$)")
# The rules split from invalid-port judge port fields wherever they are; they count only at the field
# a record is about.
_CONTAINER_PORT_RULES = ("port-out-of-range", "port-name-invalid", "port-name-duplicate", "port-protocol-invalid",
                         "container-port-conflict")
_PORT_FORMAT_RULES = frozenset(_CONTAINER_PORT_RULES + ("node-port-out-of-range", "target-port-quoted-number",
                                                        "service-port-name-missing", "service-port-duplicate"))


def _pod_spec_pointer(kind: str) -> str:
    if kind == "Pod":
        return "/spec"
    if kind == "CronJob":
        return "/spec/jobTemplate/spec/template/spec"
    return "/spec/template/spec"


def _part_pointers(part: str) -> list[str]:
    """`ingress[0].from[1..2].podSelector (...)` -> JSON pointers under /spec (a range expands).

    A peer's selector stands for the whole peer: a finding may point at the peer or at its
    namespaceSelector."""
    pointers = []
    for piece in part.split(" ")[0].split(","):
        prefixes = [""]
        for name, first, last in re.findall(r"([A-Za-z]+)(?:\[(\d+)(?:\.\.(\d+))?\])?", piece):
            if name == "spec" and prefixes == [""]:
                continue
            if not first:
                prefixes = [f"{p}/{name}" for p in prefixes]
            else:
                indices = range(int(first), int(last or first) + 1)
                prefixes = [f"{p}/{name}/{i}" for p in prefixes for i in indices]
        pointers.extend(re.sub(r"(/(?:from|to)/\d+)/podSelector$", r"\1", "/spec" + p) for p in prefixes)
    return pointers


def _under(pointer: str, prefix: str) -> bool:
    return pointer == prefix or pointer.startswith(prefix + "/")


def _config_equivalent(record: dict[str, Any]) -> Optional[str]:
    """Why kportlint's run matches the record's peer setting, or None (no `config`, or no match)."""
    config = record.get("config")
    values = config.values() if isinstance(config, dict) else ()
    return next((CONFIG_EQUIVALENTS[v] for v in values if isinstance(v, str) and v in CONFIG_EQUIVALENTS),
                None)


def _other(record: dict[str, Any]) -> tuple[Optional[tuple[str, ...]], str]:
    """Rules for an `other` record, or None and why it is not compared."""
    kind = record["object"].split("/")[0]
    if kind == "StatefulSet" and record["file"].startswith("kube-score/"):
        return ("statefulset-service-missing",), ""  # kube-score "StatefulSet has ServiceName"
    if kind == "Deployment" and record["file"].startswith("kube-linter/"):
        return ("port-name-invalid", "port-name-duplicate"), ""  # kube-linter invalid-target-ports: port names
    if kind == "Deployment" and _config_equivalent(record):
        return _CONTAINER_PORT_RULES + ("schema-violation",), ""  # kube-score container-ports-check
    return None, "no kportlint rule covers this peer check"


def _relevant(record: dict[str, Any], finding: Finding) -> bool:
    """Whether `finding` (already on the record's object) speaks to the record's concept."""
    concept = record["concept"]
    pointer = finding.pointer
    if concept == "target-port":
        return finding.rule not in _PORT_FORMAT_RULES or bool(_SERVICE_PORT_VALUE.match(pointer))
    if concept == "probe-port":
        kind = record["object"].split("/")[0]
        container = f"{_pod_spec_pointer(kind)}/containers/{record['container_index']}"
        if not _under(pointer, container):
            return False
        return finding.rule not in _PORT_FORMAT_RULES or bool(_CONTAINER_PORT_NAME.search(pointer))
    if concept == "other" and (finding.rule in _PORT_FORMAT_RULES or finding.rule == "schema-violation"):
        if record.get("config"):
            return bool(_CONTAINER_PORT.search(pointer))
        return bool(_CONTAINER_PORT_NAME.search(pointer))
    if concept == "networkpolicy-selector" and record.get("part"):
        return any(_under(pointer, p) for p in _part_pointers(record["part"]))
    return True


def _rules_for(record: dict[str, Any]) -> tuple[str, ...]:
    """The kportlint rules that decide the record; skips the test when it cannot be compared."""
    if "config" in record and not _config_equivalent(record):
        pytest.skip(f"holds only with the peer setting {json.dumps(record['config'])}; "
                    f"kportlint has no equivalent")
    if record["concept"] == "other":
        rules, why = _other(record)
        if rules is None:
            pytest.skip(why)
    else:
        rules = CONCEPT_RULES[record["concept"]]
    missing = [r for r in rules if r not in load_catalog()]
    if missing and len(missing) == len(rules):
        pytest.skip(f"kportlint has no rule {', '.join(missing)} yet")
    return tuple(r for r in rules if r not in missing)


def _object_findings(record: dict[str, Any], lint: Lint) -> Iterator[Finding]:
    kind, namespace, name = record["object"].split("/", 2)
    matches = [o for o in lint.objects if o[0] == kind and o[2] == name and namespace in ("", o[1])]
    assert len(matches) == 1, f"{record['object']}: kportlint linted {len(matches)} such objects in {lint.path}"
    _, linted_namespace, _ = matches[0]
    for finding in lint.findings:
        if finding.kind == kind and finding.name == name and finding.namespace == linted_namespace:
            yield finding


# ---- the tests ---------------------------------------------------------------------------------------

def _params() -> list[Any]:
    params = []
    for key, record in RECORDS:
        marks = []
        if key in KNOWN_BUGS:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[key]))
        params.append(pytest.param(key, record, id=key, marks=marks))
    return params


@pytest.mark.parametrize(("key", "record"), _params())
def test_peer_case(key: str, record: dict[str, Any], scratch: Path) -> None:
    rules = _rules_for(record)
    lint = _lint(record["file"], scratch)
    evidence = [f for f in _object_findings(record, lint)
                if f.rule in rules and f.severity in FLAG_SEVERITIES and _relevant(record, f)]
    verdict = "flag" if evidence else "pass"
    expected = record["expect"]
    why = f"peer expects {expected}: {record['note']}"
    if key in DISAGREEMENTS:
        expected = "pass" if expected == "flag" else "flag"
        why = f"deliberate disagreement ({DISAGREEMENTS[key]}); peer: {record['note']}"
    if lint.adapted:
        why += " (linted a copy with placeholder images)"
    shown = "\n".join(f"  {f.severity} {f.rule} {f.pointer}: {f.message}" for f in evidence)
    assert verdict == expected, f"kportlint says {verdict}, expected {expected}: {why}\n{shown}"


def test_lists_name_real_records() -> None:
    keys = {key for key, _ in RECORDS}
    assert not set(DISAGREEMENTS) - keys, "DISAGREEMENTS names records that EXPECTED.json lacks"
    assert not set(KNOWN_BUGS) - keys, "KNOWN_BUGS names records that EXPECTED.json lacks"
    assert not set(DISAGREEMENTS) & set(KNOWN_BUGS), "a record is both a disagreement and a bug"


@pytest.mark.parametrize(("part", "pointers"), [
    ("spec.podSelector", ["/spec/podSelector"]),
    ("ingress[0].from[1] (namespaceSelector ns=default + podSelector app=p1)", ["/spec/ingress/0/from/1"]),
    ("egress[0].to[1..2].podSelector", ["/spec/egress/0/to/1", "/spec/egress/0/to/2"]),
    ("ingress[0].from[1],egress[0].to[1]", ["/spec/ingress/0/from/1", "/spec/egress/0/to/1"]),
    ("egress[0].to[0].podSelector app=p1", ["/spec/egress/0/to/0"]),
])
def test_part_pointers(part: str, pointers: list[str]) -> None:
    assert _part_pointers(part) == pointers
