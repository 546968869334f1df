"""A Service's route, and the evidence of objects made outside the files (kportlint/resolve/)."""

from __future__ import annotations

from kportlint.index import ObjectIndex
from kportlint.input.loader import load
from kportlint.k8s.ports import SERVED, UNDECLARED, UNKNOWN, UNRESOLVED
from kportlint.k8s.selectors import from_map
from kportlint.model import Settings
from kportlint.resolve.elsewhere import (CONFIGURED, ENDPOINTS, MADE_BY, ROUTED_TO_MISSING, Evidence,
                                        keys_labelled_elsewhere, namespace_evidence, pods_made_elsewhere,
                                        service_made_by_operator)
from kportlint.resolve.routing import is_selectorless, route_service, service_selector

from kobjects import custom, deployment, job, manifest, service, source


def owners(templates):
    return [t.owner for t in templates]


# -- route_service -----------------------------------------------------------------------------------
def test_the_route_follows_selector_then_ports():
    web = deployment("web", {"app": "web"}, [{"containerPort": 8080, "name": "http"}])
    api = deployment("api", {"app": "api"}, [{"containerPort": 9000, "name": "http"}])
    svc = service("web", {"app": "web"}, [{"port": 80, "targetPort": "http"}, {"port": 81, "targetPort": "grpc"},
                                          {"port": 8080}, {"port": 82, "targetPort": 9999}])
    route = route_service(svc, ObjectIndex([web, api, svc]))
    assert route.service is svc and route.selector == from_map({"app": "web"})
    assert owners(route.templates) == [web] and route.passed_over == []
    assert [(p.service_port.port, [m.status for m in p.matches]) for p in route.ports] == [
        (80, [SERVED]), (81, [UNRESOLVED]), (8080, [SERVED]), (82, [UNDECLARED])]
    assert [p.number for p in route.ports[0].matches[0].ports] == [8080]


def test_a_route_has_one_match_per_selected_template():
    one = deployment("one", {"app": "web"}, [{"containerPort": 8080, "name": "http"}])
    two = deployment("two", {"app": "web"})
    svc = service("web", {"app": "web"}, [{"port": 80, "targetPort": 8080}])
    [port] = route_service(svc, ObjectIndex([one, two, svc])).ports
    assert [(m.template.owner, m.status) for m in port.matches] == [(one, SERVED), (two, UNKNOWN)]


def test_a_selector_that_picks_nothing_routes_to_no_template():
    svc = service("web", {"app": "web"}, [{"port": 80}])
    route = route_service(svc, ObjectIndex([svc, deployment("api", {"app": "api"})]))
    assert route.templates == [] and [p.matches for p in route.ports] == [[]]


def test_ports_the_api_server_rejects_route_nothing():
    svc = service("web", {"app": "web"}, [{"targetPort": 8080}, {"port": 0}, {"port": 80, "protocol": "http"}])
    assert route_service(svc, ObjectIndex([svc])).ports == []


def test_services_without_pods_to_select_have_no_route():
    external = service("ext", None, [{"port": 80}])
    external.data["spec"]["type"] = "ExternalName"
    external.data["spec"]["selector"] = {"app": "web"}
    cases = [external, service("manual", None), service("empty", {}), service("bad", {"app": "web", "version": 2})]
    index = ObjectIndex(cases + [deployment("web", {"app": "web"})])
    for svc in cases:
        assert service_selector(svc) is None and route_service(svc, index) is None
    assert [is_selectorless(s) for s in cases] == [False, True, True, False]


def test_a_null_selector_value_selects_the_empty_label():
    svc = service("web", {"app": None})
    empty, web = deployment("empty", {"app": ""}), deployment("web", {"app": "web"})
    assert owners(route_service(svc, ObjectIndex([svc, empty, web])).templates) == [empty]


def test_the_route_is_computed_once():
    svc = service("web", {"app": "web"})
    index = ObjectIndex([svc])
    assert route_service(svc, index) is route_service(svc, index)


def test_the_route_prefers_the_workload_deployed_nearest():
    svc = service("web", {"app": "web"}, path="/r/shop/svc.yaml")
    near = deployment("web", {"app": "web"}, path="/r/shop/dep.yaml")
    far = deployment("web", {"app": "web"}, path="/r/other/dep.yaml")
    assert owners(route_service(svc, ObjectIndex([svc, far, near])).templates) == [near]


def test_a_job_beside_the_service_does_not_hide_the_workload_that_serves():
    svc = service("web", {"app": "web"}, path="/r/shop/svc.yaml")
    migrate = job("migrate", {"app": "web"}, path="/r/shop/job.yaml")
    server = deployment("web", {"app": "web"}, path="/r/other/dep.yaml")
    assert owners(route_service(svc, ObjectIndex([svc, migrate, server])).templates) == [migrate, server]


