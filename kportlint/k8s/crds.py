"""Custom resources' schemas: a CustomResourceDefinition's structural schema (apiextensions.k8s.io
v1, or v1beta1), or a vendored JSON Schema file laid out as the CRDs catalog lays them out
(`{group}/{kind}_{version}.json`), as a jsonschema validator; an object's errors against it are the
same SchemaError facts as a built-in kind's.

The translation follows what the API server does with a structural schema: unknown fields are
errors (kubectl's --validate=strict) except under `x-kubernetes-preserve-unknown-fields`, the
root's `metadata` is ObjectMeta whatever the schema says, `x-kubernetes-int-or-string` takes an
integer or a string, `x-kubernetes-embedded-resource` is an object with apiVersion and kind, a
field with a `default` is never missing (defaulting runs first), and a null field is pruned unless
`nullable`. CEL rules (`x-kubernetes-validations`) and list types are not checked. Nothing is
fetched: a `$ref` outside the file accepts anything.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Optional

from .schema import SchemaError, errors_of

if TYPE_CHECKING:  # imported where a custom object is checked (start-up stays without it)
    import jsonschema

NOT_SERVED = "version-not-served"  # SchemaError.keyword: the CRD lists the version with served: false
NO_SUCH_VERSION = "version-undefined"  # SchemaError.keyword: the CRD does not list the version
_CRD_GROUP = "apiextensions.k8s.io/"
_TYPES = frozenset({"object", "array", "string", "integer", "number", "boolean", "null"})
_INT_OR_STRING = ({"type": "integer"}, {"type": "string"})
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")  # a group, kind or version fit for a file name


@dataclass(frozen=True)
class CustomSchema:
    """The schema that judges one version of a custom kind, and where it comes from."""
    source: str  # "crd" (a CustomResourceDefinition in the files) or "file" (a vendored schema)
    name: str  # the CRD's metadata.name, or the file's path in its folder (argoproj.io/rollout_v1alpha1.json)
    version: str  # the version of the object's apiVersion, like v1alpha1
    validator: Optional[jsonschema.Validator] = None  # None: no schema for the version (not checked)
    served: bool = True  # False: the CRD lists the version with served: false
    defined: bool = True  # False: the CRD does not list the version at all
    versions: tuple[str, ...] = ()  # the versions the CRD serves
    problem: str = ""  # a vendored file that cannot be used: why (not JSON, not a schema)


def custom_kind(obj: dict[str, Any]) -> Optional[tuple[str, str, str]]:
    """(group, version, kind) of an object a CRD may define: its group holds a dot."""
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str) or not kind:
        return None
    group, _, version = api_version.rpartition("/")
    return (group, version, kind) if "." in group and version else None


def defined_kind(crd: dict[str, Any]) -> Optional[tuple[str, str]]:
    """(group, kind) that a CustomResourceDefinition defines, or None for a CRD that names none."""
    api_version = crd.get("apiVersion")
    spec = crd.get("spec")
    if not isinstance(api_version, str) or not api_version.startswith(_CRD_GROUP) or not isinstance(spec, dict):
        return None
    names = spec.get("names")
    group, kind = spec.get("group"), names.get("kind") if isinstance(names, dict) else None
    return (group, kind) if isinstance(group, str) and isinstance(kind, str) and group and kind else None


def fingerprint(crd: dict[str, Any]) -> str:
    """What decides a CRD's schemas, as text: equal for copies of one CRD."""
    return json.dumps([crd.get("apiVersion"), crd.get("spec")], sort_keys=True, default=str)


def from_crd(crd: dict[str, Any], version: str) -> CustomSchema:
    """The schema a CRD gives `version`, or the fact that it does not serve it."""
    spec = crd.get("spec") if isinstance(crd.get("spec"), dict) else {}
    metadata = crd.get("metadata") if isinstance(crd.get("metadata"), dict) else {}
    name = metadata.get("name") if isinstance(metadata.get("name"), str) else ""
    entries = [v for v in spec.get("versions") or () if isinstance(v, dict) and isinstance(v.get("name"), str)]
    if not entries and isinstance(spec.get("version"), str):  # v1beta1 with one version
        entries = [{"name": spec["version"], "served": True}]
    served = tuple(v["name"] for v in entries if v.get("served", True) is not False)
    entry = next((v for v in entries if v["name"] == version), None)
    if entry is None or entry.get("served", True) is False:
        return CustomSchema("crd", name, version, served=False, defined=entry is not None, versions=served)
    own = entry.get("schema")
    schema = own.get("openAPIV3Schema") if isinstance(own, dict) else None
    if schema is None:  # v1beta1: one schema for every version
        validation = spec.get("validation")
        schema = validation.get("openAPIV3Schema") if isinstance(validation, dict) else None
    if not isinstance(schema, dict):
        return CustomSchema("crd", name, version, versions=served)
    # v1beta1 keeps unknown fields unless spec.preserveUnknownFields is false (v1 requires false)
    lenient = crd.get("apiVersion") != _CRD_GROUP + "v1" and spec.get("preserveUnknownFields") is not False
    return CustomSchema("crd", name, version, _validator(schema, lenient), versions=served)


