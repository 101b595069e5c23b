"""Matrix-sensing kernels: the operator A and its adjoint, and the GD loops (vs the plain NumPy loop)."""

from __future__ import annotations

import numpy as np

from bench.harness import KernelTiming, compile_seconds, time_call
from theorylab.sensing import _kernels, algorithms, operators, problems


def _naive_operator(A, M):
    flat, out = M.ravel().tolist(), []
    for row in A.tolist():
        out.append(sum(a * b for a, b in zip(row, flat)))
    return out


def operator_timings() -> list[KernelTiming]:
    """A(M) and A*(v): memory-bound matrix-vector products over the (m, n^2) sensing array."""
    rows = []
    rng = np.random.default_rng(0)
    for n, m in ((10, 500), (30, 4000), (40, 16000)):
        A = operators.gaussian_operator(rng, m, n, n)
        M, v = rng.standard_normal((n, n)), rng.standard_normal(m)
        naive = time_call(lambda: _naive_operator(A, M), min_time=0.05, repeats=2) if n == 10 else None
        rows.append(KernelTiming("sensing A(M)", f"n={n}, m={m}", time_call(lambda: operators.apply_operator(A, M)),
                                 time_call(lambda: operators.apply_operator_reference(A, M)), naive,
                                 compile_seconds(operators.apply_operator, A, M) if n == 10 else None, A.nbytes,
                                 "both are one BLAS dgemv call: nothing to gain on the operator alone; Numba's gain is in the GD loops that call it"))
        rows.append(KernelTiming("sensing A*(v)", f"n={n}, m={m}", time_call(lambda: operators.apply_adjoint(A, v, n, n)),
                                 time_call(lambda: operators.apply_adjoint_reference(A, v, n, n)), None,
                                 compile_seconds(operators.apply_adjoint, A, v, n, n) if n == 10 else None, A.nbytes,
                                 "both are one BLAS dgemv call on A^T: nothing to gain on the operator alone"))
    return rows


GD_NOTE = ("reference: the plain NumPy loop. At n=20, k=4 an iteration is ~3200 multiply-adds (~1.8 us "
           "scalar) and NumPy adds ~4 us of call overhead, so ~3x is the ceiling; larger sizes are BLAS-bound in both")


def gd_timings() -> list[KernelTiming]:
    """Whole GD runs: the Numba loop vs the plain NumPy loop (the style of the papers' own scripts)."""
    rows = []
    rng = np.random.default_rng(1)
    for n, k, m, T in ((20, 4, 0, 2000), (50, 6, 0, 500), (10, 4, 500, 300)):
        M = problems.psd_target(rng, n, 2, 2.0)
        X0 = problems.gaussian_factor(rng, n, k, 0.5)
        A = operators.gaussian_operator(rng, m, n, n, symmetric=True) if m else np.zeros((0, n * n))
        err, loss = np.empty(T + 1), np.empty(T + 1)
        run = lambda: _kernels.symmetric_gd(X0.copy(), M, A, 0.1, T, 0.0, err, loss)  # noqa: E731
        ref = lambda: algorithms.symmetric_gd_reference(M, X0, 0.1, T, A if m else None)  # noqa: E731
        label = f"n={n}, k={k}, T={T}, " + (f"m={m}" if m else "population")
        rows.append(KernelTiming("sensing symmetric GD", label, time_call(run), time_call(ref), None,
                                 compile_seconds(_kernels.symmetric_gd, X0.copy(), M, A, 0.1, 5, 0.0, err, loss)
                                 if n == 20 else None, note=GD_NOTE))
        F0, G0 = X0.copy(), problems.gaussian_factor(rng, n, k, 0.5 / 3)
        run = lambda: _kernels.asymmetric_gd(F0.copy(), G0.copy(), M, A, 0.1, T, 0.0, -1.0, 1.0, err, loss, 0)  # noqa: E731
        ref = lambda: algorithms.asymmetric_gd_reference(M, F0, G0, 0.1, T, A if m else None)  # noqa: E731
        rows.append(KernelTiming("sensing asymmetric GD", label, time_call(run), time_call(ref), note=GD_NOTE))
    return rows


def scaling_per_iteration() -> tuple[list[int], list[float]]:
    """Seconds per population GD iteration against n (k = 4): the work is O(n^2 k)."""
    rng = np.random.default_rng(2)
    sizes, seconds = [32, 64, 128, 256], []
    for n in sizes:
        M = problems.psd_target(rng, n, 2, 2.0)
        X0 = problems.gaussian_factor(rng, n, 4, 0.5)
        T = 200
        err, loss = np.empty(T + 1), np.empty(T + 1)
        A = np.zeros((0, n * n))
        seconds.append(time_call(lambda: _kernels.symmetric_gd(X0.copy(), M, A, 0.1, T, 0.0, err, loss)) / T)
    return sizes, seconds


def timings() -> list[KernelTiming]:
    return operator_timings() + gd_timings()


def scaling():
    from bench.runner import ScalingSeries

    sizes, seconds = scaling_per_iteration()
    return [ScalingSeries("symmetric GD, one population iteration (k = 4)", "n", sizes, seconds, 2.0,
                          "work is O(n^2 k): X X^T and W X")]


def peers():
    """The papers' style: a plain NumPy GD loop, on the claim-size problem (C1: n = 20, k = 4, T = 2e4)."""
    from bench.runner import PeerTiming

    rng = np.random.default_rng(3)
    M = problems.psd_target(rng, 20, 2, 2.0)
    X0 = problems.gaussian_factor(rng, 20, 4, 0.5)
    ours = time_call(lambda: algorithms.symmetric_gd(M, X0, eta=0.1, T=20000), min_time=0.2, repeats=3)
    plain = time_call(lambda: algorithms.symmetric_gd_reference(M, X0, 0.1, 20000), min_time=0.2, repeats=2)
    return [PeerTiming("symmetric GD, n=20, k=4, T=2e4 (claim C1)", "theorylab (Numba)", ours,
                       "plain NumPy loop (papers' style)", plain, "same iterates to 1e-10")]
