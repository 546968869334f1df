#!/usr/bin/env python3
"""Time the YAML parsers kportlint could use, on the same files a run reads.

    python benchmarks/parsers.py [PATH] [--runs 3]

This is the measurement behind the README's design notes: libyaml's composer (PyYAML's
CSafeLoader, composing nodes without constructing objects) against a full PyYAML load and
ruamel.yaml's composer and safe loader. Files that do not parse (Helm templates, broken YAML)
are left out of every timing, so each parser reads the same documents.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

import yaml
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from kportlint.input.discovery import discover  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"


def pyyaml_compose(text: str) -> int:
    return sum(1 for _ in yaml.compose_all(text, Loader=yaml.CSafeLoader))


def pyyaml_load(text: str) -> int:
    return sum(1 for _ in yaml.load_all(text, Loader=yaml.CSafeLoader))


_RUAMEL_C = YAML(typ="safe")  # the C parser from ruamel.yaml.clib when installed
_RUAMEL_PURE = YAML(typ="safe", pure=True)


def ruamel_compose(text: str) -> int:
    return sum(1 for _ in _RUAMEL_C.compose_all(text))


def ruamel_load(text: str) -> int:
    return sum(1 for _ in _RUAMEL_C.load_all(text))


def readable(paths: list[str]) -> list[str]:
    """The texts every parser can read, so that all of them do the same work."""
    texts = []
    for item in discover(paths):
        try:
            text = Path(item.path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        try:
            pyyaml_load(text)
            ruamel_load(text)
        except Exception:  # noqa: BLE001 - any parser's refusal leaves the file out
            continue
        texts.append(text)
    return texts


def timed(parse: Callable[[str], int], texts: list[str], runs: int, collect: bool) -> tuple[float, int]:
    times, docs = [], 0
    for _ in range(runs):
        gc.collect()
        if collect:
            gc.enable()
        else:
            gc.disable()
        start = time.perf_counter()
        docs = sum(parse(t) for t in texts)
        times.append(time.perf_counter() - start)
        gc.enable()
    return statistics.median(times), docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    texts = readable([args.path])
    print(f"{len(texts)} files that every parser reads, under {args.path}; median of {args.runs} runs")
    cases = [
        ("PyYAML libyaml compose (CSafeLoader), GC off", pyyaml_compose, False),
        ("PyYAML libyaml compose (CSafeLoader), GC on", pyyaml_compose, True),
        ("PyYAML full safe load (CSafeLoader)", pyyaml_load, True),
        ("ruamel.yaml compose (typ=safe, C parser)", ruamel_compose, True),
        ("ruamel.yaml safe load (typ=safe)", ruamel_load, True),
    ]
    for label, parse, collect in cases:
        seconds, docs = timed(parse, texts, args.runs, collect)
        print(f"  {label:<48} {seconds:6.2f} s  ({docs} documents)")


if __name__ == "__main__":
    main()
