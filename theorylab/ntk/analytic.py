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

from theorylab.ntk import _limit


def _check_inputs(X: np.ndarray, name: str) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"{name} must be a non-empty (points, n_0) array, got shape {X.shape}")
    return X


def _first_layer_angle(A1: np.ndarray, A2: np.ndarray, norm1: np.ndarray, norm2: np.ndarray) -> np.ndarray:
    """Angle between the augmented inputs ``a = (x / sqrt(n_0), beta)``, accurate near 0 and pi.

    ``arccos`` of the correlation loses half the digits where ``|cos| ~ 1`` (its derivative is
    infinite there): a correlation one rounding step below 1 gives an angle of ~1e-8. Those pairs
    (every pair with ``|cos| > 1 - 1e-4``, where ``arccos``'s error ``~eps / sin t`` could exceed
    ~1e-14) are recomputed as ``2 atan2(|u - u'|, |u + u'|)`` from the unit vectors themselves, which
    is exact for repeated rows (0) and antipodal rows (pi).
    """
    scale = np.outer(norm1, norm2)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.where(scale > 0, (A1 @ A2.T) / np.where(scale > 0, scale, 1.0), 0.0)
    angle = np.arccos(np.clip(cos, -1.0, 1.0))
    rows, cols = np.nonzero((np.abs(cos) > 1.0 - 1e-4) & (scale > 0))
    if rows.size:
        U1 = A1 / np.where(norm1 > 0, norm1, 1.0)[:, None]
        U2 = A2 / np.where(norm2 > 0, norm2, 1.0)[:, None]
        minus = np.linalg.norm(U1[rows] - U2[cols], axis=1)
        plus = np.linalg.norm(U1[rows] + U2[cols], axis=1)
        angle[rows, cols] = 2 * np.arctan2(minus, plus)
    return angle


