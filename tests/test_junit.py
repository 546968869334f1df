"""`--format junit` on small manifests, every report validated against the Jenkins xUnit plugin's
junit-10.xsd (tests/schemas/, see its README). The runs go through click's CliRunner in this process;
the stdin test runs the installed console script end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema
from clirun import invoke
from manifests import write

SCHEMA = xmlschema.XMLSchema(Path(__file__).parent / "schemas" / "junit-10.xsd")
SCRIPT = Path(sys.executable).parent / ("kportlint.exe" if os.name == "nt" else "kportlint")
RANK = {"info": 0, "warning": 1, "error": 2}

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: example/api:1
          ports:
            - {name: http, containerPort: 8080}
"""
# targetPort 9090 is declared by no container: target-port-undeclared, a warning.
UNDECLARED = """\
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector: {app: api}
  ports:
    - {name: a, port: 80, targetPort: 9090}
"""
# Selects no pod while workloads exist in its namespace: dangling-service, an error.
DANGLING = """\
apiVersion: v1
kind: Service
metadata:
  name: other
spec:
  selector: {app: nope}
  ports:
    - {port: 80, targetPort: 8080}
"""
# Not a manifest: helm-template-skipped, info, about the whole file.
HELM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n"
# A name and a label value that XML must escape, with control characters (BEL, ESC) in them.
HOSTILE = """\
apiVersion: v1
kind: Service
metadata:
  name: "web]]>"
spec:
  selector:
    app: "a<b&c\\a\\e]]>x"
  ports:
    - port: 80
      targetPort: 8080
"""


