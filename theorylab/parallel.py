"""Executors: map a function over tasks serially, on local spawned processes, or on Dask.

All three share one interface, :meth:`Executor.imap`, which yields ``(index, Outcome)`` as tasks
finish; an exception inside a task becomes a failed Outcome instead of stopping the others.

Numba's default threading layer here (OpenMP) is not fork-safe, so local workers are *spawned*
(Dask's nanny spawns too). The first task always runs in the calling process: it compiles the
kernels, whose on-disk cache (``cache=True``) the workers then only read.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

BACKENDS = ("serial", "processes", "dask")


@dataclass(frozen=True)
class Outcome:
    """What one task produced: a value, or the error it raised (with its traceback)."""

    value: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def call_safely(fn: Callable[..., Any], *args: Any) -> Outcome:
    """Run ``fn(*args)`` and capture any exception as text."""
    try:
        return Outcome(fn(*args))
    except Exception as exc:  # noqa: BLE001 -- recorded and reported per task
        return Outcome(error=f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=8)}")


def default_workers() -> int:
    """``$THEORYLAB_WORKERS`` or the number of cores."""
    value = os.environ.get("THEORYLAB_WORKERS")
    return max(1, int(value)) if value else max(1, os.cpu_count() or 1)


class Executor:
    """Serial execution; the base of the other backends."""

    name = "serial"

    def imap(self, fn: Callable[..., Any], tasks: Sequence[tuple]) -> Iterator[tuple[int, Outcome]]:
        """Yield ``(index, outcome of fn(*tasks[index]))``, the first task always in this process."""
        if not tasks:
            return
        yield 0, call_safely(fn, *tasks[0])
        yield from self._rest(fn, tasks)

    def _rest(self, fn, tasks) -> Iterator[tuple[int, Outcome]]:
        for index in range(1, len(tasks)):
            yield index, call_safely(fn, *tasks[index])

    def close(self) -> None:
        """Release workers (nothing to do serially)."""

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


class ProcessExecutor(Executor):
    """A lazily started pool of ``workers`` spawned local processes."""

    name = "processes"

    def __init__(self, workers: int | None = None):
        self.workers = workers or default_workers()
        self._pool: ProcessPoolExecutor | None = None

    def _rest(self, fn, tasks):
        if self.workers <= 1 or len(tasks) < 3:
            yield from super()._rest(fn, tasks)
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        futures = {self._pool.submit(call_safely, fn, *task): index for index, task in enumerate(tasks) if index}
        for future in as_completed(futures):
            yield futures[future], future.result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


class DaskExecutor(Executor):
    """Dask distributed: a running scheduler at ``address``, or a LocalCluster of ``workers`` processes.

    Requires ``pip install theorylab[dist]``.
    """

    name = "dask"

    def __init__(self, address: str | None = None, workers: int | None = None):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:
            raise ImportError("the dask backend needs the optional extra: pip install 'theorylab[dist]'") from exc
        self._cluster = None
        if address:
            self._client = Client(address)
        else:
            self._cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1,
                                         processes=True, dashboard_address=None)
            self._client = Client(self._cluster)

    def _rest(self, fn, tasks):
        from dask.distributed import as_completed as dask_completed

        futures = {self._client.submit(call_safely, fn, *task, pure=False): index
                   for index, task in enumerate(tasks) if index}
        for future in dask_completed(futures):
            yield futures[future], future.result()

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(backend: str = "processes", *, workers: int | None = None, address: str | None = None) -> Executor:
    """An executor by name: ``serial``, ``processes`` (default) or ``dask``."""
    if address and backend != "dask":
        backend = "dask"
    if backend == "serial" or (backend == "processes" and workers == 1):
        return Executor()
    if backend == "processes":
        return ProcessExecutor(workers)
    if backend == "dask":
        return DaskExecutor(address, workers)
    raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
