"""Rules about a Service's route to its pods: a selector that picks them, and the Endpoints of a
Service without one (targetPorts: target_ports.py)."""

from __future__ import annotations

from typing import Iterator

from ..index import ObjectIndex
from ..model import Manifest, PodTemplate, Problem
from ..k8s.ports import service_ports
from ..resolve.routing import (ServiceRoute, endpoint_objects, endpoint_ports, is_selectorless, route_service,
                               selected_by_services)
from ..resolve.elsewhere import keys_labelled_elsewhere, namespace_evidence, pods_made_elsewhere
from ..k8s.selectors import Selector, nearest_labels
from ..k8s.templating import has_placeholder
from ..wording import from_elsewhere, in_namespaces, label_pairs, listing, near_miss, none_in_files, ref
from .registry import check
from .target_ports import with_ports


@check("dangling-service", kinds=("Service",))
def dangling_service(service: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    route = route_service(service, index)
    if route is None:
        if is_selectorless(service) and not endpoint_objects(service, index):
            yield Problem(service, "/spec", (
                f"{service.ref} has no selector, and the files hold no Endpoints or "
                f"EndpointSlice for it (kubernetes.io/service-name: {service.name}): something else writes "
                f"them (an operator, a controller), or it has no endpoints."), severity="info")
        return
    selector = route.selector
    if route.templates:
        if route.passed_over:
            yield _passed_over(service, route)
        return
    if any(has_placeholder(v) for _, v in selector.match_labels):
        return  # filled in before deploy: unknown, not wrong
    ns = service.namespace
    message = (f"{service.ref} selects {selector.describe()}, but no pod template in namespace "
               f"{ns} has these labels: it has no endpoints, so every connection to it fails.")
    elsewhere = [other for other in index.namespaces_selecting(selector) if other != ns]
    if elsewhere:
        owners = listing(dict.fromkeys(t.ref for other in elsewhere for t in index.select(other, selector)), most=3)
        yield Problem(service, "/spec/selector", message + (
            f" The labels match {owners}, {in_namespaces(elsewhere)}: a Service only reaches pods in its own "
            f"namespace; move one of them."))
        return
    if pods_made_elsewhere(service, selector, index) is not None:
        return
    templates = index.templates_in(ns)
    if not templates:
        # We see no workload of this namespace at all: its pods may come from a chart or an operator.
        yield Problem(service, "/spec/selector", (
            f"{service.ref} selects {selector.describe()}, but {none_in_files('workload', ns)}: "
            f"{from_elsewhere('its pods', plural=True)}; otherwise it has no endpoints."), severity="info")
        return
    unused = keys_labelled_elsewhere(service, selector, index)
    if unused:
        yield Problem(service, "/spec/selector", (
            f"{service.ref} selects {selector.describe()}, but no pod template in the linted "
            f"files carries the label key {unused[0]}: its pods are labelled elsewhere (the control plane, an "
            f"operator, a chart), so the files cannot tell whether it has endpoints."), severity="info")
        return
    evidence = namespace_evidence(index, ns)
    if evidence is not None:
        routed = f"{evidence.source.ref} sends traffic to {ref('Service', evidence.namespace, evidence.name)}"
        yield Problem(service, "/spec/selector", message + (
            f" But {routed}, which the files do not define: objects of this namespace come from outside the "
            f"files, so its pods may too, and the files cannot tell."), severity="info")
        return
    hint = _nearest(selector, _not_taken(service, templates, index))
    yield Problem(service, "/spec/selector", message + " " + (
        hint or "Fix the selector, or lint the workload's files with it."))


def _not_taken(service: Manifest, templates: list[PodTemplate], index: ObjectIndex) -> list[PodTemplate]:
    """The workloads no other Service of the namespace routes to: a hint never points a Service at pods
    that already belong to another one."""
    taken = selected_by_services(index, service.namespace)
    return [t for t in templates if not taken.get(id(t), set()) - {id(service)}]


def _passed_over(service: Manifest, route: ServiceRoute) -> Problem:
    selector = route.selector
    near = route.passed_over[0]
    chosen = with_ports(route.templates)
    return Problem(service, "/spec/selector", (
        f"{service.ref} selects {selector.describe()}, which {near.ref}, deployed beside it, does "
        f"not carry ({label_pairs(near.labels)}); the labels match only {chosen}, farther away, so the Service "
        f"sends its traffic there. Make the selector match {near.ref}, or move the Service to the files of "
        f"the pods it is for."), severity="warning")


def _nearest(selector: Selector, templates: list[PodTemplate]) -> str:
    """The pods whose labels nearly match, or ""."""
    miss = nearest_labels(selector, templates)
    return near_miss(miss.template.ref, miss.differences) if miss else ""


@check("endpoints-port-mismatch", kinds=("Service",))
def endpoints_port_mismatch(service: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    if not is_selectorless(service):
        return
    owners = endpoint_objects(service, index)
    offered = [p for owner in owners for p in endpoint_ports(owner)]
    if not owners:
        return  # dangling-service says so (info)
    for sp in service_ports(service):
        if sp.port is None:
            continue
        wanted = sp.name or ""
        if any(p.name == wanted and p.protocol == sp.protocol for p in offered):
            continue
        refs = listing(dict.fromkeys(o.ref for o in owners))
        if offered:
            listed = listing(dict.fromkeys(
                (f"'{p.name}'" if p.name else "an unnamed port") + (f" ({p.port}/{p.protocol})" if p.port else "")
                for p in offered))
            have = f"{refs} offers {listed}"
        else:
            have = f"{refs} lists no ports"
        message = (f"{service.ref} {sp.label()} has no selector, so kube-proxy "
                   f"takes its endpoints from {refs}, matching ports by name and protocol "
                   f"('{wanted}'/{sp.protocol}); {have}, so connections to this port go nowhere.")
        taken = {other.name or "" for other in service_ports(service) if other is not sp}
        names = [p.name for p in offered if p.protocol == sp.protocol and p.name not in taken]
        if len(set(names)) == 1:
            message += (f" Name the Service port '{names[0]}'" if names[0] else " Remove the Service port's name") + \
                " or rename the endpoints' port to match."
        else:
            message += (f" Add a port named '{wanted}' ({sp.port}/{sp.protocol}) to {refs}." if wanted else
                        f" Add an unnamed port ({sp.port}/{sp.protocol}) to {refs}.")
        yield Problem(service, sp.pointer + ("/name" if sp.name else ""), message)
