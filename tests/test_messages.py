"""One full message per rule, kept in tests/golden/messages.txt, so that a change of wording shows in
review as a diff of whole sentences, not only as the substrings the fixture markers check.

Each rule's message is its first finding in its first bad fixture case. After a deliberate change:

    KPORTLINT_UPDATE_GOLDEN=1 python -m pytest tests/test_messages.py

The message contract itself (subject first, full sentences, one closing "Did you mean X?") is checked
on every finding of every fixture by tests/conftest.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from kportlint.catalog import load_catalog
from test_fixtures import FIXTURES, materialize

GOLDEN = Path(__file__).parent / "golden" / "messages.txt"


def _first_message(rule: str, markers, tmp_path: Path) -> str:
    case = sorted(p for p in (FIXTURES / rule / "bad").iterdir() if p.is_dir())[0]
    root = tmp_path / rule
    materialize(case, root)
    options = case / ".kportlint.yaml"
    settings = yaml.safe_load(options.read_text(encoding="utf-8")) if options.is_file() else None
    findings = sorted(markers.lint(root, {rule}, settings), key=lambda f: (f.file, f.line, f.column))
    assert findings, f"{case}: no {rule} finding"
    first = findings[0]
    where = os.path.relpath(os.path.realpath(first.file), os.path.realpath(root)).replace(os.sep, "/")
    message = first.message.replace(str(root.resolve()), "<case>").replace(str(root), "<case>")
    return f"## {rule} ({case.relative_to(FIXTURES).as_posix()}, {where}:{first.line})\n{message}\n"


def test_one_message_per_rule_matches_the_golden_file(markers, tmp_path: Path) -> None:
    text = "\n".join(_first_message(rule, markers, tmp_path) for rule in sorted(load_catalog()))
    if os.environ.get("KPORTLINT_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.read_text(encoding="utf-8") == text, (
        "a message changed: read the difference, and if it is meant, regenerate tests/golden/messages.txt "
        "with KPORTLINT_UPDATE_GOLDEN=1")
