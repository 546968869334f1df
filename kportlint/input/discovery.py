"""Which files a run reads: explicit files, directories walked recursively, or `-` for stdin."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from typing import Callable, Optional

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"


class PathNotFound(Exception):
    """A path named on the command line does not exist."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


@dataclass(frozen=True)
class InputFile:
    path: str  # the path to open, or "-" for stdin
    display: str  # the path as reports show it
    real: str  # the resolved path, which identifies the file
    problem: str = ""  # why it cannot be read, found while walking (a folder that cannot be listed)


def display_path(path: str) -> str:
    """Relative to the working directory when the file is below it, as ruff and yamllint print."""
    if path == STDIN:
        return "<stdin>"
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if rel.startswith(os.pardir) else rel


class Excluder:
    """`exclude` globs, relative to a base folder: a path is excluded when it, or a folder above
    it, matches a pattern (`vendor`, `charts/*/templates`, `**/*.generated.yaml`)."""

    def __init__(self, patterns: tuple[str, ...], base: str = "") -> None:
        self._patterns = [p.strip("/") for p in patterns if p.strip("/")]
        self._base = os.path.abspath(base or os.getcwd())

    def __call__(self, path: str) -> bool:
        if path == STDIN:
            return False
        relative = os.path.relpath(os.path.abspath(path), self._base).replace(os.sep, "/")
        if relative.startswith("../"):
            return False
        parts = relative.split("/")
        for pattern in self._patterns:
            if "/" not in pattern:  # like .gitignore: a name matches at any depth
                if any(fnmatch.fnmatchcase(part, pattern) for part in parts):
                    return True
            elif pattern.startswith("**/"):
                tail = pattern[3:]
                if any(fnmatch.fnmatchcase("/".join(parts[i:j]), tail)
                       for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)):
                    return True
            elif any(fnmatch.fnmatchcase("/".join(parts[:j]), pattern) for j in range(1, len(parts) + 1)):
                return True
        return False


def discover(paths: list[str], excluded: Optional[Callable[[str], bool]] = None,
             virtual: frozenset[str] = frozenset()) -> list[InputFile]:
    """Expand the given paths into files, in a stable order, each file once, leaving out what
    `excluded` says (explicitly named files too, so pre-commit respects `exclude`). A named path
    that is gone from disk is still a file when its resolved path is in `virtual`: a deleted file
    whose content the caller supplies (the state before a change)."""
    found: list[InputFile] = []
    seen: set[str] = set()

    def add(path: str, real: str = "", problem: str = "") -> None:
        if excluded is not None and excluded(path):
            return
        key = real or (path if path == STDIN else os.path.realpath(path))
        if key not in seen:
            seen.add(key)
            found.append(InputFile(path, display_path(path), key, problem))

    for path in paths:
        if path == STDIN:
            add(path)
        elif os.path.isdir(path):
            for file_path, real, problem in _walk(path, excluded):
                add(file_path, real, problem)
        elif os.path.exists(path) or os.path.islink(path) or os.path.realpath(path) in virtual:
            add(path)  # an explicit file is read whatever its suffix
        else:
            raise PathNotFound(path)
    return found


def _walk(top: str, excluded: Optional[Callable[[str], bool]] = None) -> list[tuple[str, str, str]]:
    """(path, resolved path, problem) of the manifest files below `top`.

    Hidden folders are skipped and symlinked folders are entered once. Resolved paths are built
    from the folder's, so only symlinks cost a realpath call. Only regular files are read: a FIFO
    or a device with a YAML suffix would block or never end. A folder that cannot be listed is
    returned with the reason as its problem.
    """
    files: list[tuple[str, str, str]] = []
    visited: set[tuple[int, int]] = set()
    stack = [(top, os.path.realpath(top))]
    while stack:
        folder, real_folder = stack.pop()
        try:
            stat = os.stat(folder)
        except OSError:
            continue
        ident = (stat.st_dev, stat.st_ino)
        if ident in visited:  # a symlink loop, or a folder reached twice
            continue
        visited.add(ident)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            files.append((folder, real_folder, f"The folder {display_path(folder)} cannot be listed: "
                                               f"{exc.strerror or exc.__class__.__name__}."))
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
                is_link = entry.is_symlink()
                wanted = is_dir or (entry.name.endswith(MANIFEST_SUFFIXES) and
                                    (entry.is_file() or (is_link and not os.path.exists(entry.path))))
            except OSError:
                continue
            if not wanted:
                continue
            real = os.path.realpath(entry.path) if is_link else os.path.join(real_folder, entry.name)
            if is_dir:
                if excluded is None or not excluded(entry.path):
                    subfolders.append((entry.path, real))
            else:
                files.append((entry.path, real, ""))
        stack.extend(reversed(subfolders))
    return sorted(files)
