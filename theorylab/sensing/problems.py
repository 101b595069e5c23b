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


def singular_basis(M: np.ndarray, r: int) -> tuple[np.ndarray, np.ndarray]:
    """The top-``r`` left and right singular vectors ``(U, V)`` of ``M``."""
    u, _, vt = np.linalg.svd(M)
    return u[:, :r], vt[:r].T


def worst_case_instance(n: int, r: int, k: int, kappa: float, alpha: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A deterministic instance on which asymmetric GD's rate is ``c alpha^2`` with ``c = 8/9`` [D].

    ``M* = diag(sigma_1, ..., sigma_r, 0, ...)``, ``F0 = alpha [I_k; 0]``, ``G0 = (alpha / 3) [I_k; 0]``
    (the init scales (alpha, alpha/3) of the paper). Under the population operator every iterate stays
    diagonal, so each of the ``k - r`` extra coordinates is the scalar pair ``f <- f - eta f g^2``,
    ``g <- g - eta g f^2`` with the conserved imbalance ``f^2 - g^2 = (8/9) alpha^2``: ``g`` and the error
    ``f g`` contract by ``1 - eta (8/9) alpha^2`` per step, whatever the algorithm does on the signal.
    Our reconstruction of the paper's worst-case example (abstract; the paper's own construction
    could not be read).

    Returns
    -------
    M_star, F0, G0 : ndarray of shape (n, n), (n, k), (n, k)
    """
    if not 1 <= r <= k <= n:
        raise ValueError(f"worst-case instance needs 1 <= r <= k <= n, got r={r}, k={k}, n={n}")
    M = np.zeros((n, n))
    M[np.arange(r), np.arange(r)] = spectrum(r, kappa)
    F0 = np.zeros((n, k))
    F0[np.arange(k), np.arange(k)] = alpha
    return M, F0, F0 / 3.0
