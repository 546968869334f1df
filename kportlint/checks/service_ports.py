"""Rules about a v1 Service's own list of ports: what the API server rejects in it.

The rules shared with container ports (port-out-of-range, port-name-invalid, port-name-duplicate,
port-protocol-invalid) live in ports.py and take their Service half from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from ..index import ObjectIndex
from ..k8s.names import dns_label_problem, iana_svc_name_problem, port_number_problem, protocol_of
from ..k8s.ports import is_int, is_number_text
from ..k8s.templating import written
from ..model import Manifest, Problem
from .registry import check


@dataclass(frozen=True)
class ServicePortEntry:
    """One mapping in spec.ports, and how messages name it."""

    pointer: str  # /spec/ports/<i>
    service: Manifest
    label: str  # port 80, or port #2 when the entry has no usable number
    item: dict[str, Any]

    @property
    def subject(self) -> str:
        """Service shop/web port 80 (made only for a message)."""
        return f"{self.service.ref} {self.label}"

    @property
    def protocol(self) -> Any:
        return protocol_of(self.item)


def entries(manifest: Manifest) -> list[ServicePortEntry]:
    """The mappings in a v1 Service's spec.ports; other items are the schema's to report."""
    raw = manifest.spec.get("ports") if manifest.kind == "Service" and manifest.api_version == "v1" else None
    if not isinstance(raw, list):
        return []
    return [ServicePortEntry(f"/spec/ports/{i}", manifest, f"port {item.get('port')}" if is_int(item.get("port"))
                             else f"port #{i + 1}", item) for i, item in enumerate(raw) if isinstance(item, dict)]


def out_of_range(service: Manifest) -> Iterator[Problem]:
    for entry in entries(service):
        port, target = entry.item.get("port"), entry.item.get("targetPort")
        if is_int(port) and port_number_problem(port):
            yield Problem(service, entry.pointer + "/port", f"{entry.subject}: {port_number_problem(port)}; the "
                          f"API server rejects the Service.")
        if is_int(target) and target != 0 and port_number_problem(target):  # 0 defaults to port
            yield Problem(service, entry.pointer + "/targetPort", f"{entry.subject}: targetPort "
                          f"{port_number_problem(target)}; the API server rejects the Service.")


def invalid_names(service: Manifest) -> Iterator[Problem]:
    for entry in entries(service):
        target, name = entry.item.get("targetPort"), entry.item.get("name")
        problem = iana_svc_name_problem(target) if written(target) and not is_number_text(target) else None
        if problem:  # all digits is a quoted number: target-port-quoted-number
            yield Problem(service, entry.pointer + "/targetPort", (
                f"{entry.subject}: targetPort {problem}, so it is not a valid port name (at most 15 "
                f"characters: lowercase letters, digits and single '-' between them, with at least one "
                f"letter); the API server rejects the Service."))
        problem = dns_label_problem(name) if written(name) else None
        if problem:
            yield Problem(service, entry.pointer + "/name", f"{entry.subject}: the port name {problem}; the API "
                          f"server rejects the Service.")


def duplicate_names(service: Manifest) -> Iterator[Problem]:
    first: dict[str, str] = {}  # port name -> the entry that has it, as messages name it
    for entry in entries(service):
        name = entry.item.get("name")
        if not written(name):
            continue
        if name in first:
            yield Problem(service, entry.pointer + "/name", (
                f"{entry.subject}: the port name '{name}' is already used by {first[name]}; Service port "
                f"names must be unique, so the API server rejects the Service."))
        first.setdefault(name, f"the entry for {entry.label}")


@check("node-port-out-of-range", kinds=("Service",))
def node_port_out_of_range(manifest: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    low, high = index.settings.option("node-port-range")
    for entry in entries(manifest):
        node_port = entry.item.get("nodePort")
        if is_int(node_port) and node_port != 0 and not low <= node_port <= high:
            yield Problem(manifest, entry.pointer + "/nodePort", (
                f"{entry.subject}: nodePort {node_port} is outside the node port range {low}-{high}; the "
                f"API server rejects the Service. Pick a port in the range, or leave nodePort out and "
                f"let Kubernetes choose one."))


@check("target-port-quoted-number", kinds=("Service",))
def target_port_quoted_number(manifest: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    for entry in entries(manifest):
        target = entry.item.get("targetPort")
        if written(target) and is_number_text(target):
            yield Problem(manifest, entry.pointer + "/targetPort", (
                f"{entry.subject}: targetPort \"{target}\" is quoted, so it is a port *name*, and names need "
                f"a letter; the API server rejects it. Write targetPort: {int(target)} without quotes."))


@check("service-port-name-missing", kinds=("Service",))
def service_port_name_missing(manifest: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    found = entries(manifest)
    if len(found) < 2:
        return
    for entry in found:
        name = entry.item.get("name")
        if name is None or name == "":
            yield Problem(manifest, entry.pointer, (
                f"{entry.subject} has no name, but the Service has {len(found)} ports: every port of a "
                f"multi-port Service needs a name, so the API server rejects it. Add name: (for example "
                f"http or metrics)."))


@check("service-port-duplicate", kinds=("Service",))
def service_port_duplicate(manifest: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    seen: set[tuple[int, str]] = set()
    for entry in entries(manifest):
        port, protocol = entry.item.get("port"), entry.protocol
        if not (is_int(port) and isinstance(protocol, str)):
            continue
        if (port, protocol) in seen:
            yield Problem(manifest, entry.pointer + "/port", (
                f"{entry.subject}/{protocol} is exposed twice; the API server rejects duplicate port and "
                f"protocol pairs. Remove one, or give it another protocol (the same port on TCP and UDP is "
                f"fine)."))
        seen.add((port, protocol))
