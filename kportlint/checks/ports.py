"""Rules about port definitions on their own: formats the API server rejects, and probe ports."""

from __future__ import annotations

from typing import Iterator, Optional

from ..index import ObjectIndex
from ..model import Container, ContainerPort, Manifest, PodTemplate, Problem
from ..k8s.names import PROTOCOLS, dns_label_problem, iana_svc_name_problem, nearest_name, port_number_problem
from ..k8s.ports import describe_ports, is_int
from ..k8s.templating import has_placeholder
from .registry import check

_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")


@check("invalid-port")
def invalid_port(manifest: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    if manifest.kind == "Service" and manifest.api_version == "v1":
        yield from _service_ports(manifest, index)
        return
    template = index.template_of(manifest)
    if template is not None:
        yield from _container_ports(manifest, template)


def _service_ports(service: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    raw = service.spec.get("ports")
    if not isinstance(raw, list):
        return
    what = f"Service {service.namespace}/{service.name}"
    low, high = index.settings.node_port_range
    names: dict[str, str] = {}  # port name -> the entry that has it, as messages name it
    pairs: dict[tuple[int, str], str] = {}
    entries = [(i, item) for i, item in enumerate(raw) if isinstance(item, dict)]
    for i, item in entries:
        here = f"/spec/ports/{i}"
        port, target, node_port = item.get("port"), item.get("targetPort"), item.get("nodePort")
        name, protocol = item.get("name"), item.get("protocol") or "TCP"  # "" defaults to TCP too
        label = f"port {port}" if is_int(port) else f"port #{i + 1}"
        if is_int(port) and port_number_problem(port):
            yield Problem(service, here + "/port", f"{what} {label}: {port_number_problem(port)}; the API "
                          f"server rejects the Service.")
        if is_int(target) and target != 0 and port_number_problem(target):  # 0 defaults to port
            yield Problem(service, here + "/targetPort", f"{what} {label}: targetPort "
                          f"{port_number_problem(target)}; the API server rejects the Service.")
        elif isinstance(target, str) and target and not has_placeholder(target):
            yield from _named_target(service, here, what, label, target)
        if is_int(node_port) and node_port != 0 and not low <= node_port <= high:
            yield Problem(service, here + "/nodePort", (
                f"{what} {label}: nodePort {node_port} is outside the node port range {low}-{high}; the "
                f"API server rejects the Service. Pick a port in the range, or leave nodePort out and "
                f"let Kubernetes choose one."))
        if isinstance(protocol, str) and protocol not in PROTOCOLS and not has_placeholder(protocol):
            yield Problem(service, here + "/protocol", _protocol_message(f"{what} {label}", protocol))
        if isinstance(name, str) and name and not has_placeholder(name):
            problem = dns_label_problem(name)
            if problem:
                yield Problem(service, here + "/name", f"{what} {label}: the port name {problem}; the API "
                              f"server rejects the Service.")
            if name in names:
                yield Problem(service, here + "/name", (
                    f"{what} {label}: the port name '{name}' is already used by {names[name]}; Service "
                    f"port names must be unique, so the API server rejects the Service."))
            names.setdefault(name, f"the entry for {label}")
        elif len(entries) > 1 and (name is None or name == ""):
            yield Problem(service, here, (
                f"{what} {label} has no name, but the Service has {len(entries)} ports: every port of a "
                f"multi-port Service needs a name, so the API server rejects it. Add name: (for example "
                f"http or metrics)."))
        if is_int(port) and isinstance(protocol, str):
            key = (port, protocol)
            if key in pairs:
                yield Problem(service, here + "/port", (
                    f"{what} {label}/{protocol} is exposed twice; the API server rejects duplicate port "
                    f"and protocol pairs. Remove one, or give it another protocol (the same port on TCP "
                    f"and UDP is fine)."))
            pairs.setdefault(key, label)


def _named_target(service: Manifest, here: str, what: str, label: str, target: str) -> Iterator[Problem]:
    if target.isdigit():
        yield Problem(service, here + "/targetPort", (
            f"{what} {label}: targetPort \"{target}\" is quoted, so it is a port *name*, and names need a "
            f"letter; the API server rejects it. Write targetPort: {int(target)} without quotes."))
        return
    problem = iana_svc_name_problem(target)
    if problem:
        yield Problem(service, here + "/targetPort", (
            f"{what} {label}: targetPort {problem}, so it is not a valid port name (at most 15 "
            f"characters: lowercase letters, digits and single '-' between them, with at least one "
            f"letter); the API server rejects the Service."))


def _protocol_message(what: str, protocol: str) -> str:
    hint = f" Did you mean {protocol.upper()}?" if protocol.upper() in PROTOCOLS else ""
    return (f"{what}: protocol '{protocol}' is not TCP, UDP or SCTP (they are case-sensitive); the API "
            f"server rejects it.{hint}")


def _container_ports(owner: Manifest, template: PodTemplate) -> Iterator[Problem]:
    seen: dict[tuple[int, str], Container] = {}  # (containerPort, protocol) -> the container declaring it
    for container in template.containers:
        raw = container.raw.get("ports")
        if not isinstance(raw, list):
            continue
        what = f"{owner.ref}, container '{container.name}'"
        names: set[str] = set()
        for i, item in enumerate(raw):
            if not isinstance(item, dict):
                continue
            here = f"{container.pointer}/ports/{i}"
            number, host, name = item.get("containerPort"), item.get("hostPort"), item.get("name")
            protocol = item.get("protocol") or "TCP"  # "" defaults to TCP too
            if is_int(number) and port_number_problem(number):
                yield Problem(owner, here + "/containerPort", f"{what}: containerPort "
                              f"{port_number_problem(number)}; the API server rejects the pod.")
            if is_int(host) and host != 0 and port_number_problem(host):
                yield Problem(owner, here + "/hostPort", f"{what}: hostPort {port_number_problem(host)}; "
                              f"the API server rejects the pod.")
            if isinstance(protocol, str) and protocol not in PROTOCOLS and not has_placeholder(protocol):
                yield Problem(owner, here + "/protocol", _protocol_message(what, protocol))
            if isinstance(name, str) and name and not has_placeholder(name):
                problem = iana_svc_name_problem(name)
                if problem:
                    yield Problem(owner, here + "/name", (
                        f"{what}: the port name {problem}; port names are at most 15 characters of "
                        f"lowercase letters, digits and single '-' between them, with at least one letter. "
                        f"The API server rejects the pod."))
                elif name in names:
                    yield Problem(owner, here + "/name", f"{what}: the port name '{name}' is declared twice "
                                  f"in this container; the API server rejects the pod.")
                names.add(name)
            if container.serves and is_int(number) and isinstance(protocol, str):
                # The same number twice in one container is two names for one listener (ingress-nginx
                # names 80 both http and https behind a TLS-terminating load balancer): fine.
                key = (number, protocol)
                other = seen.get(key)
                if other is not None and other is not container:
                    yield Problem(owner, here + "/containerPort", (
                        f"{what} declares {number}/{protocol}, which container '{other.name}' already "
                        f"declares; two processes in one pod cannot both listen on it, so one of them never "
                        f"receives traffic. Remove the duplicate or change the port."), severity="warning")
                seen.setdefault(key, container)


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
                if isinstance(port, str) and port and not port.isdigit() and not has_placeholder(port):
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
    if isinstance(port, str) and not port.isdigit():
        named = [p for p in container.ports if p.name == port]
        return named[0] if named and named[0].protocol == "UDP" else None
    number = int(port) if isinstance(port, str) and port.isdigit() else port
    if not isinstance(number, int) or isinstance(number, bool):
        return None
    same = [p for p in container.ports if p.number == number]
    return same[0] if same and all(p.protocol == "UDP" for p in same) else None


def _shown_port(port: object) -> str:
    return f"'{port}'" if isinstance(port, str) and not port.isdigit() else str(port)


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
        message += f" The container declares {describe_ports(declared)}."
        guess = _closest([p.name for p in declared if p.name], port)
        if guess:
            message += f" Did you mean port: {guess}?"
    elif not elsewhere:
        message += " Declare the port under ports: with that name, or use the number."
    return Problem(manifest, pointer, message)


def _closest(names: list[str], wanted: str) -> Optional[str]:
    close = nearest_name(wanted, names)
    if close:
        return close
    return names[0] if len(names) == 1 else None
