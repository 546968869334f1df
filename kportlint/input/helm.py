"""Helm templates among the inputs: the chart a file belongs to, and the signs that a file outside a
chart is a template (Helm's objects and functions in an object's own fields), not a manifest."""

from __future__ import annotations

import os
import re
from typing import Any, Optional

from .discovery import STDIN

_HELM_MARKERS = re.compile(
    r"\{\{-?\s*[^}]*?(?:\.Values\b|\.Release\.|\.Chart\.|\.Capabilities\.|\.Files\.|include\s+\"|"
    r"toYaml|nindent|\btpl\b)"
)


def helm_in_fields(data: Any, embedded: bool = False) -> bool:
    """Whether Helm's template syntax sits in an object's own fields (a name, an image, a label), not
    in text that the object carries: ConfigMap and Secret data, annotations, multi-line strings."""
    if isinstance(data, str):
        return not embedded and "\n" not in data.strip() and _HELM_MARKERS.search(data) is not None
    if isinstance(data, list):
        return any(helm_in_fields(item, embedded) for item in data)
    if not isinstance(data, dict):
        return False
    carrier = data.get("kind") in ("ConfigMap", "Secret")
    for key, value in data.items():
        # Values handed to a chart (a Flux HelmRelease's values, an Argo CD valuesObject, a k3s
        # HelmChart's valuesContent) are rendered by Helm later: text the object carries.
        inside = embedded or key in ("annotations", "values", "valuesObject", "valuesContent") or (
            carrier and key in ("data", "stringData", "binaryData"))
        if helm_in_fields(value, inside):
            return True
    return False


def helm_marked(text: str) -> bool:
    """Whether Helm's objects or functions appear outside YAML comments."""
    for match in _HELM_MARKERS.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if "#" not in text[line_start:match.start()]:
            return True
    return False


class Charts:
    """Finds the Helm chart (the outermost folder with a Chart.yaml) a file belongs to, once per folder."""

    def __init__(self) -> None:
        self._roots: dict[str, Optional[str]] = {}
        self._reported: set[str] = set()

    def root_of(self, path: str) -> Optional[str]:
        return None if path == STDIN else self._root(os.path.dirname(os.path.abspath(path)))

    def _root(self, folder: str) -> Optional[str]:
        if folder not in self._roots:
            parent = os.path.dirname(folder)
            outer = self._root(parent) if parent != folder else None
            here = folder if os.path.isfile(os.path.join(folder, "Chart.yaml")) else None
            self._roots[folder] = outer or here
        return self._roots[folder]

    @staticmethod
    def is_template(path: str, chart: str) -> bool:
        inside = os.path.relpath(os.path.abspath(path), chart).split(os.sep)[:-1]
        return "templates" in inside

    def first_report(self, chart: str) -> bool:
        if chart in self._reported:
            return False
        self._reported.add(chart)
        return True
