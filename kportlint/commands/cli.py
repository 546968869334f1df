"""The command line: translates options into a run and picks a reporter.

Exit codes follow ruff: 0 nothing at or above --fail-on, 1 findings, 2 usage, configuration or
internal error (one line, never a traceback).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import sys
from pathlib import Path
from typing import Any, Callable, Optional

import click

from .. import __version__
from ..catalog import CatalogError, Rule, load_catalog
from ..input.discovery import PathNotFound
from .. import config
from ..config import ConfigError, parse_size
from ..engine import OptionError, RunOptions, SelectionError, run
from ..input.loader import DEFAULT_MAX_FILE_SIZE
from ..model import SEVERITIES
from ..reporters import renderers
from ..reporters import statistics as counted

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _fail(message: str) -> None:
    click.echo(f"kportlint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn every expected failure into a one-line message and exit 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PathNotFound as exc:
            _fail(f"no such file or directory: {exc.path}")
        except (SelectionError, OptionError, ConfigError) as exc:
            _fail(str(exc))
        except CatalogError as exc:
            _fail(f"the rule catalog is broken: {exc}")
        except RecursionError:
            _fail("internal error: input nested too deeply (please report this with the file)")
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt, BrokenPipeError):
            raise
        except Exception as exc:  # noqa: BLE001 - the promise is: no traceback, ever
            _fail(f"internal error: {exc.__class__.__name__}: {exc} (please report this at the project's "
                  f"issue tracker, with the input if you can)")

    return wrapper


def _wants_color(choice: str = "auto") -> bool:
    """--color always or never decides. With auto: NO_COLOR (any value) turns colour off, then
    FORCE_COLOR turns it on anywhere, and otherwise stdout must be a terminal that is not TERM=dumb
    (no-color.org, force-color.org)."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


class ByteSize(click.ParamType):
    """A size in bytes, with an optional unit (see config.parse_size)."""

    name = "SIZE"

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> int:
        try:
            return parse_size(value)
        except ConfigError as exc:
            self.fail(str(exc), param, ctx)


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part for value in values for part in value.split(","))


def _version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """--version: kportlint's, and the kustomize it builds with (read from package metadata and
    PATH, never by running it)."""
    if not value or ctx.resilient_parsing:
        return
    from ..input.kustomize import describe

    click.echo(f"kportlint {__version__}\nkustomize: {describe()}")
    ctx.exit()


