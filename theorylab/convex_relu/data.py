"""Synthetic instances for the convex ReLU claims (no downloaded data sets).

Every generator takes a ``numpy.random.Generator`` and returns float64 arrays.
"""

from __future__ import annotations

import numpy as np


def _unit_columns(X: np.ndarray) -> np.ndarray:
    return X / np.linalg.norm(X, axis=0, keepdims=True)


def teacher_regression(n: int, features: int, rng: np.random.Generator, *, hidden: int = 3,
                       noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian features plus a ones column, targets from a random ReLU teacher.

    ``y = sum_j a_j max(0, x^T U_j) + noise * N(0, 1)`` on the standardized features (with the
    bias), after which every column of ``X`` (the ones column too) is scaled to unit norm: with
    raw columns ``X^T X ~ n I`` and the cone penalty of ADMM dominates (card, pitfall on scaling).

    Returns
    -------
    X : ndarray of shape (n, features + 1)
    y : ndarray of shape (n,)
    """
    Z = rng.standard_normal((n, features))
    X = np.hstack([Z, np.ones((n, 1))])
    U = rng.standard_normal((features + 1, hidden))
    a = rng.standard_normal(hidden)
    y = np.maximum(X @ U, 0.0) @ a + noise * rng.standard_normal(n)
    return _unit_columns(X), y


def planar_regression(n: int, rng: np.random.Generator, *, noise: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Points in R^2 (no bias column), ``y = sin(2 x_1) + max(0, x_2) + noise * N(0, 1)`` (card C4)."""
    X = rng.standard_normal((n, 2))
    y = np.sin(2.0 * X[:, 0]) + np.maximum(X[:, 1], 0.0) + noise * rng.standard_normal(n)
    return X, y


def correlated_classification(n_train: int, n_test: int, features: int, rng: np.random.Generator, *,
                              latent: int = 2, feature_noise: float = 0.25, gap: float = 0.0,
                              curvature: float = 0.5
                              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Binary labels from a nonlinear rule on a few latent factors seen through many noisy features.

    ``z ~ N(0, I_latent)``, ``y = sign(s)`` with ``s = z_1 + c (z_2^2 - 1)`` (c the ``curvature``); points with
    ``|s| < gap`` are redrawn (a class gap in latent space). Each feature is a random
    combination of the latent factors plus independent noise; features are then min-max scaled
    to [0, 1] on the training split (test clipped), and a ones column is appended as the last
    column (the bias, never perturbed). Many redundant features is what makes a standard
    classifier spread its weight and have small l_inf margins -- the regime where l_inf
    adversarial training matters (a stand-in for the card's breast-cancer data).

    Returns
    -------
    X_train, y_train, X_test, y_test
    """
    n = n_train + n_test
    z = rng.standard_normal((n, latent))
    score = z[:, 0] + curvature * (z[:, 1] ** 2 - 1.0)
    while np.any(np.abs(score) < gap):
        redraw = np.abs(score) < gap
        z[redraw] = rng.standard_normal((int(redraw.sum()), latent))
        score = z[:, 0] + curvature * (z[:, 1] ** 2 - 1.0)
    y = np.where(score >= 0, 1.0, -1.0)
    mix = rng.standard_normal((latent, features))
    F = z @ mix + feature_noise * rng.standard_normal((n, features))
    lo, hi = F[:n_train].min(axis=0), F[:n_train].max(axis=0)
    F = np.clip((F - lo) / (hi - lo), 0.0, 1.0)
    X = np.hstack([F, np.ones((n, 1))])
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def standardize_with_bias(X_train: np.ndarray, X_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Re-scale a train/test pair whose last column is the bias (card section 7, "General").

    The feature columns are standardized with the training mean and standard deviation, the
    ones column is kept, and then every column (bias too) is divided by its training-split
    l2 norm, so ``X_train`` has unit-norm columns and ``X_test`` is mapped by the same affine
    transformation (no test statistics are used).

    Returns
    -------
    X_train, X_test : float arrays of the input shapes
    """
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    if X_train.ndim != 2 or X_test.ndim != 2 or X_train.shape[1] != X_test.shape[1] or X_train.shape[1] < 2:
        raise ValueError(f"need (n, d) train and test arrays with the same d >= 2, got {X_train.shape}, {X_test.shape}")
    mean, std = X_train[:, :-1].mean(axis=0), X_train[:, :-1].std(axis=0)
    std = np.where(std > 0, std, 1.0)
    train = np.hstack([(X_train[:, :-1] - mean) / std, X_train[:, -1:]])
    test = np.hstack([(X_test[:, :-1] - mean) / std, X_test[:, -1:]])
    norms = np.linalg.norm(train, axis=0)
    norms = np.where(norms > 0, norms, 1.0)
    return train / norms, test / norms
