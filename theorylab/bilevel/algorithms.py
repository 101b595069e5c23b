"""First-order penalty algorithms and an implicit-differentiation baseline, returning Traces.

Kwon, Kwon, Wright & Nowak (ICLR 2024) minimize ``psi_sigma`` (the value-function penalty of
``psi``) with first-order oracles only, using the Danskin gradient

    grad psi_sigma(x) = grad_x f(x, y_sigma) + (grad_x g(x, y_sigma) - grad_x g(x, z)) / sigma,

with ``y_sigma`` approximately minimizing ``h_sigma = sigma f + g`` and ``z`` approximately
minimizing ``g``. The loop structure (two inner sequences, a penalty-gradient x-step, large
batches in the double loop, recursive momentum in the single loop) is from the paper; step sizes,
stopping rules and batch sizes are **our inference** (card tag [M]), not the paper's constants.

All runners work on :class:`~theorylab.bilevel.problems.QuadraticBilevel` instances (P1, P2); the
``*_reference`` functions are plain-NumPy mirrors of the kernels, used by the tests.
"""

from __future__ import annotations

import numpy as np

from theorylab.bilevel import _kernels
from theorylab.bilevel.problems import QuadraticBilevel
from theorylab.trace import Trace


def _arrays(problem: QuadraticBilevel) -> tuple:
    return (problem.H, problem.J, problem.K, problem.C, problem.e, problem.beta, problem.ul_kind, problem.G, problem.P,
            problem.HpJ)


def _check_problem(problem) -> None:
    if not isinstance(problem, QuadraticBilevel):
        raise TypeError("the penalty algorithms run on QuadraticBilevel problems (P1, P2), "
                        f"got {type(problem).__name__}")


