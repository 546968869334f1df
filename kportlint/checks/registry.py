"""How a check function declares the rule it implements and the kinds it looks at."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Callable, Iterable, Optional

from ..index import ObjectIndex
from ..model import Manifest, Problem

CheckFunction = Callable[[Manifest, ObjectIndex], Iterable[Problem]]
_MARK = "__kportlint_check__"


@dataclass(frozen=True)
class Check:
    rule: str
    kinds: Optional[tuple[str, ...]]  # None: every object
    function: CheckFunction


def check(rule: str, kinds: Optional[tuple[str, ...]] = None) -> Callable[[CheckFunction], CheckFunction]:
    """Mark `function(manifest, index)` as the check of `rule`."""

    def mark(function: CheckFunction) -> CheckFunction:
        setattr(function, _MARK, Check(rule, kinds, function))
        return function

    return mark


def collect(*modules: ModuleType) -> dict[str, Check]:
    found: dict[str, Check] = {}
    for module in modules:
        for value in vars(module).values():
            spec = getattr(value, _MARK, None)
            if isinstance(spec, Check):
                if spec.rule in found:
                    raise RuntimeError(f"two checks claim rule {spec.rule}")
                found[spec.rule] = spec
    return found
