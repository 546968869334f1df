"""Lint changed files in the context of the whole repository, as pre-commit runs it.

The files pre-commit passes are the files reported on, and every reference is resolved against the
whole repository (its `git ls-files`, or the configured `paths:`). A finding in another file is
reported too when the change caused it: the repository is linted a second time with the changed
files as they are in HEAD, and findings elsewhere that were already there before are left out. So
changing only a Service file cannot make it look dangling, and changing only a Deployment file in a
way that breaks a Service's route is reported on that Service.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
from typing import Optional

from .discovery import discover
from .engine import RunOptions, RunResult, run
from .model import Finding


def repository_files(start: str = ".") -> list[str]:
    """The manifests git tracks (and untracked, not ignored ones) below the repository root of
    `start`; empty when it is not a git repository."""
    root = _root(start)
    if root is None:
        return []
    try:
        listed = _git(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], root)
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return []
    return [os.path.join(root, name) for name in listed.split("\0")
            if name.endswith((".yaml", ".yml", ".json")) and os.path.isfile(os.path.join(root, name))]


def lint_changes(changed: list[str], context: list[str], options: RunOptions) -> RunResult:
    """Findings in `changed`, and findings elsewhere in `context` that the change introduced."""
    changed_real = {item.real for item in discover(changed)}
    everything = changed + [path for path in context if os.path.realpath(path) not in changed_real]
    after = run(everything, options)
    root = _root(os.path.dirname(next(iter(changed_real)))) if changed_real else None
    before = run(everything, options, overrides={real: _head_version(root, real) for real in changed_real})
    existing = {_key(f) for f in before.findings}
    kept = [f for f in after.findings if os.path.realpath(f.file) in changed_real or _key(f) not in existing]
    return dataclasses.replace(after, findings=kept)


def _key(finding: Finding) -> tuple:
    return finding.rule, os.path.realpath(finding.file), finding.line, finding.column, finding.message


def _root(folder: str) -> Optional[str]:
    """The top of the git repository holding `folder`, or None outside one."""
    try:
        return _git(["rev-parse", "--show-toplevel"], folder).strip()
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return None


def _head_version(root: Optional[str], path: str) -> Optional[bytes]:
    """The file as committed in HEAD, or None when HEAD does not have it (a new file)."""
    if root is None:
        return None
    try:
        relative = os.path.relpath(path, root).replace(os.sep, "/")
        return subprocess.run(["git", "show", f"HEAD:{relative}"], cwd=root, capture_output=True,
                              check=True, timeout=60).stdout
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired, ValueError):
        return None


def _git(arguments: list[str], cwd: str) -> str:
    return subprocess.run(["git", *arguments], cwd=cwd or ".", capture_output=True, check=True, text=True,
                          timeout=60).stdout
