"""kportlint: finds Kubernetes Services whose traffic never reaches a pod, from the manifests alone."""

__version__ = "0.1.0"
