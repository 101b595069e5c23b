"""Numba kernels of a deep ReLU MLP in the NTK parameterization (private; see :mod:`theorylab.ntk.mlp`).

Parameters of a depth-``L`` net with input dimension ``n0`` and hidden width ``n`` (``L >= 2``):
``W_in (n, n0)``, ``W_hid (L-2, n, n)``, ``w_out (n,)``, ``b_hid (L-1, n)``, ``b_out (1,)``.
Layer ``k`` of the arrays ``Z, A`` (shape ``(L-1, N, n)``) holds the pre-activation
``alpha~^(k+1)`` and the activation ``alpha^(k+1)`` of the paper. The matrix products go through
BLAS (``np.dot``), the rest are plain loops.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def forward(X, W_in, W_hid, w_out, b_hid, b_out, beta):
    """Pre-activations ``Z``, activations ``A`` and outputs ``f`` on the rows of ``X``."""
    N = X.shape[0]
    n0 = X.shape[1]
    n = W_in.shape[0]
    hidden = b_hid.shape[0]
    Z = np.empty((hidden, N, n))
    A = np.empty((hidden, N, n))
    Z[0] = np.dot(X, W_in.T) / np.sqrt(n0)
    for k in range(hidden):
        if k > 0:
            Z[k] = np.dot(A[k - 1], W_hid[k - 1].T) / np.sqrt(n)
        for i in range(N):
            for j in range(n):
                z = Z[k, i, j] + beta * b_hid[k, j]
                Z[k, i, j] = z
                A[k, i, j] = z if z > 0.0 else 0.0
    f = np.dot(A[hidden - 1], w_out) / np.sqrt(n) + beta * b_out[0]
    return Z, A, f


@numba.njit(cache=True)
def backward(Z, W_hid, w_out):
    """Output derivatives w.r.t. every pre-activation: ``D[k] = d f / d Z[k]``, shape ``(L-1, N, n)``.

    ``D^(L) = 1`` and ``D^(l) = (D^(l+1) W^(l) / sqrt(n_l)) * relu'(alpha~^(l))``.
    """
    hidden, N, n = Z.shape
    D = np.empty((hidden, N, n))
    scale = 1.0 / np.sqrt(n)
    for i in range(N):
        for j in range(n):
            D[hidden - 1, i, j] = w_out[j] * scale if Z[hidden - 1, i, j] > 0.0 else 0.0
    for k in range(hidden - 2, -1, -1):
        D[k] = np.dot(D[k + 1], W_hid[k]) * scale
        for i in range(N):
            for j in range(n):
                if Z[k, i, j] <= 0.0:
                    D[k, i, j] = 0.0
    return D


@numba.njit(cache=True)
def empirical_ntk(X1, X2, W_in, W_hid, w_out, b_hid, b_out, beta):
    """``Theta_hat(X1, X2) = sum_l (D1^(l+1) D2^(l+1)^T) * (A1^(l) A2^(l)^T / n_l + beta^2)``."""
    Z1, A1, _ = forward(X1, W_in, W_hid, w_out, b_hid, b_out, beta)
    Z2, A2, _ = forward(X2, W_in, W_hid, w_out, b_hid, b_out, beta)
    D1 = backward(Z1, W_hid, w_out)
    D2 = backward(Z2, W_hid, w_out)
    hidden = Z1.shape[0]
    n0 = X1.shape[1]
    n = W_in.shape[0]
    b2 = beta * beta
    # Layer 0 (input weights): activations are the inputs themselves.
    theta = np.dot(D1[0], D2[0].T) * (np.dot(X1, X2.T) / n0 + b2)
    for k in range(1, hidden):
        theta += np.dot(D1[k], D2[k].T) * (np.dot(A1[k - 1], A2[k - 1].T) / n + b2)
    # Output layer: d f / d alpha~^(L) = 1.
    theta += np.dot(A1[hidden - 1], A2[hidden - 1].T) / n + b2
    return theta


@numba.njit(cache=True)
def gd_train(X, y, X_eval, X_kernel, W_in, W_hid, w_out, b_hid, b_out, beta, eta, steps, record_every):
    """Full-batch GD on ``C = (1 / 2N) sum_i (f(x_i) - y_i)^2``, updating the parameters in place.

    Returns ``(done, loss, f_eval, kernels)``: ``loss[k]`` for ``k <= done``, outputs on
    ``X_eval`` and the empirical NTK on ``X_kernel`` at steps ``0, record_every, ...``; the loop stops
    at the first non-finite loss (``done`` is then the last finite step).
    """
    N = X.shape[0]
    n0 = X.shape[1]
    n = W_in.shape[0]
    hidden = b_hid.shape[0]
    records = steps // record_every + 1
    loss = np.full(steps + 1, np.nan)
    f_eval = np.full((records, X_eval.shape[0]), np.nan)
    M = X_kernel.shape[0]
    kernels = np.full((records, M, M), np.nan)
    done = 0
    grad_hid = np.empty((n, n))
    step_hid = eta / np.sqrt(n)
    for step in range(steps + 1):
        Z, A, f = forward(X, W_in, W_hid, w_out, b_hid, b_out, beta)
        r = f - y
        value = 0.5 * np.dot(r, r) / N
        loss[step] = value
        if not np.isfinite(value):
            break
        done = step
        if step % record_every == 0:
            slot = step // record_every
            f_eval[slot] = forward(X_eval, W_in, W_hid, w_out, b_hid, b_out, beta)[2]
            if M > 0:
                kernels[slot] = empirical_ntk(X_kernel, X_kernel, W_in, W_hid, w_out, b_hid, b_out, beta)
        if step == steps:
            break
        # Backpropagate the cotangent r / N; D already carries d f / d Z per example.
        D = backward(Z, W_hid, w_out)
        weight = r / N
        for k in range(hidden):
            for i in range(N):
                for j in range(n):
                    D[k, i, j] *= weight[i]
        grad_out = np.dot(A[hidden - 1].T, weight) / np.sqrt(n)
        grad_bout = beta * np.sum(weight)
        grad_in = np.dot(D[0].T, X) / np.sqrt(n0)
        # Hidden n x n gradients go into one preallocated buffer: fresh multi-MB temporaries per
        # step cost more (page faults) than the products themselves at widths >= 512.
        for k in range(hidden - 1):
            np.dot(D[k + 1].T, A[k], grad_hid)
            Wk = W_hid[k]
            for a in range(n):
                for b in range(n):
                    Wk[a, b] -= step_hid * grad_hid[a, b]
        W_in -= eta * grad_in
        for k in range(hidden):
            for j in range(n):
                total = 0.0
                for i in range(N):
                    total += D[k, i, j]
                b_hid[k, j] -= eta * beta * total
        w_out -= eta * grad_out
        b_out[0] -= eta * grad_bout
    return done, loss, f_eval, kernels
