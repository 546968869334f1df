"""The route of a Service: selector -> pod templates -> per port, how each template serves it.

Rules and `kportlint routes` both read routes from here, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..index import ObjectIndex
from ..model import Manifest, PodTemplate
from .ports import PortMatch, ServicePort, resolve, service_ports
from .selectors import Selector, from_map


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
    templates: list[PodTemplate]
    ports: list[PortRoute]


def service_selector(service: Manifest) -> Optional[Selector]:
    """The pod selector of a Service, or None when it has no pods to select.

    ExternalName Services have no pods, and a Service without a selector (or with an empty one)
    gets its endpoints from hand-written Endpoints or EndpointSlices.
    """
    spec = service.spec
    if spec.get("type") == "ExternalName":
        return None
    selector = from_map(spec.get("selector"))
    return None if selector.empty else selector


def route_service(service: Manifest, index: ObjectIndex) -> Optional[ServiceRoute]:
    return index.answer(("route", id(service)), lambda: _route(service, index))


def _route(service: Manifest, index: ObjectIndex) -> Optional[ServiceRoute]:
    selector = service_selector(service)
    if selector is None:
        return None
    templates = index.select(service.namespace, selector)
    ports = []
    for service_port in service_ports(service):
        target = service_port.effective_target
        if target is None:
            continue
        ports.append(PortRoute(service_port, [resolve(t, target, service_port.protocol) for t in templates]))
    return ServiceRoute(service, selector, templates, ports)