def vendored_file(folders: tuple[str, ...], group: str, kind: str, version: str) -> Optional[tuple[str, str]]:
    """(path, path in its folder) of the schema file for group/kind/version, in the first folder that
    has one: `{group}/{kind}_{version}.json`, the kind in lower case, as the CRDs catalog has them."""
    if not all(_NAME.match(part) for part in (group, kind.lower(), version)):
        return None
    relative = f"{group}/{kind.lower()}_{version}.json"
    for folder in folders:
        path = os.path.join(folder, group, f"{kind.lower()}_{version}.json")
        if os.path.isfile(path):
            return path, relative
    return None


def from_file(path: str, relative: str, version: str) -> CustomSchema:
    """The schema in a vendored file (read once per run by the caller's cache)."""
    try:
        with open(path, encoding="utf-8") as handle:
            schema = json.load(handle)
    except (OSError, UnicodeDecodeError) as exc:
        return CustomSchema("file", relative, version, problem=f"cannot be read ({exc.__class__.__name__})")
    except json.JSONDecodeError as exc:
        return CustomSchema("file", relative, version, problem=f"is not JSON (line {exc.lineno}: {exc.msg})")
    if not isinstance(schema, dict):
        return CustomSchema("file", relative, version, problem="is not a JSON Schema (it must be a JSON object)")
    return CustomSchema("file", relative, version, _validator(schema, False))


def errors(custom: CustomSchema, obj: dict[str, Any], limit: int = 20) -> Iterator[SchemaError]:
    """The errors of one custom object against its schema: the version first, then every field."""
    if not custom.served:
        keyword = NOT_SERVED if custom.defined else NO_SUCH_VERSION
        yield SchemaError("/apiVersion", keyword, ("apiVersion",), obj.get("apiVersion"), custom.versions,
                          field=custom.version)
        return
    if custom.validator is None:
        return
    import jsonschema

    try:
        found = list(errors_of(custom.validator, obj, limit, _pruned))
    except (jsonschema.exceptions.UnknownType, jsonschema.SchemaError, TypeError, AttributeError, ValueError):
        return  # a malformed schema (the API server refuses such a CRD): nothing to judge by
    yield from found


def _pruned(error: jsonschema.ValidationError) -> bool:
    """A null field that is not nullable: the API server drops it before validating, as if unset."""
    return error.instance is None and bool(error.absolute_path) and isinstance(error.absolute_path[-1], str)


def _validator(schema: dict[str, Any], lenient: bool) -> jsonschema.Validator:
    # Not check_schema(): on a large CRD it costs more than the whole run's other checks; the
    # translation keeps only well-formed keywords, and errors() refuses a schema that still breaks.
    import jsonschema

    return jsonschema.Draft202012Validator(to_json_schema(schema, lenient))


def to_json_schema(schema: dict[str, Any], lenient: bool = False) -> dict[str, Any]:
    """A structural schema (OpenAPI v3 with Kubernetes' extensions) as a JSON Schema (2020-12).
    `lenient`: unknown fields are kept, never errors (a v1beta1 CRD that preserves them)."""
    root = _node(schema, lenient, spine=True)
    properties = root.setdefault("properties", {})
    # ObjectMeta is the API server's own, whatever the CRD says (it may only name name and generateName)
    properties["metadata"] = {"type": "object"}
    properties.setdefault("apiVersion", {"type": "string"})
    properties.setdefault("kind", {"type": "string"})
    return root


