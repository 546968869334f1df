"""Which API versions Kubernetes, and the projects whose custom resources kportlint reads, deprecated
and stopped serving: the facts behind api-removed and api-deprecated. Data and lookups, no prose.

Sources (each part below names its own):
- Kubernetes: the Deprecated API Migration Guide, https://kubernetes.io/docs/reference/using-api/deprecation-guide/
  (sections v1.32, v1.29, v1.27, v1.26, v1.25, v1.22, v1.16): what is removed when, the replacement, the
  version it is served since, and the notable changes. The version that *deprecated* an API is not in
  the guide: from 1.22's removals on it is the API's `prerelease-lifecycle-gen:deprecated` tag
  (k8s.io/api/<group>/<version>/zz_generated.prerelease-lifecycle.go), the release from which the API
  server warns; for 1.16's removals, the release notes as FairwindsOps/pluto's versions.yaml collects
  them. (Those older values decide no verdict: every bundled schema version is past those removals.)
- Ecosystem groups are dropped by their own project's releases, not by a Kubernetes version; see
  ECOSYSTEM below.

tests/test_apis.py checks the Kubernetes part against the schemas kubernetes-validate bundles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator, Optional, Union

KUBERNETES = "Kubernetes"
GATEWAY_API = "Gateway API"
TRAEFIK = "Traefik"
CERT_MANAGER = "cert-manager"
PSA = "pod-security-admission"  # what replaces PodSecurityPolicy: no API, an admission controller

ROOT = ("",)


# -- What changes in the object beyond its apiVersion line ------------------------------------------
# `at` names the places a field sits, as dotted paths from the object's root ("" is the root,
# "spec.rules[].http.paths[]" every path item); `field` (and `new`) are relative to each place.
# A key with dots or slashes is written in brackets: topology["kubernetes.io/hostname"].


@dataclass(frozen=True)
class Renamed:
    """The field moved: the replacement has `new` (relative to the same place) instead."""
    field: str
    new: str
    at: tuple[str, ...] = ROOT
    value_type: str = ""  # "integer" or "string": only values of that JSON type move to `new`
    sets: tuple[tuple[str, str], ...] = ()  # what the new form needs beside it: (("target.type", "Utilization"),)


@dataclass(frozen=True)
class Removed:
    """The field no longer exists; nothing takes its place."""
    field: str
    at: tuple[str, ...] = ROOT


@dataclass(frozen=True)
class Required:
    """The field, optional (or defaulted) before, must be set."""
    field: str
    at: tuple[str, ...] = ROOT
    values: tuple[str, ...] = ()  # the values it takes, when they are few
    keeps: str = ""  # the value that keeps the old behaviour
    like: str = ""  # a path of the object whose value is the usual choice (a template's labels)


@dataclass(frozen=True)
class Allowed:
    """Only these values are accepted now."""
    field: str
    values: tuple[Any, ...]
    at: tuple[str, ...] = ROOT


@dataclass(frozen=True)
class Disallowed:
    """This value is refused now; `instead` (a path from the root, set to `instead_value`) says it."""
    field: str
    value: Any
    at: tuple[str, ...] = ROOT
    instead: str = ""
    instead_value: Any = None


@dataclass(frozen=True)
class Unique:
    """The items of the list at `at` must differ in `field`."""
    field: str
    at: tuple[str, ...]


@dataclass(frozen=True)
class Default:
    """Left unset, the field now defaults to `new` (it defaulted to `old`; None: no limit)."""
    field: str
    old: Any
    new: Any
    at: tuple[str, ...] = ROOT


@dataclass(frozen=True)
class Meaning:
    """The same written value means something else now: `old` and `new` are values or MEANING tokens."""
    field: str
    value: Any
    old: Any
    new: Any
    at: tuple[str, ...] = ROOT


NO_PODS, ALL_PODS = "no-pods", "all-pods"  # Meaning tokens: what a selector selects

Change = Union[Renamed, Removed, Required, Allowed, Disallowed, Unique, Default, Meaning]


@dataclass(frozen=True)
class Api:
    """One deprecated API: an apiVersion, for some kinds or (kinds empty) every kind it has."""
    api_version: str
    kinds: tuple[str, ...]
    deprecated: str  # the release that deprecated it ("1.23", or the project's "v1.0.0")
    removed: Optional[str]  # the release that stopped serving it; None: not yet
    replacement: Optional[str]  # the apiVersion to use instead (same kind); None: nothing replaces it
    since: str = ""  # the release the replacement is served from
    changes: tuple[Change, ...] = ()
    project: str = KUBERNETES
    instead: str = ""  # without a replacement: what takes its place (PSA)


def _k8s(api_version: str, kinds: tuple[str, ...], deprecated: str, removed: str, replacement: Optional[str],
         since: str = "", changes: tuple[Change, ...] = (), instead: str = "") -> Api:
    return Api(api_version, kinds, deprecated, removed, replacement, since, changes, KUBERNETES, instead)


# -- Kubernetes --------------------------------------------------------------------------------------

_SELECTOR = Required("selector", ("spec",), like="spec.template.metadata.labels")
_BACKENDS = ("spec.backend", "spec.rules[].http.paths[].backend")
_INGRESS = (  # guide, v1.22 "Ingress"
    Renamed("backend", "defaultBackend", ("spec",)),
    Renamed("serviceName", "service.name", _BACKENDS),
    Renamed("servicePort", "service.port.number", _BACKENDS, value_type="integer"),
    Renamed("servicePort", "service.port.name", _BACKENDS, value_type="string"),
    Required("pathType", ("spec.rules[].http.paths[]",), ("Prefix", "Exact", "ImplementationSpecific"),
             keeps="ImplementationSpecific"),
)
_WEBHOOKS = (  # guide, v1.22 "Webhook resources"
    Required("sideEffects", ("webhooks[]",), ("None", "NoneOnDryRun")),
    Allowed("sideEffects", ("None", "NoneOnDryRun"), ("webhooks[]",)),
    Required("admissionReviewVersions", ("webhooks[]",), ("v1", "v1beta1")),
    Unique("name", ("webhooks[]",)),
    Default("failurePolicy", "Ignore", "Fail", ("webhooks[]",)),
    Default("matchPolicy", "Exact", "Equivalent", ("webhooks[]",)),
    Default("timeoutSeconds", 30, 10, ("webhooks[]",)),
)
_PRINTER_COLUMNS = ("spec.additionalPrinterColumns[]", "spec.versions[].additionalPrinterColumns[]")
_CRD = (  # guide, v1.22 "CustomResourceDefinition"
    Required("scope", ("spec",), ("Namespaced", "Cluster")),
    Renamed("version", "versions", ("spec",)),
    Renamed("validation", "versions[].schema", ("spec",)),
    Renamed("subresources", "versions[].subresources", ("spec",)),
    Renamed("additionalPrinterColumns", "versions[].additionalPrinterColumns", ("spec",)),
    Renamed("webhookClientConfig", "webhook.clientConfig", ("spec.conversion",)),
    Renamed("conversionReviewVersions", "webhook.conversionReviewVersions", ("spec.conversion",)),
    Renamed("JSONPath", "jsonPath", _PRINTER_COLUMNS),
    Required("schema.openAPIV3Schema", ("spec.versions[]",)),
    Disallowed("preserveUnknownFields", True, ("spec",),
               "spec.versions[].schema.openAPIV3Schema.x-kubernetes-preserve-unknown-fields", True),
)
_CSR = (  # guide, v1.22 "CertificateSigningRequest" (the status rules concern signers, not manifests)
    Required("signerName", ("spec",)),
    Disallowed("signerName", "kubernetes.io/legacy-unknown", ("spec",)),
    Required("usages", ("spec",)),
)
_METRICS = "spec.metrics[]."
_HPA_V2BETA1 = (
    # The guide (v1.25 "HorizontalPodAutoscaler") names targetAverageUtilization; the rest of the v2
    # metric shape is the autoscaling/v2beta1 and autoscaling/v2 API reference (MetricSpec's sources).
    Renamed("targetAverageUtilization", "target.averageUtilization", (_METRICS + "resource",),
            sets=(("target.type", "Utilization"),)),
    Renamed("targetAverageValue", "target.averageValue",
            (_METRICS + "resource", _METRICS + "pods", _METRICS + "external"), sets=(("target.type", "AverageValue"),)),
    Renamed("metricName", "metric.name", (_METRICS + "pods", _METRICS + "object", _METRICS + "external")),
    Renamed("selector", "metric.selector", (_METRICS + "pods", _METRICS + "object")),
    Renamed("metricSelector", "metric.selector", (_METRICS + "external",)),
    Renamed("target", "describedObject", (_METRICS + "object",)),
    Renamed("targetValue", "target.value", (_METRICS + "object", _METRICS + "external"),
            sets=(("target.type", "Value"),)),
    Renamed("averageValue", "target.averageValue", (_METRICS + "object",), sets=(("target.type", "AverageValue"),)),
)
_EVENT = (  # guide, v1.25 "Event"
    Allowed("type", ("Normal", "Warning")),
    Renamed("involvedObject", "regarding"),
    Required("action"), Required("reason"), Required("reportingController"), Required("reportingInstance"),
    Renamed("firstTimestamp", "eventTime"),
    Renamed("lastTimestamp", "series.lastObservedTime"),
    Renamed("count", "series.count"),
    Renamed("source.component", "reportingController"),
    Renamed("source.host", "reportingInstance"),
)
_ENDPOINTSLICE = (  # guide, v1.25 "EndpointSlice"
    Renamed('topology["kubernetes.io/hostname"]', "nodeName", ("endpoints[]",)),
    Renamed('topology["topology.kubernetes.io/zone"]', "zone", ("endpoints[]",)),
    Removed("topology", ("endpoints[]",)),  # v1 keeps only deprecatedTopology, which cannot be written
)
_FLOWCONTROL = ("FlowSchema", "PriorityLevelConfiguration")

KUBERNETES_APIS: tuple[Api, ...] = (
    # guide, v1.16. extensions/v1beta1 and apps/v1beta1 defaulted the selector from the template's
    # labels; apps/v1beta2 already required it and had apps/v1's defaults, so it changes nothing.
    _k8s("extensions/v1beta1", ("Deployment",), "1.9", "1.16", "apps/v1", "1.9", (
        Removed("rollbackTo", ("spec",)), _SELECTOR,
        Default("progressDeadlineSeconds", None, 600, ("spec",)),
        Default("revisionHistoryLimit", None, 10, ("spec",)),
        Default("maxSurge", 1, "25%", ("spec.strategy.rollingUpdate",)),
        Default("maxUnavailable", 1, "25%", ("spec.strategy.rollingUpdate",)))),
    _k8s("apps/v1beta1", ("Deployment",), "1.9", "1.16", "apps/v1", "1.9", (
        Removed("rollbackTo", ("spec",)), _SELECTOR, Default("revisionHistoryLimit", 2, 10, ("spec",)))),
    _k8s("apps/v1beta2", ("Deployment",), "1.9", "1.16", "apps/v1", "1.9"),
    _k8s("extensions/v1beta1", ("DaemonSet",), "1.9", "1.16", "apps/v1", "1.9", (
        Removed("templateGeneration", ("spec",)), _SELECTOR,
        Default("type", "OnDelete", "RollingUpdate", ("spec.updateStrategy",)))),
    _k8s("apps/v1beta2", ("DaemonSet",), "1.9", "1.16", "apps/v1", "1.9"),
    _k8s("apps/v1beta1", ("StatefulSet",), "1.9", "1.16", "apps/v1", "1.9", (
        _SELECTOR, Default("type", "OnDelete", "RollingUpdate", ("spec.updateStrategy",)))),
    _k8s("apps/v1beta2", ("StatefulSet",), "1.9", "1.16", "apps/v1", "1.9"),
    _k8s("extensions/v1beta1", ("ReplicaSet",), "1.9", "1.16", "apps/v1", "1.9", (_SELECTOR,)),
    _k8s("apps/v1beta1", ("ReplicaSet",), "1.9", "1.16", "apps/v1", "1.9", (_SELECTOR,)),
    _k8s("apps/v1beta2", ("ReplicaSet",), "1.9", "1.16", "apps/v1", "1.9"),
    _k8s("extensions/v1beta1", ("NetworkPolicy",), "1.9", "1.16", "networking.k8s.io/v1", "1.8"),
    _k8s("extensions/v1beta1", ("PodSecurityPolicy",), "1.10", "1.16", "policy/v1beta1", "1.10"),
    # guide, v1.22
    _k8s("admissionregistration.k8s.io/v1beta1", ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"),
         "1.16", "1.22", "admissionregistration.k8s.io/v1", "1.16", _WEBHOOKS),
    _k8s("apiextensions.k8s.io/v1beta1", ("CustomResourceDefinition",), "1.16", "1.22", "apiextensions.k8s.io/v1",
         "1.16", _CRD),
    _k8s("apiregistration.k8s.io/v1beta1", ("APIService",), "1.19", "1.22", "apiregistration.k8s.io/v1", "1.10"),
    _k8s("authentication.k8s.io/v1beta1", ("TokenReview",), "1.19", "1.22", "authentication.k8s.io/v1", "1.6"),
    _k8s("authorization.k8s.io/v1beta1", ("LocalSubjectAccessReview", "SelfSubjectAccessReview",
                                          "SubjectAccessReview", "SelfSubjectRulesReview"),
         "1.19", "1.22", "authorization.k8s.io/v1", "1.6", (Renamed("group", "groups", ("spec",)),)),
    _k8s("certificates.k8s.io/v1beta1", ("CertificateSigningRequest",), "1.19", "1.22", "certificates.k8s.io/v1",
         "1.19", _CSR),
    _k8s("coordination.k8s.io/v1beta1", ("Lease",), "1.19", "1.22", "coordination.k8s.io/v1", "1.14"),
    _k8s("extensions/v1beta1", ("Ingress",), "1.14", "1.22", "networking.k8s.io/v1", "1.19", _INGRESS),
    _k8s("networking.k8s.io/v1beta1", ("Ingress",), "1.19", "1.22", "networking.k8s.io/v1", "1.19", _INGRESS),
    _k8s("networking.k8s.io/v1beta1", ("IngressClass",), "1.19", "1.22", "networking.k8s.io/v1", "1.19"),
    _k8s("rbac.authorization.k8s.io/v1beta1", ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"),
         "1.17", "1.22", "rbac.authorization.k8s.io/v1", "1.8"),
    _k8s("scheduling.k8s.io/v1beta1", ("PriorityClass",), "1.14", "1.22", "scheduling.k8s.io/v1", "1.14"),
    _k8s("storage.k8s.io/v1beta1", ("CSIDriver",), "1.19", "1.22", "storage.k8s.io/v1", "1.19"),
    _k8s("storage.k8s.io/v1beta1", ("CSINode",), "1.17", "1.22", "storage.k8s.io/v1", "1.17"),
    _k8s("storage.k8s.io/v1beta1", ("StorageClass",), "1.19", "1.22", "storage.k8s.io/v1", "1.6"),
    _k8s("storage.k8s.io/v1beta1", ("VolumeAttachment",), "1.19", "1.22", "storage.k8s.io/v1", "1.13"),
    # guide, v1.25
    _k8s("batch/v1beta1", ("CronJob",), "1.21", "1.25", "batch/v1", "1.21"),
    _k8s("discovery.k8s.io/v1beta1", ("EndpointSlice",), "1.21", "1.25", "discovery.k8s.io/v1", "1.21",
         _ENDPOINTSLICE),
    _k8s("events.k8s.io/v1beta1", ("Event",), "1.22", "1.25", "events.k8s.io/v1", "1.19", _EVENT),
    _k8s("autoscaling/v2beta1", ("HorizontalPodAutoscaler",), "1.22", "1.25", "autoscaling/v2", "1.23",
         _HPA_V2BETA1),
    _k8s("policy/v1beta1", ("PodDisruptionBudget",), "1.21", "1.25", "policy/v1", "1.21",
         (Meaning("selector", {}, NO_PODS, ALL_PODS, ("spec",)),)),
    _k8s("policy/v1beta1", ("PodSecurityPolicy",), "1.21", "1.25", None, instead=PSA),
    _k8s("node.k8s.io/v1beta1", ("RuntimeClass",), "1.22", "1.25", "node.k8s.io/v1", "1.20"),
    # guide, v1.26. Its HorizontalPodAutoscaler note repeats v1.25's, but autoscaling/v2beta2 already
    # has v2's metric shape (target.averageUtilization): the bundled 1.25 schemas show it.
    _k8s("flowcontrol.apiserver.k8s.io/v1beta1", _FLOWCONTROL, "1.23", "1.26",
         "flowcontrol.apiserver.k8s.io/v1beta2", "1.23"),
    _k8s("autoscaling/v2beta2", ("HorizontalPodAutoscaler",), "1.23", "1.26", "autoscaling/v2", "1.23"),
    # guide, v1.27
    _k8s("storage.k8s.io/v1beta1", ("CSIStorageCapacity",), "1.24", "1.27", "storage.k8s.io/v1", "1.24"),
    # guide, v1.29 (it names v1, or v1beta3 for clusters before 1.29: lookup() follows the chain)
    _k8s("flowcontrol.apiserver.k8s.io/v1beta2", _FLOWCONTROL, "1.26", "1.29",
         "flowcontrol.apiserver.k8s.io/v1beta3", "1.26",
         (Renamed("assuredConcurrencyShares", "nominalConcurrencyShares", ("spec.limited",)),)),
    # guide, v1.32
    _k8s("flowcontrol.apiserver.k8s.io/v1beta3", _FLOWCONTROL, "1.29", "1.32", "flowcontrol.apiserver.k8s.io/v1",
         "1.29", (Meaning("nominalConcurrencyShares", 0, 30, 0, ("spec.limited",)),)),
)


# -- Ecosystem: reported as deprecated whatever the Kubernetes version -------------------------------

def _eco(project: str, api_version: str, kinds: tuple[str, ...], deprecated: str, removed: Optional[str],
         replacement: str, since: str) -> Api:
    return Api(api_version, kinds, deprecated, removed, replacement, since, (), project)


_GATEWAY = "gateway.networking.k8s.io/"
ECOSYSTEM_APIS: tuple[Api, ...] = (
    # Gateway API, CHANGELOG/0.x-CHANGELOG.md: v0.6.0 deprecated v1alpha2 of Gateway, GatewayClass and
    # HTTPRoute (#1405), v0.8.0 stopped serving it (#2069) and deprecated ReferenceGrant v1alpha2.
    # CHANGELOG/1.0-CHANGELOG.md: Gateway, GatewayClass and HTTPRoute are GA as v1 in v1.0.0, and the
    # project phases beta versions out (site-src/concepts/versioning.md); no release drops v1beta1 yet.
    # 1.1: GRPCRoute v1; 1.2-CHANGELOG.md: v1alpha2 of GRPCRoute and ReferenceGrant no longer served.
    # 1.5-CHANGELOG.md: TLSRoute v1, its v1alpha2 gone, v1alpha3 deprecated. ReferenceGrant gets a v1
    # there too, but nothing deprecates its v1beta1, which every release from v0.6.0 on serves: so
    # ReferenceGrant v1alpha2 points at v1beta1, and v1beta1 is current.
    # 1.6-CHANGELOG.md: TCPRoute and UDPRoute v1, their v1alpha2 deprecated.
    _eco(GATEWAY_API, _GATEWAY + "v1alpha2", ("Gateway", "GatewayClass", "HTTPRoute"), "v0.6.0", "v0.8.0",
         _GATEWAY + "v1", "v1.0.0"),
    _eco(GATEWAY_API, _GATEWAY + "v1beta1", ("Gateway", "GatewayClass", "HTTPRoute"), "v1.0.0", None,
         _GATEWAY + "v1", "v1.0.0"),
    _eco(GATEWAY_API, _GATEWAY + "v1alpha2", ("GRPCRoute",), "v1.1.0", "v1.2.0", _GATEWAY + "v1", "v1.1.0"),
    _eco(GATEWAY_API, _GATEWAY + "v1alpha2", ("ReferenceGrant",), "v0.8.0", "v1.2.0", _GATEWAY + "v1beta1", "v0.6.0"),
    _eco(GATEWAY_API, _GATEWAY + "v1alpha2", ("TLSRoute",), "v1.5.0", "v1.5.0", _GATEWAY + "v1", "v1.5.0"),
    _eco(GATEWAY_API, _GATEWAY + "v1alpha3", ("TLSRoute",), "v1.5.0", None, _GATEWAY + "v1", "v1.5.0"),
    _eco(GATEWAY_API, _GATEWAY + "v1alpha2", ("TCPRoute", "UDPRoute"), "v1.6.0", None, _GATEWAY + "v1", "v1.6.0"),
    # Traefik, docs/content/deprecation/features.md and migration/v2.md (v2.10): the API group
    # traefik.containo.us is deprecated in 2.10 and its support ends with Traefik v3; use traefik.io.
    _eco(TRAEFIK, "traefik.containo.us/v1alpha1", (), "2.10", "3.0", "traefik.io/v1alpha1", "2.10"),
    # cert-manager, docs/releases/upgrading/remove-deprecated-apis: v1alpha2, v1alpha3 and v1beta1 of
    # cert-manager.io and acme.cert-manager.io were deprecated in 1.4, are no longer served in 1.6 and
    # were removed from the CRDs in 1.7; v1 exists since 1.0. The certmanager.k8s.io group was
    # replaced by cert-manager.io (and acme.cert-manager.io) in 0.11 (pluto's versions.yaml).
    _eco(CERT_MANAGER, "certmanager.k8s.io/v1alpha1", (), "0.11", "0.11", "cert-manager.io/v1", "1.0"),
    _eco(CERT_MANAGER, "certmanager.k8s.io/v1alpha1", ("Order", "Challenge"), "0.11", "0.11",
         "acme.cert-manager.io/v1", "1.0"),
    *(_eco(CERT_MANAGER, f"{group}/{version}", (), "1.4", "1.6", f"{group}/v1", "1.0")
      for group in ("cert-manager.io", "acme.cert-manager.io") for version in ("v1alpha2", "v1alpha3", "v1beta1")),
)

APIS: tuple[Api, ...] = KUBERNETES_APIS + ECOSYSTEM_APIS


def _index() -> dict[tuple[str, str], Api]:
    found: dict[tuple[str, str], Api] = {}
    for api in APIS:
        for kind in api.kinds or ("",):
            key = (api.api_version, kind)
            if key in found:
                raise ValueError(f"two entries for {key}")
            found[key] = api
    return found


_BY_KEY = _index()


def entry(api_version: str, kind: str) -> Optional[Api]:
    """The table's entry for this apiVersion and kind (an entry for every kind of it counts), or None."""
    return _BY_KEY.get((api_version, kind)) or _BY_KEY.get((api_version, ""))


