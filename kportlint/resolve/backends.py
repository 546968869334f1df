"""A reference to a Service port from an Ingress, a Gateway API route or a Traefik route, resolved the
way the controllers resolve it: by the Service's own `port` (never its targetPort) or its port name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

from ..index import ObjectIndex
from ..model import Manifest
from .elsewhere import service_made_by_operator
from ..k8s.names import nearest_name
from ..k8s.ports import ServicePort, is_int, service_ports
from ..k8s.templating import has_placeholder


@dataclass(frozen=True)
class Verdict:
    """Why a backend reference goes nowhere; `info` when the files cannot settle it."""

    message: str
    field: str  # "name" or "port": which part of the reference is wrong
    severity: Optional[str] = None


def check_backend(index: ObjectIndex, namespace: str, name: object, port: Union[int, str, None],
                  source_namespace: str) -> Optional[Verdict]:
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
    what = f"Service {namespace}/{name}"
    exposed = _exposed(ports)
    if is_int(port):
        if any(p.port == port for p in ports):
            return None
        message = f"{what} has no port {port}; it exposes {exposed}."
        targets = [p for p in ports if p.port is not None and p.effective_target == port]
        if targets:
            message += (f" {port} is its targetPort (the container's port): a backend names the Service "
                        f"port, so use {targets[0].port}" + (f" (or its name, {targets[0].name})"
                                                              if targets[0].name else "") + ".")
        elif len(ports) == 1 and ports[0].port is not None:
            message += f" Did you mean {ports[0].port}?"
        return Verdict(message, "port")
    if isinstance(port, str):
        if any(p.name == port for p in ports):
            return None
        message = f"{what} has no port named '{port}'; it exposes {exposed}."
        if port.isdigit() and any(p.port == int(port) for p in ports):
            message += f" '{port}' is in quotes, so it is read as a name: write the number without quotes."
        else:
            named = [p.name for p in ports if p.name]
            close = nearest_name(port, named)
            if close:
                message += f" Did you mean '{close}'?"
            elif not named:
                message += " Its ports have no names: refer to the port by number."
        return Verdict(message, "port")
    return None


def _exposes(service: Manifest, port: Union[int, str]) -> bool:
    return any((p.port == port) if is_int(port) else (p.name == port) for p in service_ports(service))


def _exposed(ports: list[ServicePort]) -> str:
    texts = []
    for p in ports:
        if p.port is None:
            continue
        text = f"{p.port}" + (f" ({p.name})" if p.name else " (unnamed)")
        texts.append(text)
    if not texts:
        return "no ports"
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def _points_back(index: ObjectIndex, namespace: str, candidate: str, wanted: str) -> bool:
    """An ExternalName Service that is an alias of the very name the caller asked for: offering it
    would send the traffic in a circle."""
    for service in index.named("Service", namespace, candidate):
        external = service.spec.get("externalName")
        if service.spec.get("type") == "ExternalName" and isinstance(external, str) and \
                external.split(".")[0] == wanted:
            return True
    return False


def _missing(index: ObjectIndex, namespace: str, name: str, source_namespace: str) -> Verdict:
    here = [s.name for s in index.of_kind("Service") if s.namespace == namespace]
    others = [s for s in index.of_kind("Service") if s.name == name and s.namespace != namespace]
    if any(not s.namespace_given for s in others):
        return None  # a Service of that name sets no namespace: `kubectl apply -n` may well put it here
    elsewhere = sorted({s.namespace for s in others})
    message = f"there is no Service '{name}' in namespace {namespace}"
    if elsewhere:
        message += (f"; a Service of that name is in namespace {', '.join(elsewhere)}, but a backend in "
                    f"{'another' if namespace != source_namespace else 'this'} namespace is not looked up there")
    if not here:
        return Verdict(message + (". The" if elsewhere else ", and the") + " linted files define no Service in "
                       f"namespace {namespace} at all: if it comes from a Helm chart or an operator, lint them "
                       "together or ignore this.", "name", "info")
    if elsewhere:
        return Verdict(message + ".", "name")
    maker = service_made_by_operator(index, namespace, name)
    if maker is not None:
        return Verdict(message + f"; {maker.kind} {namespace}/{maker.name} may create it, as operators name Services "
                       f"after their resource.", "name", "info")
    close = nearest_name(name, [s for s in here if not _points_back(index, namespace, s, name)])
    if close:
        message += f". Did you mean '{close}'?"
    else:
        message += "."
    return Verdict(message, "name")
