"""Small in-memory Kubernetes objects for the unit tests: Manifests built with the model's own
constructor, as the loader builds them, without reading files."""

from __future__ import annotations

from typing import Any, Iterable, Optional

from ruamel.yaml import YAML

from kportlint.model import Manifest, SourceFile, namespace_or

_YAML = YAML(typ="safe", pure=True)


def source(path: str = "/repo/app/manifests.yaml") -> SourceFile:
    return SourceFile(path, origin=path)


def manifest(data: dict[str, Any], path: str = "/repo/app/manifests.yaml", *, file: Optional[SourceFile] = None,
             builds: Iterable[str] = (), undeployed: bool = False, namespace: str = "default") -> Manifest:
    """One object as the loader makes it: its namespace is metadata.namespace, else `namespace`."""
    return Manifest(file or source(path), 0, "", data, namespace_or(data, namespace),
                    builds=frozenset(builds), undeployed=undeployed)


def from_yaml(text: str, **kwargs: Any) -> Manifest:
    return manifest(_YAML.load(text), **kwargs)


def pod_spec(ports: Iterable[dict[str, Any]] = (), **container: Any) -> dict[str, Any]:
    return {"containers": [{"name": "app", "image": "example/app:1", "ports": list(ports), **container}]}


def deployment(name: str, labels: dict[str, str], ports: Iterable[dict[str, Any]] = (), *,
               namespace: Optional[str] = None, kind: str = "Deployment", api_version: str = "apps/v1",
               **kwargs: Any) -> Manifest:
    metadata: dict[str, Any] = {"name": name}
    if namespace:
        metadata["namespace"] = namespace
    data = {"apiVersion": api_version, "kind": kind, "metadata": metadata,
            "spec": {"selector": {"matchLabels": dict(labels)},
                     "template": {"metadata": {"labels": dict(labels)}, "spec": pod_spec(ports)}}}
    return manifest(data, **kwargs)


def job(name: str, labels: dict[str, str], **kwargs: Any) -> Manifest:
    data = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
            "spec": {"template": {"metadata": {"labels": dict(labels)},
                                  "spec": {"restartPolicy": "Never", **pod_spec()}}}}
    return manifest(data, **kwargs)


def service(name: str, selector: Any, ports: Iterable[dict[str, Any]] = ({"port": 80},), *,
            namespace: Optional[str] = None, **kwargs: Any) -> Manifest:
    metadata: dict[str, Any] = {"name": name}
    if namespace:
        metadata["namespace"] = namespace
    spec: dict[str, Any] = {"ports": list(ports)}
    if selector is not None:
        spec["selector"] = selector
    return manifest({"apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": spec}, **kwargs)


def custom(api_version: str, kind: str, name: str, namespace: str = "default", **kwargs: Any) -> Manifest:
    return manifest({"apiVersion": api_version, "kind": kind, "metadata": {"name": name, "namespace": namespace}},
                    **kwargs)