def minor(version: str) -> tuple[int, int]:
    """`1.30` (or `v1.30.2`) -> (1, 30)."""
    match = re.match(r"^v?(\d+)\.(\d+)", version.strip())
    if not match:
        raise ValueError(f"'{version}' is not a Kubernetes version like 1.30")
    return int(match.group(1)), int(match.group(2))


def _reached(release: Optional[str], version: str) -> bool:
    return release is not None and minor(version) >= minor(release)


@dataclass(frozen=True)
class Verdict:
    """An object's API, judged for one Kubernetes version."""
    api: Api
    removed: bool  # the target no longer serves it (Kubernetes), or the project's release dropped it
    replacement: Optional[str]  # the apiVersion to use there, past replacements that are gone or deprecated too
    since: str  # the release that serves the replacement
    changes: tuple[Change, ...] = ()  # every change on the way there
    instead: str = ""  # no replacement: what takes the API's place


def lookup(api_version: str, kind: str, version: str) -> Optional[Verdict]:
    """The verdict on this apiVersion and kind for Kubernetes `version` (X.Y), or None when the API is
    current there. An ecosystem API is judged by its project's releases, whatever `version` says."""
    api = entry(api_version, kind)
    if api is None:
        return None
    built_in = api.project == KUBERNETES
    if built_in and not _reached(api.deprecated, version):
        return None
    removed = _reached(api.removed, version) if built_in else api.removed is not None
    replacement, since, changes, instead = api.replacement, api.since, list(api.changes), api.instead
    seen = {id(api)}
    while replacement is not None:
        following = entry(replacement, kind)
        # a deprecated API's replacement is served where it is deprecated, so follow it there too
        if following is None or id(following) in seen or (built_in and not _reached(following.deprecated, version)):
            break
        seen.add(id(following))
        replacement, since, instead = following.replacement, following.since, following.instead
        changes.extend(following.changes)
    return Verdict(api, removed, replacement, since, tuple(changes), instead)


