"""The no-objects finding: a run, or a folder named on the command line, that holds no Kubernetes
object, so that a failed render or a wrong folder does not pass as clean."""

from __future__ import annotations

import os

from .discovery import STDIN, display_path
from .loader_rules import NO_OBJECTS
from .result import LoadResult
from ..model import Diagnostic
from ..wording import plural


def no_objects(paths: list[str], result: LoadResult) -> list[Diagnostic]:
    """Input that holds no Kubernetes object is said out loud: a render upstream that failed
    (`kustomize build x | kportlint lint -`) or a wrong folder would otherwise pass as clean. Once for
    the whole run, and once for each folder named on the command line that holds none; files named
    one by one (as pre-commit passes them) are not reported alone."""
    # Input already reported on: the files of the loader's findings, and the builds they are about.
    said = {os.path.realpath(d.file) for d in result.diagnostics}
    said |= {os.path.join(os.path.realpath(root), "") for d in result.diagnostics for root in d.builds}
    if not result.manifests and not said:
        # One file read: point at it; else at what was named.
        where = result.files[0].path if len(result.files) == 1 and not result.skipped else \
            display_path(paths[0]) if paths else "."
        read = f"{plural(len(result.files), 'file')} read" + (
            f", {len(result.skipped)} skipped as no manifest" if result.skipped else "")
        if paths == [STDIN]:
            message = (f"Standard input holds no Kubernetes object ({read}), so nothing was checked: the "
                       f"command that wrote it (kustomize build, helm template) produced none.")
        else:
            what = f"{where} holds" if len(paths) <= 1 else "The linted paths hold"
            message = f"{what} no Kubernetes object ({read}), so nothing was checked."
        return [Diagnostic(NO_OBJECTS, where, 1, 1, message)]
    # Where the objects come from: their files, and the kustomizations that built them (an overlay
    # named on the command line holds its objects even when their files are in a base outside it).
    folders = [path for path in dict.fromkeys(paths) if path != STDIN and os.path.isdir(path)]
    origins = {m.source.origin or m.source.path for m in result.manifests}
    roots = {root for m in result.manifests for root in m.builds}
    # Most folders hold objects read from below them as named: a plain prefix shows it without a
    # system call per file. Symlinks and builds need the resolved paths.
    written = {os.path.abspath(origin) for origin in origins}
    holding: set[str] = set()
    found = []
    for path in folders:
        named = os.path.join(os.path.abspath(path), "")
        if any(origin.startswith(named) for origin in written):
            continue
        if not holding:
            holding = {os.path.realpath(origin) for origin in origins}
            holding |= {os.path.join(os.path.realpath(root), "") for root in roots}
        top = os.path.join(os.path.realpath(path), "")
        if not any(real.startswith(top) for real in holding | said):
            found.append(Diagnostic(NO_OBJECTS, display_path(path), 1, 1, (
                f"{display_path(path)} holds no Kubernetes object, so nothing in it was checked; "
                f"is it the folder you meant?")))
    return found
