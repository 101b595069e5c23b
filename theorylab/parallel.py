"""Map a function over tasks: serially or on local spawned processes.

Numba's default threading layer here (OpenMP) is not fork-safe, so workers are *spawned*.
The first task always runs in the parent: it compiles the kernels, whose on-disk cache
(``cache=True``) the workers then only read, instead of all compiling at once.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from typing import Any, Callable, Iterator, Sequence


def default_workers() -> int:
    """``$THEORYLAB_WORKERS`` or the number of cores."""
    value = os.environ.get("THEORYLAB_WORKERS")
    return max(1, int(value)) if value else max(1, os.cpu_count() or 1)


def process_pool(workers: int) -> Executor:
    """A pool of ``workers`` spawned processes."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def imap(fn: Callable[..., Any], tasks: Sequence[tuple], *, pool: Executor | None = None) -> Iterator[tuple[int, Any]]:
    """Yield ``(index, fn(*tasks[index]))`` as results complete.

    With ``pool=None`` (or a single task) everything runs in this process, in order.
    """
    if not tasks:
        return
    yield 0, fn(*tasks[0])
    if pool is None or len(tasks) == 1:
        for index in range(1, len(tasks)):
            yield index, fn(*tasks[index])
        return
    futures = {pool.submit(fn, *task): index for index, task in enumerate(tasks) if index > 0}
    for future in as_completed(futures):
        yield futures[future], future.result()
