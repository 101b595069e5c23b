"""Numba kernels of the robust-sensing paper (Ma & Fattahi, JMLR 2023): factored descent on
the l1 / l2 sensing losses and the Monte-Carlo sum behind the Sign-RIP estimator.

The operator is the *unscaled* Gaussian one of the paper: ``A`` is an ``(m, d*d)`` array whose
rows are ``vec(A_i)`` with N(0, 1) entries, and ``A(X)_i = <A_i, X>``. The matrix-vector products go
through ``np.dot`` (BLAS, single-threaded under theorylab's defaults), like
:func:`theorylab.sensing.operators.apply_operator`, on a packed operator (see below) that halves
the work; deterministic for a fixed thread count.
"""

from __future__ import annotations

import numba
import numpy as np

L1_LOSS = 0
L2_LOSS = 1


@numba.njit(cache=True)
def factored_descent(P, rows, cols, y, U0, X_star, eta, loss_kind, err_out, loss_out):
    """Run ``U <- U - eta[t] * D(U)`` for ``t < len(eta)``, recording ``t = 0..len(eta)``.

    ``D(U) = (S + S^T) U`` with ``S = (1/m) sum_i w_i A_i`` and residual ``R = A(U U^T) - y``:
    ``w = sign(R)`` for the l1 loss ``(1/m)||R||_1`` (a sub-gradient, Sign(0) = 0) and ``w = R``
    for the l2 loss ``(1/(2m))||R||^2`` (its gradient).

    Only the symmetric parts ``A_i^s = (A_i + A_i^T)/2`` enter both products when ``X = U U^T``, so
    the operator comes packed: ``P[i, l] = A_i^s[rows[l], cols[l]]`` over the upper triangle
    ``rows[l] <= cols[l]`` (d(d+1)/2 columns instead of d^2, half the work):
    ``<A_i, X> = sum_l c_l P[i, l] X[rows[l], cols[l]]`` with ``c_l = 2`` off the diagonal, and
    ``S + S^T = (2/m) sum_i w_i A_i^s``.

    ``err_out[t] = ||U_t U_t^T - X_star||_F / ||X_star||_F`` and ``loss_out[t] = f(U_t)``.
    Returns the number of points written; it stops right after the first non-finite one.
    """
    m, packed = P.shape
    d = U0.shape[0]
    U = U0.copy()
    x_norm = np.sqrt(np.sum(X_star * X_star))
    steps = eta.shape[0]
    x_packed = np.empty(packed)
    G = np.empty((d, d))
    for t in range(steps + 1):
        X = np.dot(U, U.T)
        diff = X - X_star
        err_out[t] = np.sqrt(np.sum(diff * diff)) / x_norm
        for l in range(packed):
            weight = 1.0 if rows[l] == cols[l] else 2.0
            x_packed[l] = weight * X[rows[l], cols[l]]
        residual = np.dot(P, x_packed) - y
        if loss_kind == L1_LOSS:
            loss_out[t] = np.sum(np.abs(residual)) / m
            weights = np.sign(residual)
        else:
            loss_out[t] = 0.5 * np.sum(residual * residual) / m
            weights = residual
        if not (np.isfinite(err_out[t]) and np.isfinite(loss_out[t])):
            return t + 1
        if t == steps:
            return t + 1
        g = np.dot(P.T, weights) * (2.0 / m)
        for l in range(packed):
            G[rows[l], cols[l]] = g[l]
            G[cols[l], rows[l]] = g[l]
        U = U - eta[t] * np.dot(G, U)
    return steps + 1


def pack_symmetric(A, d):
    """``(P, rows, cols)``: the symmetric parts of the rows of ``A`` over the upper triangle."""
    rows, cols = np.triu_indices(d)
    A3 = A.reshape(-1, d, d)
    P = 0.5 * (A3[:, rows, cols] + A3[:, cols, rows])
    return np.ascontiguousarray(P), rows.astype(np.int64), cols.astype(np.int64)


@numba.njit(cache=True)
def sign_sum(A, s, x_vec):
    """``sum_i Sign(<A_i, X> - s_i) vec(A_i)`` over the rows of ``A`` (Sign(0) = 0)."""
    weights = np.sign(np.dot(A, x_vec) - s)
    return np.dot(A.T, weights)
