#!/usr/bin/env python3
"""The speed report: every figure the performance targets name, measured in one run.

    python benchmarks/report.py                    # 20,000 generated documents, 3 runs of each
    python benchmarks/report.py --runs 5 --documents 20000 --kportlint PATH

It prints, as the median wall time of whole processes (interpreter start-up included):
- the floor: PyYAML's C loader merely loading the same files, in one process;
- `kportlint lint` as it runs by default (schemas on, workers on), with `--no-schema`, and with
  `--jobs 1`, each against the floor;
- the same lint on 5 times the documents: the growth in time, and the peak memory of the largest
  process;
- a pre-commit run (the hook's entry, one changed file staged) in a generated git repository,
  against a full lint of that repository;
- start-up: `kportlint --version`, and a lint of one small file;
- the number of worker processes a default run starts; and, when checkov or yamllint is on PATH,
  the same set through them.

A benchmark, not a test: it asserts nothing. Quote medians from an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402
from run import default_executable  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from kportlint.input.parallel import available_cores  # noqa: E402

FLOOR = """
import sys
from pathlib import Path
import yaml
for path in sorted(Path(sys.argv[1]).rglob("*")):
    if path.suffix in (".yaml", ".yml", ".json") and path.is_file():
        for _ in yaml.load_all(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader):
            pass
"""


def timed(command: list[str], cwd: Optional[Path] = None) -> tuple[float, int]:
    """(wall seconds, peak resident KiB of the process, or of the largest it waited for)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode not in (0, 1):
        sys.exit(f"benchmarks/report.py: {' '.join(command)} exited {process.returncode}:\n{stderr}")
    return wall, usage.ru_maxrss


def median(command: list[str], runs: int, cwd: Optional[Path] = None) -> tuple[float, int]:
    timed(command, cwd)  # warm the file cache
    results = [timed(command, cwd) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
                        "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"})


def precommit_repository(folder: Path, documents: int) -> Path:
    """A git repository of the synthetic set, committed, with one Service file changed and staged."""
    generate(folder, documents)
    _git(folder, "init", "-q")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "manifests")
    changed = next(p for p in sorted(folder.rglob("*.yaml")) if "kind: Service" in p.read_text(encoding="utf-8"))
    changed.write_text(changed.read_text(encoding="utf-8").replace("port: 80", "port: 8080", 1), encoding="utf-8")
    _git(folder, "add", str(changed.relative_to(folder)))
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each command (default: 3)")
    parser.add_argument("--documents", type=int, default=20_000, help="size of the generated set")
    parser.add_argument("--kportlint", default=None, help="the console script to time")
    parser.add_argument("--skip-large", action="store_true", help="leave out the 5x run")
    args = parser.parse_args()
    kportlint = args.kportlint or default_executable()
    lint = [kportlint, "lint", "--format", "json"]
    rows: list[tuple[str, float, str]] = []
    scratch = Path(tempfile.mkdtemp(prefix="kportlint-report-"))
    try:
        base = scratch / "set"
        generate(base, args.documents)
        floor, _ = median([sys.executable, "-c", FLOOR, str(base)], args.runs)
        rows.append(("floor: PyYAML's C loader, one process", floor, "1.00"))
        for label, extra in (("kportlint lint (default)", []), ("kportlint lint --no-schema", ["--no-schema"]),
                             ("kportlint lint --jobs 1", ["--jobs", "1"])):
            wall, _ = median([*lint, *extra, str(base)], args.runs)
            rows.append((label, wall, f"{wall / floor:.2f}"))
        default = rows[1][1]
        if not args.skip_large:
            large = scratch / "large"
            generate(large, args.documents * 5)
            wall, peak = median([*lint, str(large)], args.runs)
            rows.append((f"kportlint lint, {args.documents * 5:,} documents", wall,
                         f"growth x{wall / default:.2f}, peak {peak / 1024:.0f} MiB"))
            shutil.rmtree(large, ignore_errors=True)
        repo = scratch / "repo"
        changed = precommit_repository(repo, args.documents)
        full, _ = median([kportlint, "lint", "--format", "json", "."], args.runs, cwd=repo)
        hook, _ = median([kportlint, "lint", "--format", "json", "--force-exclude", "--context", "git",
                          str(changed.relative_to(repo))], args.runs, cwd=repo)
        rows.append(("full lint of the git repository", full, ""))
        rows.append(("pre-commit run, one changed file", hook, f"x{hook / full:.2f} of the full lint"))
        version, _ = median([kportlint, "--version"], args.runs)
        rows.append(("kportlint --version", version, ""))
        one = next(p for p in sorted(base.rglob("*.yaml")))
        single, _ = median([*lint, str(one)], args.runs)
        rows.append(("kportlint lint, one file", single, ""))
        for tool, command in (("yamllint", ["yamllint", "-d", "relaxed", str(base)]),
                              ("checkov", ["checkov", "-d", str(base), "--framework", "kubernetes", "--quiet"])):
            if shutil.which(tool):
                wall, peak = median(command, 1)
                rows.append((f"{tool} on the same set", wall, f"peak {peak / 1024:.0f} MiB"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print(f"kportlint speed report: {args.documents:,} generated documents, median of {args.runs} runs, "
          f"{available_cores()} cores (a default run starts {available_cores()} parsing workers)")
    print()
    print("| run | median wall | note (against the floor) |")
    print("|---|---|---|")
    for label, wall, note in rows:
        print(f"| {label} | {wall:.2f} s | {note} |")


if __name__ == "__main__":
    main()
