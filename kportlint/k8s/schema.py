"""The Kubernetes OpenAPI schemas (from kubernetes-validate) as jsonschema validators, and their
errors as facts (SchemaError) at the most specific field.

kubernetes-validate's own `validate()` reads the 1.7 MB definitions file on every call; here each
version's definitions are read once and each (kind, apiVersion) validator is built once.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional

from .acceptor import Accept, Acceptors
from .names import PROTOCOLS, nearest_name
from .templating import has_placeholder

if TYPE_CHECKING:  # jsonschema is imported only where an object is not proven valid (acceptor.py)
    import jsonschema
    from referencing import Registry


def _schemas_folder() -> Optional[Path]:
    """kubernetes-validate's schema folder, found without importing the package (its import pulls in
    jsonschema and urllib: about 70 ms of every run's start)."""
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        return None  # pragma: no cover - a broken install
    folder = Path(list(spec.submodule_search_locations)[0]) / "kubernetes-json-schema"
    return folder if folder.is_dir() else None


_SCHEMAS = _schemas_folder()

_VERSION_DIR = re.compile(r"^v(\d+)\.(\d+)\.(\d+)-local$")
_STRICT = "-strict"  # unknown fields are errors, as kubectl apply's default (--validate=strict) makes them
_GROUP = re.compile(r"^([^./]*)(?:\.[^/]*)?/")
# Values the API server accepts that the bundled OpenAPI (v2) schemas do not list as enums.
_ENUMS = {
    "io.k8s.api.core.v1.ServiceSpec": {
        "type": ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"],
        "sessionAffinity": ["ClientIP", "None"],
        "externalTrafficPolicy": ["Cluster", "Local"],
        "internalTrafficPolicy": ["Cluster", "Local"],
        "ipFamilyPolicy": ["SingleStack", "PreferDualStack", "RequireDualStack"],
    },
    "io.k8s.api.core.v1.ServicePort": {"protocol": list(PROTOCOLS)},
    "io.k8s.api.core.v1.ContainerPort": {"protocol": list(PROTOCOLS)},
    "io.k8s.api.core.v1.EndpointPort": {"protocol": list(PROTOCOLS)},
    "io.k8s.api.discovery.v1.EndpointPort": {"protocol": list(PROTOCOLS)},
    "io.k8s.api.core.v1.Container": {"imagePullPolicy": ["Always", "Never", "IfNotPresent"]},
    "io.k8s.api.core.v1.PodSpec": {"restartPolicy": ["Always", "OnFailure", "Never"],
                                   "dnsPolicy": ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"]},
    "io.k8s.api.apps.v1.DeploymentStrategy": {"type": ["Recreate", "RollingUpdate"]},
    "io.k8s.api.networking.v1.HTTPIngressPath": {"pathType": ["Exact", "Prefix", "ImplementationSpecific"]},
}
# Built-in API groups without a dot; every other built-in group ends in .k8s.io.
_PLAIN_GROUPS = frozenset({"apps", "batch", "autoscaling", "policy", "extensions"})
_SCHEMA_STEM = re.compile(r"^[a-z0-9]{1,80}(?:-[a-z0-9]{1,80}){1,2}$")


class VersionError(ValueError):
    """A Kubernetes version the bundled schemas do not cover, or one that does not parse."""


@dataclass(frozen=True)
class SchemaError:
    """One way an object breaks its schema, as facts; checks/schema.py words it."""
    pointer: str  # JSON pointer of the offending value (of the field, for an unknown one)
    keyword: str  # UNKNOWN_FIELD, "type", "required", "enum", "oneOf", or another JSON Schema keyword
    path: tuple[Any, ...] = ()  # the path of the value the error is about (the mapping, for fields)
    value: Any = None  # that value
    expected: tuple[Any, ...] = ()  # "type"/"oneOf": the JSON types allowed; "enum": the allowed values
    field: str = ""  # UNKNOWN_FIELD: the unknown key; "required": the missing one
    nearest: Optional[str] = None  # UNKNOWN_FIELD: the closest known field name
    detail: str = ""  # jsonschema's own message, for keywords without a wording of their own


UNKNOWN_FIELD = "unknown-field"


@lru_cache(maxsize=None)
def _versions() -> list[tuple[int, int]]:
    if _SCHEMAS is None:
        return []
    found = []
    for entry in _SCHEMAS.iterdir():
        match = _VERSION_DIR.match(entry.name)
        if match:
            found.append((int(match.group(1)), int(match.group(2))))
    return sorted(set(found))


def bundled_versions() -> tuple[str, ...]:
    """The Kubernetes versions (X.Y) the bundled schemas cover, oldest first."""
    return tuple(f"{major}.{minor}" for major, minor in _versions())


def resolve_version(requested: Optional[str]) -> str:
    """`1.30`, `v1.30.2` or None (the newest) -> the schema folder's version, like `1.30`."""
    versions = _versions()
    if not versions:
        raise VersionError("the Kubernetes schemas are missing; reinstall kubernetes-validate")
    if requested is None:
        major, minor = versions[-1]
        return f"{major}.{minor}"
    match = re.match(r"^v?(\d+)\.(\d+)(?:\.\d+)?$", requested.strip())
    if not match:
        raise VersionError(f"'{requested}' is not a Kubernetes version like 1.30")
    wanted = (int(match.group(1)), int(match.group(2)))
    oldest, newest = versions[0], versions[-1]
    if wanted < oldest or wanted > newest:
        raise VersionError(f"no schemas for Kubernetes {wanted[0]}.{wanted[1]}; this install covers "
                           f"{oldest[0]}.{oldest[1]} to {newest[0]}.{newest[1]}")
    usable = [v for v in versions if v <= wanted][-1]
    return f"{usable[0]}.{usable[1]}"


@lru_cache(maxsize=None)
def _definitions(version: str) -> Registry:
    from referencing import Registry, Resource

    return Resource.from_contents(_contents(version)) @ Registry()


@lru_cache(maxsize=None)
def _acceptors(version: str) -> Acceptors:
    contents = _contents(version)
    return Acceptors(contents.get("$defs") or contents.get("definitions") or {})


@lru_cache(maxsize=None)
def _contents(version: str) -> dict[str, Any]:
    """The version's shared definitions, with the enums the API server accepts (_ENUMS)."""
    contents = json.loads(_folder(version).joinpath("_definitions.json").read_text(encoding="utf-8"))
    definitions = contents.get("$defs") or contents.get("definitions") or {}
    for name, fields in _ENUMS.items():
        properties = definitions.get(name, {}).get("properties", {})
        for field_name, values in fields.items():
            if field_name in properties:
                # null is "not set"; "" is defaulted like a missing value, except where it is required
                unset = [None] if field_name == "pathType" else [None, ""]
                properties[field_name]["enum"] = [*values, *unset]
    return contents


def _folder(version: str) -> Any:
    return _SCHEMAS.joinpath(f"v{version}.0-local{_STRICT}")  # type: ignore[union-attr]


def _stem(kind: str, api_version: str) -> Optional[str]:
    """The name of the schema file kubernetes-validate has for this built-in kind, or None for a kind
    it cannot have one for (a custom resource's group)."""
    if _SCHEMAS is None:
        return None
    group, _, version_name = api_version.rpartition("/")
    if group and "." not in group and group not in _PLAIN_GROUPS:
        return None
    if "." in group and not group.endswith(".k8s.io"):
        return None  # a custom resource, whatever its kind is called (apps.example.com Deployment)
    group_version = _GROUP.sub(r"\1-", api_version)  # rbac.authorization.k8s.io/v1 -> rbac-v1
    stem = f"{kind.lower()}-{group_version}"
    return stem if _SCHEMA_STEM.match(stem) else None  # else not a name it could have a file for


@lru_cache(maxsize=None)
def serving_versions(kind: str, api_version: str) -> tuple[str, ...]:
    """The bundled Kubernetes versions (X.Y, oldest first) that have a schema for this apiVersion and
    kind: none for a custom resource (gateway.networking.k8s.io too)."""
    stem = _stem(kind, api_version)
    if stem is None:
        return ()
    return tuple(version for version in bundled_versions() if _folder(version).joinpath(stem + ".json").is_file())


@lru_cache(maxsize=None)
def _stems(version: str) -> frozenset[str]:
    return frozenset(entry.name[:-len(".json")] for entry in _folder(version).iterdir() if entry.name.endswith(".json"))


def api_versions_of(kind: str, api_version: str, version: str) -> tuple[str, ...]:
    """The apiVersions of this kind's group that Kubernetes `version` has a schema for, newest name first
    (`resource.k8s.io/v1alpha2` ResourceClaim -> resource.k8s.io/v1, v1beta2, v1beta1 on 1.37)."""
    stem = _stem(kind, api_version)
    if stem is None:
        return ()
    group = api_version.rpartition("/")[0]
    prefix = stem[: stem.rindex("-") + 1]  # resourceclaim-resource-
    found = [f"{group}/{name[len(prefix):]}" if group else name[len(prefix):] for name in _stems(version)
             if name.startswith(prefix) and re.fullmatch(r"v\d+(?:(?:alpha|beta)\d+)?", name[len(prefix):])]
    return tuple(sorted(found, key=_api_rank))


def _api_rank(api_version: str) -> tuple[int, int, int]:
    """Sort key: GA before beta before alpha, higher numbers first."""
    match = re.search(r"v(\d+)(?:(alpha|beta)(\d+))?$", api_version)
    if match is None:
        return (3, 0, 0)
    stage = {None: 0, "beta": 1, "alpha": 2}[match.group(2)]
    return (stage, -int(match.group(1)), -int(match.group(3) or 0))


@lru_cache(maxsize=None)
def validator(version: str, kind: str, api_version: str) -> Optional[jsonschema.Validator]:
    """The validator for this kind, or None when Kubernetes has no schema for it (custom resources)."""
    schema = _kind_schema(version, kind, api_version)
    if schema is None:
        return None
    import jsonschema
    from referencing import Resource

    registry = Resource.from_contents(schema) @ _definitions(version)
    return jsonschema.Draft202012Validator(schema, registry=registry)


def has_schema(version: str, kind: str, api_version: str) -> bool:
    """Whether Kubernetes `version` has a schema for this kind (built without building a validator)."""
    return _kind_schema(version, kind, api_version) is not None


@lru_cache(maxsize=None)
def _acceptor(version: str, kind: str, api_version: str) -> Accept:
    """Proves an object of this kind valid without jsonschema, where it can (acceptor.py)."""
    schema = _kind_schema(version, kind, api_version)
    return _acceptors(version).of(schema) if schema is not None else (lambda obj: False)


@lru_cache(maxsize=None)
def _kind_schema(version: str, kind: str, api_version: str) -> Optional[dict[str, Any]]:
    stem = _stem(kind, api_version)
    if stem is None:
        return None
    try:
        text = _folder(version).joinpath(stem + ".json").read_text(encoding="utf-8")
    except OSError:
        return None
    return json.loads(text)


def errors(version: str, obj: dict[str, Any], limit: int = 20) -> Iterator[SchemaError]:
    """The schema errors of one object, each at the most specific field, in document order."""
    kind, api_version = obj.get("kind"), obj.get("apiVersion")
    if not isinstance(kind, str) or not isinstance(api_version, str):
        return
    if not has_schema(version, kind, api_version) or _acceptor(version, kind, api_version)(obj):
        return
    check = validator(version, kind, api_version)
    if check is not None:
        yield from errors_of(check, obj, limit)


def errors_of(check: jsonschema.Validator, obj: dict[str, Any], limit: int = 20,
              tolerated: Callable[[jsonschema.ValidationError], bool] = lambda error: False) -> Iterator[SchemaError]:
    """The errors `check` finds in one object (a built-in kind's, a custom resource's), as facts, in
    document order; besides placeholders and null IntOrStrings, `tolerated` ones are left out."""
    from jsonschema.exceptions import best_match

    found = 0
    for error in sorted(check.iter_errors(obj), key=lambda e: [str(p) for p in e.absolute_path]):
        error = best_match([error])
        if _tolerated(error) or tolerated(error):
            continue
        for found_error in _unknown_fields(error) if error.validator == "additionalProperties" else [
                _fact(error)]:
            yield found_error
            found += 1
            if found >= limit:
                return


def _unknown_fields(error: jsonschema.ValidationError) -> list[SchemaError]:
    """One error per unknown field, at the field, with the nearest known name."""
    known = list((error.schema.get("properties") or {}) if isinstance(error.schema, dict) else {})
    path = tuple(error.absolute_path)
    return [SchemaError(_pointer([*path, key]), UNKNOWN_FIELD, path, error.instance, field=str(key),
                        nearest=nearest_name(str(key), known))
            for key in (error.instance if isinstance(error.instance, dict) else {}) if key not in known]


def _tolerated(error: jsonschema.ValidationError) -> bool:
    instance = error.instance
    if isinstance(instance, str) and has_placeholder(instance):
        return True  # ${PORT} is filled in before deploying
    # The API server treats null as "not set": IntOrString's two null-allowing branches both match it.
    return instance is None and error.validator == "oneOf"


def _pointer(path: Any) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _fact(error: jsonschema.ValidationError) -> SchemaError:
    path = tuple(error.absolute_path)
    base = SchemaError(_pointer(path), str(error.validator), path, error.instance, detail=error.message)
    if error.validator == "type":
        wanted = error.validator_value
        types = tuple(t for t in (wanted if isinstance(wanted, list) else [wanted]) if t != "null")
        return dataclasses.replace(base, expected=types)
    if error.validator == "required":
        missing = re.match(r"'([^']+)'", error.message)
        return dataclasses.replace(base, field=missing.group(1) if missing else "")
    if error.validator == "enum":
        return dataclasses.replace(base, expected=tuple(v for v in error.validator_value if v is not None))
    if error.validator == "oneOf":
        branches = error.validator_value if isinstance(error.validator_value, list) else []
        types = tuple(t for b in branches if isinstance(b, dict)
                      for t in (b.get("type") if isinstance(b.get("type"), list) else [b.get("type")])
                      if t and t != "null")
        return dataclasses.replace(base, expected=types if types and len(types) == len(branches) else ())
    return base
