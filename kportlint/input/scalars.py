"""Plain scalars and mapping keys as Kubernetes' YAML decoder reads them: which tag a plain scalar
gets (go-yaml v2's rules, not YAML 1.1's), its value, and the text a key becomes."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from yaml.nodes import Node, ScalarNode
from yaml.resolver import BaseResolver


class GoYamlResolver(BaseResolver):
    """Plain scalars typed the way Kubernetes' YAML decoder (go-yaml v2, via sigs.k8s.io/yaml) types them.

    PyYAML follows YAML 1.1 more closely: it reads `1:30` as the base-60 number 90 and `1e6` and `y`
    as strings. go-yaml reads `1:30` and timestamps as strings, `1e6` as a float, and `y`/`n` as
    booleans. What the API server receives is what counts.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        # The composer asks for every node. No path resolvers are registered, so a plain scalar's tag
        # depends on its text alone: short ones (keys, names) are remembered.
        if kind is ScalarNode and implicit[0] and len(value) <= 64:
            return _plain_tag(value)
        return super().resolve(kind, value, implicit)


for _first, _tag, _pattern in (
    ("yYnNtTfFoO", "tag:yaml.org,2002:bool",
     r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"),
    ("~nN", "tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$"),
    # strconv.ParseInt(s, 0, 64) after dropping every '_'
    ("-+0123456789", "tag:yaml.org,2002:int",
     r"^[-+]?_*(?:0[bB][01_]*[01][01_]*|0[oO][0-7_]*[0-7][0-7_]*|0[xX][0-9a-fA-F_]*[0-9a-fA-F][0-9a-fA-F_]*"
     r"|0[0-7_]*|[1-9][0-9_]*)$"),
    # go-yaml's yamlStyleFloat, and the special values
    ("-+.0123456789", "tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9_]*[0-9][0-9_]*|[0-9_]*[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9_]*[0-9][0-9_]*)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    ("<", "tag:yaml.org,2002:merge", r"^<<$"),
):
    GoYamlResolver.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))
GoYamlResolver.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^$"), [""])


@lru_cache(maxsize=1 << 16)  # keys and values repeat across files; a bounded memo
def _plain_tag(value: str) -> str:
    return BaseResolver.resolve(_TAGGER, ScalarNode, value, (True, False))


_TAGGER = GoYamlResolver()


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
MERGE = "tag:yaml.org,2002:merge"
_TRUE = frozenset({"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})
_OCTAL = re.compile(r"^[-+]?0[0-7]+$")


def scalar_value(node: ScalarNode) -> Any:
    """A scalar as Kubernetes reads it (go-yaml: `yes` and `y` are true, `0755` is octal, `1:30` is text)."""
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return node.value in _TRUE if node.value.lower() in _BOOL_WORDS else node.value
    try:
        if tag == _INT:
            digits = node.value.replace("_", "")
            return int(digits, 8) if _OCTAL.match(digits) else int(digits, 0)
        if tag == _FLOAT:
            return _float(node.value)
    except ValueError:
        pass
    return node.value  # timestamps, binary, unknown tags and values their tag does not fit stay text


_BOOL_WORDS = frozenset({"y", "yes", "true", "on", "n", "no", "false", "off"})


def _float(text: str) -> float:
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return float("-inf") if lowered.startswith("-") else float("inf")
    if lowered == ".nan":
        return float("nan")
    return float(text.replace("_", ""))


def key_text(node: Node) -> str:
    """A key as it reaches the API server: sigs.k8s.io/yaml turns `80:` into "80" and `on:` into "true"."""
    if isinstance(node, ScalarNode):
        if node.tag == _STR:
            return node.value
        value = scalar_value(node)
        if isinstance(value, bool):
            return "true" if value else "false"
        if value is None:
            return "null"
        if isinstance(value, float):
            return str(int(value)) if value.is_integer() and abs(value) < 1e6 else repr(value)
        return str(value)
    return f"<{type(node).__name__}>"
