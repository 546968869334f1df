"""A reference to a Service port from an Ingress, a Gateway API route or a Traefik route, resolved the
way the controllers resolve it: by the Service's own `port` (never its targetPort) or its port name.
The verdict is facts (what was looked for, what is there, the nearest candidates); checks word it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

from ..index import ObjectIndex
from ..model import Manifest
from .elsewhere import service_made_by_operator
from ..k8s.names import nearest_name
from ..k8s.ports import ServicePort, is_int, is_number_text, service_ports
from ..k8s.templating import has_placeholder

NAME, PORT = "name", "port"  # which part of the reference is wrong


@dataclass(frozen=True)
class BackendFault:
    """Why `namespace/name` port `port` goes nowhere."""

    field: str  # NAME: no such Service; PORT: the Service lacks the port
    namespace: str
    name: str
    port: Union[int, str, None]
    source_namespace: str  # the namespace of the object that holds the reference
    exposed: tuple[ServicePort, ...] = ()  # PORT: the Service's ports
    target_of: Optional[ServicePort] = None  # PORT: the Service port whose targetPort is the number given
    quoted_number: bool = False  # PORT: a name of digits that is one of the Service's port numbers
    nearest: Union[str, int, None] = None  # the nearest port name (or only port number), or Service name
    elsewhere: tuple[str, ...] = ()  # NAME: namespaces that hold a Service of that name
    no_services_here: bool = False  # NAME: the files define no Service in the namespace at all
    maker: Optional[Manifest] = None  # NAME: a custom resource that may create the Service

    @property
    def severity(self) -> Optional[str]:
        """`info` when the files cannot settle it, else the rule's own."""
        if self.field == NAME and (self.no_services_here or self.maker is not None):
            return "info"
        return None


def check_backend(index: ObjectIndex, namespace: str, name: object, port: Union[int, str, None],
                  source_namespace: str) -> Optional[BackendFault]:
    """None when `namespace/name` is a Service that exposes `port` (a number or a port name)."""
    if not isinstance(name, str) or not name or has_placeholder(name):
        return None
    services = index.named("Service", namespace, name)
    if not services:
        return _missing(index, namespace, name, source_namespace)
    if port is None or (isinstance(port, str) and (not port or has_placeholder(port))):
        return None
    if len(services) > 1 and any(_exposes(s, port) for s in services):
        return None  # two files define this Service (variants, overlays): one of them exposes the port
    service = services[0]
    ports = service_ports(service)
    if service.spec.get("type") == "ExternalName" and (not ports or is_int(port)):
        return None  # the controller connects to the external name on the given port
    fault = BackendFault(PORT, namespace, name, port, source_namespace,
                         exposed=tuple(p for p in ports if p.port is not None))
    if is_int(port):
        if any(p.port == port for p in ports):
            return None
        targets = [p for p in ports if p.port is not None and p.effective_target == port]
        only = ports[0].port if len(ports) == 1 and ports[0].port is not None else None
        return _with(fault, target_of=targets[0] if targets else None, nearest=None if targets else only)
    if isinstance(port, str):
        if any(p.name == port for p in ports):
            return None
        if is_number_text(port) and any(p.port == int(port) for p in ports):
            return _with(fault, quoted_number=True)
        return _with(fault, nearest=nearest_name(port, [p.name for p in ports if p.name]))
    return None


def _with(fault: BackendFault, **facts: object) -> BackendFault:
    return BackendFault(**{**fault.__dict__, **facts})


def _exposes(service: Manifest, port: Union[int, str]) -> bool:
    return any((p.port == port) if is_int(port) else (p.name == port) for p in service_ports(service))


def _points_back(index: ObjectIndex, namespace: str, candidate: str, wanted: str) -> bool:
    """An ExternalName Service that is an alias of the very name the caller asked for: offering it
    would send the traffic in a circle."""
    for service in index.named("Service", namespace, candidate):
        external = service.spec.get("externalName")
        if service.spec.get("type") == "ExternalName" and isinstance(external, str) and \
                external.split(".")[0] == wanted:
            return True
    return False


def _missing(index: ObjectIndex, namespace: str, name: str, source_namespace: str) -> Optional[BackendFault]:
    here = [s.name for s in index.of_kind("Service") if s.namespace == namespace]
    others = [s for s in index.of_kind("Service") if s.name == name and s.namespace != namespace]
    if any(not s.namespace_given for s in others):
        return None  # a Service of that name sets no namespace: `kubectl apply -n` may well put it here
    fault = BackendFault(NAME, namespace, name, None, source_namespace,
                         elsewhere=tuple(sorted({s.namespace for s in others})))
    if not here:
        return _with(fault, no_services_here=True)
    if fault.elsewhere:
        return fault
    maker = service_made_by_operator(index, namespace, name)
    if maker is not None:
        return _with(fault, maker=maker)
    return _with(fault, nearest=nearest_name(name, [s for s in here if not _points_back(index, namespace, s, name)]))
