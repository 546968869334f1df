"""Which objects make pods, their templates and the labels controllers add (kportlint/k8s/workloads.py)."""

from __future__ import annotations

import pytest

from kportlint.k8s.selectors import ANY_VALUE
from kportlint.k8s.workloads import (KindTable, TemplateKind, controller_labels, may_create_pods, pod_template,
                                     pod_templates, runs_to_completion)

from kobjects import custom, from_yaml, manifest

TEMPLATE = {"metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "ports": [{"containerPort": 8080, "name": "http"}]}]}}


def workload(api_version, kind, name="web", **spec):
    return manifest({"apiVersion": api_version, "kind": kind, "metadata": {"name": name}, "spec": spec})


def templates(owner, kinds=None):
    entry = (kinds or KindTable()).lookup(owner)
    return pod_templates(owner, entry) if entry else []


@pytest.mark.parametrize("api_version, kind", [
    ("apps/v1", "Deployment"), ("extensions/v1beta1", "Deployment"), ("apps/v1", "StatefulSet"),
    ("apps/v1", "DaemonSet"), ("apps/v1", "ReplicaSet"), ("v1", "ReplicationController"), ("batch/v1", "Job"),
    ("argoproj.io/v1alpha1", "Rollout"), ("apps.openshift.io/v1", "DeploymentConfig"),
])
def test_spec_template(api_version, kind):
    owner = workload(api_version, kind, template=TEMPLATE, replicas=2)
    [t] = templates(owner)
    assert t.owner is owner and t.pointer == "/spec/template"
    assert t.labels == {"app": "web"}
    assert [(c.name, c.pointer) for c in t.containers] == [("web", "/spec/template/spec/containers/0")]
    assert [(p.number, p.name, p.protocol, p.pointer) for p in t.serving_ports()] == [
        (8080, "http", "TCP", "/spec/template/spec/containers/0/ports/0")]
    assert t.replicas == 2


def test_cronjob_template_sits_in_the_job_template():
    owner = workload("batch/v1", "CronJob", jobTemplate={"spec": {"template": TEMPLATE}})
    [t] = templates(owner)
    assert t.pointer == "/spec/jobTemplate/spec/template" and t.labels == {"app": "web"}


def test_a_pod_is_its_own_template():
    owner = from_yaml("""
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers: [{name: web, ports: [{containerPort: 80, protocol: UDP}]}]
""")
    [t] = templates(owner)
    assert t.pointer == "" and t.labels == {"app": "web"} and t.extra_labels == {}
    assert [(p.number, p.protocol) for p in t.serving_ports()] == [(80, "UDP")]


@pytest.mark.parametrize("api_version, kind", [("extensions/v1beta1", "StatefulSet"), ("v1", "Deployment"),
                                               ("example.com/v1", "Deployment"), ("v1", "Service")])
def test_kinds_are_looked_up_with_their_group(api_version, kind):
    assert KindTable().lookup(workload(api_version, kind, template=TEMPLATE)) is None


def test_a_configured_kind_with_an_open_group():
    kinds = KindTable((TemplateKind("Workload", ("*",), ("spec", "podTemplate")),))
    owner = workload("example.com/v1", "Workload", podTemplate=TEMPLATE)
    [t] = templates(owner, kinds)
    assert t.pointer == "/spec/podTemplate" and t.labels == {"app": "web"}


def test_a_rollout_with_a_workload_ref_has_no_template_of_its_own():
    owner = workload("argoproj.io/v1alpha1", "Rollout",
                     workloadRef={"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"})
    assert KindTable().lookup(owner) is not None
    assert templates(owner) == []
    assert pod_template(owner, KindTable().lookup(owner)) is None


def test_rollout_experiment_pods_are_templates_of_their_own():
    owner = workload("argoproj.io/v1alpha1", "Rollout", template=TEMPLATE, strategy={"canary": {"steps": [
        {"setWeight": 20},
        {"experiment": {"templates": [{"name": "preview", "metadata": {"labels": {"role": "preview"}}},
                                      {"name": "bare"}]}}]}})
    base, preview = templates(owner)
    assert base.labels == {"app": "web"}
    assert preview.labels == {"app": "web", "role": "preview"}
    assert preview.containers == base.containers and preview.extra_labels == base.extra_labels


def test_template_of_the_wrong_type():
    for value in (None, [], "x"):
        assert templates(workload("apps/v1", "Deployment", template=value)) == []
    owner = workload("apps/v1", "Deployment", template={"metadata": {"labels": {"app": "web", "v": 2}}, "spec": []},
                     replicas=True)
    [t] = templates(owner)
    assert t.labels == {"app": "web"} and t.containers == [] and t.replicas is None


def test_containers_and_ports_of_odd_shapes():
    owner = workload("apps/v1", "Deployment", template={"spec": {"containers": [
        "web", {"name": 5, "ports": [{"containerPort": "8080", "name": 1, "protocol": ""}, "80", {"containerPort": True}]}]}})
    [t] = templates(owner)
    [container] = t.containers
    assert container.name == "" and container.pointer == "/spec/template/spec/containers/1"
    assert [(p.number, p.name, p.protocol) for p in container.ports] == [(None, None, "TCP"), (None, None, "TCP")]
    assert [p.pointer for p in container.ports] == ["/spec/template/spec/containers/1/ports/0",
                                                     "/spec/template/spec/containers/1/ports/2"]


# -- controller labels -------------------------------------------------------------------------------
def test_deployment_adds_pod_template_hash():
    owner = workload("apps/v1", "Deployment", template=TEMPLATE)
    assert controller_labels("Deployment", owner, None) == {"pod-template-hash": ANY_VALUE}
    assert templates(owner)[0].extra_labels == {"pod-template-hash": ANY_VALUE}


def test_replicaset_and_replication_controller_add_nothing():
    for api_version, kind in (("apps/v1", "ReplicaSet"), ("v1", "ReplicationController")):
        assert templates(workload(api_version, kind, template=TEMPLATE))[0].extra_labels == {}


def test_statefulset_names_each_pod():
    owner = workload("apps/v1", "StatefulSet", name="db", template=TEMPLATE, replicas=2)
    assert templates(owner)[0].extra_labels == {
        "statefulset.kubernetes.io/pod-name": frozenset({"db-0", "db-1"}),
        "apps.kubernetes.io/pod-index": frozenset({"0", "1"}),
        "controller-revision-hash": ANY_VALUE}


def test_statefulset_ordinals_start():
    owner = workload("apps/v1", "StatefulSet", name="db", template=TEMPLATE, replicas=2, ordinals={"start": 5})
    extra = templates(owner)[0].extra_labels
    assert extra["statefulset.kubernetes.io/pod-name"] == frozenset({"db-5", "db-6"})
    assert extra["apps.kubernetes.io/pod-index"] == frozenset({"5", "6"})


@pytest.mark.parametrize("replicas", [None, 0])
def test_statefulset_without_a_fixed_size_may_have_any_ordinal(replicas):
    owner = workload("apps/v1", "StatefulSet", name="db", template=TEMPLATE,
                     **({} if replicas is None else {"replicas": replicas}))
    extra = templates(owner)[0].extra_labels
    assert extra["statefulset.kubernetes.io/pod-name"] is ANY_VALUE
    assert extra["apps.kubernetes.io/pod-index"] is ANY_VALUE


def test_daemonset_labels():
    assert controller_labels("DaemonSet", workload("apps/v1", "DaemonSet"), None) == {
        "pod-template-generation": ANY_VALUE, "controller-revision-hash": ANY_VALUE}


def test_job_labels_name_the_job_and_cronjob_labels_do_not():
    assert controller_labels("Job", workload("batch/v1", "Job", name="migrate"), None) == {
        "job-name": frozenset({"migrate"}), "batch.kubernetes.io/job-name": frozenset({"migrate"}),
        "controller-uid": ANY_VALUE, "batch.kubernetes.io/controller-uid": ANY_VALUE}
    # a CronJob's Jobs are named <cronjob>-<time>; a Job without a name gets a generated one
    for controller, owner in (("CronJob", workload("batch/v1", "CronJob", name="nightly")),
                              ("Job", manifest({"apiVersion": "batch/v1", "kind": "Job",
                                                "metadata": {"generateName": "migrate-"}}))):
        extra = controller_labels(controller, owner, None)
        assert extra["job-name"] is ANY_VALUE and extra["batch.kubernetes.io/job-name"] is ANY_VALUE


def test_rollout_labels_include_the_strategy_metadata():
    owner = workload("argoproj.io/v1alpha1", "Rollout", template=TEMPLATE, strategy={
        "canary": {"stableMetadata": {"labels": {"role": "stable"}},
                   "canaryMetadata": {"labels": {"role": "canary", "track": "new"}}}})
    assert templates(owner)[0].extra_labels == {"rollouts-pod-template-hash": ANY_VALUE,
                                                "role": frozenset({"stable", "canary"}),
                                                "track": frozenset({"new"})}
    blue_green = workload("argoproj.io/v1alpha1", "Rollout", template=TEMPLATE, strategy={
        "blueGreen": {"activeMetadata": {"labels": {"role": "active"}},
                      "previewMetadata": {"labels": {"role": "preview"}}}})
    assert templates(blue_green)[0].extra_labels["role"] == frozenset({"active", "preview"})


def test_deploymentconfig_labels():
    assert controller_labels("DeploymentConfig", workload("apps.openshift.io/v1", "DeploymentConfig", name="web"),
                             None) == {"deploymentconfig": frozenset({"web"}), "deployment": ANY_VALUE}


def test_no_controller_adds_nothing():
    assert controller_labels("", workload("v1", "Pod"), 3) == {}


# -- runs_to_completion ------------------------------------------------------------------------------
@pytest.mark.parametrize("owner, expected", [
    (workload("batch/v1", "Job", template=TEMPLATE), True),
    (workload("batch/v1", "CronJob", jobTemplate={"spec": {"template": TEMPLATE}}), True),
    (workload("apps/v1", "Deployment", template=TEMPLATE), False),
    (workload("v1", "Pod", restartPolicy="Never"), True),
    (workload("v1", "Pod", restartPolicy="OnFailure"), True),
    (workload("v1", "Pod", restartPolicy="Always"), False),
    (workload("v1", "Pod"), False),
])
def test_runs_to_completion(owner, expected):
    [t] = templates(owner)
    assert runs_to_completion(t) is expected


# -- may_create_pods ---------------------------------------------------------------------------------
@pytest.mark.parametrize("api_version, kind, expected", [
    ("postgresql.cnpg.io/v1", "Cluster", True),
    ("monitoring.coreos.com/v1", "Prometheus", True),
    ("helm.toolkit.fluxcd.io/v2", "HelmRelease", True),
    ("gateway.networking.k8s.io/v1", "Gateway", True),
    ("gateway.networking.k8s.io/v1", "HTTPRoute", False),
    ("monitoring.coreos.com/v1", "ServiceMonitor", False),
    ("cert-manager.io/v1", "Certificate", False),
    ("apps/v1", "Deployment", False),
    ("v1", "ConfigMap", False),
    ("networking.k8s.io/v1", "Ingress", False),
])
def test_may_create_pods(api_version, kind, expected):
    assert may_create_pods(custom(api_version, kind, "x")) is expected
