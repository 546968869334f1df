"""A fast first look at an object against a JSON Schema: "certainly valid", or "ask jsonschema".

jsonschema stays the judge of every schema error kportlint reports. Most objects are valid, though,
and jsonschema spends about 1.6 ms on a Deployment to find nothing. An acceptor compiles a schema into
plain Python closures (once per definition, lazily) and answers True only when it can prove the
object valid; then no error can exist and jsonschema is not asked. It understands the keywords the
Kubernetes OpenAPI schemas use (`type`, `properties`, `additionalProperties`, `required`, `items`,
`enum` of strings, `$ref` into `$defs`, and a `oneOf` of plain types, as IntOrString is written);
any other validation keyword makes its schema answer False, so the object goes to jsonschema. A
False answer never means "invalid", only "not proven valid". tests/unit/test_acceptor.py checks the
promise against jsonschema on the corpus and on generated broken objects.

(fastjsonschema was measured for this: 0.15 ms per Deployment, but 0.25 s to compile each kind's
schema, 1.1 MB of generated code for Deployment, which costs more than it saves on a repository of
many kinds; and it speaks draft 7, not the 2020-12 of these schemas.)
"""

from __future__ import annotations

from typing import Any, Callable, Optional

Accept = Callable[[Any], bool]

_DEFS = "#/$defs/"
# Keywords of JSON Schema 2020-12 that assert something about an instance. Those handled below are
# compiled; any other one makes the schema unprovable. Everything else (description, format without
# a format checker, x-kubernetes-*) is an annotation, which jsonschema ignores as well.
_ASSERTING = frozenset({
    "$ref", "$dynamicRef", "$id", "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum",
    "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
    "uniqueItems", "maxContains", "minContains", "maxProperties", "minProperties", "required",
    "dependentRequired", "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas",
    "prefixItems", "items", "contains", "properties", "patternProperties", "additionalProperties",
    "propertyNames", "unevaluatedItems", "unevaluatedProperties", "dependencies", "additionalItems",
})
_HANDLED = frozenset({"$ref", "type", "enum", "required", "properties", "additionalProperties", "items", "oneOf"})


def _never(value: Any) -> bool:
    return False


def _always(value: Any) -> bool:
    return True


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


_TYPES: dict[str, Callable[[Any], bool]] = {
    "null": lambda value: value is None,
    "boolean": lambda value: isinstance(value, bool),
    "integer": _is_integer,
    "number": lambda value: isinstance(value, (int, float)) and not isinstance(value, bool),
    "string": lambda value: isinstance(value, str),
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
}


class Acceptors:
    """Acceptors for the schemas of one set of `$defs` (one Kubernetes version's definitions)."""

    def __init__(self, definitions: dict[str, Any]) -> None:
        self._definitions = definitions
        self._compiled: dict[str, Accept] = {}

    def of(self, schema: Any) -> Accept:
        """The acceptor of a top-level `schema`, whose `$ref`s all point into the definitions (its
        `$id` only says where it sits beside them)."""
        if isinstance(schema, dict) and "$id" in schema:
            schema = {key: value for key, value in schema.items() if key != "$id"}
        return self._compile(schema)

    def _ref(self, ref: Any) -> Accept:
        if not isinstance(ref, str) or _DEFS not in ref:
            return _never
        name = ref.split(_DEFS, 1)[1]
        found = self._compiled.get(name)
        if found is not None:
            return found
        if name not in self._definitions:
            return _never
        cell: list[Accept] = []
        self._compiled[name] = lambda value: cell[0](value)  # a recursive definition reaches itself
        cell.append(self._compile(self._definitions[name]))
        self._compiled[name] = cell[0]
        return cell[0]

    def _compile(self, schema: Any) -> Accept:
        if schema is True:
            return _always
        if not isinstance(schema, dict):
            return _never
        asserting = _ASSERTING.intersection(schema)
        if not asserting <= _HANDLED:
            return _never
        checks: list[Accept] = []
        if "$ref" in schema:
            checks.append(self._ref(schema["$ref"]))
        if "type" in schema:
            checks.append(_type(schema["type"]))
        if "enum" in schema:
            checks.append(_enum(schema["enum"]))
        if "oneOf" in schema:
            checks.append(_one_of(schema["oneOf"]))
        if {"properties", "additionalProperties", "required"} & asserting:
            checks.append(self._object(schema))
        if "items" in schema:
            checks.append(self._items(schema["items"]))
        return _all(checks)

    def _object(self, schema: dict[str, Any]) -> Accept:
        properties = schema.get("properties", {})
        required = schema.get("required", [])
        if not isinstance(properties, dict) or not isinstance(required, list):
            return _never
        compiled = {name: self._compile(sub) for name, sub in properties.items()}
        extra = schema.get("additionalProperties", True)
        rest: Optional[Accept] = None if extra is True else self._compile(extra)

        def accept(value: Any) -> bool:
            if not isinstance(value, dict):
                return True  # these keywords say nothing about other types; `type` does
            for name in required:
                if name not in value:
                    return False
            for key, item in value.items():
                check = compiled.get(key) if isinstance(key, str) else None
                if check is not None:
                    if not check(item):
                        return False
                elif rest is not None and not rest(item):
                    return False
            return True
        return accept

    def _items(self, items: Any) -> Accept:
        check = self._compile(items)

        def accept(value: Any) -> bool:
            return not isinstance(value, list) or all(check(item) for item in value)
        return accept


def _all(checks: list[Accept]) -> Accept:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda value: first(value) and second(value)
    return lambda value: all(check(value) for check in checks)


# Types whose test is a plain isinstance (integer and number must also refuse booleans).
_PLAIN = {"null": type(None), "boolean": bool, "string": str, "object": dict, "array": list}


def _type(names: Any) -> Accept:
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list) or not all(isinstance(n, str) and n in _TYPES for n in names):
        return _never
    plain = tuple(_PLAIN[n] for n in names if n in _PLAIN)
    numeric = [_TYPES[n] for n in names if n not in _PLAIN]
    if not numeric:
        return lambda value: isinstance(value, plain)
    if not plain and len(numeric) == 1:
        return numeric[0]
    return lambda value: isinstance(value, plain) or any(test(value) for test in numeric)


def _enum(values: Any) -> Accept:
    """Proven only for strings and null, which compare as jsonschema compares them."""
    if not isinstance(values, list):
        return _never
    allowed = frozenset(v for v in values if isinstance(v, str))
    null = None in values
    return lambda value: (value is None and null) or (isinstance(value, str) and value in allowed)


def _one_of(branches: Any) -> Accept:
    """Exactly one branch must hold. Proven only for branches that are plain `type` checks, where
    "does not hold" is certain too (IntOrString: a string or an integer, and null matches both)."""
    if not isinstance(branches, list):
        return _never
    tests = []
    for branch in branches:
        if not isinstance(branch, dict) or _ASSERTING.intersection(branch) != {"type"}:
            return _never
        test = _type(branch["type"])
        if test is _never:
            return _never
        tests.append(test)
    return lambda value: sum(1 for test in tests if test(value)) == 1
