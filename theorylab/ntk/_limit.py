"""Numba kernel of the analytic limit recursion: one fused pass over the point pairs.

Each pair ``(i, j)`` runs all ``L - 1`` ReLU layers in registers (the angle, the gap
``e = sqrt(s11 s22) - s12`` and ``g sin t``; see :func:`theorylab.ntk.analytic.limit_kernels`),
so the ``N x N`` temporaries of a layer-by-layer NumPy evaluation never exist. The per-point
variances are rank-one (they depend on the layer and on one point only) and come in precomputed as
square roots ``R[l, i]``. Serial on purpose: one thread, cache=True.
"""

from __future__ import annotations

import math

import numba
import numpy as np

_NEAR = 1.0 - 1e-4   # |cos| above this: the first-layer angle from the unit vectors (see _first_angle)


@numba.njit(cache=True, inline="always")
def _first_angle(s12, g, U1, U2, i, j):
    """Angle between augmented inputs: arccos where it is well conditioned, else ``2 atan2(|u-u'|, |u+u'|)``."""
    if g <= 0.0:
        return 0.5 * math.pi
    c = s12 / g
    if -_NEAR <= c <= _NEAR:
        return math.acos(c)
    minus = 0.0
    plus = 0.0
    for k in range(U1.shape[1]):
        a, b = U1[i, k], U2[j, k]
        minus += (a - b) * (a - b)
        plus += (a + b) * (a + b)
    return 2.0 * math.atan2(math.sqrt(minus), math.sqrt(plus))


@numba.njit(cache=True, inline="always")
def _pair(s12, i, j, R1, R2, U1, U2, b2, depth, spread_terms):
    """``(Sigma^(L), Theta^(L))`` of one pair from its first-layer covariance ``s12``."""
    inv_two_pi = 0.5 / math.pi
    r1, r2 = R1[0, i], R2[0, j]
    g = r1 * r2
    c = s12 / g if g > 0.0 else 0.0
    if -_NEAR <= c <= _NEAR:
        # Well conditioned: g sin t = sqrt((g - s12)(g + s12)) and the gap g - s12 directly.
        angle = math.acos(c)
        gap = g - s12
        g_sin = math.sqrt(gap * (g + s12))
    else:
        angle = _first_angle(s12, g, U1, U2, i, j)
        half = math.sin(0.5 * angle)
        g_sin = g * math.sin(angle)
        gap = 2.0 * g * half * half
    theta = s12
    for layer in range(1, depth):
        rest = math.pi - angle
        s12_next = (rest * s12 + g_sin) * inv_two_pi + b2
        theta = theta * (rest * inv_two_pi) + s12_next
        if layer == depth - 1:
            s12 = s12_next
            break
        n1, n2 = R1[layer, i], R2[layer, j]
        g_next = n1 * n2
        gap = 0.5 * gap - (g_sin - angle * s12) * inv_two_pi
        if spread_terms:
            d = r1 - r2
            denom = g_next + 0.5 * g + b2
            if denom > 0.0:
                gap += 0.5 * b2 * d * d / denom
        if gap < 0.0:
            gap = 0.0
        s12 = s12_next
        g = g_next
        r1, r2 = n1, n2
        plus = g + s12
        g_sin = math.sqrt(gap * plus)
        angle = 2.0 * math.atan2(math.sqrt(gap), math.sqrt(plus))
    return s12, theta


@numba.njit(cache=True)
def gram(S12, R, U, b2, depth, spread_terms):
    """Symmetric case: ``S12`` is the first-layer Gram (overwritten by Sigma); returns ``(Sigma, Theta)``.

    Only ``j >= i`` is computed, then mirrored, so the result is exactly symmetric.
    """
    n = S12.shape[0]
    theta = np.empty_like(S12)
    for i in range(n):
        for j in range(i, n):
            s, t = _pair(S12[i, j], i, j, R, R, U, U, b2, depth, spread_terms)
            S12[i, j] = s
            theta[i, j] = t
    _mirror(S12)
    _mirror(theta)
    return S12, theta


@numba.njit(cache=True)
def _mirror(A, tile=64):
    """Copy the upper triangle onto the lower one, tile by tile (a row-by-column copy misses cache)."""
    n = A.shape[0]
    for ib in range(0, n, tile):
        for jb in range(0, ib + 1, tile):
            for i in range(ib, min(ib + tile, n)):
                for j in range(jb, min(jb + tile, i)):
                    A[i, j] = A[j, i]


@numba.njit(cache=True)
def cross(S12, R1, R2, U1, U2, b2, depth, spread_terms):
    """Two point sets: ``S12`` (N1 x N2, overwritten by Sigma) and Theta."""
    theta = np.empty_like(S12)
    for i in range(S12.shape[0]):
        for j in range(S12.shape[1]):
            s, t = _pair(S12[i, j], i, j, R1, R2, U1, U2, b2, depth, spread_terms)
            S12[i, j] = s
            theta[i, j] = t
    return S12, theta
