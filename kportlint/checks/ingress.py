"""Rules about Ingresses: each backend names an existing Service and one of its ports."""

from __future__ import annotations

from typing import Any, Iterator, Union

from ..index import ObjectIndex
from ..model import Manifest, Problem, mapping
from ..resolve.backends import PORT, check_backend
from .backend_faults import fault_text
from ..k8s.ports import port_value
from ..k8s.workloads import mappings
from .registry import check


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
        for j, path in mappings(mapping(rule.get("http")).get("paths")):
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
        service = mapping(backend.get("service"))
        name = service.get("name")
        port_spec = mapping(service.get("port"))
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
    fault = check_backend(index, ingress.namespace, name, port_value(port), ingress.namespace)
    if fault is not None:
        text, hint = fault_text(fault)
        yield Problem(ingress, port_pointer if fault.field == PORT else name_pointer,
                      f"{lead} Service '{name}' port {port!s}, but {text} The controller answers 503.{hint}",
                      fault.severity)
