"""Service ports and how a targetPort resolves against a pod template (kportlint/k8s/ports.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kportlint.k8s.ports import (SERVED, UNDECLARED, UNKNOWN, UNRESOLVED, is_int, resolve, service_ports)
from kportlint.k8s.workloads import KindTable, pod_template

from kobjects import deployment, manifest, service


def only_port(**fields):
    ports = service_ports(service("web", {"app": "web"}, [fields]))
    assert len(ports) == 1
    return ports[0]


def template(*ports, **container):
    owner = deployment("web", {"app": "web"}, ports)
    if container:
        owner.data["spec"]["template"]["spec"]["containers"][0].update(container)
    return pod_template(owner, KindTable().lookup(owner))


# -- is_int ------------------------------------------------------------------------------------------
def test_is_int_refuses_bools_and_other_numbers():
    assert is_int(0) and is_int(8080) and is_int(-1)
    assert not any(is_int(v) for v in (True, False, 1.0, "80", None))


# -- service_ports -----------------------------------------------------------------------------------
@pytest.mark.parametrize("target", [None, 0, ""])
def test_missing_zero_or_empty_target_port_means_port(target):
    fields = {"port": 80} if target is None else {"port": 80, "targetPort": target}
    port = only_port(**fields)
    assert port.target == target
    assert port.effective_target == 80
    assert port.target_pointer == "/spec/ports/0"


def test_a_given_target_port_is_used_as_written():
    assert only_port(port=80, targetPort=8080).effective_target == 8080
    named = only_port(port=80, targetPort="http", name="web")
    assert (named.effective_target, named.name, named.target_pointer) == ("http", "web", "/spec/ports/0/targetPort")


@pytest.mark.parametrize("protocol, expected", [(None, "TCP"), ("", "TCP"), ("UDP", "UDP"), ("SCTP", "SCTP"),
                                                ("TCP", "TCP"), ("${PROTO}", "${PROTO}")])
def test_protocol_defaults_to_tcp(protocol, expected):
    fields = {"port": 53} if protocol is None else {"port": 53, "protocol": protocol}
    assert only_port(**fields).protocol == expected


def test_entries_the_api_server_rejects_are_left_out_keeping_indexes():
    ports = service_ports(service("web", {"app": "web"}, [
        "80",                                  # not a mapping
        {"port": 80, "targetPort": 1.5},       # wrong type
        {"port": 80, "targetPort": True},
        {"port": 80, "targetPort": 70000},     # out of range
        {"port": 80, "targetPort": -1},
        {"port": 80, "protocol": "tcp"},       # no such protocol
        {"port": 443, "targetPort": 8443, "name": 7},
    ]))
    assert [(p.index, p.pointer, p.port, p.target, p.name) for p in ports] == [(6, "/spec/ports/6", 443, 8443, None)]


@pytest.mark.parametrize("value", [0, 65536, "80", True, None])
def test_a_port_that_is_no_port_number_is_kept_as_none(value):
    port = only_port(port=value, targetPort=8080, name="web")
    assert port.port is None and port.effective_target == 8080
    assert port.label() == "port 'web'"


def test_port_labels():
    assert only_port(port=80, name="http").label() == "port 80 (http)"
    assert only_port(port=80).label() == "port 80"
    assert only_port(targetPort=80).label() == "port #1"


def test_no_ports():
    for spec in ({}, {"ports": None}, {"ports": {"port": 80}}):
        assert service_ports(manifest({"kind": "Service", "spec": spec})) == []


# -- resolve -----------------------------------------------------------------------------------------
def test_a_declared_number_is_served():
    t = template({"containerPort": 8080, "name": "http"})
    match = resolve(t, 8080, "TCP")
    assert match.status == SERVED and [p.number for p in match.ports] == [8080] and match.template is t


def test_an_undeclared_number_beside_declared_ports():
    assert resolve(template({"containerPort": 8080}), 9090, "TCP").status == UNDECLARED
    # declared, but for another protocol
    assert resolve(template({"containerPort": 53, "protocol": "UDP"}), 53, "TCP").status == UNDECLARED


def test_a_number_against_a_pod_that_declares_nothing_is_unknown():
    match = resolve(template(), 8080, "TCP")
    assert (match.status, match.ports) == (UNKNOWN, ())


def test_a_number_the_program_is_told_to_listen_on_is_served():
    assert resolve(template({"containerPort": 8080}, args=["--port=9090"]), 9090, "TCP").status == SERVED
    assert resolve(template(args=["--listen", ":9090"]), 9090, "TCP").status == SERVED
    assert resolve(template(env=[{"name": "PORT", "value": 9090}]), 9090, "TCP").status == SERVED
    # a port the program connects to is no listen port
    assert resolve(template(args=["--db-port=9090"]), 9090, "TCP").status == UNKNOWN
    assert resolve(template(env=[{"name": "DB_PORT", "value": "9090"}]), 9090, "TCP").status == UNKNOWN


def test_a_name_resolves_only_with_the_same_protocol():
    t = template({"containerPort": 53, "name": "dns", "protocol": "UDP"}, {"containerPort": 8080, "name": "http"})
    assert resolve(t, "dns", "UDP").status == SERVED
    assert [p.number for p in resolve(t, "dns", "UDP").ports] == [53]
    assert resolve(t, "dns", "TCP").status == UNRESOLVED
    assert resolve(t, "http", "TCP").status == SERVED
    assert resolve(t, "HTTP", "TCP").status == UNRESOLVED  # names are case-sensitive
    assert resolve(template(), "http", "TCP").status == UNRESOLVED


def test_ports_of_plain_init_containers_serve_nothing_but_native_sidecars_do():
    owner = deployment("web", {"app": "web"})
    spec = owner.data["spec"]["template"]["spec"]
    spec["initContainers"] = [{"name": "init", "ports": [{"containerPort": 9000, "name": "init"}]},
                              {"name": "proxy", "restartPolicy": "Always",
                               "ports": [{"containerPort": 15001, "name": "proxy"}]}]
    t = pod_template(owner, KindTable().lookup(owner))
    assert resolve(t, "init", "TCP").status == UNRESOLVED
    assert resolve(t, 9000, "TCP").status == UNDECLARED
    assert resolve(t, "proxy", "TCP").status == SERVED


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 6), st.sampled_from(["a", "b", None]), st.sampled_from(["TCP", "UDP"])),
                max_size=4),
       st.integers(1, 6) | st.sampled_from(["a", "b"]), st.sampled_from(["TCP", "UDP"]))
def test_resolve_statuses(declared, target, protocol):
    t = template(*({"containerPort": n, "protocol": p, **({"name": name} if name else {})}
                   for n, name, p in declared))
    match = resolve(t, target, protocol)
    field = 1 if isinstance(target, str) else 0
    hits = [d for d in declared if d[field] == target and d[2] == protocol]
    assert len(match.ports) == len(hits)
    if hits:
        assert match.status == SERVED
    elif isinstance(target, str):
        assert match.status == UNRESOLVED
    else:
        assert match.status == (UNDECLARED if declared else UNKNOWN)
