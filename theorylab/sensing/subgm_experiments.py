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
from pathlib import Path

import numpy as np

from theorylab import rates
from theorylab.config import require
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


# -- figures ----------------------------------------------------------------------------------
FIG_RANKS_ALPHAS = (1e-6, 1.0)
FIG_P = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
FIG_L2_ETA = 1e-2
FIG_NUS = (1e-3, 1e-2, 1e-1)
FIG_NU_MID = 1e-2
FIG_SAMPLES = (750, 1500, 3000)
FIG_ALPHAS = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6)
FIG_X_NORMS = (0.03, 0.1, 0.3, 1.0, 3.0)
FIG_MC_SAMPLES = 20000


def _figure_error_curves(ctx, outdir: Path) -> list[Path]:
    from theorylab import plotting

    config = ctx.config("subgm_recovery")
    ranks = (config.r, 2 * config.r, config.d)
    p = 0.3
    fig, axes = plotting.figure(ncols=2, sharey=True)
    for ax, alpha in zip(axes[0], FIG_RANKS_ALPHAS):
        groups = ctx.run_many([("subgm_recovery", {"p": p, "rank": k, "alpha": alpha}) for k in ranks])
        for k, traces in zip(ranks, groups):
            minima = [block_minima(trace) for trace in traces]
            t = minima[0][0]
            plotting.band(ax, t, np.array([err for _, err in minima]),
                          label=f"r' = {k}" + (" (= r)" if k == config.r else ""))
        eta = config.eta0 * config.rho ** t
        ax.plot(t, eta, color="0.4", linestyle="--", linewidth=1.0, label="step size eta_t")
        ax.set_yscale("log")
        ax.set_xlabel("iteration t")
        ax.set_title(f"alpha = {alpha:g}")
    axes[0][0].set_ylabel(f"relative error (min over {BLOCK} its)")
    axes[0][0].legend(loc="lower left")
    fig.suptitle(f"SubGM with {int(p * 100)}% outliers, d = {config.d}, r = {config.r}, m = {config.m}, "
                 f"eta_t = {config.eta0:g} * {config.rho:g}^t (median and 10-90% over seeds)", fontsize=9.5)
    return plotting.save(fig, outdir, "error_vs_iteration")


def _figure_outliers(ctx, outdir: Path) -> list[Path]:
    from theorylab import plotting

    config = ctx.config("subgm_recovery")
    sub = ctx.run_many([("subgm_recovery", {"p": p, "rank": config.d}) for p in FIG_P])
    seeds = len(sub[0])
    l2 = ctx.run_many([("subgm_l2_gd", {"p": p, "rank": config.d, "alpha": config.alpha, "eta": FIG_L2_ETA})
                       for p in FIG_P], seeds=seeds)
    fig, axes = plotting.figure()
    ax = axes[0][0]
    finals = np.array([[t.scalars["final_err"] for t in group] for group in sub]).T
    plotting.band(ax, np.array(FIG_P), finals, label="SubGM (l1), final error")
    best = np.array([[t.scalars["best_err"] for t in group] for group in l2]).T
    plotting.band(ax, np.array(FIG_P), best, label=f"GD on l2 (eta = {FIG_L2_ETA:g}), best error")
    ax.set_yscale("log")
    ax.set_xlabel("outlier probability p  (outliers ~ N(0, 100^2))")
    ax.set_ylabel("relative error")
    ax.set_title(f"Robustness to outliers, r' = d = {config.d}, alpha = {config.alpha:g}")
    ax.legend(loc="center right")
    return plotting.save(fig, outdir, "outlier_sweep")


