"""Convex two-layer ReLU kernels (Bai, Gautam, Sojoudi 2023): the ADMM iteration and its pieces
(triangular solves, objective) and the non-convex Adam baseline, against the NumPy/SciPy
references of :mod:`theorylab.convex_relu`; ADMM against cvxpy (Clarabel, SCS) at equal accuracy.

Sizes follow the experiment profiles: relu_admm_gap quick is n = 100, 5 features (+ bias, d = 6),
12 sampled patterns, beta = 1, standardized y; its paper profile n = 400, d = 10, 20 patterns;
relu_iteration_cost runs n = 200..1600 with d = 5 and P = n / 10 (or P = 20); relu_exact_2d trains
Adam on n = 40 planar points with widths 30 and 60.
"""

from __future__ import annotations

import functools
import time
import warnings

import numpy as np
from scipy import linalg

from bench.harness import KernelTiming, compile_seconds
from bench.harness import time_call as _time_call
from theorylab.convex_relu import _kernels, admm, arrangements, baseline, data, programs

BETA = 1.0
RHO = 10.0            # admm_relu's default penalty
QUICK = (100, 5, 12)  # relu_admm_gap quick: n, features, sampled directions
LARGE = (400, 9, 20)  # relu_admm_gap paper
COST = (1600, 4, 160)  # relu_iteration_cost quick, largest n (P = n / 10)


@functools.lru_cache(maxsize=None)
def _instance(n: int, features: int, samples: int, seed: int = 0):
    """Teacher regression (standardized y), sampled patterns, and the factors of the u-step."""
    rng = np.random.default_rng(seed)
    X, y = data.teacher_regression(n, features, rng)
    y = (y - y.mean()) / y.std()
    D = arrangements.sample_patterns(X, samples, rng)
    return X, y, D, admm.factor(X, D, y, RHO)


def time_call(fn, *, min_time: float = 0.05, repeats: int = 3) -> float:
    """The harness's best-of-batches timer with shorter batches (keeps this module near 60 s)."""
    return _time_call(fn, min_time=min_time, repeats=repeats)


def _label(X, D) -> str:
    return f"n={X.shape[0]}, d={X.shape[1]}, P={D.shape[1]}"


def _admm_runner(X, y, D, fac, iterations: int, rho: float = RHO):
    """The Numba ADMM kernel for ``iterations`` steps with preallocated state (recording only the
    first and last iteration). Repeated calls continue from the current state: same work per call."""
    n, d = X.shape
    P = D.shape[1]
    state = [np.zeros((2 * P, d)) for _ in range(3)] + [np.zeros((2 * P, n)), np.zeros((2 * P, n))]
    rec = [np.zeros(4) for _ in range(5)]
    args = (X, D, y, fac.c, fac.Lsum, fac.Ldiff, BETA, rho, 1.0, iterations, iterations, 1, 0.0, *state, *rec)
    return (lambda: _kernels.admm(*args)), args


# ------------------------------------------------------------------------------- kernels
def _naive_cholesky_solve(L, b):
    m, x = len(b), list(b)
    for i in range(m):
        x[i] = (x[i] - sum(L[i][j] * x[j] for j in range(i))) / L[i][i]
    for i in range(m - 1, -1, -1):
        x[i] = (x[i] - sum(L[j][i] * x[j] for j in range(i + 1, m))) / L[i][i]
    return x


def solve_timings() -> list[KernelTiming]:
    """cholesky_solve on the dP x dP factor Ldiff of the u-step: two substitutions, O(m^2) reads."""
    rows = []
    for case in (QUICK, LARGE, COST):
        X, y, D, fac = _instance(*case)
        L = fac.Ldiff
        LT, m = np.ascontiguousarray(L.T), L.shape[0]
        b, out = np.random.default_rng(1).standard_normal(m), np.empty(m)
        naive = None
        if case == QUICK:
            lists = (L.tolist(), b.tolist())
            naive = time_call(lambda: _naive_cholesky_solve(*lists), repeats=2)
        rows.append(KernelTiming("relu cholesky_solve", f"m=dP={m} ({_label(X, D)})",
                                 time_call(lambda: _kernels.cholesky_solve(L, LT, b, out)),
                                 time_call(lambda: linalg.cho_solve((L, True), b)), naive,
                                 compile_seconds(_kernels.cholesky_solve, L, LT, b, out) if case == QUICK else None,
                                 8.0 * m * m,
                                 "reference: scipy cho_solve (LAPACK dpotrs, as blas_iteration_seconds); both do "
                                 "the same O(m^2) reads (bytes: the two triangles), so Numba gains mainly the "
                                 "reference's per-call checks"))
    return rows


