"""The removed- and deprecated-API table (kportlint/k8s/apis.py): its Kubernetes part checked against the
schemas kubernetes-validate bundles, and the lookups that api-removed and api-deprecated use."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Optional

import pytest

from kportlint.k8s import api_changes, apis, schema
from kportlint.k8s.api_changes import Default, Disallowed, Removed, Renamed, Required
from kportlint.k8s.api_table import ECOSYSTEM_APIS, KUBERNETES_APIS
from kportlint.k8s.apis import lookup, minor, removal, where

VERSIONS = [f"{major}.{minor_}" for major, minor_ in schema._versions()]
NEWEST = VERSIONS[-1]
# The guide's sections: every removal of a built-in API from 1.16 on.
GUIDE_SECTIONS = {"1.16", "1.22", "1.25", "1.26", "1.27", "1.29", "1.32"}
# Removals the guide leaves out: beta APIs that were never on by default (their lifecycle tags).
OFF_BY_DEFAULT_BETAS = {"1.33", "1.34", "1.37"}
# Renamed fields whose old name the replacement uses for something else.
OLD_NAME_REUSED = {("autoscaling/v2beta1", "target")}  # v2's object metric `target` is a MetricTarget


def _served(version: str, kind: str, api_version: str) -> bool:
    return schema.validator(version, kind, api_version) is not None


BUILT_IN = [pytest.param(api, kind, id=f"{api.api_version}/{kind}") for api in KUBERNETES_APIS for kind in api.kinds]


# -- The Kubernetes part against the bundled schemas ----------------------------------------------------

@pytest.mark.parametrize(("api", "kind"), BUILT_IN)
def test_a_removed_api_has_no_schema_from_its_removal_on_and_one_while_deprecated(api, kind):
    for version in VERSIONS:
        if minor(version) >= minor(api.removed):
            assert not _served(version, kind, api.api_version), f"{version} still has a schema for it"
        elif minor(version) >= minor(api.deprecated):
            assert _served(version, kind, api.api_version), f"{version} serves it deprecated, but has no schema"


@pytest.mark.parametrize(("api", "kind"), BUILT_IN)
def test_the_replacement_has_a_schema_wherever_it_is_recommended(api, kind):
    for version in VERSIONS:
        verdict = lookup(api.api_version, kind, version)
        if verdict is None:
            assert minor(version) < minor(api.deprecated)
            continue
        if verdict.instead:
            assert verdict.replacement is None
            continue
        assert verdict.replacement and _served(version, kind, verdict.replacement), (
            f"on {version} the message would recommend {verdict.replacement}, which has no schema there")
        assert minor(version) >= minor(verdict.since)


def test_every_built_in_api_the_bundled_schemas_drop_is_in_the_table():
    kinds_by_version = {version: _top_level_kinds(version) for version in VERSIONS}
    for before, after in zip(VERSIONS, VERSIONS[1:]):
        for api_version, kind in sorted(kinds_by_version[before] - kinds_by_version[after]):
            if "alpha" in api_version:
                continue
            api = apis.entry(api_version, kind)
            assert api is not None, f"{api_version} {kind} leaves the schemas in {after}, and the table lacks it"
            assert api.removed == after


def test_the_table_covers_the_guide_sections_and_only_them():
    assert {api.removed for api in KUBERNETES_APIS} == GUIDE_SECTIONS | OFF_BY_DEFAULT_BETAS
    for api in KUBERNETES_APIS:
        assert minor(api.deprecated) < minor(api.removed)
        assert api.kinds, "every built-in entry names its kinds, as the guide does"
        assert (api.replacement is None) == bool(api.instead)


@pytest.mark.parametrize("api", [pytest.param(a, id=f"{a.api_version}/{','.join(a.kinds)}")
                                 for a in KUBERNETES_APIS if a.changes])
def test_the_changes_name_fields_the_schemas_have(api):
    """New fields exist in the replacement's schema (for one of the entry's kinds), fields said to be
    gone do not, and a renamed field's old name is gone too."""
    def in_replacement(path: str) -> bool:
        return any(_has(NEWEST, kind, lookup(api.api_version, kind, NEWEST).replacement, path) for kind in api.kinds)

    for change in api.changes:
        for at in change.at:
            where_ = f"{_new_place(api, at)}." if at else ""
            if isinstance(change, Renamed):
                assert in_replacement(where_ + change.new), change
                for name, _ in change.sets:
                    assert in_replacement(where_ + name), change
                if '"' not in change.field and (api.api_version, change.field) not in OLD_NAME_REUSED:
                    assert not in_replacement(where_ + change.field), change
            elif isinstance(change, Removed):
                assert not in_replacement(where_ + change.field), change
            else:
                assert in_replacement(where_ + change.field), change
            if isinstance(change, Required) and change.like:
                assert in_replacement(change.like), change
            if isinstance(change, Disallowed) and change.instead:
                assert in_replacement(change.instead), change


