"""The composite GitHub Action (action.yml): its inputs, and its run step executed by bash as the
runner would, against the installed kportlint."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
BROKEN = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers: [{name: web, image: web:1, ports: [{name: web, containerPort: 8080}]}]
"""


def test_inputs_the_issue_names() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert {"paths", "fail-on", "kubernetes-version", "config", "sarif-file"} <= set(ACTION["inputs"])


def _run_step(workspace: Path, runner_temp: Path, **inputs: str) -> subprocess.CompletedProcess:
    bin_dir = runner_temp / "kportlint" / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    target = bin_dir / "kportlint"
    if not target.exists():
        target.symlink_to(Path(sys.executable).parent / "kportlint")
    step = next(s for s in ACTION["runs"]["steps"] if s["name"] == "Run kportlint")
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    env.update({"RUNNER_TEMP": str(runner_temp), "GITHUB_ACTIONS": "true", "PATHS": inputs.get("paths", "."),
                "FAIL_ON": inputs.get("fail_on", "warning"), "KUBERNETES_VERSION": inputs.get("kubernetes_version", ""),
                "CONFIG": inputs.get("config", ""), "SARIF_FILE": inputs.get("sarif_file", "")})
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=workspace, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_run_step_annotates_and_fails(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "app.yaml").write_text(BROKEN)
    done = _run_step(tmp_path / "ws", tmp_path / "tmp")
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("::error file=app.yaml,line=6,col=")


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_run_step_writes_sarif_and_still_annotates(tmp_path: Path) -> None:
    (tmp_path / "ws" / "k8s").mkdir(parents=True)
    (tmp_path / "ws" / "k8s" / "app.yaml").write_text(BROKEN)
    done = _run_step(tmp_path / "ws", tmp_path / "tmp", paths="k8s", sarif_file="kportlint.sarif",
                     kubernetes_version="1.30", fail_on="error")
    assert done.returncode == 1, done.stderr
    assert "::error file=k8s/app.yaml" in done.stdout
    sarif = json.loads((tmp_path / "ws" / "kportlint.sarif").read_text())
    [result] = sarif["runs"][0]["results"]
    assert result["ruleId"] == "target-port-unresolved"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "k8s/app.yaml"
