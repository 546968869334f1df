"""A run: load, index, check, then select, rank and order the findings."""

from __future__ import annotations

import dataclasses
import gc
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import BinaryIO, Iterable, Mapping, Optional

from .catalog import Rule, load_catalog, rule_names
from .checks import ALL_CHECKS
from .checks.schema import has_schema
from .index import ObjectIndex
from .input.discovery import Excluder
from .input import kustomize
from .input.builds import BuildReport
from .input.loader import load
from .model import SEVERITY_RANK, Finding, Manifest, Problem, Settings, SourceFile
from .k8s.workloads import BUILTIN_KINDS, KindTable
from .k8s.schema import VersionError, resolve_version
from .options import RunOptions
from .wording import capped, plural
from .suppressions import (ANNOTATION, EVERY_RULE, UNKNOWN_SUPPRESSION, UNUSED_SUPPRESSION, Suppressions, annotation_unknown)


class SelectionError(ValueError):
    """--select or --ignore names something that is neither a rule nor a category."""


class OptionError(ValueError):
    """An option value the run cannot use (a Kubernetes version without schemas)."""


@dataclass
class RunResult:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    documents: int = 0
    objects: int = 0
    builds: list[BuildReport] = field(default_factory=list)  # kustomization roots, built or failed
    unbuilt: list[str] = field(default_factory=list)  # files in a kustomize tree that no build uses
    paths: list[str] = field(default_factory=list)  # the files read, as shown
    skipped: list[str] = field(default_factory=list)  # files left out as no manifest (JSON with comments)
    excluded: list[str] = field(default_factory=list)  # paths named on the command line that exclude covers
    notes: list[str] = field(default_factory=list)  # said once on stderr (kustomizations not built)
    # objects schema-violation judged, and those it could not (no schema: a custom resource without a
    # CRD or vendored schema); None when schema checking did not run
    schema_checked: Optional[int] = None
    schema_skipped: Optional[int] = None
    # every rule's metadata, for the reporters (read-only: it is the catalog's cached dict)
    rules: Mapping[str, Rule] = field(default_factory=lambda: MappingProxyType(load_catalog()))

    @property
    def unbuilt_files(self) -> int:
        return len(self.unbuilt)

    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def fails(self, threshold: str) -> bool:
        """Whether any finding is at or above `threshold` (error, warning or info)."""
        return any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold] for f in self.findings)


def enabled_rules(catalog: dict[str, Rule], select: Iterable[str], ignore: Iterable[str],
                  schema: Optional[bool] = None, extend_select: Iterable[str] = ()) -> set[str]:
    """Rules left after --select (default: all but the opt-in ones) and --extend-select, then
    --ignore; each item is a rule id, alias, category or ALL. `schema` True adds the schema category,
    False takes it away whatever else selected it (--no-schema), None leaves it to the selection."""

    names = rule_names(catalog)

    def expand(items: Iterable[str]) -> set[str]:
        chosen: set[str] = set()
        for raw in items:
            item = raw.strip()
            if not item:
                continue
            if item not in names:
                raise SelectionError(f"unknown rule or category '{item}'; `kportlint rules` lists them")
            chosen.update(names[item])
        return chosen

    if any(s.strip() for s in select):
        selected = expand(select)
    else:
        selected = {r.id for r in catalog.values() if not r.opt_in}
    selected |= expand(extend_select)
    schema_rules = {r.id for r in catalog.values() if r.category == "schema"}
    if schema:
        selected |= schema_rules
    selected -= expand(ignore)
    return selected - schema_rules if schema is False else selected


def run(paths: list[str], options: RunOptions, stdin: Optional[BinaryIO] = None,
        overrides: Optional[dict[str, Optional[bytes]]] = None) -> RunResult:
    """Lint `paths` as one set. `overrides` (resolved path -> content, or None for absent) lints the
    files as they were before a change."""
    return analyse(paths, options, stdin, overrides).result


@dataclass
class Analysis:
    """A run's findings, and the index of the objects it judged (what `kportlint routes` draws)."""

    result: RunResult
    index: ObjectIndex


def analyse(paths: list[str], options: RunOptions, stdin: Optional[BinaryIO] = None,
            overrides: Optional[dict[str, Optional[bytes]]] = None, check: bool = True) -> Analysis:
    """The one pipeline of every command: load and build, index, and (unless `check` is off, as
    for `kportlint routes`) check."""
    # A run allocates millions of objects that live until it ends and are never cyclic garbage; the
    # cyclic collector's full passes over them made the time grow faster than the input (x6 for 5x
    # the documents). It waits until the run is over.
    enabled_before = gc.isenabled()
    gc.disable()
    try:
        return _analyse(paths, options, stdin, overrides, check)
    finally:
        if enabled_before:
            gc.enable()