@pytest.mark.parametrize("api", [pytest.param(a, id=a.api_version) for a in KUBERNETES_APIS
                                 if a.changes and any(_served(v, k, a.api_version) for v in VERSIONS for k in a.kinds)])
def test_the_old_fields_are_in_the_old_schema_where_it_is_bundled(api):
    version = next(v for v in VERSIONS if any(_served(v, k, api.api_version) for k in api.kinds))
    for change in api.changes:
        if isinstance(change, (Renamed, Removed)):
            for at in change.at:
                path = f"{at}.{change.field}" if at else change.field
                assert any(_has(version, kind, api.api_version, path) for kind in api.kinds), change


def _new_place(api, at: str) -> str:
    """Where a place of the old object sits in the replacement: spec.backend is spec.defaultBackend."""
    for change in api.changes:
        if isinstance(change, Renamed) and len(change.at) == 1:
            old = f"{change.at[0]}.{change.field}" if change.at[0] else change.field
            if at == old or at.startswith(old + ".") or at.startswith(old + "["):
                new = f"{change.at[0]}.{change.new}" if change.at[0] else change.new
                return new + at[len(old):]
    return at


def test_the_schema_reader_tells_fields_apart():
    assert _has(NEWEST, "Ingress", "networking.k8s.io/v1", "spec.rules[].http.paths[].backend.service.port.number")
    assert not _has(NEWEST, "Ingress", "networking.k8s.io/v1", "spec.backend")
    assert not _has(NEWEST, "Ingress", "extensions/v1beta1", "spec")


# -- Lookups -----------------------------------------------------------------------------------------

def test_autoscaling_v2beta2_is_deprecated_on_1_25_and_removed_on_1_29():
    on_1_25 = lookup("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.25")
    assert on_1_25 is not None and not on_1_25.removed and on_1_25.replacement == "autoscaling/v2"
    on_1_29 = lookup("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.29")
    assert on_1_29 is not None and on_1_29.removed and on_1_29.api.removed == "1.26"


def test_current_and_unknown_apis_have_no_verdict():
    assert lookup("apps/v1", "Deployment", NEWEST) is None
    assert lookup("networking.k8s.io/v1", "Ingress", "1.25") is None
    assert lookup("example.com/v1", "Widget", NEWEST) is None
    assert lookup("extensions/v1beta1", "Widget", NEWEST) is None  # the guide lists kinds, not whole versions


def test_an_api_is_quiet_before_its_deprecation():
    assert lookup("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.28") is None
    deprecated = lookup("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.29")
    assert deprecated is not None and not deprecated.removed
    assert lookup("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.32").removed


def test_replacements_are_followed_while_they_are_deprecated_too():
    on_1_27 = lookup("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration", "1.27")
    assert on_1_27.replacement == "flowcontrol.apiserver.k8s.io/v1beta3" and on_1_27.since == "1.26"
    assert [type(c).__name__ for c in on_1_27.changes] == ["Renamed"]
    newest = lookup("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration", NEWEST)
    assert newest.replacement == "flowcontrol.apiserver.k8s.io/v1" and newest.since == "1.29"
    assert [type(c).__name__ for c in newest.changes] == ["Renamed", "Meaning"]


def test_pod_security_policy_has_no_replacement():
    for api_version in ("extensions/v1beta1", "policy/v1beta1"):
        verdict = lookup(api_version, "PodSecurityPolicy", NEWEST)
        assert verdict.removed and verdict.replacement is None and verdict.instead == api_changes.PSA