def test_a_workload_written_for_the_service_but_missed_is_passed_over():
    svc = service("shop", {"app": "shop"}, path="/r/shop/svc.yaml")
    mine = deployment("shop", {"app": "shop-v2"}, path="/r/shop/dep.yaml")
    keyed = deployment("cart", {"app": "cart"}, path="/r/shop/cart.yaml")
    taken = deployment("pay", {"app": "pay"}, path="/r/shop/pay.yaml")
    other_svc = service("pay", {"app": "pay"}, path="/r/shop/pay-svc.yaml")
    theirs = deployment("common", {"app": "shop"}, path="/r/common/dep.yaml")
    route = route_service(svc, ObjectIndex([svc, mine, keyed, taken, other_svc, theirs]))
    assert owners(route.templates) == [theirs]
    # its name, or the selector's keys with another value and no Service of its own
    assert owners(route.passed_over) == [mine, keyed]


def test_nothing_is_passed_over_when_the_selected_pods_are_in_the_folder():
    svc = service("shop", {"app": "shop"}, path="/r/shop/svc.yaml")
    mine = deployment("shop", {"app": "shop-v2"}, path="/r/shop/dep.yaml")
    theirs = deployment("common", {"app": "shop"}, path="/r/shop/sub/dep.yaml")
    assert route_service(svc, ObjectIndex([svc, mine, theirs])).passed_over == []


# -- namespace_evidence ------------------------------------------------------------------------------
def ingress(name, backend, namespace="shop"):
    return manifest({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                     "metadata": {"name": name, "namespace": namespace},
                     "spec": {"rules": [{"http": {"paths": [
                         {"path": "/", "backend": {"service": {"name": backend, "port": {"number": 80}}}}]}}]}})


def http_route(name, refs, namespace="shop"):
    return manifest({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
                     "metadata": {"name": name, "namespace": namespace},
                     "spec": {"rules": [{"backendRefs": refs}]}})


def test_an_ingress_to_a_service_the_files_lack_is_evidence():
    front = ingress("front", "checkout")
    index = ObjectIndex([front])
    assert namespace_evidence(index, "shop") == Evidence(ROUTED_TO_MISSING, front, "shop", "checkout")
    assert namespace_evidence(index, "default") is None


def test_an_ingress_to_a_defined_service_or_a_typo_of_one_is_no_evidence():
    assert namespace_evidence(ObjectIndex([ingress("i", "checkout"), service("checkout", {}, namespace="shop")]),
                              "shop") is None
    assert namespace_evidence(ObjectIndex([ingress("i", "chekout"), service("checkout", {}, namespace="shop")]),
                              "shop") is None


def test_a_route_names_the_namespace_of_its_backend():
    index = ObjectIndex([http_route("r", [{"name": "api", "namespace": "backend"}, {"name": "x", "kind": "Other"}])])
    found = namespace_evidence(index, "backend")
    assert (found.reason, found.namespace, found.name) == (ROUTED_TO_MISSING, "backend", "api")
    assert namespace_evidence(index, "shop") is None


# -- pods_made_elsewhere -----------------------------------------------------------------------------
def test_no_evidence_for_pods_elsewhere():
    svc = service("web", {"app": "web"})
    assert pods_made_elsewhere(svc, service_selector(svc), ObjectIndex([svc])) is None


def test_the_configuration_says_pods_come_from_elsewhere():
    svc = service("web", {"app": "web"})
    for entry in (("default", ()), ("", (("app", "web"),))):
        index = ObjectIndex([svc], settings=Settings(pods_from_elsewhere=(entry,)))
        assert pods_made_elsewhere(svc, service_selector(svc), index) == Evidence(CONFIGURED)
    other = ObjectIndex([svc], settings=Settings(pods_from_elsewhere=(("shop", ()), ("", (("app", "api"),)))))
    assert pods_made_elsewhere(svc, service_selector(svc), other) is None


def endpoints(name, address, path="/r/dump/endpoints.yaml", file=None):
    return manifest({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": name},
                     "subsets": [{"addresses": [address], "ports": [{"port": 8080}]}]}, path, file=file)


def test_endpoints_that_point_at_pods_are_evidence():
    svc = service("web", {"app": "web"})
    listed = endpoints("web", {"ip": "10.0.0.1", "targetRef": {"kind": "Pod", "name": "web-1"}})
    assert pods_made_elsewhere(svc, service_selector(svc), ObjectIndex([svc, listed])) == Evidence(ENDPOINTS, listed)
    # a hand-written address is overwritten by the control plane; another Service's Endpoints say nothing
    for other in (endpoints("web", {"ip": "10.0.0.1"}), endpoints("api", {"ip": "10.0.0.1", "targetRef": {"kind": "Pod"}})):
        assert pods_made_elsewhere(svc, service_selector(svc), ObjectIndex([svc, other])) is None


