"""The GitHub, SARIF and step-summary reporters, through their public functions, on real runs of
small manifests (and on hand-made findings where a run cannot produce the text we need)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from kportlint import __version__
from kportlint.catalog import load_catalog
from kportlint.engine import RunResult, run
from kportlint.options import RunOptions
from kportlint.model import Finding
from kportlint.reporters import github, sarif, summary

# Characters RFC 3986 allows in a URI reference; the schema's `format: uri` is not enforced.
URI_REFERENCE = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-F]{2})+")
SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas"

# A Service with a named targetPort no container declares (error) and a numeric one no container
# declares (warning), beside the Deployment it selects.
APP = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: htpp
    - name: metrics
      port: 9090
      targetPort: 9090
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - name: http
              containerPort: 8080
"""

# A Service alone in its namespace: its pods may come from elsewhere, so dangling-service is info.
LONELY = """\
apiVersion: v1
kind: Service
metadata:
  name: lonely
  namespace: empty
spec:
  selector:
    app: lonely
  ports:
    - port: 80
"""


def _position(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the first `needle` in `text`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} is not in the manifest")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The manifests in a working directory of their own, so findings carry relative paths."""
    (tmp_path / "app.yaml").write_text(APP, encoding="utf-8")
    (tmp_path / "other dir").mkdir()
    (tmp_path / "other dir" / "lonely.yaml").write_text(LONELY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def result(project: Path) -> RunResult:
    found = run(["."], RunOptions())
    assert {(f.rule, f.severity) for f in found.findings} == {
        ("target-port-unresolved", "error"), ("target-port-undeclared", "warning"), ("dangling-service", "info")
    }, found.findings
    return found


def _only(found: RunResult, rule: str) -> Finding:
    matches = [f for f in found.findings if f.rule == rule]
    assert len(matches) == 1, found.findings
    return matches[0]


def _stdin_result() -> RunResult:
    return run(["-"], RunOptions(), stdin=io.BytesIO(LONELY.encode()))


# --- GitHub workflow commands ------------------------------------------------------------------


def test_github_error_line_points_at_the_target_port(result: RunResult) -> None:
    line, column = _position(APP, "htpp")
    message = _only(result, "target-port-unresolved").message
    assert ":" in message and "," in message  # the data part keeps them, unlike property values
    out = github.render(result, False).splitlines()
    assert f"::error file=app.yaml,line={line},col={column},title=target-port-unresolved::{message}" in out


def test_github_severity_commands(result: RunResult) -> None:
    out = github.render(result, False).splitlines()
    commands = {}
    for text in out[:-1]:
        match = re.match(r"^::(\w+) [^:]*title=([a-z-]+)::", text)
        assert match, text
        commands[match[2]] = match[1]
    assert commands == {"target-port-unresolved": "error", "target-port-undeclared": "warning",
                        "dangling-service": "notice"}
    lonely_line = _position(LONELY, "app: lonely")[0] - 1  # the finding points at `selector:`
    assert any(t.startswith(f"::notice file=other dir/lonely.yaml,line={lonely_line},col=") for t in out), out


def test_github_ends_with_the_summary_line(result: RunResult) -> None:
    out = github.render(result, False)
    assert out.endswith("\n")
    last = out.splitlines()[-1]
    assert not last.startswith("::")
    assert last.startswith("Found 3 problems (1 error, 1 warning, 1 info)")
    assert github.render(RunResult(), False).splitlines() == ["No problems found (0 files, 0 objects)."]


def test_github_escapes_properties_and_data() -> None:
    finding = Finding("target-port-unresolved", "warning", "100% sure: a,b\r\nnext line",
                      "odd,dir/a:b%c.yaml", 3, 4)
    out = github.render(RunResult([finding], files=1), False).splitlines()
    assert out[0] == ("::warning file=odd%2Cdir/a%3Ab%25c.yaml,line=3,col=4,title=target-port-unresolved"
                      "::100%25 sure: a,b%0D%0Anext line")
    assert len(out) == 2  # the newline in the message did not split the command


def test_github_stdin_has_no_file_property() -> None:
    found = _stdin_result()
    assert [f.file for f in found.findings] == ["<stdin>"]
    (line, _summary) = github.render(found, False).splitlines()
    assert line.startswith("::notice title=dangling-service::Service empty/lonely")
    assert "file=" not in line and "line=" not in line and "col=" not in line


# --- SARIF ---------------------------------------------------------------------------------------


def _sarif(found: RunResult) -> dict:
    return json.loads(sarif.render(found, False))


def _results(report: dict) -> list[dict]:
    (run_,) = report["runs"]
    return run_["results"]


def test_sarif_validates_against_the_schema(result: RunResult) -> None:
    path = SCHEMAS / "sarif-schema-2.1.0.json"
    if not path.is_file():
        pytest.skip(f"the SARIF schema is not at {path}")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(path.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    for found in (result, _stdin_result(), RunResult()):
        errors = sorted(validator.iter_errors(_sarif(found)), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_sarif_header_and_driver(result: RunResult) -> None:
    report = _sarif(result)
    assert report["version"] == "2.1.0"
    assert report["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert len(report["runs"]) == 1
    driver = report["runs"][0]["tool"]["driver"]
    assert driver["name"] == "kportlint"
    assert driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")


def test_sarif_results_have_regions_and_relative_uris(result: RunResult) -> None:
    results = _results(_sarif(result))
    assert len(results) == len(result.findings) == 3
    for item, finding in zip(results, result.findings):
        (location,) = item["locations"]
        physical = location["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", uri), uri  # no scheme
        assert not uri.startswith("/"), uri
        assert URI_REFERENCE.fullmatch(uri), uri
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert physical["region"] == {"startLine": finding.line, "startColumn": finding.column}
        assert item["message"]["text"] == finding.message
        assert item["properties"]["pointer"] == finding.pointer
    unresolved = next(r for r in results if r["ruleId"] == "target-port-unresolved")
    line, column = _position(APP, "htpp")
    assert unresolved["locations"][0]["physicalLocation"]["region"] == {"startLine": line, "startColumn": column}
    assert unresolved["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "Service shop/web"
    assert unresolved["properties"]["pointer"] == "/spec/ports/0/targetPort"


def test_sarif_levels(result: RunResult) -> None:
    levels = {r["ruleId"]: r["level"] for r in _results(_sarif(result))}
    assert levels == {"target-port-unresolved": "error", "target-port-undeclared": "warning",
                      "dangling-service": "note"}


def test_sarif_percent_encodes_the_path(result: RunResult) -> None:
    uris = {r["ruleId"]: r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in _results(_sarif(result))}
    assert uris["dangling-service"] == "other%20dir/lonely.yaml"
    assert uris["target-port-unresolved"] == "app.yaml"


def test_sarif_files_outside_the_working_directory(project: Path) -> None:
    # Findings name such files by the path as given; a `../` URI under %SRCROOT% would leave the
    # checkout, so they get an absolute file URI instead.
    outside = Finding("port-out-of-range", "warning", "port 0", "../elsewhere/a b.yaml", 1, 1)
    (item,) = _results(_sarif(RunResult([outside], files=1)))
    artifact = item["locations"][0]["physicalLocation"]["artifactLocation"]
    assert "uriBaseId" not in artifact
    assert artifact["uri"] == (project.parent / "elsewhere" / "a b.yaml").as_uri()
    assert artifact["uri"].startswith("file:///") and "%20" in artifact["uri"]


def test_sarif_rules_cover_the_catalog(result: RunResult) -> None:
    catalog = load_catalog()
    rules = _sarif(result)["runs"][0]["tool"]["driver"]["rules"]
    assert sorted(r["id"] for r in rules) == sorted(catalog)
    assert len({r["id"] for r in rules}) == len(rules)
    expected_level = {"error": "error", "warning": "warning", "info": "note"}
    for descriptor in rules:
        rule = catalog[descriptor["id"]]
        assert descriptor["defaultConfiguration"]["level"] == expected_level[rule.severity]
        assert descriptor["shortDescription"]["text"] == rule.title
        assert descriptor["fullDescription"]["text"] == rule.description
        assert rule.rationale in descriptor["help"]["text"] and rule.remediation in descriptor["help"]["text"]
        assert descriptor["help"]["markdown"]
        assert descriptor["properties"]["category"] == rule.category
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", descriptor["name"]), descriptor["name"]


def test_sarif_rule_index_points_at_the_rule(result: RunResult) -> None:
    report = _sarif(result)
    rules = report["runs"][0]["tool"]["driver"]["rules"]
    for item in _results(report):
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]


def test_sarif_stdin_uri() -> None:
    (item,) = _results(_sarif(_stdin_result()))
    assert item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "stdin"
    assert item["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_sarif_is_deterministic(result: RunResult) -> None:
    shuffled = RunResult(list(reversed(result.findings)), result.files, result.documents, result.objects)
    assert sarif.render(result, False) == sarif.render(shuffled, False)
    assert sarif.render(result, False).endswith("}\n")


# --- step summary --------------------------------------------------------------------------------


def _cells(row: str) -> list[str]:
    """The cells of a Markdown table row; `\\|` stays inside its cell."""
    assert row.startswith("| ") and row.endswith(" |"), row
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]


def _table(text: str, header: str) -> list[list[str]]:
    """The body rows of the table whose first header cell is `header`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {header} |"))
    assert set(lines[start + 1]) <= set("|-: "), lines[start + 1]
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append(_cells(line))
    return rows


def test_summary_heading_and_total(result: RunResult) -> None:
    text = summary.markdown(result)
    assert re.search(r"^#+ kportlint$", text, re.MULTILINE)
    assert "Found 3 problems (1 error, 1 warning, 1 info)" in text


def test_summary_counts_per_rule(project: Path) -> None:
    # A second broken Service makes the counts differ from 1.
    (project / "more.yaml").write_text(APP.replace("namespace: shop", "namespace: shop2"), encoding="utf-8")
    found = run(["."], RunOptions())
    rows = _table(summary.markdown(found), "Rule")
    counted = {(cells[0].strip("`"), cells[1]): int(cells[2]) for cells in rows}
    expected: dict[tuple[str, str], int] = {}
    for f in found.findings:
        expected[(f.rule, f.severity)] = expected.get((f.rule, f.severity), 0) + 1
    assert counted == expected
    assert counted[("target-port-unresolved", "error")] == 2
    assert len(rows) == len(expected)


def test_summary_findings_rows(result: RunResult) -> None:
    rows = _table(summary.markdown(result), "Location")
    assert len(rows) == len(result.findings)
    for cells, finding in zip(rows, result.findings):
        assert len(cells) == 4
        assert cells[0] == f"{finding.file}:{finding.line}"
        assert cells[1] == finding.severity
        assert cells[2].strip("`") == finding.rule
        assert cells[3] == finding.message


def test_summary_escapes_pipes_and_newlines() -> None:
    finding = Finding("selector-template-mismatch", "error", "a | b\nc <d>", "x|y.yaml", 2, 1)
    text = summary.markdown(RunResult([finding], files=1, objects=1))
    (cells,) = _table(text, "Location")
    assert cells == ["x\\|y.yaml:2", "error", "`selector-template-mismatch`", "a \\| b<br>c &lt;d&gt;"]


def test_summary_caps_the_findings_table() -> None:
    findings = [Finding("port-out-of-range", "warning", f"port {i}", "ports.yaml", i, 1) for i in range(1, 251)]
    text = summary.markdown(RunResult(findings, files=1, objects=250))
    rows = _table(text, "Location")
    assert len(rows) == 200
    assert rows[-1][0] == "ports.yaml:200"
    assert re.search(r"\b50 more findings\b", text)
    assert _table(text, "Rule") == [["`port-out-of-range`", "warning", "250"]]
    # At the cap exactly, nothing is hidden.
    exact = summary.markdown(RunResult(findings[:200], files=1, objects=200))
    assert len(_table(exact, "Location")) == 200 and "more finding" not in exact


def test_summary_empty_result(project: Path) -> None:
    (project / "other dir" / "lonely.yaml").unlink()
    (project / "app.yaml").write_text(APP.replace("htpp", "http").replace("targetPort: 9090", "targetPort: 8080"),
                                      encoding="utf-8")
    found = run(["."], RunOptions())
    assert found.findings == []
    text = summary.markdown(found)
    assert "No problems found" in text
    assert "|" not in text


def test_the_text_report_keeps_each_finding_on_one_line(tmp_path) -> None:
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / "app.yaml").write_text(
        'apiVersion: v1\nkind: Service\nmetadata: {name: w}\nspec:\n  selector: {app: "we\\nb\\u001b[31m"}\n'
        '  ports: [{port: 80}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n'
        '  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n'
        '    spec: {containers: [{name: a, image: b}]}\n')
    script = Path(sys.executable).parent / "kportlint"
    done = subprocess.run([str(script), "lint", str(tmp_path)], capture_output=True, text=True, timeout=120)
    lines = done.stdout.splitlines()
    assert len(lines) == 2 and "app=we\\nb\\x1b[31m" in lines[0], done.stdout
