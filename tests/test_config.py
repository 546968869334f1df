"""The configuration file, suppressions, and the options ruff users expect: through the command line
in this process (click's CliRunner), as STYLE.md asks for option handling; test_cli.py runs the
console script end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import pytest
from clirun import invoke
from click.testing import Result

from manifests import DEPLOYMENT, SERVICE

# A Service whose named targetPort no container declares (error: the container calls its port web),
# and one whose numeric targetPort is undeclared (warning), in one namespace with their Deployment.
APP = DEPLOYMENT.replace("{name: http,", "{name: web,") + "---\n" + SERVICE + """\
---
apiVersion: v1
kind: Service
metadata:
  name: admin
spec:
  selector: {app: web}
  ports:
    - port: 9000
"""


def cli(*args: str, cwd: Path, env: Optional[dict] = None) -> Result:
    """`kportlint ARGS` in `cwd`, in this process, without the CI variables unless `env` sets them."""
    return invoke(*args, cwd=cwd, env=env)


def findings(done: Result) -> list[tuple[str, str]]:
    assert done.stderr == "", done.stderr
    return [(f["rule"], f["severity"]) for f in json.loads(done.stdout)["findings"]]


@pytest.fixture
def app(tmp_path: Path) -> Path:
    (tmp_path / "app.yaml").write_text(APP, encoding="utf-8")
    return tmp_path


# --- configuration ----------------------------------------------------------------------------------

def test_without_configuration(app: Path) -> None:
    assert findings(cli("lint", "--format", "json", cwd=app)) == [
        ("target-port-unresolved", "error"), ("target-port-undeclared", "warning")]


def test_rule_severities_and_off(app: Path) -> None:
    (app / ".kportlint.yaml").write_text("rules:\n  target-port-unresolved: warning\n  target-port-undeclared: off\n")
    done = cli("lint", "--format", "json", cwd=app)
    assert findings(done) == [("target-port-unresolved", "warning")]
    assert done.exit_code == 1


def test_found_from_the_linted_path_upward(app: Path, tmp_path_factory) -> None:
    (app / ".kportlint.yaml").write_text("ignore: [target-port-undeclared]\n")
    elsewhere = tmp_path_factory.mktemp("cwd")
    done = cli("lint", "--format", "json", str(app / "app.yaml"), cwd=elsewhere)
    assert findings(done) == [("target-port-unresolved", "error")]


def test_pyproject_tool_section(app: Path) -> None:
    (app / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.kportlint]\nselect = ["target-port-undeclared"]\n')
    assert findings(cli("lint", "--format", "json", cwd=app)) == [("target-port-undeclared", "warning")]


def test_command_line_wins_over_the_file(app: Path) -> None:
    (app / ".kportlint.yaml").write_text("select: [target-port-undeclared]\nfail-on: error\n")
    done = cli("lint", "--format", "json", "--select", "target-port-unresolved", cwd=app)
    assert findings(done) == [("target-port-unresolved", "error")]
    warning_only = cli("lint", "--format", "json", cwd=app)
    assert warning_only.exit_code == 0  # fail-on: error from the file, and only a warning found
    assert cli("lint", "--format", "json", "--fail-on", "warning", cwd=app).exit_code == 1


def test_exclude_globs_are_relative_to_the_file(app: Path) -> None:
    (app / "vendor").mkdir()
    (app / "vendor" / "broken.yaml").write_text("kind: Service\nmetadata: [unclosed\n")
    (app / "generated").mkdir()
    (app / "generated" / "x.gen.yaml").write_text("kind: Service\nmetadata: [unclosed\n")
    assert ("yaml-syntax", "error") in findings(cli("lint", "--format", "json", cwd=app))
    (app / ".kportlint.yaml").write_text("exclude: [vendor, '**/*.gen.yaml']\n")
    assert ("yaml-syntax", "error") not in findings(cli("lint", "--format", "json", cwd=app))


def test_node_port_range(app: Path) -> None:
    (app / "np.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: np}\nspec:\n  type: NodePort\n"
                                 "  selector: {app: web}\n  ports: [{port: 8080, nodePort: 20080}]\n")
    assert ("node-port-out-of-range", "error") in findings(cli("lint", "--format", "json", cwd=app))
    (app / ".kportlint.yaml").write_text("node-port-range: 20000-22767\n")
    assert ("node-port-out-of-range", "error") not in findings(cli("lint", "--format", "json", cwd=app))


def test_kustomize_keys(app: Path) -> None:
    (app / "kustomization.yaml").write_text("resources: [app.yaml]\n")
    built = cli("lint", "--format", "json", cwd=app)
    assert json.loads(built.stdout)["summary"]["kustomizations"] == {"built": 1, "failed": 0}
    assert {f["severity"] for f in json.loads(built.stdout)["findings"]} == {"error", "warning"}
    (app / ".kportlint.yaml").write_text("kustomize: false\n")
    plain = cli("lint", "--format", "json", cwd=app)
    assert "not built (building is turned off)" in plain.stderr  # said once, on stderr
    assert {f["severity"] for f in json.loads(plain.stdout)["findings"]} == {"info"}
    (app / "bin").mkdir()
    program = app / "bin" / "kustomize"
    program.write_text("#!/bin/sh\necho 'error: this kustomize always fails' >&2\nexit 1\n")
    program.chmod(0o755)
    # A repository's configuration names a command, never a program of its own.
    (app / ".kportlint.yaml").write_text("kustomize: bin/kustomize\n")
    refused = cli("lint", cwd=app)
    assert refused.exit_code == 2 and "A path is refused" in refused.stderr
    (app / ".kportlint.yaml").write_text("kustomize: kubectl\nkustomize-timeout: 5\n")
    assert cli("lint", "--format", "json", cwd=app).stderr == ""
    failed = json.loads(cli("lint", "--kustomize", "bin/kustomize", "--format", "json", cwd=app).stdout)
    assert failed["summary"]["kustomizations"] == {"built": 0, "failed": 1}
    assert any(f["rule"] == "kustomize-build-failed" and "this kustomize always fails" in f["message"]
               for f in failed["findings"])
    assert cli("lint", "--kustomize", "kubectl", "--format", "json", cwd=app).stderr == ""  # the flag wins


def test_pods_from_elsewhere(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(APP + "---\n" + """\
apiVersion: v1
kind: Service
metadata: {name: dns-metrics}
spec:
  selector: {k8s-app: kube-dns}
  ports: [{port: 9153}]
