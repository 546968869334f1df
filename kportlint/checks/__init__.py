"""Every check, by rule id. A check is one function: (object, index) -> problems."""

from __future__ import annotations

from . import ingress, policies, ports, schema, services, workloads
from .registry import Check, collect

ALL_CHECKS: dict[str, Check] = collect(services, workloads, ports, ingress, policies, schema)

__all__ = ["ALL_CHECKS", "Check"]
