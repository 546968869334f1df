"""Healthy Services of ../shared/corpus, copied into the two layouts that used to hide a broken port.

Every plain Service of the corpus that kportlint finds healthy (its route selects workloads that
serve every one of its ports, and it gets no finding at all) is copied, with the workloads it
routes to, into:

- A, sibling folders: <n>/services/service.yaml beside <n>/deployments/<kind>-<name>.yaml;
- B, a duplicated workload: <n>/app.yaml (the Service and its workloads, a bundle) beside
  <n>/copy/workload.yaml (a second copy of the workloads, the per-file copy).

Then the first port of each copy is pointed at a port no selected container declares. The broken
copy must get target-port-undeclared (a number) or target-port-unresolved (a name) on its
targetPort; the unbroken copy gets neither. A Service whose broken copy must stay quiet by the
rules' own design (a number, and a selected pod that declares no ports at all) is copied all the
same, but only its unbroken copy is judged.

All cases of one layout share one tree and one run: each case sits in its own <n>/ folder, so the
nearest scope keeps them apart, and test_cases_stay_apart proves it from the routes themselves.

Skipped when the checkout has no ../shared/corpus beside it.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Union

import pytest
import yaml

from kportlint.catalog import load_catalog
from kportlint.engine import analyse
from kportlint.options import RunOptions
from kportlint.index import ObjectIndex
from kportlint.model import Finding, Manifest, PodTemplate
from kportlint.k8s.ports import SERVED, service_ports
from kportlint.resolve.routing import route_service

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
REPOSITORIES = sorted(p for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []

pytestmark = [pytest.mark.corpus, pytest.mark.skipif(not REPOSITORIES, reason=f"no corpus at {CORPUS}")]

UNDECLARED = "target-port-undeclared"
UNRESOLVED = "target-port-unresolved"
RULES = (UNRESOLVED, UNDECLARED)
SEVERITY = {rule: load_catalog()[rule].severity for rule in RULES}
LAYOUTS = ("sibling-folders", "duplicated-workload")

Identity = tuple[str, str, str]  # kind, namespace, name


@dataclass(frozen=True)
class Case:
    origin: str  # where the Service came from: "<repository>/<path>: Service ns/name"
    service: dict[str, Any]
    workloads: tuple[dict[str, Any], ...]  # one copy of each object the route selects
    identities: tuple[Identity, ...]  # of the workloads, in their order
    broken_target: Union[int, str]  # a port none of the selected containers declares
    untestable: str  # why breaking it must leave it quiet by design; "" when a finding is due

    @property
    def expected_rule(self) -> str:
        return UNRESOLVED if isinstance(self.broken_target, str) else UNDECLARED

    def broken_service(self) -> dict[str, Any]:
        service = copy.deepcopy(self.service)
        service["spec"]["ports"][0]["targetPort"] = self.broken_target
        return service


# -- finding the healthy Services -----------------------------------------------------------------

def _lint(path: Path, options: RunOptions) -> tuple[list[Finding], ObjectIndex]:
    """The findings of a run, and the index of the objects that run judged."""
    analysis = analyse([str(path)], options)
    return analysis.result.findings, analysis.index


def _declared(templates: list[PodTemplate]) -> tuple[set[int], set[str]]:
    """The numbers and names of every container port of the templates, init containers too."""
    numbers, names = set(), set()
    for template in templates:
        for container in template.containers:
            for port in container.ports:
                if port.number is not None:
                    numbers.add(port.number)
                if port.name:
                    names.add(port.name)
    return numbers, names


def _broken_target(target: Union[int, str], workloads: list[dict[str, Any]],
                   templates: list[PodTemplate]) -> Union[int, str]:
    numbers, names = _declared(templates)
    # The workloads' whole text, so that the port is not given in args, command or env either
    # (a listen port there is served, although not declared).
    text = json.dumps(workloads, default=str)
    if isinstance(target, str):
        name = "not-declared"
        while name in names or name in text:
            name = "x" + name[:-1]
        return name
    number = max(numbers | {target}) + 1
    while number in numbers or str(number) in text:
        number += 1
    assert number <= 65535, f"no free port number above {target}"
    return number


def _untestable(target: Union[int, str], templates: list[PodTemplate]) -> str:
    """Why breaking the target must leave the Service quiet by design ("" when it must not)."""
    if isinstance(target, int) and not all(t.serving_ports() for t in templates):
        # Port declarations are informational: a pod that declares none may listen anywhere.
        return "a selected pod declares no ports"
    if isinstance(target, str) and all(_runs_to_completion(t.owner) for t in templates):
        # Pods that run to completion are left out of the endpoints when they lack the name.
        return "the selected pods run to completion"
    return ""


def _runs_to_completion(owner: Manifest) -> bool:
    if owner.kind in ("Job", "CronJob"):
        return True
    return owner.kind == "Pod" and owner.spec.get("restartPolicy") in ("Never", "OnFailure")


def _healthy_case(service: Manifest, index: ObjectIndex, findings: dict[tuple, list[Finding]],
                  origin: str) -> Union[Case, None]:
    if service.builds or service.cap or "kportlint" in service.source.text:
        return None  # built, capped, or a directive may have silenced a finding
    route = route_service(service, index.view(service))
    if route is None or not route.templates or findings.get(_key(service)):
        return None
    raw_ports = service.spec.get("ports")
    if not isinstance(raw_ports, list) or not raw_ports or len(route.ports) != len(raw_ports):
        return None  # an entry the route leaves out is no port that is served
    if any(match.status != SERVED for port_route in route.ports for match in port_route.matches):
        return None
    owners: dict[Identity, Manifest] = {}
    for template in route.templates:
        owner = template.owner
        owners.setdefault((owner.kind, owner.namespace, owner.name), owner)
    workloads = [owner.data for owner in owners.values()]
    first = service_ports(service)[0]
    assert first.index == 0 and first.effective_target is not None
    target = first.effective_target
    return Case(origin, service.data, tuple(workloads), tuple(owners),
                _broken_target(target, workloads, route.templates), _untestable(target, route.templates))


def _key(manifest: Manifest) -> tuple:
    return manifest.source.path, manifest.kind, manifest.namespace, manifest.name


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    """Every healthy Service of the corpus, as a case to copy."""
    found = []
    for repository in REPOSITORIES:
        findings, index = _lint(repository, RunOptions())
        about: dict[tuple, list[Finding]] = {}
        for finding in findings:
            about.setdefault((finding.file, finding.kind, finding.namespace, finding.name), []).append(finding)
        # A finding about a file itself (a duplicate key, say) may concern any object in it.
        troubled = {finding.file for finding in findings if not finding.kind}
        for service in index.of_kind("Service"):
            if service.source.path in troubled:
                continue
            origin = (f"{repository.name}/{os.path.relpath(service.source.origin, repository)}: "
                      f"Service {service.namespace}/{service.name}")
            case = _healthy_case(service, index, about, origin)
            if case is not None:
                found.append(case)
    return found


# -- the two layouts ------------------------------------------------------------------------------

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _write(path: Path, *objects: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.dump_all(objects, Dumper=_DUMPER, sort_keys=False), encoding="utf-8")


def _sibling_folders(folder: Path, service: dict[str, Any], case: Case) -> Path:
    _write(folder / "services" / "service.yaml", service)
    for (kind, namespace, name), workload in zip(case.identities, case.workloads):
        path = folder / "deployments" / f"{kind.lower()}-{name}.yaml"
        _write(path.with_name(f"{kind.lower()}-{namespace}-{name}.yaml") if path.exists() else path, workload)
    return folder / "services" / "service.yaml"


def _duplicated_workload(folder: Path, service: dict[str, Any], case: Case) -> Path:
    _write(folder / "app.yaml", service, *case.workloads)
    _write(folder / "copy" / "workload.yaml", *case.workloads)
    return folder / "app.yaml"


WRITERS: dict[str, Callable[[Path, dict[str, Any], Case], Path]] = {
    "sibling-folders": _sibling_folders,
    "duplicated-workload": _duplicated_workload,
}


@dataclass
class Linted:
    """One layout's tree, with every case broken or none, and its one run."""

    service_files: list[Path]  # per case, the file that holds its Service
    findings: dict[Path, list[Finding]]  # by file
    index: ObjectIndex


