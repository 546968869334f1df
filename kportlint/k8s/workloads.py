"""Which objects create pods, where their pod template sits, and what the controller adds to it.

The table of kinds is the one place that knows this; configuration can extend it with custom kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ..model import Container, ContainerPort, Manifest, PodTemplate, join_pointer
from .names import DEFAULT_PROTOCOL, protocol_of
from .ports import is_int
from .selectors import ANY_VALUE, string_map

LABEL_SELECTOR = "label-selector"  # matchLabels / matchExpressions
MAP_SELECTOR = "map"  # plain key: value pairs


@dataclass(frozen=True)
class TemplateKind:
    kind: str
    groups: tuple[str, ...]  # API groups ("" is the core group)
    template: tuple[str, ...]  # path to the pod template; () when the object is the pod
    selector: Optional[tuple[str, ...]] = None  # path to the workload's own selector
    selector_style: str = LABEL_SELECTOR
    controller: str = ""  # which labels the controller adds to each pod


BUILTIN_KINDS: tuple[TemplateKind, ...] = (
    TemplateKind("Pod", ("",), ()),
    TemplateKind("Deployment", ("apps", "extensions"), ("spec", "template"), ("spec", "selector"),
                 controller="Deployment"),
    TemplateKind("ReplicaSet", ("apps", "extensions"), ("spec", "template"), ("spec", "selector")),
    TemplateKind("StatefulSet", ("apps",), ("spec", "template"), ("spec", "selector"),
                 controller="StatefulSet"),
    TemplateKind("DaemonSet", ("apps", "extensions"), ("spec", "template"), ("spec", "selector"),
                 controller="DaemonSet"),
    TemplateKind("ReplicationController", ("",), ("spec", "template"), ("spec", "selector"), MAP_SELECTOR),
    TemplateKind("Job", ("batch",), ("spec", "template"), ("spec", "selector"), controller="Job"),
    TemplateKind("CronJob", ("batch",), ("spec", "jobTemplate", "spec", "template"),
                 ("spec", "jobTemplate", "spec", "selector"), controller="CronJob"),
    TemplateKind("Rollout", ("argoproj.io",), ("spec", "template"), ("spec", "selector"),
                 controller="Rollout"),
    TemplateKind("DeploymentConfig", ("apps.openshift.io", ""), ("spec", "template"), ("spec", "selector"),
                 MAP_SELECTOR, controller="DeploymentConfig"),
)


# API groups served by Kubernetes itself. Objects of any other group are custom resources, whose
# operators may create pods that no manifest shows.
BUILTIN_GROUPS = frozenset({
    "", "apps", "batch", "autoscaling", "policy", "extensions", "networking.k8s.io", "discovery.k8s.io",
    "rbac.authorization.k8s.io", "storage.k8s.io", "admissionregistration.k8s.io", "apiextensions.k8s.io",
    "apiregistration.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "node.k8s.io",
    "certificates.k8s.io", "events.k8s.io", "flowcontrol.apiserver.k8s.io", "resource.k8s.io",
    "storagemigration.k8s.io", "internal.apiserver.k8s.io", "kustomize.config.k8s.io",
})


# Custom resources that only configure or point at other objects; their operators create no pods.
# A ServiceMonitor or a Certificate named like the app says nothing about where its pods come from.
_REFERENCE_GROUPS = frozenset({
    "cert-manager.io", "acme.cert-manager.io", "traefik.io", "traefik.containo.us", "networking.istio.io",
    "security.istio.io", "telemetry.istio.io", "external-secrets.io", "bitnami.com", "policy.linkerd.io",
    "cilium.io", "keda.sh", "autoscaling.k8s.io", "snapshot.storage.k8s.io", "kyverno.io",
    "templates.gatekeeper.sh", "constraints.gatekeeper.sh", "mutations.gatekeeper.sh",
    "source.toolkit.fluxcd.io", "notification.toolkit.fluxcd.io", "image.toolkit.fluxcd.io",
    "externaldns.k8s.io", "metallb.io", "gateway.networking.k8s.io", "split.smi-spec.io",
    "linkerd.io", "gateway.envoyproxy.io", "install.istio.io", "networking.gke.io", "cloud.google.com",
    "elbv2.k8s.aws", "projectcontour.io", "configuration.konghq.com", "policy.networking.k8s.io",
    "crd.projectcalico.org", "projectcalico.org", "velero.io", "networking.x-k8s.io",
})
# Not reference-only, although they hold reference kinds: monitoring.coreos.com (a Prometheus runs
# pods), argoproj.io (Applications, Workflows) and Flux's HelmRelease and Kustomization deploy pods.
_REFERENCE_KINDS = frozenset({
    "ServiceMonitor", "PodMonitor", "PrometheusRule", "Probe", "ScrapeConfig", "AlertmanagerConfig",
    "VMServiceScrape", "VMPodScrape", "VMRule", "GrafanaDashboard", "GrafanaDatasource",
})
_POD_MAKING_GATEWAY_KINDS = frozenset({"Gateway"})  # Istio and Envoy Gateway deploy a proxy per Gateway


def may_create_pods(manifest: Manifest) -> bool:
    """A custom resource whose operator may run pods for it (a database cluster, a Prometheus)."""
    if manifest.group in BUILTIN_GROUPS or manifest.kind in _REFERENCE_KINDS:
        return False
    if manifest.group == "gateway.networking.k8s.io":
        return manifest.kind in _POD_MAKING_GATEWAY_KINDS
    return manifest.group not in _REFERENCE_GROUPS


class KindTable:
    """Looks up the TemplateKind of an object by kind and API group."""

    def __init__(self, kinds: tuple[TemplateKind, ...] = BUILTIN_KINDS) -> None:
        self._by_kind: dict[tuple[str, str], TemplateKind] = {}
        for entry in kinds:
            for group in entry.groups:
                self._by_kind[(entry.kind, group)] = entry

    def lookup(self, manifest: Manifest) -> Optional[TemplateKind]:
        # "*": a configured kind whose group was left open
        return self._by_kind.get((manifest.kind, manifest.group)) or self._by_kind.get((manifest.kind, "*"))


def dig(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def mappings(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """(index, item) of the mappings in a list; anything else (wrong types) yields nothing."""
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] if isinstance(value, list) else []


def pod_templates(manifest: Manifest, entry: TemplateKind) -> list[PodTemplate]:
    """The pod templates of a workload: its own, plus the preview pods of Argo Rollouts experiments."""
    template = pod_template(manifest, entry)
    if template is None:
        return []
    found = [template]
    if entry.controller == "Rollout":
        found += _experiment_templates(manifest, template)
    return found


def _experiment_templates(manifest: Manifest, base: PodTemplate) -> list[PodTemplate]:
    # An experiment step runs extra pods from the Rollout's pod spec with labels of its own, for
    # a preview Service that must not receive production traffic.
    found = []
    steps = dig(manifest.data, ("spec", "strategy", "canary", "steps"))
    for step in steps if isinstance(steps, list) else []:
        templates = dig(step, ("experiment", "templates"))
        for item in templates if isinstance(templates, list) else []:
            labels = string_map(dig(item, ("metadata", "labels")))
            if labels:
                found.append(PodTemplate(manifest, base.pointer, {**base.labels, **labels},
                                         base.extra_labels, base.containers, base.replicas))
    return found


def pod_template(manifest: Manifest, entry: TemplateKind) -> Optional[PodTemplate]:
    """The pod template of a workload, or None when it has none (e.g. a Rollout's workloadRef)."""
    template = dig(manifest.data, entry.template)
    if not isinstance(template, dict):
        return None
    pointer = join_pointer(*entry.template)
    spec = template.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    labels = string_map(dig(template, ("metadata", "labels")))
    replicas = dig(manifest.data, ("spec", "replicas"))
    replicas = replicas if is_int(replicas) else None
    containers = _containers(spec, pointer + "/spec")
    extra = controller_labels(entry.controller, manifest, replicas)
    return PodTemplate(manifest, pointer, labels, extra, containers, replicas)


def controller_labels(controller: str, manifest: Manifest,
                      replicas: Optional[int]) -> dict[str, Optional[frozenset[str]]]:
    """Labels a controller puts on every pod although the template does not show them."""
    name = manifest.name
    if controller == "Deployment":
        return {"pod-template-hash": ANY_VALUE}
    if controller == "StatefulSet":
        start = dig(manifest.data, ("spec", "ordinals", "start"))
        start = start if is_int(start) and start >= 0 else 0
        if replicas is None or replicas == 0:
            # Unset replicas may be scaled by an autoscaler, and a StatefulSet scaled to zero is
            # scaled up again: any ordinal may exist, and neither is a routing error.
            names, indexes = ANY_VALUE, ANY_VALUE
        else:
            ordinals = range(start, start + replicas)
            names = frozenset(f"{name}-{i}" for i in ordinals)
            indexes = frozenset(str(i) for i in ordinals)
        return {"statefulset.kubernetes.io/pod-name": names, "apps.kubernetes.io/pod-index": indexes,
                "controller-revision-hash": ANY_VALUE}
    if controller == "DaemonSet":
        return {"pod-template-generation": ANY_VALUE, "controller-revision-hash": ANY_VALUE}
    if controller in ("Job", "CronJob"):
        job = frozenset([name]) if controller == "Job" and name else ANY_VALUE
        return {"job-name": job, "batch.kubernetes.io/job-name": job,
                "controller-uid": ANY_VALUE, "batch.kubernetes.io/controller-uid": ANY_VALUE}
    if controller == "Rollout":
        extra: dict[str, Optional[frozenset[str]]] = {"rollouts-pod-template-hash": ANY_VALUE}
        # Stable, canary, active and preview pods get these labels while a rollout runs.
        for path in (("canary", "stableMetadata"), ("canary", "canaryMetadata"),
                     ("blueGreen", "activeMetadata"), ("blueGreen", "previewMetadata")):
            labels = string_map(dig(manifest.data, ("spec", "strategy", *path, "labels")))
            for key, value in labels.items():
                known = extra.get(key) or frozenset()
                extra[key] = known | {value}
        return extra
    if controller == "DeploymentConfig":
        return {"deploymentconfig": frozenset([name]) if name else ANY_VALUE, "deployment": ANY_VALUE}
    return {}


def _containers(spec: dict[str, Any], pointer: str) -> list[Container]:
    found = []
    for field_name, init in (("containers", False), ("initContainers", True)):
        items = spec.get(field_name)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            here = f"{pointer}/{field_name}/{i}"
            name = item.get("name") if isinstance(item.get("name"), str) else ""
            # Native sidecars (init containers that always restart) keep running and serve traffic.
            serves = not init or item.get("restartPolicy") == "Always"
            found.append(Container(name, here, _ports(item.get("ports"), here), init, serves, item))
    return found


def _ports(value: Any, pointer: str) -> list[ContainerPort]:
    if not isinstance(value, list):
        return []
    ports = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            continue
        number = item.get("containerPort") if is_int(item.get("containerPort")) else None
        name = item.get("name") if isinstance(item.get("name"), str) else None
        protocol = protocol_of(item) if isinstance(item.get("protocol"), (str, type(None))) else DEFAULT_PROTOCOL
        ports.append(ContainerPort(number, name, protocol, f"{pointer}/ports/{i}"))
    return ports


def runs_to_completion(template: PodTemplate) -> bool:
    """Pods that finish rather than serve: a Job's, a CronJob's, or a bare Pod that is not restarted."""
    owner = template.owner
    if owner.kind in ("Job", "CronJob") and owner.group in ("batch", ""):
        return True
    if owner.kind == "Pod" and owner.group == "":
        return owner.spec.get("restartPolicy") in ("Never", "OnFailure")
    return False
