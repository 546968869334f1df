"""Real-world manifests must never crash kportlint: each repository of ../shared/corpus, linted
through the installed console script, gives a report and exit code 0 or 1, never a traceback.

Skipped when the checkout has no ../shared/corpus beside it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SCRIPT = Path(sys.executable).parent / "kportlint"
REPOSITORIES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []

pytestmark = [pytest.mark.corpus, pytest.mark.skipif(not REPOSITORIES, reason=f"no corpus at {CORPUS}")]

FINDING_KEYS = {"rule", "severity", "message", "file", "line", "column", "kind", "name", "namespace", "pointer",
                "builds"}


@pytest.mark.parametrize("repository", REPOSITORIES or ["(no corpus)"])
def test_repository_lints_cleanly(repository: str):
    done = subprocess.run([str(SCRIPT), "lint", "--format", "json", str(CORPUS / repository)],
                          capture_output=True, text=True, timeout=120)
    assert done.stderr == "", done.stderr
    assert done.returncode in (0, 1)
    report = json.loads(done.stdout)
    summary = report["summary"]
    assert summary["files"] > 0
    assert summary["findings"] == len(report["findings"])
    assert (done.returncode == 1) == any(f["severity"] in ("error", "warning") for f in report["findings"])
    for finding in report["findings"]:
        assert set(finding) == FINDING_KEYS
        assert finding["line"] >= 1 and finding["column"] >= 1
