"""kportlint's command line, two ways. `invoke` runs it in this process through click's CliRunner:
for option handling, configuration and what a run prints. `script` runs the installed console script
in a real process: for exit codes, the two streams, terminals and the entry point itself."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

from click.testing import CliRunner, Result

from kportlint.commands.cli import main

SCRIPT = Path(sys.executable).parent / ("kportlint.exe" if os.name == "nt" else "kportlint")

# Variables that change what a run prints or where it writes; a test sets them when it means to.
AMBIENT = ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "NO_COLOR", "FORCE_COLOR", "PRE_COMMIT_FROM_REF",
           "PRE_COMMIT_TO_REF")


@contextlib.contextmanager
def _inside(folder: Optional[Path]) -> Iterator[None]:
    before = os.getcwd()
    if folder is not None:
        os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def invoke(*args: str, cwd: Optional[Path] = None, env: Optional[dict] = None,
           stdin: Optional[str] = None) -> Result:
    """`kportlint ARGS` in this process, in `cwd`; its exit code, stdout and stderr apart."""
    try:
        runner = CliRunner(mix_stderr=False)  # click < 8.2 mixes stderr into output unless told
    except TypeError:
        runner = CliRunner()
    environment: dict[str, Optional[str]] = {name: None for name in AMBIENT}
    environment.update(env or {})
    with _inside(cwd):
        return runner.invoke(main, list(args), input=stdin, env=environment, prog_name="kportlint",
                             catch_exceptions=False)


def script(*args: str, cwd: Optional[Path] = None, env: Optional[dict] = None,
           stdin: Optional[str] = None) -> subprocess.CompletedProcess:
    """The installed console script in a real process, as a user runs it."""
    assert SCRIPT.exists(), f"the console script is not installed beside {sys.executable}"
    environment = {k: v for k, v in os.environ.items() if k not in AMBIENT}
    environment.update({"PYTHONIOENCODING": "utf-8", **(env or {})})
    return subprocess.run([str(SCRIPT), *args], cwd=cwd, input=stdin, capture_output=True, text=True,
                          env=environment, timeout=300)