---
apiVersion: v1
kind: Service
metadata: {name: monitor, namespace: monitoring}
spec:
  selector: {app: exporter}
  ports: [{port: 9100}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: other, namespace: monitoring}
spec:
  selector: {matchLabels: {app: other}}
  template:
    metadata: {labels: {app: other}}
    spec: {containers: [{name: other, image: example/other:1}]}
""")
    flagged = {(f["rule"], f["name"]) for f in json.loads(cli("lint", "--format", "json", cwd=tmp_path).stdout)["findings"]}
    assert {("dangling-service", "dns-metrics"), ("dangling-service", "monitor")} <= flagged
    (tmp_path / ".kportlint.yaml").write_text(
        "pods-from-elsewhere:\n  - labels: {k8s-app: kube-dns}\n  - namespace: monitoring\n")
    quiet = {(f["rule"], f["name"]) for f in json.loads(cli("lint", "--format", "json", cwd=tmp_path).stdout)["findings"]}
    assert ("dangling-service", "dns-metrics") not in quiet and ("dangling-service", "monitor") not in quiet
    assert ("target-port-unresolved", "web") in quiet  # everything else is judged as before
    (tmp_path / ".kportlint.yaml").write_text("pods-from-elsewhere:\n  - {}\n")
    assert cli("lint", cwd=tmp_path).exit_code == 2


def test_pod_template_kinds(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text("""\
apiVersion: example.com/v1
kind: WebApp
metadata: {name: shop}
spec:
  pods:
    metadata:
      labels: {app: shop}
    spec:
      containers: [{name: shop, image: shop:1, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: shop}
spec:
  selector: {app: shop}
  ports: [{port: 80, targetPort: htp}]
""")
    before = findings(cli("lint", "--format", "json", cwd=tmp_path))
    assert ("target-port-unresolved", "error") not in before  # the pods are invisible: no route judged
    (tmp_path / ".kportlint.yaml").write_text(
        "pod-template-kinds:\n  - {kind: WebApp, group: example.com, template: spec.pods}\n")
    done = cli("lint", "--format", "json", cwd=tmp_path)
    assert findings(done) == [("target-port-unresolved", "error")]
    assert "WebApp default/shop" in json.loads(done.stdout)["findings"][0]["message"]


@pytest.mark.parametrize(("content", "expected"), [
    ("colour: red\n", "unknown key 'colour'; allowed: "),
    ("rules:\n  target-port-unresolved: fatal\n", "rules.target-port-unresolved: 'fatal' is not allowed"),
    ("rules:\n  no-such-rule: off\n", "rules.no-such-rule: unknown rule"),
    ("schema: maybe\n", "schema: 'maybe' is not boolean"),
    ("max-file-size: lots\n", "max-file-size: 'lots' is not a size"),
    ("node-port-range: 9-3\n", "node-port-range: '9-3' is not a range"),
    ("kustomize-timeout: 0\n", "kustomize-timeout: "),
    ("kubernetes-version: 1.30\n", "kubernetes-version: 1.3 is a number, not a version: quote it"),
    ("select: [nosuch]\n", "select: unknown rule or category 'nosuch'"),
    ("extend-ignore: [nosuch]\n", "extend-ignore: unknown rule or category 'nosuch'"),
    ("rules:\n  a: [unclosed\n", "line 3, column 1: not valid YAML"),
], ids=["unknown-key", "bad-severity", "unknown-rule", "bad-type", "bad-size", "bad-range", "bad-timeout",
        "unquoted-version", "unknown-selected", "unknown-ignored", "broken-yaml"])
def test_bad_configuration_is_exit_2_naming_file_and_key(app: Path, content: str, expected: str) -> None:
    """One line that names the file and says what to write."""
    (app / ".kportlint.yaml").write_text(content)
    done = cli("lint", cwd=app)
    assert done.exit_code == 2 and done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith(f"kportlint: error: {app / '.kportlint.yaml'}: ") and expected in line


def test_explicit_config_file(app: Path, tmp_path_factory) -> None:
    other = tmp_path_factory.mktemp("conf") / "strict.yaml"
    other.write_text("select: [target-port-undeclared]\n")
    assert findings(cli("lint", "--format", "json", "--config", str(other), cwd=app)) == [
        ("target-port-undeclared", "warning")]


# --- suppressions -------------------------------------------------------------------------------

def test_comment_on_the_line_and_above_and_for_the_file(app: Path) -> None:
    text = APP.replace("      targetPort: http\n", "      targetPort: http  # kportlint: disable=target-port-unresolved\n")
    text = text.replace("  ports:\n    - port: 9000\n", "  ports:\n    # kportlint: disable=target-port-undeclared\n    - port: 9000\n")
    (app / "app.yaml").write_text(text)
    assert findings(cli("lint", "--format", "json", cwd=app)) == []
    (app / "app.yaml").write_text("# kportlint: disable-file=target-port-unresolved,target-port-undeclared\n" + APP)
    assert findings(cli("lint", "--format", "json", cwd=app)) == []


def test_annotation(app: Path) -> None:
    text = APP.replace("metadata:\n  name: admin\n", "metadata:\n  name: admin\n  annotations:\n"
                                                   "    kportlint.io/ignore: \"target-port-undeclared\"\n")
    (app / "app.yaml").write_text(text)
    assert findings(cli("lint", "--format", "json", cwd=app)) == [("target-port-unresolved", "error")]


def test_unused_suppressions_only_when_asked(app: Path) -> None:
    (app / "app.yaml").write_text(APP.replace("  name: web\nspec:\n  selector: {app: web}",
                                              "  name: web\nspec:\n  selector: {app: web}  # kportlint: disable=dangling-service"))
    assert ("unused-suppression", "info") not in findings(cli("lint", "--format", "json", cwd=app))
    assert ("unused-suppression", "info") in findings(
        cli("lint", "--format", "json", "--show-unused-suppressions", cwd=app))


# --- output options -----------------------------------------------------------------------------------

def test_statistics(app: Path) -> None:
    done = cli("lint", "--statistics", cwd=app)
    assert done.stdout.splitlines() == [
        "1  warning  target-port-undeclared", "1  error    target-port-unresolved",
        "Schema: 3 objects checked, 0 without a schema (custom resources with no CRD or vendored schema, API "
        "versions the target does not serve), not checked.",
        "Found 2 problems (1 error, 1 warning) in 1 file, 3 objects."]


def test_statistics_honour_the_format_and_the_output_file(app: Path) -> None:
    done = cli("lint", "--statistics", "--format", "json", "--output", "stats.json", cwd=app)
    expected = [{"rule": "target-port-undeclared", "severity": "warning", "count": 1},
                {"rule": "target-port-unresolved", "severity": "error", "count": 1}]
    assert done.exit_code == 1
    written = json.loads((app / "stats.json").read_text())
    assert written["statistics"] == expected and written["summary"]["findings"] == 2
    assert done.stdout.splitlines()[0] == "1  warning  target-port-undeclared"  # the terminal gets text
    on_terminal = cli("lint", "--statistics", "--format", "json", cwd=app)
    assert json.loads(on_terminal.stdout)["statistics"] == expected
    refused = cli("lint", "--statistics", "--format", "sarif", cwd=app)
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr.startswith("kportlint: error: --statistics prints text or JSON")


def test_exit_zero_and_quiet(app: Path) -> None:
    done = cli("lint", "--exit-zero", "--quiet", cwd=app)
    assert done.exit_code == 0
    lines = done.stdout.splitlines()
    assert len(lines) == 2 and all(": " in line and "Found" not in line for line in lines)
    (app / "app.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    assert cli("lint", "--quiet", cwd=app).stdout == ""


def test_auto_format_under_github_actions(app: Path) -> None:
    done = cli("lint", cwd=app, env={"GITHUB_ACTIONS": "true"})
    lines = done.stdout.splitlines()
    assert lines[0].startswith("::error file=app.yaml,line=26,col=19,title=target-port-unresolved::Service default/web")
    assert lines[1].startswith("::warning file=app.yaml,line=35,")


def test_output_file_and_text_on_the_terminal(app: Path) -> None:
    done = cli("lint", "--format", "json", "--output", "report.json", cwd=app)
    report = json.loads((app / "report.json").read_text())
    assert report["summary"]["findings"] == 2
    assert done.stdout.endswith("Found 2 problems (1 error, 1 warning) in 1 file, 3 objects.\n")
    assert done.stdout.startswith("app.yaml:")


def test_step_summary_is_appended(app: Path) -> None:
    summary = app / "summary.md"
    summary.write_text("# earlier step\n")
    cli("lint", "--format", "text", cwd=app, env={"GITHUB_STEP_SUMMARY": str(summary)})
    text = summary.read_text()
    assert text.startswith("# earlier step\n")
    assert "target-port-unresolved" in text and "|" in text


def test_output_file_that_cannot_be_written_is_exit_2(app: Path) -> None:
    done = cli("lint", "--format", "sarif", "--output", "missing/dir/report.sarif", cwd=app)
    assert done.exit_code == 2 and done.stdout == ""
    assert done.stderr.startswith("kportlint: error: cannot write the report to missing/dir/report.sarif")


SUPPRESSIBLE = """apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector:
    app: nothing{on_label}
  ports:
    - port: 80{on_port}
"""


@pytest.mark.parametrize("on_label, on_port, above, silenced", [
    ("  # kportlint: disable=dangling-service", "", "", True),  # a line inside the node
    ("  # kportlint: disable=dangling-service -- made by the operator", "", "", True),  # with a reason
    ("  # kportlint: disable", "", "", True),  # bare: every rule
    ("  # kportlint: disable=services", "", "", True),  # a category
    ("  # kportlint: disable=ALL", "", "", True),
    ("", "  # kportlint: disable=dangling-service", "", False),  # another node of the object
    ("", "", "# kportlint: disable=dangling-service\n", False),  # above the object, not the node
])
def test_directive_on_the_node_the_finding_points_at(tmp_path: Path, on_label: str, on_port: str, above: str,
                                                     silenced: bool) -> None:
    text = above + SUPPRESSIBLE.format(name="web", on_label=on_label, on_port=on_port)
    (tmp_path / "svc.yaml").write_text(text.replace("metadata:", "metadata:\n  namespace: shop") +
                                       DEPLOYMENT_IN_SHOP)
    done = cli("lint", "--format", "json", "--show-unused-suppressions", ".", cwd=tmp_path)
    rules = [rule for rule, _ in findings(done)]
    assert ("dangling-service" not in rules) is silenced, done.stdout
    assert ("unused-suppression" in rules) is (not silenced), done.stdout
    assert "unknown-suppression" not in rules


def test_annotation_takes_categories(tmp_path: Path) -> None:
    text = SUPPRESSIBLE.format(name="web", on_label="", on_port="").replace(
        "metadata:\n", "metadata:\n  namespace: shop\n  annotations:\n    kportlint.io/ignore: services\n")
    (tmp_path / "svc.yaml").write_text(text + DEPLOYMENT_IN_SHOP)
    done = cli("lint", "--format", "json", ".", cwd=tmp_path)
    assert findings(done) == [], done.stdout


# A workload in namespace shop that the Service's selector (app: nothing) does not pick.
DEPLOYMENT_IN_SHOP = "---\n" + DEPLOYMENT.replace("  name: web\n", "  name: web\n  namespace: shop\n", 1)


def test_a_directive_that_is_not_kportlints_silences_nothing(tmp_path: Path) -> None:
    """`disable-next-line` is no kportlint directive: it must not read as a bare `disable`."""
    text = SUPPRESSIBLE.format(name="web", on_label="  # kportlint: disable-next-line=dangling-service", on_port="")
    (tmp_path / "svc.yaml").write_text(text.replace("metadata:", "metadata:\n  namespace: shop") + DEPLOYMENT_IN_SHOP)
    done = cli("lint", "--format", "json", ".", cwd=tmp_path)
    assert [rule for rule, _ in findings(done)] == ["dangling-service"]
