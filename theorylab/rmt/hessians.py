"""Batch Hessians ``H_B = (1/B) sum_{i in batch} d_i phi_i phi_i^T + ridge I``, their extremal
eigenvalues, and the outlier laws they are compared with.

Outlier laws (Granziol, Zohren, Roberts, JMLR 2022, card F1/F2):

* :func:`wigner_outlier` -- **reconstructed** (card F1 [M]): the paper's batch-Hessian theorem as we
  believe it reads, an additive spiked-Wigner (BBP / Benaych-Georges-Nadakuditi) outlier. The
  paper's exact statement could not be retrieved; this is not a quotation.
* :func:`wishart_outlier` -- derived (card F2 [D]): the spiked-Wishart (Baik-Ben Arous-Peche,
  Baik-Silverstein) outlier of ``X_B^T X_B / B``, the law a least-squares batch Hessian obeys.
* :func:`perturbative_outlier` -- derived here [D]: second-order perturbation theory for any
  sum of PSD rank-one terms (GLM Hessians, GGNs), which reduces to F2's ``1/B`` term for Gaussian data.
"""

from __future__ import annotations

import numpy as np

from theorylab.rmt import _kernels


def batch_hessian(features: np.ndarray, weights: np.ndarray, ridge: float = 0.0) -> np.ndarray:
    """Dense ``H_B = (1/B) sum_i d_i phi_i phi_i^T + ridge I`` from the batch's rows, shape (P, P)."""
    scaled = features * np.sqrt(weights)[:, None]
    return scaled.T @ scaled / features.shape[0] + ridge * np.eye(features.shape[1])


def batch_matvec(features: np.ndarray, weights: np.ndarray, ridge: float = 0.0):
    """The Hessian-vector product ``v -> H_B v`` (Numba kernel), without forming ``H_B``."""
    features = np.ascontiguousarray(features, dtype=float)
    weights = np.ascontiguousarray(weights, dtype=float)

    def matvec(v: np.ndarray) -> np.ndarray:
        return _kernels.batch_hvp(features, weights, np.ascontiguousarray(v, dtype=float), float(ridge),
                                  np.empty(features.shape[1]))

    return matvec


def extremal_eigenvalues(features: np.ndarray, weights: np.ndarray, ridge: float = 0.0) -> tuple[float, float]:
    """Exact ``(lambda_min, lambda_max)`` of ``H_B``.

    For ``B < P`` the nonzero spectrum of ``H_B - ridge I`` is that of the ``B x B`` Gram matrix
    ``S S^T / B`` (``S`` the rows scaled by ``sqrt(d_i)``), and ``lambda_min = ridge`` (rank at most B).
    """
    b, p = features.shape
    scaled = features * np.sqrt(weights)[:, None]
    if b < p:
        values = np.linalg.eigvalsh(scaled @ scaled.T / b)
        return float(ridge), float(values[-1] + ridge)
    values = np.linalg.eigvalsh(scaled.T @ scaled / b)
    return float(values[0] + ridge), float(values[-1] + ridge)


def wigner_outlier(spike: float, s2: float, p: int, batch) -> np.ndarray:
    """Card F1 (**reconstructed**, [M]): top eigenvalue of ``spike e1 e1^T + W`` with ``W`` Wigner.

    ``W``'s entries have variance ``s2 / B``, its semicircle radius is ``2 s sqrt(P / B)``, and
    ``lambda' = spike + P s2 / (B spike)`` if ``spike > s sqrt(P / B)``, else ``2 s sqrt(P / B)``.
    """
    batch = np.asarray(batch, dtype=float)
    radius_half = np.sqrt(s2 * p / batch)
    return np.where(spike > radius_half, spike + p * s2 / (batch * spike), 2 * radius_half)


def wishart_outlier(spike: float, bulk: float, p: int, batch) -> np.ndarray:
    """Card F2 ([D]): limit of ``lambda_max(X_B^T X_B / B)`` for ``x ~ N(0, diag(spike, bulk, ...))``.

    With ``q = P / B``: ``spike (1 + q bulk / (spike - bulk))`` if ``spike > bulk (1 + sqrt q)``
    (the outlier separates; its excess over ``spike`` is exactly ``prop. 1/B``), else the
    Marchenko-Pastur edge ``bulk (1 + sqrt q)^2``.
    """
    q = p / np.asarray(batch, dtype=float)
    separated = spike > bulk * (1 + np.sqrt(q))
    return np.where(separated, spike * (1 + q * bulk / (spike - bulk)), bulk * (1 + np.sqrt(q)) ** 2)


def wishart_separated(spike: float, bulk: float, p: int, batch) -> np.ndarray:
    """True where the F2 outlier is separated from the bulk (BBP condition ``spike > bulk (1 + sqrt(P/B))``)."""
    return spike > bulk * (1 + np.sqrt(p / np.asarray(batch, dtype=float)))


def perturbative_outlier(features: np.ndarray, weights: np.ndarray, batch, ridge: float = 0.0) -> np.ndarray:
    """Second-order perturbation law for ``E lambda_max(H_B)`` under uniform sampling with replacement [D].

    With ``H_emp = V diag(lambda) V^T`` and per-sample coordinates ``a_i = sqrt(d_i) V^T phi_i``,
    ``(H_B - H_emp)_{1j}`` has mean 0 and variance ``m_j / B`` with ``m_j = mean_i a_i1^2 a_ij^2``, so

        E lambda_max(H_B) ~ lambda_1 + (1/B) sum_{j >= 2} m_j / (lambda_1 - lambda_j).

    Valid while the shift is small against the gap ``lambda_1 - lambda_2``; for Gaussian inputs
    ``m_j = lambda_1 lambda_j`` and this is the ``1/B`` term of F2.
    """
    scaled = features * np.sqrt(weights)[:, None]
    values, vectors = np.linalg.eigh(scaled.T @ scaled / scaled.shape[0])
    coords = scaled @ vectors[:, ::-1]
    values = values[::-1]
    moments = (coords[:, :1] ** 2 * coords[:, 1:] ** 2).mean(axis=0)
    shift = np.sum(moments / (values[0] - values[1:]))
    return values[0] + ridge + shift / np.asarray(batch, dtype=float)


def additive_batch_hessian(rng: np.random.Generator, p: int, spike: float, s2: float, batch: int) -> np.ndarray:
    """The literal additive model of card F1: ``spike e1 e1^T + (G + G^T) / sqrt 2``, ``G_ij ~ N(0, s2 / B)``."""
    g = rng.standard_normal((p, p)) * np.sqrt(s2 / batch)
    h = (g + g.T) / np.sqrt(2.0)
    h[0, 0] += spike
    return h
