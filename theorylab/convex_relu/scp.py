"""The sampled-convex-program (SCP) method [INFERRED reconstruction, card 3.4 and 4.3].

The abstract only says that SCP theory solves "unconstrained convex formulations"; the form used
here is the card's reconstruction. Sample N first-layer neurons ``u_j`` uniformly on the unit
sphere, freeze them, and fit the second layer by the lasso::

    min_alpha  1/2 || max(0, X U) alpha - y ||^2 + beta ||alpha||_1

Its dual variable is the residual ``lam = y - max(0, X U) alpha``; a fresh neuron ``u`` could
lower the objective exactly when it violates the semi-infinite dual constraint
``|lam^T max(0, X u)| <= beta``. Scenario theory (Calafiore and Campi) bounds the probability of
such a violation by about ``n / (N + 1)``, so N is doubled until the violation rate measured on
fresh neurons falls below a target. The lasso is solved by FISTA (Beck and Teboulle 2009) with
NumPy/BLAS matrix-vector products, which dominate its cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SCPResult:
    """Outcome of :func:`scp`: the network, the history of (N, violation rate) and the objective."""

    U: np.ndarray
    alpha: np.ndarray
    neurons: tuple[int, ...]
    violation: tuple[float, ...]
    objective: float


def sample_neurons(d: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` directions uniform on the unit sphere of R^d, as the columns of a (d, count) array."""
    U = rng.standard_normal((d, count))
    return U / np.linalg.norm(U, axis=0, keepdims=True)


def fit_second_layer(X: np.ndarray, y: np.ndarray, U: np.ndarray, beta: float, *, iterations: int = 20000,
                     tol: float = 1e-12, start: np.ndarray | None = None) -> np.ndarray:
    """Lasso on the frozen features ``Phi = max(0, X U)`` by FISTA.

    ``alpha <- S_{beta/L}(z - Phi^T (Phi z - y) / L)``, ``z <- alpha + (t_k - 1)/t_{k+1} (alpha - alpha_prev)``
    with ``L = ||Phi||_2^2`` and ``S`` the soft-threshold; stops when an update moves alpha by less
    than ``tol`` (relative). ``start`` (a warm start, padded with zeros to the neuron count)
    helps when neurons are added to a nested sample.
    """
    if not beta > 0:
        raise ValueError(f"beta must be positive, got {beta}")
    Phi = np.maximum(X @ U, 0.0)
    L = np.linalg.norm(Phi, 2) ** 2
    if L == 0:
        return np.zeros(U.shape[1])
    alpha = np.zeros(U.shape[1])
    if start is not None:
        alpha[: start.size] = start
    z, t = alpha.copy(), 1.0
    for _ in range(iterations):
        step = z - Phi.T @ (Phi @ z - y) / L
        new = np.sign(step) * np.maximum(np.abs(step) - beta / L, 0.0)
        t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
        z = new + ((t - 1.0) / t_next) * (new - alpha)
        moved = np.linalg.norm(new - alpha)
        alpha, t = new, t_next
        if moved <= tol * max(1.0, np.linalg.norm(alpha)):
            break
    return alpha


def lasso_objective(X, y, U, alpha, beta: float) -> float:
    """``1/2 ||max(0, X U) alpha - y||^2 + beta ||alpha||_1``."""
    residual = np.maximum(X @ U, 0.0) @ alpha - y
    return 0.5 * float(residual @ residual) + beta * float(np.sum(np.abs(alpha)))


def violation_rate(X: np.ndarray, residual: np.ndarray, beta: float, fresh: np.ndarray, *, slack: float = 1e-6) -> float:
    """Fraction of the fresh neurons (columns of ``fresh``) with ``|lam^T max(0, X u)| > beta (1 + slack)``."""
    scores = np.abs(residual @ np.maximum(X @ fresh, 0.0))
    return float(np.mean(scores > beta * (1.0 + slack)))


def scp(X: np.ndarray, y: np.ndarray, beta: float, rng: np.random.Generator, *, start: int = 16,
        max_neurons: int = 1024, target: float = 0.05, fresh: int = 2000) -> SCPResult:
    """Double the number of sampled neurons until fresh neurons violate the dual constraint at rate <= target."""
    if start < 1 or max_neurons < start or not 0 < target < 1 or fresh < 1:
        raise ValueError(f"need 1 <= start <= max_neurons, 0 < target < 1, fresh >= 1; "
                         f"got {start}, {max_neurons}, {target}, {fresh}")
    d = X.shape[1]
    U = sample_neurons(d, start, rng)
    neurons, rates = [], []
    alpha = None
    while True:
        alpha = fit_second_layer(X, y, U, beta, start=alpha)
        residual = y - np.maximum(X @ U, 0.0) @ alpha
        rate = violation_rate(X, residual, beta, sample_neurons(d, fresh, rng))
        neurons.append(U.shape[1])
        rates.append(rate)
        if rate <= target or 2 * U.shape[1] > max_neurons:
            break
        U = np.hstack([U, sample_neurons(d, U.shape[1], rng)])
    return SCPResult(U, alpha, tuple(neurons), tuple(rates), lasso_objective(X, y, U, alpha, beta))
