"""Lookups across objects, how far apart objects are deployed, and build views (kportlint/index.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kportlint.index import ObjectIndex, UnitView
from kportlint.k8s.selectors import Requirement, Selector, from_map
from kportlint.model import SourceFile

from kobjects import custom, deployment, job, manifest, service, source


def owners(templates):
    return [t.owner for t in templates]


# -- objects -----------------------------------------------------------------------------------------
def test_of_kind_and_named():
    web, web_other_ns = deployment("web", {"app": "web"}), deployment("web", {"app": "web"}, namespace="shop")
    svc = service("web", {"app": "web"})
    index = ObjectIndex([web, web_other_ns, svc])
    assert index.of_kind("Deployment") == [web, web_other_ns]
    assert index.of_kind("Service") == [svc] and index.of_kind("Pod") == []
    assert index.named("Deployment", "default", "web") == [web]
    assert index.named("Deployment", "shop", "web") == [web_other_ns]
    assert index.named("Service", "shop", "web") == [] and index.named("Deployment", "default", "api") == []


def test_templates_and_their_owners():
    web, svc = deployment("web", {"app": "web"}, namespace="shop"), service("web", {"app": "web"})
    index = ObjectIndex([web, svc])
    [t] = index.templates
    assert index.template_of(web) is t and index.template_of(svc) is None
    assert index.template_kind_of(web).kind == "Deployment" and index.template_kind_of(svc) is None
    assert index.templates_in("shop") == [t] and index.templates_in("default") == []
    assert index.namespaces() == ["shop"]
    assert {"app", "pod-template-hash"} <= index.label_keys


def test_custom_resources_that_may_make_pods():
    pg = custom("postgresql.cnpg.io/v1", "Cluster", "pg", namespace="db")
    cert = custom("cert-manager.io/v1", "Certificate", "pg", namespace="db")
    index = ObjectIndex([pg, cert])
    assert index.custom_resources_in("db") == [pg] and index.custom_resources_in("default") == []
    assert index.custom_resources_named("db", "pg") == [pg] and index.custom_resources_named("db", "x") == []


# -- select ------------------------------------------------------------------------------------------
def test_select_by_namespace_and_labels():
    web = deployment("web", {"app": "web", "tier": "front"})
    api = deployment("api", {"app": "api", "tier": "front"})
    elsewhere = deployment("web", {"app": "web", "tier": "front"}, namespace="shop")
    index = ObjectIndex([web, api, elsewhere])
    assert owners(index.select("default", from_map({"app": "web"}))) == [web]
    assert owners(index.select("default", from_map({"tier": "front"}))) == [web, api]
    assert owners(index.select("shop", from_map({"tier": "front"}))) == [elsewhere]
    assert index.select("default", from_map({"app": "web", "tier": "back"})) == []
    assert index.select("nowhere", from_map({"app": "web"})) == []


def test_an_empty_selector_selects_every_template_of_the_namespace():
    web, api = deployment("web", {"app": "web"}), deployment("api", {}, namespace="shop")
    index = ObjectIndex([web, api])
    assert owners(index.select("default", Selector())) == [web]
    assert owners(index.select("shop", Selector())) == [api]


def test_select_sees_controller_labels_and_expressions():
    web = deployment("web", {"app": "web"})
    db = deployment("db", {"app": "db"}, kind="StatefulSet")
    db.data["spec"]["replicas"] = 2
    index = ObjectIndex([web, db])
    assert owners(index.select("default", from_map({"pod-template-hash": "5d4f8"}))) == [web]
    assert owners(index.select("default", from_map({"statefulset.kubernetes.io/pod-name": "db-1"}))) == [db]
    assert index.select("default", from_map({"statefulset.kubernetes.io/pod-name": "db-2"})) == []
    not_web = Selector(expressions=(Requirement("app", "NotIn", frozenset({"web"})),))
    assert owners(index.select("default", not_web)) == [db]


def test_namespaces_selecting():
    index = ObjectIndex([deployment("web", {"app": "web"}, namespace="a"), deployment("web", {"app": "web"}, namespace="b"),
                         deployment("api", {"app": "api"}, namespace="c")])
    assert index.namespaces_selecting(from_map({"app": "web"})) == ["a", "b"]


KINDS = st.sampled_from(["Deployment", "StatefulSet", "Pod", "ReplicaSet"])
KEYS = st.sampled_from(["app", "tier", "pod-template-hash", "statefulset.kubernetes.io/pod-name"])
VALUES = st.sampled_from(["web", "api", "w-0", "w-1", ""])
LABELS = st.dictionaries(KEYS, VALUES, max_size=3)
SELECTORS = st.builds(
    lambda labels, exprs: Selector(tuple(sorted(labels.items())), tuple(exprs)),
    st.dictionaries(KEYS, VALUES, max_size=2),
    st.lists(st.builds(Requirement, KEYS, st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist"]),
                       st.frozensets(VALUES, max_size=2)), max_size=2))


def workload(kind, labels, namespace, number):
    if kind == "Pod":
        return manifest({"apiVersion": "v1", "kind": "Pod",
                         "metadata": {"name": f"w{number}", "namespace": namespace, "labels": labels}})
    owner = deployment("w", labels, namespace=namespace, kind=kind)
    owner.data["spec"]["replicas"] = 2
    return owner


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(KINDS, LABELS, st.sampled_from(["a", "b"])), max_size=6), SELECTORS,
       st.sampled_from(["a", "b"]))
def test_select_agrees_with_the_selector(objects, selector, namespace):
    index = ObjectIndex([workload(kind, labels, ns, i) for i, (kind, labels, ns) in enumerate(objects)])
    expected = [t for t in index.templates_in(namespace) if selector.matches(t.labels, t.extra_labels)]
    assert index.select(namespace, selector) == expected


# -- distance and nearest ----------------------------------------------------------------------------
def test_distance_within_a_build_or_a_file():
    file = source("/r/app/all.yaml")
    a = manifest({"kind": "Service"}, file=file)
    b = manifest({"kind": "Deployment"}, file=file)
    index = ObjectIndex([a, b])
    assert index.distance(a, b) == 0
    built_a = manifest({"kind": "Service"}, "/r/app/svc.yaml", builds=["overlays/prod"])
    built_b = manifest({"kind": "Deployment"}, "/r/base/dep.yaml", builds=["overlays/prod", "x"])
    assert index.distance(built_a, built_b) == 0


def test_distance_by_folder():
    index = ObjectIndex([])
    here = manifest({}, "/r/app/svc.yaml")
    assert index.distance(here, manifest({}, "/r/app/dep.yaml")) == 1
    assert index.distance(here, manifest({}, "/r/app/sub/deep/dep.yaml")) == 1  # below it
    assert index.distance(here, manifest({}, "/r/dep.yaml")) == 2  # one up
    assert index.distance(here, manifest({}, "/r/other/dep.yaml")) == 2
    assert index.distance(here, manifest({}, "/elsewhere/x/dep.yaml")) == 3
    assert index.distance(manifest({}, "/r/app/sub/svc.yaml"), manifest({}, "/r/other/dep.yaml")) == 3


def test_distance_is_measured_from_the_viewer():
    index = ObjectIndex([])
    shallow, deep = manifest({}, "/r/svc.yaml"), manifest({}, "/r/a/b/dep.yaml")
    assert index.distance(shallow, deep) == 1
    assert index.distance(deep, shallow) == 3


def test_a_build_and_a_plain_file_are_apart_even_in_one_file():
    file = source("/r/app/all.yaml")
    built, plain = manifest({}, file=file, builds=["app"]), manifest({}, file=file)
    assert ObjectIndex([]).distance(built, plain) == 1
    assert ObjectIndex([]).distance(plain, built) == 1


def test_stdin_is_a_place_of_its_own():
    index = ObjectIndex([])
    piped = manifest({}, file=SourceFile("<stdin>", origin="-"))
    assert index.distance(piped, manifest({}, file=SourceFile("<stdin>", origin="-"))) == 1
    assert index.distance(piped, manifest({}, "/r/app/dep.yaml")) == 2


def test_nearest_keeps_the_closest_templates():
    svc = service("web", {"app": "web"}, path="/r/app/svc.yaml")
    same_folder = deployment("web", {"app": "web"}, path="/r/app/dep.yaml")
    below = deployment("web2", {"app": "web"}, path="/r/app/more/dep.yaml")
    far = deployment("web3", {"app": "web"}, path="/r/other/dep.yaml")
    index = ObjectIndex([svc, far, same_folder, below])
    selected = index.select("default", from_map({"app": "web"}))
    assert owners(index.nearest(svc, selected)) == [same_folder, below]
    assert owners(index.nearest(svc, [index.template_of(far)])) == [far]  # one is the nearest
    assert index.nearest(svc, []) == []


def test_templates_beside():
    svc = service("web", {"app": "web"}, path="/r/app/svc.yaml", builds=["app"])
    here = deployment("web", {"app": "web"}, path="/r/app/dep.yaml")
    below = deployment("api", {"app": "api"}, path="/r/app/sub/dep.yaml")
    other_ns = deployment("db", {"app": "db"}, path="/r/app/db.yaml", namespace="data")
    up = deployment("up", {"app": "up"}, path="/r/up.yaml")
    same_build = deployment("base", {"app": "base"}, path="/r/base/dep.yaml", builds=["app"])
    index = ObjectIndex([svc, here, below, other_ns, up, same_build])
    assert sorted(t.owner.name for t in index.templates_beside(svc)) == ["api", "base", "web"]


# -- views of a build --------------------------------------------------------------------------------
def overlays():
    """Two overlays of one base (alternatives), a plain file, and a file no build uses."""
    prod = deployment("web", {"app": "web"}, path="/r/base/dep.yaml", builds=["overlays/prod"])
    dev = deployment("web", {"app": "web"}, path="/r/base/dep.yaml", builds=["overlays/dev"])
    plain = deployment("web", {"app": "web"}, path="/r/plain/dep.yaml")
    unused = deployment("web", {"app": "web"}, path="/r/base/old.yaml", undeployed=True)
    made = frozenset({("/r/base/dep.yaml", "Deployment", "default", "web")})
    index = ObjectIndex([prod, dev, plain, unused], units={"overlays/prod": made, "overlays/dev": made,
                                                           "solo": frozenset({("/r/solo.yaml", "Service", "default", "x")})})
    return index, prod, dev, plain, unused


def test_view_of_a_plain_object_is_the_index():
    index, _, _, plain, _ = overlays()
    assert index.view(plain) is index


def test_a_build_never_sees_its_alternatives_nor_undeployed_files():
    index, prod, dev, plain, unused = overlays()
    view = index.view(prod)
    assert isinstance(view, UnitView) and index.view(prod) is view
    assert view.of_kind("Deployment") == [prod, plain]
    assert view.manifests == [prod, plain]
    assert index.view(dev).of_kind("Deployment") == [dev, plain]
    assert owners(view.templates_in("default")) == [prod, plain]
    assert index.view(unused) is index  # a file no build uses sees everything, as plain files do


def test_a_build_prefers_its_own_objects():
    index, prod, dev, plain, _ = overlays()
    view = index.view(prod)
    assert view.named("Deployment", "default", "web") == [prod]
    assert owners(view.select("default", from_map({"app": "web"}))) == [prod]
    assert view.namespaces_selecting(from_map({"app": "web"})) == ["default"]
    # the plain index sees every copy
    assert len(index.named("Deployment", "default", "web")) == 4


def test_a_build_without_objects_of_its_own_sees_the_visible_ones():
    index, prod, dev, plain, _ = overlays()
    solo = index.view(service("x", {"app": "web"}, builds=["solo"]))
    assert solo.named("Deployment", "default", "web") == [prod, dev, plain]
    assert owners(solo.select("default", from_map({"app": "web"}))) == [prod, dev, plain]


def test_answers_are_computed_once_and_kept_per_build():
    index, prod, dev, _, _ = overlays()
    calls = []

    def compute(value):
        def run():
            calls.append(value)
            return value
        return run

    assert index.answer("k", compute(1)) == 1
    assert index.answer("k", compute(2)) == 1
    assert index.view(prod).answer("k", compute(3)) == 3
    assert index.view(prod).answer("k", compute(4)) == 3
    assert index.view(dev).answer("k", compute(5)) == 5
    assert calls == [1, 3, 5]


def test_an_answer_of_none_is_kept_too():
    index = ObjectIndex([])
    calls = []
    assert index.answer("route", lambda: calls.append(1)) is None
    assert index.answer("route", lambda: calls.append(2)) is None
    assert calls == [1]


def test_job_templates_are_indexed_with_the_job_name():
    migrate = job("migrate", {"app": "web"})
    index = ObjectIndex([migrate])
    assert owners(index.select("default", from_map({"job-name": "migrate"}))) == [migrate]
    assert index.select("default", from_map({"job-name": "other"})) == []
