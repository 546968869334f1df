"""Rules about what routes traffic to a Service: Ingresses, Gateway API routes and Traefik routes."""

from __future__ import annotations

from typing import Any, Iterator, Union

from ..index import ObjectIndex
from ..model import Manifest, Problem
from ..resolve.backends import check_backend
from ..k8s.ports import is_int
from ..k8s.workloads import mappings
from .registry import check

_GATEWAY_GROUP = "gateway.networking.k8s.io"
_ROUTE_KINDS = ("HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute")
_TRAEFIK_GROUPS = ("traefik.io", "traefik.containo.us")
_TRAEFIK_KINDS = ("IngressRoute", "IngressRouteTCP", "IngressRouteUDP", "TraefikService")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _port(value: Any) -> Union[int, str, None]:
    return value if is_int(value) or isinstance(value, str) else None


# --- Ingress --------------------------------------------------------------------------------------

@check("ingress-backend-unresolved", kinds=("Ingress",))
def ingress_backend_unresolved(ingress: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    if ingress.group not in ("networking.k8s.io", "extensions"):
        return
    v1 = ingress.api_version == "networking.k8s.io/v1"
    spec = ingress.spec
    backends: list[tuple[str, dict[str, Any], str]] = []  # (pointer, backend, what it serves)
    default_key = "defaultBackend" if v1 else "backend"
    if isinstance(spec.get(default_key), dict):
        backends.append((f"/spec/{default_key}", spec[default_key], "the default backend"))
    for i, rule in mappings(spec.get("rules")):
        host = rule.get("host") if isinstance(rule.get("host"), str) else "*"
        for j, path in mappings(_dict(rule.get("http")).get("paths")):
            if isinstance(path.get("backend"), dict):
                where = f"{host}{path.get('path') if isinstance(path.get('path'), str) else ''}"
                backends.append((f"/spec/rules/{i}/http/paths/{j}/backend", path["backend"], where))
    for pointer, backend, where in backends:
        yield from _ingress_backend(ingress, index, pointer, backend, where, v1)


def _ingress_backend(ingress: Manifest, index: ObjectIndex, pointer: str, backend: dict[str, Any],
                     where: str, v1: bool) -> Iterator[Problem]:
    lead = f"{ingress.ref} sends {where} to"
    if "resource" in backend:
        return  # a resource backend (a bucket, say) is valid and not a Service
    if v1:
        if "service" not in backend and ("serviceName" in backend or "servicePort" in backend):
            yield Problem(ingress, pointer, (
                f"{lead} serviceName/servicePort, which are the networking.k8s.io/v1beta1 fields: in "
                f"networking.k8s.io/v1 a backend is service: {{name: ..., port: {{number: ...}}}}, so the "
                f"API server rejects this backend. Rewrite it in the v1 shape."))
            return
        service = _dict(backend.get("service"))
        name = service.get("name")
        port_spec = _dict(service.get("port"))
        if "namespace" in service:
            yield Problem(ingress, f"{pointer}/service/namespace", (
                f"{lead} Service '{name}' with service.namespace, a field an Ingress backend does not have: "
                f"the backend Service is always in the Ingress's own namespace ({ingress.namespace}). "
                f"kubectl's strict validation rejects the object; without it the field is dropped and the "
                f"Service is looked up in {ingress.namespace}. Move the Ingress to the Service's namespace, "
                f"or route through a Service there (an ExternalName)."))
            return  # that is the fault; the Service's absence from this namespace follows from it
        if "service" in backend and "number" not in port_spec and "name" not in port_spec:
            yield Problem(ingress, f"{pointer}/service", (
                f"{lead} Service '{name}' without a port: a networking.k8s.io/v1 backend needs port.number "
                f"or port.name (the Service's port), so the API server rejects it."))
            return
        port: Union[int, str, None] = port_spec.get("number") if "number" in port_spec else port_spec.get("name")
        if port == "use-annotation":
            return  # AWS Load Balancer Controller: the "service" names an action in an annotation
        port_pointer = f"{pointer}/service/port/{'number' if 'number' in port_spec else 'name'}"
        name_pointer = f"{pointer}/service/name"
    else:
        name = backend.get("serviceName")
        port = backend.get("servicePort")
        if port == "use-annotation":
            return
        port_pointer, name_pointer = f"{pointer}/servicePort", f"{pointer}/serviceName"
    verdict = check_backend(index, ingress.namespace, name, _port(port), ingress.namespace)
    if verdict is not None:
        yield Problem(ingress, port_pointer if verdict.field == "port" else name_pointer,
                      f"{lead} Service '{name}' port {port!s}, but {verdict.message} The "
                      f"controller answers 503.", verdict.severity)


# --- Gateway API and Traefik routes ---------------------------------------------------------------

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
            mirror = _dict(_dict(item.get("requestMirror")).get("backendRef"))
            if mirror:
                refs.append((f"/spec/rules/{i}/filters/{k}/requestMirror/backendRef", mirror))
    for pointer, ref in refs:
        group = ref.get("group", "")
        kind = ref.get("kind", "Service")
        if group not in ("", "core") or kind != "Service":
            continue  # a ServiceImport, an InferencePool...: not a Service
        name = ref.get("name")
        namespace = ref.get("namespace") if isinstance(ref.get("namespace"), str) else route.namespace
        lead = f"{route.ref} sends traffic to Service {namespace}/{name}"
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
        verdict = check_backend(index, namespace, name, _port(port), route.namespace)
        if verdict is not None:
            yield Problem(route, pointer + ("/port" if verdict.field == "port" else "/name"),
                          f"{lead} port {port}, but {verdict.message} Those requests fail "
                          f"(ResolvedRefs: BackendNotFound).", verdict.severity)


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
        for j, ref in mappings(_dict(route.spec.get("weighted")).get("services")):
            refs.append((f"/spec/weighted/services/{j}", ref))
        mirroring = _dict(route.spec.get("mirroring"))
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
        port = _port(ref.get("port"))
        if port is None and route.kind != "TraefikService" and index.named("Service", namespace, name) and not \
                any(s.spec.get("type") == "ExternalName" for s in index.named("Service", namespace, name)):
            yield Problem(route, pointer, (
                f"{route.ref} sends traffic to Service {namespace}/{name} without a port: Traefik needs the "
                f"Service port (a number or a name) for a Kubernetes Service, so it drops this service "
                f"(\"service port not defined\") and the route has no server."))
            continue
        verdict = check_backend(index, namespace, name, port, route.namespace)
        if verdict is not None:
            yield Problem(route, pointer + ("/port" if verdict.field == "port" else "/name"),
                          f"{route.ref} sends traffic to Service {namespace}/{name}"
                          f"{'' if port is None else f' port {port}'}, but {verdict.message} "
                          f"Traefik has no server for this route, and its requests fail.", verdict.severity)

