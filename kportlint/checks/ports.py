"""Rules about port definitions on their own: formats the API server rejects, and probe ports.

The format rules that hold for Service ports and container ports alike are here; each takes its two
halves from service_ports.py and container_ports.py, where the rules of one side live.
"""

from __future__ import annotations

from typing import Iterator, Optional

from ..index import ObjectIndex
from ..model import Container, ContainerPort, Manifest, PodTemplate, Problem
from ..k8s.names import PROTOCOLS, iana_svc_name_problem, nearest_name
from ..k8s.ports import is_number_text
from ..wording import did_you_mean, ports_text
from ..k8s.templating import has_placeholder
from . import container_ports, service_ports
from .registry import check

_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")


@check("port-out-of-range")
def port_out_of_range(manifest: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    yield from service_ports.out_of_range(manifest)
    yield from container_ports.out_of_range(manifest, index)


@check("port-name-invalid")
def port_name_invalid(manifest: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    yield from service_ports.invalid_names(manifest)
    yield from container_ports.invalid_names(manifest, index)


@check("port-name-duplicate")
def port_name_duplicate(manifest: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    yield from service_ports.duplicate_names(manifest)
    yield from container_ports.duplicate_names(manifest, index)


@check("port-protocol-invalid")
def port_protocol_invalid(manifest: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    for entry in [*service_ports.entries(manifest), *container_ports.entries(manifest, index)]:
        protocol = entry.protocol
        if isinstance(protocol, str) and protocol not in PROTOCOLS and not has_placeholder(protocol):
            hint = did_you_mean(protocol.upper() if protocol.upper() in PROTOCOLS else None)
            yield Problem(manifest, entry.pointer + "/protocol", (
                f"{entry.subject}: protocol '{protocol}' is not TCP, UDP or SCTP (they are case-sensitive); "
                f"the API server rejects it.{hint}"))


@check("probe-port-unresolved")
def probe_port_unresolved(manifest: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    template = index.template_of(manifest)
    if template is None:
        return
    for container in template.containers:
        for probe_name in _PROBES:
            probe = container.raw.get(probe_name)
            if not isinstance(probe, dict):
                continue
            for handler in ("httpGet", "tcpSocket", "grpc"):
                action = probe.get(handler)
                port = action.get("port") if isinstance(action, dict) else None
                if isinstance(port, str) and port and not is_number_text(port) and not has_placeholder(port):
                    problem = _unresolved(manifest, template, container, probe_name, handler, port)
                    if problem is not None:
                        yield problem
                        continue
                udp = _udp_only(container, port)
                if udp is not None:
                    yield Problem(manifest, f"{container.pointer}/{probe_name}/{handler}/port", (
                        f"{manifest.ref}, container '{container.name}': the {probe_name} connects over TCP "
                        f"({handler}) to port {_shown_port(port)}, which the container declares only as "
                        f"{udp.number}/UDP, so the probe {_FAILS[probe_name]} unless a TCP listener is there "
                        f"too. Probe a TCP port, or use an exec probe."), severity="warning")


_FAILS = {"livenessProbe": "fails and the container is restarted",
          "readinessProbe": "fails and the pod gets no Service traffic",
          "startupProbe": "fails and the container never finishes starting"}


def _udp_only(container: Container, port: object) -> Optional[ContainerPort]:
    """The container's UDP port that a probe's port names (by name or number), when the container
    declares it only as UDP; probes (httpGet, tcpSocket, grpc) always connect over TCP."""
    if isinstance(port, str) and not is_number_text(port):
        named = [p for p in container.ports if p.name == port]
        return named[0] if named and named[0].protocol == "UDP" else None
    number = int(port) if is_number_text(port) else port
    if not isinstance(number, int) or isinstance(number, bool):
        return None
    same = [p for p in container.ports if p.number == number]
    return same[0] if same and all(p.protocol == "UDP" for p in same) else None


def _shown_port(port: object) -> str:
    return f"'{port}'" if isinstance(port, str) and not is_number_text(port) else str(port)


def _unresolved(manifest: Manifest, template: PodTemplate, container: Container, probe: str, handler: str,
                port: str) -> Optional[Problem]:
    declared = [p for p in container.ports if p.name]
    if any(p.name == port for p in declared):
        return None
    pointer = f"{container.pointer}/{probe}/{handler}/port"
    message = (f"{manifest.ref}, container '{container.name}': the {probe} uses port '{port}', but the "
               f"container declares no port with that name. The kubelet looks the name up in the "
               f"container's own ports, so the probe fails")
    message += {"livenessProbe": " and the container is restarted again and again.",
                "readinessProbe": " and the pod never becomes ready (it gets no Service traffic).",
                "startupProbe": " and the container never finishes starting."}[probe]
    invalid = iana_svc_name_problem(port)
    if invalid:
        message += f" Besides, {invalid}, so it is not a valid port name and the API server rejects the pod."
    elsewhere = [c.name for c in template.containers if c is not container and any(p.name == port for p in c.ports)]
    if elsewhere:
        message += (f" It is declared by container '{elsewhere[0]}', but a probe only looks in its own "
                    f"container: use that port's number, or probe from that container.")
    if declared:
        message += f" The container declares {ports_text(declared)}."
        guess = _closest([p.name for p in declared if p.name], port)
        message += did_you_mean(f"port: {guess}" if guess else None)
    elif not elsewhere:
        message += " Declare the port under ports: with that name, or use the number."
    return Problem(manifest, pointer, message)


def _closest(names: list[str], wanted: str) -> Optional[str]:
    """The nearest spelling, else the container's only named port: a probe checks its own container,
    so its one port is the likely target (a Service port's targetPort is judged more warily, see
    k8s.ports.suggest)."""
    close = nearest_name(wanted, names)
    if close:
        return close
    return names[0] if len(names) == 1 else None
