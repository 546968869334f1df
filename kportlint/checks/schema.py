"""Objects checked against the Kubernetes OpenAPI schema of their kind (opt-in: --schema)."""

from __future__ import annotations

from typing import Any, Iterator

from ..index import ObjectIndex
from ..model import Manifest, Problem, join_pointer
from ..k8s import schema
from ..k8s.schema import UNKNOWN_FIELD, SchemaError
from ..k8s.selectors import non_string_labels
from ..wording import did_you_mean, quoted
from .registry import check

_REJECTED = "the API server rejects the object, so nothing in it is deployed."


@check("schema-violation")
def schema_violation(manifest: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    version = index.settings.option("kubernetes-version") or schema.resolve_version(None)
    reported = {join_pointer(*path) for path, _ in non_string_labels(manifest.data)}  # by non-string-label
    for error in schema.errors(version, manifest.data):
        if error.pointer in reported or (manifest.kind == "Ingress" and error.pointer.endswith("/service/namespace")):
            continue  # reported by non-string-label and ingress-backend-unresolved
        if manifest.cap and error.pointer == "/spec" and error.keyword == "required" and error.field == "selector":
            continue  # a kustomize base read as plain files: the build may write the selector in
        yield Problem(manifest, error.pointer, f"{manifest.ref} breaks the Kubernetes {version} schema: "
                                               f"{_wrong(error)}; {_consequence(error)}")


def _consequence(error: SchemaError) -> str:
    if error.keyword != UNKNOWN_FIELD:
        return _REJECTED
    hint = did_you_mean(quoted(error.nearest))
    return ("kubectl apply rejects unknown fields (a typo, or a field at the wrong level), so nothing in "
            f"the object is deployed.{hint}")


def _wrong(error: SchemaError) -> str:
    """What is wrong, as a clause; the value abbreviated, never dumped."""
    where = ".".join(str(p) for p in error.path) or "the object"
    value = _short(error.value)
    if error.keyword == UNKNOWN_FIELD:
        return f"{where} has no field '{error.field}'"
    if error.keyword == "type":
        text = f"{where} is {value}, but must be {' or '.join(_a(t) for t in error.expected)}"
        if error.expected == ("string",) and isinstance(error.value, (bool, int, float)):
            text += ": put the value in quotes (YAML reads yes, on, 1.10 and 0755 as booleans and numbers)"
        return text
    if error.keyword == "required":
        return f"{where} lacks the required field '{error.field or 'a field'}'"
    if error.keyword == "enum":
        return f"{where} is {value}, but must be one of {', '.join(repr(v) for v in error.expected)}"
    if error.keyword == "oneOf":
        if error.expected:
            return f"{where} is {value}, but must be {' or '.join(_a(t) for t in error.expected)}"
        return f"{where} is {value}, which matches none of the allowed shapes"
    detail = error.detail if len(error.detail) <= 160 else error.detail[:157] + "..."
    return f"{where}: {detail}"


def _a(json_type: str) -> str:
    return {"integer": "an integer", "object": "a mapping", "array": "a list", "string": "a string",
            "boolean": "true or false", "number": "a number"}.get(json_type, json_type)


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {text!r}"
    if isinstance(value, float) and value.is_integer():
        return f"the number {value:g}"
    return f"the number {value}"
