"""The convex training programs, solved by cvxpy as the reference, and the map back to a network.

Programs over a pattern set ``D_1..D_P`` (``D`` is the (n, P) 0/1 array of :mod:`arrangements`):

* ReLU (Pilanci and Ergen 2020; card 3.1)::

      min_{v_i, w_i}  l(sum_i D_i X (v_i - w_i), y) + beta sum_i (||v_i||_2 + ||w_i||_2)
      s.t.            (2 D_i - I) X v_i >= 0,  (2 D_i - I) X w_i >= 0

  exact over all patterns, the "approximate" program over a sampled subset (an upper bound);
* gated ReLU (card 3.3): the same without the cone constraints and one free block per pattern,
  a lower bound on the ReLU program over the same patterns.

Losses: ``"squared"`` ``1/2 ||yhat - y||^2``, ``"hinge"`` ``sum_k max(0, 1 - y_k yhat_k)`` (labels in
{-1, +1}) and ``"bce"``, binary cross-entropy on the logit ``yhat`` with labels in {0, 1},
``sum_k log(1 + exp(yhat_k)) - y_k yhat_k`` (cvxpy ``logistic``, an exponential-cone program).
Reference solver: cvxpy with Clarabel (interior point) at ``tol_gap_abs = tol_gap_rel =
tol_feas = 1e-10`` (card section 7; SCS is too loose to serve as ground truth), falling back to
1e-9 and 1e-8 when Clarabel stops at its reduced accuracy or raises ``SolverError``; the status says
which was used.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import cvxpy as cp
import numpy as np

SOLVER = "CLARABEL"
TOLERANCES = (1e-10, 1e-9, 1e-8)   # tol_gap_abs = tol_gap_rel = tol_feas, tried in turn
LOSSES = ("squared", "hinge", "bce")


@dataclass(frozen=True)
class ConvexSolution:
    """A solved convex program.

    Attributes
    ----------
    V, W : ndarray of shape (d, P)
        Column i is ``v_i`` / ``w_i`` (for the gated program ``W`` is zero and ``V`` holds the
        free blocks).
    value : float
        Optimal value reported by the solver.
    solve_time : float
        Solver time in seconds (``solver_stats.solve_time``; cvxpy's compile time excluded).
    status : str
        ``"optimal at tol 1e-10"`` (or the fallback tolerance that was fully solved).
    tolerance : float
        The Clarabel tolerance that was met (NaN when only reduced accuracy was reached).
    """

    V: np.ndarray
    W: np.ndarray
    value: float
    solve_time: float
    status: str
    tolerance: float = float("nan")


def _check_loss(loss: str) -> None:
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")


def loss_value(yhat: np.ndarray, y: np.ndarray, loss: str) -> float:
    """``1/2 ||yhat - y||^2`` (squared), ``sum max(0, 1 - y yhat)`` (hinge) or
    ``sum log(1 + exp(yhat)) - y yhat`` (bce, labels in {0, 1}, computed stably by ``logaddexp``)."""
    _check_loss(loss)
    if loss == "squared":
        return 0.5 * float(np.sum((yhat - y) ** 2))
    if loss == "bce":
        return float(np.sum(np.logaddexp(0.0, yhat) - y * yhat))
    return float(np.sum(np.maximum(0.0, 1.0 - y * yhat)))


def _cvx_loss(yhat, y: np.ndarray, loss: str):
    if loss == "squared":
        return 0.5 * cp.sum_squares(yhat - y)
    if loss == "bce":
        return cp.sum(cp.logistic(yhat) - cp.multiply(y, yhat))
    return cp.sum(cp.pos(1 - cp.multiply(y, yhat)))


def _solve(problem: cp.Problem) -> tuple[float, str, float]:
    """Solve at 1e-10; if Clarabel only reaches its reduced accuracy there ("optimal_inaccurate",
    which guarantees far less) or fails outright (``cvxpy.error.SolverError``, e.g. a numerical
    breakdown at the tightest tolerance), retry at 1e-9 and 1e-8 and keep the first fully solved
    one. A failure at the last tolerance is raised."""
    total = 0.0
    for tol in TOLERANCES:
        start = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="Solution may be inaccurate")
                problem.solve(solver=SOLVER, tol_gap_abs=tol, tol_gap_rel=tol, tol_feas=tol)
        except cp.error.SolverError:
            total += time.perf_counter() - start
            if tol == TOLERANCES[-1]:
                raise
            continue
        stats = problem.solver_stats
        total += stats.solve_time if stats is not None and stats.solve_time is not None else time.perf_counter() - start
        if problem.status == "optimal":
            return float(total), f"optimal at tol {tol:g}", tol
        if problem.status != "optimal_inaccurate":
            raise RuntimeError(f"{SOLVER} returned status {problem.status}")
    warnings.warn(f"{SOLVER} reached only reduced accuracy at every tolerance {TOLERANCES}", RuntimeWarning)
    return float(total), "optimal_inaccurate", float("nan")


def relu_problem(X: np.ndarray, y: np.ndarray, D: np.ndarray, beta: float, *, loss: str = "squared"
                 ) -> tuple[cp.Problem, cp.Variable, cp.Variable]:
    """The cvxpy problem of the ReLU program over ``D`` (see :func:`relu_program`), unsolved."""
    _check_loss(loss)
    d, P = X.shape[1], D.shape[1]
    V, W = cp.Variable((d, P)), cp.Variable((d, P))
    E = 2.0 * D - 1.0
    yhat = cp.sum(cp.multiply(D, X @ (V - W)), axis=1)
    objective = _cvx_loss(yhat, y, loss) + beta * (cp.sum(cp.norm(V, 2, axis=0)) + cp.sum(cp.norm(W, 2, axis=0)))
    problem = cp.Problem(cp.Minimize(objective), [cp.multiply(E, X @ V) >= 0, cp.multiply(E, X @ W) >= 0])
    return problem, V, W


def interior_point_step_seconds(X: np.ndarray, y: np.ndarray, D: np.ndarray, beta: float, *,
                                steps: tuple[int, int] = (1, 3), repetitions: int = 1) -> float:
    """Clarabel's time per interior-point (Newton) iteration on the ReLU program over ``D``, in
    process CPU seconds (one thread: wall time on an idle machine, but not inflated by preemption).

    The problem is compiled once by cvxpy; Clarabel then runs with ``max_iter = steps[0]`` and
    ``max_iter = steps[1]`` and the difference of the two runs' CPU times divided by the difference of
    its iteration counts is one Newton step (KKT factorization and solves) without the setup (on
    problems so small that the difference drowns in timer noise, the longer run's time per
    iteration, setup included).
    Best of ``repetitions`` (default one: the step at n = 800 takes about a second).
    """
    from cvxpy.reductions.solvers.conic_solvers.clarabel_conif import CLARABEL

    problem = relu_problem(X, y, D, beta)[0]
    data = problem.get_problem_data(SOLVER)[0]
    solver = CLARABEL()
    options = {"tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10, "tol_feas": 1e-10}
    best = np.inf
    for _ in range(repetitions):
        cpu, runs = [], []
        for k in steps:
            start = time.process_time()
            runs.append(solver.solve_via_data(data, False, False, {**options, "max_iter": k}))
            cpu.append(time.process_time() - start)
        done = runs[1].iterations - runs[0].iterations
        step = (cpu[1] - cpu[0]) / done if done > 0 else -1.0
        if step <= 0:                      # below timer noise (tiny problems): setup included instead
            step = cpu[1] / max(runs[1].iterations, 1)
        best = min(best, step)
    return float(best)


def convex_output(X: np.ndarray, D: np.ndarray, V: np.ndarray, W: np.ndarray) -> np.ndarray:
    """``sum_i D_i X (v_i - w_i)``, shape (n,)."""
    return np.sum(D * (X @ (V - W)), axis=1)


def convex_objective(X, y, D, V, W, beta: float, loss: str = "squared") -> float:
    """Objective of the ReLU program at ``(V, W)`` (cone constraints not checked)."""
    penalty = np.sum(np.linalg.norm(V, axis=0)) + np.sum(np.linalg.norm(W, axis=0))
    return loss_value(convex_output(X, D, V, W), y, loss) + beta * float(penalty)


def cone_violation(X: np.ndarray, D: np.ndarray, V: np.ndarray, W: np.ndarray) -> float:
    """Largest violation ``max(0, -(2 D_i - I) X v_i)`` over all blocks and samples."""
    E = 2.0 * D - 1.0
    return float(max(np.max(np.maximum(0.0, -E * (X @ V))), np.max(np.maximum(0.0, -E * (X @ W)))))


def relu_program(X: np.ndarray, y: np.ndarray, D: np.ndarray, beta: float, *, loss: str = "squared"
                 ) -> ConvexSolution:
    """Solve the (exact or sampled) convex ReLU program over the patterns ``D`` with cvxpy.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
        Targets (regression), labels in {-1, +1} (hinge) or labels in {0, 1} (bce).
    D : ndarray of shape (n, P)
        Patterns (0/1), one per column.
    beta : float
        Weight of the group penalty (the non-convex net's weight decay is beta / 2 on both layers).
    loss : {"squared", "hinge", "bce"}
    """
    problem, V, W = relu_problem(X, y, D, beta, loss=loss)
    timing = _solve(problem)
    return ConvexSolution(np.asarray(V.value), np.asarray(W.value), float(problem.value), *timing)


def gated_program(X: np.ndarray, y: np.ndarray, D: np.ndarray, beta: float, *, loss: str = "squared"
                  ) -> ConvexSolution:
    """Solve the gated-ReLU group lasso ``min l(sum_i D_i X w_i, y) + beta sum_i ||w_i||`` (card 3.3)."""
    _check_loss(loss)
    d, P = X.shape[1], D.shape[1]
    V = cp.Variable((d, P))
    yhat = cp.sum(cp.multiply(D, X @ V), axis=1)
    problem = cp.Problem(cp.Minimize(_cvx_loss(yhat, y, loss) + beta * cp.sum(cp.norm(V, 2, axis=0))))
    timing = _solve(problem)
    return ConvexSolution(np.asarray(V.value), np.zeros((d, P)), float(problem.value), *timing)


def network_from_convex(V: np.ndarray, W: np.ndarray, *, rel_tol: float = 1e-6) -> tuple[np.ndarray, np.ndarray]:
    """Map a convex solution to a two-layer ReLU net, one neuron per non-zero block (card 3.1).

    ``v_i != 0`` gives ``u = v_i / sqrt(||v_i||)``, ``alpha = +sqrt(||v_i||)``; ``w_i != 0`` gives
    ``u = w_i / sqrt(||w_i||)``, ``alpha = -sqrt(||w_i||)``. Then ``(beta/2)(||u||^2 + alpha^2) =
    beta ||v_i||`` and, when the cone constraint holds, ``alpha max(0, X u) = D_i X v_i``.
    Blocks with norm at most ``rel_tol`` times the largest are dropped (a relative threshold:
    absolute ones count solver noise as neurons, card pitfall on neuron counting).

    Returns
    -------
    U : ndarray of shape (d, m)
    alpha : ndarray of shape (m,)
    """
    blocks = np.hstack([V, W])
    signs = np.concatenate([np.ones(V.shape[1]), -np.ones(W.shape[1])])
    norms = np.linalg.norm(blocks, axis=0)
    top = norms.max() if norms.size else 0.0
    keep = norms > rel_tol * top if top > 0 else np.zeros(norms.shape, dtype=bool)
    scale = np.sqrt(norms[keep])
    return blocks[:, keep] / scale, signs[keep] * scale


def network_output(X: np.ndarray, U: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """``f(x) = sum_j alpha_j max(0, x^T u_j)`` for every row of ``X``."""
    return np.maximum(X @ U, 0.0) @ alpha


def network_objective(X, y, U, alpha, beta: float, loss: str = "squared") -> float:
    """Non-convex training objective ``l(f(X), y) + (beta/2)(||U||_F^2 + ||alpha||^2)``."""
    return loss_value(network_output(X, U, alpha), y, loss) + 0.5 * beta * float(np.sum(U * U) + np.sum(alpha * alpha))
