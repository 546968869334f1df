"""The examples in rules/*.yaml are documentation, so they must stay true: every bad example fires
its rule (exactly at its `# expect:` lines when it has any) and every good example stays quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

from kportlint.catalog import load_catalog


def _examples():
    for rule in load_catalog().values():
        for kind in ("bad", "good"):
            for number, example in enumerate(getattr(rule, kind), start=1):
                yield pytest.param(rule.id, kind, example.manifest, example.options, example.file,
                                   id=f"{rule.id}/{kind}/{number}")


@pytest.mark.parametrize(("rule", "kind", "manifest", "settings", "file"), list(_examples()))
def test_example(rule: str, kind: str, manifest: str, settings, file: str, tmp_path: Path, markers) -> None:
    (tmp_path / file).write_bytes(manifest.encode("utf-8"))
    expected = markers.read({file: manifest})
    if kind == "good":
        assert not expected, "a good example holds no `# expect` marker"
    elif not any(e.rule == rule for e in expected):
        assert markers.lint(tmp_path, {rule}, settings), f"the bad example does not trigger {rule}"
        return
    markers.verify(tmp_path, rule, expected, settings)
