"""Numba hot loops: batch Hessian-vector products and SGD / Adam on streaming least squares.

Every kernel takes plain arrays (random draws are made in NumPy by the caller and passed in),
records into preallocated arrays, and stops at the first non-finite value (or a value above
``limit``), returning how many steps it completed. NumPy references live in ``_reference.py``.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def batch_hvp(features, weights, v, ridge, out):
    """``out = (1/B) sum_i d_i phi_i (phi_i . v) + ridge v`` for the B rows of ``features``.

    Two BLAS matrix-vector products called from Numba: the element loop this replaces was 2-3x
    slower than NumPy, because its dot-product reduction does not vectorize without fastmath.
    """
    b = features.shape[0]
    scaled = np.dot(features, v) * weights / b
    out[:] = np.dot(features.T, scaled) + ridge * v
    return out


@numba.njit(cache=True)
def sgd_ls_direct(e, sqrt_lam, z, alpha, limit, norms):
    """SGD on streaming least squares, ``e <- e - alpha X_t^T X_t e / B`` with ``X_t = Z_t diag(sqrt_lam)``.

    ``z`` has shape (steps, B, P); ``norms[s]`` receives ``|e|^2`` after step ``s``. Returns the
    number of completed steps (fewer than ``steps`` when ``|e|^2`` exceeded ``limit`` or went non-finite).
    """
    steps, b, p = z.shape
    u = np.empty(p)
    r = np.empty(b)
    for s in range(steps):
        for j in range(p):
            u[j] = sqrt_lam[j] * e[j]
        for i in range(b):
            acc = 0.0
            for j in range(p):
                acc += z[s, i, j] * u[j]
            r[i] = acc
        total = 0.0
        for j in range(p):
            acc = 0.0
            for i in range(b):
                acc += z[s, i, j] * r[i]
            e[j] -= alpha * sqrt_lam[j] * acc / b
            total += e[j] * e[j]
        norms[s] = total
        if not np.isfinite(total) or total > limit:
            return s + 1
    return steps


@numba.njit(cache=True)
def sgd_ls_bartlett(e, sqrt_lam, lower, chi2, batch, alpha, limit, norms):
    """SGD on streaming least squares for ``B >= P`` with ``Z^T Z`` drawn by the Bartlett decomposition.

    ``Z_t^T Z_t ~ Wishart_P(B, I)`` equals ``L L^T`` in law, with ``L`` lower triangular,
    ``L_kk = sqrt(chi2_{B-k})`` (0-based ``k``) and ``L_ik ~ N(0, 1)`` for ``i > k``, so one step
    costs ``O(P^2)`` draws instead of ``O(B P)`` -- the same SGD, cheaper at large batch.
    ``lower`` has shape (steps, P (P - 1) / 2): the strict lower triangle packed row by row
    (``L_ik`` at ``i (i - 1) / 2 + k``); ``chi2`` has shape (steps, P).
    """
    steps, p = chi2.shape
    u = np.empty(p)
    w = np.empty(p)
    for s in range(steps):
        for j in range(p):
            u[j] = sqrt_lam[j] * e[j]
            w[j] = np.sqrt(chi2[s, j]) * u[j]
        for i in range(1, p):        # w = L^T u
            row = i * (i - 1) // 2
            for k in range(i):
                w[k] += lower[s, row + k] * u[i]
        total = 0.0
        for i in range(p):           # e -= alpha sqrt_lam * (L w) / B
            acc = np.sqrt(chi2[s, i]) * w[i]
            row = i * (i - 1) // 2
            for k in range(i):
                acc += lower[s, row + k] * w[k]
            e[i] -= alpha * sqrt_lam[i] * acc / batch
            total += e[i] * e[i]
        norms[s] = total
        if not np.isfinite(total) or total > limit:
            return s + 1
    return steps


@numba.njit(cache=True)
def adam_ls(e, m, v, sqrt_lam, z, xi, tau, alpha, beta1, beta2, eps, t0, v_noise, limit, ratios, losses):
    """Adam (bias-corrected) on streaming least squares with label noise.

    Gradient ``g = (1/B) X_t^T (X_t e - tau xi_t)`` at error ``e = w - w*``; update
    ``m <- b1 m + (1-b1) g``, ``v <- b2 v + (1-b2) g^2``, ``e <- e - alpha m_hat / (sqrt(v_hat) + eps)``
    with ``m_hat = m / (1 - b1^t)``, ``v_hat = v / (1 - b2^t)`` and ``t = t0 + s + 1``.
    Records ``ratios[s] = mean_j v_hat_j / v_noise_j`` and ``losses[s] = e^T diag(lam) e``.
    ``z`` has shape (steps, B, P), ``xi`` (steps, B). Returns the number of completed steps.
    """
    steps, b, p = z.shape
    u = np.empty(p)
    r = np.empty(b)
    for s in range(steps):
        t = t0 + s + 1
        c1 = 1.0 - beta1**t
        c2 = 1.0 - beta2**t
        for j in range(p):
            u[j] = sqrt_lam[j] * e[j]
        for i in range(b):
            acc = 0.0
            for j in range(p):
                acc += z[s, i, j] * u[j]
            r[i] = acc - tau * xi[s, i]
        ratio = 0.0
        loss = 0.0
        for j in range(p):
            acc = 0.0
            for i in range(b):
                acc += z[s, i, j] * r[i]
            g = sqrt_lam[j] * acc / b
            m[j] = beta1 * m[j] + (1.0 - beta1) * g
            v[j] = beta2 * v[j] + (1.0 - beta2) * g * g
            v_hat = v[j] / c2
            e[j] -= alpha * (m[j] / c1) / (np.sqrt(v_hat) + eps)
            ratio += v_hat / v_noise[j]
            loss += sqrt_lam[j] * sqrt_lam[j] * e[j] * e[j]
        ratios[s] = ratio / p
        losses[s] = loss
        if not np.isfinite(loss) or loss > limit:
            return s + 1
    return steps
