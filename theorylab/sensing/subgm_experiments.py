"""Registered experiments of the robust-sensing SubGM paper (Ma & Fattahi, JMLR 2023) and its figures.

* ``subgm_recovery`` -- SubGM with small (or large) initialization and geometric steps,
* ``subgm_l2_gd`` -- the l2 gradient-descent baseline on the same instances,
* ``subgm_sign_rip_mc`` -- a Monte-Carlo estimate of the Sign-RIP expectation at a random ``X``,
* ``subgm_convex_l1`` -- the global minimizer of the l1 loss over the PSD cone (cvxpy), on the
  same instances: what the ``r' = d`` problem's global minima look like.

Seeds index instances: runs of one seed that differ in ``p``, ``nu``, ``alpha``, ``rank`` or the
step sizes share ``A``, ``X*``, the outlier positions and the initial direction
(:func:`theorylab.sensing.subgm.robust_instance`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theorylab import rates
from theorylab.config import memory_terms, require
from theorylab.registry import experiment
from theorylab.sensing.sign_rip import monte_carlo_sign_rip
from theorylab.sensing.subgm import convex_l1_psd, geometric_steps, l1_loss, l2_gd, robust_instance, subgm
from theorylab.trace import Trace

PAPER = "subgm_sign_rip"
FINAL_WINDOW = 200  # iterations whose minimum error is the run's final error (the card's choice)


@dataclass(frozen=True)
class RobustSensingConfig:
    """Instance: ``d x d`` rank-``r`` PSD target with condition number ``kappa``, ``m`` Gaussian
    measurements, outliers with probability ``p`` and std ``outlier_std``, dense noise std ``nu``."""

    d: int = 10
    r: int = 2
    m: int = 1500
    kappa: float = 2.0
    p: float = 0.0
    outlier_std: float = 100.0
    nu: float = 0.0

    def validate(self) -> None:
        require(self.d >= 1, "d", "an integer >= 1", self.d)
        require(1 <= self.r <= self.d, "r", f"1 <= r <= d = {self.d}", self.r)
        require(self.m >= 1, "m", "an integer >= 1", self.m)
        require(self.kappa >= 1.0, "kappa", "a condition number >= 1", self.kappa)
        require(0.0 <= self.p < 1.0, "p", "a corruption probability in [0, 1)", self.p)
        require(self.outlier_std >= 0.0, "outlier_std", "a standard deviation >= 0", self.outlier_std)
        require(self.nu >= 0.0, "nu", "a noise level >= 0", self.nu)

    def _instance_terms(self) -> dict:
        """Bytes of one instance: ``A`` (``m x d^2``, with its raw draw: two copies) and the m-vectors."""
        return {"m": 2 * 8 * self.m * self.d * self.d + 8 * 8 * self.m, "d": 8 * 8 * self.d * self.d}

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of building an instance: ``A`` and the noise vectors."""
        return memory_terms(**self._instance_terms())

    def instance(self, rng: np.random.Generator):
        return robust_instance(rng, d=self.d, r=self.r, m=self.m, kappa=self.kappa, p=self.p,
                               outlier_std=self.outlier_std, nu=self.nu)


def _validate_width(config) -> None:
    require(config.r <= config.rank <= config.d, "rank", f"the width r' with r = {config.r} <= r' <= d = {config.d}",
            config.rank)
    require(config.alpha > 0.0, "alpha", "an initialization scale > 0", config.alpha)
    require(config.T >= 1, "T", "an iteration count >= 1", config.T)
    require(config.T > FINAL_WINDOW, "T", f"more than the final window of {FINAL_WINDOW} iterations", config.T)


