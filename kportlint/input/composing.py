"""YAML text -> node trees, with libyaml (PyYAML's C composer) when it is there.

Documents are only composed, never constructed, so tags are never executed; a document that does not
parse raises YAMLSyntaxError with a message a person can act on. Turning the nodes into data is
conversion's job, finding a field's position is positions'. See the README's design notes for the
measurements behind this choice.
"""

from __future__ import annotations

from typing import Iterator

import yaml
from yaml.nodes import Node

from .scalars import GoYamlResolver

try:  # libyaml is bundled with PyYAML's wheels; the pure-Python parser is the fallback.
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner
    from yaml.composer import Composer

    class _Parser(Reader, Scanner, _PyParser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _PyParser.__init__(self)
            Composer.__init__(self)


class _Loader(_Parser, GoYamlResolver):  # composes only: nothing is ever constructed
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        GoYamlResolver.__init__(self)


class YAMLSyntaxError(Exception):
    """A document that does not parse: message and 0-based line/column of the parser's mark."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def compose_all(text: str, line_offset: int = 0) -> Iterator[Node]:
    """Yield the node tree of each document; raises YAMLSyntaxError at the first broken one.

    `line_offset` is where `text` starts in its file, for line numbers quoted in messages.
    """
    loader = _Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                yield node
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or str(exc)
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and "end of stream" in problem:
            mark = exc.context_mark  # an unclosed quote or bracket: point where it opens
        if exc.context and exc.context not in problem:
            context = exc.context
            if exc.context_mark is not None and mark is not None and exc.context_mark.line != mark.line:
                context = f"{context} that starts on line {exc.context_mark.line + line_offset + 1}"
            problem = f"{problem} ({context})"
        if mark is not None and mark.index >= len(text.rstrip()) and "end of stream" not in problem:
            problem = f"{problem}; the text ends before the document is complete"
        raise YAMLSyntaxError(problem, mark.line if mark else 0, mark.column if mark else 0) from None
    except yaml.YAMLError as exc:  # e.g. reader errors on control characters
        mark = getattr(exc, "mark", None) or getattr(exc, "problem_mark", None)
        raise YAMLSyntaxError(str(exc).splitlines()[0], getattr(mark, "line", 0),
                              getattr(mark, "column", 0)) from None
    finally:
        loader.dispose()