class _Commands(click.Group):
    """Click's group, with every usage error on one line of stderr in kportlint's form (Click prints
    four), and a closed pipe (`kportlint lint | head`) ending the run quietly."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs["standalone_mode"] = False
        try:
            status = super().main(*args, **kwargs)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx is not None else "kportlint"
            _fail(f"{exc.format_message().rstrip('.')} (see `{command} --help`)")
        except click.Abort:
            click.echo("kportlint: aborted", err=True)
            sys.exit(EXIT_ERROR)
        except click.ClickException as exc:
            _fail(exc.format_message())
        except BrokenPipeError:
            # The reader left: nothing more can be said. Point stdout at devnull so that Python's
            # flush at exit does not complain, and end as Python's documentation advises.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(EXIT_FINDINGS)
        sys.exit(status if isinstance(status, int) else EXIT_CLEAN)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_version,
              help="Show the version (and the kustomize in use) and exit.")
def main() -> None:
    """kportlint: find Services whose traffic never reaches a pod, before you deploy."""


_FORMATS = ("auto", "text", "json", "github", "sarif", "junit")


@main.command()
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
                   "monitoring, schema), comma-separated; ALL for every rule.")
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
@click.option("--schema", is_flag=True, help="Also check every object against the Kubernetes schema.")
@click.option("--kubernetes-version", metavar="X.Y",
              help="Check every object against the schema of this Kubernetes version (implies --schema; "
                   "default: the newest bundled).")
@click.option("--kustomize", "kustomize_program", metavar="PROGRAM",
              help="The kustomize or kubectl program that builds kustomizations (default: the bundled kubectl, "
                   "else kustomize or kubectl on PATH).")
@click.option("--no-kustomize", is_flag=True, help="Do not build kustomizations; lint their files as plain manifests.")
@click.option("--kustomize-timeout", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
              help="Seconds one kustomize build may take (default: 60).")
@click.option("--max-file-size", type=ByteSize(), default=DEFAULT_MAX_FILE_SIZE, show_default="32MiB",
              help="Skip larger files with a file-too-large finding (0: no limit).")
@click.option("--color", "color_choice", type=click.Choice(("auto", "always", "never")), default="auto",
              show_default=True, help="Colour the text report; auto: on a terminal, unless NO_COLOR or TERM=dumb "
                                      "(FORCE_COLOR forces it).")
@click.option("--force-exclude", is_flag=True,
              help="Leave out paths named on the command line that exclude covers, without a note (pre-commit).")
@click.option("--show-unused-suppressions", is_flag=True, help="Report kportlint directives that silence nothing.")
@click.option("--show-files", is_flag=True,
              help="List the files read and the kustomizations built or failed, instead of the findings.")
@click.option("--statistics", is_flag=True, help="Show the number of findings per rule instead of the findings.")
@click.option("--quiet", "-q", is_flag=True, help="Print the findings and nothing else.")
@click.option("--context", "context", multiple=True, metavar="PATH",
              help="Read these too, to resolve references, but report only on PATHS (pre-commit).")
@_guarded
def lint(paths: tuple[str, ...], output_format: str, output_file: Optional[str], config_file: Optional[str],
         select: tuple[str, ...], ignore: tuple[str, ...], extend_select: tuple[str, ...],
         extend_ignore: tuple[str, ...], fail_on: str, exit_zero: bool, namespace: str,
         schema: bool, kubernetes_version: Optional[str], kustomize_program: Optional[str], no_kustomize: bool,
         kustomize_timeout: Optional[float], max_file_size: int, show_unused_suppressions: bool,
         show_files: bool, statistics: bool, quiet: bool, context: tuple[str, ...], force_exclude: bool,
         color_choice: str) -> None:
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
                 "kubernetes_version": kubernetes_version, "max_file_size": max_file_size,
                 "show_unused_suppressions": show_unused_suppressions, "force_exclude": force_exclude}
    options = dataclasses.replace(options, **{field: value for field, value in overrides.items()
                                              if field in given or field.replace("_", "-") in given})
    if "kubernetes_version" in given:  # naming a version asks for its schemas, as the Action's input does
        options = dataclasses.replace(options, schema=True)
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
        _fail(f"--statistics prints text or JSON; --format {output_format} has no statistics")
    result = _run(targets, options, context, loaded)
    for note in result.notes:
        click.echo(note, err=True)
    terminal = _resolve_format("auto" if output_file else output_format)
    color = terminal == "text" and _wants_color(color_choice)
    if output_file:
        chosen = _resolve_format(output_format)
        report = counted.render(result, chosen) if statistics else reporters[chosen](result, False)
        try:
            Path(output_file).write_text(report, encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot write the report to {output_file}: {exc.strerror or exc}")
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


@main.command()
@click.argument("paths", nargs=-1, type=str)
@click.option("--service", "only", metavar="[NAMESPACE/]NAME", help="Show only this Service.")
@click.option("--namespace", default="default", show_default=True,
              help="Namespace of objects that do not set metadata.namespace.")
@_guarded
def routes(paths: tuple[str, ...], only: Optional[str], namespace: str) -> None:
    """Show the route a request to each Service takes: selector, workloads, and per port the
    container port that serves it."""
    from ..engine import analyse
    from .routes import describe_routes

    targets = list(paths) or ["."]
    found = config.find(targets)
    loaded = config.read(found) if found is not None else config.Config(None)
    options = config.apply(RunOptions(), loaded.settings, loaded.base)  # as lint reads them
    if click.get_current_context().get_parameter_source("namespace") == click.core.ParameterSource.COMMANDLINE:
        options = dataclasses.replace(options, namespace=namespace)
    analysis = analyse(targets, options, check=False)
    for note in analysis.result.notes:
        click.echo(note, err=True)
    click.echo(describe_routes(analysis.index, only), nl=False)


@main.command()
@click.argument("rule_id", required=False)
@_guarded
def rules(rule_id: Optional[str]) -> None:
    """List the rules, or show the documentation of one."""
    catalog = load_catalog()
    if rule_id is None:
        width = max(len(r) for r in catalog)
        group = max(len(r.category) for r in catalog.values())
        for rule in catalog.values():
            click.echo(f"{rule.id:<{width}}  {rule.severity:<7}  {rule.category:<{group}}  {rule.title}"
                       f"{' (opt-in)' if rule.opt_in else ''}")
        return
    aliased = [r for r in catalog.values() if rule_id in r.aliases]
    if rule_id not in catalog and len(aliased) > 1:  # a rule split in several keeps its id as their alias
        width = max(len(r.id) for r in aliased)
        click.echo(f"{rule_id} is an alias of {len(aliased)} rules; it selects, ignores and silences all of "
                   f"them.\n`kportlint rules <rule>` shows each:\n"
                   + "".join(f"  {r.id:<{width}}  {r.severity:<7}  {r.title}\n" for r in aliased), nl=False)
        return
    rule = catalog.get(rule_id) or next(iter(aliased), None)
    if rule is None:
        _fail(f"unknown rule '{rule_id}'; `kportlint rules` lists them")
    click.echo(rule_doc(rule), nl=False)


# The test markers in the examples (`# expect: rule "text"`) read as a plain pointer in the docs.
_MARKER = re.compile(r'# expect: (?P<rule>[a-z0-9-]+)(?: "[^"]*")*')


def _flags(options: Optional[dict[str, Any]]) -> str:
    """An example's run options as the command-line flags that give them."""
    flags = [f"--{key}" if value is True else
             f"--{key} {','.join(value) if isinstance(value, list) else value}"
             for key, value in (options or {}).items() if value is not False]
    return f" (with `{' '.join(flags)}`)" if flags else ""


def rule_doc(rule: Rule) -> str:
    """A rule's documentation in ruff's sections, from its metadata."""
    status = ", opt-in" if rule.opt_in else ""
    parts = [f"# {rule.id} ({rule.severity}, {rule.category}{status})", "", rule.title, "",
             "## What it does", rule.description, "", "## Why is this bad?", rule.rationale, "",
             "## How to fix it", rule.remediation, ""]
    for heading, examples in (("## Example", rule.bad), ("## Use instead", rule.good)):
        parts.append(heading)
        for example in examples:
            manifest = _MARKER.sub(r"# <- \g<rule>", example.manifest.rstrip("\n"))
            named = f" (`{example.file}`)" if example.file != "example.yaml" else ""
            parts += [example.description + named + _flags(example.options) + ":", "```yaml", manifest, "```"]
        parts.append("")
    return "\n".join(parts)
