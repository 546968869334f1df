"""Every folder tests/fixtures/<rule-id>/{bad,good}/<case>/ is one case, linted as one run.

- bad: the findings of <rule-id> point exactly at the `# expect: <rule-id>` markers (conftest.py);
  a missing finding and an extra one both fail. Findings of other rules count only where marked.
- good: no finding of <rule-id>, and no marker.

Files that cannot hold readable text (file-unreadable) are stored as UTF-8 text and encoded when the
test runs: `name.yaml.<codec>.txt` is written as `name.yaml` in Python's codec <codec> (utf-16-le
gives NUL bytes, latin-1 invalid UTF-8, utf-16 a byte order mark). Its markers count for `name.yaml`.

A case may hold run options in `.kportlint.yaml`, with the configuration file's keys (the file is
hidden, so it is not linted itself).

KNOWN_BUGS lists the cases kportlint gets wrong today as strict xfails: fixing the bug turns them
into failures until the entry is removed.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

FIXTURES = Path(__file__).parent / "fixtures"
ENCODED = re.compile(r"^(?P<name>.+)\.(?P<codec>[\w-]+)\.txt$")

KNOWN_BUGS: dict[str, str] = {}


def materialize(case: Path, dest: Path) -> dict[str, str]:
    """Copy `case` to `dest`, encoding `*.<codec>.txt` files; returns each file's marker text."""
    sources = {}
    for source in sorted(p for p in case.rglob("*") if p.is_file()):
        text = source.read_text(encoding="utf-8")
        encoded = ENCODED.match(source.name)
        relative = source.relative_to(case)
        target = dest / (relative.with_name(encoded["name"]) if encoded else relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        if encoded:
            target.write_bytes(text.encode(encoded["codec"]))
        else:
            shutil.copyfile(source, target)
        sources[target.relative_to(dest).as_posix()] = text
    return sources


def _cases():
    for case in sorted(p for p in FIXTURES.glob("*/*/*") if p.is_dir()):
        case_id = case.relative_to(FIXTURES).as_posix()
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[case_id])] if case_id in KNOWN_BUGS else []
        yield pytest.param(case, id=case_id, marks=marks)


def test_known_bugs_name_existing_cases():
    assert set(KNOWN_BUGS) <= {p.id for p in _cases()}


@pytest.mark.parametrize("case", list(_cases()))
def test_fixture(case: Path, tmp_path: Path, markers) -> None:
    rule, kind = case.parent.parent.name, case.parent.name
    sources = materialize(case, tmp_path)
    expected = markers.read(sources)
    if kind == "bad":
        assert any(e.rule == rule for e in expected), f"a bad case needs an `# expect: {rule}` marker"
    else:
        assert kind == "good", f"cases live in bad/ or good/, not {kind}/"
        assert not expected, "a good case holds no `# expect` marker"
    options = case / ".kportlint.yaml"
    settings = yaml.safe_load(options.read_text(encoding="utf-8")) if options.is_file() else None
    markers.verify(tmp_path, rule, expected, settings)
