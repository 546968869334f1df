"""SARIF 2.1.0, the format GitHub code scanning uploads: one run, every rule of the run result in
`tool.driver.rules`, one result per finding.

Locations are relative URIs against `%SRCROOT%` (the checkout), so the same report uploads from any
machine; `originalUriBaseIds` is left out on purpose because it would embed this machine's path.
"""

from __future__ import annotations

import json
import os
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..catalog import Rule
from ..input.discovery import STDIN
from ..engine import RunResult
from ..model import CLUSTER_SCOPED, Finding
from ..wording import UNNAMED, ref

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/kportlint/kportlint"
SRCROOT = "%SRCROOT%"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
_STDIN_DISPLAY = "<stdin>"


def rule_name(rule_id: str) -> str:
    """`target-port-unresolved` -> `TargetPortUnresolved`, the reportingDescriptor name style."""
    return "".join(part[:1].upper() + part[1:] for part in rule_id.split("-"))


def _descriptor(rule: Rule) -> dict[str, Any]:
    # The catalog texts are already Markdown (backticks for fields), which reads fine as plain text.
    help_text = f"{rule.rationale}\n\n{rule.remediation}"
    return {
        "id": rule.id,
        "name": rule_name(rule.id),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"category": rule.category},
        **({"deprecatedIds": list(rule.aliases)} if rule.aliases else {}),  # alerts filed under an old id carry over
    }


def artifact_location(path: str) -> dict[str, Any]:
    """A relative URI under %SRCROOT% for a display path; an absolute `file:` URI for a file outside
    the working directory, since a `../` URI would point outside the checkout."""
    if path in (_STDIN_DISPLAY, STDIN):
        return {"uri": "stdin"}
    posix = path.replace(os.sep, "/") if os.sep != "/" else path
    if os.path.isabs(path) or posix == ".." or posix.startswith("../"):
        return {"uri": PurePath(os.path.abspath(path)).as_uri()}
    return {"uri": quote(posix, safe="/"), "uriBaseId": SRCROOT}


def object_ref(finding: Finding) -> str:
    """The finding's object, named as the messages name it."""
    return ref(finding.kind, finding.namespace, finding.name, finding.kind in CLUSTER_SCOPED)


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": artifact_location(finding.file),
            "region": {"startLine": max(1, finding.line), "startColumn": max(1, finding.column)},
        }
    }
    if finding.kind:
        location["logicalLocations"] = [{"name": finding.name or UNNAMED,
                                         "fullyQualifiedName": object_ref(finding), "kind": "object"}]
    result: dict[str, Any] = {"ruleId": finding.rule}
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    result.update({
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [location],
    })
    if finding.pointer:
        result["properties"] = {"pointer": finding.pointer}
    return result


def report(result: RunResult) -> dict[str, Any]:
    rules = [result.rules[rule_id] for rule_id in sorted(result.rules)]
    index = {rule.id: i for i, rule in enumerate(rules)}
    findings = sorted(result.findings, key=Finding.sort_key)
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kportlint",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_descriptor(rule) for rule in rules],
            }},
            # Loader columns count characters, not the UTF-16 units SARIF assumes by default.
            "columnKind": "unicodeCodePoints",
            "results": [_result(f, index) for f in findings],
        }],
    }


def render(result: RunResult, color: bool = False, summary: bool = True) -> str:
    return json.dumps(report(result), indent=2, ensure_ascii=False) + "\n"
