"""Objects checked against the Kubernetes OpenAPI schema of their kind (opt-in: --schema)."""

from __future__ import annotations

from typing import Iterator

from ..index import ObjectIndex
from ..model import Manifest, Problem, join_pointer
from ..k8s import schema
from ..k8s.selectors import non_string_labels
from .registry import check


@check("schema-violation")
def schema_violation(manifest: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    version = index.settings.kubernetes_version or schema.resolve_version(None)
    reported = {join_pointer(*path) for path, _ in non_string_labels(manifest.data)}  # by non-string-label
    for error in schema.errors(version, manifest.data):
        if error.pointer in reported or (manifest.kind == "Ingress" and error.pointer.endswith("/service/namespace")):
            continue  # reported by non-string-label and ingress-backend-unresolved
        if manifest.cap and error.pointer == "/spec" and "'selector'" in error.message:
            continue  # a kustomize base read as plain files: the build may write the selector in
        yield Problem(manifest, error.pointer,
                      f"{manifest.ref} breaks the Kubernetes {version} schema: {error.message}; "
                      f"{error.consequence}")
