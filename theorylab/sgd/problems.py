"""Problem instances: stochastic problem classes with their noise models, and the Harvey et al. instances.

Harvey, Liaw, Plan, Randhawa, *Tight analyses for non-smooth stochastic gradient descent*,
COLT 2019 (arXiv:1812.05217), Thms 3.4 and 3.5: both live in R^T (dimension = horizon), on the
Euclidean unit ball, from x_1 = 0, with an oracle returning the subgradient of the smallest
active piece, and both have f* = 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theorylab.config import require
from theorylab.sgd import _kernels

NOISE_MODELS = ("none", "gaussian", "rademacher", "pareto")
PROBLEM_KINDS = {"l1": _kernels.L1, "quadratic": _kernels.QUADRATIC, "linear": _kernels.LINEAR,
                 "huber": _kernels.HUBER}


# -- noise -------------------------------------------------------------------------------------
def draw_noise(rng: np.random.Generator, model: str, shape: tuple[int, ...], sigma: float,
               alpha: float = 2.0) -> np.ndarray:
    """Zero-mean oracle noise xi of the given shape, coordinates i.i.d.

    * ``gaussian``: N(0, sigma^2) (sub-Gaussian, finite variance);
    * ``rademacher``: sigma * (+-1) (bounded);
    * ``pareto``: sigma * s * (U^(-1/alpha) - 1), s = +-1, U uniform: symmetric with tail
      P(|xi| > u) ~ (u / sigma)^(-alpha), so E|xi|^p < inf exactly for p < alpha (heavy-tailed
      for alpha <= 2);
    * ``none``: zeros (deterministic gradients).
    """
    if model == "none":
        return np.zeros(shape)
    if model == "gaussian":
        return sigma * rng.standard_normal(shape)
    if model == "rademacher":
        return sigma * (2.0 * rng.integers(0, 2, size=shape) - 1.0)
    if model == "pareto":
        # one uniform gives both the sign (which half) and the magnitude (position in the half)
        u = 2.0 * rng.random(shape)
        upper = u >= 1.0
        u[upper] -= 1.0
        magnitude = (1.0 - u) ** (-1.0 / alpha) - 1.0
        magnitude[upper] *= -1.0
        return sigma * magnitude
    raise ValueError(f"noise model must be one of {NOISE_MODELS}, got {model!r}")


# -- stochastic problems ------------------------------------------------------------------------
@dataclass(frozen=True)
class StochasticProblem:
    """F(x) = f(x) + (mu_h / 2)||x||^2 over the ball of ``radius`` (R^d when radius <= 0).

    f is one of
    * ``l1``: f(x) = ||x||_1 (sqrt(d)-Lipschitz, non-smooth); F* = 0 at x = 0;
    * ``quadratic``: f(x) = (1/2) sum_j lam_j x_j^2 (max(lam)-smooth); F* = 0 at x = 0;
    * ``linear``: f(x) = lam^T x (||lam||-Lipschitz, 0-smooth), either on the ball (F* = -radius ||lam||
      when mu_h = 0) or on R^d with mu_h > 0 (F* = -||lam||^2 / (2 mu_h) at x* = -lam / mu_h);
    * ``huber``: f(x) = sum_j H_{lam_j}(x_j), H_eps(u) = u^2/(2 eps) for |u| <= eps, |u| - eps/2
      otherwise: convex, 1-Lipschitz per coordinate and (1/min eps)-smooth, not strongly convex; F* = 0.
    The stochastic oracle returns grad f(x) + xi with xi from :func:`draw_noise`.
    """

    kind: str
    lam: np.ndarray
    mu_h: float = 0.0
    radius: float = 0.0
    x1: float = 1.0

    def __post_init__(self) -> None:
        require(self.kind in PROBLEM_KINDS, "problem", f"one of {sorted(PROBLEM_KINDS)}", self.kind)
        require(self.mu_h >= 0, "mu_h", "a non-negative composite strong-convexity modulus", self.mu_h)
        require(self.kind != "linear" or self.radius > 0 or self.mu_h > 0, "radius",
                "a positive radius for a linear problem without a strongly convex term", self.radius)
        require(self.kind != "huber" or bool(np.all(np.asarray(self.lam) > 0)), "lam", "positive Huber widths",
                self.lam)
        require(self.radius <= 0 or abs(self.x1) * np.sqrt(self.d) <= self.radius, "x1",
                "a start inside the ball", self.x1)

    @property
    def d(self) -> int:
        return int(np.asarray(self.lam).size)

    @property
    def code(self) -> int:
        return PROBLEM_KINDS[self.kind]

    def optimum(self) -> float:
        if self.kind == "linear" and self.radius > 0:
            if self.mu_h > 0:
                raise ValueError("F* of a linear problem on a ball is implemented for mu_h = 0 only")
            return -self.radius * float(np.linalg.norm(self.lam))
        if self.kind == "linear":
            return -float(np.dot(self.lam, self.lam)) / (2.0 * self.mu_h)
        return 0.0

    def gap(self, x: np.ndarray) -> np.ndarray:
        """F(x) - F* for each row of ``x`` (shape (R, d))."""
        if self.kind == "l1":
            f = np.abs(x).sum(axis=1)
        elif self.kind == "quadratic":
            f = 0.5 * (self.lam * x * x).sum(axis=1)
        elif self.kind == "huber":
            u = np.abs(x)
            f = np.where(u <= self.lam, 0.5 * x * x / self.lam, u - 0.5 * self.lam).sum(axis=1)
        else:
            f = x @ self.lam
        return f + 0.5 * self.mu_h * (x * x).sum(axis=1) - self.optimum()


# -- deterministic non-smooth instances (Zamani-Glineur check) ---------------------------------
NONSMOOTH_KINDS = {"l1": _kernels.NORM1, "l2": _kernels.NORM2, "linf": _kernels.MAXABS}


@dataclass(frozen=True)
class NonSmoothInstance:
    """f(x) = ||A (x - x*)|| in the l1, l2 or l_inf norm: convex, non-smooth, f* = 0 at x*.

    ``B`` is the largest Euclidean norm of a subgradient (the Lipschitz constant) and
    ``R = ||x_1 - x*|| = ||x*||`` for the start x_1 = 0.
    """

    kind: str
    A: np.ndarray
    xstar: np.ndarray

    @property
    def d(self) -> int:
        return int(self.xstar.size)

    @property
    def code(self) -> int:
        return NONSMOOTH_KINDS[self.kind]

    @property
    def R(self) -> float:
        return float(np.linalg.norm(self.xstar))

    @property
    def B(self) -> float:
        if self.kind == "l2":
            return float(np.linalg.norm(self.A, 2))
        if self.kind == "linf":
            return float(np.linalg.norm(self.A, axis=1).max())
        m = self.A.shape[0]
        signs = 1.0 - 2.0 * ((np.arange(2**m)[:, None] >> np.arange(m)) & 1)  # every vertex of [-1, 1]^m
        return float(np.linalg.norm(signs @ self.A, axis=1).max())

    def residual(self, x: np.ndarray) -> np.ndarray:
        return self.A @ (x - self.xstar)

    def value(self, x: np.ndarray) -> float:
        order = {"l1": 1, "l2": 2, "linf": np.inf}[self.kind]
        return float(np.linalg.norm(self.residual(x), order))

    def subgradient(self, x: np.ndarray) -> np.ndarray:
        r = self.residual(x)
        if self.kind == "l1":
            return np.sign(r) @ self.A
        if self.kind == "l2":
            norm = np.linalg.norm(r)
            return (r / norm) @ self.A if norm > 0 else np.zeros(self.d)
        i = int(np.argmax(np.abs(r)))
        return np.sign(r[i]) * self.A[i]


def random_nonsmooth(rng: np.random.Generator, kind: str, d: int, m: int) -> NonSmoothInstance:
    """A random instance: A with i.i.d. N(0, 1) entries (m x d), x* ~ N(0, I_d), so x_1 = 0 is away from x*."""
    require(kind in NONSMOOTH_KINDS, "kind", f"one of {sorted(NONSMOOTH_KINDS)}", kind)
    require(kind != "l1" or m <= 12, "m", "at most 12 rows for an l1 instance (B enumerates 2^m signs)", m)
    return NonSmoothInstance(kind, rng.standard_normal((m, d)), rng.standard_normal(d))


# -- Harvey et al. instances --------------------------------------------------------------------
@dataclass(frozen=True)
class HarveyInstance:
    """f(x) = max_{i <= T+1} h_i^T x (+ ||x||^2 / 2 when ``quadratic``), h_{i,j} = a_j (j < i),
    -diag_i (j = i <= T), 0 (j > i). Pieces are 0-based in code (piece i is the paper's h_{i+1})."""

    a: np.ndarray
    diag: np.ndarray
    quadratic: bool
    c: float = 1.0

    @property
    def T(self) -> int:
        return int(self.a.size)

    def value(self, x: np.ndarray) -> float:
        """f(x) by prefix sums (O(T))."""
        pieces = np.empty(self.T + 1)
        pieces[:-1] = np.concatenate(([0.0], np.cumsum(self.a * x)[:-1])) - self.diag * x
        pieces[-1] = float(self.a @ x)
        return float(pieces.max() + (0.5 * x @ x if self.quadratic else 0.0))


def harvey_strongly_convex(T: int) -> HarveyInstance:
    """Thm 3.4: 1-strongly convex, 3-Lipschitz on the ball; a_j = 1 / (2 (T + 1 - j)), diag = 1.

    With eta_t = 1/t the last iterate has f(x_{T+1}) > ln T / (4T).
    """
    j = np.arange(1, T + 1, dtype=float)
    return HarveyInstance(1.0 / (2.0 * (T + 1 - j)), np.ones(T), True)


def harvey_lipschitz(T: int, c: float = 1.0) -> HarveyInstance:
    """Thm 3.5: 1-Lipschitz on the ball; a_i = 1 / (8c (T - i + 1)), b_i = sqrt(i) / (2c sqrt(T)).

    With eta_t = c / sqrt(t), c >= 1, the last iterate has f(x_{T+1}) > ln T / (32 c sqrt(T)).
    """
    i = np.arange(1, T + 1, dtype=float)
    return HarveyInstance(1.0 / (8.0 * c * (T - i + 1)), np.sqrt(i) / (2.0 * c * np.sqrt(T)), False, c)


def harvey_strongly_convex_iterates(T: int) -> np.ndarray:
    """Closed-form iterates of Thm 3.4 with eta_t = 1/t: row t-1 is x_t, t = 1..T+1.

    x_1 = 0 and, for t >= 2, x_{t,j} = (1 - (t - j - 1) a_j) / (t - 1) for j < t, else 0.
    """
    a = harvey_strongly_convex(T).a
    X = np.zeros((T + 1, T))
    for t in range(2, T + 2):
        j = np.arange(1, t)
        X[t - 1, : t - 1] = (1.0 - (t - j - 1) * a[: t - 1]) / (t - 1)
    return X


def harvey_lipschitz_iterates(T: int, c: float = 1.0) -> np.ndarray:
    """Closed-form iterates of Thm 3.5 with eta_t = c / sqrt(t): row t-1 is x_t, t = 1..T+1.

    x_{t,j} = c (b_j / sqrt(j) - a_j sum_{k=j+1}^{t-1} 1/sqrt(k)) for j < t, else 0.
    """
    inst = harvey_lipschitz(T, c)
    inv_sqrt = 1.0 / np.sqrt(np.arange(1, T + 1, dtype=float))
    cumulative = np.concatenate(([0.0], np.cumsum(inv_sqrt)))  # cumulative[k] = sum_{m<=k} 1/sqrt(m)
    X = np.zeros((T + 1, T))
    for t in range(2, T + 2):
        j = np.arange(1, t)
        tail = cumulative[t - 1] - cumulative[j]
        X[t - 1, : t - 1] = c * (inst.diag[: t - 1] * inv_sqrt[: t - 1] - inst.a[: t - 1] * tail)
    return X
