"""A "did you mean" must be plausibly right: the semantics of the hints, unit by unit."""

from __future__ import annotations

from kportlint.model import ContainerPort
from kportlint.k8s.names import one_edit_apart
from kportlint.k8s.ports import ServicePort, suggest


def port(number: int, name: str = "", protocol: str = "TCP") -> ContainerPort:
    return ContainerPort(number, name or None, protocol, "")


def service_port(number: int, name: str = "", target=None) -> ServicePort:
    return ServicePort(0, "/spec/ports/0", name or None, number, target, "TCP")


def test_the_only_declared_port_is_offered_when_nothing_says_otherwise() -> None:
    assert suggest(service_port(80), [port(8080, "http")]) == "http"
    assert suggest(service_port(80, "http"), [port(8080, "http-alt")]) == "http-alt"
    assert suggest(service_port(80, "web", "htp"), [port(8080, "http")]) == "http"  # a misspelling


def test_a_port_for_another_purpose_is_never_offered() -> None:
    assert suggest(service_port(4317, "otlp-grpc"), [port(3200, "tempo-query")]) is None
    assert suggest(service_port(9090, "metrics"), [port(5432, "postgres")]) is None


def test_one_edit_apart() -> None:
    assert one_edit_apart("ap", "app") and one_edit_apart("app", "apq") and one_edit_apart("App", "app")
    assert not one_edit_apart("k8s-app", "app") and not one_edit_apart("tier", "team")


def test_listen_ports_given_as_flags() -> None:
    from kportlint.model import Container, Manifest, PodTemplate, SourceFile
    from kportlint.k8s.ports import listens_on

    def template(args: list[str], env: list[dict] = ()) -> PodTemplate:
        owner = Manifest(SourceFile("x.yaml"), 0, "", {"kind": "Deployment"}, "default")
        raw = {"args": args, "env": list(env)}
        return PodTemplate(owner, "", {}, {}, [Container("c", "", [], raw=raw)])

    for args in (["--port", "18080"], ["--port=18080"], ["--listen=:18080"], ["--tcp", "18080"],
                 ["--web.listen-address=0.0.0.0:18080"], ["serve", "0.0.0.0:18080"]):
        assert listens_on(template(args), 18080), args
    for args in (["--timeout", "18080"], ["--cache-size=18080"], ["--port=180800"], ["--http-timeout", "18080"]):
        assert not listens_on(template(args), 18080), args
    assert listens_on(template([], [{"name": "PORT", "value": "18080"}]), 18080)
    assert not listens_on(template([], [{"name": "MAX_CONNECTIONS", "value": "18080"}]), 18080)


def test_flags_with_port_inside_another_word_or_for_a_server_elsewhere_are_no_listen_ports() -> None:
    from kportlint.model import Container, Manifest, PodTemplate, SourceFile
    from kportlint.k8s.ports import listens_on

    def template(args: list[str], env: list[dict] = ()) -> PodTemplate:
        owner = Manifest(SourceFile("x.yaml"), 0, "", {"kind": "Deployment"}, "default")
        return PodTemplate(owner, "", {}, {}, [Container("c", "", [], raw={"args": args, "env": list(env)})])

    for args in (["--export-interval", "80"], ["--transport-timeout=80"], ["--report-interval", "80"],
                 ["--listen-backlog", "80"], ["--db-port", "80"], ["--upstream=localhost:80"]):
        assert not listens_on(template(args), 80), args
    assert not listens_on(template([], [{"name": "DB_PORT", "value": "80"}]), 80)
    assert listens_on(template(["--metrics-bind-address=:80"]), 80)
