"""The command line: the `kportlint` group and its commands (lint, routes, rules).

Exit codes follow ruff: 0 nothing at or above --fail-on, 1 findings, 2 usage, configuration or
internal error (one line, never a traceback).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, Optional

import click

from .. import __version__
from .common import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, fail

# Each command's module is imported when that command runs (or --help lists it), so `--version`
# and a usage error start without the engine, the checks and jsonschema.
_COMMANDS = {"lint": "lint", "routes": "routes", "rules": "rules"}


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

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> Optional[click.Command]:
        if name not in _COMMANDS:
            return None
        module = importlib.import_module(f"{__package__}.{name}")
        command = getattr(module, _COMMANDS[name])
        return command if isinstance(command, click.Command) else None

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs["standalone_mode"] = False
        try:
            status = super().main(*args, **kwargs)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx is not None else "kportlint"
            fail(f"{exc.format_message().rstrip('.')} (see `{command} --help`)")
        except click.Abort:
            click.echo("kportlint: aborted", err=True)
            sys.exit(EXIT_ERROR)
        except click.ClickException as exc:
            fail(exc.format_message())
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
