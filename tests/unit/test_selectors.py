"""Label selectors as the API server reads them (kportlint/k8s/selectors.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kportlint.k8s.selectors import (ANY_VALUE, OPERATORS, Requirement, Selector, from_label_selector, from_map,
                                     non_string_labels, string_map)

KEYS = st.text("abc/.-", min_size=1, max_size=3)
VALUES = st.text("xyz", max_size=2)
LABELS = st.dictionaries(KEYS, VALUES, max_size=5)
JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=4)
    | st.sampled_from(["matchLabels", "matchExpressions", "key", "operator", "values", *OPERATORS]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["matchLabels", "matchExpressions", "key", "operator", "values", "a"])
                      | st.integers(), inner, max_size=4),
    max_leaves=12)


def requirement(key: str, operator: str, *values: str) -> Requirement:
    return Requirement(key, operator, frozenset(values))


REQUIREMENTS = st.builds(Requirement, KEYS, st.sampled_from(OPERATORS), st.frozensets(VALUES, max_size=3))
SELECTORS = st.builds(lambda labels, exprs: Selector(tuple(sorted(labels.items())), tuple(exprs)),
                      st.dictionaries(KEYS, VALUES, max_size=3), st.lists(REQUIREMENTS, max_size=3))


# -- matchLabels and from_map ------------------------------------------------------------------------
def test_map_selector_needs_every_pair():
    selector = from_map({"app": "web", "tier": "front"})
    assert selector.matches({"app": "web", "tier": "front", "extra": "x"})
    assert not selector.matches({"app": "web"})
    assert not selector.matches({"app": "web", "tier": "back"})


def test_from_map_sorts_pairs_and_reads_null_as_empty_string():
    assert from_map({"b": "2", "a": "1"}).match_labels == (("a", "1"), ("b", "2"))
    selector = from_map({"app": None})
    assert selector.match_labels == (("app", ""),)
    assert selector.matches({"app": ""}) and not selector.matches({"app": "web"})


def test_from_map_drops_what_is_no_label():
    assert from_map({"app": "web", "version": 2, "on": True, 3: "x"}).match_labels == (("app", "web"),)
    for value in (None, [], "app=web", 5):
        assert from_map(value).empty


def test_empty_selector_selects_everything():
    assert Selector().empty
    assert Selector().matches({}) and Selector().matches({"app": "web"})
    assert Selector().describe() == "<everything>"
    assert from_label_selector({}) == Selector()


def test_string_map():
    assert string_map({"a": "1", "b": None, "c": 2, "d": False, 4: "e", "f": ["x"]}) == {"a": "1", "b": ""}
    assert string_map(["a"]) == {} and string_map(None) == {} and string_map("a: b") == {}


# -- matchExpressions --------------------------------------------------------------------------------
@pytest.mark.parametrize("operator, values, labels, expected", [
    ("In", ("web", "api"), {"app": "api"}, True),
    ("In", ("web", "api"), {"app": "db"}, False),
    ("In", ("web",), {}, False),
    ("In", (), {"app": "web"}, False),  # the API server rejects it; it selects nothing either way
    ("NotIn", ("web",), {"app": "api"}, True),
    ("NotIn", ("web",), {"app": "web"}, False),
    ("NotIn", ("web",), {}, True),  # a pod without the key is not in the set
    ("Exists", (), {"app": ""}, True),
    ("Exists", (), {"other": "web"}, False),
    ("DoesNotExist", (), {"other": "web"}, True),
    ("DoesNotExist", (), {"app": ""}, False),
])
def test_expression_operators(operator, values, labels, expected):
    assert Selector(expressions=(requirement("app", operator, *values),)).matches(labels) is expected


def test_labels_and_expressions_must_all_hold():
    selector = Selector((("app", "web"),), (requirement("tier", "In", "front"), requirement("canary", "DoesNotExist")))
    assert selector.matches({"app": "web", "tier": "front"})
    assert not selector.matches({"app": "web", "tier": "front", "canary": "true"})
    assert not selector.matches({"app": "api", "tier": "front"})


def test_from_label_selector_reads_labels_and_expressions():
    selector = from_label_selector({
        "matchLabels": {"app": "web"},
        "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", 3, None]},
                             {"key": "canary", "operator": "DoesNotExist"}]})
    assert isinstance(selector, Selector)
    assert selector.match_labels == (("app", "web"),)
    # values that are no strings can never equal a label value: they are dropped
    assert selector.expressions == (requirement("tier", "In", "front"), requirement("canary", "DoesNotExist"))
    assert selector.describe() == "app=web, tier in (front), !canary"


def test_from_label_selector_accepts_nulls():
    assert from_label_selector({"matchLabels": None, "matchExpressions": None}) == Selector()
    exists = from_label_selector({"matchExpressions": [{"key": "a", "operator": "Exists", "values": None}]})
    assert exists == Selector(expressions=(requirement("a", "Exists"),))


@pytest.mark.parametrize("value, message", [
    ("app=web", "the selector is not a mapping"),
    (["app"], "the selector is not a mapping"),
    ({"matchLabels": ["app"]}, "matchLabels is not a mapping"),
    ({"matchExpressions": {"key": "app"}}, "matchExpressions is not a list"),
    ({"matchExpressions": ["app"]}, "matchExpressions[0] has no key"),
    ({"matchExpressions": [{"key": "a", "operator": "Exists"}, {"key": 5, "operator": "Exists"}]},
     "matchExpressions[1] has no key"),
    ({"matchExpressions": [{"key": "app", "operator": "in", "values": ["web"]}]},
     "matchExpressions[0] has operator 'in'; use one of In, NotIn, Exists, DoesNotExist"),
    ({"matchExpressions": [{"key": "app", "operator": "In", "values": "web"}]},
     "matchExpressions[0].values is not a list"),
])
def test_from_label_selector_returns_the_error(value, message):
    assert from_label_selector(value) == message


# -- labels the controller adds ----------------------------------------------------------------------
def test_extra_label_of_any_value_satisfies_pairs_and_expressions():
    extra = {"pod-template-hash": ANY_VALUE}
    assert from_map({"pod-template-hash": "abc123"}).matches({}, extra)
    assert Selector(expressions=(requirement("pod-template-hash", "In", "x"),)).matches({}, extra)
    assert Selector(expressions=(requirement("pod-template-hash", "Exists"),)).matches({}, extra)
    assert not Selector(expressions=(requirement("pod-template-hash", "DoesNotExist"),)).matches({}, extra)
    # unknown value: it may be anything, so it is not assumed to be excluded
    assert Selector(expressions=(requirement("pod-template-hash", "NotIn", "x"),)).matches({}, extra)


def test_extra_label_of_known_values():
    extra = {"statefulset.kubernetes.io/pod-name": frozenset({"db-0", "db-1"})}
    assert from_map({"statefulset.kubernetes.io/pod-name": "db-1"}).matches({}, extra)
    assert not from_map({"statefulset.kubernetes.io/pod-name": "db-2"}).matches({}, extra)
    # a shown label of another value does not hide the controller's
    assert from_map({"statefulset.kubernetes.io/pod-name": "db-0"}).matches(
        {"statefulset.kubernetes.io/pod-name": "other"}, extra)


def test_not_in_excludes_every_known_controller_value():
    extra = {"batch.kubernetes.io/job-name": frozenset({"migrate"})}
    selector = Selector(expressions=(requirement("batch.kubernetes.io/job-name", "NotIn", "migrate"),))
    assert not selector.matches({"app": "migrate"}, extra)


# -- non-string label values -------------------------------------------------------------------------
def test_non_string_labels_finds_values_the_api_server_rejects():
    data = {"metadata": {"labels": {"app": "web", "version": 2, "gone": None}},
            "spec": {"selector": {"matchLabels": {"on": True}},
                     "template": {"metadata": {"labels": {"ratio": 1.5, "tags": ["a"]}}}}}
    assert non_string_labels(data) == [
        (("metadata", "labels", "version"), 2),
        (("spec", "selector", "matchLabels", "on"), True),
        (("spec", "template", "metadata", "labels", "ratio"), 1.5),
        (("spec", "template", "metadata", "labels", "tags"), ["a"]),
    ]


def test_non_string_labels_reads_service_map_selectors_and_cronjob_templates():
    assert non_string_labels({"spec": {"selector": {"app": "web", "version": 2}}}) == [
        (("spec", "selector", "version"), 2)]
    cronjob = {"spec": {"jobTemplate": {"spec": {"template": {"metadata": {"labels": {"n": 1}}}}}}}
    assert non_string_labels(cronjob) == [(("spec", "jobTemplate", "spec", "template", "metadata", "labels", "n"), 1)]
    assert non_string_labels({"spec": {"podSelector": {"matchLabels": {"x": False}}}}) == [
        (("spec", "podSelector", "matchLabels", "x"), False)]


def test_non_string_labels_is_quiet_for_strings_and_selector_structure():
    data = {"metadata": {"labels": {"app": "web"}},
            "spec": {"selector": {"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "a"}]}}}
    assert non_string_labels(data) == []
    assert non_string_labels("junk") == [] and non_string_labels({"metadata": []}) == []


# -- properties --------------------------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(LABELS, st.data())
def test_a_map_selector_from_a_subset_of_the_labels_matches_them(labels, data):
    subset = data.draw(st.sets(st.sampled_from(sorted(labels))) if labels else st.just(set()))
    assert from_map({key: labels[key] for key in subset}).matches(labels)


@settings(max_examples=200, deadline=None)
@given(SELECTORS, LABELS, KEYS, VALUES)
def test_an_unrelated_label_never_breaks_a_match(selector, labels, key, value):
    mentioned = {k for k, _ in selector.match_labels} | {r.key for r in selector.expressions}
    if key in mentioned or not selector.matches(labels):
        return
    assert selector.matches({**labels, key: value})


@settings(max_examples=150, deadline=None)
@given(SELECTORS, LABELS, st.data())
def test_not_in_a_present_value_never_matches(selector, labels, data):
    if not labels:
        return
    key = data.draw(st.sampled_from(sorted(labels)))
    values = data.draw(st.frozensets(VALUES, max_size=2)) | {labels[key]}
    excluding = Selector(selector.match_labels, selector.expressions + (Requirement(key, "NotIn", values),))
    assert not excluding.matches(labels)


@settings(max_examples=200, deadline=None)
@given(JUNK, LABELS)
def test_random_selectors_never_raise(value, labels):
    result = from_label_selector(value)
    assert isinstance(result, (Selector, str))
    if isinstance(result, Selector):
        result.matches(labels)
        result.describe()
    assert isinstance(from_map(value), Selector)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in string_map(value).items())
    for path, found in non_string_labels(value):
        assert not isinstance(found, str) and found is not None and isinstance(path[-1], str)