def _check_positive(**values: float) -> None:
    for name, value in values.items():
        if not (np.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a positive number, got {value!r}")


def inner_steps(problem: QuadraticBilevel, sigma: float) -> tuple[float, float]:
    """Inner step sizes ``gamma_y = 1 / (sigma + L_g)`` and ``gamma_z = 1 / L_g`` (``f`` is 1-smooth in ``y``)."""
    lg = problem.lipschitz_g
    return 1.0 / (sigma + lg), 1.0 / lg


def penalty_double_loop(problem: QuadraticBilevel, x0: np.ndarray, *, sigma: float, alpha: float, eps: float,
                        inner_tol: float, max_outer: int = 10_000, max_inner: int = 1_000_000,
                        penalty_sign: float = 1.0) -> Trace:
    """Deterministic double-loop penalty method (card algorithm P-DL, deterministic oracles).

    Structure from the paper; the fixed ``sigma``, the constant ``alpha``, the inner step sizes and
    the gradient-norm stopping rule of the inner loops are our inference [M].

    Each outer step runs warm-started GD to tolerance on both inner problems, then a penalty step::

        y <- y - gamma_y (sigma grad_y f(x, y) + grad_y g(x, y))   until the gradient norm <= inner_tol
        z <- z - gamma_z grad_y g(x, z)                              until the gradient norm <= inner_tol
        x <- x - alpha [grad_x f(x, y) + (grad_x g(x, y) - grad_x g(x, z)) / sigma]

    and stops once ``||grad psi(x)|| <= eps`` (closed form, not counted as an oracle call).
    ``inner_tol = 0`` with ``max_inner = 1`` is one warm-started inner step per outer step;
    ``penalty_sign`` multiplies the penalty term of the x-step (+1; the mutants use -1).

    Returns
    -------
    Trace
        ``t`` = outer iteration; metrics ``oracle_calls`` (cumulative first-order calls before
        that step), ``grad_psi``, ``gradient_error`` (``||G_k - grad psi_sigma(x_k)||`` of the step's
        estimate ``G_k``, 0 at the last point) and ``x0``, ``x1``... (the iterate); scalars
        ``reached``, ``oracle_calls``, ``inner_capped``, ``max_gradient_error``.
    """
    _check_problem(problem)
    _check_positive(sigma=sigma, alpha=alpha, eps=eps)
    if not (np.isfinite(inner_tol) and inner_tol >= 0):
        raise ValueError(f"inner_tol must be a number >= 0, got {inner_tol!r}")
    gamma_y, gamma_z = inner_steps(problem, sigma)
    x0 = np.asarray(x0, dtype=float)
    calls, gpsi, xs = np.zeros(max_outer + 1), np.zeros(max_outer + 1), np.zeros((max_outer + 1, problem.dx))
    zeros = np.zeros(problem.dy)
    minv = np.linalg.inv(problem.H + sigma * np.eye(problem.dy))
    errors = np.zeros(max_outer + 1)
    n, reached, capped = _kernels.penalty_double_loop(*_arrays(problem), x0, zeros, zeros, sigma, alpha, gamma_y,
                                                       gamma_z, inner_tol, inner_tol, eps, max_outer, max_inner,
                                                       float(penalty_sign), minv, calls, gpsi, xs, errors)
    steps = max(n - 1, 1)
    trace = _trace(n, calls, gpsi, xs, {"reached": float(reached), "oracle_calls": float(calls[n - 1]),
                                        "inner_capped": float(capped), "sigma": sigma,
                                        "max_gradient_error": float(np.max(errors[:steps]))})
    trace.metrics["gradient_error"] = errors[:n]
    return trace


def penalty_double_loop_generic(problem, x0: np.ndarray, *, sigma: float, alpha: float, eps: float,
                                inner_tol: float, max_outer: int = 10_000, max_inner: int = 100_000,
                                penalty_sign: float = 1.0, inner_step: float | None = None) -> Trace:
    """The deterministic double loop of :func:`penalty_double_loop` on any problem given by its oracles.

    Plain NumPy (for user problems, :class:`~theorylab.bilevel.problems.UserBilevel`, and the other
    :class:`~theorylab.bilevel.problems.BilevelProblem` classes): warm-started inner GD with step
    ``inner_step`` (default: ``1 / L`` with ``L`` estimated once by power iteration on differences of
    ``grad_y g`` at ``x0``) on ``sigma f + g`` and on ``g`` to gradient norm ``inner_tol``, then the
    x-step on the Danskin gradient. Stationarity is recorded with ``problem.grad_psi`` (not counted).
    Same Trace as :func:`penalty_double_loop` (without ``gradient_error``).
    """
    _check_positive(sigma=sigma, alpha=alpha, eps=eps)
    x = np.asarray(x0, dtype=float).copy()
    y, z = np.zeros(problem.dy), np.zeros(problem.dy)
    if inner_step is None:
        v, base, h = np.ones(problem.dy) / np.sqrt(problem.dy), problem.grad_y_g(x, y), 1e-4
        lip = 1.0
        for _ in range(30):
            w = (problem.grad_y_g(x, y + h * v) - base) / h
            lip = float(np.linalg.norm(w))
            v = w / lip if lip > 0 else v
        inner_step = 1.0 / (sigma + 2.0 * max(lip, 1e-8))
    calls, gpsi, xs = [], [], []
    n_calls, reached, capped = 0, False, 0
    for k in range(max_outer + 1):
        norm = float(np.linalg.norm(problem.grad_psi(x)))
        calls.append(n_calls)
        gpsi.append(norm if np.isfinite(norm) and norm <= 1e12 else np.inf)
        xs.append(x.copy())
        if not np.isfinite(gpsi[-1]) or norm <= eps or k == max_outer:
            reached = norm <= eps
            break
        for it in range(max_inner + 1):
            gy = sigma * problem.grad_y_f(x, y) + problem.grad_y_g(x, y)
            n_calls += 2
            if not np.linalg.norm(gy) > inner_tol:
                break
            if it == max_inner:
                capped += 1
                break
            y = y - inner_step * gy
        for it in range(max_inner + 1):
            gz = problem.grad_y_g(x, z)
            n_calls += 1
            if not np.linalg.norm(gz) > inner_tol:
                break
            if it == max_inner:
                capped += 1
                break
            z = z - inner_step * gz
        step = problem.grad_x_f(x, y) + penalty_sign * (problem.grad_x_g(x, y) - problem.grad_x_g(x, z)) / sigma
        n_calls += 3
        x = x - alpha * step
    n = len(calls)
    return _trace(n, np.array(calls, float), np.array(gpsi), np.array(xs),
                  {"reached": float(reached), "oracle_calls": float(calls[-1]), "inner_capped": float(capped),
                   "sigma": sigma})


def stochastic_double_loop(problem: QuadraticBilevel, x0: np.ndarray, rng: np.random.Generator, *, sigma: float,
                           alpha: float, noise: float, n_outer: int, n_inner: int, batch: int) -> Trace:
    """Stochastic double-loop penalty method (card P-DL with stochastic oracles; constants inferred [M]).

    ``n_inner`` SGD steps on ``y`` (for ``h_sigma``) and ``z`` (for ``g``), then an x-step on the
    mean of ``batch`` samples of ``grad_x f(x, y) + (grad_x g(x, y; phi) - grad_x g(x, z; phi)) / sigma``
    with the same lower-level sample ``phi`` in both ``g`` terms. Noise model: see
    :func:`theorylab.bilevel._kernels.stochastic_double_loop`.
    """
    _check_problem(problem)
    _check_positive(sigma=sigma, alpha=alpha)
    gamma_y, gamma_z = inner_steps(problem, sigma)
    dx, dy = problem.dx, problem.dy
    inner_noise = rng.standard_normal((n_outer, n_inner, 2, dy))
    fx_noise = rng.standard_normal((n_outer, batch, dx))
    gx_noise = rng.standard_normal((n_outer, batch, dx, dy))
    calls, gpsi, xs = np.zeros(n_outer + 1), np.zeros(n_outer + 1), np.zeros((n_outer + 1, dx))
    zeros = np.zeros(dy)
    n = _kernels.stochastic_double_loop(*_arrays(problem), np.asarray(x0, float), zeros, zeros, sigma, alpha,
                                        0.5 * gamma_y, 0.5 * gamma_z, noise, inner_noise, fx_noise, gx_noise,
                                        calls, gpsi, xs)
    return _trace(n, calls, gpsi, xs, {"oracle_calls": float(calls[n - 1]), "sigma": sigma})


def momentum_single_loop(problem: QuadraticBilevel, x0: np.ndarray, rng: np.random.Generator, *, sigma: float,
                         alpha: float, eta: float, noise: float, n_iter: int, record_every: int = 10) -> Trace:
    """Single-loop penalty method with recursive momentum (card P-SL, reconstructed [M]).

    One sample per iteration; STORM-type estimators ``d_t = G(w_t; xi_t) + (1 - eta)(d_{t-1} - G(w_{t-1}; xi_t))``
    for the ``y``-, ``z``- and ``x``-directions, then simultaneous steps
    ``y -= gamma_y d_y``, ``z -= gamma_z d_z``, ``x -= alpha d_x``. ``eta = 1`` is plain single-loop SGD.
    """
    _check_problem(problem)
    _check_positive(sigma=sigma, alpha=alpha, eta=eta)
    if eta > 1:
        raise ValueError(f"eta must lie in (0, 1], got {eta}")
    gamma_y, gamma_z = inner_steps(problem, sigma)
    dx, dy = problem.dx, problem.dy
    fy, fx = rng.standard_normal((n_iter, dy)), rng.standard_normal((n_iter, dx))
    gy, gx = rng.standard_normal((n_iter, dy)), rng.standard_normal((n_iter, dx, dy))
    size = n_iter // record_every + 2
    calls, gpsi, xs = np.zeros(size), np.zeros(size), np.zeros((size, dx))
    zeros = np.zeros(dy)
    n = _kernels.momentum_single_loop(*_arrays(problem), np.asarray(x0, float), zeros, zeros, sigma, alpha,
                                      0.5 * gamma_y, 0.5 * gamma_z, eta, noise, fy, fx, gy, gx, record_every,
                                      calls, gpsi, xs)
    return _trace(n, calls, gpsi, xs, {"oracle_calls": float(calls[n - 1]), "sigma": sigma})


def implicit_differentiation(problem: QuadraticBilevel, x0: np.ndarray, *, alpha: float, n_outer: int,
                             n_inner: int, n_cg: int) -> Trace:
    """Approximate implicit differentiation (second-order baseline, not from the paper).

    ``y`` follows ``n_inner`` warm-started GD steps on ``g``; ``v`` solves ``grad^2_yy g v = grad_y f``
    by ``n_cg`` CG steps; ``x <- x - alpha (grad_x f(x, y) - grad^2_xy g(x, y) v)``. Metric
    ``hvp_calls`` counts Hessian-vector products.
    """
    _check_problem(problem)
    _check_positive(alpha=alpha)
    dx = problem.dx
    calls, hvps, gpsi, xs = (np.zeros(n_outer + 1), np.zeros(n_outer + 1), np.zeros(n_outer + 1),
                             np.zeros((n_outer + 1, dx)))
    n = _kernels.implicit_differentiation(*_arrays(problem), np.asarray(x0, float), np.zeros(problem.dy), alpha,
                                          1.0 / problem.lipschitz_g, n_outer, n_inner, n_cg, calls, hvps, gpsi, xs)
    trace = _trace(n, calls, gpsi, xs, {"oracle_calls": float(calls[n - 1]), "hvp_calls": float(hvps[n - 1])})
    trace.metrics["hvp_calls"] = hvps[:n]
    return trace


def _trace(n: int, calls, gpsi, xs, scalars: dict) -> Trace:
    metrics = {"oracle_calls": calls[:n], "grad_psi": gpsi[:n]}
    metrics.update({f"x{i}": xs[:n, i] for i in range(xs.shape[1])})
    return Trace(np.arange(n), metrics, scalars)


def stationary_point_of_penalty(problem, x0: np.ndarray, sigma: float, *, step: float = 0.05,
                                tol: float = 1e-12, max_iter: int = 200_000,
                                gradient=None) -> tuple[np.ndarray, float, int]:
    """Exact gradient descent ``x <- x - step * grad psi_sigma(x)`` until ``||grad psi_sigma|| <= tol``.

    For the quadratic family it uses the cancellation-free gradient, so ``tol`` can sit near machine
    precision; any other problem (a subclass of :class:`~theorylab.bilevel.problems.BilevelProblem`,
    or a user problem) uses the Danskin gradient :func:`~theorylab.bilevel.problems.penalty_gradient`.
    ``gradient(problem, x, sigma)`` replaces both. Returns ``(x, ||grad psi_sigma(x)||, iterations)``.
    """
    if gradient is None:
        if hasattr(problem, "penalty_gradient_reduced"):
            def gradient(p, x, s):
                return p.penalty_gradient_reduced(x, s)
        else:
            from theorylab.bilevel.problems import penalty_gradient as gradient
    x = np.asarray(x0, dtype=float).copy()
    for it in range(max_iter):
        grad = gradient(problem, x, sigma)
        norm = float(np.linalg.norm(grad))
        if norm <= tol or not np.isfinite(norm):
            return x, norm, it
        x = x - step * grad
    return x, float(np.linalg.norm(gradient(problem, x, sigma))), max_iter


def penalty_x_estimates(problem: QuadraticBilevel, x, y, z, sigma: float, noise_y, noise_z) -> np.ndarray:
    """Samples of ``(grad_x g(x, y; phi) - grad_x g(x, z; phi')) / sigma`` (card C8 noise model, [D]).

    The stochastic oracle is ``grad_x g(x, y; phi) = grad_x g(x, y) + N_phi y`` with ``N_phi`` a
    standard normal dx x dy matrix (mean-squared smooth in ``y``). Passing the same draws as
    ``noise_y`` and ``noise_z`` gives the shared-sample estimator of the paper's algorithms, whose
    noise ``N (y - z) / sigma`` stays O(1) when ``||y - z|| = O(sigma)``; independent draws give
    noise of order ``1 / sigma``. ``noise_*`` have shape (n, dx, dy); returns shape (n, dx).
    """
    mean = (problem.grad_x_g(x, y) - problem.grad_x_g(x, z)) / sigma
    return mean + (noise_y @ y - noise_z @ z) / sigma


# ------------------------------------------------------------------------- NumPy references (tests)
def _grad_psi_norm(p, x):
    return float(np.linalg.norm(p.grad_psi(x)))


def penalty_double_loop_reference(p: QuadraticBilevel, x0, *, sigma, alpha, eps, inner_tol, max_outer, max_inner,
                                  penalty_sign=1.0):
    """Plain-NumPy mirror of the deterministic double-loop kernel: list of (calls, ||grad psi||)."""
    gamma_y, gamma_z = inner_steps(p, sigma)
    x, y, z = np.array(x0, float), np.zeros(p.dy), np.zeros(p.dy)
    calls, out = 0, []
    for k in range(max_outer + 1):
        out.append((calls, _grad_psi_norm(p, x)))
        if out[-1][1] <= eps or k == max_outer:
            return out
        for it in range(max_inner + 1):
            gy = sigma * p.grad_y_f(x, y) + p.grad_y_g(x, y)
            calls += 2
            if np.linalg.norm(gy) <= inner_tol or it == max_inner:
                break
            y = y - gamma_y * gy
        for it in range(max_inner + 1):
            gz = p.grad_y_g(x, z)
            calls += 1
            if np.linalg.norm(gz) <= inner_tol or it == max_inner:
                break
            z = z - gamma_z * gz
        x = x - alpha * (p.grad_x_f(x, y) + penalty_sign * (p.grad_x_g(x, y) - p.grad_x_g(x, z)) / sigma)
        calls += 3
    return out


def momentum_single_loop_reference(p: QuadraticBilevel, x0, noise_arrays, *, sigma, alpha, eta, noise):
    """Plain-NumPy mirror of the single-loop kernel (every iteration recorded): list of ||grad psi||."""
    fy, fx, gy, gx = noise_arrays
    gamma_y, gamma_z = (0.5 * s for s in inner_steps(p, sigma))

    def directions(x, y, z, t):
        N = noise * gx[t]
        ay = sigma * (p.grad_y_f(x, y) + noise * fy[t]) + p.grad_y_g(x, y) + noise * gy[t]
        az = p.grad_y_g(x, z) + noise * gy[t]
        ax = (p.grad_x_f(x, y) + noise * fx[t]
              + ((p.grad_x_g(x, y) + N @ y) - (p.grad_x_g(x, z) + N @ z)) / sigma)
        return ay, az, ax

    x, y, z = np.array(x0, float), np.zeros(p.dy), np.zeros(p.dy)
    prev, d, out = None, None, []
    for t in range(len(fy)):
        out.append(_grad_psi_norm(p, x))
        a = directions(x, y, z, t)
        d = a if prev is None else tuple(ai + (1 - eta) * (di - bi) for ai, di, bi in zip(a, d, directions(*prev, t)))
        prev = (x, y, z)
        y, z, x = y - gamma_y * d[0], z - gamma_z * d[1], x - alpha * d[2]
    out.append(_grad_psi_norm(p, x))
    return out


def implicit_differentiation_reference(p: QuadraticBilevel, x0, *, alpha, n_outer, n_inner):
    """Plain-NumPy mirror of the AID kernel with an exact linear solve in place of CG."""
    x, y, out = np.array(x0, float), np.zeros(p.dy), []
    gamma = 1.0 / p.lipschitz_g
    for _ in range(n_outer):
        out.append(_grad_psi_norm(p, x))
        for _ in range(n_inner):
            y = y - gamma * p.grad_y_g(x, y)
        v = np.linalg.solve(p.hess_yy_g(x, y), p.grad_y_f(x, y))
        x = x - alpha * (p.grad_x_f(x, y) - p.hess_xy_g(x, y) @ v)
    out.append(_grad_psi_norm(p, x))
    return out


def stochastic_double_loop_reference(p: QuadraticBilevel, x0, noise_arrays, *, sigma, alpha, noise):
    """Plain-NumPy mirror of the stochastic double-loop kernel: list of ||grad psi||."""
    inner_noise, fx_noise, gx_noise = noise_arrays
    gamma_y, gamma_z = (0.5 * s for s in inner_steps(p, sigma))
    x, y, z = np.array(x0, float), np.zeros(p.dy), np.zeros(p.dy)
    out = []
    for k in range(inner_noise.shape[0]):
        out.append(_grad_psi_norm(p, x))
        for t in range(inner_noise.shape[1]):
            gy = (sigma * (p.grad_y_f(x, y) + noise * inner_noise[k, t, 0])
                  + p.grad_y_g(x, y) + noise * inner_noise[k, t, 1])
            gz = p.grad_y_g(x, z) + noise * inner_noise[k, t, 1]
            y, z = y - gamma_y * gy, z - gamma_z * gz
        samples = [p.grad_x_f(x, y) + noise * fx_noise[k, m]
                   + ((p.grad_x_g(x, y) + noise * gx_noise[k, m] @ y) - (p.grad_x_g(x, z) + noise * gx_noise[k, m] @ z))
                   / sigma for m in range(fx_noise.shape[1])]
        x = x - alpha * np.mean(samples, axis=0)
    out.append(_grad_psi_norm(p, x))
    return out
