"""JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure Pipelines): one
`<testsuite name="kportlint">` with one `<testcase>` per rule and object, `classname` the rule id and
`name` the object and where it is (`Service shop/web (k8s/app.yaml:45)`). A finding about a whole
file (`yaml-syntax`) is a test case of that file.

A test case with a finding at or above `--fail-on` has a `<failure type="rule-id">`: its `message` is
the first such finding's message, its text every finding of that rule on that object
(`file:line:col: severity message`). Jenkins shows these as "Error Message" and "Stacktrace", GitLab
in the test case's details. Findings below the threshold make a passing test case with the findings
in `<system-out>`: both tools show a case's output on its page, so info findings stay readable without
turning the pipeline red. `<skipped>` would be wrong: both count and colour it as a test that did not
run, yet the rule did run.

A clean run has one passing test case (`classname="kportlint"`, named by the summary line), because
Jenkins' `junit` step fails a build whose reports hold no test case at all.

Text goes into CDATA sections, so paths like `<stdin>` and messages read as written; characters XML
1.0 cannot carry (control characters, lone surrogates) are shown as `\\xNN` escapes.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import quoteattr

from ..input.discovery import STDIN
from ..engine import RunResult
from ..model import SEVERITY_RANK, Finding
from .sarif import object_ref
from .text import built_by, summary_line

FAIL_ON = "warning"  # the CLI's --fail-on default, for callers that do not pass one
_STDIN_DISPLAY = "<stdin>"
# Everything XML 1.0 forbids: C0 controls other than tab, newline and CR, surrogates, U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)


def _attr(text: str) -> str:
    # quoteattr escapes &, <, > and quotes, and newlines and tabs as character references.
    return quoteattr(_clean(text), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _cdata(text: str) -> str:
    return "<![CDATA[" + _clean(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _key(finding: Finding) -> tuple[str, ...]:
    """The test case a finding belongs to: its rule and object, or its rule and file."""
    if finding.kind:
        return (finding.rule, finding.kind, finding.namespace, finding.name)
    return (finding.rule, "", finding.file)


def _line(finding: Finding) -> str:
    return f"{finding.file}:{finding.line}:{finding.column}: {finding.severity} {finding.message}" \
           f"{built_by(finding.builds)}"


def _testcase(findings: list[Finding], fail_on: str) -> tuple[str, bool]:
    """One `<testcase>` and whether it fails."""
    first = findings[0]
    where = f"{first.file}:{first.line}"
    name = f"{object_ref(first)} ({where})" if first.kind else where
    attrs = f"classname={_attr(first.rule)} name={_attr(name)}"
    if first.file not in (_STDIN_DISPLAY, STDIN):
        attrs += f" file={_attr(first.file)} line=\"{first.line}\""
    failing = [f for f in findings if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[fail_on]]
    text = _cdata("\n".join(_line(f) for f in findings) + "\n")
    if failing:
        body = f"<failure message={_attr(failing[0].message)} type={_attr(first.rule)}>{text}</failure>"
    else:
        body = f"<system-out>{text}</system-out>"
    return f"    <testcase {attrs}>\n      {body}\n    </testcase>", bool(failing)


def report(result: RunResult, fail_on: str = FAIL_ON) -> str:
    groups: dict[tuple[str, ...], list[Finding]] = {}
    for finding in sorted(result.findings, key=Finding.sort_key):
        groups.setdefault(_key(finding), []).append(finding)
    cases = [_testcase(findings, fail_on) for findings in groups.values()]
    if not cases:
        cases = [(f"    <testcase classname=\"kportlint\" name={_attr(summary_line(result))}/>", False)]
    counts = f"tests=\"{len(cases)}\" failures=\"{sum(failed for _, failed in cases)}\" errors=\"0\""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<testsuites name="kportlint" {counts}>',
             f'  <testsuite name="kportlint" {counts} skipped="0">',
             *(case for case, _ in cases),
             "  </testsuite>",
             "</testsuites>"]
    return "\n".join(lines) + "\n"


def render(result: RunResult, color: bool = False, summary: bool = True, fail_on: str = FAIL_ON) -> str:
    return report(result, fail_on)
