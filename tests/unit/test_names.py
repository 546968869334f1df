"""Port numbers, port names and the "did you mean" helpers (kportlint/k8s/names.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kportlint.k8s.names import (dns_label_problem, iana_svc_name_problem, nearest_name, one_edit_apart,
                                 port_number_problem, similar)

NAMES = st.text("ab1-", max_size=17)
WORDS = st.text("abcAB-", max_size=6)


@pytest.mark.parametrize("number, ok", [(0, False), (1, True), (80, True), (65535, True), (65536, False),
                                        (-1, False)])
def test_port_number_limits(number, ok):
    problem = port_number_problem(number)
    assert (problem is None) is ok
    if not ok:
        assert problem == f"{number} is not a port number (1-65535)"


@pytest.mark.parametrize("name", ["http", "a", "h2c", "web-8080", "a" * 15, "1a", "a1-b2-c3"])
def test_valid_iana_svc_names(name):
    assert iana_svc_name_problem(name) is None


@pytest.mark.parametrize("name, problem", [
    ("a" * 16, "is longer than 15 characters"),
    ("metrics-exporter", "is longer than 15 characters"),
    ("HTTP", "may hold only lowercase letters, digits and '-'"),
    ("http_alt", "may hold only lowercase letters, digits and '-'"),
    ("", "may hold only lowercase letters, digits and '-'"),
    ("web--alt", "holds '--'"),
    ("-http", "begins or ends with '-'"),
    ("http-", "begins or ends with '-'"),
    ("8080", "holds no letter"),
    ("80-80", "holds no letter"),
])
def test_invalid_iana_svc_names(name, problem):
    assert iana_svc_name_problem(name) == f"'{name}' {problem}"


@pytest.mark.parametrize("name", ["a", "8080", "web", "a-b", "a--b", "1-a", "x" * 63])
def test_valid_dns_labels(name):
    assert dns_label_problem(name) is None


@pytest.mark.parametrize("name", ["", "-a", "a-", "Web", "a_b", "a.b", "x" * 64])
def test_invalid_dns_labels(name):
    assert dns_label_problem(name) is not None


def test_dns_label_length_is_checked_first():
    assert dns_label_problem("x" * 64) == f"'{'x' * 64}' is longer than 63 characters"


@pytest.mark.parametrize("check", [iana_svc_name_problem, dns_label_problem])
def test_a_trailing_newline_is_no_valid_name(check):
    assert check("http\n") is not None


@settings(max_examples=200, deadline=None)
@given(NAMES)
def test_iana_svc_name_as_apimachinery_defines_it(name):
    valid = (len(name) <= 15 and re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?", name) is not None
             and "--" not in name and re.search("[a-z]", name) is not None)
    assert (iana_svc_name_problem(name) is None) is valid


@settings(max_examples=100, deadline=None)
@given(st.text("a1-", max_size=70))
def test_dns_label_as_apimachinery_defines_it(name):
    valid = len(name) <= 63 and re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", name) is not None
    assert (dns_label_problem(name) is None) is valid


# -- did you mean ------------------------------------------------------------------------------------
def test_nearest_name_prefers_a_case_difference():
    assert nearest_name("HTTP", ["grpc", "htp", "http"]) == "http"


def test_nearest_name_finds_a_close_spelling():
    assert nearest_name("htp", ["grpc", "http"]) == "http"
    assert nearest_name("metrcs", ["metrics", "web"]) == "metrics"


def test_nearest_name_finds_one_name_inside_the_other():
    assert nearest_name("api", ["web", "api-server"]) == "api-server"
    assert nearest_name("api-server-main", ["db", "api-server"]) == "api-server"
    assert nearest_name("api", ["web", "api-server-long", "api-server"]) == "api-server"  # the shortest


def test_nearest_name_gives_none_without_a_likely_one():
    assert nearest_name("http", ["http"]) is None  # the name itself is no suggestion
    assert nearest_name("http", []) is None
    assert nearest_name("ab", ["abcdefgh"]) is None  # too short to look for inside another
    assert nearest_name("metrics", ["grpc", "dns"]) is None


def test_similar():
    assert similar("Web", "web")
    assert similar("frontend", "frontnd")
    assert not similar("web", "api")
    assert not similar("frontend", "backend")


def test_one_edit_apart_examples():
    assert one_edit_apart("app", "apps") and one_edit_apart("apps", "app")
    assert one_edit_apart("tier", "tder")
    assert not one_edit_apart("tier", "tear")  # two changes
    assert one_edit_apart("App", "app")  # a case difference counts as one
    assert not one_edit_apart("app", "application")
    assert not one_edit_apart("tier", "teer2")
    assert not one_edit_apart("ab", "ba")
    assert not one_edit_apart("Ab", "ac")  # the case is only ignored when all else is equal


def test_one_edit_apart_holds_for_a_string_and_itself():
    # Pinned as written: the case-difference branch also takes equal strings. Its one caller
    # (keys_labelled_elsewhere) only asks about keys that differ.
    assert one_edit_apart("app", "app") and one_edit_apart("", "")


@settings(max_examples=200, deadline=None)
@given(WORDS, WORDS)
def test_one_edit_apart_is_symmetric(a, b):
    assert one_edit_apart(a, b) == one_edit_apart(b, a)


@settings(max_examples=200, deadline=None)
@given(WORDS, st.data())
def test_one_insertion_deletion_or_substitution_is_one_edit(word, data):
    where = data.draw(st.integers(0, len(word)))
    char = data.draw(st.sampled_from("abcAB-xz"))
    inserted = word[:where] + char + word[where:]
    assert one_edit_apart(word, inserted) and one_edit_apart(inserted, word)
    if word:
        at = data.draw(st.integers(0, len(word) - 1))
        assert one_edit_apart(word, word[:at] + word[at + 1:])
        assert one_edit_apart(word, word[:at] + char + word[at + 1:])


@settings(max_examples=100, deadline=None)
@given(WORDS, WORDS)
def test_strings_two_or_more_apart_in_length_are_not_one_edit(a, b):
    if abs(len(a) - len(b)) >= 2 and a.lower() != b.lower():
        assert not one_edit_apart(a, b)
