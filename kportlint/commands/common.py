"""What every command shares: exit codes, the one-line error, and the guard that turns every
expected failure (and any unexpected one) into that line, never a traceback."""

from __future__ import annotations

import functools
import os
import sys
from typing import Any, Callable

import click


EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def fail(message: str) -> None:
    click.echo(f"kportlint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn every expected failure into a one-line message and exit 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        # Imported here, where a command runs, so that the CLI starts without them.
        from ..catalog import CatalogError
        from ..config import ConfigError
        from ..engine import OptionError, SelectionError
        from ..input.discovery import PathNotFound
        from ..options import OptionValueError

        try:
            return command(*args, **kwargs)
        except PathNotFound as exc:
            fail(f"no such file or directory: {exc.path}")
        except (SelectionError, OptionError, OptionValueError, ConfigError) as exc:
            fail(str(exc))
        except CatalogError as exc:
            fail(f"the rule catalog is broken: {exc}")
        except RecursionError:
            fail("internal error: input nested too deeply (please report this with the file)")
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt, BrokenPipeError):
            raise
        except Exception as exc:  # noqa: BLE001 - the promise is: no traceback, ever
            fail(f"internal error: {exc.__class__.__name__}: {exc} (please report this at the project's "
                  f"issue tracker, with the input if you can)")

    return wrapper


def wants_color(choice: str = "auto") -> bool:
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
