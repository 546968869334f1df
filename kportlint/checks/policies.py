"""Rules about objects that select pods or Services by label or name: NetworkPolicies, disruption
budgets, autoscalers, and prometheus-operator monitors."""

from __future__ import annotations

from typing import Any, Iterator, Optional

from ..index import ObjectIndex
from ..resolve.elsewhere import pods_may_be_unseen
from ..model import Manifest, PodTemplate, Problem
from ..k8s.names import nearest_name, similar
from ..k8s.ports import describe_ports
from ..k8s.selectors import Selector, from_label_selector, string_map
from ..k8s.templating import has_placeholder
from ..k8s.workloads import mappings
from .registry import check

_MONITORING = "monitoring.coreos.com"


def _selector(value: Any) -> Optional[Selector]:
    """A readable, non-placeholder LabelSelector, or None (unreadable ones are the schema's)."""
    selector = from_label_selector(value)
    if isinstance(selector, str):
        return None
    if any(has_placeholder(v) for _, v in selector.match_labels):
        return None
    return selector


def _no_pods_message(what: str, selector: Selector, namespace: str, templates: list[PodTemplate],
                     consequence: str = "") -> str:
    message = (f"{what} selects pods with {selector.describe()}, but no pod template in namespace {namespace} "
               f"has these labels{consequence}")
    pairs = dict(selector.match_labels)
    for template in templates:
        near = [k for k, v in pairs.items() if k in template.labels and template.labels[k] != v
                and similar(template.labels[k], v)]
        exact = [k for k, v in pairs.items() if template.labels.get(k) == v]
        if near and len(near) + len(exact) == len(pairs):
            key = near[0]
            return message + f" The nearest, {template.ref}, has {key}={template.labels[key]}: did you mean that?"
    return message


# --- NetworkPolicy --------------------------------------------------------------------------------

