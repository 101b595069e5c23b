"""Numba hot loops for last-iterate SGD: the Harvey et al. instances and batched projected SGD.

Every kernel works on plain arrays and has a NumPy reference in :mod:`theorylab.sgd.algorithms`.
"""

from __future__ import annotations

import math

import numba
import numpy as np

# Ties between the pieces of a max-of-affine function are decided with this slack: the Harvey
# iterates sit exactly on several pieces at once and round-off must not pick a larger index.
TIE_TOL = 1e-12

# Problem codes of the stochastic kernel (see problems.StochasticProblem).
L1, QUADRATIC, LINEAR = 0, 1, 2


@numba.njit(cache=True)
def _harvey_pieces(x, a, diag, out):
    """out[i] = h_i^T x for the pieces i = 0..T (0-based), h_i = (a_0..a_{i-1}, -diag_i, 0...)."""
    T = x.size
    prefix = 0.0
    for i in range(T):
        out[i] = prefix - diag[i] * x[i]
        prefix += a[i] * x[i]
    out[T] = prefix


@numba.njit(cache=True)
def harvey_value(x, a, diag, quadratic, pieces):
    """max_i h_i^T x (+ ||x||^2 / 2 when ``quadratic``) and the smallest active index."""
    _harvey_pieces(x, a, diag, pieces)
    best = pieces.max()
    index = 0
    while pieces[index] < best - TIE_TOL:
        index += 1
    value = best
    if quadratic:
        value += 0.5 * np.dot(x, x)
    return value, index


@numba.njit(cache=True)
def harvey_run(a, diag, quadratic, steps, suffix_from, store):
    """Projected subgradient descent on a Harvey instance from x_1 = 0 on the unit ball.

    Returns f(x_t) for t = 1..T+1 and f of the average of x_{suffix_from}..x_{T+1}; when
    ``store`` has T+1 rows, row t-1 receives x_t.
    """
    T = a.size
    x = np.zeros(T)
    g = np.zeros(T)
    pieces = np.zeros(T + 1)
    suffix = np.zeros(T)
    values = np.empty(T + 1)
    count = 0
    for t in range(1, T + 2):
        value, index = harvey_value(x, a, diag, quadratic, pieces)
        values[t - 1] = value
        if not math.isfinite(value):
            return values[:t], np.nan
        if store.shape[0] == T + 1:
            store[t - 1] = x
        if t >= suffix_from:
            suffix += x
            count += 1
        if t == T + 1:
            break
        # subgradient of the smallest active piece (plus x for the strongly convex instance)
        for j in range(T):
            if j < index:
                g[j] = a[j]
            elif j == index:
                g[j] = -diag[j]
            else:
                g[j] = 0.0
            if quadratic:
                g[j] += x[j]
        eta = steps[t - 1]
        norm = 0.0
        for j in range(T):
            x[j] -= eta * g[j]
            norm += x[j] * x[j]
        if norm > 1.0:
            x /= math.sqrt(norm)
    suffix_value = np.nan
    if count > 0:
        suffix /= count
        suffix_value, _ = harvey_value(suffix, a, diag, quadratic, pieces)
    return values, suffix_value


@numba.njit(cache=True)
def sgd_advance(x, noise, steps, kind, lam, mu_h, radius):
    """Advance every replica (row of x) by ``len(steps)`` projected composite SGD steps, in place.

    Step k: y = x - steps[k] * (grad f(x) + noise[:, k]); y <- y / (1 + steps[k] * mu_h)
    (prox of (mu_h / 2)||x||^2); then projection onto the ball of ``radius`` (none when <= 0).
    Returns False as soon as an iterate is non-finite.
    """
    replicas, d = x.shape
    for k in range(steps.size):
        eta = steps[k]
        shrink = 1.0 / (1.0 + eta * mu_h)
        for r in range(replicas):
            norm = 0.0
            for j in range(d):
                xj = x[r, j]
                if kind == L1:
                    grad = 1.0 if xj > 0.0 else (-1.0 if xj < 0.0 else 0.0)
                elif kind == QUADRATIC:
                    grad = lam[j] * xj
                else:
                    grad = lam[j]
                xj = (xj - eta * (grad + noise[r, k, j])) * shrink
                x[r, j] = xj
                norm += xj * xj
            if not math.isfinite(norm):
                return False
            if radius > 0.0 and norm > radius * radius:
                scale = radius / math.sqrt(norm)
                for j in range(d):
                    x[r, j] *= scale
    return True