def removal(api_version: str, kind: str, version: str) -> Optional[Api]:
    """The entry of a built-in API that Kubernetes `version` no longer serves, else None. (The schema
    check skips such objects: api-removed reports them.)"""
    api = entry(api_version, kind)
    return api if api is not None and api.project == KUBERNETES and _reached(api.removed, version) else None


# -- Which changes an object is touched by -----------------------------------------------------------

_TOKEN = re.compile(r'\.?(?:\["([^"]+)"\]|(\[\])|([^.\[\]]+))')


def segments(path: str) -> tuple[str, ...]:
    """`spec.rules[].http` -> ("spec", "rules", "[]", "http"); `topology["a.b/c"]` -> ("topology", "a.b/c")."""
    found, position = [], 0
    while position < len(path):
        match = _TOKEN.match(path, position)
        if match is None or match.end() == position:
            raise ValueError(f"cannot read the path {path!r}")
        found.append(match.group(1) or match.group(2) or match.group(3))
        position = match.end()
    return tuple(found)


def places(data: Any, at: str, virtual: bool = False) -> Iterator[dict[str, Any]]:
    """The mappings at path `at` ("" the root; `[]` every item of a list). With `virtual`, a missing
    mapping counts as an empty one (a default applies where nothing is written)."""
    current: list[Any] = [data]
    for part in segments(at) if at else ():
        following: list[Any] = []
        for value in current:
            if part == "[]":
                following.extend(value if isinstance(value, list) else [])
            elif isinstance(value, dict) and part in value:
                following.append(value[part])
            elif virtual and isinstance(value, dict):
                following.append({})
        current = following
    yield from (value for value in current if isinstance(value, dict))