def test_endpoints_dumped_beside_the_pods_are_judged_by_the_pods():
    svc = service("web", {"app": "web"})
    dump = source("/r/dump/all.yaml")  # one file, as `kubectl get -o yaml` writes it
    listed = endpoints("web", {"ip": "10.0.0.1", "targetRef": {"kind": "Pod"}}, file=dump)
    pod = manifest({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1", "labels": {"app": "api"}}},
                   file=dump)
    assert pods_made_elsewhere(svc, service_selector(svc), ObjectIndex([svc, listed, pod])) is None
    elsewhere = manifest(pod.data, "/r/other/pods.yaml")  # Pods in another file are no dump of these Endpoints
    assert pods_made_elsewhere(svc, service_selector(svc), ObjectIndex([svc, listed, elsewhere])) is not None


def test_an_endpoint_slice_for_the_service_is_evidence():
    svc = service("web", {"app": "web"})
    data = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": "web-abc", "labels": {"kubernetes.io/service-name": "web"}},
            "endpoints": [{"addresses": ["10.0.0.1"]}]}
    endpoint_slice = manifest(data)
    assert pods_made_elsewhere(svc, service_selector(svc), ObjectIndex([svc, endpoint_slice])) == \
        Evidence(ENDPOINTS, endpoint_slice)
    empty = manifest({**data, "endpoints": []})
    assert pods_made_elsewhere(svc, service_selector(svc), ObjectIndex([svc, empty])) is None


def test_a_custom_resource_named_by_a_selector_value_is_evidence():
    svc = service("pg-rw", {"cnpg.io/cluster": "pg"})
    cluster = custom("postgresql.cnpg.io/v1", "Cluster", "pg")
    certificate = custom("cert-manager.io/v1", "Certificate", "pg")
    assert pods_made_elsewhere(svc, service_selector(svc), ObjectIndex([svc, cluster])) == Evidence(MADE_BY, cluster)
    assert pods_made_elsewhere(svc, service_selector(svc), ObjectIndex([svc, certificate])) is None


# -- keys_labelled_elsewhere -------------------------------------------------------------------------
def test_a_key_no_template_uses_is_labelled_elsewhere():
    svc = service("web", {"app": "web", "sidecar.istio.io/inject": "true"})
    index = ObjectIndex([svc, deployment("api", {"app": "api"})])
    assert keys_labelled_elsewhere(svc, service_selector(svc), index) == ["sidecar.istio.io/inject"]


def test_a_key_one_edit_from_a_used_one_is_a_typo():
    svc = service("web", {"apps": "web"})
    index = ObjectIndex([svc, deployment("api", {"app": "api"})])
    assert keys_labelled_elsewhere(svc, service_selector(svc), index) == []


def test_no_key_is_labelled_elsewhere_when_the_files_show_the_mistake():
    svc = service("web", {"app": "web", "release": "v1"})
    # the rest of the selector picks a workload here: that workload lacks the key
    assert keys_labelled_elsewhere(svc, service_selector(svc), ObjectIndex([svc, deployment("x", {"app": "web"})])) == []
    # a workload of the Service's name, or one carrying the wanted value under another key
    lone = service("web", {"release": "v1"})
    for workload in (deployment("web", {"tier": "front"}), deployment("x", {"version": "v1"})):
        assert keys_labelled_elsewhere(lone, service_selector(lone), ObjectIndex([lone, workload])) == []


def test_every_key_used_by_some_template_is_not_labelled_elsewhere():
    svc = service("web", {"app": "web"})
    index = ObjectIndex([svc, deployment("api", {"app": "api"})])
    assert keys_labelled_elsewhere(svc, service_selector(svc), index) == []


# -- service_made_by_operator ------------------------------------------------------------------------
def test_a_service_named_after_an_operators_resource():
    cluster = custom("postgresql.cnpg.io/v1", "Cluster", "pg", namespace="db")
    index = ObjectIndex([cluster, custom("cert-manager.io/v1", "Certificate", "logs", namespace="db")])
    assert service_made_by_operator(index, "db", "pg-rw") is cluster
    assert service_made_by_operator(index, "db", "pg") is cluster
    assert service_made_by_operator(index, "db", "pgbouncer") is None  # a prefix is not enough
    assert service_made_by_operator(index, "default", "pg-rw") is None
    assert service_made_by_operator(index, "db", "logs-es-http") is None  # a Certificate makes no Service


def test_the_route_of_objects_loaded_from_files(tmp_path):
    """The same route when the loader builds the objects from YAML text."""
    (tmp_path / "app.yaml").write_text("""\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: example/web:1, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}, {port: 81, targetPort: htp}]
""", encoding="utf-8")
    loaded = load([str(tmp_path)])
    index = ObjectIndex(loaded.manifests, units=loaded.units)
    [svc] = index.named("Service", "shop", "web")
    route = route_service(svc, index.view(svc))
    assert owners(route.templates) == index.named("Deployment", "shop", "web")
    assert [[m.status for m in p.matches] for p in route.ports] == [[SERVED], [UNRESOLVED]]