def kportlint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`kportlint ARGS` in this process, in the shape of a finished process."""
    done = invoke(*args, cwd=cwd)
    return subprocess.CompletedProcess(["kportlint", *args], done.exit_code, done.stdout, done.stderr)


def junit(folder: Path, *options: str) -> tuple[ET.Element, list[dict], int]:
    """The junit report of `folder` (validated against the XSD), the same run's JSON findings and the
    exit code."""
    report = folder.parent / f"{folder.name}-report.xml"
    done = kportlint("lint", "--format", "json", "--output", str(report), *options, str(folder), cwd=folder.parent)
    # --output FILE writes --format there; ask for junit in a second run and compare with stdout too.
    findings = json.loads(report.read_text(encoding="utf-8"))["findings"]
    done = kportlint("lint", "--format", "junit", "--output", str(report), *options, str(folder), cwd=folder.parent)
    assert done.returncode in (0, 1), done.stderr
    SCHEMA.validate(str(report))
    stdout = kportlint("lint", "--format", "junit", *options, str(folder), cwd=folder.parent)
    assert stdout.stdout == report.read_text(encoding="utf-8")
    assert stdout.returncode == done.returncode
    return ET.parse(report).getroot(), findings, done.returncode


def groups(findings: list[dict]) -> dict[tuple, list[dict]]:
    """(rule, object) or (rule, file) -> its findings: what one test case covers."""
    out: dict[tuple, list[dict]] = {}
    for f in findings:
        key = (f["rule"], f["kind"], f["namespace"], f["name"]) if f["kind"] else (f["rule"], f["file"])
        out.setdefault(key, []).append(f)
    return out


def check_counts(root: ET.Element) -> None:
    [suite] = root.findall("testsuite")
    cases = suite.findall("testcase")
    failed = [c for c in cases if c.find("failure") is not None]
    for element in (root, suite):
        assert element.get("tests") == str(len(cases))
        assert element.get("failures") == str(len(failed))
        assert element.get("errors") == "0"
    assert suite.get("name") == "kportlint" and suite.get("skipped") == "0"
    assert not suite.findall("testcase/error") and not suite.findall("testcase/skipped")


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """One error, one warning and one info finding, each its own test case."""
    return write(tmp_path / "k8s", {"app.yaml": DEPLOYMENT + "---\n" + UNDECLARED + "---\n" + DANGLING,
                                    "chart.yaml": HELM})


@pytest.mark.parametrize("fail_on", ["error", "warning", "info"])
def test_failures_are_the_findings_at_or_above_fail_on(mixed: Path, fail_on: str):
    root, findings, code = junit(mixed, "--fail-on", fail_on)
    assert sorted(f["severity"] for f in findings) == ["error", "info", "warning"]
    check_counts(root)
    failing = [f for f in findings if RANK[f["severity"]] >= RANK[fail_on]]
    cases = root.findall("testsuite/testcase")
    assert len(cases) == len(findings) == 3
    assert root.get("failures") == str(len(failing))
    assert sorted(c.get("classname") for c in cases if c.find("failure") is not None) \
        == sorted(f["rule"] for f in failing)
    assert code == 1
    for case in cases:
        [finding] = [f for f in findings if f["rule"] == case.get("classname")]
        where = f"{finding['file']}:{finding['line']}"
        expected_name = f"{finding['kind']} default/{finding['name']} ({where})" if finding["kind"] else where
        assert case.get("name") == expected_name
        line = f"{where}:{finding['column']}: {finding['severity']} {finding['message']}\n"
        failure = case.find("failure")
        if failure is not None:
            assert (failure.get("type"), failure.get("message")) == (finding["rule"], finding["message"])
            assert failure.text == line and case.find("system-out") is None
        else:
            assert case.find("system-out").text == line  # below the threshold: listed, passing


def test_fail_on_from_the_configuration(mixed: Path):
    (mixed / ".kportlint.yaml").write_text("fail-on: info\n", encoding="utf-8")
    root, findings, _ = junit(mixed)
    assert root.get("failures") == str(len(findings)) == "3"


def test_one_test_case_per_rule_and_object(tmp_path: Path):
    # Two undeclared target ports on one Service: two findings, one test case that lists both.
    service = UNDECLARED + "    - {name: b, port: 81, targetPort: 9091}\n"
    root, findings, code = junit(write(tmp_path / "k8s", {"app.yaml": DEPLOYMENT + "---\n" + service}))
    assert (code, [f["rule"] for f in findings]) == (1, ["target-port-undeclared"] * 2)
    check_counts(root)
    [case] = root.findall("testsuite/testcase")
    assert len(groups(findings)) == 1
    failure = case.find("failure")
    assert failure.text.splitlines() == [f"{f['file']}:{f['line']}:{f['column']}: warning {f['message']}"
                                         for f in findings]


def test_a_clean_run_is_a_valid_report_without_failures(tmp_path: Path):
    root, findings, code = junit(write(tmp_path / "k8s", {"app.yaml": DEPLOYMENT}))
    assert (findings, code) == ([], 0)
    check_counts(root)
    # Jenkins' junit step fails a build whose reports hold no test case, so a clean run has one.
    [case] = root.findall("testsuite/testcase")
    assert (case.get("classname"), case.get("name")) == ("kportlint", "No problems found (1 file, 1 object).")
    assert root.get("failures") == "0" and list(case) == []


@pytest.mark.parametrize("fail_on", ["error", "info"])
def test_special_characters_keep_the_xml_well_formed(tmp_path: Path, fail_on: str):
    root, findings, _ = junit(write(tmp_path / "k8s", {"svc.yaml": HOSTILE}), "--fail-on", fail_on)
    [finding] = findings
    assert "a<b&c\x07\x1b]]>x" in finding["message"] and finding["name"] == "web]]>"
    check_counts(root)
    [case] = root.findall("testsuite/testcase")
    assert case.get("name").startswith("Service default/web]]> (")
    shown = finding["message"].replace("\x07", "\\x07").replace("\x1b", "\\x1b")
    body = case.find("failure" if fail_on == "info" else "system-out")
    assert body.text == f"{finding['file']}:{finding['line']}:{finding['column']}: info {shown}\n"
    if fail_on == "info":
        assert body.get("message") == shown


def test_stdin_and_nothing_written_unless_asked(tmp_path: Path):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("GITHUB_ACTIONS", None)
    done = subprocess.run([str(SCRIPT), "lint", "--format", "junit", "-"], cwd=tmp_path, input=UNDECLARED,
                          capture_output=True, text=True, env=env, timeout=120)
    assert (done.returncode, done.stderr) == (0, "")  # an info finding: the Service's pods are elsewhere
    assert list(tmp_path.iterdir()) == []
    report = tmp_path / "report.xml"
    report.write_text(done.stdout, encoding="utf-8")
    SCHEMA.validate(str(report))
    [case] = ET.parse(report).getroot().findall("testsuite/testcase")
    assert case.get("name") == "Service default/api (<stdin>:6)" and case.get("file") is None


def test_output_file_gets_junit_and_the_terminal_text(mixed: Path):
    report = mixed.parent / "out" / "junit.xml"
    report.parent.mkdir()
    done = kportlint("lint", "--format", "junit", "--output", str(report), str(mixed), cwd=mixed.parent)
    assert done.returncode == 1 and done.stdout.startswith("k8s")
    assert done.stdout.rstrip().splitlines()[-1].startswith("Found 3 problems")
    SCHEMA.validate(str(report))
    assert sorted(p.name for p in report.parent.iterdir()) == ["junit.xml"]
