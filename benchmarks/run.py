#!/usr/bin/env python3
"""Time whole `kportlint lint --format json` runs, each in a fresh process, and print min/median.

    python benchmarks/run.py                      # ../shared/corpus, when the checkout has it
    python benchmarks/run.py PATH --runs 10       # any folder or file
    python benchmarks/run.py --synthetic          # 20,000 generated documents (see generate.py)
    python benchmarks/run.py --hostile            # 30,000 documents in a file, a 20 MB string, an
                                                  # alias bomb, 5,000 levels of nesting

A benchmark, not a test: it asserts nothing, it measures. Exit code 1 or 0 from kportlint both
count as a run; anything else (2: a usage or internal error) stops the benchmark.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"


def default_executable() -> str:
    """The console script installed beside this interpreter (the venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / "kportlint"
    if beside.exists():
        return str(beside)
    found = shutil.which("kportlint")
    if found is None:
        sys.exit("benchmarks/run.py: no kportlint console script found; pip install -e . first")
    return found


def time_runs(command: list[str], runs: int) -> tuple[list[float], dict]:
    times: list[float] = []
    summary: dict = {}
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            sys.exit(f"benchmarks/run.py: {' '.join(command)} exited {done.returncode}:\n"
                     f"{done.stderr.decode(errors='replace')}")
        summary = json.loads(done.stdout)["summary"]
    return times, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", help=f"what to lint (default: {DEFAULT_CORPUS})")
    parser.add_argument("--runs", type=int, default=5, help="number of timed runs (default: 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first, to warm the file cache")
    parser.add_argument("--synthetic", action="store_true",
                        help="lint a generated 20,000-document file set instead (see generate.py)")
    parser.add_argument("--documents", type=int, default=20_000, help="size of the --synthetic set")
    parser.add_argument("--hostile", action="store_true",
                        help="lint the generated hostile inputs instead (see generate.hostile)")
    parser.add_argument("--kportlint", default=None, help="the console script to time")
    parser.add_argument("--no-schema", action="store_true",
                        help="time runs with --no-schema (schema checking is on by default)")
    args = parser.parse_args()

    executable = args.kportlint or default_executable()
    scratch = None
    if args.synthetic or args.hostile:
        from generate import generate, hostile  # benchmarks/ is on sys.path when this script runs

        scratch = tempfile.mkdtemp(prefix="kportlint-bench-")
        if args.hostile:
            hostile(Path(scratch))
        else:
            generate(Path(scratch), args.documents)
        target = scratch
    else:
        target = args.path or str(DEFAULT_CORPUS)
        if not Path(target).exists():
            sys.exit(f"benchmarks/run.py: {target} does not exist; give a path or use --synthetic")
    try:
        command = [executable, "lint", "--format", "json", *(["--no-schema"] if args.no_schema else []), target]
        time_runs(command, args.warmup) if args.warmup > 0 else None
        times, summary = time_runs(command, args.runs)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)

    label = target if scratch is None else "<hostile>" if args.hostile else "<synthetic>"
    print(f"kportlint lint --format json {'--no-schema ' if args.no_schema else ''}{label}")
    print(f"  {summary.get('files')} files, {summary.get('documents')} documents, "
          f"{summary.get('objects')} objects, {summary.get('findings')} findings")
    print(f"  {args.runs} runs: min {min(times):.2f} s, median {statistics.median(times):.2f} s, "
          f"max {max(times):.2f} s (wall, including interpreter start-up)")


if __name__ == "__main__":
    main()
