"""How findings read: the phrases every stage shares, written once.

The message contract (tests/test_messages.py enforces it): a message names its subject first
(`Kind namespace/name`, or a file), says what is wrong, why traffic or the deploy fails, and the fix,
in full sentences; a hint comes last, in the one form `Did you mean X?`.

A leaf module: strings and plain values in, strings out. Checks, the loader and the engine use it.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

UNNAMED = "<unnamed>"
_DID_YOU_MEAN = " Did you mean"


def ref(kind: str, namespace: str, name: str, cluster_scoped: bool = False) -> str:
    """`Kind namespace/name`, or `Kind name` for a cluster-wide object: how messages name an object."""
    name = name or UNNAMED
    return f"{kind} {name}" if cluster_scoped or not namespace else f"{kind} {namespace}/{name}"


def listing(parts: Iterable[str], most: Optional[int] = None) -> str:
    """`a`, `a and b`, `a, b and c`; beyond `most` items, `a, b, c and 4 more`."""
    items = list(parts)
    if most is not None and len(items) > most:
        return ", ".join(items[:most]) + f" and {len(items) - most} more"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def did_you_mean(suggestion: Optional[str]) -> str:
    """` Did you mean X?` (with its leading space), or "" without a suggestion. X comes as it should
    read: a quoted name (`'web'`), a number, or a setting (`targetPort: web`)."""
    return f"{_DID_YOU_MEAN} {suggestion}?" if suggestion else ""


def quoted(name: Optional[str]) -> Optional[str]:
    """`'name'`, or None for no name: the argument did_you_mean takes for a name."""
    return f"'{name}'" if name else None


def capped(message: str, severity: str, reason: str) -> str:
    """A routing verdict lowered to info because the files cannot tell whether the object is deployed
    as written: the reason goes before a closing "Did you mean", which stays last."""
    note = f" Info, not {severity}: {reason}, so the files cannot tell."
    cut = message.rfind(_DID_YOU_MEAN)
    if cut == -1:
        return message + note
    return message[:cut] + note + message[cut:]


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def label_pairs(labels: dict[str, str]) -> str:
    """`app=web, tier=front`, in key order, or "no labels"."""
    return ", ".join(f"{k}={v}" for k, v in sorted(labels.items())) or "no labels"


def port_text(port: Any) -> str:
    """A container port (number, name, protocol) as `8080 (web)`, with `/UDP` when not TCP."""
    text = str(port.number) if port.number is not None else "?"
    if port.name:
        text += f" ({port.name})"
    if port.protocol != "TCP":  # Kubernetes' default protocol goes unsaid
        text += f"/{port.protocol}"
    return text


def ports_text(ports: Iterable[Any]) -> str:
    """`8000 (web) and 9000 (admin)`, without repeats; "" for none."""
    return listing(dict.fromkeys(port_text(p) for p in ports))


def sentence(clause: str) -> str:
    """A clause as the start of a sentence: its first letter upper-case."""
    return clause[:1].upper() + clause[1:]


def near_miss(owner: str, differences: Iterable[Any]) -> str:
    """`The closest pods, those of X, have app=web (the case differs). Did you mean app: web?` from the
    label differences (key, want, have, typo) of nearly matching pods; the hint only when every
    difference is a typo."""
    said, meant = [], []
    for d in differences:
        if d.have is None:
            said.append(f"no label {d.key}")
        elif d.typo:
            said.append(f"{d.key}={d.have}" + (" (the case differs)" if d.have.lower() == d.want.lower() else ""))
            meant.append(f"{d.key}: {d.have}")
        else:  # another application's value: never suggested
            said.append(f"{d.key}={d.have}, not {d.want}")
    hint = did_you_mean(", ".join(meant)) if meant and len(meant) == len(said) else ""
    return f"The closest pods, those of {owner}, have {' and '.join(said)}.{hint}"


def none_in_files(what: str, namespace: str) -> str:
    """The clause for a namespace whose objects of a kind the files do not show at all."""
    return f"the linted files define no {what} in namespace {namespace}"


def from_elsewhere(subject: str = "it", plural: bool = False) -> str:
    """What to do when the files may lack an object that a chart or an operator makes."""
    return (f"if {subject} {'come' if plural else 'comes'} from a Helm chart or an operator, lint them together "
            f"or ignore this")


def in_namespaces(namespaces: Iterable[str]) -> str:
    """`in namespace a`, `in namespaces a and b`."""
    spaces = list(namespaces)
    return f"in namespace{'s' if len(spaces) > 1 else ''} {listing(spaces)}"