@dataclass(frozen=True)
class SubGMConfig(RobustSensingConfig):
    """SubGM from ``U_0 = alpha B[:, :rank]`` with steps ``eta0 rho^t`` for ``T`` iterations."""

    rank: int = 10
    alpha: float = 1e-6
    eta0: float = 0.2
    rho: float = 0.995
    T: int = 3000

    def validate(self) -> None:
        super().validate()
        _validate_width(self)
        require(self.eta0 > 0.0, "eta0", "an initial step size > 0", self.eta0)
        require(0.0 < self.rho <= 1.0, "rho", "a step decay factor in (0, 1]", self.rho)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the instance (``A`` is ``m x d^2``) and the step, ``err`` and ``loss``
        series and the index (T + 1 points each, the last three twice: the Trace and the stored copy)."""
        return memory_terms(T=7 * 8 * (self.T + 1), **self._instance_terms())


@dataclass(frozen=True)
class L2GDConfig(RobustSensingConfig):
    """GD on the l2 loss from ``U_0 = alpha B[:, :rank]`` with a constant step ``eta``."""

    rank: int = 10
    alpha: float = 1e-6
    eta: float = 1e-3
    T: int = 3000

    def validate(self) -> None:
        super().validate()
        _validate_width(self)
        require(self.eta > 0.0, "eta", "a step size > 0", self.eta)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the instance (``A`` is ``m x d^2``) and the step, ``err`` and ``loss``
        series and the index (T + 1 points each, the last three twice: the Trace and the stored copy)."""
        return memory_terms(T=7 * 8 * (self.T + 1), **self._instance_terms())


def _descent_trace(trace: Trace) -> Trace:
    """Add ``final_err`` (min over the last FINAL_WINDOW iterations) and ``best_err`` (min overall).

    SubGM oscillates, so a single last iterate is not the run's accuracy. A diverged run's
    non-finite tail is left out of ``best_err`` and makes ``final_err`` infinite.
    """
    err = trace["err"]
    finite = err[np.isfinite(err)]
    diverged = finite.size < err.size
    tail = err[-FINAL_WINDOW:]
    trace.scalars.update({"final_err": float("inf") if diverged else float(np.min(tail)),
                          "best_err": float(np.min(finite)) if finite.size else float("inf")})
    return trace


@experiment("subgm_recovery", paper=PAPER, config=SubGMConfig)
def subgm_recovery(config: SubGMConfig, rng: np.random.Generator) -> Trace:
    """SubGM on the l1 loss, small init, geometric steps (relative error and loss per iteration)."""
    inst = config.instance(rng)
    U0 = config.alpha * inst.B[:, : config.rank]
    eta = geometric_steps(config.eta0, config.rho, config.T)
    return _descent_trace(subgm(inst.A, inst.y, U0, inst.X_star, eta))


@experiment("subgm_l2_gd", paper=PAPER, config=L2GDConfig)
def subgm_l2_gd(config: L2GDConfig, rng: np.random.Generator) -> Trace:
    """Baseline: GD on the l2 loss, same instances and init as subgm_recovery, constant step."""
    inst = config.instance(rng)
    U0 = config.alpha * inst.B[:, : config.rank]
    eta = np.full(config.T, config.eta)
    return _descent_trace(l2_gd(inst.A, inst.y, U0, inst.X_star, eta))


