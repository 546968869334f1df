"""Values that a tool fills in before deploy: envsubst or Flux `${VAR}`, Go templates `{{ }}`.

kportlint cannot know what they become, so rules treat them as unknown rather than as wrong.
"""

from __future__ import annotations

import re
from typing import Any

_PLACEHOLDER = re.compile(r"\$\{[^}]*\}|\{\{")


def has_placeholder(value: Any) -> bool:
    return isinstance(value, str) and _PLACEHOLDER.search(value) is not None


def written(value: Any) -> bool:
    """A name as the author wrote it: a non-empty string that is no template placeholder."""
    return isinstance(value, str) and bool(value) and not has_placeholder(value)