def _analyse(paths: list[str], options: RunOptions, stdin: Optional[BinaryIO],
             overrides: Optional[dict[str, Optional[bytes]]], check: bool) -> Analysis:
    catalog = load_catalog()
    enabled = enabled_rules(catalog, options.select, options.ignore + options.extend_ignore, options.schema,
                            options.extend_select + tuple(sorted(options.enabled_by_options())))
    enabled -= {rule for rule, level in options.severities.items() if level == "off"}
    values = dict(options.resolved())
    if values["kubernetes-version"] or any(catalog[r].category == "schema" for r in enabled):
        try:
            values["kubernetes-version"] = resolve_version(values["kubernetes-version"])
        except VersionError as exc:
            raise OptionError(f"--kubernetes-version: {exc}") from None
    excluded = Excluder(options.exclude, options.exclude_base) if options.exclude else None
    try:
        builder = kustomize.find(options.kustomize) if options.build else None
    except kustomize.KustomizeNotFound as exc:
        raise OptionError(str(exc)) from None
    notes = []
    named_out = [p for p in paths if excluded is not None and excluded(p)]
    if named_out and not options.force_exclude:
        notes.append(f"kportlint: note: {', '.join(named_out)} {'is' if len(named_out) == 1 else 'are'} named on "
                     f"the command line but excluded by the configuration's exclude, so not linted "
                     f"(--force-exclude leaves such paths out without this note).")
    if named_out and len(named_out) == len(paths):  # nothing left to read: that was asked for
        return Analysis(RunResult(notes=notes, excluded=named_out), ObjectIndex([]))
    loaded = load([p for p in paths if p not in named_out], options.namespace, stdin=stdin,
                  max_file_size=values["max-file-size"], excluded=excluded, overrides=overrides, kustomize=builder,
                  build_timeout=options.build_timeout, jobs=options.jobs)
    raw: list[tuple[Finding, Optional[Manifest]]] = []
    for diag in loaded.diagnostics:
        if diag.rule in enabled:
            raw.append((Finding(diag.rule, diag.severity or catalog[diag.rule].severity, diag.message, diag.file,
                                diag.line, diag.column, builds=diag.builds), None))
    kinds = KindTable(BUILTIN_KINDS + options.template_kinds)
    index = ObjectIndex(loaded.manifests, kinds,
                        Settings(MappingProxyType(values), options.pods_from_elsewhere), loaded.units)
    for rule_id, spec in ALL_CHECKS.items():
        if rule_id not in enabled or not check:
            continue
        if spec.kinds is None:
            targets: Iterable[Manifest] = index.manifests
        else:
            targets = [m for kind in spec.kinds for m in index.of_kind(kind)]
        for manifest in targets:
            for problem in spec.function(manifest, index.view(manifest)):
                raw.append((_finding(rule_id, catalog[rule_id], problem), manifest))
    checked = None
    if check and SCHEMA_VIOLATION in enabled:
        checked = sum(has_schema(m, index.view(m)) for m in index.manifests)
    findings = _suppressed(_explained(raw), loaded.files, index, catalog, enabled)
    findings = [_with_severity(f, catalog[f.rule], options.severities) for f in findings]
    if options.per_file_ignores:
        findings = _per_file(findings, options.per_file_ignores, options.exclude_base, rule_names(catalog))
    if loaded.not_built:
        why = "building is turned off" if not options.build else "no kustomize found"
        notes.append(f"kportlint: note: {plural(loaded.not_built, 'kustomization')} not built ({why}), so "
                     f"{'its' if loaded.not_built == 1 else 'their'} files were linted as plain manifests, "
                     f"with routing verdicts at most info.")
    result = RunResult(_unique_sorted(findings), len(loaded.files), loaded.documents, len(loaded.manifests),
                       builds=loaded.builds, unbuilt=loaded.unbuilt, notes=notes,
                       paths=[f.path for f in loaded.files], skipped=loaded.skipped, excluded=named_out,
                       schema_checked=checked,
                       schema_skipped=None if checked is None else len(index.manifests) - checked)
    return Analysis(result, index)


