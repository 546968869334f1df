"""The package's shape (see README, design notes): imports only point down the layers, and no
module or subpackage imports another in a cycle. Function-level imports count as well."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "kportlint"

# Lowest first. A module may import its own layer or one below, never one above.
LAYERS = (
    ("__init__", "model", "wording"),  # the version; plain data; strings in, strings out
    ("input",),  # files and documents to Manifest objects; builds; what deploys together
    ("k8s",),  # pure Kubernetes semantics
    ("index",),
    ("resolve",),  # queries over the index: structured verdicts
    ("checks",),  # the only place that words findings about objects
    ("suppressions", "catalog"),
    ("options", "engine"),
    ("reporters",),
    ("config", "commands", "__main__"),
)
# Layers that must not word a finding: they return facts, the checks write the sentences.
NO_PROSE = ("k8s", "index", "resolve")


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)
        modules[name] = path
    return modules


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package modules that `name` imports, anywhere in its body."""
    package = name.split(".") if path.name == "__init__.py" and name != "__init__" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("kportlint"):
                target = node.module[len("kportlint."):] if node.module != "kportlint" else ""
            else:
                continue
            for alias in node.names:
                qualified = f"{target}.{alias.name}" if target else alias.name
                found.add(qualified if qualified in modules else (target or "__init__"))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("kportlint."):
                    found.add(alias.name[len("kportlint."):])
    found.discard(name)
    return {m for m in found if m in modules}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _unit(module: str) -> str:
    return module.split(".")[0]


def _layer(module: str) -> int:
    for rank, names in enumerate(LAYERS):
        if _unit(module) in names:
            return rank
    raise AssertionError(f"kportlint/{module.replace('.', '/')}: no layer in LAYERS; add it where it belongs")


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle in `graph` (a list of nodes, first == last), or []."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def test_every_module_has_a_layer():
    for module in _modules():
        _layer(module)


def test_imports_point_down():
    upward = [f"{m} imports {d}" for m, deps in sorted(_graph().items()) for d in sorted(deps)
              if _layer(d) > _layer(m)]
    assert not upward, "imports that point up the layers:\n" + "\n".join(upward)


def test_no_module_cycle():
    assert _cycle(_graph()) == []


def test_no_subpackage_cycle():
    units: dict[str, set[str]] = {}
    for module, deps in _graph().items():
        units.setdefault(_unit(module), set()).update(_unit(d) for d in deps if _unit(d) != _unit(module))
    assert _cycle(units) == []


def test_semantics_and_resolution_write_no_prose():
    offenders = [f"{m} imports {d}" for m, deps in sorted(_graph().items()) for d in sorted(deps)
                 if _unit(m) in NO_PROSE and _unit(d) == "wording"]
    assert not offenders, "\n".join(offenders)


def test_the_cycle_finder_finds_cycles():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []
