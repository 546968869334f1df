"""Name and number formats the API server enforces on ports (k8s.io/apimachinery validation)."""

from __future__ import annotations

import difflib
import re
from typing import Any, Callable, Optional

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_IANA_CHARS = re.compile(r"^[-a-z0-9]+$")
_HAS_LETTER = re.compile(r"[a-z]")
PROTOCOLS = ("TCP", "UDP", "SCTP")
DEFAULT_PROTOCOL = "TCP"


def protocol_of(item: dict) -> Any:
    """A port entry's protocol as the API server defaults it: a missing or empty one is TCP."""
    return item.get("protocol") or DEFAULT_PROTOCOL


def port_number_problem(value: int) -> Optional[str]:
    if not 1 <= value <= 65535:
        return f"{value} is not a port number (1-65535)"
    return None


def iana_svc_name_problem(name: str) -> Optional[str]:
    """Why `name` is not an IANA_SVC_NAME (a container port name, a named targetPort), or None."""
    if len(name) > 15:
        return f"'{name}' is longer than 15 characters"
    if not _IANA_CHARS.fullmatch(name):
        return f"'{name}' may hold only lowercase letters, digits and '-'"
    if "--" in name:
        return f"'{name}' holds '--'"
    if name.startswith("-") or name.endswith("-"):
        return f"'{name}' begins or ends with '-'"
    if not _HAS_LETTER.search(name):
        return f"'{name}' holds no letter"
    return None


def dns_label_problem(name: str) -> Optional[str]:
    """Why `name` is not a DNS label (a Service port name), or None."""
    if len(name) > 63:
        return f"'{name}' is longer than 63 characters"
    if not _DNS_LABEL.fullmatch(name):
        return f"'{name}' is not a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit)"
    return None


def nearest_name(name: str, names: list[str]) -> Optional[str]:
    """The name the author most likely meant: the same but for case, a close spelling, or one that
    contains the other (`api` and `api-server`)."""
    candidates = [n for n in dict.fromkeys(names) if n != name]
    for candidate in candidates:
        if candidate.lower() == name.lower():
            return candidate
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if close:
        return close[0]
    containing = [n for n in candidates if len(name) >= 3 and (name in n or (n in name and len(n) >= 0.6 * len(name)))]
    return min(containing, key=len) if len(containing) >= 1 else None


def similar(have: str, want: str) -> bool:
    """Whether two label values are close enough to be one meant as the other (case, or a typo)."""
    return similar_to(want)(have)


def similar_to(want: str) -> Callable[[str], bool]:
    """similar(·, want) for many values: the matcher reads `want` once, the cheap upper bounds of the
    ratio rule most values out before the full comparison, and each value is judged once."""
    matcher = difflib.SequenceMatcher(None, "", want)
    lowered = want.lower()
    seen: dict[str, bool] = {}

    def test(have: str) -> bool:
        found = seen.get(have)
        if found is None:
            matcher.set_seq1(have)
            found = seen[have] = have.lower() == lowered or (
                matcher.real_quick_ratio() >= 0.75 and matcher.quick_ratio() >= 0.75 and matcher.ratio() >= 0.75)
        return found
    return test


def one_edit_apart(a: str, b: str) -> bool:
    """Whether `b` is `a` with one character added, removed or changed (or the case differs)."""
    if a.lower() == b.lower():
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))
