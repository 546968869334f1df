"""What loading gives: the objects, the input layer's findings, the files read, and what was built."""

from __future__ import annotations

from dataclasses import dataclass, field

from .builds import BuildReport
from ..model import Diagnostic, Manifest, SourceFile


@dataclass
class LoadResult:
    manifests: list[Manifest] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    documents: int = 0
    builds: list[BuildReport] = field(default_factory=list)
    # build -> what it makes: (source file, kind, namespace, name) of each object
    units: dict[str, frozenset[tuple[str, str, str, str]]] = field(default_factory=dict)
    unbuilt: list[str] = field(default_factory=list)  # files in a kustomize tree that no build uses, as shown
    skipped: list[str] = field(default_factory=list)  # files that do not parse and are no manifest, as shown
    not_built: int = 0  # kustomization roots left unbuilt: there is no kustomize, or building is off
