"""Every check, by rule id. A check is one function: (object, index) -> problems."""

from __future__ import annotations

from . import (apis, container_ports, ingress, monitoring, policies, ports, routes, schema, service_ports, services,
               target_ports, workloads)
from .registry import Check, collect

ALL_CHECKS: dict[str, Check] = collect(services, target_ports, workloads, ports, service_ports, container_ports,
                                      ingress, routes, policies, monitoring, schema, apis)

__all__ = ["ALL_CHECKS", "Check"]