def _lint_tree(root: Path, layout: str, cases: list[Case], broken: bool) -> Linted:
    # Each case keeps the namespace it had in the corpus: many share `default`, their names and
    # their labels, and that is the point. Only the <n>/ folders keep them apart, as in a repository,
    # and test_cases_stay_apart checks that they do.
    files = []
    for n, case in enumerate(cases):
        service = case.broken_service() if broken else case.service
        files.append(WRITERS[layout](root / f"{n:03d}", service, case).resolve())
    findings, index = _lint(root, RunOptions(select=RULES))
    by_file: dict[Path, list[Finding]] = {}
    for finding in findings:
        by_file.setdefault(Path(finding.file).resolve(), []).append(finding)
    return Linted(files, by_file, index)


@pytest.fixture(scope="module", params=LAYOUTS)
def layout(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def linted(layout: str, cases: list[Case], tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Linted]:
    """broken -> the run; one run per layout and state, not one per Service."""
    return {broken: _lint_tree(tmp_path_factory.mktemp(f"{layout}-{'broken' if broken else 'unbroken'}"),
                               layout, cases, broken) for broken in (False, True)}


def _show(case: Case, findings: list[Finding]) -> str:
    said = "; ".join(f"{f.rule} at {f.pointer or f.line}: {f.message}" for f in findings) or "nothing"
    return f"{case.origin} (targetPort -> {case.broken_target!r}): {said}"


# -- the tests ------------------------------------------------------------------------------------

def test_the_corpus_has_healthy_services(cases: list[Case]):
    untestable = [f"{c.origin}: {c.untestable}" for c in cases if c.untestable]
    assert len(cases) - len(untestable) >= 500, untestable


def test_broken_copies_get_a_finding(layout: str, cases: list[Case], linted: dict[bool, Linted]):
    tree = linted[True]
    missed = []
    for case, file in zip(cases, tree.service_files):
        if case.untestable:
            continue
        about = tree.findings.get(file, [])
        # One finding, of the rule the broken target calls for, at its default severity (the two
        # files hold the whole picture), on that targetPort of this Service, in this file.
        if [(f.rule, f.severity, f.pointer, f.kind, f.name) for f in about] != [
                (case.expected_rule, SEVERITY[case.expected_rule], "/spec/ports/0/targetPort", "Service",
                 case.service["metadata"]["name"])]:
            missed.append(_show(case, about))
    judged = sum(not case.untestable for case in cases)
    assert not missed, (f"{len(missed)} of {judged} broken copies ({layout}) did not get the one finding "
                        f"expected:\n" + "\n".join(missed))


def test_unbroken_copies_get_none(layout: str, cases: list[Case], linted: dict[bool, Linted]):
    tree = linted[False]
    noisy = [_show(case, tree.findings[file]) for case, file in zip(cases, tree.service_files)
             if tree.findings.get(file)]
    assert not noisy, f"{len(noisy)} of {len(cases)} unbroken copies ({layout}) got a finding:\n" + "\n".join(noisy)


@pytest.mark.parametrize("broken", [False, True], ids=["unbroken", "broken"])
def test_cases_stay_apart(layout: str, cases: list[Case], linted: dict[bool, Linted], broken: bool):
    """In the shared tree, each copied Service routes to exactly the workloads it routed to in the
    corpus, and to their copies in its own case folder only: in the duplicated layout, to those in
    its own file, not to the copy/ beside it."""
    tree = linted[broken]
    services = {Path(s.source.origin).resolve(): s for s in tree.index.of_kind("Service")}
    crossed = []
    for case, file in zip(cases, tree.service_files):
        route = route_service(services[file], tree.index)
        own = file.parent.parent if layout == "sibling-folders" else file.parent
        folders = {Path(t.owner.source.origin).resolve().parent for t in route.templates}
        identities = {(t.owner.kind, t.owner.namespace, t.owner.name) for t in route.templates}
        elsewhere = [f for f in folders if own not in (f, *f.parents)]
        if layout == "duplicated-workload":
            elsewhere += [f for f in folders if f != own]
        if elsewhere or identities != set(case.identities):
            crossed.append(f"{case.origin}: routes to "
                           + ", ".join(sorted(f"{t.ref} in {t.owner.source.path}" for t in route.templates)))
    assert not crossed, f"{len(crossed)} copied Services ({layout}) route outside their case:\n" + "\n".join(crossed)
