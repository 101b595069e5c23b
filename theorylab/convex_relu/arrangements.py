"""Activation patterns ``D(h) = diag(1[X h >= 0])``: exact enumeration in 2-D, sampling otherwise.

Patterns are stored as an ``(n, P)`` float array of zeros and ones (column i is the diagonal of
``D_i``), the form every program and the ADMM kernel take. The convention ``>= 0`` is the one of
the authors' code (card, pitfall on pattern conventions).
"""

from __future__ import annotations

import numpy as np


def patterns_from_directions(X: np.ndarray, H: np.ndarray) -> np.ndarray:
    """``1[X h_j >= 0]`` for every column ``h_j`` of ``H`` (shape (d, N)); returns (n, N) floats."""
    return (X @ H >= 0).astype(float)


def unique_patterns(D: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop all-zero and repeated columns of ``D``, keeping first occurrences in order.

    Returns
    -------
    D_unique : ndarray of shape (n, P)
    kept : ndarray of int
        Indices of the kept columns of ``D``; a prefix of the raw columns therefore maps to a
        prefix of the unique ones, so patterns from the first k raw samples form nested sets.
    """
    seen: set[bytes] = set()
    kept = []
    for j in range(D.shape[1]):
        column = D[:, j].astype(bool)
        key = np.packbits(column).tobytes()
        if not column.any() or key in seen:
            continue
        seen.add(key)
        kept.append(j)
    kept = np.asarray(kept, dtype=int)
    return D[:, kept], kept


def sample_patterns(X: np.ndarray, samples: int, rng: np.random.Generator) -> np.ndarray:
    """Patterns of ``samples`` Gaussian directions ``h ~ N(0, I_d)``, deduplicated (card 3.2).

    Returns the ``(n, P)`` pattern array, ``P <= samples``.
    """
    if samples < 1:
        raise ValueError(f"samples must be >= 1, got {samples}")
    H = rng.standard_normal((X.shape[1], samples))
    return unique_patterns(patterns_from_directions(X, H))[0]


def enumerate_patterns_2d(X: np.ndarray) -> np.ndarray:
    """Every distinct non-zero activation pattern of 2-D data, by an angular sweep.

    ``x_k^T h >= 0`` for ``h = (cos phi, sin phi)`` exactly when phi lies within pi/2 of
    ``theta_k = atan2(x_k)``; the 2n angles ``theta_k +- pi/2`` cut the circle into arcs on
    which the pattern is constant. One direction per arc (its midpoint) therefore visits every
    pattern; deduplication merges arcs that share one. For points in general position that are
    not all inside one half-plane this gives ``2n`` patterns.

    Parameters
    ----------
    X : ndarray of shape (n, 2), no zero rows

    Returns
    -------
    ndarray of shape (n, P)
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"enumerate_patterns_2d needs points in R^2, got shape {X.shape}")
    if np.any(np.linalg.norm(X, axis=1) == 0):
        raise ValueError("enumerate_patterns_2d needs non-zero points")
    theta = np.arctan2(X[:, 1], X[:, 0])
    cuts = np.sort(np.mod(np.concatenate([theta + np.pi / 2, theta - np.pi / 2]), 2 * np.pi))
    following = np.append(cuts[1:], cuts[0] + 2 * np.pi)
    mids = 0.5 * (cuts + following)
    H = np.vstack([np.cos(mids), np.sin(mids)])
    return unique_patterns(patterns_from_directions(X, H))[0]


def sample_patterns_through_data(X: np.ndarray, samples: int, rng: np.random.Generator) -> np.ndarray:
    """Patterns of random hyperplanes through data points, for data whose last column is a bias.

    ``h = (g, -g^T x_j)`` with ``g ~ N(0, I)`` on the feature columns and ``x_j`` a random row:
    with non-negative features plus a bias, plain Gaussian ``h`` mostly gives all-one or repeated
    patterns (card, pitfall on sampling degeneracy); hyperplanes through the data split it.
    Deduplicated; returns the ``(n, P)`` pattern array.
    """
    if samples < 1:
        raise ValueError(f"samples must be >= 1, got {samples}")
    features = X[:, :-1]
    g = rng.standard_normal((features.shape[1], samples))
    anchors = features[rng.integers(0, X.shape[0], samples)]
    H = np.vstack([g, -np.sum(anchors * g.T, axis=1)[None, :]])
    return unique_patterns(patterns_from_directions(X, H))[0]
