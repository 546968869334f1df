"""Rules about prometheus-operator ServiceMonitors and PodMonitors: they select Services (or pods)
that exist, and scrape ports those carry."""

from __future__ import annotations

from typing import Iterator, Optional

from ..index import ObjectIndex
from ..model import Manifest, Problem
from ..resolve.elsewhere import pods_may_be_unseen
from ..k8s.names import nearest_name
from ..k8s.selectors import readable_label_selector, string_map
from ..k8s.templating import has_placeholder
from ..k8s.workloads import mappings
from ..wording import did_you_mean, in_namespaces, listing, quoted
from .registry import check

_MONITORING = "monitoring.coreos.com"


def _judged_here(monitor: Manifest, namespaces: Optional[list[str]], index: ObjectIndex) -> bool:
    """Whether the files show the namespaces a monitor looks in: its own, or the matchNames it lists
    when each of them holds Services (pods, for a PodMonitor) in the files. `any: true`, the cluster's
    kube-system, or a chart's namespace are rarely all in the linted files."""
    if namespaces is None:
        return False
    if namespaces == [monitor.namespace]:
        return not pods_may_be_unseen(index, monitor.namespace)
    for space in namespaces:
        present = (any(s.namespace == space for s in index.of_kind("Service")) if monitor.kind == "ServiceMonitor"
                   else bool(index.templates_in(space)))
        if not present or pods_may_be_unseen(index, space):
            return False
    return True


def _monitor_namespaces(monitor: Manifest, index: ObjectIndex) -> Optional[list[str]]:
    """The namespaces a monitor looks in; None for all of them."""
    raw = monitor.spec.get("namespaceSelector")
    if isinstance(raw, dict):
        if raw.get("any") is True:
            return None
        names = raw.get("matchNames")
        if isinstance(names, list) and names:
            return [n for n in names if isinstance(n, str)]
    return [monitor.namespace]


@check("servicemonitor-selector-no-match", kinds=("ServiceMonitor", "PodMonitor"))
def servicemonitor_selector_no_match(monitor: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    if monitor.group != _MONITORING:
        return
    selector = readable_label_selector(monitor.spec.get("selector"))
    if selector is None or selector.empty:
        return
    namespaces = _monitor_namespaces(monitor, index)
    if not _judged_here(monitor, namespaces, index):
        return
    where = "in any namespace" if namespaces is None else in_namespaces(namespaces)
    if monitor.kind == "ServiceMonitor":
        candidates = _services_in(index, namespaces)
        if not candidates or any(selector.matches(string_map(s.metadata.get("labels"))) for s in candidates):
            return
        yield Problem(monitor, "/spec/selector", (
            f"{monitor.ref} selects Services with {selector.describe()} {where}, but no Service there "
            f"carries these labels in its metadata.labels (not its pods'), so Prometheus scrapes nothing."))
        return
    spaces = namespaces if namespaces is not None else index.namespaces()
    if not any(index.templates_in(ns) for ns in spaces):
        return
    if any(index.select(ns, selector) for ns in spaces):
        return
    yield Problem(monitor, "/spec/selector", (
        f"{monitor.ref} selects pods with {selector.describe()} {where}, but no pod template there has "
        f"these labels, so Prometheus scrapes nothing for it. Fix the selector or the namespaceSelector."))


@check("servicemonitor-port-unresolved", kinds=("ServiceMonitor", "PodMonitor"))
def servicemonitor_port_unresolved(monitor: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    if monitor.group != _MONITORING:
        return
    selector = readable_label_selector(monitor.spec.get("selector"))
    if selector is None:
        return
    namespaces = _monitor_namespaces(monitor, index)
    if not _judged_here(monitor, namespaces, index):
        return  # Services and pods an operator makes may carry the port
    if monitor.kind == "ServiceMonitor":
        services = [s for s in _services_in(index, namespaces) if selector.matches(string_map(s.metadata.get("labels")))]
        if not services:
            return
        names = sorted({p.get("name") for s in services for _, p in mappings(s.spec.get("ports"))
                        if isinstance(p.get("name"), str)})
        what, owners = "Service port", list(dict.fromkeys(s.ref for s in services))
        endpoints_key = "endpoints"
    else:
        spaces = namespaces if namespaces is not None else index.namespaces()
        templates = [t for ns in spaces for t in index.select(ns, selector)]
        if not templates:
            return
        names = sorted({p.name for t in templates for p in t.serving_ports() if p.name})
        what, owners = "container port", list(dict.fromkeys(t.ref for t in templates))
        endpoints_key = "podMetricsEndpoints"
    for i, endpoint in mappings(monitor.spec.get(endpoints_key)):
        port = endpoint.get("port")
        if not isinstance(port, str) or not port or has_placeholder(port) or port in names:
            continue
        close = nearest_name(port, names)
        hint = did_you_mean(quoted(close))
        listed = listing(f"'{n}'" for n in names) or "no named ports"
        yield Problem(monitor, f"/spec/{endpoints_key}/{i}/port", (
            f"{monitor.ref} scrapes the {what} named '{port}', but {listing(owners)} "
            f"{'has' if len(owners) == 1 else 'have'} {listed}, so this endpoint has no target and its "
            f"metrics are never collected. The port must be named; a number goes in targetPort "
            f"(ServiceMonitor) or portNumber (PodMonitor).{hint}"))


def _services_in(index: ObjectIndex, namespaces: Optional[list[str]]) -> list[Manifest]:
    services = index.of_kind("Service")
    return services if namespaces is None else [s for s in services if s.namespace in namespaces]
