"""A run: load, index, check, then select, rank and order the findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO, Iterable, Optional

from .catalog import Rule, load_catalog
from .checks import ALL_CHECKS
from .index import ObjectIndex
from .loader import DEFAULT_MAX_FILE_SIZE, load
from .model import SEVERITY_RANK, Finding, Manifest, Problem, Settings
from .semantics.schema import VersionError, resolve_version


class SelectionError(ValueError):
    """--select or --ignore names something that is neither a rule nor a category."""


class OptionError(ValueError):
    """An option value the run cannot use (a Kubernetes version without schemas)."""


@dataclass
class RunOptions:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    namespace: str = "default"
    schema: bool = False  # also check objects against the Kubernetes schema
    kubernetes_version: Optional[str] = None  # None: the newest the bundled schemas cover
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; 0: no limit


@dataclass
class RunResult:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    documents: int = 0
    objects: int = 0

    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def fails(self, threshold: str) -> bool:
        """Whether any finding is at or above `threshold` (error, warning or info)."""
        return any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold] for f in self.findings)


def enabled_rules(catalog: dict[str, Rule], select: Iterable[str], ignore: Iterable[str],
                  schema: bool = False) -> set[str]:
    """Rules left after --select (default: all but the opt-in ones) and --ignore; each item is a
    rule id, alias, category or ALL. `schema` turns on the schema category."""

    def expand(items: Iterable[str]) -> set[str]:
        chosen: set[str] = set()
        for raw in items:
            item = raw.strip()
            if not item:
                continue
            if item == "ALL":
                chosen.update(catalog)
                continue
            matched = {r.id for r in catalog.values() if item in (r.id, r.category) or item in r.aliases}
            if not matched:
                raise SelectionError(f"unknown rule or category '{item}'; `kportlint rules` lists them")
            chosen.update(matched)
        return chosen

    if any(s.strip() for s in select):
        selected = expand(select)
    else:
        selected = {r.id for r in catalog.values() if not r.opt_in}
    if schema:
        selected.update(r.id for r in catalog.values() if r.category == "schema")
    return selected - expand(ignore)


def run(paths: list[str], options: RunOptions, stdin: Optional[BinaryIO] = None) -> RunResult:
    catalog = load_catalog()
    enabled = enabled_rules(catalog, options.select, options.ignore, options.schema)
    version = ""
    if options.kubernetes_version or any(catalog[r].category == "schema" for r in enabled):
        try:
            version = resolve_version(options.kubernetes_version)
        except VersionError as exc:
            raise OptionError(f"--kubernetes-version: {exc}") from None
    loaded = load(paths, options.namespace, stdin=stdin, max_file_size=options.max_file_size)
    findings: list[Finding] = []
    for diag in loaded.diagnostics:
        if diag.rule in enabled:
            findings.append(Finding(diag.rule, catalog[diag.rule].severity, diag.message, diag.file,
                                    diag.line, diag.column))
    index = ObjectIndex(loaded.manifests, settings=Settings(kubernetes_version=version))
    for rule_id, spec in ALL_CHECKS.items():
        if rule_id not in enabled:
            continue
        if spec.kinds is None:
            targets: Iterable[Manifest] = index.manifests
        else:
            targets = [m for kind in spec.kinds for m in index.of_kind(kind)]
        for manifest in targets:
            for problem in spec.function(manifest, index):
                findings.append(_finding(rule_id, catalog[rule_id], problem))
    return RunResult(_unique_sorted(findings), len(loaded.files), loaded.documents, len(loaded.manifests))


def _finding(rule_id: str, rule: Rule, problem: Problem) -> Finding:
    manifest = problem.manifest
    position = manifest.position(problem.pointer)
    return Finding(rule_id, problem.severity or rule.severity, problem.message, manifest.source.path,
                   position.line, position.column, manifest.kind, manifest.name, manifest.namespace,
                   problem.pointer)


def _unique_sorted(findings: list[Finding]) -> list[Finding]:
    # An object that kustomize places in several namespaces is checked once per namespace; the same
    # fault at the same place is reported once.
    unique: dict[tuple, Finding] = {}
    for finding in sorted(findings, key=Finding.sort_key):
        unique.setdefault((finding.rule, finding.file, finding.line, finding.column), finding)
    return list(unique.values())