def _objective_reference(D, y, XU, U, beta):
    P = D.shape[1]
    residual = np.sum(D * (XU[:P] - XU[P:]).T, axis=1) - y
    return 0.5 * residual @ residual + beta * np.sum(np.linalg.norm(U, axis=1))


def objective_timings() -> list[KernelTiming]:
    """_objective from the cached X u_g (one pass over D and XU)."""
    rows = []
    for case in (QUICK, LARGE, COST):
        X, y, D, _ = _instance(*case)
        rng = np.random.default_rng(2)
        U = rng.standard_normal((2 * D.shape[1], X.shape[1]))
        XU = np.ascontiguousarray(U @ X.T)
        assert np.isclose(_kernels._objective(X, D, y, XU, U, BETA), _objective_reference(D, y, XU, U, BETA))
        rows.append(KernelTiming("relu _objective", _label(X, D),
                                 time_call(lambda: _kernels._objective(X, D, y, XU, U, BETA)),
                                 time_call(lambda: _objective_reference(D, y, XU, U, BETA)), None,
                                 compile_seconds(_kernels._objective, X, D, y, XU, U, BETA) if case == QUICK else None,
                                 D.nbytes + XU.nbytes,
                                 "reference: the same sum in NumPy on the same cached X u_g "
                                 "(programs.convex_objective recomputes X V); the kernel reads XU (2P, n) "
                                 "with stride n, likely why it loses at large n P"))
    return rows


