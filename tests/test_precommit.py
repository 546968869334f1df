"""Both pre-commit hooks, with real pre-commit and real commits on a temporary git repository.

The repository holds a Deployment and a Service that routes to it. The `kportlint` hook reports on
the files a commit changes, but judges them against the whole repository: changing only the Service
must not make it look dangling, and changing only the Deployment so that the Service's route breaks
must be reported, on the Service. It reads what changed from git, so it also runs on a commit that
only deletes or renames: deleting the Deployment leaves the Service dangling, and that is reported.
In CI, `pre-commit run --from-ref A --to-ref B` judges the change between two commits.
`kportlint-all` lints everything.
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
API = DEPLOYMENT.replace("web", "api")  # another workload, so that a Service with no pods is an error

pytestmark = pytest.mark.skipif(shutil.which("git") is None or not PRE_COMMIT.exists(),
                                reason="needs git and pre-commit")


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=60).stdout


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="module")
def hooks(tmp_path_factory) -> tuple[Path, str]:
    # This checkout, uncommitted and new files included, as a hook repository at one commit: pre-commit
    # then installs the hook environment once for the module (try-repo installs it on every run).
    copy = tmp_path_factory.mktemp("hooks")
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO).split("\0")
    for name in listed:
        if name and (REPO / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, copy / name)
    git("init", "-q", cwd=copy)
    git("add", ".", cwd=copy)
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "hooks", cwd=copy)
    return copy, git("rev-parse", "HEAD", cwd=copy).strip()


@pytest.fixture
def config(tmp_path: Path, hooks: tuple[Path, str]) -> Path:
    path = tmp_path / "pre-commit-config.yaml"  # outside the repository: not one of its manifests
    path.write_text(f"repos:\n  - repo: {hooks[0]}\n    rev: {hooks[1]}\n    hooks:\n      - id: kportlint\n"
                    f"      - id: kportlint-all\n        stages: [manual]\n")
    return path


def init(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git("init", "-q", cwd=root)
    git("config", "user.name", "t", cwd=root)
    git("config", "user.email", "t@example.com", cwd=root)
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = init(tmp_path / "manifests", {"app/deployment.yaml": DEPLOYMENT, "app/service.yaml": SERVICE,
                                         "api/deployment.yaml": API})
    git("add", ".", cwd=root)
    git("commit", "-q", "-m", "init", cwd=root)
    return root


def environment(home: Path) -> dict[str, str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    for name in ("GITHUB_ACTIONS", "PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF"):
        env.pop(name, None)
    return env


def pre_commit(repo: Path, config: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    command = [str(PRE_COMMIT), "run", "--config", str(config), "--verbose", "--color", "never", *args]
    return subprocess.run(command, cwd=repo, capture_output=True, text=True, env=environment(home), timeout=900)


def commit(repo: Path, config: Path, home: Path) -> subprocess.CompletedProcess:
    """A real `git commit` through the installed hook; its output all on stdout."""
    env = environment(home)
    subprocess.run([str(PRE_COMMIT), "install", "--config", str(config)], cwd=repo, check=True,
                   capture_output=True, env=env, timeout=60)
    return subprocess.run(["git", "commit", "-m", "change"], cwd=repo, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, env=env, timeout=900)


def test_changing_only_the_service_does_not_make_it_dangling(repo: Path, config: Path,
                                                             pre_commit_home: Path) -> None:
    (repo / "app" / "service.yaml").write_text(SERVICE.replace("port: 80", "port: 8000"))
    git("add", ".", cwd=repo)
    done = pre_commit(repo, config, pre_commit_home, "kportlint", "--files", "app/service.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "dangling-service" not in done.stdout and "Passed" in done.stdout


def test_a_deployment_change_that_breaks_a_route_is_reported_on_the_service(repo: Path, config: Path,
                                                                           pre_commit_home: Path) -> None:
    (repo / "app" / "deployment.yaml").write_text(DEPLOYMENT.replace("name: http,", "name: web,"))
    git("add", ".", cwd=repo)
    done = pre_commit(repo, config, pre_commit_home, "kportlint", "--files", "app/deployment.yaml")
    assert done.returncode == 1
    assert "app/service.yaml:9:19: error target-port-unresolved" in done.stdout, done.stdout


def test_findings_that_were_there_before_stay_with_their_file(repo: Path, config: Path,
                                                              pre_commit_home: Path) -> None:
    (repo / "app" / "other.yaml").write_text(SERVICE.replace("name: web\n", "name: other\n", 1)
                                             .replace("{app: web}", "{app: nothing}"))
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "other", cwd=repo)
    (repo / "app" / "deployment.yaml").write_text(DEPLOYMENT.replace("image: example/web:1", "image: example/web:2"))
    git("add", ".", cwd=repo)
    done = pre_commit(repo, config, pre_commit_home, "kportlint", "--files", "app/deployment.yaml")
    assert done.returncode == 0 and "other.yaml" not in done.stdout, done.stdout


def test_the_all_files_hook_lints_the_whole_repository(repo: Path, config: Path, pre_commit_home: Path) -> None:
    (repo / "app" / "other.yaml").write_text(SERVICE.replace("name: web\n", "name: other\n", 1)
                                             .replace("{app: web}", "{app: nothing}"))
    git("add", ".", cwd=repo)
    done = pre_commit(repo, config, pre_commit_home, "kportlint-all", "--all-files", "--hook-stage", "manual")
    assert done.returncode == 1
    assert "app/other.yaml:6:3: error dangling-service" in done.stdout, done.stdout


def test_deleting_a_workload_fails_the_commit_on_the_service_it_served(repo: Path, config: Path,
                                                                       pre_commit_home: Path) -> None:
    head = git("rev-parse", "HEAD", cwd=repo)
    git("rm", "-q", "app/deployment.yaml", cwd=repo)
    done = commit(repo, config, pre_commit_home)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "app/service.yaml:6:3: error dangling-service Service default/web" in done.stdout, done.stdout
    assert git("rev-parse", "HEAD", cwd=repo) == head


def test_deleting_a_workload_with_its_service_passes(repo: Path, config: Path, pre_commit_home: Path) -> None:
    git("rm", "-q", "app/deployment.yaml", "app/service.yaml", cwd=repo)
    done = commit(repo, config, pre_commit_home)
    assert done.returncode == 0, done.stdout + done.stderr


def test_renaming_a_manifest_passes(repo: Path, config: Path, pre_commit_home: Path) -> None:
    git("mv", "app/deployment.yaml", "app/web.yaml", cwd=repo)
    done = commit(repo, config, pre_commit_home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert git("show", "--name-status", "--format=", "HEAD", cwd=repo).startswith("R100")


def test_a_commit_that_touches_no_manifest_passes(repo: Path, config: Path, pre_commit_home: Path) -> None:
    (repo / "README.md").write_text("# manifests\n")
    git("add", ".", cwd=repo)
    done = commit(repo, config, pre_commit_home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "kportlint" in done.stdout and "Passed" in done.stdout and "Skipped" not in done.stdout


def test_the_first_commit_of_a_repository_is_judged(tmp_path: Path, config: Path, pre_commit_home: Path) -> None:
    root = init(tmp_path / "new", {"service.yaml": SERVICE, "api.yaml": API})
    git("add", ".", cwd=root)
    done = commit(root, config, pre_commit_home)
    assert done.returncode == 1
    assert "service.yaml:6:3: error dangling-service" in done.stdout, done.stdout


def test_ci_judges_the_change_between_two_refs(repo: Path, config: Path, pre_commit_home: Path) -> None:
    git("rm", "-q", "app/deployment.yaml", cwd=repo)
    git("commit", "-q", "-m", "delete", cwd=repo)
    (repo / "README.md").write_text("# manifests\n")
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "readme", cwd=repo)
    done = pre_commit(repo, config, pre_commit_home, "kportlint", "--from-ref", "HEAD~2", "--to-ref", "HEAD")
    assert done.returncode == 1
    assert "app/service.yaml:6:3: error dangling-service" in done.stdout, done.stdout
    done = pre_commit(repo, config, pre_commit_home, "kportlint", "--from-ref", "HEAD~1", "--to-ref", "HEAD")
    assert done.returncode == 0, done.stdout  # the README commit alone broke nothing
