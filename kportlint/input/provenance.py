"""What kustomize's build annotations say about a built object: the resource file or the generator it
came from, and the kustomizations whose transformers changed it. They are taken off the object."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

ORIGIN = "config.kubernetes.io/origin"
TRANSFORMATIONS = "alpha.config.kubernetes.io/transformations"
_FIELD = re.compile(r"^\s*-?\s*(path|configuredIn|kind|repo):\s*(.*?)\s*$", re.MULTILINE)


@dataclass
class Provenance:
    """What the annotations of one built object say, with paths resolved."""

    path: Optional[str] = None  # the resource file the object came from
    generator: Optional[str] = None  # the kustomization whose generator made it
    configured_in: list[str] = field(default_factory=list)  # kustomizations whose transformers ran, in order


def take(obj: dict[str, Any], resolve: Callable[[str], str]) -> Provenance:
    """Remove kportlint's build annotations from `obj` (and an annotations map they leave empty)."""
    provenance = Provenance()
    metadata = obj.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    if not isinstance(annotations, dict):
        return provenance
    origin = annotations.pop(ORIGIN, None)
    transformations = annotations.pop(TRANSFORMATIONS, None)
    if not annotations:
        del metadata["annotations"]
    if isinstance(origin, str):
        fields = {key: _unquote(value) for key, value in _FIELD.findall(origin)}
        if "repo" in fields:
            pass  # from a remote base: no file here to point at
        elif "path" in fields and "configuredIn" not in fields:
            provenance.path = resolve(fields["path"])
        elif "configuredIn" in fields:
            provenance.generator = resolve(fields["configuredIn"])
    if isinstance(transformations, str):
        for key, value in _FIELD.findall(transformations):
            path = resolve(_unquote(value)) if key == "configuredIn" else None
            if path and path not in provenance.configured_in:
                provenance.configured_in.append(path)
    return provenance


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value
