"""What the files show of objects made outside them.

One home for the evidence that a missing object may exist all the same: every rule that would
otherwise say "no pods" or "no such Service" asks here, and when there is evidence its finding says
`info` and names it. Evidence is specific to what is missing: a namespace that holds some custom
resource is no evidence that a Service of a given name exists. Each answer is computed once per
namespace and build (through `index.answer`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..index import ObjectIndex
from ..model import Manifest
from ..k8s.names import nearest_name, one_edit_apart
from ..k8s.selectors import Selector, string_map
from ..k8s.workloads import mappings

_ROUTES = ("HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute")

# What the evidence is (Evidence.reason).
ROUTED_TO_MISSING = "routed-to-missing"  # `source` sends traffic to Service namespace/name, not in the files
CONFIGURED = "configured"  # the configuration (pods-from-elsewhere) says so
ENDPOINTS = "endpoints"  # `source`, an Endpoints or EndpointSlice, lists the pods
MADE_BY = "made-by"  # `source`, a custom resource, may create them


@dataclass(frozen=True)
class Evidence:
    """Why an object the files lack may exist all the same, as facts; checks word it."""

    reason: str
    source: Optional[Manifest] = None  # the object that shows it
    namespace: str = ""  # ROUTED_TO_MISSING: the missing Service's namespace and name
    name: str = ""


def namespace_evidence(index: ObjectIndex, namespace: str) -> Optional[Evidence]:
    """Evidence that objects of the namespace come from outside the files: a route or Ingress there
    sends traffic to a Service the files do not define. None when there is none."""
    def compute() -> dict[str, Evidence]:
        services: dict[str, list[str]] = {}
        for service in index.of_kind("Service"):
            services.setdefault(service.namespace, []).append(service.name)
        found: dict[str, Evidence] = {}
        for kind in ("Ingress",) + _ROUTES:
            for manifest in index.of_kind(kind):
                for ns, name in _referenced_services(manifest):
                    # A name close to one that is here is a typo, no evidence of anything elsewhere.
                    if ns not in found and not index.named("Service", ns, name) and \
                            not nearest_name(name, services.get(ns, [])):
                        found[ns] = Evidence(ROUTED_TO_MISSING, manifest, ns, name)
        return found
    return index.answer("namespace-evidence", compute).get(namespace)


def pods_may_be_unseen(index: ObjectIndex, namespace: str, selector: Optional[Selector] = None) -> bool:
    """Whether pods of the namespace (or the pods the selector asks for) may carry labels the files do
    not show: the configuration (pods-from-elsewhere) says so, an operator's custom resource there makes
    pods of its own, or the namespace's routes name Services the files lack. Broad evidence, for rules
    about *some* pods of a namespace (policies, monitors), never for a named object."""
    pairs = selector.match_labels if selector is not None else ()
    return index.settings.pods_elsewhere(namespace, pairs) or bool(index.custom_resources_in(namespace)) \
        or namespace_evidence(index, namespace) is not None


def pods_made_elsewhere(service: Manifest, selector: Selector, index: ObjectIndex) -> Optional[Evidence]:
    """Evidence that the Service's pods exist although no linted manifest holds their template:
    the configuration says so, its Endpoints or EndpointSlices list addresses in a set without Pods
    (test fixtures, a partial dump), or a selector value names a custom resource in the namespace,
    whose operator creates the pods (a CloudNativePG Cluster, a Prometheus, a Flux HelmRelease)."""
    ns, name = service.namespace, service.name
    if index.settings.pods_elsewhere(ns, selector.match_labels):
        return Evidence(CONFIGURED)
    # A dump that holds the namespace's Pods beside its Endpoints shows what exists: judge the Pods.
    pods = [pod for pod in index.of_kind("Pod") if pod.namespace == ns]

    def dumped(owner: Manifest) -> bool:
        return any(index.deployed_together(owner, pod) for pod in pods)

    # For a Service with a selector the control plane owns the Endpoints of that name and fills it
    # from the pods it selects, with a targetRef to each Pod: only such addresses show that pods
    # exist; hand-written ones are overwritten. EndpointSlices are different: the controller manages
    # only its own (endpointslice.kubernetes.io/managed-by), and kube-proxy routes to every slice
    # labelled for the Service, so any endpoint in one routes.
    for endpoints in index.named("Endpoints", ns, name):
        subsets = endpoints.data.get("subsets")
        addresses = [a for s in subsets if isinstance(s, dict) for a in _list(s.get("addresses"))] \
            if isinstance(subsets, list) else []
        if not dumped(endpoints) and any(_points_at_pod(a) for a in addresses):
            return Evidence(ENDPOINTS, endpoints)
    for endpoint_slice in index.of_kind("EndpointSlice"):
        labels = string_map(endpoint_slice.metadata.get("labels"))
        if (endpoint_slice.namespace == ns and labels.get("kubernetes.io/service-name") == name
                and not dumped(endpoint_slice)
                and _list(endpoint_slice.data.get("endpoints"))):
            return Evidence(ENDPOINTS, endpoint_slice)
    for _, value in selector.match_labels:
        for resource in index.custom_resources_named(ns, value):
            return Evidence(MADE_BY, resource)
    return None


def keys_labelled_elsewhere(service: Manifest, selector: Selector, index: ObjectIndex) -> list[str]:
    """Selector keys that no pod template anywhere uses, and that are no typo of one that is (one edit
    away): pods with such a key get it from outside the files. Not so when the rest of the selector
    picks a workload here: then that workload lacks the key, a mistake the files do show. A value that
    differs on a key the templates use is a typo, not this either."""
    keys = index.label_keys
    unused = [key for key, _ in selector.match_labels
              if key not in keys and not any(one_edit_apart(key, used) for used in keys)]
    if not unused:
        return []
    rest = Selector(tuple(pair for pair in selector.match_labels if pair[0] not in unused))
    if not rest.empty and index.select(service.namespace, rest):
        return []
    # A workload of the Service's name, or one that carries the wanted value under another key,
    # shows what the selector was written for: a typo the files do show.
    values = {value for key, value in selector.match_labels if key in unused}
    for template in index.templates_in(service.namespace):
        if template.owner.name == service.name or values & set(template.labels.values()):
            return []
    return unused


def service_made_by_operator(index: ObjectIndex, namespace: str, name: str) -> Optional[Manifest]:
    """A custom resource in the namespace that makes pods and whose name the Service's begins with
    (a CloudNativePG Cluster `pg` makes `pg-rw`, an Elasticsearch `logs` makes `logs-es-http`): specific
    evidence that an operator creates the Service. Any custom resource in the namespace is not."""
    for resource in index.custom_resources_in(namespace):
        if resource.name and (name == resource.name or name.startswith(resource.name + "-")):
            return resource
    return None


def _referenced_services(manifest: Manifest) -> list[tuple[str, str]]:
    """(namespace, name) of the Services an Ingress or a Gateway API route sends traffic to."""
    found: list[tuple[str, str]] = []
    spec = manifest.spec
    if manifest.kind == "Ingress":
        backends = [spec.get("defaultBackend"), spec.get("backend")]
        for _, rule in mappings(spec.get("rules")):
            http = rule.get("http") if isinstance(rule.get("http"), dict) else {}
            backends += [path.get("backend") for _, path in mappings(http.get("paths"))]
        for backend in backends:
            if not isinstance(backend, dict):
                continue
            service = backend.get("service")
            name = service.get("name") if isinstance(service, dict) else backend.get("serviceName")
            if isinstance(name, str) and name:
                found.append((manifest.namespace, name))
    elif manifest.kind in _ROUTES and manifest.group.startswith("gateway.networking.k8s.io"):
        for _, rule in mappings(spec.get("rules")):
            for _, ref in mappings(rule.get("backendRefs")):
                if ref.get("kind", "Service") == "Service" and ref.get("group", "") in ("", "core"):
                    namespace = ref.get("namespace") if isinstance(ref.get("namespace"), str) else manifest.namespace
                    if isinstance(ref.get("name"), str):
                        found.append((namespace, ref["name"]))
    return found


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _points_at_pod(address: object) -> bool:
    target = address.get("targetRef") if isinstance(address, dict) else None
    return isinstance(target, dict) and target.get("kind") == "Pod"
