"""Label selectors as the API server reads them: map selectors and LabelSelector objects."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping, Optional, Union

from .names import similar, similar_to
from .templating import has_placeholder

# A label the controller adds whose value is not known from the manifests (pod-template-hash).
ANY_VALUE = None
# Controller labels: key -> a set of possible values, or ANY_VALUE.
ExtraLabels = Mapping[str, Optional[frozenset[str]]]

OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")
_NO_EXTRA: ExtraLabels = MappingProxyType({})


@dataclass(frozen=True)
class Requirement:
    key: str
    operator: str
    values: frozenset[str]


@dataclass(frozen=True)
class Selector:
    """matchLabels plus matchExpressions. Empty means "everything" for a LabelSelector."""

    match_labels: tuple[tuple[str, str], ...] = ()
    expressions: tuple[Requirement, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.match_labels and not self.expressions

    def matches(self, labels: Mapping[str, str], extra: ExtraLabels = _NO_EXTRA) -> bool:
        for key, value in self.match_labels:
            if not _has(labels, extra, key, value):
                return False
        for req in self.expressions:
            if req.operator == "In":
                if not any(_has(labels, extra, req.key, v) for v in req.values):
                    return False
            elif req.operator == "NotIn":
                # Some pod matches unless every value its controller may give the label is excluded;
                # a value the controller leaves unknown might be anything: assume it is not excluded.
                if labels.get(req.key) in req.values:
                    return False
                known = extra.get(req.key) if req.key not in labels else ANY_VALUE
                if known is not ANY_VALUE and known <= req.values:
                    return False
            elif req.operator == "Exists":
                if req.key not in labels and req.key not in extra:
                    return False
            elif req.operator == "DoesNotExist":
                if req.key in labels or req.key in extra:
                    return False
        return True

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in self.match_labels]
        for req in self.expressions:
            values = ",".join(sorted(req.values))
            if req.operator in ("In", "NotIn"):
                parts.append(f"{req.key} {req.operator.lower()} ({values})")
            elif req.operator == "Exists":
                parts.append(req.key)
            else:
                parts.append(f"!{req.key}")
        return ", ".join(parts) if parts else "<everything>"


def _has(labels: Mapping[str, str], extra: ExtraLabels, key: str, value: str) -> bool:
    if labels.get(key) == value:
        return True
    if key in extra:
        allowed = extra[key]
        return allowed is ANY_VALUE or value in allowed
    return False


def string_map(value: Any) -> dict[str, str]:
    """The string pairs of a labels or selector map; other values are not labels (schema says so).
    A null value is the empty string, as the API server decodes it into a string map."""
    if not isinstance(value, dict):
        return {}
    return {k: "" if v is None else v for k, v in value.items() if isinstance(k, str) and (isinstance(v, str) or v is None)}


# Where objects keep label maps (labels and selectors), as paths from the object; a Service's and a
# ReplicationController's spec.selector is a map, elsewhere a selector holds matchLabels.
_LABEL_PATHS = (("metadata", "labels"), ("spec", "selector"), ("spec", "selector", "matchLabels"),
                ("spec", "template", "metadata", "labels"), ("spec", "podSelector", "matchLabels"),
                ("spec", "jobTemplate", "spec", "template", "metadata", "labels"))


def non_string_labels(data: Any) -> list[tuple[tuple[str, ...], Any]]:
    """(path, value) of each label or selector value that is not a string (`version: 2`, `on: yes`):
    the API server rejects the object, since label values are strings."""
    found = []
    for path in _LABEL_PATHS:
        node = data
        for token in path:
            node = node.get(token) if isinstance(node, dict) else None
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str) and isinstance(value, (bool, int, float, dict, list)) and \
                        key not in ("matchLabels", "matchExpressions"):
                    found.append(((*path, key), value))
    return found


def from_map(value: Any) -> Selector:
    """A Service's or ReplicationController's `selector: {key: value}`."""
    return Selector(tuple(sorted(string_map(value).items())))


def from_label_selector(value: Any) -> Union[Selector, str]:
    """A LabelSelector object; returns an error message instead when it cannot be read."""
    if not isinstance(value, dict):
        return "the selector is not a mapping"
    labels = value.get("matchLabels")
    if labels is not None and not isinstance(labels, dict):
        return "matchLabels is not a mapping"
    expressions = []
    raw = value.get("matchExpressions")
    if raw is not None and not isinstance(raw, list):
        return "matchExpressions is not a list"
    for i, item in enumerate(raw or []):
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            return f"matchExpressions[{i}] has no key"
        operator = item.get("operator")
        if operator not in OPERATORS:
            return f"matchExpressions[{i}] has operator {operator!r}; use one of {', '.join(OPERATORS)}"
        values = item.get("values") or []
        if not isinstance(values, list):
            return f"matchExpressions[{i}].values is not a list"
        expressions.append(Requirement(item["key"], operator,
                                       frozenset(v for v in values if isinstance(v, str))))
    return Selector(tuple(sorted(string_map(labels).items())), tuple(expressions))


def readable_label_selector(value: Any) -> Optional[Selector]:
    """A readable LabelSelector without placeholders, or None (an unreadable one is the schema's to
    report; a placeholder is filled in before deploy)."""
    selector = from_label_selector(value)
    if isinstance(selector, str):
        return None
    if any(has_placeholder(v) for _, v in selector.match_labels):
        return None
    return selector


@dataclass(frozen=True)
class LabelDifference:
    key: str
    want: str  # the selector's value
    have: Optional[str]  # the pods' value; None: they lack the label
    typo: bool = False  # `have` is a near spelling of `want`: worth a "did you mean"


@dataclass(frozen=True)
class NearMiss:
    """Pods whose labels nearly match a selector: at most one pair is off, or the values are typos."""
    template: Any  # the PodTemplate
    differences: tuple[LabelDifference, ...]


def nearest_labels(selector: Selector, templates: list[Any]) -> Optional[NearMiss]:
    """The pod template whose labels come nearest to the selector's pairs, if one comes near: it has
    all pairs but one, counting near spellings as present. Another value of a label (another app's
    name) is shown, but is no typo."""
    pairs = selector.match_labels
    near_to = [(k, v, similar_to(v)) for k, v in pairs]
    best, best_score = None, 0
    for template in templates:
        labels = template.labels
        exact = sum(1 for k, v in pairs if labels.get(k) == v)
        near = sum(1 for k, v, like in near_to if k in labels and labels[k] != v and like(labels[k]))
        if exact + near >= max(1, len(pairs) - 1) and exact + near > 0 and exact < len(pairs):
            score = 2 * exact + near
            if score > best_score:
                best, best_score = template, score
    if best is None:
        return None
    differences = tuple(LabelDifference(k, v, best.labels.get(k), k in best.labels and similar(best.labels[k], v))
                        for k, v in pairs if best.labels.get(k) != v)
    return NearMiss(best, differences)
