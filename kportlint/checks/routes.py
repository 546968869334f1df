"""Rules about Gateway API routes and Traefik routes: each backend names an existing Service and one
of its ports, in a namespace the route may reach."""

from __future__ import annotations

from typing import Any, Iterator

from ..index import ObjectIndex
from ..model import Manifest, Problem, mapping
from ..resolve.backends import PORT, check_backend
from .backend_faults import fault_text
from ..k8s.ports import is_int, port_value
from ..k8s.workloads import mappings
from ..wording import ref as object_ref
from .registry import check

_GATEWAY_GROUP = "gateway.networking.k8s.io"
_ROUTE_KINDS = ("HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute")
_TRAEFIK_GROUPS = ("traefik.io", "traefik.containo.us")
_TRAEFIK_KINDS = ("IngressRoute", "IngressRouteTCP", "IngressRouteUDP", "TraefikService")


@check("route-backend-unresolved", kinds=_ROUTE_KINDS + _TRAEFIK_KINDS)
def route_backend_unresolved(route: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    if route.group == _GATEWAY_GROUP and route.kind in _ROUTE_KINDS:
        yield from _gateway_route(route, index)
    elif route.group in _TRAEFIK_GROUPS:
        yield from _traefik_route(route, index)


def _gateway_route(route: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    refs: list[tuple[str, dict[str, Any]]] = []
    for i, rule in mappings(route.spec.get("rules")):
        for j, ref in mappings(rule.get("backendRefs")):
            refs.append((f"/spec/rules/{i}/backendRefs/{j}", ref))
        for k, item in mappings(rule.get("filters")):
            mirror = mapping(mapping(item.get("requestMirror")).get("backendRef"))
            if mirror:
                refs.append((f"/spec/rules/{i}/filters/{k}/requestMirror/backendRef", mirror))
    for pointer, ref in refs:
        group = ref.get("group", "")
        kind = ref.get("kind", "Service")
        if group not in ("", "core") or kind != "Service":
            continue  # a ServiceImport, an InferencePool...: not a Service
        name = ref.get("name")
        namespace = ref.get("namespace") if isinstance(ref.get("namespace"), str) else route.namespace
        lead = f"{route.ref} sends traffic to {object_ref('Service', namespace, name)}"
        if namespace != route.namespace and not _granted(index, route, namespace, name) \
                and (namespace, name) not in _parent_services(route):
            yield Problem(route, pointer + "/namespace", (
                f"{lead}, in another namespace, but no ReferenceGrant in namespace {namespace} allows "
                f"{route.kind}s from namespace {route.namespace} to refer to it, so the gateway refuses the "
                f"reference (ResolvedRefs: RefNotPermitted). Add a ReferenceGrant in {namespace}."))
            continue
        port = ref.get("port")
        if port is not None and not is_int(port):
            yield Problem(route, pointer + "/port", (
                f"{lead} port {port!r}, but a Gateway API backendRef port is a number (the Service's port); "
                f"names are not allowed, so the API server rejects the route."))
            continue
        if port is None:
            yield Problem(route, pointer, (
                f"{lead} without a port: a backendRef to a Service must give the Service port, so the "
                f"gateway cannot route it. Add port: (the Service's port, not the container's)."))
            continue
        fault = check_backend(index, namespace, name, port_value(port), route.namespace)
        if fault is not None:
            text, hint = fault_text(fault)
            yield Problem(route, pointer + ("/port" if fault.field == PORT else "/name"),
                          f"{lead} port {port}, but {text} Those requests fail (ResolvedRefs: BackendNotFound).{hint}",
                          fault.severity)


def _parent_services(route: Manifest) -> set[tuple[str, Any]]:
    """The Services a GAMMA (mesh) route is attached to: a consumer route in another namespace may send
    traffic to its own parent Service without a ReferenceGrant (GEP-1294)."""
    found = set()
    for _, parent in mappings(route.spec.get("parentRefs")):
        if parent.get("kind") == "Service" and parent.get("group", "") in ("", "core") and \
                isinstance(parent.get("name"), str):
            namespace = parent.get("namespace") if isinstance(parent.get("namespace"), str) else route.namespace
            found.add((namespace, parent["name"]))
    return found


def _granted(index: ObjectIndex, route: Manifest, namespace: str, name: Any) -> bool:
    for grant in index.of_kind("ReferenceGrant"):
        if grant.namespace != namespace:
            continue
        froms = [f for _, f in mappings(grant.spec.get("from"))]
        tos = [t for _, t in mappings(grant.spec.get("to"))]
        allowed_from = any(f.get("group") == _GATEWAY_GROUP and f.get("kind") == route.kind
                           and f.get("namespace") == route.namespace for f in froms)
        allowed_to = any(t.get("group", "") in ("", "core") and t.get("kind") == "Service"
                         and t.get("name") in (None, "", name) for t in tos)
        if allowed_from and allowed_to:
            return True
    return False


def _traefik_route(route: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    refs: list[tuple[str, dict[str, Any]]] = []
    if route.kind == "TraefikService":
        for j, ref in mappings(mapping(route.spec.get("weighted")).get("services")):
            refs.append((f"/spec/weighted/services/{j}", ref))
        mirroring = mapping(route.spec.get("mirroring"))
        if mirroring:
            refs.append(("/spec/mirroring", mirroring))
            for j, ref in mappings(mirroring.get("mirrors")):
                refs.append((f"/spec/mirroring/mirrors/{j}", ref))
    else:
        for i, item in mappings(route.spec.get("routes")):
            for j, ref in mappings(item.get("services")):
                refs.append((f"/spec/routes/{i}/services/{j}", ref))
    for pointer, ref in refs:
        name = ref.get("name")
        if ref.get("kind", "Service") != "Service" or not isinstance(name, str) or "@" in name:
            continue  # a TraefikService, or a provider reference such as api@internal
        namespace = ref.get("namespace") if isinstance(ref.get("namespace"), str) else route.namespace
        port = port_value(ref.get("port"))
        if port is None and route.kind != "TraefikService" and index.named("Service", namespace, name) and not \
                any(s.spec.get("type") == "ExternalName" for s in index.named("Service", namespace, name)):
            yield Problem(route, pointer, (
                f"{route.ref} sends traffic to {object_ref('Service', namespace, name)} without a port: Traefik "
                f"needs the Service port (a number or a name) for a Kubernetes Service, so it drops this service "
                f"(\"service port not defined\") and the route has no server."))
            continue
        fault = check_backend(index, namespace, name, port, route.namespace)
        if fault is not None:
            text, hint = fault_text(fault)
            yield Problem(route, pointer + ("/port" if fault.field == PORT else "/name"),
                          f"{route.ref} sends traffic to {object_ref('Service', namespace, name)}"
                          f"{'' if port is None else f' port {port}'}, but {text} "
                          f"Traefik has no server for this route, and its requests fail.{hint}", fault.severity)
