"""Rules about policies that select pods by label: NetworkPolicies (and their peers and named ports)
and PodDisruptionBudgets."""

from __future__ import annotations

from typing import Any, Iterator, Optional

from ..index import ObjectIndex
from ..resolve.elsewhere import pods_may_be_unseen
from ..model import Manifest, PodTemplate, Problem
from ..k8s.names import nearest_name, protocol_of
from ..k8s.ports import is_number_text
from ..k8s.selectors import Selector, nearest_labels, readable_label_selector, string_map
from ..k8s.templating import has_placeholder
from ..k8s.workloads import mappings
from ..wording import did_you_mean, from_elsewhere, in_namespaces, near_miss, none_in_files, ports_text, quoted
from .registry import check

_OR_NAMESPACE_SELECTOR = ", or add a namespaceSelector if the pods live in another namespace"

def _no_pods_message(what: str, selector: Selector, namespace: str, templates: list[PodTemplate],
                     consequence: str = "") -> str:
    message = (f"{what} selects pods with {selector.describe()}, but no pod template in namespace {namespace} "
               f"has these labels{consequence}")
    miss = nearest_labels(selector, templates)
    return message + (" " + near_miss(miss.template.ref, miss.differences) if miss else "")


# --- NetworkPolicy --------------------------------------------------------------------------------

@check("networkpolicy-selector-no-match", kinds=("NetworkPolicy",))
def networkpolicy_selector_no_match(policy: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    if policy.group != "networking.k8s.io":
        return
    ns = policy.namespace
    templates = index.templates_in(ns)
    what = policy.ref
    yield from _label_keys_misplaced(policy, "/spec/podSelector", policy.spec.get("podSelector"))
    target = readable_label_selector(policy.spec.get("podSelector"))
    selected: list[PodTemplate] = []
    if target is not None and not target.empty:
        selected = index.select(ns, target)
        if not selected and not pods_may_be_unseen(index, ns, target):
            consequence = (", so the policy applies to no pod: the isolation or the openings it describes are "
                           "not in force.")
            elsewhere = [other for other in index.namespaces_selecting(target) if other != ns]
            if elsewhere:
                yield Problem(policy, "/spec/podSelector", (
                    f"{what} selects pods with {target.describe()}, but none in namespace {ns}{consequence} The "
                    f"labels match pods {in_namespaces(elsewhere)}: a NetworkPolicy applies only in its own "
                    f"namespace."))
            elif not templates:
                yield Problem(policy, "/spec/podSelector", (
                    f"{what} selects pods with {target.describe()}, but {none_in_files('workload', ns)}: "
                    f"{from_elsewhere('they', plural=True)}; otherwise the policy applies to no pod."),
                    severity="info")
            else:
                yield Problem(policy, "/spec/podSelector", (
                    _no_pods_message(what, target, ns, templates, consequence + " Fix the podSelector, or use {} "
                                     "for every pod in the namespace.")))
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
    peer_selector = readable_label_selector(peer.get("podSelector"))
    if peer_selector is None or peer_selector.empty:
        return
    if "namespaceSelector" in peer:
        spaces = _namespaces_matching(index, peer.get("namespaceSelector"))
        spaces = [s for s in spaces or [] if index.templates_in(s)]
        if not spaces:
            return  # the namespaces (or their pods) are not in these files: nothing to judge
        where = in_namespaces(spaces) + " (picked by the namespaceSelector)"
    else:
        if not index.templates_in(policy.namespace):
            return
        spaces, where = [policy.namespace], in_namespaces([policy.namespace])
    spaces = [s for s in spaces if not pods_may_be_unseen(index, s)]
    if not spaces:
        return  # an operator's pods, or labels kustomize adds: the files cannot tell
    if any(index.select(space, peer_selector) for space in spaces):
        return
    side = "from" if direction == "ingress" else "to"
    yield Problem(policy, pointer + "/podSelector", (
        f"{policy.ref} allows {direction} {side} pods with {peer_selector.describe()}, but no pod template "
        f"{where} has these labels, so this peer allows nothing and the traffic it was meant to let through "
        f"is dropped. Fix the podSelector{'' if 'namespaceSelector' in peer else _OR_NAMESPACE_SELECTOR}."))


def _namespaces_matching(index: ObjectIndex, raw: Any) -> Optional[list[str]]:
    """The namespaces a namespaceSelector picks, from the Namespace objects in the files (and the
    kubernetes.io/metadata.name label each namespace carries); None when it cannot be told."""
    selector = readable_label_selector(raw)
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
        if not isinstance(port, str) or not port or is_number_text(port) or has_placeholder(port):
            continue
        protocol = protocol_of(item)
        if any(p.name == port and p.protocol == protocol for p in declared):
            continue
        names = [p.name for p in declared if p.name]
        other = sorted({p.protocol for p in declared if p.name == port})
        if other:
            what = f"declares '{port}' only with protocol {', '.join(other)}"
            hint = f" Set protocol: {other[0]} on this port, or name the {protocol} port in the pods."
        else:
            what = f"declares a port with that name ({ports_text(declared) or 'they declare no ports'})"
            close = nearest_name(port, names)
            hint = did_you_mean(quoted(close))
        yield Problem(policy, f"/spec/ingress/{i}/ports/{k}/port", (
            f"{policy.ref} opens the named port '{port}' ({protocol}), but no pod it selects {what}, so the "
            f"rule opens nothing and that traffic stays blocked.{hint}"), severity="warning")


# --- PodDisruptionBudget ---------------------------------------------------------------------------

@check("pdb-selector-no-match", kinds=("PodDisruptionBudget",))
def pdb_selector_no_match(pdb: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    ns = pdb.namespace
    templates = index.templates_in(ns)
    if pdb.api_version == "policy/v1" and isinstance(pdb.data.get("spec"), dict) and "selector" not in pdb.spec:
        yield Problem(pdb, "/spec/selector", (  # the missing field, found at spec
            f"{pdb.ref} has no selector: in policy/v1 a budget without one selects no pods, so it protects "
            f"nothing. Add selector.matchLabels with the workload's pod labels."))
        return
    yield from _label_keys_misplaced(pdb, "/spec/selector", pdb.spec.get("selector"))
    selector = readable_label_selector(pdb.spec.get("selector"))
    if not templates or selector is None or selector.empty or index.select(ns, selector):
        return
    if pods_may_be_unseen(index, ns, selector):
        return  # pods from outside the files (an operator's, the configuration's): the files cannot tell
    yield Problem(pdb, "/spec/selector", _no_pods_message(
        pdb.ref, selector, ns, templates, ", so the budget protects no pod: a node drain or an upgrade may evict "
        "all of the pods it was meant to keep running. Make the selector match the workload's pod labels."))
