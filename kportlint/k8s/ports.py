"""Service ports and how a targetPort resolves against a pod's containers, as kube-proxy does it.

- `targetPort` defaults to `port`.
- A number is used as it is; containerPort declarations are informational.
- A string is a port name, resolved per pod against a container port with that name *and* the
  Service port's protocol. A pod where it does not resolve gets no traffic on that port.
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from typing import Any, Optional, Union

from ..model import ContainerPort, Manifest, PodTemplate
from .names import DEFAULT_PROTOCOL, PROTOCOLS, nearest_name, protocol_of


# How one pod template answers one Service port.
SERVED = "served"  # named port resolves, or the number is declared
UNRESOLVED = "unresolved"  # a named targetPort with no such name (and protocol) in the pod
UNDECLARED = "undeclared"  # a number the pod does not declare, although it declares other ports
UNKNOWN = "unknown"  # a number, and the pod declares no ports at all: nothing to compare with


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number_text(value: Any) -> bool:
    """A port number written as a string ("8080"): ASCII digits only, never '²', which str.isdigit()
    takes and int() refuses."""
    return isinstance(value, str) and value.isascii() and value.isdigit()


def port_value(value: Any) -> Union[int, str, None]:
    """A port as a reference holds it: a number or a name; None for anything else."""
    return value if is_int(value) or isinstance(value, str) else None


@dataclass(frozen=True)
class ServicePort:
    index: int
    pointer: str  # /spec/ports/<index>
    name: Optional[str]
    port: Optional[int]
    target: Union[int, str, None]  # the targetPort as written; None when omitted
    protocol: str

    @property
    def effective_target(self) -> Union[int, str, None]:
        # The API server defaults a missing, 0 or "" targetPort to port.
        return self.port if self.target in (None, 0, "") else self.target

    @property
    def target_pointer(self) -> str:
        return self.pointer + "/targetPort" if self.target not in (None, 0, "") else self.pointer

    def label(self) -> str:
        if self.port is None:
            return f"port '{self.name}'" if self.name else f"port #{self.index + 1}"
        return f"port {self.port}" + (f" ({self.name})" if self.name else "")


def service_ports(service: Manifest) -> list[ServicePort]:
    """The usable entries of spec.ports; entries of the wrong type are left to schema checks."""
    raw = service.spec.get("ports")
    if not isinstance(raw, list):
        return []
    ports = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            continue
        port = item.get("port") if is_int(item.get("port")) and 1 <= item["port"] <= 65535 else None
        target = item.get("targetPort")
        if target is not None and not (is_int(target) or isinstance(target, str)):
            continue  # 1.5, true or a list: wrong types are the schema's to report
        if is_int(target) and not 0 <= target <= 65535:
            continue  # the API server rejects it; port-out-of-range says so
        name = item.get("name") if isinstance(item.get("name"), str) else None
        protocol = protocol_of(item) if isinstance(item.get("protocol"), (str, type(None))) else DEFAULT_PROTOCOL
        if protocol not in PROTOCOLS and "$" not in protocol:
            continue  # rejected by the API server; port-protocol-invalid says so
        ports.append(ServicePort(i, f"/spec/ports/{i}", name, port, target, protocol))
    return ports


@dataclass(frozen=True)
class PortMatch:
    """How one pod template answers one Service port."""

    template: PodTemplate
    status: str
    ports: tuple[ContainerPort, ...]  # the container ports that serve it


def resolve(template: PodTemplate, target: Union[int, str], protocol: str) -> PortMatch:
    declared = template.serving_ports()
    if isinstance(target, str):
        hits = tuple(p for p in declared if p.name == target and p.protocol == protocol)
        return PortMatch(template, SERVED if hits else UNRESOLVED, hits)
    hits = tuple(p for p in declared if p.number == target and p.protocol == protocol)
    if hits or listens_on(template, target):
        return PortMatch(template, SERVED, hits)
    return PortMatch(template, UNDECLARED if declared else UNKNOWN, ())


# A listen port given to the program rather than declared: `--port 18080`, `--port=18080`,
# `--http-port=18080`, `--listen=:18080`, `--bind-address=0.0.0.0:18080`, `--tcp 18080` (a
# protocol flag, as echo servers take), or `0.0.0.0:18080`.
# Narrow on purpose: a number in an unrelated flag (a timeout, a memory size) is no evidence.
_FLAG = (r"--?(?P<flag>(?:[\w.]+[-_.])*(?:port|listen|bind|addr|address)|tcp|udp|http|https|grpc|h2c)"
         r"(?:=|\s+)(?:[\w.\[\]:-]*:)?{n}(?![\w.])")
# Ports a program connects to rather than listens on: `--db-port 5432`, `BACKEND_PORT=8080`.
_CLIENT = re.compile(r"(?:^|[-_.])(?:db|database|upstream|backend|remote|target|redis|postgres|mysql|mongo|"
                     r"kafka|broker|smtp|ldap|proxy|peer|client|api-server|apiserver)(?:[-_.]|$)", re.IGNORECASE)
_ADDRESS = r"(?:0\.0\.0\.0|\[::\]|::|localhost|127\.0\.0\.1)?:{n}(?![\w.])"
_ENV_NAME = re.compile(r"(?:^|_)(?:PORT|LISTEN|BIND|ADDR|ADDRESS)(?:_|$)", re.IGNORECASE)


def listens_on(template: PodTemplate, number: int) -> bool:
    """Whether a serving container's command, args or env give `number` as its listen port."""
    flag = re.compile(_FLAG.format(n=number), re.IGNORECASE)
    address = re.compile(r"(?:^|\s)(?:--?[\w.-]+=)?" + _ADDRESS.format(n=number))
    for container in template.containers:
        if not container.serves:
            continue
        words = [w for key in ("command", "args") for w in _strings(container.raw.get(key))]
        text = " ".join(words)
        if any(not _CLIENT.search(m.group("flag")) for m in flag.finditer(text)):
            return True
        if any(not _CLIENT.search(_flag_before(text, m.start())) for m in address.finditer(text)):
            return True
        env = container.raw.get("env")
        for item in env if isinstance(env, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                continue
            value = item.get("value")
            value = str(value) if is_int(value) else value
            if isinstance(value, str) and _ENV_NAME.search(item["name"]) and not _CLIENT.search(item["name"]) and (
                    value == str(number) or address.search(" " + value)):
                return True
    return False


def _flag_before(text: str, at: int) -> str:
    """The flag an address belongs to (`--upstream` in `--upstream=localhost:8080`), or ""."""
    word = text[:at + 1].rsplit(" ", 1)[-1] + text[at + 1:].split(" ", 1)[0]
    return word.split("=", 1)[0].lstrip("-") if word.startswith("-") and "=" in word else ""


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def suggest(service_port: ServicePort, declared: list[ContainerPort]) -> Optional[str]:
    """The targetPort the author most likely meant, from the ports the pods declare."""
    target = service_port.effective_target
    same_protocol = [p for p in declared if p.protocol == service_port.protocol]
    if isinstance(target, str):
        close = nearest_name(target, [p.name for p in same_protocol if p.name])
        if close:
            return close
    candidates = list(dict.fromkeys((p.number, p.name) for p in same_protocol if p.number is not None))
    if service_port.name:
        for _, name in candidates:
            if name == service_port.name:
                return name
    for number, name in candidates:
        if number == service_port.port and number != target:
            return name or str(number)
    if len(candidates) == 1:
        number, name = candidates[0]
        # The only port the pods declare is a likely fix unless its name says another purpose
        # (never offer `tempo-query` for a port named `otlp-grpc`).
        if not name or not service_port.name or _related(name, service_port.name) or \
                (isinstance(target, str) and _related(name, target)):
            return name or str(number)
    return None


def _related(a: str, b: str) -> bool:
    """Whether two port names share a word (`http` and `http-metrics`) or one holds the other."""
    words = lambda text: {w for w in re.split(r"[-_.]", text.lower()) if len(w) >= 2}  # noqa: E731
    return a.lower() in b.lower() or b.lower() in a.lower() or bool(words(a) & words(b))
