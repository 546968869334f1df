"""What builds and origin mapping read: parsed source files, by path or from a text, and the
kustomization in a folder (protocols that the loader's documents and reading satisfy)."""

from __future__ import annotations

from typing import Any, Optional, Protocol

from .kustomizations import Kustomization
from ..model import SourceFile


class Parsed(Protocol):
    source: SourceFile
    docs: list[tuple[int, Any]]


class Sources(Protocol):
    def file(self, path: str) -> Optional[Parsed]: ...
    def text(self, text: str, name: str) -> Parsed: ...
    def kustomization(self, folder: str) -> Optional[Kustomization]: ...
