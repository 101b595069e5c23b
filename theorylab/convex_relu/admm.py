"""ADMM for the convex ReLU program with squared loss (Bai, Gautam, Sojoudi 2023, Alg. 3.1 as
reconstructed on the card, section 4.1 [3P/INFERRED]).

Splitting: ``min 1/2 ||F u - y||^2 + beta ||v||_{2,1} + 1_{>=0}(s)`` subject to ``u = v`` and
``G u = s``, with ``u = (v_1..v_P, w_1..w_P)``, ``F u = sum_i D_i X (v_i - w_i)`` and
``G = blkdiag((2 D_i - I) X)``. Scaled ADMM with penalty ``rho`` and dual step ``gamma``::

    u   <- A^{-1} (F^T y / rho + v - lam + G^T (s - nu)),   A = I + F^T F / rho + G^T G
    v_g <- max(0, 1 - (beta / rho) / ||u_g + lam_g||) (u_g + lam_g)     (group soft-threshold)
    s   <- max(0, G u + nu)                                              (orthant projection)
    lam <- lam + gamma (u - v),   nu <- nu + gamma (G u - s)

``rho`` trades the pull toward consensus against the loss: large ``rho`` makes the u-step
nearly a projection and slows the loss, small ``rho`` slows feasibility; with unit-norm columns
values 1-30 work (card pitfalls). ``gamma = 1`` is textbook scaled ADMM.

The fixed system is factored once. Because ``G_i^T G_i = X^T X`` for every pattern, writing
``u = (a, b)`` splits ``A u = r`` into ``(I + X^T X)(a_i + b_i) = r_1i + r_2i`` (one d x d factor
shared by all patterns) and ``(I + I_P (x) X^T X + 2 M^T M / rho)(a - b) = r_1 - r_2`` with
``M = [D_1 X .. D_P X]`` (one dP x dP factor) [INFERRED, card 4.1]. Per iteration that is two
triangular solves of size dP plus products with X: ``O((dP)^2 + n d P)``, which is ``O(n^2)``
when P grows linearly with n.

The loop is a Numba kernel (:mod:`._kernels`; the ``X^T z`` products inside it go through BLAS
gemv, everything else is plain loops). :func:`admm_reference` is an independent NumPy/SciPy
version of the same iteration (full 2dP system) used in tests, and :func:`blas_iteration_seconds`
times a vectorized NumPy/BLAS loop with the same split factors. Measured with one BLAS thread on
a shared 2-core machine (best of 5): n=400, P=20: Numba 0.07 ms vs NumPy 0.15 ms per iteration;
n=1600, P=160: 5.5 ms vs 7.3 ms; n=800, P=80 and n=1600, P=20: within 10%. Numba is kept: it is
never slower by more than that and it counts its own multiply-adds (claim C3).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy import linalg

from theorylab.convex_relu import _kernels


@dataclass(frozen=True)
class Factors:
    """Cholesky factors and the constant right-hand side of the u-step."""

    Lsum: np.ndarray   # (d, d) lower factor of I + X^T X
    Ldiff: np.ndarray  # (dP, dP) lower factor of I + I_P (x) X^T X + 2 M^T M / rho
    c: np.ndarray      # (P, d): block i is X^T D_i y / rho


@dataclass
class ADMMResult:
    """Outcome of :func:`admm_relu`.

    ``run_seconds`` is wall time of the loop, ``run_cpu_seconds`` the process CPU time of the same
    loop (insensitive to being descheduled on a shared machine).
    ``iterations``, ``objective``, ``r_primal``, ``r_dual``, ``infeasibility`` are the recorded
    history (objective ``f(u^k)`` of the ReLU program at the primal iterate; infeasibility the
    largest cone violation ``max(0, -G u)``). ``V``, ``W`` are the final group-sparse iterate
    ``v`` as (d, P) arrays.
    """

    V: np.ndarray
    W: np.ndarray
    iterations: np.ndarray
    objective: np.ndarray
    r_primal: np.ndarray
    r_dual: np.ndarray
    infeasibility: np.ndarray
    n_iter: int
    status: str
    ops_per_iter: float
    setup_seconds: float
    run_seconds: float
    run_cpu_seconds: float = float("nan")


def factor(X: np.ndarray, D: np.ndarray, y: np.ndarray, rho: float) -> Factors:
    """Factor the fixed u-step system once (cost ``O(n d^2 P^2 + d^3 P^3)``)."""
    n, d = X.shape
    P = D.shape[1]
    gram = X.T @ X
    M = (D[:, :, None] * X[:, None, :]).reshape(n, P * d)
    big = np.kron(np.eye(P), gram) + (2.0 / rho) * (M.T @ M)
    big[np.diag_indices_from(big)] += 1.0
    Lsum = linalg.cholesky(np.eye(d) + gram, lower=True)
    Ldiff = linalg.cholesky(big, lower=True)
    c = ((D * y[:, None]).T @ X) / rho
    return Factors(np.ascontiguousarray(Lsum), np.ascontiguousarray(Ldiff), np.ascontiguousarray(c))


def _validate(X, y, D, beta, rho, gamma):
    X = np.ascontiguousarray(X, dtype=float)
    y = np.ascontiguousarray(y, dtype=float)
    D = np.ascontiguousarray(D, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],) or D.ndim != 2 or D.shape[0] != X.shape[0]:
        raise ValueError(f"shapes must be X (n, d), y (n,), D (n, P); got {X.shape}, {y.shape}, {D.shape}")
    if not (beta > 0 and rho > 0 and 0 < gamma <= 1):
        raise ValueError(f"need beta > 0, rho > 0, 0 < gamma <= 1; got {beta}, {rho}, {gamma}")
    return X, y, D


def admm_relu(X: np.ndarray, y: np.ndarray, D: np.ndarray, beta: float, *, rho: float = 10.0,
              gamma: float = 1.0, max_iter: int = 1000, tol: float = 0.0, record_every: int = 10,
              dense_until: int = 1, factors: Factors | None = None) -> ADMMResult:
    """Solve the convex ReLU program (squared loss) over patterns ``D`` by ADMM, from zero.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
    D : ndarray of shape (n, P)
        0/1 activation patterns.
    beta : float
        Group-penalty weight.
    rho : float
        ADMM penalty.
    gamma : float in (0, 1]
        Dual step.
    max_iter : int
    tol : float
        Stop when ``r_pri <= tol`` and ``r_dual <= tol`` at a recorded iteration (0: never).
    record_every : int
        Record the history every ``record_every`` iterations (and at the last one).
    dense_until : int
        Also record each of the first ``dense_until`` iterations (default: iteration 1 only), so
        that runs which converge within a few dozen iterations still have a resolved history.
    factors : Factors, optional
        A factorization from :func:`factor` for the same ``X, D, y, rho`` (reused across runs;
        ``setup_seconds`` is then 0).

    Returns
    -------
    ADMMResult
    """
    X, y, D = _validate(X, y, D, beta, rho, gamma)
    if max_iter < 1 or record_every < 1 or dense_until < 1:
        raise ValueError(f"max_iter, record_every and dense_until must be >= 1, got "
                         f"{max_iter}, {record_every}, {dense_until}")
    n, d = X.shape
    P = D.shape[1]
    start = time.perf_counter()
    fac = factor(X, D, y, rho) if factors is None else factors
    setup = time.perf_counter() - start
    U, Vb, Lam = (np.zeros((2 * P, d)) for _ in range(3))
    S, Nu = np.zeros((2 * P, n)), np.zeros((2 * P, n))
    size = max_iter // record_every + dense_until + 2
    rec = [np.zeros(size) for _ in range(5)]
    start, cpu = time.perf_counter(), time.process_time()
    recorded, iters, status, ops = _kernels.admm(X, D, y, fac.c, fac.Lsum, fac.Ldiff, float(beta), float(rho),
                                                 float(gamma), int(max_iter), int(record_every),
                                                 int(dense_until), float(tol),
                                                 U, Vb, Lam, S, Nu, *rec)
    run, cpu = time.perf_counter() - start, time.process_time() - cpu
    t, obj, pri, dual, infeas = (r[:recorded] for r in rec)
    names = {_kernels.MAX_ITER: "max_iter", _kernels.CONVERGED: "converged", _kernels.DIVERGED: "diverged"}
    return ADMMResult(Vb[:P].T.copy(), Vb[P:].T.copy(), t.astype(int), obj, pri, dual, infeas, int(iters),
                      names[status], ops / max(iters, 1), setup, run, cpu)


def admm_reference(X: np.ndarray, y: np.ndarray, D: np.ndarray, beta: float, *, rho: float, gamma: float = 1.0,
                   iterations: int = 10) -> dict[str, np.ndarray]:
    """Vectorized NumPy/SciPy version of the same ADMM iterations (reference and timing baseline).

    Solves the u-step with the full ``2dP x 2dP`` matrix ``A = I + F^T F / rho + G^T G`` (LAPACK
    Cholesky), i.e. without the sum/difference split, so tests also check the split.

    Returns
    -------
    dict with ``U``, ``V``, ``lam`` of shape (2P, d) and ``S``, ``nu`` of shape (2P, n).
    """
    X, y, D = _validate(X, y, D, beta, rho, gamma)
    n, d = X.shape
    P = D.shape[1]
    E = (2.0 * D - 1.0).T                                   # (P, n)
    M = (D[:, :, None] * X[:, None, :]).reshape(n, P * d)
    F = np.hstack([M, -M])
    G_blocks = [E[i][:, None] * X for i in range(P)] * 2
    G = linalg.block_diag(*G_blocks)
    A = np.eye(2 * P * d) + F.T @ F / rho + G.T @ G
    chol = linalg.cho_factor(A, lower=True)
    Fy = F.T @ y / rho
    U, V, lam = (np.zeros(2 * P * d) for _ in range(3))
    S, nu = np.zeros(2 * P * n), np.zeros(2 * P * n)
    for _ in range(iterations):
        U = linalg.cho_solve(chol, Fy + V - lam + G.T @ (S - nu))
        Gu = G @ U
        blocks = (U + lam).reshape(2 * P, d)
        norms = np.linalg.norm(blocks, axis=1, keepdims=True)
        shrink = np.where(norms > beta / rho, 1.0 - (beta / rho) / np.where(norms > 0, norms, 1.0), 0.0)
        V = (shrink * blocks).ravel()
        S = np.maximum(0.0, Gu + nu)
        lam = lam + gamma * (U - V)
        nu = nu + gamma * (Gu - S)
    return {"U": U.reshape(2 * P, d), "V": V.reshape(2 * P, d), "lam": lam.reshape(2 * P, d),
            "S": S.reshape(2 * P, n), "nu": nu.reshape(2 * P, n)}


def blas_iteration_seconds(X: np.ndarray, y: np.ndarray, D: np.ndarray, beta: float, *, rho: float,
                           iterations: int = 25) -> float:
    """Seconds per iteration of a vectorized NumPy/BLAS ADMM loop with the same split factors.

    Only for the timing comparison with the Numba kernel (which one is faster is measured, not
    assumed); returns the median over iterations after two warm-up iterations, in process CPU
    seconds (like :attr:`ADMMResult.run_cpu_seconds`).
    """
    X, y, D = _validate(X, y, D, beta, rho, 1.0)
    n, d = X.shape
    P = D.shape[1]
    fac = factor(X, D, y, rho)
    E = (2.0 * D - 1.0).T[None, :, :]                       # (1, P, n)
    U = np.zeros((2, P, d))
    V, lam = np.zeros_like(U), np.zeros_like(U)
    S, nu = np.zeros((2, P, n)), np.zeros((2, P, n))
    c = np.stack([fac.c, -fac.c])
    times = []
    for _ in range(iterations + 2):
        start = time.process_time()
        R = c + V - lam + ((E * (S - nu)) @ X)              # G^T (s - nu), blockwise
        sums = linalg.cho_solve((fac.Lsum, True), (R[0] + R[1]).T).T
        diff = linalg.cho_solve((fac.Ldiff, True), (R[0] - R[1]).ravel()).reshape(P, d)
        U = np.stack([0.5 * (sums + diff), 0.5 * (sums - diff)])
        Gu = E * (U @ X.T)
        blocks = U + lam
        norms = np.linalg.norm(blocks, axis=2, keepdims=True)
        V = np.where(norms > beta / rho, 1.0 - (beta / rho) / np.maximum(norms, 1e-300), 0.0) * blocks
        S = np.maximum(0.0, Gu + nu)
        lam += U - V
        nu += Gu - S
        times.append(time.process_time() - start)
    return float(np.median(times[2:]))


def select_rho(iterations: list[np.ndarray], residuals: list[np.ndarray], *, level: float = 1e-10) -> int:
    """Index of the penalty to keep from a grid of runs, using ADMM's own residuals only.

    The run whose residual ``r_k / r_first`` reaches ``level`` at the earliest iteration wins;
    when no run gets there, the run with the smallest final relative residual. No reference
    optimum is used, so the choice is available to a user without cvxpy.
    """
    first_hit, final = [], []
    for t, r in zip(iterations, residuals):
        relative = np.asarray(r) / r[0]
        hit = np.flatnonzero(relative <= level)
        first_hit.append(t[hit[0]] if hit.size else np.inf)
        final.append(relative[-1])
    if np.isfinite(min(first_hit)):
        return int(np.argmin(first_hit))
    return int(np.argmin(final))
