"""Rules about the ports a pod template's containers declare: what the API server rejects in them,
and what two containers of one pod cannot share.

The rules shared with Service ports (port-out-of-range, port-name-invalid, port-name-duplicate,
port-protocol-invalid) live in ports.py and take their container half from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from ..index import ObjectIndex
from ..k8s.names import iana_svc_name_problem, port_number_problem, protocol_of
from ..k8s.ports import is_int
from ..k8s.templating import written
from ..model import Container, Manifest, Problem
from .registry import check


@dataclass(frozen=True)
class ContainerPortEntry:
    """One mapping in a container's ports, and how messages name it."""

    container: Container
    pointer: str  # <container pointer>/ports/<i>
    owner: Manifest
    item: dict[str, Any]

    @property
    def subject(self) -> str:
        """Deployment shop/web, container 'web' (made only for a message)."""
        return f"{self.owner.ref}, container '{self.container.name}'"

    @property
    def protocol(self) -> Any:
        return protocol_of(self.item)


def entries(manifest: Manifest, index: ObjectIndex) -> list[ContainerPortEntry]:
    """The mappings in the ports of every container of the object's pod template, in order."""
    if manifest.kind == "Service" and manifest.api_version == "v1":
        return []  # its ports are Service ports (service_ports.py)
    template = index.template_of(manifest)
    found: list[ContainerPortEntry] = []
    for container in template.containers if template is not None else ():
        raw = container.raw.get("ports")
        found += [ContainerPortEntry(container, f"{container.pointer}/ports/{i}", manifest, item)
                  for i, item in enumerate(raw if isinstance(raw, list) else ()) if isinstance(item, dict)]
    return found


def out_of_range(owner: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    for entry in entries(owner, index):
        number, host = entry.item.get("containerPort"), entry.item.get("hostPort")
        if is_int(number) and port_number_problem(number):
            yield Problem(owner, entry.pointer + "/containerPort", f"{entry.subject}: containerPort "
                          f"{port_number_problem(number)}; the API server rejects the pod.")
        if is_int(host) and host != 0 and port_number_problem(host):
            yield Problem(owner, entry.pointer + "/hostPort", f"{entry.subject}: hostPort "
                          f"{port_number_problem(host)}; the API server rejects the pod.")


def invalid_names(owner: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    for entry in entries(owner, index):
        name = entry.item.get("name")
        problem = iana_svc_name_problem(name) if written(name) else None
        if problem:
            yield Problem(owner, entry.pointer + "/name", (
                f"{entry.subject}: the port name {problem}; port names are at most 15 characters of "
                f"lowercase letters, digits and single '-' between them, with at least one letter. "
                f"The API server rejects the pod."))


def duplicate_names(owner: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    seen: set[tuple[str, str]] = set()  # (container pointer, port name): names are unique per container
    for entry in entries(owner, index):
        name = entry.item.get("name")
        if not written(name):
            continue
        if (entry.container.pointer, name) in seen and not iana_svc_name_problem(name):
            yield Problem(owner, entry.pointer + "/name", f"{entry.subject}: the port name '{name}' is declared "
                          f"twice in this container; the API server rejects the pod.")
        seen.add((entry.container.pointer, name))


@check("container-port-conflict")
def container_port_conflict(manifest: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    first: dict[tuple[int, str], Container] = {}  # (containerPort, protocol) -> the container declaring it
    for entry in entries(manifest, index):
        number, protocol, container = entry.item.get("containerPort"), entry.protocol, entry.container
        if not (container.serves and is_int(number) and isinstance(protocol, str)):
            continue
        # The same number twice in one container is two names for one listener (ingress-nginx names
        # 80 both http and https behind a TLS-terminating load balancer): fine.
        other = first.setdefault((number, protocol), container)
        if other is not container:
            yield Problem(manifest, entry.pointer + "/containerPort", (
                f"{entry.subject} declares {number}/{protocol}, which container '{other.name}' already "
                f"declares; two processes in one pod cannot both listen on it, so one of them never "
                f"receives traffic. Remove the duplicate or change the port."))
