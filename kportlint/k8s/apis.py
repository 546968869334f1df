"""Lookups over the deprecated-API table (api_table.py): whether a target version still serves an
apiVersion/kind, and where in an object a change of the migration applies. Facts, no prose."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator, Optional

from .api_changes import (KUBERNETES, Allowed, Api, Change, Default, Disallowed, Meaning, Removed, Renamed, Required,
                          Unique)
from .api_table import ECOSYSTEM_APIS, KUBERNETES_APIS
from .schema import api_versions_of, bundled_versions, serving_versions

APIS: tuple[Api, ...] = KUBERNETES_APIS + ECOSYSTEM_APIS


def _index() -> dict[tuple[str, str], Api]:
    found: dict[tuple[str, str], Api] = {}
    for api in APIS:
        for kind in api.kinds or ("",):
            key = (api.api_version, kind)
            if key in found:
                raise ValueError(f"two entries for {key}")
            found[key] = api
    return found


_BY_KEY = _index()


def entry(api_version: str, kind: str) -> Optional[Api]:
    """The table's entry for this apiVersion and kind (an entry for every kind of it counts), or None."""
    return _BY_KEY.get((api_version, kind)) or _BY_KEY.get((api_version, ""))


def minor(version: str) -> tuple[int, int]:
    """`1.30` (or `v1.30.2`) -> (1, 30)."""
    match = re.match(r"^v?(\d+)\.(\d+)", version.strip())
    if not match:
        raise ValueError(f"'{version}' is not a Kubernetes version like 1.30")
    return int(match.group(1)), int(match.group(2))


def _reached(release: Optional[str], version: str) -> bool:
    return release is not None and minor(version) >= minor(release)


@dataclass(frozen=True)
class Verdict:
    """An object's API, judged for one Kubernetes version."""
    api: Api
    removed: bool  # the target no longer serves it (Kubernetes), or the project's release dropped it
    replacement: Optional[str]  # the apiVersion to use there, past replacements that are gone or deprecated too
    since: str  # the release that serves the replacement
    changes: tuple[Change, ...] = ()  # every change on the way there
    instead: str = ""  # no replacement: what takes the API's place


def lookup(api_version: str, kind: str, version: str) -> Optional[Verdict]:
    """The verdict on this apiVersion and kind for Kubernetes `version` (X.Y), or None when the API is
    current there. An ecosystem API is judged by its project's releases, whatever `version` says."""
    api = entry(api_version, kind)
    if api is None:
        return None
    built_in = api.project == KUBERNETES
    if built_in and not _reached(api.deprecated, version):
        return None
    removed = _reached(api.removed, version) if built_in else api.removed is not None
    replacement, since, changes, instead = api.replacement, api.since, list(api.changes), api.instead
    seen = {id(api)}
    while replacement is not None:
        following = entry(replacement, kind)
        # a deprecated API's replacement is served where it is deprecated, so follow it there too
        if following is None or id(following) in seen or (built_in and not _reached(following.deprecated, version)):
            break
        seen.add(id(following))
        replacement, since, instead = following.replacement, following.since, following.instead
        changes.extend(following.changes)
    return Verdict(api, removed, replacement, since, tuple(changes), instead)


@dataclass(frozen=True)
class Unserved:
    """A built-in apiVersion and kind that the table does not list, which the target version has no
    schema for but other bundled versions have: an alpha API dropped without deprecation, or one the
    target is too old for."""
    first: str  # the oldest bundled version that serves it
    last: str  # the newest
    removed: str  # the version after `last` ("" when the newest bundled one serves it: the target is too old)
    served_as: tuple[str, ...]  # the apiVersions of the kind that the target serves, preferred first


def unserved(api_version: str, kind: str, version: str) -> Optional[Unserved]:
    """Whether Kubernetes `version` lacks this built-in apiVersion and kind that another bundled version
    serves. Table entries (lookup) are not asked about; custom resources never are unserved."""
    if entry(api_version, kind) is not None:
        return None
    serving = serving_versions(kind, api_version)
    if not serving or version in serving:
        return None
    after = [v for v in bundled_versions() if minor(v) > minor(serving[-1])]
    removed = after[0] if after and minor(version) > minor(serving[-1]) else ""
    return Unserved(serving[0], serving[-1], removed, api_versions_of(kind, api_version, version))


def removal(api_version: str, kind: str, version: str) -> Optional[Api]:
    """The entry of a built-in API that Kubernetes `version` no longer serves, else None. (The schema
    check skips such objects: api-removed reports them.)"""
    api = entry(api_version, kind)
    return api if api is not None and api.project == KUBERNETES and _reached(api.removed, version) else None


# -- Which changes an object is touched by -----------------------------------------------------------

_TOKEN = re.compile(r'\.?(?:\["([^"]+)"\]|(\[\])|([^.\[\]]+))')


def segments(path: str) -> tuple[str, ...]:
    """`spec.rules[].http` -> ("spec", "rules", "[]", "http"); `topology["a.b/c"]` -> ("topology", "a.b/c")."""
    found, position = [], 0
    while position < len(path):
        match = _TOKEN.match(path, position)
        if match is None or match.end() == position:
            raise ValueError(f"cannot read the path {path!r}")
        found.append(match.group(1) or match.group(2) or match.group(3))
        position = match.end()
    return tuple(found)


def places(data: Any, at: str, virtual: bool = False) -> Iterator[dict[str, Any]]:
    """The mappings at path `at` ("" the root; `[]` every item of a list). With `virtual`, a missing
    mapping counts as an empty one (a default applies where nothing is written)."""
    current: list[Any] = [data]
    for part in segments(at) if at else ():
        following: list[Any] = []
        for value in current:
            if part == "[]":
                following.extend(value if isinstance(value, list) else [])
            elif isinstance(value, dict) and part in value:
                following.append(value[part])
            elif virtual and isinstance(value, dict):
                following.append({})
        current = following
    yield from (value for value in current if isinstance(value, dict))


def value_at(data: Any, path: str) -> tuple[bool, Any]:
    """(True, value) when `path` (no `[]`) is set in `data`, else (False, None)."""
    for part in segments(path):
        if not isinstance(data, dict) or part not in data:
            return False, None
        data = data[part]
    return True, data


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    return "integer" if isinstance(value, int) else "string" if isinstance(value, str) else ""


def where(change: Change, data: dict[str, Any]) -> tuple[str, ...]:
    """The places of `change.at` where it touches this object as written: a renamed or removed field
    it sets, a required one it lacks, a default it relies on, a value refused or meaning otherwise."""
    virtual = isinstance(change, (Required, Default))
    return tuple(at for at in change.at if _touches(change, list(places(data, at, virtual))))


def _touches(change: Change, mappings: list[dict[str, Any]]) -> bool:
    if isinstance(change, Unique):
        written = [repr(value) for found, value in (value_at(m, change.field) for m in mappings) if found]
        return len(written) != len(set(written))
    for mapping in mappings:
        found, value = value_at(mapping, change.field)
        if isinstance(change, Renamed) and found and change.value_type in ("", _json_type(value)):
            return True
        if isinstance(change, Removed) and found:
            return True
        if isinstance(change, (Required, Default)) and not found:
            return True
        if isinstance(change, Allowed) and found and value not in change.values:
            return True
        if isinstance(change, (Disallowed, Meaning)) and found and type(value) is type(change.value) \
                and value == change.value:
            return True
    return False
