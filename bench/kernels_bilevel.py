"""Bilevel penalty kernels (Kwon et al., ICLR 2024) on the quadratic family P1 / P2: the four
algorithm loops and the closed-form / helper kernels, against the NumPy mirrors in
``theorylab.bilevel.algorithms`` (the ``*_reference`` functions the tests compare with)."""

from __future__ import annotations

import math

import numpy as np

from bench.harness import KernelTiming, compile_seconds, time_call
from theorylab.bilevel import _kernels, algorithms, problems


def _arrays(p):
    return (p.H, p.J, p.K, p.C, p.e, p.beta, p.G, p.P, p.HpJ)


def _instance(kind: str, dx: int, dy: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    p = problems.make_p2(rng, dx=dx, dy=dy, m=2) if kind == "p2" else problems.make_p1(rng, dx=dx, dy=dy)
    return p, rng.uniform(-2, 2, dx), rng


# Sizes: the quick profile's instances first (P2 dx=3, dy=6 for bilevel_pdl; P1 dx=2, dy=5 for
# bilevel_sdl / psl / aid), then a larger P1 (dx=10, dy=50). P2 is not scaled up: its lower level's
# condition number makes the double loop's inner GD run ~1e6 oracle calls at dy = 50.
SMALL_P1, LARGE_P1 = (2, 5), (10, 50)


def _time(fn) -> float:
    """Shorter batches than the harness default: five fresh compiles already take ~15 s of the budget."""
    return time_call(fn, min_time=0.05, repeats=3)


def _naive_grad_psi_norm(x, beta, C, e, G, P, HpJ):
    def mv(M, v):
        return [sum(a * b for a, b in zip(row, v)) for row in M]

    z = [c + ei for c, ei in zip(mv(C, x), e)]
    r = [a - b for a, b in zip(mv(P, z), mv(HpJ, x))]
    grad = [-beta * math.sin(xi) + g for xi, g in zip(x, mv([list(col) for col in zip(*G)], r))]
    return math.sqrt(sum(g * g for g in grad))


def helper_timings() -> list[KernelTiming]:
    """grad_psi_norm (closed-form stationarity, recorded at every outer step) and the helpers _norm,
    _finite (inlined in the loops; timed from Python here, so dispatch overhead dominates)."""
    out = []
    for kind, dx, dy in (("p2", 3, 6), ("p1", 50, 200)):
        p, x, _ = _instance(kind, dx, dy)
        args = (x, p.beta, p.C, p.e, p.G, p.P, p.HpJ)
        naive = None
        if dy == 6:
            lists = (x.tolist(), p.beta, p.C.tolist(), p.e.tolist(), p.G.tolist(), p.P.tolist(), p.HpJ.tolist())
            naive = _time(lambda: _naive_grad_psi_norm(*lists))
        out.append(KernelTiming("bilevel grad_psi_norm", f"{kind.upper()} dx={dx}, dy={dy}",
                                _time(lambda: _kernels.grad_psi_norm(*args)),
                                _time(lambda: algorithms._grad_psi_norm(p, x)), naive,
                                compile_seconds(_kernels.grad_psi_norm, *args) if dy == 6 else None,
                                note="reference: algorithms._grad_psi_norm (norm of problem.grad_psi)"))
    rng = np.random.default_rng(1)
    for n in (6, 1000):
        v, w = rng.standard_normal(n), rng.standard_normal(n)
        out.append(KernelTiming("bilevel _norm (helper)", f"n={n}", _time(lambda: _kernels._norm(v)),
                                _time(lambda: np.linalg.norm(v)), None,
                                compile_seconds(_kernels._norm, v) if n == 6 else None,
                                note="reference: np.linalg.norm; inlined in the loops, timed here with call overhead"))
        out.append(KernelTiming("bilevel _finite (helper)", f"n={n}", _time(lambda: _kernels._finite(1.0, v, w)),
                                _time(lambda: 1.0 <= _kernels.BLOWUP and bool(np.all(np.isfinite(v)))
                                          and bool(np.all(np.isfinite(w)))), None,
                                compile_seconds(_kernels._finite, 1.0, v, w) if n == 6 else None,
                                note="reference: the same test with np.isfinite; inlined in the loops"))
    return out


def double_loop_timings() -> list[KernelTiming]:
    """penalty_double_loop, capped at max_outer outer steps (bilevel_pdl's eps = 0.1, sigma = 0.02, alpha = 0.05)."""
    out = []
    for kind, dx, dy, max_outer in (("p2", 3, 6, 10), ("p1", *LARGE_P1, 25)):
        p, x0, _ = _instance(kind, dx, dy)
        sigma, eps, inner_tol, alpha = 0.02, 0.1, 2e-4, 0.05
        gamma_y, gamma_z = algorithms.inner_steps(p, sigma)
        zeros = np.zeros(p.dy)
        calls, gpsi, xs = np.zeros(max_outer + 1), np.zeros(max_outer + 1), np.zeros((max_outer + 1, dx))
        args = (*_arrays(p), x0, zeros, zeros, sigma, alpha, gamma_y, gamma_z, inner_tol, inner_tol, 1e-12, max_outer,
                1_000_000, calls, gpsi, xs)
        _kernels.penalty_double_loop(*args)
        ref = _time(lambda: algorithms.penalty_double_loop_reference(p, x0, sigma=sigma, alpha=alpha, eps=1e-12,
                                                                     inner_tol=inner_tol, max_outer=max_outer,
                                                                     max_inner=1_000_000))
        out.append(KernelTiming("bilevel penalty_double_loop", f"{kind.upper()} dx={dx}, dy={dy}, "
                                f"K={max_outer} ({int(calls[-1])} oracle calls)",
                                _time(lambda: _kernels.penalty_double_loop(*args)), ref, None,
                                compile_seconds(_kernels.penalty_double_loop, *args) if kind == "p2" else None,
                                note="reference: penalty_double_loop_reference (NumPy loop)"))
    return out


def stochastic_timings() -> list[KernelTiming]:
    """stochastic_double_loop at bilevel_sdl's quick config (n_inner = 10, batch = 16, noise = 0.1)."""
    out = []
    for (dx, dy), n_outer in ((SMALL_P1, 200), (LARGE_P1, 50)):
        p, x0, rng = _instance("p1", dx, dy)
        sigma, alpha, noise, n_inner, batch = 0.05, 0.05, 0.1, 10, 16
        gamma_y, gamma_z = algorithms.inner_steps(p, sigma)
        arrays = (rng.standard_normal((n_outer, n_inner, 2, dy)), rng.standard_normal((n_outer, batch, dx)),
                  rng.standard_normal((n_outer, batch, dx, dy)))
        calls, gpsi, xs = np.zeros(n_outer + 1), np.zeros(n_outer + 1), np.zeros((n_outer + 1, dx))
        zeros = np.zeros(dy)
        args = (*_arrays(p), x0, zeros, zeros, sigma, alpha, 0.5 * gamma_y, 0.5 * gamma_z, noise, *arrays,
                calls, gpsi, xs)
        ref = _time(lambda: algorithms.stochastic_double_loop_reference(p, x0, arrays, sigma=sigma, alpha=alpha,
                                                                        noise=noise))
        out.append(KernelTiming("bilevel stochastic_double_loop", f"P1 dx={dx}, dy={dy}, K={n_outer}, T={n_inner}, "
                                f"M={batch}", _time(lambda: _kernels.stochastic_double_loop(*args)), ref, None,
                                compile_seconds(_kernels.stochastic_double_loop, *args) if dy == 5 else None,
                                note="reference: stochastic_double_loop_reference (NumPy loop)"))
    return out


def _single_loop_args(dx: int, dy: int, n_iter: int, record_every: int = 1):
    p, x0, rng = _instance("p1", dx, dy)
    sigma, alpha, eta, noise = 0.05, 0.05, 0.1, 0.1
    gamma_y, gamma_z = algorithms.inner_steps(p, sigma)
    arrays = (rng.standard_normal((n_iter, dy)), rng.standard_normal((n_iter, dx)), rng.standard_normal((n_iter, dy)),
              rng.standard_normal((n_iter, dx, dy)))
    size = n_iter // record_every + 2
    calls, gpsi, xs = np.zeros(size), np.zeros(size), np.zeros((size, dx))
    zeros = np.zeros(dy)
    args = (*_arrays(p), x0, zeros, zeros, sigma, alpha, 0.5 * gamma_y, 0.5 * gamma_z, eta, noise, *arrays,
            record_every, calls, gpsi, xs)
    return p, x0, arrays, args, dict(sigma=sigma, alpha=alpha, eta=eta, noise=noise)


def single_loop_timings() -> list[KernelTiming]:
    """momentum_single_loop, recording every iteration as its reference does (bilevel_psl records every 10th)."""
    out = []
    for dx, dy in (SMALL_P1, LARGE_P1):
        n_iter = 1000
        p, x0, arrays, args, options = _single_loop_args(dx, dy, n_iter)
        ref = _time(lambda: algorithms.momentum_single_loop_reference(p, x0, arrays, **options))
        out.append(KernelTiming("bilevel momentum_single_loop", f"P1 dx={dx}, dy={dy}, iterations={n_iter}",
                                _time(lambda: _kernels.momentum_single_loop(*args)), ref, None,
                                compile_seconds(_kernels.momentum_single_loop, *args) if dy == 5 else None,
                                note="reference: momentum_single_loop_reference (NumPy loop); record_every = 1"))
    return out


def aid_timings() -> list[KernelTiming]:
    """implicit_differentiation at bilevel_aid's quick config (n_outer = 200, n_inner = 10, n_cg = dy)."""
    out = []
    for (dx, dy), n_outer in ((SMALL_P1, 200), (LARGE_P1, 100)):
        p, x0, _ = _instance("p1", dx, dy)
        alpha, n_inner = 0.05, 10
        calls, hvps, gpsi = np.zeros(n_outer + 1), np.zeros(n_outer + 1), np.zeros(n_outer + 1)
        xs = np.zeros((n_outer + 1, dx))
        args = (*_arrays(p), x0, np.zeros(dy), alpha, 1.0 / p.lipschitz_g, n_outer, n_inner, dy, calls, hvps, gpsi, xs)
        ref = _time(lambda: algorithms.implicit_differentiation_reference(p, x0, alpha=alpha, n_outer=n_outer,
                                                                          n_inner=n_inner))
        out.append(KernelTiming("bilevel implicit_differentiation", f"P1 dx={dx}, dy={dy}, K={n_outer}, "
                                f"inner={n_inner}, CG={dy}", _time(lambda: _kernels.implicit_differentiation(*args)),
                                ref, None,
                                compile_seconds(_kernels.implicit_differentiation, *args) if dy == 5 else None,
                                note="reference: implicit_differentiation_reference (NumPy loop, exact solve "
                                     "in place of CG)"))
    return out


def timings() -> list[KernelTiming]:
    return helper_timings() + double_loop_timings() + stochastic_timings() + single_loop_timings() + aid_timings()


def scaling():
    """Seconds per single-loop iteration against dy (dx = 10): dense dy x dy and dx x dy products."""
    from bench.runner import ScalingSeries

    sizes, seconds, n_iter = [100, 200, 400, 800], [], 20
    for dy in sizes:
        _, _, _, args, _ = _single_loop_args(10, dy, n_iter, record_every=n_iter)
        seconds.append(_time(lambda: _kernels.momentum_single_loop(*args)) / n_iter)
    return [ScalingSeries("bilevel momentum_single_loop, one iteration (P1, dx = 10)", "dy", sizes, seconds, 2.0,
                          "work is O(dy^2): 4 products with H and 4 with the dx x dy noise per iteration")]
