"""The machine report. Its shape is documented in the README and kept stable:

{"findings": [{"rule", "severity", "message", "file", "line", "column", "kind", "name", "namespace",
               "pointer", "builds"}],
 "summary": {"findings", "error", "warning", "info", "files", "documents", "objects",
             "kustomizations": {"built", "failed"}, "files_not_built", "files_skipped",
             "schema": {"checked", "skipped"} or null (objects schema-violation judged, and those
             without a schema; null when schema checking is off)}}
"""

from __future__ import annotations

import json

from ..engine import RunResult


def render(result: RunResult, color: bool = False, summary: bool = True) -> str:
    return dumps({"findings": [f.to_dict() for f in result.findings], "summary": summary_object(result)})


def summary_object(result: RunResult) -> dict:
    """The report's "summary" object (also the summary of `--statistics --format json`)."""
    return {
        "findings": len(result.findings),
        **result.counts(),
        "files": result.files,
        "documents": result.documents,
        "objects": result.objects,
        "kustomizations": {"built": sum(b.built for b in result.builds),
                           "failed": sum(not b.built for b in result.builds)},
        "files_not_built": result.unbuilt_files,
        "files_skipped": len(result.skipped),
        "schema": None if result.schema_checked is None else {"checked": result.schema_checked,
                                                              "skipped": result.schema_skipped},
    }


def dumps(report: dict) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
