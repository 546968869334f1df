"""Rules about a Service's route to its pods: selector, then targetPort."""

from __future__ import annotations

import difflib
from typing import Iterator

from ..index import ObjectIndex
from ..model import Manifest, PodTemplate, Problem
from ..semantics.ports import UNDECLARED, UNRESOLVED, describe_ports, suggest
from ..semantics.routing import PortRoute, pods_made_elsewhere, route_service
from ..semantics.selectors import Selector
from ..semantics.templating import has_placeholder
from .registry import check


@check("dangling-service", kinds=("Service",))
def dangling_service(service: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    route = route_service(service, index)
    if route is None or route.templates:
        return
    selector = route.selector
    if any(has_placeholder(v) for _, v in selector.match_labels):
        return  # filled in before deploy: unknown, not wrong
    ns = service.namespace
    message = (f"Service {ns}/{service.name} selects pods with {selector.describe()}, but no pod template "
               f"in namespace {ns} has these labels, so the Service has no endpoints and every "
               f"connection to it fails.")
    elsewhere = [other for other in index.namespaces_selecting(selector) if other != ns]
    if elsewhere:
        owners = ", ".join(t.ref for other in elsewhere for t in index.select(other, selector))
        yield Problem(service, "/spec/selector", message + (
            f" The labels match {owners}, in namespace {', '.join(elsewhere)}: a Service only reaches "
            f"pods in its own namespace; move one of them."))
        return
    if pods_made_elsewhere(service, selector, index) is not None:
        return
    templates = index.templates_in(ns)
    if not templates:
        # We see no workload of this namespace at all: its pods may come from a chart or an operator.
        yield Problem(service, "/spec/selector", (
            f"Service {ns}/{service.name} selects pods with {selector.describe()}, but the linted files "
            f"define no workload in namespace {ns}. If its pods come from a Helm chart or an operator, "
            f"lint them together (render the chart) or ignore this; otherwise the Service has no "
            f"endpoints."), severity="info")
        return
    hint = _nearest(selector, templates)
    yield Problem(service, "/spec/selector", message + " " + (
        hint or "Fix the selector, or lint the files that define the workload together with this one."))


def _nearest(selector: Selector, templates: list[PodTemplate]) -> str:
    """Describe a pod template whose labels nearly match: at most one selector pair is off."""
    pairs = selector.match_labels
    best, best_score = None, 0
    for template in templates:
        exact = sum(1 for k, v in pairs if template.labels.get(k) == v)
        near = sum(1 for k, v in pairs if k in template.labels and template.labels[k] != v
                   and _similar(template.labels[k], v))
        if exact + near >= max(1, len(pairs) - 1) and exact + near > 0 and exact < len(pairs):
            score = 2 * exact + near
            if score > best_score:
                best, best_score = template, score
    if best is None:
        return ""
    differences = []
    for key, value in pairs:
        have = best.labels.get(key)
        if have == value:
            continue
        if have is None:
            differences.append(f"has no label {key}")
        elif have.lower() == value.lower():
            differences.append(f"has {key}={have} (the case differs)")
        else:
            differences.append(f"has {key}={have}, not {value}")
    return f"The nearest pods, of {best.ref}, {' and '.join(differences)}: did you mean that?"


def _similar(have: str, want: str) -> bool:
    return have.lower() == want.lower() or difflib.SequenceMatcher(None, have, want).ratio() >= 0.75


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
        if len(missing) != len(port_route.matches):
            continue  # resolves in at least one pod template
        yield Problem(service, port_route.service_port.target_pointer, _unresolved_message(service, port_route))


def _unresolved_message(service: Manifest, port_route: PortRoute) -> str:
    sp = port_route.service_port
    target = sp.effective_target
    templates = [m.template for m in port_route.matches]
    declared = [p for t in templates for p in t.serving_ports()]
    owners = _owners(templates)
    message = (f"Service {service.namespace}/{service.name} {sp.label()} forwards to targetPort '{target}', "
               f"but no container in {owners} names a port '{target}' with protocol {sp.protocol}, "
               f"so no pod receives this port's traffic.")
    other_protocol = [p for p in declared if p.name == target and p.protocol != sp.protocol]
    if other_protocol:
        return message + (f" The pods name it with protocol {other_protocol[0].protocol}: set "
                          f"protocol: {other_protocol[0].protocol} on the Service port.")
    message += f" {_declared_text(templates)}"
    guess = suggest(sp, declared)
    if guess is not None:
        message += f" Did you mean targetPort: {guess}?"
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
        # Quiet when any pod serves it, or declares no ports at all (declarations are informational).
        if len(port_route.with_status(UNDECLARED)) != len(port_route.matches):
            continue
        templates = [m.template for m in port_route.matches]
        declared = [p for t in templates for p in t.serving_ports()]
        if sp.target is None:
            lead = f"targetPort is not set, so it defaults to port {sp.port}"
        else:
            lead = f"targetPort {target}"
        message = (f"Service {service.namespace}/{service.name} {sp.label()}: {lead}, but no container in "
                   f"{_owners(templates)} declares {target}/{sp.protocol}. {_declared_text(templates)} "
                   f"Traffic reaches the pods only if a process listens on {target} anyway.")
        guess = suggest(sp, declared)
        if guess is not None:
            message += f" Did you mean targetPort: {guess}?"
        yield Problem(service, sp.target_pointer, message)


def _owners(templates: list[PodTemplate]) -> str:
    refs = list(dict.fromkeys(t.ref for t in templates))
    return refs[0] if len(refs) == 1 else "the selected pods (" + ", ".join(refs) + ")"


def _declared_text(templates: list[PodTemplate]) -> str:
    parts = []
    for template in templates:
        ports = template.serving_ports()
        what = describe_ports(ports) if ports else "no ports"
        parts.append(f"{template.ref} declares {what}")
    unique = list(dict.fromkeys(parts))
    return "; ".join(unique) + "."

