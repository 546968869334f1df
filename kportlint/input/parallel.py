"""Parsing many files on every core: the texts go to worker processes in batches, the parts come back
(documents as plain data, spans, findings; never YAML node trees), and each file is assembled here
with its Locator. Small inputs stay in this process, where a worker's start would cost more than it
saves. The result is the same, in the same order, whatever the number of workers."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Optional

from .documents import Parsed, Parts, assemble, parse, parse_text
from ..model import SourceFile

# Below this much text (about 1,000 small documents, 0.1 s of parsing) one process is faster.
MIN_PARALLEL_CHARS = 1 << 20
_BATCHES_PER_WORKER = 4  # small enough batches that the workers finish together


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the platform tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def parse_many(sources: list[SourceFile], jobs: int = 0) -> list[Parsed]:
    """parse() of each source, in order, in `jobs` worker processes; 0: one per available core, and
    only when the input is large enough to gain from them."""
    total = sum(len(source.text) for source in sources)
    if jobs == 0:
        jobs = available_cores() if total >= MIN_PARALLEL_CHARS else 1
    if jobs <= 1 or len(sources) < 2:
        return [parse(source) for source in sources]
    parts = _in_workers(sources, min(jobs, len(sources)), total)
    if parts is None:  # no worker could start (a sandbox without semaphores): parse here
        return [parse(source) for source in sources]
    return [assemble(source, found) for source, found in zip(sources, parts)]


def _in_workers(sources: list[SourceFile], jobs: int, total: int) -> Optional[list[Parts]]:
    batches = _batches(sources, max(1, total // (jobs * _BATCHES_PER_WORKER)))
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=gc.disable) as pool:
            return [found for batch in pool.map(_parse_batch, batches) for found in batch]
    except (BrokenProcessPool, OSError, PermissionError, ImportError):
        return None


def _batches(sources: list[SourceFile], size: int) -> list[list[tuple[str, str]]]:
    """Consecutive files, about `size` characters a batch."""
    batches: list[list[tuple[str, str]]] = [[]]
    filled = 0
    for source in sources:
        if filled >= size and batches[-1]:
            batches.append([])
            filled = 0
        batches[-1].append((source.path, source.text))
        filled += len(source.text)
    return batches


def _parse_batch(batch: list[tuple[str, str]]) -> list[Parts]:
    return [parse_text(path, text) for path, text in batch]


def _context() -> multiprocessing.context.BaseContext:
    # fork starts a worker in milliseconds with every module already imported; elsewhere (macOS,
    # Windows) spawn is the safe default.
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")
