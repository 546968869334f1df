"""Rules about a workload and its own pod template."""

from __future__ import annotations

from typing import Iterator

from ..index import ObjectIndex
from ..model import Manifest, Problem, join_pointer
from ..semantics.selectors import from_label_selector, from_map
from ..semantics.workloads import MAP_SELECTOR, dig
from .registry import check


# API versions whose workloads must spell out their selector (earlier ones defaulted it).
_SELECTOR_REQUIRED = frozenset({"apps/v1", "apps/v1beta2"})


@check("selector-template-mismatch")
def selector_template_mismatch(workload: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    entry = index.template_kind_of(workload)
    template = index.template_of(workload)
    if entry is None or entry.selector is None or template is None:
        return
    raw = dig(workload.data, entry.selector)
    pointer = join_pointer(*entry.selector)
    what = f"{workload.kind} {workload.namespace}/{workload.name}"
    if raw is None:
        if workload.api_version in _SELECTOR_REQUIRED and not workload.selectors_completed:
            yield Problem(workload, pointer.rsplit("/", 1)[0], (
                f"{what} has no spec.selector: {workload.api_version} requires one, so the API server "
                f"rejects the object and no pods are created. Add spec.selector.matchLabels with the "
                f"template's labels ({_labels(template.labels)})."))
        return  # older API versions default it to the template's labels; Jobs generate it
    if entry.selector_style == MAP_SELECTOR:
        selector = from_map(raw)
        if selector.empty:
            return  # an empty map selector defaults to the template's labels
    else:
        parsed = from_label_selector(raw)
        if isinstance(parsed, str):
            yield Problem(workload, pointer, f"{what} has a selector the API server cannot read: {parsed}.")
            return
        selector = parsed
        if selector.empty and (not template.labels or workload.selectors_completed):
            return  # a kustomize base whose commonLabels fill in both sides
        if selector.empty:
            yield Problem(workload, pointer, (
                f"{what} has an empty selector: the API server rejects it, because the controller could "
                f"not tell its pods from others. Select the template's labels "
                f"({_labels(template.labels)})."))
            return
    if selector.matches(template.labels):
        return
    yield Problem(workload, pointer, (
        f"{what} selects {selector.describe()}, but its pod template is labelled "
        f"{_labels(template.labels)}: the API server rejects the object ('selector does not match template "
        f"labels'), so no pods are created. Make the selector a subset of "
        f"{template.pointer}/metadata/labels."))


def _labels(labels: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(labels.items())) or "no labels"
