"""Timing tools: steady-state call time, compile time, and the machine's bandwidth and matmul rate."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numba
import numpy as np


def time_call(fn: Callable[[], object], *, min_time: float = 0.1, repeats: int = 5) -> float:
    """Seconds per call: the best of ``repeats`` batches, each at least ``min_time`` long.

    The best batch, not the mean, because on a shared machine noise only ever adds time.
    """
    fn()  # warm up (loads Numba caches, touches memory)
    number, elapsed = 1, 0.0
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time or number >= 1 << 20:
            break
        number *= 2
    best = elapsed / number
    for _ in range(repeats - 1):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def compile_seconds(dispatcher, *args) -> float:
    """Time to compile ``dispatcher`` for ``args`` from scratch (no on-disk cache), minus one run."""
    fresh = numba.njit(dispatcher.py_func)
    start = time.perf_counter()
    fresh(*args)
    first = time.perf_counter() - start
    start = time.perf_counter()
    fresh(*args)
    return max(first - (time.perf_counter() - start), 0.0)


@numba.njit(cache=True)
def _triad(a, b, c, s):
    for i in range(a.size):
        a[i] = b[i] + s * c[i]


def stream_triad_gbs(n: int = 20_000_000) -> float:
    """Memory bandwidth of one core, GB/s: ``a = b + s c`` (3 arrays of 8-byte floats, 24 bytes per element)."""
    a, b, c = np.zeros(n), np.ones(n), np.full(n, 2.0)
    seconds = time_call(lambda: _triad(a, b, c, 3.0), min_time=0.3, repeats=5)
    return 24 * n / seconds / 1e9


def matmul_gflops(n: int = 1024) -> float:
    """Dense float64 matmul rate, GFLOP/s, with the BLAS threads in force."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    seconds = time_call(lambda: a @ b, min_time=0.5, repeats=3)
    return 2 * n ** 3 / seconds / 1e9


@dataclass
class KernelTiming:
    """One kernel at one size: Numba vs NumPy reference vs naive Python."""

    kernel: str
    size: str
    numba_s: float
    reference_s: float
    naive_s: float | None = None
    compile_s: float | None = None
    bytes_moved: float | None = None  # per call, for memory-bound kernels
    note: str = ""

    @property
    def speedup(self) -> float:
        return self.reference_s / self.numba_s

    def gbs(self) -> float | None:
        return None if self.bytes_moved is None else self.bytes_moved / self.numba_s / 1e9