def limit_kernels(X1, X2=None, *, depth: int, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """The NNGP kernel ``Sigma^(L)`` and the NTK ``Theta^(L)_inf`` between two point sets.

    Parameters
    ----------
    X1 : array_like of shape (N1, n_0)
    X2 : array_like of shape (N2, n_0), optional
        Defaults to ``X1`` (a Gram matrix, exactly symmetric).
    depth : int
        ``L >= 1``, the number of weight matrices (``L = 1`` is the linear model).
    beta : float
        Bias strength ``beta >= 0``.

    Returns
    -------
    sigma, theta : ndarray of shape (N1, N2)
        ``Sigma^(L)(x_a, x'_b)`` and ``Theta^(L)_inf(x_a, x'_b)`` (scalar output; a vector output
        is ``theta`` times the identity).

    Notes
    -----
    One fused Numba pass over the pairs (:mod:`theorylab.ntk._limit`; the Gram computes ``j >= i`` and
    mirrors); :func:`limit_kernels_reference` is the same recursion layer by layer in NumPy.

    The recursion carries, per pair, the angle ``theta_l`` of ``Lambda^(l)`` and the gap
    ``e_l = sqrt(s11 s22) - s12 >= 0`` instead of the correlation ``rho``: ``arccos(rho)`` turns a
    rounding error of 1e-16 in ``rho ~ 1`` into 1e-8 in the angle (and ~1e-9 in ``Theta``). With
    ``J(t) = sin t + (pi - t) cos t`` and ``g = sqrt(s11 s22)``, the next gap is

    .. math::

        e_{l+1} = \\frac{\\beta^2 (\\sqrt{s_{11}} - \\sqrt{s_{22}})^2 / 2}{g_{l+1} + g/2 + \\beta^2}
                + \\frac{e_l}{2} - \\frac{g \\sin t - t s_{12}}{2\\pi},

    free of cancellation, and ``theta_{l+1} = 2 atan2(sqrt(e), sqrt(g_{l+1} + s12))``. Repeated rows
    get angle 0 exactly at every layer, in both call forms.
    """
    X1, X2, gram = _check_call(X1, X2, depth, beta)
    n0 = X1.shape[1]
    b2 = beta * beta
    s12 = X1 @ X2.T
    s12 /= n0
    s12 += b2
    if depth == 1:
        return s12, s12.copy()
    s11 = np.einsum("ij,ij->i", X1, X1) / n0 + b2
    R1, U1 = _layer_roots(X1, s11, depth, beta)
    if gram:
        return _limit.gram(s12, R1, U1, b2, int(depth), b2 > 0)
    s22 = np.einsum("ij,ij->i", X2, X2) / n0 + b2
    R2, U2 = _layer_roots(X2, s22, depth, beta)
    return _limit.cross(s12, R1, R2, U1, U2, b2, int(depth), b2 > 0)


def _check_call(X1, X2, depth, beta):
    if int(depth) != depth or depth < 1:
        raise ValueError(f"depth must be an integer >= 1, got {depth}")
    if not beta >= 0:
        raise ValueError(f"beta must be >= 0, got {beta}")
    X1 = _check_inputs(X1, "X1")
    gram = X2 is None
    X2 = X1 if gram else _check_inputs(X2, "X2")
    if X1.shape[1] != X2.shape[1]:
        raise ValueError(f"X1 and X2 need the same input dimension, got {X1.shape[1]} and {X2.shape[1]}")
    return X1, X2, gram


def _layer_roots(X, s1, depth, beta):
    """``R[l] = sqrt(Sigma^(l+1)(x, x))`` for ``l = 0..L-2`` (rank-one: one value per point and layer), and
    the unit augmented inputs ``(x / sqrt(n_0), beta) / sqrt(Sigma^(1)(x, x))`` (zero rows stay zero)."""
    b2 = beta * beta
    R = np.empty((depth - 1, X.shape[0]))
    s = s1
    for layer in range(depth - 1):
        R[layer] = np.sqrt(s)
        s = s / 2 + b2
    A = np.column_stack([X / np.sqrt(X.shape[1]), np.full(X.shape[0], beta)])
    U = A / np.where(R[0] > 0, R[0], 1.0)[:, None]
    return R, np.ascontiguousarray(U)


def limit_kernels_reference(X1, X2=None, *, depth: int, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """The NumPy, layer-by-layer evaluation of :func:`limit_kernels` (same recursion; the test reference).

    Every layer is a handful of ``N1 x N2`` array operations; :func:`limit_kernels` runs the same
    per-pair recursion fused in one Numba pass and should agree with this to a few ulps.
    """
    X1, X2, gram = _check_call(X1, X2, depth, beta)
    n0 = X1.shape[1]
    b2 = beta * beta
    s12 = X1 @ X2.T / n0 + b2
    s11 = np.einsum("ij,ij->i", X1, X1) / n0 + b2
    s22 = s11 if gram else np.einsum("ij,ij->i", X2, X2) / n0 + b2
    theta = s12.copy()
    if depth == 1:
        return s12, theta
    A1 = np.column_stack([X1 / np.sqrt(n0), np.full(X1.shape[0], beta)])
    A2 = A1 if gram else np.column_stack([X2 / np.sqrt(n0), np.full(X2.shape[0], beta)])
    r1, r2 = np.sqrt(s11), np.sqrt(s22)
    angle = _first_layer_angle(A1, A2, r1, r2)
    g = np.outer(r1, r2)
    g_sin = g * np.sin(angle)                      # g sin(t); g cos(t) is s12
    gap = 2 * g * np.sin(angle / 2) ** 2           # g - s12 = g (1 - cos t), without cancellation
    two_pi = 2 * np.pi
    for _ in range(depth - 1):
        rest = np.pi - angle
        s12_next = rest * s12
        s12_next += g_sin
        s12_next /= two_pi
        s12_next += b2
        theta *= rest / two_pi
        theta += s12_next
        # Next layer: variances, geometric mean, and the gap e' = g' - s12' (see Notes).
        equal_norms = np.all(r1 == r1[0]) and np.all(r2 == r1[0])
        spread = None if b2 == 0 or equal_norms else np.subtract.outer(r1, r2) ** 2
        s11 = s11 / 2 + b2
        s22 = s11 if gram else s22 / 2 + b2
        r1, r2 = np.sqrt(s11), np.sqrt(s22)
        g_next = np.outer(r1, r2)
        angle *= s12
        g_sin -= angle
        g_sin /= -two_pi                            # -(g sin t - t s12) / (2 pi)
        gap /= 2
        gap += g_sin
        if spread is not None:                      # zero when all norms agree (e.g. on the sphere)
            gap += b2 * spread / 2 / np.where(g_next > 0, g_next + g / 2 + b2, 1.0)
        np.maximum(gap, 0.0, out=gap)
        s12, g = s12_next, g_next
        # tan(t'/2) = sqrt(e' / (g' + s12')); g' sin t' = sqrt(e' (2 g' - e')) = sqrt(e' (g' + s12')).
        plus = g + s12
        g_sin = np.sqrt(gap * plus)
        angle = np.arctan2(np.sqrt(gap), np.sqrt(plus, out=plus))
        angle *= 2
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
