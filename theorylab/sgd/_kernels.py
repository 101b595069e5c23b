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
L1, QUADRATIC, LINEAR, HUBER = 0, 1, 2, 3


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
def harvey_value(x, a, diag, quadratic, pieces, largest=False):
    """max_i h_i^T x (+ ||x||^2 / 2 when ``quadratic``) and the smallest active index.

    ``largest = True`` returns the largest active index instead (not Harvey et al.'s oracle: it
    exists for the tie-breaking mutant).
    """
    _harvey_pieces(x, a, diag, pieces)
    best = pieces.max()
    if largest:
        index = pieces.size - 1
        while pieces[index] < best - TIE_TOL:
            index -= 1
    else:
        index = 0
        while pieces[index] < best - TIE_TOL:
            index += 1
    value = best
    if quadratic:
        value += 0.5 * np.dot(x, x)
    return value, index


@numba.njit(cache=True)
def harvey_run(a, diag, quadratic, steps, suffix_from, store, largest=False):
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
        value, index = harvey_value(x, a, diag, quadratic, pieces, largest)
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
                elif kind == LINEAR:
                    grad = lam[j]
                else:  # Huber with width lam[j]: the derivative of x^2/(2 eps) clipped to [-1, 1]
                    grad = min(1.0, max(-1.0, xj / lam[j]))
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


# Codes of the deterministic non-smooth instances of the Zamani-Glineur check (problems.NonSmoothInstance).
NORM1, NORM2, MAXABS = 0, 1, 2


@numba.njit(cache=True)
def nonsmooth_value_grad(x, A, xstar, kind, grad):
    """f(x) = ||A (x - x*)|| (l1, l2 or l_inf norm by ``kind``); a subgradient is written into ``grad``."""
    m, d = A.shape
    r = np.empty(m)
    for i in range(m):
        s = 0.0
        for j in range(d):
            s += A[i, j] * (x[j] - xstar[j])
        r[i] = s
    for j in range(d):
        grad[j] = 0.0
    if kind == NORM1:
        value = 0.0
        for i in range(m):
            value += abs(r[i])
            sign = 1.0 if r[i] > 0.0 else (-1.0 if r[i] < 0.0 else 0.0)
            for j in range(d):
                grad[j] += sign * A[i, j]
        return value
    if kind == NORM2:
        value = math.sqrt(np.dot(r, r))
        if value > 0.0:
            for i in range(m):
                for j in range(d):
                    grad[j] += r[i] / value * A[i, j]
        return value
    best = 0
    for i in range(m):
        if abs(r[i]) > abs(r[best]):
            best = i
    sign = 1.0 if r[best] > 0.0 else (-1.0 if r[best] < 0.0 else 0.0)
    for j in range(d):
        grad[j] = sign * A[best, j]
    return abs(r[best])


@numba.njit(cache=True)
def nonsmooth_run(A, xstar, kind, steps):
    """Deterministic subgradient method from x_1 = 0 with the given steps; returns f(x_{T+1}) - f* (f* = 0)."""
    d = xstar.size
    x = np.zeros(d)
    grad = np.zeros(d)
    for k in range(steps.size):
        nonsmooth_value_grad(x, A, xstar, kind, grad)
        for j in range(d):
            x[j] -= steps[k] * grad[j]
    return nonsmooth_value_grad(x, A, xstar, kind, grad)


@numba.njit(cache=True)
def harvey_noisy_last(a, diag, quadratic, steps, index, sign, x1):
    """f(x_{T+1}) of projected SGD on a Harvey instance, one run per row of ``index``/``sign``.

    The oracle adds noise z_t = sign[r, t] * e_{index[r, t]} (norm 1 a.s., zero mean when the signs
    are fair) to the subgradient of the smallest active piece (plus x on the strongly convex
    instance). Every replica starts at ``x1`` (inside the unit ball).
    """
    replicas = index.shape[0]
    T = a.size
    out = np.empty(replicas)
    x = np.zeros(T)
    pieces = np.zeros(T + 1)
    for r in range(replicas):
        x[:] = x1
        for t in range(T):
            _, active = harvey_value(x, a, diag, quadratic, pieces, False)
            eta = steps[t]
            norm = 0.0
            for j in range(T):
                if j < active:
                    g = a[j]
                elif j == active:
                    g = -diag[j]
                else:
                    g = 0.0
                if quadratic:
                    g += x[j]
                if j == index[r, t]:
                    g += sign[r, t]
                x[j] -= eta * g
                norm += x[j] * x[j]
            if norm > 1.0:
                scale = 1.0 / math.sqrt(norm)
                for j in range(T):
                    x[j] *= scale
        value, _ = harvey_value(x, a, diag, quadratic, pieces, False)
        out[r] = value
    return out


@numba.njit(cache=True)
def entropic_md_gaps(c, steps, noise):
    """Entropic mirror descent on the simplex for f(x) = c^T x, one run per row of ``noise``.

    x_1 uniform; x_{t+1} proportional to x_t exp(-eta_t (c + noise[r, t] e_1)) (the oracle's noise
    acts on coordinate 1 only, so ||xi||_inf <= max |noise|). Kept in log space and renormalized
    every step. Returns f(x_{T+1}) - min c for every replica.
    """
    replicas, T = noise.shape
    d = c.size
    cmin = c.min()
    out = np.empty(replicas)
    w = np.empty(d)
    for r in range(replicas):
        for j in range(d):
            w[j] = -math.log(d)
        for t in range(T):
            eta = steps[t]
            top = -np.inf
            for j in range(d):
                w[j] -= eta * c[j]
                if j == 0:
                    w[j] -= eta * noise[r, t]
                if w[j] > top:
                    top = w[j]
            total = 0.0
            for j in range(d):
                total += math.exp(w[j] - top)
            shift = top + math.log(total)
            for j in range(d):
                w[j] -= shift
        value = 0.0
        for j in range(d):
            value += c[j] * math.exp(w[j])
        out[r] = value - cmin
    return out
