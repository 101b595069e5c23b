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
import re
import shutil
import signal
import tempfile
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

BACKENDS = ("serial", "processes", "dask")


@dataclass(frozen=True)
class Outcome:
    """What one task produced: a value, or the error it raised (with its traceback)."""

    value: Any = None
    error: str | None = None
    elsewhere: bool = False  # computed by another process on the same store (see Context.execute)

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
    """``$THEORYLAB_WORKERS`` or the number of cores (a bad value is a ConfigError naming the variable)."""
    value = os.environ.get("THEORYLAB_WORKERS")
    return check_workers(value, "THEORYLAB_WORKERS") if value else max(1, os.cpu_count() or 1)


def check_workers(value, name: str = "--workers") -> int:
    """A worker count: an integer >= 1, capped at the number of cores (more only oversubscribe)."""
    import sys

    from theorylab.errors import ConfigError

    try:
        count = int(str(value).strip())
    except ValueError:
        raise ConfigError(name, "an integer >= 1", value) from None
    if count < 1:
        raise ConfigError(name, "an integer >= 1", value)
    cores = os.cpu_count() or 1
    if count > cores:
        print(f"theorylab: {name}={count} is more than the {cores} cores; using {cores}", file=sys.stderr)
        count = cores
    return count


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


def _die_with_parent(parent_pid: int) -> None:
    """Worker initializer: exit as soon as the process that started the pool is gone.

    On Linux the kernel delivers SIGKILL when the parent dies (``PR_SET_PDEATHSIG``); a watcher
    thread polling the parent pid covers other systems and the window before prctl takes effect.
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                os._exit(1)
            time.sleep(0.5)

    if os.getppid() != parent_pid:
        os._exit(1)
    threading.Thread(target=watch, daemon=True, name="theorylab-parent-watch").start()


def _tracked_call(marks: str, index: int, fn: Callable[..., Any], *args: Any) -> Outcome:
    """Run a task in a worker, leaving ``<marks>/<index>.started`` while it runs (to find who died)."""
    start = Path(marks) / f"{index}.started"
    start.touch()
    outcome = call_safely(fn, *args)
    start.unlink(missing_ok=True)
    return outcome


#: What a task whose worker process died reports (the other tasks go on).
WORKER_DIED = Outcome(error="WorkerDied: the worker process running this task died (killed, out of memory or "
                         "crashed in compiled code); the other runs went on")


class ProcessExecutor(Executor):
    """A lazily started pool of ``workers`` spawned local processes.

    Workers exit when this process dies. A worker that dies mid-task costs only its task: the
    pool is restarted, tasks that were running at the time are rerun one at a time in a fresh
    worker to find the one that kills its process, which is reported as a failed Outcome.
    """

    name = "processes"

    def __init__(self, workers: int | None = None):
        self.workers = workers or default_workers()
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_die_with_parent, initargs=(os.getpid(),))

    def _rest(self, fn, tasks):
        if self.workers <= 1 or len(tasks) < 3:
            yield from super()._rest(fn, tasks)
            return
        marks = tempfile.mkdtemp(prefix="theorylab-tasks-")
        try:
            remaining = list(range(1, len(tasks)))
            suspects: list[int] = []
            while remaining:
                if self._pool is None:
                    self._pool = self._new_pool(self.workers)
                futures = {self._pool.submit(_tracked_call, marks, index, fn, *tasks[index]): index
                           for index in remaining}
                remaining, yielded = [], set()
                try:
                    for future in as_completed(futures):
                        outcome = future.result()
                        yielded.add(futures[future])
                        yield futures[future], outcome
                except BrokenProcessPool:
                    self._discard_pool()
                    started = set()
                    for mark in Path(marks).glob("*.started"):
                        started.add(int(mark.name.split(".")[0]))
                        mark.unlink(missing_ok=True)
                    for future, index in futures.items():
                        if index in yielded:
                            continue
                        if future.done() and not _broken(future):
                            yield index, future.result()
                        elif index in started:
                            suspects.append(index)
                        else:
                            remaining.append(index)
            for index in suspects:
                yield index, self._isolated(fn, tasks[index], marks, index)
        finally:
            shutil.rmtree(marks, ignore_errors=True)

    def _isolated(self, fn, task, marks: str, index: int) -> Outcome:
        """Run one task alone in a fresh one-worker pool: a crash there is the task's own."""
        pool = self._new_pool(1)
        try:
            return pool.submit(_tracked_call, marks, index, fn, *task).result()
        except BrokenProcessPool:
            return WORKER_DIED
        finally:
            pool.shutdown(cancel_futures=True)

    def _discard_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def _broken(future) -> bool:
    return future.exception() is not None and isinstance(future.exception(), BrokenProcessPool)


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
            self._client = connect_dask(Client, address)
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


#: Seconds to wait for a Dask scheduler to answer, and for it to have a worker.
DASK_CONNECT_TIMEOUT_S = 5.0
DASK_WORKER_TIMEOUT_S = 10.0
_ADDRESS = re.compile(r"^(tcp|tls|ucx)://[^\s:/]+(:\d{1,5})?/?$|^inproc://\S+$")


def check_dask_address(address: str) -> str:
    """``address`` if it looks like a Dask scheduler address, else :class:`ConfigError` naming it."""
    from theorylab.errors import ConfigError

    if not _ADDRESS.match(address.strip()):
        raise ConfigError("--address", "a scheduler address such as tcp://host:8786", address)
    return address.strip()


def connect_dask(client_type, address: str):
    """A Dask client of the scheduler at ``address``, failing within seconds with one clear error."""
    from theorylab.errors import TheorylabError

    address = check_dask_address(address)
    try:
        client = client_type(address, timeout=DASK_CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError) as exc:
        raise TheorylabError(f"cannot reach the Dask scheduler at {address} within "
                             f"{DASK_CONNECT_TIMEOUT_S:g} s ({type(exc).__name__})") from None
    try:
        client.wait_for_workers(1, timeout=DASK_WORKER_TIMEOUT_S)
    except (OSError, TimeoutError):
        client.close()
        raise TheorylabError(f"the Dask scheduler at {address} has no workers "
                             f"(waited {DASK_WORKER_TIMEOUT_S:g} s); start some with: dask worker {address}") from None
    return client


def make_executor(backend: str = "processes", *, workers: int | None = None, address: str | None = None) -> Executor:
    """An executor by name: ``serial``, ``processes`` (default) or ``dask``."""
    if address and backend != "dask":
        backend = "dask"
    if address:
        check_dask_address(address)
    if backend == "serial" or (backend == "processes" and workers == 1):
        return Executor()
    if backend == "processes":
        return ProcessExecutor(workers)
    if backend == "dask":
        return DaskExecutor(address, workers)
    raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
