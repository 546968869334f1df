"""Kustomization roots among the inputs, built by real kustomize: the objects each build makes, tied
to the source lines that wrote them; a failed build as one finding; and which files the builds used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Optional

from . import origins
from .discovery import display_path
from .kustomizations import Kustomization, Tree, generator_files, is_remote, resolve_entry
from .kustomize import NETWORK, Build, Copy, Kustomize, build_all, needs_outside
from .provenance import take
from .sources import Sources
from ..model import Diagnostic, Manifest, Position, document_objects, has_namespace, join_pointer, namespace_or
from .composing import YAMLSyntaxError, compose_all
from .conversion import to_data

KUSTOMIZE_BUILD_FAILED = "kustomize-build-failed"
# Why the objects of a file are not judged at full severity (see Manifest.cap).
NOT_RUN = "kustomize was not run"
UNUSED = "no kustomization builds this file"


@dataclass(frozen=True)
class BuildReport:
    root: str  # the root kustomization's folder, as shown
    built: bool
    error: str = ""


@dataclass
class Builds:
    """What building the roots gave."""

    manifests: list[Manifest] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    reports: list[BuildReport] = field(default_factory=list)
    # build -> what it makes: (source file, kind, namespace, name) of each object
    units: dict[str, frozenset[tuple[str, str, str, str]]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # the source files the builds made objects of
    plain: dict[str, str] = field(default_factory=dict)  # file of a root not built -> why (a cap)
    not_built: int = 0  # roots left unbuilt because there is no kustomize


def build_roots(tree: Tree, kustomize: Optional[Kustomize], sources: Sources, namespace: str,
                timeout: float, max_output: Optional[int],
                overrides: Optional[dict[str, Optional[bytes]]] = None) -> Builds:
    """Build every root of `tree`; `overrides` (resolved path -> content or None) builds the files as
    they were before a change."""
    result = Builds()
    roots = tree.roots()
    if kustomize is None:
        result.not_built = len(roots)
        for root in roots:
            for path in tree.listed_files(root):
                result.plain.setdefault(path, NOT_RUN)
        return result
    # Each root's kustomizations, those outside the linted paths too (read once, used twice).
    reached = {root.path: tree.reach(root, sources.kustomization) for root in roots}
    remote = {root.path: _remote_entry(reached[root.path]) for root in roots}
    jobs = [(root.folder, _copy_for(tree, root, overrides)) for root in roots if not remote[root.path]]
    built = iter(build_all(kustomize, jobs, timeout, max_output))
    units: dict[str, set[tuple[str, str, str, str]]] = {}
    for root in roots:
        name = display_path(root.folder)
        entry = remote[root.path]
        outcome = (Build(root.folder, None, f"resource '{entry}' is remote", "", cause=NETWORK) if entry
                   else next(built))
        if outcome.output is None:
            result.diagnostics.append(_failure(root, reached[root.path], outcome))
            for path in tree.listed_files(root):
                result.plain.setdefault(path, f"the kustomize build of {name} failed")
            result.reports.append(BuildReport(name, False, outcome.error))
            continue
        result.reports.append(BuildReport(name, True))
        made = units.setdefault(name, set())
        fallback = sources.file(root.path)
        for _, data in _documents(outcome.output):
            for _, obj in document_objects(data):
                provenance = take(obj, outcome.resolve)
                placed = origins.place(obj, provenance, sources, fallback)
                manifest = Manifest(placed.source, placed.doc_index, placed.base_pointer, obj,
                                    namespace_or(obj, namespace), builds=frozenset({name}),
                                    namespace_given=has_namespace(obj), locator=placed.locate)
                result.manifests.append(manifest)
                origin = provenance.path or provenance.generator
                if origin:
                    result.used.add(origin)
                    made.add((origin, manifest.kind, manifest.namespace, manifest.name))
    result.units = {name: frozenset(made) for name, made in units.items()}
    return result


def _remote_entry(reached: list[Kustomization]) -> str:
    """A remote resource, base or component (or OpenAPI schema) a root includes (`reached`: its
    kustomizations): such a build is not run at all, since a proxy cannot keep every fetch (one to
    localhost, say) off the network."""
    for kustomization in reached:
        found = kustomization.remote()
        if found:
            return found[0]
        openapi = kustomization.data.get("openapi")
        path = openapi.get("path") if isinstance(openapi, dict) else None
        if isinstance(path, str) and is_remote(path):
            return path
    return ""


def _copy_for(tree: Tree, root: Kustomization, overrides: Optional[dict[str, Optional[bytes]]]) -> Optional[Copy]:
    """A copy to build from when `overrides` change files of the root's tree (the state before a
    change); None when the files on disk are the ones to build."""
    if not overrides:
        return None
    folders = tuple(sorted({k.folder for k in tree.reach(root)}))
    touched = {path: content for path, content in overrides.items()
               if any(path.startswith(folder + os.sep) for folder in folders)}
    if not touched:
        return None
    base = os.path.commonpath(folders)
    return Copy(base, tuple(f for f in folders if not any(f.startswith(o + os.sep) for o in folders)), touched)


def _documents(text: str) -> list[tuple[int, Any]]:
    try:
        return [(i, to_data(node).data) for i, node in enumerate(compose_all(text))]
    except YAMLSyntaxError:  # kustomize writes valid YAML; never let a surprise stop the run
        return []


def _failure(root: Kustomization, reached: list[Kustomization], outcome: Build) -> Diagnostic:
    """One finding at the kustomization entry the failure names (else the root's first line);
    `reached` are the root's kustomizations."""
    secret_inputs = {resolve_entry(k.folder, f)
                     for k in reached for item in _list(k.data.get("secretGenerator")) for f in generator_files(item)}
    missing = outcome.missing_file()
    outside = outcome.cause or needs_outside(outcome.error, missing, secret_inputs)
    where, pointer = root, ""
    for kustomization in reached:
        found = _entry_naming(kustomization, missing, outcome.error)
        if found:
            where, pointer = kustomization, found
            break
    position = (where.source.locate(0, pointer) if where.source.locate is not None else None) or Position(1, 1)
    if outside:
        message = (f"The kustomize build cannot run here: {outcome.error}. {outside[0].upper()}{outside[1:]}; the "
                   f"files were linted as plain manifests, routing verdicts at most info.")
    else:
        message = (f"The kustomize build fails: {outcome.error}. `kubectl apply -k` fails alike; the files were "
                   f"linted as plain manifests.")
    return Diagnostic(KUSTOMIZE_BUILD_FAILED, where.source.path, position.line, position.column, message,
                      "info" if outside else None, (display_path(root.folder),))


def _entry_naming(kustomization: Kustomization, missing: Optional[str], error: str) -> str:
    """The pointer of the entry of `kustomization` that the build error is about, or ""."""
    data = kustomization.data
    for key, items in data.items():
        for i, item in enumerate(_list(items)):
            entry = item if isinstance(item, str) else item.get("path") if isinstance(item, dict) else None
            named = [entry] if isinstance(entry, str) and entry else generator_files(item)
            for name in named:
                resolved = resolve_entry(kustomization.folder, name)
                if (missing is not None and resolved == missing) or (is_remote(name) and name in error):
                    return join_pointer(key, i)
    for key in ("helmCharts", "generators", "transformers"):
        if key in data and (key == "helmCharts") == ("--enable-helm" in error or "HelmChart" in error):
            return join_pointer(key)
    return ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
