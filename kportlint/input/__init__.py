"""Input: paths and stdin to Manifest objects with positions; kustomize builds; which objects deploy together."""
