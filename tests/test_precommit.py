"""Both pre-commit hooks, on temporary git repositories.

The repository holds a Deployment and a Service that routes to it. The `kportlint` hook reports on
the files a commit changes, but judges them against the whole repository: changing only the Service
must not make it look dangling, and changing only the Deployment so that the Service's route breaks
must be reported, on the Service. It reads what changed from git, so it also runs on a commit that
only deletes or renames: deleting the Deployment leaves the Service dangling, and that is reported.
In CI, `pre-commit run --from-ref A --to-ref B` judges the change between two commits.
`kportlint-all` lints everything.

Two tests run real pre-commit. `pre-commit try-repo`, as the README tells users to try the hooks,
installs this checkout into the hooks' own environment (the slow part) and runs both hooks on a
staged change. A real `git commit` that only deletes a file runs the hook through git, and then
`pre-commit run --from-ref --to-ref` judges that commit as CI does; it uses the hook's definition
from .pre-commit-hooks.yaml with the console script of this environment, so nothing is installed.
Every other case runs the hook's entry in this process, through click's CliRunner, in a real git
repository, with the file names pre-commit would pass.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from clirun import invoke
from click.testing import Result
from manifests import DEPLOYMENT, SERVICE, write

REPO = Path(__file__).resolve().parents[1]
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
HOOKS = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
API = DEPLOYMENT.replace("web", "api")  # another workload, so that a Service with no pods is an error
BROKEN = DEPLOYMENT.replace("name: http,", "name: web,")  # the Service's targetPort http is gone
OTHER = SERVICE.replace("name: web\n", "name: other\n", 1).replace("{app: web}", "{app: nothing}")  # dangling

pytestmark = pytest.mark.skipif(shutil.which("git") is None or not PRE_COMMIT.exists(),
                                reason="needs git and pre-commit")


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=60).stdout


def init(root: Path, files: dict[str, str]) -> Path:
    write(root, files)
    git("init", "-q", cwd=root)
    git("config", "user.name", "t", cwd=root)
    git("config", "user.email", "t@example.com", cwd=root)
    git("config", "commit.gpgsign", "false", cwd=root)
    return root


def commit_all(root: Path, message: str) -> None:
    git("add", "-A", cwd=root)
    git("commit", "-q", "--no-verify", "-m", message, cwd=root)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = init(tmp_path / "manifests", {"app/deployment.yaml": DEPLOYMENT, "app/service.yaml": SERVICE,
                                         "api/deployment.yaml": API})
    commit_all(root, "init")
    return root


# --- the hook's command, in this process ----------------------------------------------------------

def hook(repo: Path, *names: str, env: dict | None = None) -> Result:
    """The `kportlint` hook's entry from .pre-commit-hooks.yaml, run in `repo` with `names`: the files
    pre-commit would pass (staged, or changed between the refs, and matched by `files:`; never a
    deleted one)."""
    program, *arguments = shlex.split(HOOKS["kportlint"]["entry"])
    assert program == "kportlint"
    assert all(re.search(HOOKS["kportlint"]["files"], name) for name in names), names
    return invoke(*arguments, *names, cwd=repo, env=env)


def test_changing_only_the_service_does_not_make_it_dangling(repo: Path) -> None:
    (repo / "app" / "service.yaml").write_text(SERVICE.replace("port: 80", "port: 8000"))
    git("add", ".", cwd=repo)
    done = hook(repo, "app/service.yaml")
    assert done.exit_code == 0, done.output
    assert done.stdout == "No problems found (3 files, 3 objects).\n", done.stdout  # judged with the others


def test_a_deployment_change_that_breaks_a_route_is_reported_on_the_service(repo: Path) -> None:
    (repo / "app" / "deployment.yaml").write_text(BROKEN)
    git("add", ".", cwd=repo)
    done = hook(repo, "app/deployment.yaml")
    assert done.exit_code == 1, done.output
    assert done.stdout.startswith("app/service.yaml:9:19: error target-port-unresolved Service default/web"), \
        done.stdout


def test_findings_that_were_there_before_stay_with_their_file(repo: Path) -> None:
    (repo / "app" / "other.yaml").write_text(OTHER)
    commit_all(repo, "other")
    (repo / "app" / "deployment.yaml").write_text(DEPLOYMENT.replace("image: example/web:1", "image: example/web:2"))
    git("add", ".", cwd=repo)
    done = hook(repo, "app/deployment.yaml")
    assert done.exit_code == 0 and "other.yaml" not in done.stdout, done.output
    # the same finding is the change's own when the change makes it
    (repo / "app" / "deployment.yaml").write_text(BROKEN)
    git("add", ".", cwd=repo)
    done = hook(repo, "app/deployment.yaml")
    assert done.exit_code == 1 and "other.yaml" not in done.stdout, done.output


def test_deleting_a_workload_with_its_service_passes(repo: Path) -> None:
    git("rm", "-q", "app/deployment.yaml", "app/service.yaml", cwd=repo)
    done = hook(repo)
    assert done.exit_code == 0, done.output


def test_renaming_a_manifest_passes(repo: Path) -> None:
    git("mv", "app/deployment.yaml", "app/web.yaml", cwd=repo)
    assert git("diff", "--cached", "--name-status", "-M", cwd=repo).startswith("R100")
    done = hook(repo, "app/web.yaml")
    assert done.exit_code == 0, done.output


def test_a_commit_that_touches_no_manifest_passes(repo: Path) -> None:
    (repo / "README.md").write_text("# manifests\n")
    git("add", ".", cwd=repo)
    done = hook(repo)
    assert (done.exit_code, done.stdout) == (0, "No problems found (0 files, 0 objects).\n"), done.output


def test_the_first_commit_of_a_repository_is_judged(tmp_path: Path) -> None:
    root = init(tmp_path / "new", {"service.yaml": SERVICE, "api.yaml": API})
    git("add", ".", cwd=root)
    done = hook(root, "api.yaml", "service.yaml")
    assert done.exit_code == 1, done.output
    assert done.stdout.startswith("service.yaml:6:3: error dangling-service"), done.stdout


def test_ci_judges_the_change_between_two_refs(repo: Path) -> None:
    git("rm", "-q", "app/deployment.yaml", cwd=repo)
    git("commit", "-q", "--no-verify", "-m", "delete", cwd=repo)
    (repo / "README.md").write_text("# manifests\n")
    commit_all(repo, "readme")
    # pre-commit passes neither name: one file is gone, the other is no manifest
    done = hook(repo, env={"PRE_COMMIT_FROM_REF": "HEAD~2", "PRE_COMMIT_TO_REF": "HEAD"})
    assert done.exit_code == 1, done.output
    assert done.stdout.startswith("app/service.yaml:6:3: error dangling-service"), done.stdout
    done = hook(repo, env={"PRE_COMMIT_FROM_REF": "HEAD~1", "PRE_COMMIT_TO_REF": "HEAD"})
    assert done.exit_code == 0, done.output  # the README commit alone broke nothing


# --- real pre-commit ----------------------------------------------------------------------------------

def environment(**extra: str) -> dict[str, str]:
    env = {**os.environ, "NO_COLOR": "1", **extra}
    for name in ("GITHUB_ACTIONS", "PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF"):
        env.pop(name, None)
    return env


@pytest.fixture
def checkout(tmp_path_factory) -> Path:
    """This checkout, uncommitted and new files included, as a clean repository at one commit (what
    a clone is): try-repo would leave out files that git does not track yet."""
    copy = tmp_path_factory.mktemp("kportlint")
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO).split("\0")
    for name in listed:
        if name and (REPO / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, copy / name)
    init(copy, {})
    commit_all(copy, "kportlint")
    return copy


def sections(output: str) -> dict[str, str]:
    """pre-commit's --verbose output, by hook id."""
    parts = re.split(r"^- hook id: (\S+)$", output, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def test_try_repo_installs_both_hooks_and_judges_a_staged_change(repo: Path, checkout: Path,
                                                                 tmp_path: Path) -> None:
    (repo / "app" / "other.yaml").write_text(OTHER)  # a finding from before the change
    commit_all(repo, "other")
    (repo / "app" / "deployment.yaml").write_text(BROKEN)
    git("add", ".", cwd=repo)
    done = subprocess.run([str(PRE_COMMIT), "try-repo", str(checkout), "--verbose", "--color", "never"], cwd=repo,
                          capture_output=True, text=True, timeout=900,
                          env=environment(PRE_COMMIT_HOME=str(tmp_path / "home")))
    assert done.returncode == 1, done.stdout + done.stderr
    ran = sections(done.stdout)
    assert set(ran) == {"kportlint", "kportlint-all"}, done.stdout
    # the changed Deployment is judged with the Service that routes to it; other.yaml is not its business
    assert "app/service.yaml:9:19: error target-port-unresolved" in ran["kportlint"], done.stdout
    assert "other.yaml" not in ran["kportlint"], done.stdout
    assert "app/other.yaml:6:3: error dangling-service" in ran["kportlint-all"], done.stdout
    assert "app/service.yaml:9:19: error target-port-unresolved" in ran["kportlint-all"], done.stdout


def test_deleting_a_workload_fails_the_commit_on_the_service_it_served(repo: Path, tmp_path: Path) -> None:
    config = tmp_path / "pre-commit-config.yaml"  # outside the repository: not one of its manifests
    local = {"id": "kportlint", **HOOKS["kportlint"], "language": "system"}  # the console script on PATH
    config.write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}))
    env = environment(PRE_COMMIT_HOME=str(tmp_path / "home"),
                      PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    subprocess.run([str(PRE_COMMIT), "install", "--config", str(config)], cwd=repo, check=True,
                   capture_output=True, env=env, timeout=60)
    head = git("rev-parse", "HEAD", cwd=repo)
    git("rm", "-q", "app/deployment.yaml", cwd=repo)
    done = subprocess.run(["git", "commit", "-m", "delete"], cwd=repo, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, env=env, timeout=300)
    assert done.returncode == 1, done.stdout
    assert "app/service.yaml:6:3: error dangling-service Service default/web" in done.stdout, done.stdout
    assert git("rev-parse", "HEAD", cwd=repo) == head
    # Committed anyway: CI judges the commit between two refs, where pre-commit passes no name either.
    git("commit", "-q", "--no-verify", "-m", "delete", cwd=repo)
    done = subprocess.run([str(PRE_COMMIT), "run", "--config", str(config), "--verbose", "--color", "never",
                           "kportlint", "--from-ref", "HEAD~1", "--to-ref", "HEAD"], cwd=repo,
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "app/service.yaml:6:3: error dangling-service" in done.stdout, done.stdout