def _node(node: Any, lenient: bool, spine: bool) -> dict[str, Any]:
    """One schema node. `spine`: a node of the value's structure (properties, items,
    additionalProperties), not one inside allOf/anyOf/oneOf/not, which only add value checks."""
    if not isinstance(node, dict):
        return {}  # `true`, or something no schema: anything
    preserve = node.get("x-kubernetes-preserve-unknown-fields") is True
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "patternProperties", "definitions", "$defs"):
            if isinstance(value, dict):
                out[key] = {name: _node(sub, lenient, spine or key != "properties") for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "additionalItems"):
            if isinstance(value, dict):
                out[key] = _node(value, lenient, spine)
            elif isinstance(value, list) and key == "items":  # a tuple, in older drafts
                out["prefixItems"] = [_node(sub, lenient, spine) for sub in value]
            elif isinstance(value, bool):
                out[key] = value
        elif key == "not":
            out[key] = _node(value, lenient, False)
        elif key in ("allOf", "anyOf", "oneOf"):
            if isinstance(value, list):
                out[key] = [_node(sub, lenient, False) for sub in value]
        elif key == "$ref":
            if isinstance(value, str) and value.startswith("#"):
                out[key] = value  # within the file; anything else is never fetched: anything goes
        elif key in ("exclusiveMinimum", "exclusiveMaximum"):
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            if isinstance(value, bool):  # OpenAPI 3.0 (draft 4): a flag on minimum/maximum
                if value and isinstance(node.get(bound), (int, float)):
                    out[key] = node[bound]
            elif isinstance(value, (int, float)):
                out[key] = value
        elif key in ("minimum", "maximum"):
            if node.get("exclusive" + key.capitalize()) is not True:
                out[key] = value
        elif key == "pattern":
            if isinstance(value, str) and _compiles(value):
                out[key] = value  # a pattern Python cannot read is not checked
        elif key == "type":
            kinds = value if isinstance(value, list) else [value]
            if kinds and all(k in _TYPES for k in kinds):
                out[key] = value
        elif key in ("required", "enum"):
            if isinstance(value, list) and (key == "enum" or all(isinstance(r, str) for r in value)):
                out[key] = value
        elif key in ("$schema", "$id", "id", "format", "default", "description", "example", "nullable",
                     "title", "externalDocs") or key.startswith("x-"):
            continue  # formats are not checked, as the API server checks few; the rest says nothing
        else:
            out[key] = value
    if spine:
        _structural(node, out, preserve, lenient)
    elif node.get("nullable") is True and "type" in out:
        _nullable(out)
    return out


def _structural(node: dict[str, Any], out: dict[str, Any], preserve: bool, lenient: bool) -> None:
    """What Kubernetes' extensions mean on a node of the structure."""
    if node.get("x-kubernetes-int-or-string") is True:
        out["type"] = ["integer", "string"]
        for junctor in ("anyOf", "oneOf"):  # the usual spelling of the same: said once, by `type`
            branches = node.get(junctor)
            if isinstance(branches, list) and all(b in _INT_OR_STRING for b in branches):
                out.pop(junctor, None)
    if node.get("x-kubernetes-embedded-resource") is True:
        properties = out.setdefault("properties", {})
        properties.setdefault("apiVersion", {"type": "string"})
        properties.setdefault("kind", {"type": "string"})
        properties["metadata"] = {"type": "object"}
        out["required"] = [*(r for r in out.get("required") or () if r not in ("apiVersion", "kind")),
                           "apiVersion", "kind"]
    properties = out.get("properties")
    if isinstance(out.get("required"), list) and isinstance(node.get("properties"), dict):
        # defaulting runs before validation: a required field with a default is never missing
        out["required"] = [r for r in out["required"]
                           if not (isinstance(node["properties"].get(r), dict) and "default" in node["properties"][r])]
    is_object = out.get("type") == "object" or isinstance(properties, dict)
    if preserve or lenient:
        if out.get("additionalProperties") is False:
            del out["additionalProperties"]  # as some catalog files have it, beside preserve-unknown-fields
    elif is_object and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if node.get("nullable") is True:
        _nullable(out)


def _nullable(out: dict[str, Any]) -> None:
    kinds = out.get("type")
    if isinstance(kinds, str):
        out["type"] = [kinds, "null"]
    elif isinstance(kinds, list) and "null" not in kinds:
        out["type"] = [*kinds, "null"]
    if isinstance(out.get("enum"), list) and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return False
    return True
