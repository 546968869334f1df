"""The route of a Service: selector -> pod templates -> per port, how each template serves it.

Rules and `kportlint routes` both read routes from here, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..index import ObjectIndex
from ..model import Manifest, PodTemplate
from ..k8s.ports import DEFAULT_PROTOCOL, PortMatch, ServicePort, resolve, service_ports
from ..k8s.selectors import Selector, from_map, string_map
from ..k8s.workloads import runs_to_completion


@dataclass
class PortRoute:
    service_port: ServicePort
    matches: list[PortMatch]  # one per selected pod template

    def with_status(self, *statuses: str) -> list[PortMatch]:
        return [m for m in self.matches if m.status in statuses]


@dataclass
class ServiceRoute:
    service: Manifest
    selector: Selector
    templates: list[PodTemplate]  # the selected ones deployed nearest to the Service
    ports: list[PortRoute]
    # When those are outside the Service's folder: the workloads in its file or folder written for it
    # (its name, or its selector's keys with other values), which the selector misses. It reaches
    # someone else's pods instead.
    passed_over: list[PodTemplate] = field(default_factory=list)


def service_selector(service: Manifest) -> Optional[Selector]:
    """The pod selector of a Service, or None when it has no pods to select.

    ExternalName Services have no pods, and a Service without a selector (or with an empty one)
    gets its endpoints from hand-written Endpoints or EndpointSlices.
    """
    spec = service.spec
    if spec.get("type") == "ExternalName":
        return None
    raw = spec.get("selector")
    if isinstance(raw, dict) and any(not isinstance(v, str) and v is not None for v in raw.values()):
        return None  # the API server rejects it (non-string-label): no route through a guessed selector
    selector = from_map(raw)
    return None if selector.empty else selector


@dataclass(frozen=True)
class EndpointPort:
    owner: Manifest  # the Endpoints or EndpointSlice
    name: str  # "" when unnamed
    port: Optional[int]
    protocol: str


def is_selectorless(service: Manifest) -> bool:
    """A Service whose endpoints are written by hand (no selector), as opposed to ExternalName."""
    raw = service.spec.get("selector")
    return service.spec.get("type") != "ExternalName" and (not isinstance(raw, dict) or not raw)


def endpoint_objects(service: Manifest, index: ObjectIndex) -> list[Manifest]:
    """The Endpoints of the same name and the EndpointSlices labelled for the Service, in its namespace."""
    ns, name = service.namespace, service.name
    found = list(index.named("Endpoints", ns, name))
    for endpoint_slice in index.of_kind("EndpointSlice"):
        labels = string_map(endpoint_slice.metadata.get("labels"))
        if endpoint_slice.namespace == ns and labels.get("kubernetes.io/service-name") == name:
            found.append(endpoint_slice)
    return found


def endpoint_ports(owner: Manifest) -> list[EndpointPort]:
    """The ports an Endpoints (subsets[].ports) or EndpointSlice (ports) offers."""
    if owner.kind == "Endpoints":
        subsets = owner.data.get("subsets")
        groups = [s.get("ports") for s in subsets if isinstance(s, dict)] if isinstance(subsets, list) else []
    else:
        groups = [owner.data.get("ports")]
    found = []
    for group in groups:
        for item in group if isinstance(group, list) else []:
            if not isinstance(item, dict):
                continue
            name = item.get("name") if isinstance(item.get("name"), str) else ""
            port = item.get("port") if isinstance(item.get("port"), int) else None
            protocol = item.get("protocol") if isinstance(item.get("protocol"), str) else ""
            protocol = protocol or DEFAULT_PROTOCOL
            found.append(EndpointPort(owner, name, port, protocol))
    return found


def route_service(service: Manifest, index: ObjectIndex) -> Optional[ServiceRoute]:
    return index.answer(("route", id(service)), lambda: _route(service, index))


def _route(service: Manifest, index: ObjectIndex) -> Optional[ServiceRoute]:
    selector = service_selector(service)
    if selector is None:
        return None
    selected = index.select(service.namespace, selector)
    templates = index.nearest(service, selected)
    if templates and all(runs_to_completion(t) for t in templates):
        # A test or migration Pod beside the Service does not decide which workloads serve it.
        keep = {id(t) for t in templates} | {id(t) for t in index.nearest(
            service, [t for t in selected if not runs_to_completion(t)])}
        templates = [t for t in selected if id(t) in keep]
    passed_over: list[PodTemplate] = []
    if templates and index.distance(service, templates[0].owner) > _FOLDER:
        taken = selected_by_services(index, service.namespace)
        chosen = {id(t) for t in templates}
        passed_over = [t for t in index.templates_beside(service)
                       if id(t) not in chosen and _written_for(service, selector, t, taken.get(id(t), set()))]
    ports = []
    for service_port in service_ports(service):
        target = service_port.effective_target
        if target is None or service_port.port is None:
            continue  # a port the API server rejects routes nothing; invalid ports are reported as such
        ports.append(PortRoute(service_port, [resolve(t, target, service_port.protocol) for t in templates]))
    return ServiceRoute(service, selector, templates, ports, passed_over)


_FOLDER = 1  # index.distance of objects in the same folder (or below it)


def _written_for(service: Manifest, selector: Selector, template: PodTemplate, selected_by: set[int]) -> bool:
    """A workload meant for this Service: it has the Service's name, or it carries every label key
    the selector names (with values that differ), serves (no Job) and no other Service selects it."""
    if template.owner.name == service.name:
        return True
    if runs_to_completion(template) or selected_by - {id(service)}:
        return False
    keys = [key for key, _ in selector.match_labels]
    return bool(keys) and all(key in template.labels for key in keys)


def selected_by_services(index: ObjectIndex, namespace: str) -> dict[int, set[int]]:
    """For each pod template of the namespace (by id), the Services (by id) whose selector picks it;
    computed once per namespace."""
    def compute() -> dict[int, set[int]]:
        found: dict[int, set[int]] = {}
        for service in index.of_kind("Service"):
            selector = service_selector(service) if service.namespace == namespace else None
            for template in index.select(namespace, selector) if selector is not None else []:
                found.setdefault(id(template), set()).add(id(service))
        return found
    return index.answer(("selected-by", namespace), compute)