def _figure_noise(ctx, outdir: Path) -> list[Path]:
    from theorylab import plotting

    config = ctx.config("subgm_recovery")
    ranks = (config.r, config.d)
    fig, axes = plotting.figure(ncols=2)
    ax = axes[0][0]
    nus = np.array(FIG_NUS)
    for k, marker, size in zip(ranks, ("o", "x"), (7, 6)):
        groups = ctx.run_many([("subgm_recovery", {"p": 0.0, "nu": nu, "rank": k}) for nu in FIG_NUS])
        floors = np.array([[noise_floor(t) for t in group] for group in groups]).T
        plotting.band(ax, nus, floors, label=f"r' = {k}")
        ax.lines[-1].set(marker=marker, markersize=size, markerfacecolor="none")
    ax.plot(nus, nus * np.sqrt(config.d * config.r / config.m), color="0.4", linestyle="--", linewidth=1.0,
            label="nu sqrt(dr/m) (slope 1)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("noise level nu")
    ax.set_ylabel("error floor (min over last 500 its)")
    ax.set_title(f"floor vs nu, m = {config.m} (r' = 2 and 10 overlap)")
    ax.legend(loc="upper left")

    ax = axes[0][1]
    ms = np.array(FIG_SAMPLES)
    groups = ctx.run_many([("subgm_recovery", {"p": 0.0, "nu": FIG_NU_MID, "rank": config.d, "m": m})
                           for m in FIG_SAMPLES])
    floors = np.array([[noise_floor(t) for t in group] for group in groups]).T
    plotting.band(ax, ms, floors, label=f"r' = {config.d}, nu = {FIG_NU_MID:g}")
    ax.lines[-1].set(marker="x", markersize=6)
    ax.plot(ms, FIG_NU_MID * np.sqrt(config.d * config.r / ms), color="0.4", linestyle="--", linewidth=1.0,
            label="nu sqrt(dr/m) (slope -1/2, inferred)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of measurements m")
    ax.set_title("floor vs m")
    ax.legend(loc="upper right")
    fig.suptitle(f"Dense Gaussian noise (p = 0), d = {config.d}, r = {config.r}: median and 10-90% over seeds",
                 fontsize=9.5)
    return plotting.save(fig, outdir, "noise_floor")


def _figure_alpha(ctx, outdir: Path) -> list[Path]:
    from theorylab import plotting

    config = ctx.config("subgm_recovery")
    alphas = np.array(FIG_ALPHAS)
    fig, axes = plotting.figure()
    ax = axes[0][0]
    for k in (config.r, config.d):
        for p, style in ((0.0, "-"), (0.3, "--")):
            groups = ctx.run_many([("subgm_recovery", {"p": p, "rank": k, "alpha": a}) for a in FIG_ALPHAS])
            finals = np.array([[t.scalars["final_err"] for t in group] for group in groups]).T
            plotting.band(ax, alphas, finals, label=f"r' = {k}, p = {p:g}")
            ax.lines[-1].set(linestyle=style, marker="o", markersize=3)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("initialization scale alpha")
    ax.set_ylabel(f"final error (min over last {FINAL_WINDOW} its)")
    ax.set_title(f"Over-parameterized accuracy is set by alpha (d = {config.d}, m = {config.m})")
    ax.legend(loc="upper left")
    return plotting.save(fig, outdir, "final_error_vs_alpha")


def _figure_sign_rip(ctx, outdir: Path) -> list[Path]:
    from theorylab import plotting
    from theorylab.sensing.sign_rip import scaling_function

    norms = np.array(FIG_X_NORMS)
    dense = np.logspace(np.log10(norms[0]), np.log10(norms[-1]), 200)
    models = (("noiseless", {"p": 0.0, "nu": 0.0}),
              ("outliers p = 0.4, N(0, 1)", {"p": 0.4, "outlier_std": 1.0, "nu": 0.0}),
              ("Gaussian nu = 0.5", {"p": 0.0, "nu": 0.5}))
    fig, axes = plotting.figure()
    ax = axes[0][0]
    for label, noise in models:
        requests = [("subgm_sign_rip_mc", {**noise, "x_norm": x, "m": FIG_MC_SAMPLES}) for x in FIG_X_NORMS]
        groups = ctx.run_many(requests, seeds=3)
        inner = np.array([[t["inner"][0] for t in group] for group in groups]).T
        phi = [scaling_function(x, p=noise["p"], outlier_std=noise.get("outlier_std", 0.0), nu=noise["nu"])
               for x in dense]
        (line,) = ax.plot(dense, phi, label=label)
        ax.plot(norms, np.median(inner, axis=0), "o", color=line.get_color(), markersize=5, markerfacecolor="none")
    ax.plot([], [], "o", color="0.3", markerfacecolor="none", label=f"Monte Carlo, m = {FIG_MC_SAMPLES:g}")
    ax.set_xscale("log")
    ax.set_xlabel("||X||_F")
    ax.set_ylabel("phi(X) (lines) and <Q, X/||X||_F> (circles)")
    ax.set_ylim(0, 1.2)
    ax.set_title("Sign-RIP: E Q(X) = phi(X) X / ||X||_F, Gaussian A_i")
    ax.legend(loc="upper left", ncol=2, fontsize=7.5)
    return plotting.save(fig, outdir, "sign_rip_scaling")


def make_figures(ctx, outdir) -> list[Path]:
    """Error vs iteration for several r' and alpha, the outlier sweep against l2 GD, the noise
    floor against nu and m, the final error against alpha, and phi against Monte Carlo, from
    stored runs of the context's profile."""
    outdir = Path(outdir)
    paths: list[Path] = []
    for draw in (_figure_error_curves, _figure_outliers, _figure_noise, _figure_alpha, _figure_sign_rip):
        paths += draw(ctx, outdir)
    return paths
