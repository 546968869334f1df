"""Rules about a Service port's targetPort: a name the selected pods do not declare, or a number
none of them declares."""

from __future__ import annotations

from typing import Iterator

from ..index import ObjectIndex
from ..model import Manifest, PodTemplate, Problem
from ..k8s.ports import SERVED, UNDECLARED, UNRESOLVED, PortMatch, ServicePort, service_ports, suggest
from ..resolve.routing import PortRoute, route_service
from ..k8s.templating import has_placeholder
from ..k8s.workloads import runs_to_completion
from ..wording import did_you_mean, listing, ports_text
from .registry import check


@check("target-port-unresolved", kinds=("Service",))
def target_port_unresolved(service: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    route = route_service(service, index)
    if route is None or not route.templates:
        return
    for port_route in route.ports:
        target = port_route.service_port.effective_target
        if not isinstance(target, str) or has_placeholder(target):
            continue
        missing = port_route.with_status(UNRESOLVED)
        if not missing:
            continue
        if len(missing) == len(port_route.matches):
            yield Problem(service, port_route.service_port.target_pointer,
                          _unresolved_message(service, port_route))
            continue
        # Resolves in some selected workloads only: the others get no traffic on this port.
        sp = port_route.service_port
        resolving = [m for m in port_route.matches if m.status != UNRESOLVED]
        # Pods that run to completion (a migration Job sharing the app label) and lack the name are
        # left out of the endpoints, and that is all: others serve the port. (A numeric targetPort does
        # reach them while they run.)
        left_out = _other_objects([m for m in missing if not runs_to_completion(m.template)], resolving)
        if not left_out:
            continue
        serving = listing(list(dict.fromkeys(m.template.ref for m in resolving)))
        yield Problem(service, sp.target_pointer, (
            f"{service.ref} {sp.label()} forwards to targetPort '{target}', "
            f"which {serving} names, but the pods of {with_ports(left_out)} have no port '{target}' "
            f"({sp.protocol}), so they get no traffic on this port. Name the port there too, or, "
            f"if those pods should not be selected at all, make the selector more specific."),
            severity="warning")


def _unresolved_message(service: Manifest, port_route: PortRoute) -> str:
    sp = port_route.service_port
    target = sp.effective_target
    templates = [m.template for m in port_route.matches]
    declared = [p for t in templates for p in t.serving_ports()]
    owners = _owners(templates)
    message = (f"{service.ref} {sp.label()} forwards to targetPort '{target}', "
               f"but no container in {owners} names a port '{target}' with protocol {sp.protocol}, "
               f"so no pod receives this port's traffic.")
    other_protocol = [p for p in declared if p.name == target and p.protocol != sp.protocol]
    twin = any(o.port == sp.port and o.protocol == other_protocol[0].protocol
               for o in service_ports(service) if o is not sp) if other_protocol else False
    # A port whose name says its protocol (dns-udp) is not told to change it: the pods lack that port.
    meant = bool(sp.name) and sp.protocol.lower() in str(sp.name).lower()
    if other_protocol and meant:
        return message + (f" The pods name it only with protocol {other_protocol[0].protocol}: declare a "
                          f"{sp.protocol} port named '{target}' in them.")
    if other_protocol and not twin:
        return message + (f" The pods name it with protocol {other_protocol[0].protocol}: set "
                          f"protocol: {other_protocol[0].protocol} on the Service port.")
    if other_protocol:
        message += (f" The pods name it with protocol {other_protocol[0].protocol}, and the Service already "
                    f"exposes {sp.port}/{other_protocol[0].protocol} on another entry: this entry needs the "
                    f"pods' {sp.protocol} port.")
    message += f" {_declared_text(templates)}"
    guess = suggest(sp, declared)
    if guess is not None:
        message += did_you_mean(f"targetPort: {guess}")
    return message


@check("target-port-undeclared", kinds=("Service",))
def target_port_undeclared(service: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    route = route_service(service, index)
    if route is None or not route.templates:
        return
    for port_route in route.ports:
        sp = port_route.service_port
        target = sp.effective_target
        if isinstance(target, str) or target is None:
            continue
        served = port_route.with_status(SERVED)
        candidates = port_route.with_status(UNDECLARED)
        others = _other_objects(candidates, served)
        undeclared = [m for m in candidates if m.template in others]
        if served and undeclared:
            yield Problem(service, sp.target_pointer, _partly_undeclared(service, sp, served, undeclared),
                          severity="warning")
            continue
        # Quiet when any pod serves it, or declares no ports at all (declarations are informational).
        # Copies of one workload count once: a second copy never changes the verdict, so an object is
        # judged by its copies together (served if any serves, port-less only if all are).
        if not candidates or any(status != UNDECLARED for status in _by_object(port_route.matches).values()):
            continue
        templates = [m.template for m in port_route.matches]
        declared = [p for t in templates for p in t.serving_ports()]
        if sp.target in (None, 0, ""):
            how = {None: "is not set", 0: "is set to 0", "": "is empty"}[sp.target]
            lead = f"targetPort {how}, so it defaults to port {sp.port}"
        else:
            lead = f"targetPort {target}"
        message = (f"{service.ref} {sp.label()}: {lead}, but no container in "
                   f"{_owners(templates)} declares {target}/{sp.protocol}. {_declared_text(templates)} "
                   f"Traffic reaches the pods only if a process listens on {target} anyway.")
        guess = suggest(sp, declared)
        if guess is not None:
            message += did_you_mean(f"targetPort: {guess}")
        yield Problem(service, sp.target_pointer, message)


def _partly_undeclared(service: Manifest, sp: ServicePort, served: list[PortMatch],
                       undeclared: list[PortMatch]) -> str:
    target = sp.effective_target
    serving = list(dict.fromkeys(m.template.ref for m in served))
    return (f"{service.ref} {sp.label()} forwards to {target}/{sp.protocol}, "
            f"which {listing(serving)} {'declare' if len(serving) > 1 else 'declares'}, but it also selects "
            f"the pods of {with_ports(list({id(m.template): m.template for m in undeclared}.values()))}, "
            f"which {'do' if len(undeclared) > 1 else 'does'} not declare it. kube-proxy "
            f"spreads connections over all of them, so those that land there likely fail. Declare "
            f"{target} there too, or make the selector more specific.")


def _other_objects(matches: list[PortMatch], than: list[PortMatch]) -> list[PodTemplate]:
    """The templates of `matches` that belong to other objects than those of `than`, once each.

    Two files that define the same kind, namespace and name (overlays, variants of one app) are
    versions of one object, not two sets of pods running side by side.
    """
    taken = {_identity(m.template) for m in than}
    found: dict[tuple[str, str, str], PodTemplate] = {}
    for match in matches:
        key = _identity(match.template)
        if key not in taken:
            found.setdefault(key, match.template)
    return list(found.values())


def _identity(template: PodTemplate) -> tuple[str, str, str]:
    owner = template.owner
    return owner.kind, owner.namespace, owner.name


def with_ports(templates: list[PodTemplate]) -> str:
    """'Deployment shop/v2 (declaring 9090 (web)) and Job shop/migrate (declaring no ports)'."""
    return listing([f"{t.ref} (declaring {ports_text(t.serving_ports()) or 'no ports'})" for t in templates])


def _by_object(matches: list[PortMatch]) -> dict[tuple[str, str, str], str]:
    """Each object's status over its copies: SERVED if any copy serves, UNDECLARED if any declares
    other ports, else what the copies say."""
    found: dict[tuple[str, str, str], list[str]] = {}
    for match in matches:
        found.setdefault(_identity(match.template), []).append(match.status)
    return {key: SERVED if SERVED in statuses else UNDECLARED if UNDECLARED in statuses else statuses[0]
            for key, statuses in found.items()}


def _owners(templates: list[PodTemplate]) -> str:
    refs = list(dict.fromkeys(t.ref for t in templates))
    return refs[0] if len(refs) == 1 else f"the selected pods ({listing(refs)})"


def _declared_text(templates: list[PodTemplate]) -> str:
    """What the judged workloads declare; a single one is "It", having been named already."""
    ports_of: dict[str, list] = {}  # each object once, with the ports of all its copies
    for template in templates:
        ports_of.setdefault(template.ref, []).extend(template.serving_ports())
    if len(ports_of) == 1:
        ports = next(iter(ports_of.values()))
        return f"It declares {ports_text(ports) if ports else 'no ports'}."
    parts = [f"{ref} declares {ports_text(ports) if ports else 'no ports'}" for ref, ports in ports_of.items()]
    return "; ".join(parts) + "."