def test_ecosystem_apis_are_judged_by_their_project_whatever_the_kubernetes_version():
    for version in (VERSIONS[0], NEWEST):
        traefik = lookup("traefik.containo.us/v1alpha1", "IngressRoute", version)
        assert traefik.api.project == api_changes.TRAEFIK and traefik.removed and traefik.replacement == "traefik.io/v1alpha1"
        route = lookup("gateway.networking.k8s.io/v1beta1", "HTTPRoute", version)
        assert not route.removed and route.replacement == "gateway.networking.k8s.io/v1"
    assert lookup("gateway.networking.k8s.io/v1", "HTTPRoute", NEWEST) is None
    assert lookup("traefik.io/v1alpha1", "IngressRoute", NEWEST) is None
    assert removal("traefik.containo.us/v1alpha1", "IngressRoute", NEWEST) is None  # never api-removed


def test_a_kind_entry_wins_over_the_entry_for_every_kind():
    assert lookup("certmanager.k8s.io/v1alpha1", "Order", NEWEST).replacement == "acme.cert-manager.io/v1"
    assert lookup("certmanager.k8s.io/v1alpha1", "Certificate", NEWEST).replacement == "cert-manager.io/v1"
    assert lookup("acme.cert-manager.io/v1beta1", "Challenge", NEWEST).replacement == "acme.cert-manager.io/v1"


def test_ecosystem_chains_end_at_a_current_version():
    for api in ECOSYSTEM_APIS:
        for kind in api.kinds or ("Anything",):
            verdict = lookup(api.api_version, kind, NEWEST)
            final = apis.entry(verdict.replacement, kind)
            assert final is None, f"{api.api_version} {kind} ends at {verdict.replacement}, itself in the table"


def test_removal_is_for_built_in_apis_the_target_no_longer_serves():
    assert removal("extensions/v1beta1", "Ingress", "1.25").removed == "1.22"
    assert removal("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.25") is None  # deprecated, still served
    assert removal("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26") is not None
    assert removal("apps/v1", "Deployment", NEWEST) is None


# -- Which changes touch an object ---------------------------------------------------------------------

def _ingress_changes():
    return apis.entry("extensions/v1beta1", "Ingress").changes


def test_an_ingress_backend_port_moves_by_its_type():
    ingress = {"spec": {"rules": [{"http": {"paths": [
        {"backend": {"serviceName": "web", "servicePort": 80}, "pathType": "Prefix"},
        {"backend": {"serviceName": "api", "servicePort": 80}}]}}]}}
    touched = {(c.field, c.new if isinstance(c, Renamed) else "") for c in _ingress_changes() if where(c, ingress)}
    assert touched == {("serviceName", "service.name"), ("servicePort", "service.port.number"), ("pathType", "")}
    named = {"spec": {"backend": {"serviceName": "web", "servicePort": "http"}}}
    touched = {(c.field, getattr(c, "new", "")) for c in _ingress_changes() if where(c, named)}
    assert touched == {("backend", "defaultBackend"), ("serviceName", "service.name"),
                       ("servicePort", "service.port.name")}
    assert where(_ingress_changes()[1], named) == ("spec.backend",)


def test_a_default_applies_where_the_field_is_unset_even_without_its_parent():
    change = Default("maxSurge", 1, "25%", ("spec.strategy.rollingUpdate",))
    assert where(change, {"spec": {}})
    assert not where(change, {"spec": {"strategy": {"rollingUpdate": {"maxSurge": 2}}}})
    required = Required("pathType", ("spec.rules[].http.paths[]",))
    assert not where(required, {"spec": {}})  # no path, nothing to require


def test_meanings_and_refusals_need_the_exact_value():
    pdb = apis.entry("policy/v1beta1", "PodDisruptionBudget").changes[0]
    assert where(pdb, {"spec": {"selector": {}}})
    assert not where(pdb, {"spec": {"selector": {"matchLabels": {"app": "web"}}}})
    assert not where(pdb, {"spec": {}})  # unset selects nothing in both versions
    refused = Disallowed("preserveUnknownFields", True, ("spec",))
    assert where(refused, {"spec": {"preserveUnknownFields": True}})
    assert not where(refused, {"spec": {"preserveUnknownFields": 1}})


