"""`kportlint lint`: options and configuration into a run, the run into a report."""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import Any, Optional

import click

from .. import config
from ..catalog import CatalogError, RuleOption, load_catalog, rule_options
from ..engine import run
from ..options import TYPES, OptionValueError, RunOptions, shown_default
from ..model import SEVERITIES
from ..reporters import renderers
from ..reporters import statistics as counted
from .common import EXIT_CLEAN, EXIT_FINDINGS, fail, guarded, wants_color


class OptionValue(click.ParamType):
    """A value of a declared option's type (options.TYPES), refused in click's one-line form."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name
        self.name = TYPES[type_name].metavar

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> Any:
        try:
            return TYPES[self.type_name].parse(value)
        except OptionValueError as exc:
            self.fail(str(exc), param, ctx)


class _LintCommand(click.Command):
    """`lint`, with a flag for each option a rule declares with `flag: true` (rules/<id>.yaml), made
    when the command line is parsed or its help shown: `kportlint --version` never reads the rules."""

    _flags: Optional[list[click.Parameter]] = None

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        if self._flags is None:
            try:
                declared = sorted(rule_options(load_catalog()).values(), key=lambda o: o.name)
            except CatalogError as exc:  # click parses outside the command's guard
                fail(f"the rule catalog is broken: {exc}")
            self._flags = [_flag(option) for option in declared if option.flag]
        params = super().get_params(ctx)
        return params[:-1] + self._flags + params[-1:]  # --help stays last


def _flag(option: RuleOption) -> click.Option:
    shown = shown_default(option)
    help_text = f"{option.description} [rule: {option.rule}" + (f"; default: {shown}]" if shown else "]")
    if option.type == "boolean":
        return click.Option([f"--{option.name}"], is_flag=True, default=False, help=help_text)
    if option.type == "folders":  # repeatable; a folder that does not exist is a usage error
        return click.Option([f"--{option.name}"], type=click.Path(exists=True, file_okay=False), multiple=True,
                            metavar=TYPES[option.type].metavar, help=help_text + " Repeatable.")
    return click.Option([f"--{option.name}"], type=OptionValue(option.type), metavar=TYPES[option.type].metavar,
                        default=None, help=help_text)


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part for value in values for part in value.split(","))


_FORMATS = ("auto", "text", "json", "github", "sarif", "junit")


@click.command(cls=_LintCommand)
@click.argument("paths", nargs=-1, type=str)
@click.option("--format", "output_format", type=click.Choice(_FORMATS), default="auto", show_default=True,
              help="Report format (junit for GitLab, Jenkins and Azure test reports); auto is github under "
                   "GitHub Actions, text elsewhere.")
@click.option("--output", "output_file", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Write the report (in --format) to FILE; the terminal still gets the text report.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
              help="Configuration file (default: .kportlint.yaml or pyproject.toml, found upward).")
@click.option("--select", multiple=True, metavar="RULES",
              help="Only these rules: ids or categories (input, services, workloads, ingress, routes, policies, "
                   "monitoring, schema, apis), comma-separated; ALL for every rule.")
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rules (ids or categories).")
@click.option("--extend-select", multiple=True, metavar="RULES",
              help="Run these rules too, besides the selected ones (ids or categories).")
@click.option("--extend-ignore", multiple=True, metavar="RULES",
              help="Skip these rules too, besides the ignored ones (ids or categories).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="warning", show_default=True,
              help="Exit 1 when a finding has this severity or a higher one.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--namespace", default="default", show_default=True,
              help="Namespace of objects that do not set metadata.namespace.")
@click.option("--schema/--no-schema", default=None,
              help="Check every object against the Kubernetes schema of its kind (the default), or not.")
@click.option("--kustomize", "kustomize_program", metavar="PROGRAM",
              help="The kustomize or kubectl program that builds kustomizations (default: the bundled kubectl, "
                   "else kustomize or kubectl on PATH).")
@click.option("--no-kustomize", is_flag=True, help="Do not build kustomizations; lint their files as plain manifests.")
@click.option("--kustomize-timeout", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
              help="Seconds one kustomize build may take (default: 60).")
@click.option("--jobs", "-j", type=click.IntRange(min=0), metavar="N",
              help="Worker processes that parse files (default 0: one per available core, when there are "
                   "enough files to gain from them; 1: parse in one process). The output is the same whatever N is.")
@click.option("--color", "color_choice", type=click.Choice(("auto", "always", "never")), default="auto",
              show_default=True, help="Colour the text report; auto: on a terminal, unless NO_COLOR or TERM=dumb "
                                      "(FORCE_COLOR forces it).")
@click.option("--force-exclude", is_flag=True,
              help="Leave out paths named on the command line that exclude covers, without a note (pre-commit).")
@click.option("--show-files", is_flag=True,
              help="List the files read and the kustomizations built or failed, instead of the findings.")
@click.option("--statistics", is_flag=True, help="Show the number of findings per rule instead of the findings.")
@click.option("--quiet", "-q", is_flag=True, help="Print the findings and nothing else.")
@click.option("--context", "context", multiple=True, metavar="PATH",
              help="Read these too, to resolve references, but report only on PATHS (pre-commit).")
@guarded
def lint(paths: tuple[str, ...], output_format: str, output_file: Optional[str], config_file: Optional[str],
         select: tuple[str, ...], ignore: tuple[str, ...], extend_select: tuple[str, ...],
         extend_ignore: tuple[str, ...], fail_on: str, exit_zero: bool, namespace: str,
         schema: Optional[bool], kustomize_program: Optional[str], no_kustomize: bool, kustomize_timeout: Optional[float],
         show_files: bool, statistics: bool, quiet: bool, context: tuple[str, ...], force_exclude: bool,
         color_choice: str, jobs: Optional[int], **flags: Any) -> None:
    """Lint manifests in PATHS (files or folders; default: the current folder; - reads stdin)."""
    ctx = click.get_current_context()
    given = {name for name in ctx.params
             if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE}
    targets = list(paths) or ["."]
    found = Path(config_file) if config_file else config.find(targets)
    loaded = config.read(found) if found is not None else config.Config(None)
    options = config.apply(RunOptions(), loaded.settings, loaded.base)
    overrides = {"select": _split(select), "ignore": _split(ignore), "extend_select": _split(extend_select),
                 "extend_ignore": _split(extend_ignore), "namespace": namespace, "schema": schema,
                 "force_exclude": force_exclude, "jobs": jobs}
    options = dataclasses.replace(options, **{field: value for field, value in overrides.items()
                                              if field in given or field.replace("_", "-") in given})
    options = options.with_rule_options(**{name: value for name, value in flags.items() if name in given})
    if kustomize_program:
        options = dataclasses.replace(options, kustomize=kustomize_program, build=True)
    if no_kustomize:
        options = dataclasses.replace(options, build=False)
    if kustomize_timeout:
        options = dataclasses.replace(options, build_timeout=kustomize_timeout)
    if "fail_on" not in given:
        fail_on = loaded.settings.get("fail-on", fail_on)
    reporters = renderers(fail_on)  # junit fails the test cases at or above it
    if statistics and _resolve_format(output_format) not in counted.FORMATS:
        fail(f"--statistics prints text or JSON; --format {output_format} has no statistics")
    result = _run(targets, options, context, loaded)
    for note in result.notes:
        click.echo(note, err=True)
    terminal = _resolve_format("auto" if output_file else output_format)
    color = terminal == "text" and wants_color(color_choice)
    if output_file:
        chosen = _resolve_format(output_format)
        report = counted.render(result, chosen) if statistics else reporters[chosen](result, False)
        try:
            Path(output_file).write_text(report, encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write the report to {output_file}: {exc.strerror or exc}")
    if show_files:
        click.echo(_files(result), nl=False)
        sys.exit(EXIT_CLEAN)
    if statistics:
        click.echo(counted.render(result, terminal, quiet), nl=False)
    elif quiet and terminal in ("text", "github"):  # the findings, without the summary line
        click.echo(reporters[terminal](result, color, summary=False), nl=False, color=color)
    else:
        click.echo(reporters[terminal](result, color), nl=False, color=color)
    _step_summary(result)
    sys.exit(EXIT_FINDINGS if result.fails(fail_on) and not exit_zero else EXIT_CLEAN)


def _run(targets: list[str], options: RunOptions, context: tuple[str, ...], loaded: "config.Config") -> Any:
    """A plain run, or (with --context) the changed files judged within the repository; with
    `--context git`, git says what changed, deletions and renames included."""
    if not context:
        return run(targets, options)
    from .precommit import lint_changes, read_change, repository_files

    repository: list[str] = []
    change = None
    for item in context:
        if item == "git":
            configured = config.context_paths(loaded)
            repository += configured or repository_files(".")
            change = read_change(".", configured)
        else:
            repository.append(item)
    # pre-commit passes no name when a commit changes no file the hook selects (it only deletes, or
    # touches no manifest): then "." (the default PATHS) is not a file to report on
    passed = [] if change is not None and targets == ["."] else targets
    return lint_changes(passed, repository, options, change)


def _resolve_format(name: str) -> str:
    if name != "auto":
        return name
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _files(result: Any) -> str:
    """--show-files: each file read, then each kustomization root and whether it was built."""
    lines = sorted(set(result.paths))
    for build in result.builds:
        lines.append(f"kustomization {build.root}: " + ("built" if build.built else f"failed: {build.error}"))
    lines += [f"not built by any kustomization: {path}" for path in result.unbuilt]
    lines += [f"excluded by the configuration's exclude: {path}" for path in result.excluded]
    lines += [f"skipped, not a manifest (does not parse, names no apiVersion or kind): {path}"
              for path in result.skipped]
    return "\n".join(lines) + "\n" if lines else ""


def _step_summary(result: Any) -> None:
    """Under GitHub Actions, append a Markdown summary to the job's page."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    from ..reporters.summary import markdown

    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(markdown(result))
    except OSError as exc:
        click.echo(f"kportlint: warning: cannot write the step summary to {target}: {exc.strerror}", err=True)
