"""Which API versions Kubernetes, and the projects whose custom resources kportlint reads, deprecated
and stopped serving: the facts behind api-removed and api-deprecated. Data, no prose (the lookups are
in apis.py, the shapes in api_changes.py).

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

from typing import Optional

from .api_changes import (ALL_PODS, CERT_MANAGER, GATEWAY_API, KUBERNETES, NO_PODS, PSA, TRAEFIK, Allowed, Api,
                          Change, Default, Disallowed, Meaning, Removed, Renamed, Required, Unique)

def _k8s(api_version: str, kinds: tuple[str, ...], deprecated: str, removed: str, replacement: Optional[str],
         since: str = "", changes: tuple[Change, ...] = (), instead: str = "", off_by_default: bool = False) -> Api:
    return Api(api_version, kinds, deprecated, removed, replacement, since, changes, KUBERNETES, instead,
               off_by_default)


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
    # Not in the guide: beta APIs introduced after 1.24, so never served unless the cluster turned them
    # on, but removed all the same. Their `prerelease-lifecycle-gen` tags (introduced, deprecated,
    # removed) in k8s.io/api; tests/test_apis.py checks each removal against the bundled schemas.
    _k8s("authentication.k8s.io/v1beta1", ("SelfSubjectReview",), "1.30", "1.33", "authentication.k8s.io/v1",
         "1.28", off_by_default=True),
    _k8s("admissionregistration.k8s.io/v1beta1", ("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"),
         "1.31", "1.34", "admissionregistration.k8s.io/v1", "1.30", off_by_default=True),
    _k8s("networking.k8s.io/v1beta1", ("IPAddress", "ServiceCIDR"), "1.34", "1.37", "networking.k8s.io/v1", "1.33",
         off_by_default=True),
    _k8s("storage.k8s.io/v1beta1", ("VolumeAttributesClass",), "1.34", "1.37", "storage.k8s.io/v1", "1.34",
         off_by_default=True),
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