@check("networkpolicy-selector-no-match", kinds=("NetworkPolicy",))
def networkpolicy_selector_no_match(policy: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    if policy.group != "networking.k8s.io":
        return
    ns = policy.namespace
    templates = index.templates_in(ns)
    what = policy.ref
    yield from _label_keys_misplaced(policy, "/spec/podSelector", policy.spec.get("podSelector"))
    target = _selector(policy.spec.get("podSelector"))
    selected: list[PodTemplate] = []
    if target is not None and not target.empty:
        selected = index.select(ns, target)
        if not selected and not _unseen(index, ns, target):
            consequence = (", so the policy applies to no pod: the isolation or the openings it describes are "
                           "not in force.")
            elsewhere = [other for other in index.namespaces_selecting(target) if other != ns]
            if elsewhere:
                yield Problem(policy, "/spec/podSelector", (
                    f"{what} selects pods with {target.describe()}, but none in namespace {ns}{consequence} The "
                    f"labels match pods in namespace {', '.join(elsewhere)}: a NetworkPolicy applies only in "
                    f"its own namespace."))
            elif not templates:
                yield Problem(policy, "/spec/podSelector", (
                    f"{what} selects pods with {target.describe()}, but the linted files define no workload in "
                    f"namespace {ns}. If they come from elsewhere, lint them together or ignore this; otherwise "
                    f"the policy applies to no pod."), severity="info")
            else:
                yield Problem(policy, "/spec/podSelector", (
                    f"{_no_pods_message(what, target, ns, templates, consequence)} Fix the podSelector, or use "
                    f"{{}} for every pod in the namespace."))
    elif target is not None:
        selected = templates
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        for i, rule in mappings(policy.spec.get(direction)):
            for j, peer in mappings(rule.get(peers_key)):
                yield from _peer(policy, index, f"/spec/{direction}/{i}/{peers_key}/{j}", direction, peer)
            if direction == "ingress" and selected:
                yield from _named_ports(policy, i, rule, selected)


def _peer(policy: Manifest, index: ObjectIndex, pointer: str, direction: str,
          peer: dict[str, Any]) -> Iterator[Problem]:
    if "podSelector" not in peer:
        return  # an ipBlock, or whole namespaces
    yield from _label_keys_misplaced(policy, pointer + "/podSelector", peer.get("podSelector"))
    peer_selector = _selector(peer.get("podSelector"))
    if peer_selector is None or peer_selector.empty:
        return
    if "namespaceSelector" in peer:
        spaces = _namespaces_matching(index, peer.get("namespaceSelector"))
        spaces = [s for s in spaces or [] if index.templates_in(s)]
        if not spaces:
            return  # the namespaces (or their pods) are not in these files: nothing to judge
        where = "namespace " + ", ".join(spaces) + " (picked by the namespaceSelector)"
    else:
        if not index.templates_in(policy.namespace):
            return
        spaces, where = [policy.namespace], f"namespace {policy.namespace}"
    spaces = [s for s in spaces if not _unseen(index, s)]
    if not spaces:
        return  # an operator's pods, or labels kustomize adds: the files cannot tell
    if any(index.select(space, peer_selector) for space in spaces):
        return
    side = "from" if direction == "ingress" else "to"
    yield Problem(policy, pointer + "/podSelector", (
        f"{policy.ref} allows {direction} {side} pods with {peer_selector.describe()}, but no pod template in "
        f"{where} has these labels, so this peer allows nothing and the traffic it was meant to let through "
        f"is dropped. Fix the podSelector{'' if 'namespaceSelector' in peer else ', or add a namespaceSelector if the pods live in another namespace'}."))


def _namespaces_matching(index: ObjectIndex, raw: Any) -> Optional[list[str]]:
    """The namespaces a namespaceSelector picks, from the Namespace objects in the files (and the
    kubernetes.io/metadata.name label each namespace carries); None when it cannot be told."""
    selector = _selector(raw)
    if selector is None:
        return None
    known = {m.name: {**string_map(m.metadata.get("labels")), "kubernetes.io/metadata.name": m.name}
             for m in index.of_kind("Namespace") if m.name}
    if selector.empty:
        return None  # every namespace of the cluster, most of which the files do not show
    if not known:
        return None
    return sorted(name for name, labels in known.items() if selector.matches(labels))


def _label_keys_misplaced(owner: Manifest, pointer: str, raw: Any) -> Iterator[Problem]:
    """Labels written straight under a LabelSelector (`podSelector: {app: web}`)."""
    if not isinstance(raw, dict):
        return
    stray = [k for k in raw if k not in ("matchLabels", "matchExpressions")]
    if stray:
        yield Problem(owner, pointer, (
            f"{owner.ref}: '{stray[0]}' is written directly under the selector, which only holds matchLabels "
            f"and matchExpressions; kubectl rejects the unknown field, and where it is dropped the selector "
            f"is empty and picks every pod. Put the labels under matchLabels:."))


def _named_ports(policy: Manifest, i: int, rule: dict[str, Any], selected: list[PodTemplate]) -> Iterator[Problem]:
    declared = [p for t in selected for p in t.serving_ports()]
    for k, item in mappings(rule.get("ports")):
        port = item.get("port")
        if not isinstance(port, str) or not port or port.isdigit() or has_placeholder(port):
            continue
        protocol = item.get("protocol") or "TCP"
        if any(p.name == port and p.protocol == protocol for p in declared):
            continue
        names = [p.name for p in declared if p.name]
        other = sorted({p.protocol for p in declared if p.name == port})
        if other:
            what = f"declares '{port}' only with protocol {', '.join(other)}"
            hint = f" Set protocol: {other[0]} on this port, or name the {protocol} port in the pods."
        else:
            what = f"declares a port with that name ({describe_ports(declared) or 'they declare no ports'})"
            close = nearest_name(port, names)
            hint = f" Did you mean '{close}'?" if close else ""
        yield Problem(policy, f"/spec/ingress/{i}/ports/{k}/port", (
            f"{policy.ref} opens the named port '{port}' ({protocol}), but no pod it selects {what}, so the "
            f"rule opens nothing and that traffic stays blocked.{hint}"), severity="warning")


# --- PodDisruptionBudget ---------------------------------------------------------------------------

@check("pdb-selector-no-match", kinds=("PodDisruptionBudget",))
def pdb_selector_no_match(pdb: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    ns = pdb.namespace
    templates = index.templates_in(ns)
    if pdb.api_version == "policy/v1" and isinstance(pdb.data.get("spec"), dict) and "selector" not in pdb.spec:
        yield Problem(pdb, "/spec", (
            f"{pdb.ref} has no selector: in policy/v1 a budget without one selects no pods, so it protects "
            f"nothing. Add selector.matchLabels with the workload's pod labels."))
        return
    yield from _label_keys_misplaced(pdb, "/spec/selector", pdb.spec.get("selector"))
    selector = _selector(pdb.spec.get("selector"))
    if not templates or selector is None or selector.empty or index.select(ns, selector):
        return
    if _unseen(index, ns, selector):
        return  # pods from outside the files (an operator's, the configuration's): the files cannot tell
    yield Problem(pdb, "/spec/selector", _no_pods_message(
        pdb.ref, selector, ns, templates, ", so the budget protects no pod: a node drain or an upgrade may evict "
        "all of the pods it was meant to keep running. Make the selector match the workload's pod labels."))


# --- HorizontalPodAutoscaler ----------------------------------------------------------------------

@check("scale-target-missing", kinds=("HorizontalPodAutoscaler",))
def scale_target_missing(hpa: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    ref = hpa.spec.get("scaleTargetRef")
    if not isinstance(ref, dict):
        return
    kind, name = ref.get("kind"), ref.get("name")
    if not isinstance(kind, str) or not isinstance(name, str) or has_placeholder(name) or has_placeholder(kind):
        return
    ns = hpa.namespace
    found = index.named(kind, ns, name)
    api_version = ref.get("apiVersion")
    if found and isinstance(api_version, str) and "/" in api_version and not has_placeholder(api_version):
        group = api_version.rsplit("/", 1)[0]
        if not any(m.group == group for m in found):
            yield Problem(hpa, "/spec/scaleTargetRef/apiVersion", (
                f"{hpa.ref} scales {kind} '{name}' of API group {group} ({api_version}), but that {kind} is "
                f"{found[0].api_version}: the autoscaler looks the target up by group and kind, finds none, "
                f"and scales nothing. Set apiVersion: {found[0].api_version}."))
        return
    if found:
        return
    others = [m.name for m in index.of_kind(kind) if m.namespace == ns]
    elsewhere = sorted({m.namespace for m in index.of_kind(kind) if m.name == name})
    message = f"{hpa.ref} scales {kind} '{name}', but there is no {kind} '{name}' in namespace {ns}"
    severity = None
    if elsewhere:
        message += f"; one is in namespace {', '.join(elsewhere)}, and an autoscaler only scales in its own"
    elif others:
        close = nearest_name(name, others)
        message += f" (did you mean '{close}'?)" if close else ""
    elif not index.templates_in(ns):
        message += ", and the linted files define no workload in that namespace: if it comes from elsewhere, ignore this"
        severity = "info"
    yield Problem(hpa, "/spec/scaleTargetRef/name", message + (
        ". The autoscaler reports FailedGetScale and scales nothing." if severity is None
        else "."), severity)


# --- prometheus-operator ServiceMonitor and PodMonitor --------------------------------------------

def _judged_here(monitor: Manifest, namespaces: Optional[list[str]], index: ObjectIndex) -> bool:
    """Whether the files show the namespaces a monitor looks in: its own, or the matchNames it lists
    when each of them holds Services (pods, for a PodMonitor) in the files. `any: true`, the cluster's
    kube-system, or a chart's namespace are rarely all in the linted files."""
    if namespaces is None:
        return False
    if namespaces == [monitor.namespace]:
        return not _unseen(index, monitor.namespace)
    for space in namespaces:
        present = (any(s.namespace == space for s in index.of_kind("Service")) if monitor.kind == "ServiceMonitor"
                   else bool(index.templates_in(space)))
        if not present or _unseen(index, space):
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
    selector = _selector(monitor.spec.get("selector"))
    if selector is None or selector.empty:
        return
    namespaces = _monitor_namespaces(monitor, index)
    if not _judged_here(monitor, namespaces, index):
        return
    where = "any namespace" if namespaces is None else "namespace " + ", ".join(namespaces)
    if monitor.kind == "ServiceMonitor":
        candidates = _services_in(index, namespaces)
        if not candidates or any(selector.matches(string_map(s.metadata.get("labels"))) for s in candidates):
            return
        yield Problem(monitor, "/spec/selector", (
            f"{monitor.ref} selects Services with {selector.describe()} in {where}, but no Service there "
            f"carries these labels in its metadata.labels (not its pods'), so Prometheus scrapes nothing."))
        return
    spaces = namespaces if namespaces is not None else index.namespaces()
    if not any(index.templates_in(ns) for ns in spaces):
        return
    if any(index.select(ns, selector) for ns in spaces):
        return
    yield Problem(monitor, "/spec/selector", (
        f"{monitor.ref} selects pods with {selector.describe()} in {where}, but no pod template there has "
        f"these labels, so Prometheus scrapes nothing for it. Fix the selector or the namespaceSelector."))


@check("servicemonitor-port-unresolved", kinds=("ServiceMonitor", "PodMonitor"))
def servicemonitor_port_unresolved(monitor: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    if monitor.group != _MONITORING:
        return
    selector = _selector(monitor.spec.get("selector"))
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
        what, owners = "Service port", ", ".join(dict.fromkeys(s.ref for s in services))
        endpoints_key = "endpoints"
    else:
        spaces = namespaces if namespaces is not None else index.namespaces()
        templates = [t for ns in spaces for t in index.select(ns, selector)]
        if not templates:
            return
        names = sorted({p.name for t in templates for p in t.serving_ports() if p.name})
        what, owners = "container port", ", ".join(dict.fromkeys(t.ref for t in templates))
        endpoints_key = "podMetricsEndpoints"
    for i, endpoint in mappings(monitor.spec.get(endpoints_key)):
        port = endpoint.get("port")
        if not isinstance(port, str) or not port or has_placeholder(port) or port in names:
            continue
        close = nearest_name(port, names)
        hint = f" Did you mean '{close}'?" if close else ""
        listed = ", ".join(f"'{n}'" for n in names) or "no named ports"
        yield Problem(monitor, f"/spec/{endpoints_key}/{i}/port", (
            f"{monitor.ref} scrapes the {what} named '{port}', but {owners} "
            f"{'has' if ',' not in owners else 'have'} {listed}, so this endpoint has no target and its "
            f"metrics are never collected.{hint} The port must be named; a number goes in targetPort "
            f"(ServiceMonitor) or portNumber (PodMonitor)."))


def _services_in(index: ObjectIndex, namespaces: Optional[list[str]]) -> list[Manifest]:
    services = index.of_kind("Service")
    return services if namespaces is None else [s for s in services if s.namespace in namespaces]


def _unseen(index: ObjectIndex, namespace: str, selector: Optional[Selector] = None) -> bool:
    return pods_may_be_unseen(index, namespace, selector)
