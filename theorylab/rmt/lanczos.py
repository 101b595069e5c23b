"""Lanczos with full reorthogonalisation and stochastic Lanczos quadrature (SLQ).

Both only need a matrix-vector product ``v -> H v`` (a Hessian-vector product), so they work for
batch Hessians that are never formed. SLQ is the spectral-density estimator used by the paper
(and by Ghorbani, Krishnan and Xiao 2019) to draw Hessian spectra.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.linalg import eigh_tridiagonal

Matvec = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class LanczosResult:
    """Ritz values (ascending) and, for each, the squared first component of its Ritz vector."""

    ritz_values: np.ndarray
    first_weights: np.ndarray
    steps: int
    top_residual: float = float("nan")


def lanczos(matvec: Matvec, start: np.ndarray, steps: int, tol: float | None = None) -> LanczosResult:
    """Run up to ``steps`` Lanczos iterations on a symmetric operator from ``start``.

    The three-term recurrence ``beta_{k+1} q_{k+1} = H q_k - alpha_k q_k - beta_k q_{k-1}`` is followed
    by a full Gram-Schmidt pass against every previous ``q`` (twice): without it, round-off
    re-introduces converged directions and "ghost" copies of the top eigenvalue appear.
    Stops early when the Krylov space becomes invariant (``beta`` below ``1e-12 |alpha|``) and, with
    ``tol``, when the top Ritz pair's residual ``|H y - theta y| = beta_k |s_k|`` (``s_k`` the last
    component of its eigenvector of ``T_k``) is at most ``tol |theta|``. That residual bounds the
    distance from ``theta`` to an eigenvalue of ``H`` (Kahan's bound), so ``tol`` is the accuracy
    reached (relative), and ``r^2 / gap`` the sharper one for a separated top eigenvalue.

    Returns
    -------
    LanczosResult
        Eigenvalues of the tridiagonal matrix ``T_k`` (Ritz values) and the squares of the first
        components of its eigenvectors (the Gauss quadrature weights of SLQ).
    """
    p = start.size
    steps = int(min(steps, p))
    basis = np.zeros((steps, p))
    alphas, betas = np.zeros(steps), np.zeros(steps)
    q = start / np.linalg.norm(start)
    done = steps
    for k in range(steps):
        basis[k] = q
        w = matvec(q)
        alphas[k] = q @ w
        for _ in range(2):
            w -= basis[: k + 1].T @ (basis[: k + 1] @ w)
        beta = np.linalg.norm(w)
        if k + 1 == steps or beta <= 1e-12 * max(abs(alphas[k]), 1e-300):
            done = k + 1
            break
        if tol is not None and k >= 1:
            theta, y = eigh_tridiagonal(alphas[: k + 1], betas[:k], select="i", select_range=(k, k))
            if beta * abs(y[-1, 0]) <= tol * abs(theta[0]):
                done = k + 1
                break
        betas[k] = beta
        q = w / beta
    values, vectors = eigh_tridiagonal(alphas[:done], betas[: done - 1])
    residual = beta * abs(vectors[-1, -1]) if done < p else 0.0
    return LanczosResult(values, vectors[0] ** 2, done, float(residual))


RITZ_TOL = 1e-8


def top_ritz(matvec: Matvec, p: int, rng: np.random.Generator, steps: int = 80, tol: float = RITZ_TOL
             ) -> tuple[float, float, int]:
    """Top Ritz value, its relative residual (the accuracy reached) and the matvecs used.

    Lanczos from a Gaussian start, stopped as soon as the top Ritz pair's residual is at most
    ``tol`` times the Ritz value (at most ``steps`` matvecs).
    """
    result = lanczos(matvec, rng.standard_normal(p), steps, tol=tol)
    top = float(result.ritz_values[-1])
    return top, result.top_residual / max(abs(top), 1e-300), result.steps


def top_eigenvalue(matvec: Matvec, p: int, rng: np.random.Generator, steps: int = 80, tol: float = RITZ_TOL) -> float:
    """Largest eigenvalue of a symmetric operator: :func:`top_ritz`'s value (stopped on the Ritz residual)."""
    return top_ritz(matvec, p, rng, steps, tol)[0]


def extremal_eigenvalues(matvec: Matvec, p: int, rng: np.random.Generator, steps: int = 40) -> tuple[float, float]:
    """``(lambda_min, lambda_max)`` estimated by the extreme Ritz values."""
    values = lanczos(matvec, rng.standard_normal(p), steps).ritz_values
    return float(values[0]), float(values[-1])


def slq(matvec: Matvec, p: int, rng: np.random.Generator, *, steps: int = 60, probes: int = 10
        ) -> tuple[np.ndarray, np.ndarray]:
    """Stochastic Lanczos quadrature: a discrete approximation of the spectral density.

    For each of ``probes`` Rademacher vectors ``v``, Lanczos from ``v`` gives nodes ``theta_k``
    and weights ``tau_k`` with ``v^T f(H) v / |v|^2 ~ sum_k tau_k f(theta_k)``; averaging over probes
    gives ``(1/P) tr f(H)``.

    Returns
    -------
    nodes, weights : ndarray
        All probes' nodes and weights (weights sum to 1), so ``P * sum(weights * nodes)`` estimates
        ``tr H``.
    """
    nodes, weights = [], []
    for _ in range(probes):
        result = lanczos(matvec, rng.choice([-1.0, 1.0], size=p), steps)
        nodes.append(result.ritz_values)
        weights.append(result.first_weights / probes)
    return np.concatenate(nodes), np.concatenate(weights)


def smoothed_density(nodes: np.ndarray, weights: np.ndarray, grid: np.ndarray, width: float) -> np.ndarray:
    """Gaussian-smoothed density ``sum_k w_k N(x; theta_k, width^2)`` on ``grid`` (for plots)."""
    diff = (grid[:, None] - nodes[None, :]) / width
    return (np.exp(-0.5 * diff**2) * weights).sum(axis=1) / (width * np.sqrt(2 * np.pi))
