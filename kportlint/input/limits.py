"""How much of a document kportlint reads: the depth it stops at, and go-yaml's alias-bomb rule,
measured on the node tree without expanding any alias."""

from __future__ import annotations

from yaml.nodes import Node, ScalarNode, SequenceNode


MAX_DEPTH = 256  # Kubernetes objects nest a few dozen levels; deeper input is hostile or broken.
# Past this many nodes with aliases expanded, a document is an alias bomb to any walker (a schema
# validator expands every alias), whatever the share of aliases.
MAX_EXPANDED_NODES = 5_000_000


def expansion(root: Node, max_depth: int = MAX_DEPTH) -> tuple[int, bool]:
    """(nodes, excessive): how many nodes go-yaml decodes for this document, expanding every alias,
    and whether its alias check stops it ("document contains excessive aliasing"). Counted without
    expanding anything.

    go-yaml counts every node it decodes, and separately every node decoded inside an alias, and
    checks their ratio as it goes. Inside one alias both counts grow together, so the ratio rises
    while the allowed ratio falls: checking once after each alias is the same as checking at every
    node. Each mapping or list is measured once (in document order, as go-yaml reads it) and its
    size reused wherever an alias repeats it, so a billion-laughs document costs what its text costs.
    """
    sizes: dict[int, int] = {}  # node id -> nodes decoded for it, its own aliases expanded
    seen: set[int] = set()
    decoded, inside_aliases = 0, 0
    excessive = False

    def visit(node: Node, depth: int) -> int:
        """Decode `node` where it is first written; returns its expanded size."""
        nonlocal decoded, inside_aliases, excessive
        seen.add(id(node))
        decoded += 1
        if isinstance(node, ScalarNode) or depth > max_depth:
            sizes[id(node)] = 1
            return 1
        sizes[id(node)] = 1  # an alias to a node still being decoded (recursive) counts once
        size = 1
        children = node.value if isinstance(node, SequenceNode) else [n for pair in node.value for n in pair]
        for child in children:
            if id(child) in seen:  # an alias: the alias node, then its target's nodes again
                target = sizes.get(id(child), 1)
                decoded += 1 + target
                inside_aliases += target
                size += 1 + target
                if not excessive and excessive_aliasing(decoded, inside_aliases):
                    excessive = True
            else:
                size += visit(child, depth + 1)
        sizes[id(node)] = size
        return size

    visit(root, 0)
    return decoded, excessive or excessive_aliasing(decoded, inside_aliases)


def excessive_aliasing(nodes: int, aliases: int) -> bool:
    """go-yaml's rule, which Kubernetes' YAML decoder applies: too large a share of the decoded nodes
    (`nodes`) were decoded inside aliases (`aliases`)."""
    if aliases <= 100 or nodes <= 1000:
        return False
    if nodes <= 400_000:
        allowed = 0.99
    elif nodes >= 4_000_000:
        allowed = 0.10
    else:
        allowed = 0.99 - 0.89 * (nodes - 400_000) / 3_600_000
    return aliases / nodes > allowed