def _suppressed(raw: list[tuple[Finding, Optional[Manifest]]], files: list[SourceFile], index: ObjectIndex,
                catalog: dict[str, Rule], enabled: set[str]) -> list[Finding]:
    """The findings no directive or annotation silences, plus findings about the directives."""
    names = rule_names(catalog)
    suppressions = Suppressions(files, names)
    kept = [f for f, manifest in raw if not suppressions.silences(f, manifest)]
    if UNKNOWN_SUPPRESSION in enabled:
        for directive, rule in suppressions.unknown():
            kept.append(Finding(UNKNOWN_SUPPRESSION, catalog[UNKNOWN_SUPPRESSION].severity, (
                f"'{rule}' in this kportlint directive is not a rule or category, so it silences nothing; "
                f"`kportlint rules` lists them."), directive.file, directive.line, directive.column))
        for manifest in index.manifests:
            for rule in annotation_unknown(manifest, names):
                pointer = "/metadata/annotations/" + ANNOTATION.replace("/", "~1")
                file, position = manifest.location(pointer)
                kept.append(Finding(UNKNOWN_SUPPRESSION, catalog[UNKNOWN_SUPPRESSION].severity, (
                    f"'{rule}' in the {ANNOTATION} annotation of {manifest.ref} is not a rule or category, so "
                    f"it silences nothing; `kportlint rules` lists them."), file,
                    position.line, position.column, manifest.kind, manifest.name, manifest.namespace, pointer,
                    tuple(sorted(manifest.builds))))
    if UNUSED_SUPPRESSION in enabled:
        for directive, rule in suppressions.unused():
            if not names[rule] & enabled:
                continue  # the rule does not run, so the directive cannot be judged
            what = "every rule" if rule == EVERY_RULE else rule
            kept.append(Finding(UNUSED_SUPPRESSION, catalog[UNUSED_SUPPRESSION].severity, (
                f"This directive disables {what}, but nothing it names is reported "
                f"{'in this file' if directive.scope == 'file' else 'here'}; remove it."),
                directive.file, directive.line, directive.column))
    return kept


def _per_file(findings: list[Finding], ignores: tuple[tuple[str, tuple[str, ...]], ...], base: str,
              names: Mapping[str, frozenset[str]]) -> list[Finding]:
    """The findings that per-file-ignores (glob -> rules, as ruff has it) leave."""
    matchers = [(Excluder((glob,), base), frozenset().union(*(names[w.strip()] for w in words)))
                for glob, words in ignores]
    return [f for f in findings if not any(f.rule in rules and matches(f.file) for matches, rules in matchers)]


def _with_severity(finding: Finding, rule: Rule, severities: Mapping[str, str]) -> Finding:
    """The configured severity replaces the rule's default; findings a rule lowered stay lowered."""
    level = severities.get(finding.rule)
    if level is None or level == "off" or finding.severity != rule.severity:
        return finding
    return dataclasses.replace(finding, severity=level)


SCHEMA_VIOLATION = "schema-violation"


def _explained(raw: list[tuple[Finding, Optional[Manifest]]]) -> list[tuple[Finding, Optional[Manifest]]]:
    """Without the schema findings that another rule already makes about the same field (or a field
    inside one it names, two levels deep or more): that rule says what the fault does to traffic (a
    lower-case protocol, an Ingress backend written in the v1beta1 shape, an apiVersion that is no
    longer served), and one finding is enough."""
    claimed: dict[int, set[str]] = {}
    for finding, manifest in raw:
        if manifest is not None and finding.rule != SCHEMA_VIOLATION and finding.pointer:
            claimed.setdefault(id(manifest), set()).add(finding.pointer)

    def explained(finding: Finding, manifest: Optional[Manifest]) -> bool:
        pointers = claimed.get(id(manifest), ()) if finding.rule == SCHEMA_VIOLATION else ()
        return any(finding.pointer == p or (p.count("/") >= 2 and finding.pointer.startswith(p + "/"))
                   for p in pointers)

    return [(f, m) for f, m in raw if not explained(f, m)]


# Rules that say whether traffic reaches pods: Service, workload, backend and policy selectors and ports.
# When the files cannot tell whether an object is deployed as written, they say at most info.
ROUTING_CATEGORIES = frozenset({"services", "workloads", "ingress", "routes", "policies", "monitoring"})


def _finding(rule_id: str, rule: Rule, problem: Problem) -> Finding:
    manifest = problem.manifest
    file, position = manifest.location(problem.pointer)
    if problem.at_key:
        position = position.of_key()
    severity, message = problem.severity or rule.severity, problem.message
    if manifest.cap and rule.category in ROUTING_CATEGORIES and severity != "info":
        severity, message = "info", capped(message, severity, manifest.cap)
    return Finding(rule_id, severity, message, file, position.line, position.column, manifest.kind,
                   manifest.name, manifest.namespace, problem.pointer, tuple(sorted(manifest.builds)),
                   position.end_line)


def _unique_sorted(findings: list[Finding]) -> list[Finding]:
    """One finding per fault and place. Builds that share a base report its faults once, naming every
    build; findings that differ in their words (another namespace or name) stay apart."""
    unique: dict[tuple, Finding] = {}
    for finding in sorted(findings, key=Finding.sort_key):
        key = (finding.rule, finding.file, finding.line, finding.column, finding.message)
        seen = unique.get(key)
        if seen is None:
            unique[key] = finding
        elif finding.builds and set(finding.builds) - set(seen.builds):
            unique[key] = dataclasses.replace(seen, builds=tuple(sorted(set(seen.builds) | set(finding.builds))))
    return list(unique.values())
