"""Sign-RIP quantities of Gaussian measurements: the expected scaled sub-differential and a
Monte-Carlo estimate of it (Ma & Fattahi, arXiv:2102.02969 and JMLR 24 (2023)).

For ``X != 0`` and noise ``s`` the (single-valued, Sign(0) = 0) sub-differential map is
``Q(X) = (1/m) sum_i Sign(<A_i, X> - s_i) A_i``. Sign-RIP asks that for every ``Q in Q(X)``
and every rank-``k`` ``X``::

    sup_{rank(Y) <= k, ||Y||_F = 1} <Q - phi(X) X / ||X||_F, Y>  <=  delta phi(X).

(That reading of the definition is the card's paraphrase, **inferred**.) For ``A_i`` with
i.i.d. N(0, 1) entries and ``s`` independent of ``A``, writing ``z = <A, X> ~ N(0, ||X||_F^2)``
and regressing ``A`` on ``z`` gives (derived, not quoted from the paper)::

    E[Sign(z - s) A] = phi(X) X / ||X||_F,   phi(X) = sqrt(2/pi) E_s exp(-s^2 / (2 ||X||_F^2)).

For the noise ``s = b o + nu g`` of :func:`theorylab.sensing.subgm.robust_instance`
(``b ~ Bernoulli(p)``, ``o ~ N(0, sigma_o^2)``, ``g ~ N(0, 1)``) the Gaussian expectation is
closed form, :func:`scaling_function`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theorylab.sensing import _subgm_kernels as kernels


def scaling_function(x_norm: float, *, p: float = 0.0, outlier_std: float = 0.0, nu: float = 0.0) -> float:
    """``phi(X)`` for Gaussian ``A_i`` and the mixed outlier / Gaussian noise model.

    ``phi = sqrt(2/pi) [ (1-p) x / sqrt(x^2 + nu^2) + p x / sqrt(x^2 + nu^2 + outlier_std^2) ]``
    with ``x = ||X||_F``, using ``E exp(-s^2/(2x^2)) = x / sqrt(x^2 + v)`` for ``s ~ N(0, v)``.
    With ``nu = 0`` it is the outlier model's ``sqrt(2/pi)(1 - p + p E exp(...)) >= sqrt(2/pi)(1-p)``;
    with ``p = 0`` the Gaussian model's ``sqrt(2/pi) x / sqrt(x^2 + nu^2)``, which tends to 0 with ``x``.
    """
    if x_norm <= 0:
        raise ValueError(f"x_norm must be positive, got {x_norm}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p}")
    clean = x_norm / np.sqrt(x_norm**2 + nu**2)
    corrupted = x_norm / np.sqrt(x_norm**2 + nu**2 + outlier_std**2)
    return float(np.sqrt(2.0 / np.pi) * ((1.0 - p) * clean + p * corrupted))


@dataclass(frozen=True)
class SignRIPEstimate:
    """Monte-Carlo Sign-RIP quantities at one ``X``.

    Attributes
    ----------
    Q : ndarray of shape (d, d)
        ``(1/m) sum_i Sign(<A_i, X> - s_i) A_i``.
    phi : float
        The predicted scaling :func:`scaling_function` at ``||X||_F``.
    inner : float
        ``<Q, X / ||X||_F>``, whose expectation is ``phi``.
    deviation_op : float
        ``||Q - phi X / ||X||_F||_op``.
    deviation_rank_k : float
        ``sup_{rank(Y) <= k, ||Y||_F = 1} <Q - phi X / ||X||_F, Y>``: the root of the sum of the
        ``k`` largest squared singular values (``k`` = rank of ``X``).
    """

    Q: np.ndarray
    phi: float
    inner: float
    deviation_op: float
    deviation_rank_k: float

    @property
    def delta(self) -> float:
        """The Sign-RIP constant this sample certifies at ``X``: ``deviation_rank_k / phi``."""
        return self.deviation_rank_k / self.phi


def _draw_noise(rng: np.random.Generator, size: int, p: float, outlier_std: float, nu: float) -> np.ndarray:
    support = rng.random(size) < p
    outliers = outlier_std * rng.standard_normal(size)
    return np.where(support, outliers, 0.0) + nu * rng.standard_normal(size)


def deviations(Q: np.ndarray, X: np.ndarray, phi: float, k: int) -> tuple[float, float, float]:
    """``(inner, deviation_op, deviation_rank_k)`` of ``Q`` against ``phi X / ||X||_F``."""
    direction = X / np.linalg.norm(X)
    singular = np.linalg.svd(Q - phi * direction, compute_uv=False)
    return (float(np.sum(Q * direction)), float(singular[0]), float(np.sqrt(np.sum(singular[:k] ** 2))))


def monte_carlo_sign_rip(rng: np.random.Generator, X: np.ndarray, m: int, *, p: float = 0.0,
                         outlier_std: float = 0.0, nu: float = 0.0, k: int | None = None,
                         chunk: int = 20000) -> SignRIPEstimate:
    """Estimate ``Q(X)`` with ``m`` fresh Gaussian ``A_i`` and noise draws, and its deviations.

    The ``A_i`` are drawn ``chunk`` at a time (``m = 2e5`` at ``d = 10`` would be 160 MB at once)
    and the sum ``sum_i Sign(<A_i, X> - s_i) vec(A_i)`` runs in the Numba kernel
    :func:`theorylab.sensing._subgm_kernels.sign_sum`.

    Parameters
    ----------
    rng : numpy.random.Generator
    X : ndarray of shape (d, d)
        Any nonzero matrix (it need not be symmetric).
    m : int
        Number of measurements.
    p, outlier_std, nu : float
        Noise model, as in :func:`scaling_function`.
    k : int, optional
        Rank of the test matrices ``Y``; default the numerical rank of ``X``.
    chunk : int
        Measurements drawn per batch.

    Returns
    -------
    SignRIPEstimate
    """
    X = np.ascontiguousarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] != X.shape[1]:
        raise ValueError(f"X must be a square matrix, got shape {X.shape}")
    if m < 1 or chunk < 1:
        raise ValueError(f"m and chunk must be positive, got m={m}, chunk={chunk}")
    d = X.shape[0]
    k = int(np.linalg.matrix_rank(X)) if k is None else k
    phi = scaling_function(float(np.linalg.norm(X)), p=p, outlier_std=outlier_std, nu=nu)
    total = np.zeros(d * d)
    for start in range(0, m, chunk):
        size = min(chunk, m - start)
        A = rng.standard_normal((size, d * d))
        s = _draw_noise(rng, size, p, outlier_std, nu)
        total += kernels.sign_sum(A, s, X.ravel())
    Q = total.reshape(d, d) / m
    return SignRIPEstimate(Q, phi, *deviations(Q, X, phi, k))


def sign_sum_reference(A: np.ndarray, s: np.ndarray, x_vec: np.ndarray) -> np.ndarray:
    """NumPy reference of the kernel ``sign_sum``: ``sum_i Sign(<A_i, X> - s_i) vec(A_i)``."""
    return sum(np.sign(a @ x_vec - si) * a for a, si in zip(A, s))
