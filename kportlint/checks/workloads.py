"""Rules about a workload and its own pod template."""

from __future__ import annotations

import re
from typing import Iterator, Optional

from ..index import ObjectIndex
from ..model import Manifest, Problem, join_pointer
from ..k8s.selectors import from_label_selector, from_map, non_string_labels
from ..k8s.workloads import MAP_SELECTOR, dig
from ..k8s.ports import is_int
from ..k8s.names import dns_label_problem, nearest_name
from ..k8s.templating import has_placeholder
from ..wording import did_you_mean, from_elsewhere, in_namespaces, label_pairs, none_in_files, quoted
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
    what = workload.ref
    if raw is None:
        if workload.api_version in _SELECTOR_REQUIRED:
            yield Problem(workload, pointer, (  # the missing field's pointer, found at its parent
                f"{what} has no spec.selector: {workload.api_version} requires one, so the API server "
                f"rejects the object and no pods are created. Add spec.selector.matchLabels with the "
                f"template's labels ({label_pairs(template.labels)})."))
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
        if selector.empty and not template.labels:
            return  # nothing to select yet: a kustomize base read as plain files, whose labels the build adds
        if selector.empty:
            yield Problem(workload, pointer, (
                f"{what} has an empty selector: the API server rejects it, because the controller could "
                f"not tell its pods from others. Select the template's labels "
                f"({label_pairs(template.labels)})."))
            return
    if selector.matches(template.labels):
        return
    yield Problem(workload, pointer, (
        f"{what} selects {selector.describe()}, but its pod template is labelled "
        f"{label_pairs(template.labels)}: the API server rejects the object ('selector does not match template "
        f"labels'), so no pods are created. Make the selector a subset of "
        f"{template.pointer}/metadata/labels."))


