"""Experiments on the analytic limit kernels alone (no network): closed-form entries and the spectrum.

* ``ntk_limit_exact`` -- the recursion against entries known in closed form, on random inputs (C1);
* ``ntk_limit_spectrum`` -- ``lambda_min / lambda_max`` of Theta_inf Grams on the circle (C5, Prop. 2).

Both are cheap and deterministic given the seed; they exist so that the claims' domains (input
dimension, scale, depth, bias, number of points) can be explored like any other experiment's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theorylab.config import memory_terms, require
from theorylab.ntk import analytic
from theorylab.registry import experiment
from theorylab.trace import Trace

PAPER = "ntk"


@dataclass(frozen=True)
class ExactConfig:
    n0: int = 3
    n_points: int = 12
    scale: float = 1.0
    max_depth: int = 6
    beta: float = 0.3

    def validate(self) -> None:
        require(self.n0 >= 1, "n0", "an input dimension >= 1", self.n0)
        require(self.n_points >= 2, "n_points", "an integer >= 2", self.n_points)
        require(self.scale > 0, "scale", "a positive input scale", self.scale)
        require(self.max_depth >= 1, "max_depth", "an integer >= 1", self.max_depth)
        require(self.beta >= 0, "beta", "a bias strength >= 0", self.beta)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: ~12 arrays of ``(3 n_points)^2`` pair values in the recursion."""
        return memory_terms(n_points=8.0 * 12 * (3 * self.n_points) ** 2, n0=8.0 * 4 * self.n_points * self.n0)


def _relative(values: np.ndarray, exact: np.ndarray, scale: np.ndarray) -> float:
    """``max |values - exact| / scale`` (scale: the Cauchy-Schwarz bound of each entry)."""
    return float(np.max(np.abs(values - exact) / scale))


def exact_deviation(X: np.ndarray, *, max_depth: int, beta: float) -> float:
    """Largest relative error of the limit kernels over entries known in closed form.

    On the points ``X`` and, for depth 2 without bias, on pairs built from them: a point against a
    multiple of itself (angle 0), against a negative multiple (angle pi, Theta = 0) and, when
    ``n0 >= 2``, against an orthogonal vector (``Theta = |x||x'| / (2 pi n0)``). Closed forms: the
    diagonal (:func:`analytic.diagonal`) at depths ``1..max_depth`` and biases ``{0, beta}``, the
    depth-1 linear kernel ``x.x'/n0 + beta^2``. Errors are relative to ``sqrt(K(x,x) K(x',x'))``.
    """
    n, n0 = X.shape
    sq = np.sum(X**2, axis=1)
    worst = 0.0
    for b in sorted({0.0, float(beta)}):
        for depth in range(1, max_depth + 1):
            sigma, theta = analytic.limit_kernels(X, depth=depth, beta=b)
            ds, dt = analytic.diagonal(sq, n0, depth=depth, beta=b)
            worst = max(worst, _relative(np.diag(theta), dt, dt), _relative(np.diag(sigma), ds, ds))
            # The same diagonal through the two-set call (rows compared with themselves).
            s2, t2 = analytic.limit_kernels(X, X.copy(), depth=depth, beta=b)
            worst = max(worst, _relative(np.diag(t2), dt, dt), _relative(np.diag(s2), ds, ds))
        linear = analytic.ntk(X, depth=1, beta=b)
        d1 = sq / n0 + b * b
        worst = max(worst, _relative(linear, X @ X.T / n0 + b * b, np.sqrt(np.outer(d1, d1))))
    # Depth 2, beta 0: Theta = |x||x'| (sin t + 2 (pi - t) cos t) / (2 pi n0) at angle t.
    same, opposite = 2.5 * X, -0.7 * X
    norms = np.sqrt(sq)
    for Y, t in ((same, 0.0), (opposite, np.pi)):
        exact = norms * np.sqrt(np.sum(Y**2, axis=1)) * (np.sin(t) + 2 * (np.pi - t) * np.cos(t)) / (2 * np.pi * n0)
        theta = np.diag(analytic.ntk(X, Y, depth=2, beta=0.0))
        dx = analytic.diagonal(sq, n0, depth=2, beta=0.0)[1]
        dy = analytic.diagonal(np.sum(Y**2, axis=1), n0, depth=2, beta=0.0)[1]
        worst = max(worst, _relative(theta, exact, np.sqrt(dx * dy)))
    if n0 >= 2:
        R = np.roll(X, 1, axis=0)
        ortho = R - (np.sum(R * X, axis=1) / sq)[:, None] * X        # Gram-Schmidt against each x
        keep = np.linalg.norm(ortho, axis=1) > 1e-3 * np.linalg.norm(R, axis=1)
        if keep.any():
            A, B = X[keep], ortho[keep]
            nb = np.sum(B**2, axis=1)
            exact = np.sqrt(sq[keep] * nb) / (2 * np.pi * n0)
            theta = np.diag(analytic.ntk(A, B, depth=2, beta=0.0))
            dx = analytic.diagonal(sq[keep], n0, depth=2, beta=0.0)[1]
            dy = analytic.diagonal(nb, n0, depth=2, beta=0.0)[1]
            worst = max(worst, _relative(theta, exact, np.sqrt(dx * dy)))
    return worst


@experiment("ntk_limit_exact", paper=PAPER, config=ExactConfig)
def limit_exact(config: ExactConfig, rng: np.random.Generator) -> Trace:
    """Relative error of the limit kernels on closed-form entries, ``n_points`` Gaussian inputs of scale ``scale``."""
    X = config.scale * rng.standard_normal((config.n_points, config.n0))
    return Trace(np.array([0]), {"exact_rel_dev": [exact_deviation(X, max_depth=config.max_depth, beta=config.beta)]})


@dataclass(frozen=True)
class SpectrumConfig:
    depth: int = 4
    beta: float = 0.1
    n_points: int = 16

    def validate(self) -> None:
        require(self.depth >= 1, "depth", "an integer >= 1", self.depth)
        require(self.beta >= 0, "beta", "a bias strength >= 0", self.beta)
        require(self.n_points >= 2, "n_points", "an integer >= 2", self.n_points)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: ~12 ``n_points^2`` arrays (the recursion and eigvalsh) per Gram."""
        return memory_terms(n_points=8.0 * 12 * self.n_points**2)


def min_eigenvalue_ratio(depth: int, beta: float, n_points: int = 16) -> float:
    """``lambda_min / lambda_max`` of the Theta_inf Gram on ``n_points`` equispaced circle points."""
    lam = np.linalg.eigvalsh(analytic.ntk(analytic.equispaced_circle(n_points), depth=depth, beta=beta))
    return float(lam[0] / lam[-1])


SPECTRUM_CASES = {"depth2_beta0.1": (2, 0.1), "depth3_beta0": (3, 0.0), "depth2_beta0": (2, 0.0),
                  "depth1_beta0.1": (1, 0.1)}


@experiment("ntk_limit_spectrum", paper=PAPER, config=SpectrumConfig)
def limit_spectrum(config: SpectrumConfig, rng: np.random.Generator) -> Trace:
    """``lambda_min / lambda_max`` at the configured (depth, beta) and at the fixed cases, ``n_points`` circle points.

    Deterministic (``rng`` unused): equispaced points on the unit circle.
    """
    values = {"configured": [min_eigenvalue_ratio(config.depth, config.beta, config.n_points)]}
    values.update({name: [min_eigenvalue_ratio(d, b, config.n_points)] for name, (d, b) in SPECTRUM_CASES.items()})
    return Trace(np.array([0]), values)
