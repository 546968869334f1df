"""Objects checked against the schema of their kind: the Kubernetes OpenAPI schema of a built-in
kind, and a custom resource's CustomResourceDefinition (in the files) or vendored schema file."""

from __future__ import annotations

from typing import Any, Iterator, Optional

from ..index import ObjectIndex
from ..model import Manifest, Problem, escape_pointer_token
from ..k8s import crds, schema
from ..k8s.crds import CustomSchema
from ..k8s.schema import UNKNOWN_FIELD, SchemaError
from ..wording import did_you_mean, listing, quoted
from .registry import check

_REJECTED = "the API server rejects the object, so nothing in it is deployed."


@check("schema-violation")
def schema_violation(manifest: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    judged = _judged_by(manifest, index)
    if judged is None:
        return  # a custom resource nothing describes: not checked
    version, custom = judged
    if custom is None:
        found = schema.errors(version, manifest.data)
        used = f"the Kubernetes {version} schema"
    else:
        if custom.problem:
            yield Problem(manifest, "/apiVersion", (
                f"{manifest.ref} is not checked: its schema file {custom.name} in crd-schemas "
                f"{custom.problem}; replace the file with the JSON Schema of {manifest.kind} {custom.version}."),
                severity="warning")
            return
        if not custom.served:
            yield Problem(manifest, "/apiVersion", _unserved(manifest, custom))
            return
        found = crds.errors(custom, manifest.data)
        used = (f"the schema of CustomResourceDefinition {custom.name} ({custom.version})" if custom.source == "crd"
                else f"the vendored schema {custom.name}")
    # A field another rule reports (a non-string label, an Ingress backend's service.namespace) is left
    # to that rule by the engine (engine._explained).
    for error in found:
        if manifest.cap and error.pointer == "/spec" and error.keyword == "required" and error.field == "selector":
            continue  # a kustomize base read as plain files: the build may write the selector in
        if manifest.maybe_partial and error.keyword == "required":
            continue  # a patch holds only the fields it changes; what it writes is still checked
        # A missing field is reported at its own pointer (found at its parent), so that a rule about
        # another field of that parent does not stand for it (engine._explained).
        pointer = f"{error.pointer}/{escape_pointer_token(error.field)}" if error.keyword == "required" \
            else error.pointer
        yield Problem(manifest, pointer, f"{manifest.ref} breaks {used}: {_wrong(error)}; {_consequence(error)}",
                      at_key=error.keyword == UNKNOWN_FIELD)


def has_schema(manifest: Manifest, index: ObjectIndex) -> bool:
    """Whether schema-violation judges this object: a bundled schema for its kind, a
    CustomResourceDefinition in the files, or a vendored schema file (what --statistics counts)."""
    return _judged_by(manifest, index) is not None


def _judged_by(manifest: Manifest, index: ObjectIndex) -> Optional[tuple[str, Optional[CustomSchema]]]:
    """(Kubernetes version, None) for a built-in kind with a bundled schema; (version, its custom
    schema) for a custom object something describes; None when nothing does. Asked once per object,
    by the check and by the count."""
    def compute() -> Optional[tuple[str, Optional[CustomSchema]]]:
        version = index.settings.option("kubernetes-version") or schema.resolve_version(None)
        if schema.has_schema(version, manifest.kind, manifest.api_version):
            return version, None
        custom = _custom_schema(manifest, index)
        if custom is None or (custom.validator is None and custom.served and not custom.problem):
            return None
        return version, custom

    return index.answer(("judged-by-schema", id(manifest)), compute)


def _custom_schema(manifest: Manifest, index: ObjectIndex) -> Optional[CustomSchema]:
    """The schema of a custom object's version: from the nearest CustomResourceDefinition in the
    files that defines its kind, else from the crd-schemas folders; None when neither has one."""
    kind = crds.custom_kind(manifest.data)
    if kind is None:
        return None
    group, version, name = kind
    defining = index.answer(("crds-by-kind",), lambda: _crds_by_kind(index)).get((group, name))
    if defining:
        distances = [index.distance(manifest, crd) for crd in defining]
        nearest = {index.answer(("crd-spec", id(crd)), lambda crd=crd: crds.fingerprint(crd.data)): crd
                   for crd, distance in zip(defining, distances) if distance == min(distances)}
        candidates = [index.answer(("crd-schema", key, version), lambda crd=crd: crds.from_crd(crd.data, version))
                      for key, crd in sorted(nearest.items())]
        if len(candidates) == 1:
            return candidates[0]
        # Differing CRDs at one distance: the files cannot tell which one is installed, so the object
        # is judged by the one it fits best.
        return min(candidates, key=lambda c: (not c.served, len(list(crds.errors(c, manifest.data)))))
    vendored = crds.vendored_file(tuple(index.settings.option("crd-schemas") or ()), group, name, version)
    if vendored is None:
        return None
    return index.answer(("crd-file", vendored[0]), lambda: crds.from_file(*vendored, version))


def _crds_by_kind(index: ObjectIndex) -> dict[tuple[str, str], list[Manifest]]:
    table: dict[tuple[str, str], list[Manifest]] = {}
    for crd in index.of_kind("CustomResourceDefinition"):
        defined = crds.defined_kind(crd.data)
        if defined is not None:
            table.setdefault(defined, []).append(crd)
    return table


def _unserved(manifest: Manifest, custom: CustomSchema) -> str:
    crd = f"CustomResourceDefinition {custom.name}"
    served = [f"{manifest.group}/{v}" for v in custom.versions]
    if len(served) == 1:
        fix = f"Use apiVersion {served[0]}, the one it serves."
    elif served:
        fix = f"It serves {listing(served)}; use one of them."
    else:
        fix = "It serves no version at all: serve one, or drop the object."
    wrong = "marks that version served: false" if custom.defined else "defines no such version"
    return f"{manifest.ref} uses apiVersion {manifest.api_version}, but {crd} {wrong}; {_REJECTED} {fix}"


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
