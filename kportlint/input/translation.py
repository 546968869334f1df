"""A field of a built object -> the same field in the source object or patch it came from: list items
are matched by their merge key (a container by name, a port by number), since a patch may add or
reorder them."""

from __future__ import annotations

from typing import Any, Optional

# List items that a strategic merge identifies by a key, not by their place.
_MERGE_KEYS = ("name", "containerPort", "port", "mountPath", "devicePath", "ip", "topologyKey", "key", "type")


def translate(built: Any, source: Any, tokens: list[str]) -> Optional[tuple[list[str], Any, Any]]:
    """The path in `source` of the node at `tokens` in `built`: list items are matched by their merge
    key (a container by name, a port by number), since a patch may add or reorder them. None when
    `source` has no such node."""
    path: list[str] = []
    for token in tokens:
        if isinstance(built, dict) and isinstance(source, dict):
            if token not in source or token not in built:
                return None
            built, source = built[token], source[token]
            path.append(token)
        elif isinstance(built, list) and isinstance(source, list) and token.isdigit() and int(token) < len(built):
            item = built[int(token)]
            index = _matching_item(item, source, int(token))
            if index is None:
                return None
            built, source = item, source[index]
            path.append(str(index))
        else:
            return None
    return path, built, source


def _matching_item(item: Any, items: list[Any], position: int) -> Optional[int]:
    if isinstance(item, dict):
        keys = [key for key in _MERGE_KEYS if key in item]
        # A patch may leave out the key the base names an item by (a Service port patched by its
        # port, with the name only in the base): every key the built item holds may match.
        for key in keys:
            for i, other in enumerate(items):
                if isinstance(other, dict) and key in other and other[key] == item[key] and \
                        other.get("protocol", "TCP") == item.get("protocol", "TCP"):
                    return i
        return None if keys else position if position < len(items) else None
    for i, other in enumerate(items):
        if other == item and type(other) is type(item):
            return i
    return None


def same(built: Any, source: Any) -> bool:
    """Whether the source node gives the built value: scalars equal, containers present."""
    if isinstance(built, (dict, list)):
        return isinstance(source, type(built))
    return built == source and type(built) is type(source)
