"""Both pre-commit hooks, with real `pre-commit try-repo` on a temporary git repository.

The repository holds a Deployment and a Service that routes to it. The `kportlint` hook reports on
the files a commit changes, but judges them against the whole repository: changing only the Service
must not make it look dangling, and changing only the Deployment so that the Service's route breaks
must be reported, on the Service. `kportlint-all` lints everything.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from manifests import DEPLOYMENT, SERVICE

REPO = Path(__file__).resolve().parents[1]
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"

pytestmark = pytest.mark.skipif(shutil.which("git") is None or not PRE_COMMIT.exists(),
                                reason="needs git and pre-commit")


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    # One hook environment for the module: try-repo installs kportlint from this checkout once.
    return tmp_path_factory.mktemp("pre-commit-home")


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "manifests"
    (root / "app").mkdir(parents=True)
    (root / "app" / "deployment.yaml").write_text(DEPLOYMENT)
    (root / "app" / "service.yaml").write_text(SERVICE)
    git("init", "-q", cwd=root)
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "add", ".", cwd=root)
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "init", cwd=root)
    return root


def try_repo(hook: str, repo: Path, home: Path, *files: str) -> subprocess.CompletedProcess:
    args = [str(PRE_COMMIT), "try-repo", str(REPO), hook, "--verbose", "--color", "never"]
    args += ["--files", *files] if files else ["--all-files"]
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run(args, cwd=repo, capture_output=True, text=True, env=env, timeout=900)


def test_changing_only_the_service_does_not_make_it_dangling(repo: Path, pre_commit_home: Path) -> None:
    (repo / "app" / "service.yaml").write_text(SERVICE.replace("port: 80", "port: 8000"))
    git("add", ".", cwd=repo)
    done = try_repo("kportlint", repo, pre_commit_home, "app/service.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "dangling-service" not in done.stdout and "Passed" in done.stdout


def test_a_deployment_change_that_breaks_a_route_is_reported_on_the_service(repo: Path,
                                                                           pre_commit_home: Path) -> None:
    (repo / "app" / "deployment.yaml").write_text(DEPLOYMENT.replace("name: http,", "name: web,"))
    git("add", ".", cwd=repo)
    done = try_repo("kportlint", repo, pre_commit_home, "app/deployment.yaml")
    assert done.returncode == 1
    assert "app/service.yaml:9:19: error target-port-unresolved" in done.stdout, done.stdout


def test_findings_that_were_there_before_stay_with_their_file(repo: Path, pre_commit_home: Path) -> None:
    (repo / "app" / "other.yaml").write_text(SERVICE.replace("name: web\n", "name: other\n", 1)
                                             .replace("{app: web}", "{app: nothing}"))
    git("add", ".", cwd=repo)
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "other", cwd=repo)
    (repo / "app" / "deployment.yaml").write_text(DEPLOYMENT.replace("image: example/web:1", "image: example/web:2"))
    git("add", ".", cwd=repo)
    done = try_repo("kportlint", repo, pre_commit_home, "app/deployment.yaml")
    assert done.returncode == 0 and "other.yaml" not in done.stdout, done.stdout


def test_the_all_files_hook_lints_the_whole_repository(repo: Path, pre_commit_home: Path) -> None:
    (repo / "app" / "other.yaml").write_text(SERVICE.replace("name: web\n", "name: other\n", 1)
                                             .replace("{app: web}", "{app: nothing}"))
    git("add", ".", cwd=repo)
    done = try_repo("kportlint-all", repo, pre_commit_home)
    assert done.returncode == 1
    assert "app/other.yaml:6:3: error dangling-service" in done.stdout, done.stdout
