"""Start-up stays light: `--version` imports no command, and linting a valid file imports neither
jsonschema nor kubernetes-validate's package (the acceptor proves it valid; the schemas are read as
files). Measured in a fresh interpreter, through the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys
from kportlint.commands.cli import main
sys.argv = ["kportlint", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
print("\\n" + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""

VALID = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}]
"""


def _modules(*args: str, cwd: Path) -> tuple[int, set[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=cwd)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["code"], set(report["modules"])


def test_version_imports_no_command(tmp_path: Path):
    code, modules = _modules("--version", cwd=tmp_path)
    assert code == 0
    assert not {"kportlint.engine", "kportlint.checks", "jsonschema", "kubernetes_validate"} & modules


def test_a_valid_file_is_linted_without_jsonschema(tmp_path: Path):
    (tmp_path / "app.yaml").write_text(VALID, encoding="utf-8")
    code, modules = _modules("lint", "app.yaml", cwd=tmp_path)
    assert code == 0 and "kportlint.engine" in modules
    assert not {"jsonschema", "kubernetes_validate", "xml.sax.saxutils"} & modules


def test_an_invalid_file_still_gets_jsonschema_s_errors(tmp_path: Path):
    (tmp_path / "app.yaml").write_text(VALID.replace("targetPort: http", "targetport: http"), encoding="utf-8")
    code, modules = _modules("lint", "--format", "json", "app.yaml", cwd=tmp_path)
    assert code == 1 and "jsonschema" in modules
