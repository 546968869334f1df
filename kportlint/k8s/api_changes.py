"""The shapes of the deprecated-API facts (kportlint/k8s/api_table.py holds the table): an API entry,
and what changes in an object beyond its apiVersion line. Data, no prose."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Union

KUBERNETES = "Kubernetes"
GATEWAY_API = "Gateway API"
TRAEFIK = "Traefik"
CERT_MANAGER = "cert-manager"
PSA = "pod-security-admission"  # what replaces PodSecurityPolicy: no API, an admission controller

ROOT = ("",)


# -- What changes in the object beyond its apiVersion line ------------------------------------------
# `at` names the places a field sits, as dotted paths from the object's root ("" is the root,
# "spec.rules[].http.paths[]" every path item); `field` (and `new`) are relative to each place.
# A key with dots or slashes is written in brackets: topology["kubernetes.io/hostname"].


@dataclass(frozen=True)
class Renamed:
    """The field moved: the replacement has `new` (relative to the same place) instead."""
    field: str
    new: str
    at: tuple[str, ...] = ROOT
    value_type: str = ""  # "integer" or "string": only values of that JSON type move to `new`
    sets: tuple[tuple[str, str], ...] = ()  # what the new form needs beside it: (("target.type", "Utilization"),)


@dataclass(frozen=True)
class Removed:
    """The field no longer exists; nothing takes its place."""
    field: str
    at: tuple[str, ...] = ROOT


@dataclass(frozen=True)
class Required:
    """The field, optional (or defaulted) before, must be set."""
    field: str
    at: tuple[str, ...] = ROOT
    values: tuple[str, ...] = ()  # the values it takes, when they are few
    keeps: str = ""  # the value that keeps the old behaviour
    like: str = ""  # a path of the object whose value is the usual choice (a template's labels)


@dataclass(frozen=True)
class Allowed:
    """Only these values are accepted now."""
    field: str
    values: tuple[Any, ...]
    at: tuple[str, ...] = ROOT


@dataclass(frozen=True)
class Disallowed:
    """This value is refused now; `instead` (a path from the root, set to `instead_value`) says it."""
    field: str
    value: Any
    at: tuple[str, ...] = ROOT
    instead: str = ""
    instead_value: Any = None


@dataclass(frozen=True)
class Unique:
    """The items of the list at `at` must differ in `field`."""
    field: str
    at: tuple[str, ...]


@dataclass(frozen=True)
class Default:
    """Left unset, the field now defaults to `new` (it defaulted to `old`; None: no limit)."""
    field: str
    old: Any
    new: Any
    at: tuple[str, ...] = ROOT


@dataclass(frozen=True)
class Meaning:
    """The same written value means something else now: `old` and `new` are values or MEANING tokens."""
    field: str
    value: Any
    old: Any
    new: Any
    at: tuple[str, ...] = ROOT


NO_PODS, ALL_PODS = "no-pods", "all-pods"  # Meaning tokens: what a selector selects

Change = Union[Renamed, Removed, Required, Allowed, Disallowed, Unique, Default, Meaning]


@dataclass(frozen=True)
class Api:
    """One deprecated API: an apiVersion, for some kinds or (kinds empty) every kind it has."""
    api_version: str
    kinds: tuple[str, ...]
    deprecated: str  # the release that deprecated it ("1.23", or the project's "v1.0.0")
    removed: Optional[str]  # the release that stopped serving it; None: not yet
    replacement: Optional[str]  # the apiVersion to use instead (same kind); None: nothing replaces it
    since: str = ""  # the release the replacement is served from
    changes: tuple[Change, ...] = ()
    project: str = KUBERNETES
    instead: str = ""  # without a replacement: what takes its place (PSA)
    off_by_default: bool = False  # a beta API the API server serves only where the cluster turns it on
