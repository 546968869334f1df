"""Lint changed files in the context of the whole repository, as pre-commit runs it.

The files pre-commit passes are the files reported on, and every reference is resolved against the
whole repository (its `git ls-files`, or the configured `paths:`). A finding in another file is
reported too when the change caused it: the repository is linted a second time as it was before the
change, and findings elsewhere that were already there are left out. So changing only a Service file
cannot make it look dangling, changing only a Deployment file in a way that breaks a Service's route
is reported on that Service, and so is deleting the Deployment.

What changed is read from git (`read_change`), not only from the names pre-commit passes: pre-commit
passes no deleted file, and no name at all when a commit only deletes. The change is what is staged
against HEAD, or, when pre-commit sets PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF (`pre-commit run
--from-ref ... --to-ref ...`, as CI runs it), what the to-ref changes since it left the from-ref.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
from collections.abc import Mapping, Sequence
from typing import Optional

from ..input.discovery import MANIFEST_SUFFIXES, Excluder, discover
from ..engine import OptionError, RunResult, run
from ..options import RunOptions
from ..input.kustomizations import KUSTOMIZATION_NAMES
from ..model import Finding

_GIT_ERRORS = (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired)


@dataclasses.dataclass(frozen=True)
class Change:
    """What a change does to the manifests, as git sees it: the repository's top folder, the commit
    the files were taken from (None before the first commit), and each manifest added, changed,
    renamed or deleted as (path before, path after), relative to the top folder, with None on the
    side where there is no manifest."""

    root: str
    base: Optional[str]
    files: tuple[tuple[Optional[str], Optional[str]], ...] = ()


def repository_files(start: str = ".") -> list[str]:
    """The manifests git tracks (and untracked, not ignored ones) below the repository root of
    `start`; empty when it is not a git repository."""
    root = _root(start)
    if root is None:
        return []
    try:
        listed = _git(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], root)
    except _GIT_ERRORS:
        return []
    return [os.path.join(root, name) for name in listed.split("\0")
            if name.endswith(MANIFEST_SUFFIXES) and os.path.isfile(os.path.join(root, name))]


def read_change(start: str = ".", within: Sequence[str] = (),
                environ: Mapping[str, str] = os.environ) -> Optional[Change]:
    """The change in the repository of `start`: between PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF
    when both are set, else what is staged against HEAD. Files outside `within` (when given) count as
    no manifest. None outside a git repository."""
    root = _root(start)
    if root is None:
        return None
    source, target = environ.get("PRE_COMMIT_FROM_REF"), environ.get("PRE_COMMIT_TO_REF")
    try:
        base: Optional[str]
        if source and target:
            # pre-commit passes what `git diff from...to` lists: the change since the merge base
            base = merge_base = _merge_base(root, source, target)
            listing = _git(["diff", "--name-status", "-M", "-z", "--no-ext-diff", merge_base, target], root)
        else:
            base = "HEAD" if _has_head(root) else None
            listing = _git(["diff", "--cached", "--name-status", "-M", "-z", "--no-ext-diff"], root)
    except _GIT_ERRORS as exc:
        said = (getattr(exc, "stderr", "") or str(exc)).strip().splitlines()
        what = f"between {source} and {target}" if source and target else "staged against HEAD"
        raise OptionError(f"cannot read the change {what} from git: {said[0] if said else exc}") from None
    scope = [os.path.realpath(path) for path in within]

    def manifest(relative: Optional[str]) -> Optional[str]:
        real = os.path.realpath(os.path.join(root, relative or ""))
        inside = not scope or any(real == s or real.startswith(os.path.join(s, "")) for s in scope)
        return relative if relative and relative.endswith(MANIFEST_SUFFIXES) and inside else None

    pairs = [(manifest(old), manifest(new)) for old, new in _pairs(listing)]
    return Change(root, base, tuple(pair for pair in pairs if pair != (None, None)))


def lint_changes(changed: list[str], context: list[str], options: RunOptions,
                 change: Optional[Change] = None) -> RunResult:
    """Findings in `changed`, and findings elsewhere in `context` that the change introduced. The
    change is `change` (from `read_change`) and the files `changed`; without `change`, the files
    `changed` against HEAD."""
    if change is not None and not changed and not change.files:
        return RunResult()  # no manifest changed: nothing to judge
    reported = {item.real for item in discover(changed)}
    everything = changed + [path for path in context if os.path.realpath(path) not in reported]
    after = run(everything, options)
    if all(os.path.realpath(f.file) in reported for f in after.findings):
        return after  # nothing elsewhere to weigh (a clean repository, or pre-commit --all-files)
    if change is None:
        root = _root(os.path.dirname(next(iter(reported)))) if reported else None
        change = Change(root, "HEAD") if root else Change("", None)
    before = _run_before(everything, options, change, reported)
    existing = {_key(f) for f in before.findings}
    kept = [f for f in after.findings if os.path.realpath(f.file) in reported or _key(f) not in existing]
    return dataclasses.replace(after, findings=kept)


def _run_before(everything: list[str], options: RunOptions, change: Change, reported: set[str]) -> RunResult:
    """The run over the files as they were before the change: changed files as the base has them
    (a renamed one with its old content, a new one left out), and deleted ones put back."""
    wanted = {real: _relative(change.root, real) for real in reported}
    wanted.update({os.path.join(change.root, new): old for old, new in change.files if new is not None})
    deleted = {os.path.join(change.root, old): old for old, new in change.files if old is not None and new is None}
    versions = _versions(change, [r for r in [*wanted.values(), *deleted.values()] if r is not None])
    overrides = {os.path.realpath(path): versions.get(old) if old else None for path, old in wanted.items()}
    excluded = Excluder(options.exclude, options.exclude_base) if options.exclude else None
    put_back: dict[str, bytes] = {}
    for path, old in deleted.items():
        content = versions.get(old)
        if content is None:
            continue
        overrides[os.path.realpath(path)] = content  # a kustomize build of the before state reads it
        if (not os.path.lexists(path) and os.path.basename(old) not in KUSTOMIZATION_NAMES
                and not (excluded and excluded(path))):
            put_back[old] = content
    # A deleted file is named by its own path: the loader reads it from `overrides`.
    return run(everything + [os.path.join(change.root, old) for old in put_back], options, overrides=overrides)


def _key(finding: Finding) -> tuple:
    return finding.rule, os.path.realpath(finding.file), finding.line, finding.column, finding.message


def _pairs(listing: str) -> list[tuple[Optional[str], Optional[str]]]:
    """(path before, path after) from `git diff --name-status -z`: None after a deletion and before
    an addition; a copy counts as an addition."""
    fields = listing.split("\0")
    pairs: list[tuple[Optional[str], Optional[str]]] = []
    at = 0
    while at + 1 < len(fields) and fields[at]:
        status = fields[at][0]
        if status in "RC" and at + 2 < len(fields):
            pairs.append((fields[at + 1] if status == "R" else None, fields[at + 2]))
            at += 3
            continue
        path = fields[at + 1]
        pairs.append((None if status == "A" else path, None if status == "D" else path))
        at += 2
    return pairs


def _versions(change: Change, paths: list[str]) -> dict[str, bytes]:
    """The content of `paths` (relative to the top folder) in the base commit; a path the base does
    not have is left out. One `git cat-file` for all of them, however many pre-commit passes."""
    asked = list(dict.fromkeys(p for p in paths if "\n" not in p))
    if change.base is None or not asked:
        return {}
    try:
        out = subprocess.run(["git", "cat-file", "--batch"], cwd=change.root, capture_output=True, check=True,
                             timeout=300, input="".join(f"{change.base}:{p}\n" for p in asked).encode()).stdout
    except _GIT_ERRORS:
        return {}
    found: dict[str, bytes] = {}
    at = 0
    for path in asked:
        end = out.find(b"\n", at)
        if end < 0:
            break
        header = out[at:end].split()
        if len(header) != 3 or not header[2].isdigit():  # "<name> missing" (or ambiguous)
            at = end + 1
            continue
        size = int(header[2])
        if header[1] == b"blob":
            found[path] = out[end + 1:end + 1 + size]
        at = end + 1 + size + 1
    return found


def _relative(root: str, path: str) -> Optional[str]:
    """`path` relative to the top folder, as git names it; None outside it."""
    if not root:
        return None
    try:
        relative = os.path.relpath(path, os.path.realpath(root))
    except ValueError:  # another drive on Windows
        return None
    return None if relative.startswith(os.pardir) else relative.replace(os.sep, "/")


def _root(folder: str) -> Optional[str]:
    """The top of the git repository holding `folder`, or None outside one."""
    try:
        return _git(["rev-parse", "--show-toplevel"], folder).strip()
    except _GIT_ERRORS:
        return None


def _has_head(root: str) -> bool:
    """Whether there is a commit yet (a new repository has none)."""
    try:
        _git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], root)
        return True
    except _GIT_ERRORS:
        return False


def _merge_base(root: str, source: str, target: str) -> str:
    """Where `target` left `source`; `source` itself when they share no history."""
    try:
        return _git(["merge-base", source, target], root).strip()
    except subprocess.CalledProcessError:
        return source


def _git(arguments: list[str], cwd: str) -> str:
    return subprocess.run(["git", *arguments], cwd=cwd or ".", capture_output=True, check=True, text=True,
                          timeout=60).stdout