def value_at(data: Any, path: str) -> tuple[bool, Any]:
    """(True, value) when `path` (no `[]`) is set in `data`, else (False, None)."""
    for part in segments(path):
        if not isinstance(data, dict) or part not in data:
            return False, None
        data = data[part]
    return True, data


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    return "integer" if isinstance(value, int) else "string" if isinstance(value, str) else ""


def where(change: Change, data: dict[str, Any]) -> tuple[str, ...]:
    """The places of `change.at` where it touches this object as written: a renamed or removed field
    it sets, a required one it lacks, a default it relies on, a value refused or meaning otherwise."""
    virtual = isinstance(change, (Required, Default))
    return tuple(at for at in change.at if _touches(change, list(places(data, at, virtual))))


def _touches(change: Change, mappings: list[dict[str, Any]]) -> bool:
    if isinstance(change, Unique):
        written = [repr(value) for found, value in (value_at(m, change.field) for m in mappings) if found]
        return len(written) != len(set(written))
    for mapping in mappings:
        found, value = value_at(mapping, change.field)
        if isinstance(change, Renamed) and found and change.value_type in ("", _json_type(value)):
            return True
        if isinstance(change, Removed) and found:
            return True
        if isinstance(change, (Required, Default)) and not found:
            return True
        if isinstance(change, Allowed) and found and value not in change.values:
            return True
        if isinstance(change, (Disallowed, Meaning)) and found and type(value) is type(change.value) \
                and value == change.value:
            return True
    return False
