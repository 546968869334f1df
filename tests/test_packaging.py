"""A normally installed kportlint (a wheel, not the editable checkout) finds every rule.

The rule metadata lives in the top-level rules/ folder and ships as the package data
kportlint/rules; an editable install can read the checkout's folder and hide a packaging mistake.
This builds a real wheel with the real pip, installs it into an empty folder and runs it from
elsewhere.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RULE_IDS = sorted(p.stem for p in (REPO / "rules").glob("*.yaml"))
# What the build must not see: local state of the checkout. A stale build/ folder in particular
# would put files into the wheel that the sources no longer have.
_NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", "venv", ".ci-venv", "build", "dist", "*.egg-info",
                                      "__pycache__", ".pytest_cache", ".hypothesis")


def pip(*args: str, cwd: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, f"pip {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source") / "kportlint"
    shutil.copytree(REPO, source, ignore=_NOT_SOURCES, symlinks=True)
    out = tmp_path_factory.mktemp("wheel")
    pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(out), str(source), cwd=out)
    [built] = out.glob("kportlint-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("target")
    pip("install", "--no-deps", "--no-index", "--target", str(target), str(wheel), cwd=target)
    return target


def run_installed(target: Path, code: str, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(target)}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_wheel_holds_every_rule_file(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert RULE_IDS, "no rules/*.yaml in the checkout"
    missing = [f"kportlint/rules/{i}.yaml" for i in RULE_IDS if f"kportlint/rules/{i}.yaml" not in names]
    assert not missing, f"the wheel lacks {missing}"
    assert "kportlint/rules/rule.schema.json" in names
    assert "kportlint/config.schema.json" in names  # the configuration is validated against it


def test_wheel_holds_every_module(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "kportlint").rglob("*.py"))
    missing = [m for m in modules if m not in names]
    assert not missing, f"the wheel lacks {missing}: is a package missing from [tool.setuptools] packages?"


def test_installed_wheel_loads_the_whole_catalog(installed: Path, tmp_path: Path):
    done = run_installed(installed, """
        import json, sys
        import kportlint
        from kportlint.catalog import load_catalog, rules_dir
        print(json.dumps({"file": kportlint.__file__, "rules_dir": str(rules_dir()),
                          "ids": sorted(load_catalog())}))
    """, tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert Path(report["file"]).resolve().is_relative_to(installed.resolve()), report["file"]
    assert Path(report["rules_dir"]).resolve() == (installed / "kportlint" / "rules").resolve()
    assert report["ids"] == RULE_IDS


def test_installed_wheel_lints(installed: Path, tmp_path: Path):
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    # a configuration file, validated against the schema the wheel ships
    (tmp_path / ".kportlint.yaml").write_text("rules:\n  target-port-unresolved: error\n")
    done = run_installed(installed, """
        import sys
        from kportlint.commands.cli import main
        sys.argv = ["kportlint", *sys.argv[1:]]
        main()
    """, tmp_path, "lint", "--format", "json", "examples")
    assert done.returncode == 1, done.stderr
    assert [f["rule"] for f in json.loads(done.stdout)["findings"]] == ["target-port-unresolved"]