@dataclass(frozen=True)
class ConvexL1Config(RobustSensingConfig):
    """The instance of :class:`RobustSensingConfig`, solved over the PSD cone by ``solver``."""

    solver: str = "CLARABEL"

    def validate(self) -> None:
        super().validate()
        require(self.solver in ("CLARABEL", "SCS"), "solver", "a cvxpy conic solver: CLARABEL or SCS", self.solver)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a solve: the instance, and the conic program (cvxpy's copy of ``A`` in sparse
        form, about three times its dense size, plus the solver's factorization of the PSD block,
        taken as ``(d^2)^2`` doubles)."""
        terms = self._instance_terms()
        terms["m"] += 3 * 8 * self.m * self.d * self.d
        terms["d"] += 8 * self.d ** 4
        return memory_terms(**terms)


@experiment("subgm_convex_l1", paper=PAPER, config=ConvexL1Config)
def subgm_convex_l1(config: ConvexL1Config, rng: np.random.Generator) -> Trace:
    """Global l1 minimizer over the PSD cone (cvxpy) on subgm_recovery's instance of the same seed.

    Scalars: ``final_err`` = ``||X_hat - X*||_F / ||X*||_F``, ``loss_hat`` = ``f(X_hat)`` and
    ``loss_star`` = ``f(X*)`` (``f`` the l1 loss).
    """
    inst = config.instance(rng)
    X_hat = convex_l1_psd(inst.A, inst.y, config.d, solver=config.solver)
    err = float(np.linalg.norm(X_hat - inst.X_star) / np.linalg.norm(inst.X_star))
    trace = Trace(np.array([0]), {"err": np.array([err])})
    trace.scalars.update({"final_err": err, "loss_hat": l1_loss(inst.A, inst.y, X_hat),
                          "loss_star": l1_loss(inst.A, inst.y, inst.X_star),
                          "rank_hat": float(np.sum(np.linalg.eigvalsh(X_hat) > 1e-6 * np.linalg.norm(X_hat)))})
    return trace


@dataclass(frozen=True)
class SignRIPConfig:
    """Monte Carlo at a random ``d x d`` rank-``rank_x`` ``X`` with ``||X||_F = x_norm`` (``m`` draws)."""

    d: int = 10
    rank_x: int = 3
    x_norm: float = 0.3
    m: int = 200000
    p: float = 0.0
    outlier_std: float = 1.0
    nu: float = 0.0
    chunk: int = 20000

    def validate(self) -> None:
        require(self.d >= 1, "d", "an integer >= 1", self.d)
        require(1 <= self.rank_x <= self.d, "rank_x", f"1 <= rank_x <= d = {self.d}", self.rank_x)
        require(self.x_norm > 0.0, "x_norm", "a Frobenius norm > 0", self.x_norm)
        require(self.m >= 1, "m", "an integer >= 1", self.m)
        require(0.0 <= self.p <= 1.0, "p", "a corruption probability in [0, 1]", self.p)
        require(self.outlier_std >= 0.0, "outlier_std", "a standard deviation >= 0", self.outlier_std)
        require(self.nu >= 0.0, "nu", "a noise level >= 0", self.nu)
        require(self.chunk >= 1, "chunk", "a batch size >= 1", self.chunk)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: one batch of ``min(chunk, m)`` measurements (``A`` and the noise),
        drawn and summed a batch at a time, so ``m`` itself costs no memory."""
        return memory_terms(chunk=2 * 8 * min(self.chunk, self.m) * (self.d * self.d + 4),
                            d=8 * 8 * self.d * self.d)


@experiment("subgm_sign_rip_mc", paper=PAPER, config=SignRIPConfig)
def subgm_sign_rip_mc(config: SignRIPConfig, rng: np.random.Generator) -> Trace:
    """Monte-Carlo Sign-RIP: <Q, X/||X||> against phi(X), and the deviation norms (one point)."""
    X = rng.standard_normal((config.d, config.rank_x)) @ rng.standard_normal((config.rank_x, config.d))
    X *= config.x_norm / np.linalg.norm(X)
    est = monte_carlo_sign_rip(rng, X, config.m, p=config.p, outlier_std=config.outlier_std, nu=config.nu,
                               k=config.rank_x, chunk=config.chunk)
    metrics = {"inner": [est.inner], "phi": [est.phi], "deviation_op": [est.deviation_op],
               "deviation_rank_k": [est.deviation_rank_k], "delta": [est.delta]}
    return Trace(np.array([config.m]), metrics)