@check("statefulset-service-missing", kinds=("StatefulSet",))
def statefulset_service_missing(statefulset: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    name = statefulset.spec.get("serviceName")
    if not isinstance(name, str) or not name or has_placeholder(name):
        return  # optional since Kubernetes 1.33; the pods then get no stable DNS names
    if dns_label_problem(name):
        yield Problem(statefulset, "/spec/serviceName", (
            f"{statefulset.ref}: serviceName {dns_label_problem(name)}; it "
            f"must be the name of a Service in the namespace (such as '{name.split('.')[0].lower()}'), not a "
            f"DNS name or a display name, so the pods get no stable DNS names."))
        return
    problem = _governing_problem(statefulset, name, index)
    if problem is None:
        return
    message, severity, *hint = problem
    if severity is None:  # how much per-pod DNS names matter follows what the files show
        evidence = _addressed_by_name(statefulset, name, index)
        severity = "warning" if evidence else "info"
        message += (f" It matters: {evidence}." if evidence else
                    " With one replica that the files never address by name, it matters only if a client does.")
    yield Problem(statefulset, "/spec/serviceName", message + "".join(hint), severity=severity)


def _governing_problem(statefulset: Manifest, name: str, index: ObjectIndex) -> Optional[tuple]:
    """What is wrong with the governing Service, the severity when it does not depend on whether the
    pods are addressed by name (None: it does), and a closing hint, if any."""
    ns = statefulset.namespace
    what = statefulset.ref
    services = index.named("Service", ns, name)
    if not services:
        in_namespace = [s for s in index.of_kind("Service") if s.namespace == ns]
        elsewhere = sorted({s.namespace for s in index.of_kind("Service") if s.name == name})
        if elsewhere:
            return (f"{what} names the governing Service '{name}', but that Service is {in_namespaces(elsewhere)}, "
                    f"not {ns}: a governing Service must be in the StatefulSet's namespace, so its pods get no "
                    f"stable DNS names. Move one of them.", None)
        if not in_namespace:
            return (f"{what} names the governing Service '{name}', but {none_in_files('Service', ns)}: "
                    f"{from_elsewhere()}; otherwise its pods get no stable DNS names ({statefulset.name}-0.{name}...).",
                    "info")
        return (f"{what} names the governing Service '{name}', but there is no Service '{name}' in namespace "
                f"{ns}, so its pods get no stable DNS names ({statefulset.name}-0.{name}.{ns}.svc). Create a "
                f"headless Service (clusterIP: None) named '{name}'.", None,
                did_you_mean(_service_name(nearest_name(name, [s.name for s in in_namespace]))))
    service = services[0]
    template = index.template_of(statefulset)
    selector = from_map(service.spec.get("selector"))
    if (template is not None and not selector.empty and not any(has_placeholder(v) for _, v in selector.match_labels)
            and not selector.matches(template.labels, template.extra_labels)):
        return (f"{what} names {service.ref} as its governing Service, which selects "
                f"{selector.describe()}, a label its pods lack, so {statefulset.name}-0.{name}.{ns}.svc does "
                f"not resolve. Make the Service select the pod labels.", None)
    if service.spec.get("type") == "ExternalName":
        return (f"{what} names {service.ref} as its governing Service, of type ExternalName: it has no "
                f"endpoints, so its pods get no per-pod DNS names. Point serviceName at a headless Service (clusterIP: None).", None)
    if service.spec.get("clusterIP") != "None":
        return (f"{what} names {service.ref} as its governing Service, which is not headless, so "
                f"{statefulset.name}-0.{name}.{ns}.svc does not resolve. Set clusterIP: None on it.", None)
    return None


def _addressed_by_name(statefulset: Manifest, service: str, index: ObjectIndex) -> str:
    """Evidence that the pods are addressed by their stable names: more than one replica (peers find
    each other so), or a value in the files of the namespace that names one (`web-0.web`, in a client's
    env or a ConfigMap); "" when there is none."""
    replicas = statefulset.spec.get("replicas")
    if is_int(replicas) and replicas > 1:
        return f"it runs {replicas} replicas, which find each other by these names"
    stable = re.compile(rf"(?<![\w.-]){re.escape(statefulset.name)}-\d+\.{re.escape(service)}(?![\w-])")
    others = [m for m in index.manifests if m.namespace == statefulset.namespace and m is not statefulset]
    for manifest in [statefulset] + others:
        if any(stable.search(text) for text in _texts(manifest.data)):
            return f"{manifest.ref} names a pod by it ({statefulset.name}-0.{service}...)"
    return ""


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _service_name(close: Optional[str]) -> Optional[str]:
    return f"serviceName: {close}" if close else None


@check("non-string-label")
def non_string_label(manifest: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    for path, value in non_string_labels(manifest.data):
        what = ("boolean" if isinstance(value, bool) else "mapping" if isinstance(value, dict)
                else "list" if isinstance(value, list) else "number")
        yield Problem(manifest, join_pointer(*path), (
            f"{manifest.ref}: the value of label '{path[-1]}' is a YAML {what}, not a string, so the API "
            f"server rejects the object (label values are strings). "
            f"{'Write one string value.' if isinstance(value, (dict, list)) else 'Quote the value as written.'}"))


@check("scale-target-missing", kinds=("HorizontalPodAutoscaler",))
def scale_target_missing(hpa: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    ref = hpa.spec.get("scaleTargetRef")
    if not isinstance(ref, dict):
        return
    kind, name = ref.get("kind"), ref.get("name")
    if not isinstance(kind, str) or not isinstance(name, str) or has_placeholder(name) or has_placeholder(kind):
        return
    ns = hpa.namespace
    found = index.named(kind, ns, name)
    api_version = ref.get("apiVersion")
    if found and isinstance(api_version, str) and "/" in api_version and not has_placeholder(api_version):
        group = api_version.rsplit("/", 1)[0]
        if not any(m.group == group for m in found):
            yield Problem(hpa, "/spec/scaleTargetRef/apiVersion", (
                f"{hpa.ref} scales {kind} '{name}' of API group {group} ({api_version}), but that {kind} is "
                f"{found[0].api_version}: the autoscaler looks the target up by group and kind, finds none, "
                f"and scales nothing. Set apiVersion: {found[0].api_version}."))
        return
    if found:
        return
    others = [m.name for m in index.of_kind(kind) if m.namespace == ns]
    elsewhere = sorted({m.namespace for m in index.of_kind(kind) if m.name == name})
    message = f"{hpa.ref} scales {kind} '{name}', but there is no {kind} '{name}' in namespace {ns}"
    if not elsewhere and not others and not index.templates_in(ns):
        yield Problem(hpa, "/spec/scaleTargetRef/name", f"{message}, and {none_in_files('workload', ns)}: "
                      f"{from_elsewhere()}.", "info")
        return
    if elsewhere:
        message += f"; one is {in_namespaces(elsewhere)}, and an autoscaler only scales in its own"
    hint = did_you_mean(quoted(nearest_name(name, others))) if not elsewhere else ""
    yield Problem(hpa, "/spec/scaleTargetRef/name",
                  f"{message}. The autoscaler reports FailedGetScale and scales nothing.{hint}")
