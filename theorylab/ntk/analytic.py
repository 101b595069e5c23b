"""The infinite-width kernels of a deep fully connected ReLU net in the NTK parameterization.

Jacot, Gabriel, Hongler (2018), "Neural Tangent Kernel", Proposition 1 and Theorem 1. The net has
depth ``L`` (number of weight matrices), all weights and biases N(0, 1), pre-activations
``W a / sqrt(n_l) + beta b``. The NNGP kernel ``Sigma`` and the NTK ``Theta`` follow

.. math::

    \\Sigma^{(1)}(x, x') = x^T x' / n_0 + \\beta^2, \\qquad \\Theta^{(1)} = \\Sigma^{(1)},

    \\Sigma^{(l+1)} = E[\\sigma(u)\\sigma(v)] + \\beta^2, \\quad
    \\dot\\Sigma^{(l+1)} = E[\\sigma'(u)\\sigma'(v)], \\quad (u, v) \\sim N(0, \\Lambda^{(l)}),

    \\Theta^{(l+1)} = \\Theta^{(l)} \\dot\\Sigma^{(l+1)} + \\Sigma^{(l+1)}.

For ReLU the two expectations are the degree-1 and degree-0 arc-cosine kernels (Cho & Saul 2009):
with ``cos(theta) = rho`` the correlation of ``Lambda``,
``E[relu(u) relu(v)] = sqrt(s11 s22) (sin theta + (pi - theta) cos theta) / (2 pi)`` and
``E[step(u) step(v)] = (pi - theta) / (2 pi)``. There is no He factor 2 in this parameterization.
"""

from __future__ import annotations

import numpy as np


def _check_inputs(X: np.ndarray, name: str) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"{name} must be a non-empty (points, n_0) array, got shape {X.shape}")
    return X


def limit_kernels(X1, X2=None, *, depth: int, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """The NNGP kernel ``Sigma^(L)`` and the NTK ``Theta^(L)_inf`` between two point sets.

    Parameters
    ----------
    X1 : array_like of shape (N1, n_0)
    X2 : array_like of shape (N2, n_0), optional
        Defaults to ``X1`` (a Gram matrix, whose diagonal then uses the exact correlation 1).
    depth : int
        ``L >= 1``, the number of weight matrices (``L = 1`` is the linear model).
    beta : float
        Bias strength ``beta >= 0``.

    Returns
    -------
    sigma, theta : ndarray of shape (N1, N2)
        ``Sigma^(L)(x_a, x'_b)`` and ``Theta^(L)_inf(x_a, x'_b)`` (scalar output; a vector output
        is ``theta`` times the identity).
    """
    if int(depth) != depth or depth < 1:
        raise ValueError(f"depth must be an integer >= 1, got {depth}")
    if not beta >= 0:
        raise ValueError(f"beta must be >= 0, got {beta}")
    X1 = _check_inputs(X1, "X1")
    gram = X2 is None
    X2 = X1 if gram else _check_inputs(X2, "X2")
    if X1.shape[1] != X2.shape[1]:
        raise ValueError(f"X1 and X2 need the same input dimension, got {X1.shape[1]} and {X2.shape[1]}")
    n0 = X1.shape[1]
    b2 = beta * beta
    s12 = X1 @ X2.T / n0 + b2
    s11 = np.einsum("ij,ij->i", X1, X1) / n0 + b2
    s22 = s11 if gram else np.einsum("ij,ij->i", X2, X2) / n0 + b2
    theta = s12.copy()
    for _ in range(depth - 1):
        scale = np.sqrt(np.outer(s11, s22))
        # A zero-variance input (x = 0 with beta = 0) gets rho = 0; its Theta row is 0 at every level,
        # so the value of Sigma_dot used there does not matter.
        with np.errstate(invalid="ignore", divide="ignore"):
            rho = np.where(scale > 0, s12 / np.where(scale > 0, scale, 1.0), 0.0)
        rho = np.clip(rho, -1.0, 1.0)
        if gram:
            # The step kernel has a square-root singularity at rho = 1: a rounding error of 1e-16
            # in rho moves it by ~1e-9. On the diagonal the correlation is exactly 1.
            np.fill_diagonal(rho, 1.0)
        angle = np.arccos(rho)
        s12 = scale * (np.sin(angle) + (np.pi - angle) * np.cos(angle)) / (2 * np.pi) + b2
        sigma_dot = (np.pi - angle) / (2 * np.pi)
        theta = theta * sigma_dot + s12
        s11 = s11 / 2 + b2
        s22 = s11 if gram else s22 / 2 + b2
    return s12, theta


def ntk(X1, X2=None, *, depth: int, beta: float) -> np.ndarray:
    """The limit NTK ``Theta^(L)_inf(X1, X2)``; see :func:`limit_kernels`."""
    return limit_kernels(X1, X2, depth=depth, beta=beta)[1]


def nngp(X1, X2=None, *, depth: int, beta: float) -> np.ndarray:
    """The limit output covariance at initialization ``Sigma^(L)(X1, X2)``; see :func:`limit_kernels`."""
    return limit_kernels(X1, X2, depth=depth, beta=beta)[0]


def diagonal(sq_norm, n0: int, *, depth: int, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """Closed form of ``Sigma^(L)(x, x)`` and ``Theta^(L)(x, x)`` from ``r^2 = ||x||^2``.

    On the diagonal ``E[relu(u)^2] = s / 2`` and ``Sigma_dot = 1/2``, so with
    ``s_1 = r^2 / n_0 + beta^2``: ``Sigma^(l) = 2^(1-l) s_1 + 2 beta^2 (1 - 2^(1-l))`` and
    ``Theta^(L) = sum_{l=1..L} 2^(l-L) Sigma^(l)``; with ``beta = 0``,
    ``Theta^(L) = L r^2 / (n_0 2^(L-1))``.
    """
    r2 = np.asarray(sq_norm, dtype=float)
    s1 = r2 / n0 + beta**2
    levels = np.arange(1, depth + 1)
    shape = (-1,) + (1,) * r2.ndim
    sigma_l = 2.0 ** (1 - levels).reshape(shape) * s1 + 2 * beta**2 * (1 - 2.0 ** (1 - levels)).reshape(shape)
    theta = np.sum(2.0 ** (levels - depth).reshape(shape) * sigma_l, axis=0)
    return sigma_l[-1], theta


def circle_points(angles) -> np.ndarray:
    """Points ``(cos gamma, sin gamma)`` on the unit circle, shape ``(len(angles), 2)``."""
    angles = np.asarray(angles, dtype=float).ravel()
    return np.column_stack([np.cos(angles), np.sin(angles)])


def equispaced_circle(n: int) -> np.ndarray:
    """``n`` equispaced points on the unit circle, starting at ``(1, 0)``."""
    return circle_points(2 * np.pi * np.arange(n) / n)
