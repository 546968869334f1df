"""How a backend fault reads (resolve/backends.py finds it): shared by the Ingress and route rules,
which add who sends the traffic and what the controller does with it."""

from __future__ import annotations

from ..resolve.backends import NAME, BackendFault
from ..wording import did_you_mean, from_elsewhere, in_namespaces, listing, none_in_files, quoted, ref, sentence


def fault_text(fault: BackendFault) -> tuple[str, str]:
    """What is wrong with the reference, as a sentence (or two) for after "but", and the closing
    "Did you mean" (or ""), which goes after whatever the caller adds."""
    return _missing(fault) if fault.field == NAME else _port(fault)


def _port(fault: BackendFault) -> tuple[str, str]:
    service = ref("Service", fault.namespace, fault.name)
    exposed = listing(f"{p.port}" + (f" ({p.name})" if p.name else " (unnamed)") for p in fault.exposed)
    if isinstance(fault.port, int):
        message = f"{service} has no port {fault.port}; it exposes {exposed or 'no ports'}."
        target = fault.target_of
        if target is not None:
            also = f" (or its name, {target.name})" if target.name else ""
            return message + (f" {fault.port} is its targetPort (the container's port): a backend names the "
                              f"Service port, so use {target.port}{also}."), ""
        return message, did_you_mean(None if fault.nearest is None else str(fault.nearest))
    message = f"{service} has no port named '{fault.port}'; it exposes {exposed or 'no ports'}."
    if fault.quoted_number:
        return message + f" '{fault.port}' is in quotes, so it is read as a name: write the number without quotes.", ""
    if not fault.nearest and not any(p.name for p in fault.exposed):
        return message + " Its ports have no names: refer to the port by number.", ""
    return message, did_you_mean(quoted(str(fault.nearest)) if fault.nearest else None)


def _missing(fault: BackendFault) -> tuple[str, str]:
    message = f"there is no Service '{fault.name}' in namespace {fault.namespace}"
    if fault.elsewhere:
        whose = "another" if fault.namespace != fault.source_namespace else "this"
        message += (f"; a Service of that name is {in_namespaces(fault.elsewhere)}, but a backend in "
                    f"{whose} namespace is not looked up there")
    if fault.no_services_here:
        clause = none_in_files("Service", fault.namespace)
        return message + (f". {sentence(clause)}" if fault.elsewhere else f", and {clause}") + \
            f" at all: {from_elsewhere()}.", ""
    if fault.elsewhere:
        return message + ".", ""
    if fault.maker is not None:
        return message + (f"; {ref(fault.maker.kind, fault.namespace, fault.maker.name)} may create it, as "
                          f"operators name Services after their resource."), ""
    return message + ".", did_you_mean(quoted(fault.nearest if isinstance(fault.nearest, str) else None))
