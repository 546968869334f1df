"""Shared by the rule tests: `# expect:` markers, and a lint run checked against them.

A marker is a YAML comment on the line where a finding must point:

    selector:  # expect: dangling-service "namespace shop"

Quoted text after the rule id is optional; each piece must appear in that finding's message.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest

from kportlint import config
from kportlint.catalog import load_catalog
from kportlint.engine import run
from kportlint.options import RunOptions
from kportlint.model import Finding

EXPECT = re.compile(r'#\s*expect:\s*(?P<rule>[a-z0-9-]+)(?P<texts>(?:\s+"[^"]*")*)')


@dataclass(frozen=True)
class Expectation:
    file: str  # relative to the linted folder, with / separators
    line: int
    rule: str
    texts: tuple[str, ...] = ()


class Markers:
    @staticmethod
    def read(sources: dict[str, str]) -> list[Expectation]:
        """The markers in {relative path: text}. Lines are counted as YAML counts them, by \\n."""
        found = []
        for file, text in sorted(sources.items()):
            for number, line in enumerate(text.split("\n"), start=1):
                for match in EXPECT.finditer(line):
                    texts = tuple(re.findall(r'"([^"]*)"', match["texts"]))
                    found.append(Expectation(file, number, match["rule"], texts))
        return found

    @staticmethod
    def lint(root: Path, rules: set[str], settings: Optional[dict] = None) -> list[Finding]:
        """Lint `root` as one run of `rules` (opt-in ones too), with `settings` (configuration keys)
        over the defaults, relative paths read from `root` as from a configuration file there; the
        findings, sanity-checked."""
        options = config.apply(RunOptions(select=tuple(sorted(rules))), settings or {}, str(root))
        findings = [f for f in run([str(root)], options).findings if f.rule in rules]
        for finding in findings:
            assert finding.column >= 1, finding
            assert not contract_breach(finding), f"{contract_breach(finding)}: {finding.message}"
        return findings

    @classmethod
    def verify(cls, root: Path, rule: str, expected: list[Expectation], settings: Optional[dict] = None) -> None:
        """The findings of `rule`, and of every rule a marker names, point exactly at the markers."""
        rules = {rule} | {e.rule for e in expected}
        unknown = rules - set(load_catalog())
        assert not unknown, f"a marker names an unknown rule: {sorted(unknown)}"
        messages: dict[tuple[str, int, str], list[str]] = {}
        for finding in cls.lint(root, rules, settings):
            where = (_relative(finding.file, root), finding.line, finding.rule)
            messages.setdefault(where, []).append(finding.message)
        wanted = {(e.file, e.line, e.rule) for e in expected}
        missing = sorted(wanted - set(messages))
        extra = {where: text for where, text in messages.items() if where not in wanted}
        assert not missing and not extra, f"missing findings: {missing}\nunexpected findings: {extra}"
        for e in expected:
            said = " / ".join(messages[(e.file, e.line, e.rule)])
            for text in e.texts:
                assert text in said, f"{e.file}:{e.line}: {text!r} is not in the message: {said}"


_DID_YOU_MEAN = re.compile(r" Did you mean [^?]+\?$")


def contract_breach(finding: Finding) -> str:
    """How a message breaks the contract in kportlint/wording.py, or "": it begins with its subject
    (an object as written, a file, a capital letter), ends a sentence, and holds at most one
    "Did you mean", in one form, last."""
    message = finding.message
    if not message.strip():
        return "the message is empty"
    if not (message[:1].isupper() or message[:1] in "/.<'\"`" or (finding.kind and message.startswith(finding.kind))):
        return "the message does not begin with its subject or a capital letter"
    if message[-1] not in ".?":
        return "the message does not end a sentence"
    hints = message.count("Did you mean") + message.count("did you mean")
    if hints > 1 or (hints == 1 and not _DID_YOU_MEAN.search(message)):
        return "a hint is not the one closing \"Did you mean X?\""
    return ""


def _relative(path: str, root: Path) -> str:
    return Path(os.path.relpath(os.path.realpath(path), os.path.realpath(root))).as_posix()


@pytest.fixture
def markers() -> type[Markers]:
    return Markers
