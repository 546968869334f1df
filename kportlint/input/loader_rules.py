"""The ids of the rules whose findings the input layer makes itself, not a check function."""

from __future__ import annotations

from .builds import KUSTOMIZE_BUILD_FAILED

YAML_SYNTAX = "yaml-syntax"
HELM_TEMPLATE = "helm-template-skipped"
FILE_UNREADABLE = "file-unreadable"
FILE_TOO_LARGE = "file-too-large"
DUPLICATE_KEY = "duplicate-key"
YAML_UNSUPPORTED = "yaml-unsupported"
NO_OBJECTS = "no-objects"
LOADER_RULES = (YAML_SYNTAX, HELM_TEMPLATE, FILE_UNREADABLE, FILE_TOO_LARGE, DUPLICATE_KEY, YAML_UNSUPPORTED,
                KUSTOMIZE_BUILD_FAILED, NO_OBJECTS)