def test_unique_names_in_a_list():
    unique = api_changes.Unique("name", ("webhooks[]",))
    assert where(unique, {"webhooks": [{"name": "a"}, {"name": "a"}]})
    assert not where(unique, {"webhooks": [{"name": "a"}, {"name": "b"}]})


def test_paths_with_dotted_keys():
    assert apis.segments('endpoints[].topology["kubernetes.io/hostname"]') == (
        "endpoints", "[]", "topology", "kubernetes.io/hostname")
    change = apis.entry("discovery.k8s.io/v1beta1", "EndpointSlice").changes[0]
    assert where(change, {"endpoints": [{"topology": {"kubernetes.io/hostname": "node-1"}}]})
    assert not where(change, {"endpoints": [{"topology": {"topology.kubernetes.io/zone": "a"}}]})


def test_wrong_types_anywhere_never_raise():
    for api in KUBERNETES_APIS:
        for change in api.changes:
            for data in ({}, {"spec": "x"}, {"spec": [1]}, {"spec": {"rules": "x", "metrics": [None, 3]}},
                         {"webhooks": {"a": 1}}, {"endpoints": [None, "x"]}):
                where(change, data)


# -- Helpers: the bundled schemas, read as data ----------------------------------------------------------

@lru_cache(maxsize=None)
def _definitions(version: str) -> dict[str, Any]:
    folder = schema._SCHEMAS.joinpath(f"v{version}.0-local-strict")
    contents = json.loads(folder.joinpath("_definitions.json").read_text(encoding="utf-8"))
    return contents.get("$defs") or contents.get("definitions") or {}


_META_KINDS = {"DeleteOptions", "WatchEvent", "Status", "APIGroup", "APIGroupList", "APIResourceList", "APIVersions"}


def _top_level_kinds(version: str) -> set[tuple[str, str]]:
    found = set()
    for definition in _definitions(version).values():
        for gvk in definition.get("x-kubernetes-group-version-kind", []):
            group = gvk["group"]
            if gvk["kind"].endswith("List") or gvk["kind"] in _META_KINDS:
                continue
            found.add((f"{group}/{gvk['version']}" if group else gvk["version"], gvk["kind"]))
    return found


def _resolved(node: Any, version: str) -> dict[str, Any]:
    while isinstance(node, dict) and "$ref" in node:
        node = _definitions(version)[node["$ref"].rsplit("/", 1)[-1]]
    return node if isinstance(node, dict) else {}


def _has(version: str, kind: str, api_version: Optional[str], path: str) -> bool:
    """Whether the schema of this kind has the field at `path` (apis' path syntax)."""
    check = schema.validator(version, kind, api_version) if api_version else None
    if check is None:
        return False
    node: dict[str, Any] = check.schema
    for part in apis.segments(path):
        node = _resolved(node, version)
        if part == "[]":
            node = node.get("items")
        else:
            node = (node.get("properties") or {}).get(part)
        if node is None:
            return False
    return True


def test_an_api_the_table_leaves_out_is_unserved_where_the_bundled_schemas_lack_it():
    kinds_by_version = {version: _top_level_kinds(version) for version in VERSIONS}
    for before, after in zip(VERSIONS, VERSIONS[1:]):
        for api_version, kind in kinds_by_version[before] - kinds_by_version[after]:
            if apis.entry(api_version, kind) is not None:
                assert apis.unserved(api_version, kind, after) is None  # the table speaks for it
                continue
            gone = apis.unserved(api_version, kind, after)
            assert gone is not None and gone.removed == after and gone.last == before
            assert apis.unserved(api_version, kind, before) is None
        for api_version, kind in kinds_by_version[after] - kinds_by_version[before]:
            if apis.entry(api_version, kind) is None:
                early = apis.unserved(api_version, kind, before)
                assert early is not None and early.first == after and early.removed == ""


def test_custom_resources_and_current_apis_are_never_unserved():
    assert apis.unserved("gateway.networking.k8s.io/v1", "HTTPRoute", NEWEST) is None
    assert apis.unserved("example.com/v1", "Deployment", NEWEST) is None
    assert apis.unserved("apps/v1", "Deployment", NEWEST) is None
    gone = apis.unserved("resource.k8s.io/v1alpha2", "ResourceClaim", NEWEST)
    assert gone is not None and gone.served_as[0] == "resource.k8s.io/v1"  # GA preferred
