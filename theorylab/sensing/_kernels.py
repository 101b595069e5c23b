"""Numba loops of factorized gradient descent for matrix sensing (private).

Both kernels record the error ``||E_t||_F`` (``E_t = X_t X_t^T - M*`` or ``F_t G_t^T - M*``)
and the loss at t = 0..T, and return the number of recorded points. They stop early when the
error is non-finite (divergence), at or below ``err_stop`` (round-off floor reached), or --
asymmetric only -- when the relative residual ``||A(F G^T) - y||^2 / ||y||^2`` reaches ``stop_ratio``
(the trigger of the one-step modification).

``A`` is the scaled ``(m, n1 * n2)`` measurement array; an empty ``A`` (m = 0) means the
population operator ``A* A = I``, where the gradient matrix is ``E`` itself.
"""

from __future__ import annotations

import numba
import numpy as np

from theorylab.sensing.operators import apply_adjoint, apply_operator

DIVERGED, FLOOR, TRIGGERED, DONE = 0, 1, 2, 3


@numba.njit(cache=True)
def _gradient_matrix(A, E):
    """``A*(A(E))`` (``E`` itself for the population operator) and the loss ``||A(E)||^2 / 2``."""
    if A.shape[0] == 0:
        return E, 0.5 * np.sum(E * E)
    residual = apply_operator(A, E)
    return apply_adjoint(A, residual, E.shape[0], E.shape[1]), 0.5 * np.sum(residual * residual)


@numba.njit(cache=True)
def symmetric_gd(X, M, A, eta, T, err_stop, err, loss):
    """``X <- X - eta * A*(A(X X^T - M)) X`` for t < T, in place on ``X``.

    Returns (number of recorded points, status).
    """
    for t in range(T + 1):
        E = X @ np.ascontiguousarray(X.T) - M
        W, loss_t = _gradient_matrix(A, E)
        err[t] = np.sqrt(np.sum(E * E))
        loss[t] = loss_t
        if not (np.isfinite(err[t]) and np.isfinite(loss_t)):
            return t + 1, DIVERGED
        if err[t] <= err_stop:
            return t + 1, FLOOR
        if t == T:
            break
        X -= eta * (W @ X)
    return T + 1, DONE


@numba.njit(cache=True)
def asymmetric_gd(F, G, M, A, eta, T, err_stop, stop_ratio, y_norm2, err, loss, offset):
    """Simultaneous updates ``F <- F - eta W G``, ``G <- G - eta W^T F`` with ``W = A*(A(F G^T - M))``.

    Records into ``err[offset:]`` and ``loss[offset:]`` (so a run can be resumed after the
    one-step modification) and updates ``F`` and ``G`` in place.
    Returns (number of points recorded by this call, status).
    """
    for t in range(T + 1):
        E = F @ np.ascontiguousarray(G.T) - M
        W, loss_t = _gradient_matrix(A, E)
        err[offset + t] = np.sqrt(np.sum(E * E))
        loss[offset + t] = loss_t
        if not (np.isfinite(err[offset + t]) and np.isfinite(loss_t)):
            return t + 1, DIVERGED
        if err[offset + t] <= err_stop:
            return t + 1, FLOOR
        if 2.0 * loss_t <= stop_ratio * y_norm2:
            return t + 1, TRIGGERED
        if t == T:
            break
        F_next = F - eta * (W @ G)
        G -= eta * (np.ascontiguousarray(W.T) @ F)
        F[:, :] = F_next
    return T + 1, DONE
