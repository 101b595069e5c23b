"""Low-rank targets and random factor initializations for matrix sensing."""

from __future__ import annotations

import numpy as np


def spectrum(r: int, kappa: float) -> np.ndarray:
    """Singular values linearly spaced from 1 down to ``1 / kappa`` (condition number ``kappa``)."""
    return np.linspace(1.0, 1.0 / kappa, r)


def orthonormal(rng: np.random.Generator, n: int, r: int) -> np.ndarray:
    """An ``n x r`` matrix with orthonormal columns, uniformly distributed (QR of a Gaussian)."""
    q, upper = np.linalg.qr(rng.standard_normal((n, r)))
    return q * np.sign(np.diag(upper))


def psd_target(rng: np.random.Generator, n: int, r: int, kappa: float) -> np.ndarray:
    """``M* = Q diag(sigma) Q^T``: PSD, rank ``r``, spectrum from :func:`spectrum`."""
    q = orthonormal(rng, n, r)
    return np.ascontiguousarray((q * spectrum(r, kappa)) @ q.T)


def general_target(rng: np.random.Generator, n1: int, n2: int, r: int, kappa: float) -> np.ndarray:
    """``M* = Q1 diag(sigma) Q2^T``: rank ``r``, not symmetric."""
    q1, q2 = orthonormal(rng, n1, r), orthonormal(rng, n2, r)
    return np.ascontiguousarray((q1 * spectrum(r, kappa)) @ q2.T)


def gaussian_factor(rng: np.random.Generator, n: int, k: int, scale: float) -> np.ndarray:
    """``scale`` times an ``n x k`` matrix of i.i.d. N(0, 1/n) entries.

    The N(0, 1/n) normalization of the direction is our choice (card [M]: the paper's is not
    confirmed); with it the columns have norm about ``scale``.
    """
    return np.ascontiguousarray(scale * rng.standard_normal((n, k)) / np.sqrt(n))
