"""The number of worker processes never changes a report: --jobs 1 (one process) and --jobs 2 give
byte-identical JSON on every fixture together and on ../shared/corpus (skipped without it), through
the real console script. The parts a worker sends back assemble into the same Parsed file as parsing
here does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kportlint.input.documents import parse
from kportlint.input.parallel import parse_many
from kportlint.model import SourceFile

SCRIPT = Path(sys.executable).parent / "kportlint"
FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _report(jobs: int, *args: str, cwd: Path) -> bytes:
    done = subprocess.run([str(SCRIPT), "lint", "--format", "json", "--jobs", str(jobs), *args],
                          capture_output=True, cwd=cwd)
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.stdout


def test_every_fixture_gives_the_same_report_with_one_and_two_workers():
    one = _report(1, "--no-kustomize", ".", cwd=FIXTURES)
    assert b'"findings": [' in one and len(one) > 10_000
    assert _report(2, "--no-kustomize", ".", cwd=FIXTURES) == one


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")
def test_the_corpus_gives_the_same_report_with_one_and_two_workers():
    one = _report(1, "--no-kustomize", ".", cwd=CORPUS)
    assert _report(2, "--no-kustomize", ".", cwd=CORPUS) == one


def test_worker_parts_assemble_into_what_parsing_here_gives():
    texts = {
        "ok.yaml": "a: 1\n---\nb: [1, 2]\n",
        "broken.yaml": "a: 1\n---\nb: [\n---\nc: {d: e}\n",  # read again document by document
        "dup.yaml": "a: 1\na: 2\n",
    }
    def sources() -> list[SourceFile]:
        return [SourceFile(name, text, name) for name, text in texts.items()]

    here = [parse(source) for source in sources()]
    there = parse_many(sources(), jobs=2)
    for mine, theirs in zip(here, there):
        assert (mine.docs, mine.doc_chunks, mine.doc_spans, mine.errors, mine.notes) == \
               (theirs.docs, theirs.doc_chunks, theirs.doc_spans, theirs.errors, theirs.notes)
        assert [(c.text, c.line_offset) for c in mine.chunks] == [(c.text, c.line_offset) for c in theirs.chunks]
        assert mine.source.locate(len(mine.docs) - 1, "") == theirs.source.locate(len(theirs.docs) - 1, "")
    assert there[1].errors and len(there[1].chunks) == 3


def test_jobs_is_a_configuration_key(tmp_path: Path):
    (tmp_path / "app.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", encoding="utf-8")
    (tmp_path / ".kportlint.yaml").write_text("jobs: -1\n", encoding="utf-8")
    done = subprocess.run([str(SCRIPT), "lint", "."], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2 and "jobs" in done.stderr
    (tmp_path / ".kportlint.yaml").write_text("jobs: 2\n", encoding="utf-8")
    done = subprocess.run([str(SCRIPT), "lint", "."], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
