"""Quality of the sampled convex program in 2-D, where every activation pattern is known exactly.

In R^2 the directions ``h = (cos phi, sin phi)`` with a fixed pattern ``1[X h >= 0]`` form arcs of
the circle between consecutive angles ``theta_k +- pi/2`` (:func:`arcs_2d`), and pattern ``D_j``'s
cone ``{u : (2 D_j - I) X u >= 0}`` is the closed sector of its arc. At an optimum of the program
over a sampled pattern set with residual ``r = y - yhat`` (squared loss), a pattern outside the
sample would lower the objective exactly when its dual constraint fails::

    max { +-r^T D_j X u : u in cone_j, ||u|| <= 1 } > beta

(the KKT condition of Pilanci and Ergen 2020, the quantity the scenario view of the sampled program
bounds). In 2-D the maximum of a linear function ``g^T u`` over a sector is ``||g||`` if ``g`` points
into the sector, otherwise the better endpoint (or 0): :func:`sector_max`. A Gaussian direction has a
uniform angle, so the arc-length share of violating arcs is the probability that one fresh sampled
pattern violates the constraint (:func:`violation_probability`).
"""

from __future__ import annotations

import numpy as np


def arcs_2d(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The arcs of constant pattern of 2-D data and their patterns.

    Returns
    -------
    D : ndarray of shape (n, 2n)
        Pattern of each arc (0/1 columns; the same ordering as the arcs, repeats not merged).
    start, stop : ndarray of shape (2n,)
        Arc ``j`` is the angle interval ``[start_j, stop_j]`` (``stop_j > start_j``, possibly past 2 pi).
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"arcs_2d needs points in R^2, got shape {X.shape}")
    theta = np.arctan2(X[:, 1], X[:, 0])
    start = np.sort(np.mod(np.concatenate([theta + np.pi / 2, theta - np.pi / 2]), 2 * np.pi))
    stop = np.append(start[1:], start[0] + 2 * np.pi)
    mids = 0.5 * (start + stop)
    D = (X @ np.vstack([np.cos(mids), np.sin(mids)]) >= 0).astype(float)
    return D, start, stop


def sector_max(G: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """``max(0, max_{phi in [start_j, stop_j]} g_j^T (cos phi, sin phi))`` for every row ``g_j`` of ``G``."""
    G = np.asarray(G, dtype=float)
    offset = np.mod(np.arctan2(G[:, 1], G[:, 0]) - start, 2 * np.pi)
    inside = offset <= stop - start
    ends = np.maximum(G[:, 0] * np.cos(start) + G[:, 1] * np.sin(start),
                      G[:, 0] * np.cos(stop) + G[:, 1] * np.sin(stop))
    return np.where(inside, np.linalg.norm(G, axis=1), np.maximum(ends, 0.0))


def dual_values(X: np.ndarray, residual: np.ndarray, D: np.ndarray, start: np.ndarray, stop: np.ndarray
                ) -> np.ndarray:
    """``max over the sector of |r^T D_j X u|`` (the larger of the ``v`` and ``w`` constraints), per arc."""
    G = (D * np.asarray(residual, dtype=float)[:, None]).T @ X
    return np.maximum(sector_max(G, start, stop), sector_max(-G, start, stop))


def _keys(D: np.ndarray) -> list[bytes]:
    return [np.packbits(D[:, j].astype(bool)).tobytes() for j in range(D.shape[1])]


def violation_probability(X: np.ndarray, residual: np.ndarray, beta: float, sampled: np.ndarray, *,
                          slack: float = 1e-4) -> tuple[float, float]:
    """Probability that a fresh Gaussian direction's pattern violates the dual constraint, and the
    fraction of the enumerated patterns outside the sample that do.

    Parameters
    ----------
    X : ndarray of shape (n, 2)
    residual : ndarray of shape (n,)
        ``y - yhat`` at the sampled program's optimum.
    beta : float
    sampled : ndarray of shape (n, P_s)
        The sampled patterns (0/1 columns).
    slack : float
        A violation is a dual value above ``beta (1 + slack)`` (the slack absorbs solver accuracy).

    Returns
    -------
    probability : float
        Arc-length share of violating arcs (a Gaussian direction has a uniform angle).
    fraction : float
        Share of the distinct enumerated patterns not in ``sampled`` that violate (NaN if none is left).
    """
    D, start, stop = arcs_2d(X)
    violated = dual_values(X, residual, D, start, stop) > beta * (1.0 + slack)
    probability = float(np.sum((stop - start) * violated) / (2 * np.pi))
    inside = set(_keys(sampled))
    verdict: dict[bytes, bool] = {}
    nonzero = D.any(axis=0)
    for key, bad, keep in zip(_keys(D), violated, nonzero):
        if keep and key not in inside:
            verdict[key] = verdict.get(key, False) or bool(bad)
    fraction = float(np.mean(list(verdict.values()))) if verdict else float("nan")
    return probability, fraction


def samples_needed(t: np.ndarray, violation: np.ndarray, target: float) -> float:
    """Sample count at which a decreasing violation curve first crosses ``target``.

    Log-log interpolation between the two bracketing sample counts of ``t``; NaN if the curve never
    reaches ``target`` or already starts at or below it.
    """
    t, violation = np.asarray(t, dtype=float), np.asarray(violation, dtype=float)
    below = np.flatnonzero(violation <= target)
    if not below.size or below[0] == 0:
        return float("nan")
    i = below[0]
    lo, hi = np.log(t[i - 1]), np.log(t[i])
    v0, v1 = np.log(violation[i - 1]), np.log(max(violation[i], 1e-12))
    return float(np.exp(lo + (np.log(target) - v0) * (hi - lo) / (v1 - v0)))