@dataclass(frozen=True)
class UniformSignRIPConfig:
    """One sensing operator of ``m`` Gaussian ``A_i`` and its noise, tested at ``n_x`` random rank-``rank_x``
    ``X`` whose norms are log-uniform in ``[x_min, x_max]``."""

    d: int = 10
    rank_x: int = 2
    m: int = 2000
    n_x: int = 20
    x_min: float = 0.1
    x_max: float = 3.0
    p: float = 0.4
    outlier_std: float = 1.0
    nu: float = 0.0

    def validate(self) -> None:
        require(self.d >= 1, "d", "an integer >= 1", self.d)
        require(1 <= self.rank_x <= self.d, "rank_x", f"1 <= rank_x <= d = {self.d}", self.rank_x)
        require(self.m >= 1, "m", "an integer >= 1", self.m)
        require(self.n_x >= 1, "n_x", "a number of test matrices >= 1", self.n_x)
        require(0.0 < self.x_min <= self.x_max, "x_min", f"0 < x_min <= x_max = {self.x_max}", self.x_min)
        require(0.0 <= self.p < 1.0, "p", "a corruption probability in [0, 1)", self.p)
        require(self.outlier_std >= 0.0, "outlier_std", "a standard deviation >= 0", self.outlier_std)
        require(self.nu >= 0.0, "nu", "a noise level >= 0", self.nu)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the operator ``A`` (``m x d^2``, drawn at once) and its noise vectors."""
        return memory_terms(m=8 * self.m * (self.d * self.d + 4), d=8 * 8 * self.d * self.d)


def uniform_sign_rip(config: UniformSignRIPConfig, rng: np.random.Generator, scaling=None) -> Trace:
    """The body of ``subgm_sign_rip_uniform``; ``scaling(x_norm, p=, outlier_std=, nu=)`` gives
    phi (default :func:`theorylab.sensing.sign_rip.scaling_function`)."""
    from theorylab.sensing._subgm_kernels import sign_sum
    from theorylab.sensing.sign_rip import deviations, scaling_function

    scaling = scaling_function if scaling is None else scaling
    x_stream, a_stream, s_stream = rng.spawn(3)
    d, k, m = config.d, config.rank_x, config.m
    A = a_stream.standard_normal((m, d * d))
    support = s_stream.random(m) < config.p
    outliers = config.outlier_std * s_stream.standard_normal(m)
    noise = np.where(support, outliers, 0.0) + config.nu * s_stream.standard_normal(m)
    deltas = []
    for _ in range(config.n_x):
        X = x_stream.standard_normal((d, k)) @ x_stream.standard_normal((k, d))
        X = 0.5 * (X + X.T)
        norm = float(np.exp(x_stream.uniform(np.log(config.x_min), np.log(config.x_max))))
        X *= norm / np.linalg.norm(X)
        Q = sign_sum(A, noise, X.ravel()).reshape(d, d) / m
        phi = scaling(norm, p=config.p, outlier_std=config.outlier_std, nu=config.nu)
        deltas.append(deviations(Q, X, phi, k)[2] / phi)
    return Trace(np.array([m]), {"delta_sup": [max(deltas)], "delta_median": [float(np.median(deltas))]})


@experiment("subgm_sign_rip_uniform", paper=PAPER, config=UniformSignRIPConfig)
def subgm_sign_rip_uniform(config: UniformSignRIPConfig, rng: np.random.Generator) -> Trace:
    """Sign-RIP constant of ONE operator, sup over random rank-k X of the rank-k deviation / phi(X).

    Metrics (one point): ``delta_sup`` = max over the ``n_x`` matrices of
    ``sup_{rank(Y) <= k, ||Y||_F = 1} <Q(X) - phi(X) X/||X||_F, Y> / phi(X)``, and ``delta_median``.
    ``X``, ``A`` and the noise come from separate child streams, so the operator of ``m``
    measurements is the first ``m`` rows of a larger one (nested in ``m``).
    """
    return uniform_sign_rip(config, rng)


# -- measurements shared by the claims and the figures ------------------------------------------
BLOCK = 25  # iterations per block minimum: SubGM's error oscillates step to step (card pitfall 5)


def block_minima(trace: Trace, block: int = BLOCK) -> tuple[np.ndarray, np.ndarray]:
    """Minimum error over consecutive blocks of ``block`` iterations, indexed by each block's start.

    Returns ``(t, err)``; a trailing partial block is dropped.
    """
    n = len(trace) // block
    err = trace["err"][: n * block].reshape(n, block).min(axis=1)
    return trace.t[: n * block : block].astype(float), err


def tracking_log_rate(trace: Trace, window: tuple[float, float]) -> float:
    """Fitted log-contraction per iteration of the block-minimum error over ``window``.

    NaN for a run that diverged (its error is not finite) or whose error is below the fit's
    floor throughout the window, so that a claim reading it is inconclusive rather than crashing.
    """
    t, err = block_minima(trace)
    if not np.all(np.isfinite(err)) or len(err) < 2:
        return float("nan")
    try:
        return rates.fit_geometric(t, err, window=window).value
    except ValueError:  # the error sits below the fit's floor over the whole window: no slope to read
        return float("nan")


def noise_floor(trace: Trace, last: int = 500) -> float:
    """Minimum relative error over the last ``last`` iterations (the floor under dense noise)."""
    return float(np.min(trace["err"][-last:]))
