"""Public entry points: projected (composite) SGD on stochastic problems, and the Harvey instances.

Each validates its inputs, builds arrays and calls a kernel of :mod:`theorylab.sgd._kernels`;
``*_reference`` functions are the plain NumPy versions the tests compare the kernels with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from theorylab.sgd import _kernels
from theorylab.sgd.problems import HarveyInstance, NonSmoothInstance, StochasticProblem, draw_noise
from theorylab.sgd.schedules import Schedule

# Numbers of noise values drawn per block: large enough that the Python loop over blocks costs
# nothing, small enough that a block stays in cache-sized memory (~2 MB).
_BLOCK_VALUES = 1 << 18


@dataclass(frozen=True)
class HarveyResult:
    """One run on a Harvey instance: f(x_t) for t = 1..T+1, the suffix average's value, iterates."""

    values: np.ndarray
    suffix: float
    iterates: np.ndarray | None = None

    @property
    def last(self) -> float:
        """f(x_{T+1}) - f* (f* = 0 on both instances)."""
        return float(self.values[-1])


def run_harvey(instance: HarveyInstance, steps: np.ndarray, *, suffix_from: int | None = None,
               store_iterates: bool = False, largest_index: bool = False) -> HarveyResult:
    """Projected subgradient descent on a Harvey et al. (COLT 2019) instance.

    x_1 = 0, x_{t+1} = Pi_B(x_t - eta_t g_t) with g_t = h_{i'} (+ x_t on the strongly convex
    instance), i' the smallest index of a piece attaining the max, B the unit ball. O(T) per step
    through prefix sums of a * x, so O(T^2) per run.

    Parameters
    ----------
    instance : HarveyInstance
    steps : ndarray of shape (T,)
        eta_1..eta_T (e.g. ``InverseTime(1).steps(T)`` for Thm 3.4).
    suffix_from : int, optional
        Average x_{suffix_from}..x_{T+1} (default T // 2 + 1, the suffix of Harvey et al.).
    store_iterates : bool
        Keep every iterate (T+1 by T; for tests on small T).
    largest_index : bool
        Break ties by the *largest* active index (not the paper's oracle; used by a mutant).
    """
    T = instance.T
    steps = np.ascontiguousarray(steps, dtype=float)
    if steps.shape != (T,):
        raise ValueError(f"steps must have shape ({T},), got {steps.shape}")
    suffix_from = T // 2 + 1 if suffix_from is None else suffix_from
    store = np.zeros((T + 1, T) if store_iterates else (0, 0))
    values, suffix = _kernels.harvey_run(instance.a, instance.diag, instance.quadratic, steps, suffix_from, store,
                                         largest_index)
    return HarveyResult(values, float(suffix), store if store_iterates else None)


def harvey_reference(instance: HarveyInstance, steps: np.ndarray, *, suffix_from: int | None = None) -> HarveyResult:
    """NumPy reference of :func:`run_harvey` with the (T+1) x T matrix of pieces written out."""
    T = instance.T
    H = np.zeros((T + 1, T))
    for i in range(T + 1):
        H[i, :i] = instance.a[:i]
        if i < T:
            H[i, i] = -instance.diag[i]
    suffix_from = T // 2 + 1 if suffix_from is None else suffix_from

    def value_and_piece(x):
        pieces = H @ x
        index = int(np.flatnonzero(pieces >= pieces.max() - _kernels.TIE_TOL)[0])
        return pieces.max() + (0.5 * x @ x if instance.quadratic else 0.0), index

    x, values, iterates = np.zeros(T), [], []
    for t in range(1, T + 2):
        value, index = value_and_piece(x)
        values.append(value)
        iterates.append(x.copy())
        if t == T + 1:
            break
        x = x - steps[t - 1] * (H[index] + (x if instance.quadratic else 0.0))
        x /= max(1.0, np.linalg.norm(x))
    suffix = value_and_piece(np.mean(iterates[suffix_from - 1:], axis=0))[0]
    return HarveyResult(np.array(values), float(suffix), np.array(iterates))


def _blocks(start: int, stop: int, size: int):
    while start < stop:
        yield start, min(stop, start + size)
        start += size