def admm_timings() -> list[KernelTiming]:
    """One ADMM iteration: the Numba kernel vs the vectorized NumPy/BLAS loop with the same split
    factors (admm.blas_iteration_seconds, median of 25 iterations); naive column at the quick size:
    admm.admm_reference, the full 2dP system with a dense G (the test reference)."""
    rows = []
    for case in (QUICK, LARGE, COST):
        X, y, D, fac = _instance(*case)
        n, P = X.shape[0], D.shape[1]
        iterations = max(5, 40000 // (n + 10 * P))
        run, args = _admm_runner(X, y, D, fac, iterations)
        ours = time_call(run) / iterations
        blas = min(admm.blas_iteration_seconds(X, y, D, BETA, rho=RHO, iterations=25) for _ in range(2))
        naive = compiled = None
        if case == QUICK:
            full = time_call(lambda: admm.admm_reference(X, y, D, BETA, rho=RHO, iterations=50))
            setup = time_call(lambda: admm.admm_reference(X, y, D, BETA, rho=RHO, iterations=0))
            naive = max(full - setup, 0.0) / 50
            small = _admm_runner(X, y, D, fac, 5)[1]
            compiled = compile_seconds(_kernels.admm, *small)
        rows.append(KernelTiming("relu admm (per iteration)", _label(X, D), ours, blas, naive, compiled, None,
                                 "reference: admm.blas_iteration_seconds (NumPy/BLAS, same split, median); "
                                 "naive: admm.admm_reference (dense 2dP system), quick size only; the work is "
                                 "solves and products with X that NumPy also does in BLAS, so the gain shrinks "
                                 "with size; compile excludes the callees"))
    return rows


def _network(n: int, d: int, width: int, seed: int = 3):
    rng = np.random.default_rng(seed)
    if d == 2:
        X, y = data.planar_regression(n, rng)
    else:
        X, y = data.teacher_regression(n, d - 1, rng)
    U = 0.5 * rng.standard_normal((d, width)) / np.sqrt(d)
    alpha = 0.5 * rng.standard_normal(width) / np.sqrt(width)
    return X, y, U, alpha


def network_timings() -> list[KernelTiming]:
    """network_gradients (objective and gradients of the non-convex net) and whole Adam runs."""
    rows = []
    beta = 0.05                                     # relu_exact_2d's beta
    for n, d, width in ((40, 2, 30), (40, 2, 60), (400, 10, 200)):
        X, y, U, alpha = _network(n, d, width)
        args = (X, y, U, alpha, beta)
        rows.append(KernelTiming("relu network_gradients", f"n={n}, d={d}, width={width}",
                                 time_call(lambda: _kernels.network_gradients(*args)),
                                 time_call(lambda: baseline.objective_and_gradients_reference(*args)), None,
                                 compile_seconds(_kernels.network_gradients, *args) if width == 30 else None,
                                 note="reference: baseline.objective_and_gradients_reference (two BLAS "
                                      "products); the kernel's scalar loop over active (k, j, i) loses at width 200"))
    steps, record_every, lr = 1000, 100, 1e-2
    for width in (30, 60):
        X, y, U, alpha = _network(40, 2, width)
        rec_t, rec_obj = np.zeros(steps // record_every + 2), np.zeros(steps // record_every + 2)

        def run(count=steps):
            return _kernels.adam(X, y, U.copy(), alpha.copy(), beta, lr, count, record_every, rec_t, rec_obj)

        rows.append(KernelTiming("relu adam", f"n=40, d=2, width={width}, steps={steps}", time_call(run),
                                 time_call(lambda: baseline.adam_reference(X, y, U, alpha, beta, lr, steps),
                                           min_time=0.05, repeats=3), None,
                                 compile_seconds(_kernels.adam, X, y, U.copy(), alpha.copy(), beta, lr, 5, record_every,
                                                 rec_t, rec_obj) if width == 30 else None,
                                 note="reference: baseline.adam_reference (NumPy loop, ~20 small array ops a "
                                      "step); compile excludes network_gradients"))
    return rows


def timings() -> list[KernelTiming]:
    return solve_timings() + objective_timings() + admm_timings() + network_timings()


# ------------------------------------------------------------------------------- peers
TARGET = 1e-6
RHO_GRID = (10.0, 30.0, 100.0)
MAX_ITER = {QUICK: 10000, LARGE: 25000}
REPEAT_BELOW = 0.5    # seconds: runs shorter than this are timed twice (best kept), longer ones once


def _cvx_problem(X, y, D):
    """The sampled convex ReLU program as built by programs.relu_program (squared loss)."""
    import cvxpy as cp

    d, P = X.shape[1], D.shape[1]
    V, W = cp.Variable((d, P)), cp.Variable((d, P))
    yhat = cp.sum(cp.multiply(D, X @ (V - W)), axis=1)
    objective = 0.5 * cp.sum_squares(yhat - y) + BETA * (cp.sum(cp.norm(V, 2, axis=0)) + cp.sum(cp.norm(W, 2, axis=0)))
    E = 2.0 * D - 1.0
    return cp.Problem(cp.Minimize(objective), [cp.multiply(E, X @ V) >= 0, cp.multiply(E, X @ W) >= 0]), V, W


def _peer_to_target(X, y, D, p_star, solver: str, tolerances, options):
    """Loosest solver tolerance whose solution is within TARGET of p* (objective at the returned
    point); its solver time (best of two cold solves). Falls back to the tightest tolerance tried."""
    problem, V, W = _cvx_problem(X, y, D)
    for tol in tolerances:
        seconds = []
        while True:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                problem.solve(solver=solver, warm_start=False, **options(tol))
            seconds.append(problem.solver_stats.solve_time)
            gap = abs(programs.convex_objective(X, y, D, V.value, W.value, BETA) - p_star) / p_star
            if gap > TARGET or len(seconds) == 2 or seconds[0] > REPEAT_BELOW:
                break                                   # repeat only cheap solves that hit the target
        if gap <= TARGET or tol == tolerances[-1]:
            return min(seconds), gap, tol, programs.cone_violation(X, D, V.value, W.value), problem.status


def _admm_to_target(X, y, D, p_star, max_iter: int):
    """For each rho of RHO_GRID, the first recorded iterate from which the objective stays within
    TARGET of p* (to max_iter); the fastest rho is then re-run to exactly that iteration without
    recording (factorization included in the time) and the gap there verified."""
    found = {}
    for rho in RHO_GRID:
        out = admm.admm_relu(X, y, D, BETA, rho=rho, max_iter=max_iter, record_every=10, dense_until=1)
        gap = np.abs(out.objective - p_star) / p_star
        outside = np.flatnonzero(gap > TARGET)
        touch = np.flatnonzero(gap <= TARGET)
        if outside.size == 0 or outside[-1] < gap.size - 1:
            k = 0 if outside.size == 0 else outside[-1] + 1
            found[rho] = (int(out.iterations[k]), int(out.iterations[touch[0]]))
        else:
            found[rho] = (None, float(gap[-1]))
    reached = {rho: v for rho, v in found.items() if v[0] is not None}
    if not reached:
        return None, found
    rho = min(reached, key=lambda r: reached[r][0])
    k = reached[rho][0]
    seconds = []
    while not seconds or (len(seconds) < 2 and seconds[0] <= REPEAT_BELOW):
        start = time.perf_counter()
        out = admm.admm_relu(X, y, D, BETA, rho=rho, max_iter=k, record_every=k)
        seconds.append(time.perf_counter() - start)
    gap = abs(out.objective[-1] - p_star) / p_star
    return (min(seconds), rho, k, reached[rho][1], gap, float(out.infeasibility[-1])), found


def peers():
    """ADMM vs cvxpy + Clarabel and cvxpy + SCS on the same sampled program, time to 1e-6
    relative suboptimality against p* from programs.relu_program (Clarabel at 1e-10, or the
    fallback tolerance it states). Peer times are solver times (cvxpy's compilation excluded);
    ADMM's include its factorization and are one run at the rho found by the grid runs. Objectives
    are taken at the returned point for all three (cone violation reported alongside). Runs over
    0.5 s are timed once, shorter ones best of two."""
    from bench.runner import PeerTiming

    rows = []
    for case in (QUICK, LARGE):
        X, y, D, _ = _instance(*case)
        reference = programs.relu_program(X, y, D, BETA)
        p_star = reference.value
        task = f"convex ReLU program, sampled patterns, {_label(X, D)}, to 1e-6 rel. subopt."
        ours, found = _admm_to_target(X, y, D, p_star, MAX_ITER[case])
        grid = "; ".join(f"rho={r:g}: " + (f"{v[0]} it" if v[0] is not None else f"not in {MAX_ITER[case]} it "
                                            f"(gap {v[1]:.1e})") for r, v in found.items())
        if ours is None:
            ours_s, ours_text = float("nan"), f"ADMM never stayed within 1e-6 ({grid})"
        else:
            ours_s, rho, k, first, gap, infeas = ours
            ours_text = (f"ADMM rho={rho:g} (best of grid, oracle pick): gap {gap:.1e} at it {k} (first touch it "
                         f"{first}), cone viol. {infeas:.1e} [{grid}]")
        clarabel = _peer_to_target(X, y, D, p_star, "CLARABEL", (1e-5, 1e-6, 1e-7, 1e-8, 1e-9),
                                   lambda t: {"tol_gap_abs": t, "tol_gap_rel": t, "tol_feas": t})
        scs = _peer_to_target(X, y, D, p_star, "SCS", (1e-5, 1e-6, 1e-7, 1e-8, 1e-9),
                              lambda t: {"eps_abs": t, "eps_rel": t, "max_iters": 100000})
        for name, (seconds, gap, tol, viol, status) in (("cvxpy + Clarabel", clarabel), ("cvxpy + SCS", scs)):
            reached = "reached" if gap <= TARGET else f"**missed 1e-6** (best {gap:.1e})"
            rows.append(PeerTiming(task, "theorylab ADMM (Numba)", ours_s, f"{name} (tol {tol:g})", seconds,
                                   f"{ours_text}; {name}: gap {gap:.1e} {reached}, cone viol. {viol:.1e}, "
                                   f"status {status}; p* {reference.status}"))
    return rows


# ------------------------------------------------------------------------------- scaling
def scaling():
    """Seconds per ADMM iteration against n (d = 5): P = n / 10 (O((dP)^2 + n d P) = O(n^2)) and
    P = 20 fixed (O(n d P) = O(n)), the relu_iteration_cost series."""
    from bench.runner import ScalingSeries

    sizes = [200, 400, 800, 1600]
    out = []
    for what, samples, predicted, note in (
            ("P = n / 10", lambda n: n // 10, 2.0, "triangular solves O((dP)^2) dominate at large n"),
            ("P = 20 fixed", lambda n: 20, 1.0, "products with X, O(n d P); small n is overhead-bound")):
        seconds, patterns = [], []
        for n in sizes:
            X, y, D, fac = _instance(n, 4, samples(n), seed=4)
            iterations = max(5, 40000 // (n + 10 * D.shape[1]))
            run, _ = _admm_runner(X, y, D, fac, iterations)
            seconds.append(time_call(run) / iterations)
            patterns.append(D.shape[1])
        out.append(ScalingSeries(f"relu ADMM, one iteration, d = 5, {what} (P = {', '.join(map(str, patterns))})",
                                 "n", sizes, seconds, predicted, note))
    return out
