"""`kportlint routes`: the route a request to each Service takes, as the rules see it (the command
and its text).

It asks the same resolution as the rules (resolve/routing.route_service), so the picture and the
findings cannot disagree.
"""

from __future__ import annotations

import dataclasses
from typing import Optional

import click

from .. import config
from ..engine import analyse
from ..options import RunOptions
from ..index import ObjectIndex
from ..reporters.text import built_by
from ..model import Manifest
from ..wording import ports_text
from ..k8s.ports import SERVED, UNDECLARED, UNKNOWN, UNRESOLVED, service_ports
from ..resolve.routing import endpoint_objects, endpoint_ports, is_selectorless, route_service
from .common import guarded

_MARKS = {SERVED: "ok", UNRESOLVED: "NO TRAFFIC: name not declared", UNDECLARED: "not declared",
          UNKNOWN: "no ports declared"}


def describe_routes(index: ObjectIndex, only: Optional[str] = None) -> str:
    """One block per Service of the index a run judged: selector -> workloads -> per port, how each
    workload serves it."""
    blocks = []
    for service in sorted(index.of_kind("Service"),
                          key=lambda s: (s.namespace, s.name, s.source.path, sorted(s.builds))):
        if only and only not in (service.name, f"{service.namespace}/{service.name}"):
            continue
        blocks.append(_service_block(service, index.view(service)))
    if not blocks:
        return "No Service found.\n" if not only else f"No Service '{only}' found.\n"
    return "\n".join(blocks)


def _service_block(service: Manifest, index: ObjectIndex) -> str:
    file, where = service.location("")
    lines = [f"{service.ref}  ({file}:{where.line}){built_by(tuple(service.builds))}"]
    if service.spec.get("type") == "ExternalName":
        lines.append(f"  ExternalName: DNS alias of {service.spec.get('externalName')!s}; no pods")
        return "\n".join(lines) + "\n"
    if is_selectorless(service):
        owners = endpoint_objects(service, index)
        if not owners:
            lines.append("  no selector, and no Endpoints or EndpointSlices for it in these files")
        for owner in owners:
            ports = ", ".join(f"'{p.name}' {p.port}/{p.protocol}" for p in endpoint_ports(owner)) or "no ports"
            lines.append(f"  no selector: endpoints from {owner.ref} ({ports})")
        return "\n".join(lines) + "\n"
    route = route_service(service, index)
    if route is None:
        return "\n".join(lines) + "\n"
    workloads = list(dict.fromkeys(t.ref for t in route.templates))
    lines.append(f"  selector {route.selector.describe()} -> "
                 + (", ".join(workloads) if workloads else "NO POD TEMPLATE in this namespace"))
    for port_route in route.ports:
        sp = port_route.service_port
        target = sp.effective_target
        shown = f"targetPort {target!r}" if isinstance(target, str) else f"targetPort {target}"
        if sp.target in (None, 0, ""):
            shown += " (defaults to port)"
        lines.append(f"  {sp.label()}/{sp.protocol} -> {shown}")
        shown = []  # each workload once, however many files define it
        for match in port_route.matches:
            ports = ports_text(list(match.ports)) or ports_text(match.template.serving_ports()) or "-"
            shown.append(f"    {match.template.ref}: {_MARKS[match.status]} [{ports}]")
        lines += list(dict.fromkeys(shown))
    skipped = len(service_ports(service)) - len(route.ports)
    if skipped:
        lines.append(f"  ({skipped} port entries without a usable port number are not shown)")
    return "\n".join(lines) + "\n"


@click.command()
@click.argument("paths", nargs=-1, type=str)
@click.option("--service", "only", metavar="[NAMESPACE/]NAME", help="Show only this Service.")
@click.option("--namespace", default="default", show_default=True,
              help="Namespace of objects that do not set metadata.namespace.")
@guarded
def routes(paths: tuple[str, ...], only: Optional[str], namespace: str) -> None:
    """Show the route a request to each Service takes: selector, workloads, and per port the
    container port that serves it."""
    targets = list(paths) or ["."]
    found = config.find(targets)
    loaded = config.read(found) if found is not None else config.Config(None)
    options = config.apply(RunOptions(), loaded.settings, loaded.base)  # as lint reads them
    if click.get_current_context().get_parameter_source("namespace") == click.core.ParameterSource.COMMANDLINE:
        options = dataclasses.replace(options, namespace=namespace)
    analysis = analyse(targets, options, check=False)
    for note in analysis.result.notes:
        click.echo(note, err=True)
    click.echo(describe_routes(analysis.index, only), nl=False)