def _advance(x, problem: StochasticProblem, steps: np.ndarray, rng, noise: str, sigma: float, alpha: float,
             prox_mu: float) -> bool:
    """Run ``len(steps)`` steps on every replica, drawing the noise block by block."""
    replicas, d = x.shape
    lam = np.ascontiguousarray(problem.lam, dtype=float)
    block = max(1, _BLOCK_VALUES // (replicas * d))
    for lo, hi in _blocks(0, steps.size, block):
        xi = draw_noise(rng, noise, (replicas, hi - lo, d), sigma, alpha)
        if not _kernels.sgd_advance(x, xi, steps[lo:hi], problem.code, lam, prox_mu, problem.radius):
            return False
    return True


def run_sgd(problem: StochasticProblem, schedule: Schedule, horizons: Sequence[int], *, replicas: int,
            rng: np.random.Generator, noise: str = "gaussian", sigma: float = 1.0,
            alpha: float = 2.0, prox_mu: float | None = None) -> np.ndarray:
    """Final-iterate gaps F(x_{T+1}) - F* of projected composite SGD, many replicas at once.

    x_{t+1} = Pi_X((x_t - eta_t (grad f(x_t) + xi_t)) / (1 + eta_t mu_h)) -- the Euclidean
    composite mirror step (CSMD of Liu & Zhou, ICLR 2024) with h = (mu_h / 2)||x||^2 + indicator of X.
    An anytime schedule is run once to max(horizons) and read at each horizon; a known-T schedule
    gets a fresh run (fresh noise) per horizon.

    ``prox_mu`` overrides the modulus used in the prox step (default ``problem.mu_h``; only mutants
    set it, to break the step while the gap is still measured on the true F).

    Returns
    -------
    ndarray of shape (len(horizons), replicas)
        NaN rows from the first horizon at which an iterate became non-finite.
    """
    horizons = [int(T) for T in horizons]
    if not horizons or min(horizons) < 1 or horizons != sorted(set(horizons)):
        raise ValueError(f"horizons must be increasing positive integers, got {horizons}")
    gaps = np.full((len(horizons), replicas), np.nan)
    start = np.full((replicas, problem.d), problem.x1)
    prox_mu = problem.mu_h if prox_mu is None else float(prox_mu)
    if schedule.anytime:
        x, done = start.copy(), 0
        steps = schedule.steps(horizons[-1])
        for k, T in enumerate(horizons):
            if not _advance(x, problem, steps[done:T], rng, noise, sigma, alpha, prox_mu):
                break
            done = T
            gaps[k] = problem.gap(x)
        return gaps
    for k, T in enumerate(horizons):
        x = start.copy()
        if not _advance(x, problem, schedule.steps(T), rng, noise, sigma, alpha, prox_mu):
            break
        gaps[k] = problem.gap(x)
    return gaps


def sgd_reference(problem: StochasticProblem, steps: np.ndarray, x: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """NumPy reference of the kernel: ``x`` (R, d) after the steps, with noise[:, k] at step k."""
    x = x.copy()
    for k, eta in enumerate(steps):
        if problem.kind == "l1":
            grad = np.sign(x)
        elif problem.kind == "quadratic":
            grad = problem.lam * x
        elif problem.kind == "huber":
            grad = np.clip(x / problem.lam, -1.0, 1.0)
        else:
            grad = np.broadcast_to(problem.lam, x.shape)
        x = (x - eta * (grad + noise[:, k])) / (1.0 + eta * problem.mu_h)
        if problem.radius > 0:
            x *= np.minimum(1.0, problem.radius / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-300))
    return x


def run_nonsmooth(instance: NonSmoothInstance, steps: np.ndarray) -> float:
    """Deterministic subgradient method x_{t+1} = x_t - eta_t g_t from x_1 = 0; returns f(x_{T+1}) - f*.

    Used for the explicit-constant check of the linear-decay schedule (Zamani & Glineur):
    with eta_t = (R/B)(T - t + 1)/T^(3/2), f(x_{T+1}) - f* <= B R / sqrt(T).
    """
    steps = np.ascontiguousarray(steps, dtype=float)
    return float(_kernels.nonsmooth_run(instance.A, instance.xstar, instance.code, steps))


def nonsmooth_reference(instance: NonSmoothInstance, steps: np.ndarray) -> float:
    """NumPy reference of :func:`run_nonsmooth`."""
    x = np.zeros(instance.d)
    for eta in steps:
        x = x - eta * instance.subgradient(x)
    return instance.value(x)


def run_harvey_noisy(instance: HarveyInstance, steps: np.ndarray, *, replicas: int,
                     rng: np.random.Generator, x1: np.ndarray | None = None) -> np.ndarray:
    """f(x_{T+1}) - f* of ``replicas`` noisy runs on a Harvey instance (Harvey et al. Thm 3.1/3.2 setting).

    The oracle returns the instance's subgradient plus z_t = s e_j, j uniform in 1..T and s = +-1 fair,
    so ||z_t|| = 1 almost surely and E z_t = 0 (the bounded noise of Thm 3.1/3.2). ``x1`` is the start
    (default 0, which is the instance's minimizer).
    """
    T = instance.T
    steps = np.ascontiguousarray(steps, dtype=float)
    if steps.shape != (T,):
        raise ValueError(f"steps must have shape ({T},), got {steps.shape}")
    index = rng.integers(0, T, size=(replicas, T))
    sign = 2.0 * rng.integers(0, 2, size=(replicas, T)) - 1.0
    x1 = np.zeros(T) if x1 is None else np.ascontiguousarray(x1, dtype=float)
    return _kernels.harvey_noisy_last(instance.a, instance.diag, instance.quadratic, steps, index, sign, x1)


def harvey_noisy_reference(instance: HarveyInstance, steps: np.ndarray, index: np.ndarray,
                           sign: np.ndarray, x1: np.ndarray) -> np.ndarray:
    """NumPy reference of the noisy Harvey kernel (one row of ``index``/``sign`` per replica)."""
    T = instance.T
    out = []
    for idx, sgn in zip(index, sign):
        x = np.array(x1, dtype=float)
        for t in range(T):
            pieces = np.empty(T + 1)
            pieces[:-1] = np.concatenate(([0.0], np.cumsum(instance.a * x)[:-1])) - instance.diag * x
            pieces[-1] = instance.a @ x
            active = int(np.flatnonzero(pieces >= pieces.max() - _kernels.TIE_TOL)[0])
            g = np.where(np.arange(T) < active, instance.a, 0.0)
            if active < T:
                g[active] = -instance.diag[active]
            if instance.quadratic:
                g = g + x
            g[idx[t]] += sgn[t]
            x = x - steps[t] * g
            x /= max(1.0, np.linalg.norm(x))
        out.append(instance.value(x))
    return np.array(out)


def run_entropic_md(c: np.ndarray, steps: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Entropic mirror descent (CSMD with psi = negative entropy, X = simplex, h = 0) on f(x) = c^T x.

    x_1 uniform, x_{t+1,j} proportional to x_{t,j} exp(-eta_t g_{t,j}), g_t = c + noise[:, t] e_1.
    Returns the last-iterate gaps f(x_{T+1}) - min_j c_j, one per row of ``noise``.
    """
    c = np.ascontiguousarray(c, dtype=float)
    steps = np.ascontiguousarray(steps, dtype=float)
    noise = np.ascontiguousarray(noise, dtype=float)
    if noise.ndim != 2 or noise.shape[1] != steps.size:
        raise ValueError(f"noise must have shape (replicas, {steps.size}), got {noise.shape}")
    return _kernels.entropic_md_gaps(c, steps, noise)


def entropic_md_reference(c: np.ndarray, steps: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """NumPy reference of :func:`run_entropic_md` (multiplicative weights, renormalized each step)."""
    out = []
    for row in noise:
        x = np.full(c.size, 1.0 / c.size)
        for eta, z in zip(steps, row):
            g = c.copy()
            g[0] += z
            x = x * np.exp(-eta * (g - g.min()))
            x /= x.sum()
        out.append(c @ x - c.min())
    return np.array(out)
