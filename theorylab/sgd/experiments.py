"""Registered experiments of the last-iterate SGD paper (Liu & Zhou, ICLR 2024) and its anchors.

Every trace is indexed by the horizon T (not by the iteration): the metrics are final-iterate
gaps F(x_{T+1}) - F*. Stochastic experiments batch ``replicas`` independent runs in one kernel
call and record their mean, median and upper quantiles; the registry's seeds are independent
repetitions of such a batch, which is what a rate fit is taken across.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from theorylab.config import check_memory, memory_terms, require
from theorylab.registry import experiment
from theorylab.sgd import algorithms, problems, schedules
from theorylab.trace import Trace

PAPER = "last_iterate_sgd"
HARVEY_SCHEDULES = ("harvey", "linear_decay", "linear_decay_matched")
SPECTRA = ("ones", "inverse_square", "linspace")


def horizons(log2_min: int, log2_max: int) -> np.ndarray:
    """The horizon grid T = 2^log2_min, ..., 2^log2_max."""
    return 2 ** np.arange(log2_min, log2_max + 1)


def quantile_name(delta: float) -> str:
    """Metric name of the (1 - delta) quantile across replicas."""
    return f"quantile_{delta:g}"


def _driver(config, *fields: str) -> str:
    """Of ``fields`` (whose product sizes one array), the one furthest above its default value.

    A (replicas x d) array is refused naming whichever of the two the user made large.
    """
    defaults = {f.name: f.default for f in dataclasses.fields(config)}

    def excess(name: str) -> float:
        value, default = _size(getattr(config, name)), _size(defaults[name])
        return value / max(default, 1.0)

    return max(fields, key=excess)


def _size(value) -> float:
    """A size field's magnitude: the value itself, or the largest entry of a tuple of sizes."""
    if isinstance(value, (tuple, list)):
        return float(max(value)) if value else 0.0
    return float(value)


def _product_term(config, nbytes: float, *fields: str) -> dict[str, float]:
    """``{driver: nbytes}`` for :func:`memory_terms`, keyed by the field that makes the product large."""
    return {_driver(config, *fields): nbytes}


def _merge(*terms: dict[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for term in terms:
        for key, value in term.items():
            out[key] = out.get(key, 0.0) + value
    return out


def _require_horizons(lo: int, hi: int, largest: int) -> None:
    require(1 <= lo, "log2_T_min", "an integer >= 1", lo)
    require(lo + 2 <= hi <= largest, "log2_T_max", f"an integer in [log2_T_min + 2, {largest}]", hi)


# -- Harvey et al. instances (deterministic) ---------------------------------------------------------
@dataclass(frozen=True)
class HarveyConfig:
    """A Harvey et al. instance run at every horizon of a grid (each horizon is its own instance).

    ``schedule = "harvey"`` is the theorem's own step (1/t on the strongly convex instance,
    c/sqrt(t) on the Lipschitz one); ``"linear_decay"`` is eta (T - t + 1) / T^(3/2);
    ``"linear_decay_matched"`` is linear decay whose total step length sum_t eta_t equals that of
    c/sqrt(t) at the same T (so the two schedules move equally far: eta -> 4c as T grows).
    """

    instance: str = "strongly_convex"
    schedule: str = "harvey"
    c: float = 1.0
    eta: float = 1.0
    log2_T_min: int = 4
    log2_T_max: int = 12

    def validate(self) -> None:
        require(self.instance in ("strongly_convex", "lipschitz"), "instance",
                "'strongly_convex' or 'lipschitz'", self.instance)
        require(self.schedule in HARVEY_SCHEDULES, "schedule", f"one of {HARVEY_SCHEDULES}", self.schedule)
        require(self.c >= 1.0, "c", "a step constant c >= 1 (Harvey et al., Thm 3.5)", self.c)
        require(self.eta > 0, "eta", "a positive step size", self.eta)
        _require_horizons(self.log2_T_min, self.log2_T_max, 15)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the instance (a, diag), steps, x, g, pieces, suffix and values, each
        of length about T = 2^log2_T_max, 8 bytes per entry (the run is O(T^2) in time, O(T) in memory)."""
        return memory_terms(log2_T_max=8 * 8 * (2 ** self.log2_T_max + 1))

    def steps(self, T: int) -> np.ndarray:
        if self.schedule == "linear_decay":
            return schedules.LinearDecay(self.eta).steps(T)
        if self.schedule == "linear_decay_matched":
            return schedules.LinearDecay(matched_linear_decay_eta(T, self.c)).steps(T)
        if self.instance == "strongly_convex":
            return schedules.InverseTime(mu=1.0).steps(T)
        return schedules.InverseSqrt(self.c).steps(T)


def matched_linear_decay_eta(T: int, c: float) -> float:
    """eta such that sum_t eta (T - t + 1)/T^(3/2) = sum_t c/sqrt(t), t = 1..T (the same total step length)."""
    length = c * float(np.sum(1.0 / np.sqrt(np.arange(1, T + 1, dtype=float))))
    return length * T**1.5 / (T * (T + 1) / 2.0)


def _harvey_trace(config: HarveyConfig, *, steps=None, largest_index: bool = False) -> Trace:
    """Run a Harvey instance at every horizon; ``steps(T)`` and ``largest_index`` exist for the mutants."""
    steps = config.steps if steps is None else steps
    grid = horizons(config.log2_T_min, config.log2_T_max)
    last, suffix = np.empty(grid.size), np.empty(grid.size)
    for k, T in enumerate(grid):
        T = int(T)
        instance = (problems.harvey_strongly_convex(T) if config.instance == "strongly_convex"
                    else problems.harvey_lipschitz(T, config.c))
        result = algorithms.run_harvey(instance, steps(T), largest_index=largest_index)
        last[k], suffix[k] = result.last, result.suffix
    if config.instance == "strongly_convex":
        bound = np.log(grid) / (4.0 * grid)
    else:
        bound = np.log(grid) / (32.0 * config.c * np.sqrt(grid))
    return Trace(grid, {"last": last, "suffix": suffix, "lower_bound": bound})


@experiment("sgd_harvey_strongly_convex", paper=PAPER, config=HarveyConfig)
def harvey_strongly_convex(config: HarveyConfig, rng: np.random.Generator) -> Trace:
    """Harvey et al. Thm 3.4 instance: f(x_{T+1}) and the suffix average versus T (deterministic)."""
    require(config.instance == "strongly_convex", "instance", "'strongly_convex' for this experiment", config.instance)
    return _harvey_trace(config)


@experiment("sgd_harvey_lipschitz", paper=PAPER, config=HarveyConfig)
def harvey_lipschitz(config: HarveyConfig, rng: np.random.Generator) -> Trace:
    """Harvey et al. Thm 3.5 instance: f(x_{T+1}) versus T for c/sqrt(t) or linear decay (deterministic)."""
    require(config.instance == "lipschitz", "instance", "'lipschitz' for this experiment", config.instance)
    return _harvey_trace(config)


@dataclass(frozen=True)
class HarveyNoisyConfig:
    """Harvey et al.'s strongly convex instance (Thm 3.4) with bounded noise, eta_t = 1/t: the setting of
    their high-probability upper bound Thm 3.1. ``replicas`` runs per horizon; quantiles of T f(x_{T+1}).
    The start x_1 is a uniformly random direction (drawn per seed and horizon) of length ``x1_norm``:
    x_1 = 0 is this instance's minimizer, from which a step too small to move would look optimal.
    ``instance = "lipschitz"`` runs Thm 3.5's instance (c = 1) with eta_t = 1/sqrt(t) instead (the setting
    of Thm 3.2) and records sqrt(T) q instead of T q."""

    log2_T_min: int = 5
    log2_T_max: int = 9
    replicas: int = 2000
    deltas: tuple[float, ...] = (0.1, 0.0316, 0.01)
    x1_norm: float = 0.5
    instance: str = "strongly_convex"

    def validate(self) -> None:
        require(self.instance in ("strongly_convex", "lipschitz"), "instance", "'strongly_convex' or 'lipschitz'",
                self.instance)
        _require_horizons(self.log2_T_min, self.log2_T_max, 12)
        require(0 <= self.x1_norm <= 1, "x1_norm", "a start radius in [0, 1] (inside the unit ball)", self.x1_norm)
        require(self.replicas >= 10, "replicas", "an integer >= 10", self.replicas)
        require(all(0 < d < 1 for d in self.deltas), "deltas", "probabilities in (0, 1)", self.deltas)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the (replicas x T) noise index (int64) and signs (float64) drawn per
        horizon, plus O(T) vectors of the instance, at T = 2^log2_T_max."""
        T = 2 ** self.log2_T_max
        return memory_terms(**_merge(_product_term(self, 3 * 8 * self.replicas * T, "replicas", "log2_T_max"),
                                     {"log2_T_max": 8 * 8 * (T + 1)}))


@experiment("sgd_harvey_noisy", paper=PAPER, config=HarveyNoisyConfig)
def harvey_noisy(config: HarveyNoisyConfig, rng: np.random.Generator) -> Trace:
    """Harvey instance plus +-e_j noise (||z|| = 1), Thm 3.1/3.2 steps: scaled quantiles of f(x_{T+1})."""
    return _harvey_noisy_trace(config, rng)


def _harvey_noisy_trace(config: HarveyNoisyConfig, rng: np.random.Generator, *, step_scale: float = 1.0) -> Trace:
    """Quantiles of T f(x_{T+1}) at every horizon; ``step_scale`` != 1 exists for a mutant."""
    grid = horizons(config.log2_T_min, config.log2_T_max)
    metrics = {quantile_name(d): np.empty(grid.size) for d in config.deltas}
    metrics["mean"] = np.empty(grid.size)
    lipschitz = config.instance == "lipschitz"
    for k, T in enumerate(grid):
        T = int(T)
        if lipschitz:
            instance, steps, scale = problems.harvey_lipschitz(T, 1.0), schedules.InverseSqrt(1.0).steps(T), np.sqrt(T)
        else:
            instance, steps, scale = problems.harvey_strongly_convex(T), schedules.InverseTime(1.0).steps(T), T
        direction = rng.standard_normal(T)
        x1 = config.x1_norm * direction / np.linalg.norm(direction)
        last = algorithms.run_harvey_noisy(instance, step_scale * steps, replicas=config.replicas, rng=rng, x1=x1)
        metrics["mean"][k] = scale * last.mean()
        for d in config.deltas:
            metrics[quantile_name(d)][k] = scale * np.quantile(last, 1.0 - d)
    return Trace(grid, metrics)


@dataclass(frozen=True)
class EntropicConfig:
    """Entropic mirror descent on the simplex in each dimension of ``dims``: f(x) = c^T x with c_1 = 0 and
    c_j = Delta (j >= 2), Delta over the grid ``gap_grid``; noise +-1 on coordinate 1 (||xi||_inf = 1);
    eta_t = sqrt(log d) / (G sqrt(t)), G = 1 + max Delta (the mirror-map-tuned step). The trace records,
    per d, the worst mean gap over the grid (the hardest instance of the family) at horizon T."""

    dims: tuple[int, ...] = (10, 100, 1000)
    T: int = 512
    replicas: int = 20
    gap_grid: tuple[float, ...] = (0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512)

    def validate(self) -> None:
        require(len(self.dims) >= 3 and all(int(d) >= 2 for d in self.dims), "dims", "at least three dims >= 2",
                self.dims)
        require(self.T >= 2, "T", "an integer >= 2", self.T)
        require(self.replicas >= 1, "replicas", "an integer >= 1", self.replicas)
        require(len(self.gap_grid) >= 2 and all(0 < g <= 1 for g in self.gap_grid), "gap_grid",
                "at least two gaps in (0, 1]", self.gap_grid)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the (replicas x T) noise (int64 draw, float64 copy) per d, the steps
        and the kernel's weight vector of length max(dims)."""
        return memory_terms(**_merge(_product_term(self, 3 * 8 * self.replicas * self.T, "replicas", "T"),
                                     {"T": 2 * 8 * self.T, "dims": 3 * 8 * _size(self.dims)}))

    def steps(self, d: int) -> np.ndarray:
        G = 1.0 + max(self.gap_grid)
        return math.sqrt(math.log(d)) / (G * np.sqrt(np.arange(1, self.T + 1, dtype=float)))


def _entropic_trace(config: EntropicConfig, rng: np.random.Generator, *, steps=None) -> Trace:
    """Worst mean gap over ``gap_grid`` for every d; ``steps(d)`` exists for the mutants."""
    steps = config.steps if steps is None else steps
    dims = np.array([int(d) for d in config.dims])
    worst = np.empty(dims.size)
    for k, d in enumerate(dims):
        noise = 2.0 * rng.integers(0, 2, size=(config.replicas, config.T)) - 1.0
        gaps = []
        for delta in config.gap_grid:
            c = np.full(int(d), float(delta))
            c[0] = 0.0
            gaps.append(algorithms.run_entropic_md(c, steps(int(d)), noise).mean())
        worst[k] = max(gaps)
    return Trace(dims, {"worst_gap": worst})


@experiment("sgd_entropic_md", paper=PAPER, config=EntropicConfig)
def entropic_md(config: EntropicConfig, rng: np.random.Generator) -> Trace:
    """Entropic mirror descent on the simplex: worst last-iterate gap over a family of linear f, versus d."""
    return _entropic_trace(config, rng)


# -- stochastic problems -------------------------------------------------------------------------
@dataclass(frozen=True)
class StochasticConfig:
    """Projected composite SGD on a stochastic problem, ``replicas`` runs per seed.

    Problem: F(x) = f(x) + (mu_h / 2)||x||^2 on the ball of ``radius`` (none when 0), f one of
    ``l1``, ``quadratic`` (curvatures from ``spectrum``: all ones, 1/j^2, or evenly spaced in
    [lam_min, 1]), ``linear`` (gradient from ``spectrum``) or ``huber`` (width ``huber_eps`` in
    every coordinate, so L = 1/huber_eps). Schedule: see
    :func:`theorylab.sgd.schedules.make_schedule` (``cap = 0`` means no cap).
    """

    problem: str = "l1"
    d: int = 10
    huber_eps: float = 0.1
    spectrum: str = "ones"
    lam_min: float = 0.1
    mu_h: float = 0.0
    radius: float = 0.0
    x1: float = 1.0
    noise: str = "gaussian"
    sigma: float = 1.0
    alpha: float = 2.0
    schedule: str = "inverse_sqrt"
    eta: float = 0.5
    mu: float = 1.0
    offset: float = 0.0
    p: float = 2.0
    cap: float = 0.0
    log2_T_min: int = 6
    log2_T_max: int = 13
    replicas: int = 100
    deltas: tuple[float, ...] = (0.1, 0.01)

    def validate(self) -> None:
        require(self.problem in problems.PROBLEM_KINDS, "problem", f"one of {sorted(problems.PROBLEM_KINDS)}",
                self.problem)
        require(self.d >= 1, "d", "an integer >= 1", self.d)
        require(self.huber_eps > 0, "huber_eps", "a positive Huber width", self.huber_eps)
        require(self.spectrum in SPECTRA, "spectrum", f"one of {SPECTRA}", self.spectrum)
        require(0 < self.lam_min <= 1, "lam_min", "a number in (0, 1]", self.lam_min)
        require(self.radius >= 0, "radius", "a non-negative radius (0 = unconstrained)", self.radius)
        require(self.noise in problems.NOISE_MODELS, "noise", f"one of {problems.NOISE_MODELS}", self.noise)
        require(self.sigma >= 0, "sigma", "a non-negative noise level", self.sigma)
        require(self.alpha > 1, "alpha", "a Pareto tail index > 1 (finite mean)", self.alpha)
        require(self.cap >= 0, "cap", "a non-negative step cap (0 = none)", self.cap)
        require(self.replicas >= 1, "replicas", "an integer >= 1", self.replicas)
        require(all(0 < d < 1 for d in self.deltas), "deltas", "probabilities in (0, 1)", self.deltas)
        _require_horizons(self.log2_T_min, self.log2_T_max, 20)
        check_memory(self)  # before make_problem, which allocates d-sized arrays
        self.make_problem()
        self.make_schedule()

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the (replicas x d) iterates and start, a noise block of at least
        replicas x d values (three temporaries for Pareto noise), the (horizons x replicas) gaps and
        the copies np.quantile makes of them, and the step array of length 2^log2_T_max."""
        horizons = self.log2_T_max - self.log2_T_min + 1
        block = 3 * 8 * max(algorithms._BLOCK_VALUES, self.replicas * self.d)
        return memory_terms(**_merge(_product_term(self, 2 * 8 * self.replicas * self.d + block, "replicas", "d"),
                                     {"replicas": 3 * 8 * horizons * self.replicas,
                                      "log2_T_max": 2 * 8 * 2 ** self.log2_T_max, "d": 8 * 8 * self.d}))

    def lam(self) -> np.ndarray:
        j = np.arange(1, self.d + 1, dtype=float)
        if self.spectrum == "ones":
            return np.ones(self.d)
        if self.spectrum == "inverse_square":
            return 1.0 / j**2
        return np.linspace(self.lam_min, 1.0, self.d)

    def make_problem(self) -> problems.StochasticProblem:
        lam = np.full(self.d, self.huber_eps) if self.problem == "huber" else self.lam()
        return problems.StochasticProblem(self.problem, lam, self.mu_h, self.radius, self.x1)

    def make_schedule(self) -> schedules.Schedule:
        return schedules.make_schedule(self.schedule, eta=self.eta, mu=self.mu, offset=self.offset, p=self.p,
                                       cap=self.cap if self.cap > 0 else math.inf)


def _stochastic_trace(config: StochasticConfig, rng: np.random.Generator, *, schedule=None,
                      prox_mu: float | None = None) -> Trace:
    """Gaps of ``replicas`` runs at every horizon; ``schedule`` and ``prox_mu`` exist for the mutants."""
    grid = horizons(config.log2_T_min, config.log2_T_max)
    schedule = config.make_schedule() if schedule is None else schedule
    gaps = algorithms.run_sgd(config.make_problem(), schedule, grid, replicas=config.replicas,
                              rng=rng, noise=config.noise, sigma=config.sigma, alpha=config.alpha, prox_mu=prox_mu)
    metrics = {"mean": gaps.mean(axis=1), "median": np.median(gaps, axis=1)}
    for delta in config.deltas:
        metrics[quantile_name(delta)] = np.quantile(gaps, 1.0 - delta, axis=1)
    return Trace(grid, metrics)


def _register(name: str, doc: str) -> None:
    def simulate(config: StochasticConfig, rng: np.random.Generator) -> Trace:
        return _stochastic_trace(config, rng)

    simulate.__doc__ = doc
    simulate.__name__ = name
    experiment(name, paper=PAPER, config=StochasticConfig)(simulate)


_register("sgd_smooth_convex", "Smooth convex Huber function, Gaussian noise: last-iterate gap versus T.")
_register("sgd_smooth_strongly_convex", "Smooth strongly convex quadratic, 1/(mu t) steps: gap versus T.")
_register("sgd_composite_strongly_convex", "a^T x + (mu/2)||x||^2 on R^d by prox steps 1/(mu t): gap versus T.")
_register("sgd_lipschitz_convex", "||x||_1 with Gaussian noise under anytime and known-T schedules.")
_register("sgd_heavy_tail", "Linear objective on a ball, symmetric Pareto noise, eta/t^(1/p) steps.")
_register("sgd_high_probability", "f = x^2/2 with +-1 noise and 1/t steps (Harvey et al. App. G): quantiles.")
_register("sgd_hp_unbounded", "|x| on R (no projection), Gaussian noise: (1 - delta) quantiles of the gap.")


# -- explicit constant of linear decay (Zamani & Glineur), deterministic random instances -------------------
@dataclass(frozen=True)
class NonSmoothConfig:
    """``instances`` random instances ||A (x - x*)|| per seed (kinds l1, l2, l_inf in turn), x_1 = 0.

    Each is run with the known-T linear decay eta_t = eta_scale (R/B)(T - t + 1)/T^(3/2) at every
    horizon of ``horizons``; the trace records the ratio f(x_{T+1}) / (B R / sqrt(T)).
    """

    d: int = 10
    m: int = 5
    instances: int = 30
    horizons: tuple[int, ...] = (1, 2, 5, 10, 50, 200, 1000)
    eta_scale: float = 1.0

    def validate(self) -> None:
        require(self.d >= 1, "d", "an integer >= 1", self.d)
        require(1 <= self.m <= 12, "m", "an integer in [1, 12]", self.m)
        require(self.instances >= 3, "instances", "an integer >= 3 (one per kind at least)", self.instances)
        require(len(self.horizons) >= 2 and all(int(T) >= 1 for T in self.horizons), "horizons",
                "at least two positive horizons", self.horizons)
        require(self.eta_scale > 0, "eta_scale", "a positive step scale", self.eta_scale)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the steps of the longest horizon, the (instances x horizons) ratios,
        and each instance's m x d matrix with its O(d) vectors."""
        return memory_terms(horizons=2 * 8 * _size(self.horizons),
                            instances=8 * self.instances * max(1, len(self.horizons)),
                            d=8 * (self.m + 6) * self.d)


def _nonsmooth_trace(config: NonSmoothConfig, rng: np.random.Generator, *, steps=None) -> Trace:
    """Worst and mean ratio gap / (B R / sqrt T) over the instances; ``steps(T, R, B)`` is for the mutants."""
    grid = np.array([int(T) for T in config.horizons])
    if steps is None:
        def steps(T, R, B):
            return schedules.LinearDecay(config.eta_scale * R / B).steps(T)
    kinds = tuple(problems.NONSMOOTH_KINDS)
    ratios = np.empty((config.instances, grid.size))
    for k in range(config.instances):
        inst = problems.random_nonsmooth(rng, kinds[k % len(kinds)], config.d, config.m)
        R, B = inst.R, inst.B
        for j, T in enumerate(grid):
            ratios[k, j] = algorithms.run_nonsmooth(inst, steps(int(T), R, B)) / (B * R / np.sqrt(T))
    return Trace(grid, {"worst_ratio": ratios.max(axis=0), "mean_ratio": ratios.mean(axis=0)})


@experiment("sgd_linear_decay_explicit", paper=PAPER, config=NonSmoothConfig)
def linear_decay_explicit(config: NonSmoothConfig, rng: np.random.Generator) -> Trace:
    """Linear decay on random non-smooth instances from x_1 != x*: gap / (B R / sqrt T) (deterministic)."""
    return _nonsmooth_trace(config, rng)


# -- figures -------------------------------------------------------------------------------------------
SEED_BAND = "10-90% range across seeds (narrower than the line where the replica means agree)"


def _loglog(ax, title: str) -> None:
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("horizon $T$")
    ax.set_title(title)


def _figure_harvey(ctx, outdir) -> list:
    from theorylab.plotting import caption, figure, save

    (sc,) = ctx.runs("sgd_harvey_strongly_convex")
    lip = [r[0] for r in ctx.run_many([("sgd_harvey_lipschitz", {"c": 1.0}), ("sgd_harvey_lipschitz", {"c": 2.0}),
                                       ("sgd_harvey_lipschitz", {"schedule": "linear_decay_matched", "c": 1.0})])]
    fig, axes = figure(ncols=2)
    ax = axes[0, 0]
    ax.plot(sc.t, sc.t * sc["last"], "o-", color="C0", label="last iterate $x_{T+1}$")
    ax.plot(sc.t, sc.t * sc["lower_bound"], "--", color="C0", lw=1, label="Thm 3.4 lower bound $\\ln T/4$")
    ax.plot(sc.t, sc.t * sc["suffix"], "s-", color="C1", label="suffix average (last half)")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("horizon $T$")
    ax.set_ylabel("$T\\,f$")
    ax.set_title("strongly convex instance, $\\eta_t = 1/t$")
    ax.legend(loc="upper left", fontsize="small")
    ax = axes[0, 1]
    root = np.sqrt(lip[0].t)
    for trace, c, color in ((lip[0], 1, "C0"), (lip[1], 2, "C3")):
        ax.plot(trace.t, root * trace["last"], "o-", ms=3.5, color=color, label=f"$\\eta_t = {c}/\\sqrt{{t}}$")
        ax.plot(trace.t, root * trace["lower_bound"], "--", lw=1, color=color,
                label=f"Thm 3.5 lower bound for $c = {c}$: $\\ln T/({32 * c}\\sqrt{{T}})$")
    ax.plot(lip[2].t, root * lip[2]["last"], "s-", ms=3.5, color="C2",
            label="linear decay, known $T$ (same total step length as $c = 1$)")
    ax.set_xscale("log", base=2)
    ax.set_ylim(0.0, 1.65 * float(np.max(root * lip[0]["last"])))
    ax.set_xlabel("horizon $T$")
    ax.set_ylabel("$\\sqrt{T}\\,f(x_{T+1})$")
    ax.set_title("Lipschitz instance")
    ax.legend(loc="upper left", fontsize="small")
    text = ("Harvey et al. (COLT 2019) instances, deterministic (one run per T). Left: T f(x_{T+1}) of the last "
            "iterate grows like ln(T)/4 and stays above the Thm 3.4 lower bound (dashed, same colour), while the "
            "suffix average stays flat. Right: sqrt(T) f(x_{T+1}) for c/sqrt(t) grows linearly in ln T, each "
            "curve above its own Thm 3.5 bound (dashed, same colour); known-T linear decay with the same total "
            "step length stays flat (no bound is drawn for it: Thm 3.5 does not cover it)")
    return save(fig, outdir, "harvey_log_corrected", caption=caption(text, profile=ctx.profile))


def _seed_count(traces) -> int:
    return len(traces)


def _figure_rates(ctx, outdir) -> list:
    from theorylab.plotting import band, caption, figure, save

    names = [("sgd_smooth_convex", "Huber (smooth convex), $\\min\\{1/(2L), \\eta/\\sqrt{t}\\}$", -0.5),
             ("sgd_smooth_strongly_convex", "smooth strongly convex, $1/(\\mu (t + 2L/\\mu))$", -1.0),
             ("sgd_composite_strongly_convex", "$1^T x + \\mu\\|x\\|^2/2$ (prox), $1/(\\mu t)$", -1.0)]
    batches = ctx.run_many([(name, {}) for name, _, _ in names])
    fig, axes = figure()
    ax = axes[0, 0]
    for (name, label, slope), traces in zip(names, batches):
        t = traces[0].t
        means = np.vstack([tr["mean"] for tr in traces])
        band(ax, t, means, label=label)
        anchor = np.median(means[:, -1])
        ax.plot(t, anchor * (t / t[-1]) ** slope, "k:", lw=1)
    _loglog(ax, "mean last-iterate gap; dotted: $T^{-1/2}$, $T^{-1}$")
    ax.set_ylabel("$E[F(x_{T+1})] - F^*$")
    ax.legend(fontsize="small")
    text = ("Mean last-iterate gap over the replicas of a seed (line: median over seeds) on the stochastic "
            "problems of C1 (Huber, slope -1/2 once the window starts, see C1), C4 and C3 (slope -1); dotted "
            "reference slopes are anchored at the last horizon")
    return save(fig, outdir, "error_vs_T", caption=caption(text, profile=ctx.profile, seeds=_seed_count(batches[0]),
                                                           band=SEED_BAND))


def _figure_schedules(ctx, outdir) -> list:
    from theorylab.plotting import band, caption, figure, save

    labels = {"inverse_sqrt": "anytime $\\eta/\\sqrt{t}$", "constant_sqrt_T": "known $T$, $\\eta/\\sqrt{T}$",
              "linear_decay": "known $T$, linear decay $\\eta (T - t + 1)/T^{3/2}$"}
    batches = ctx.run_many([("sgd_lipschitz_convex", {"schedule": name}) for name in labels])
    fig, axes = figure()
    ax = axes[0, 0]
    for (name, label), traces, color in zip(labels.items(), batches, ("C0", "C3", "C2")):
        t = traces[0].t
        band(ax, t, np.vstack([tr["mean"] for tr in traces]), label=label + " (mean)", color=color)
        if name == "constant_sqrt_T":  # it lies on top of the anytime curve
            ax.lines[-1].set_linestyle("--")
        upper = np.median(np.vstack([tr[quantile_name(0.1)] for tr in traces]), axis=0)
        ax.plot(t, upper, ":", lw=1.2, color=color)
    _loglog(ax, "$f = \\|x\\|_1$ (benign), Gaussian noise; dotted: 90% quantile")
    ax.set_ylabel("$f(x_{T+1}) - f^*$")
    ax.set_ylim(bottom=1e-7)  # room for the legend below the curves
    ax.legend(fontsize="small", loc="lower left")
    seeds = _seed_count(batches[0])
    text = ("Three step schedules on f = ||x||_1 in R^d with Gaussian noise (illustration; no claim is decided "
            "on it). Solid: mean gap over the replicas (median over seeds); dotted, same colour: 90% quantile "
            "of the gap across replicas (median over seeds). The known-T constant step eta/sqrt(T) (dashed) lies "
            "on the anytime eta/sqrt(t) curve; linear decay is much lower on this benign instance")
    return save(fig, outdir, "schedules_compared", caption=caption(text, profile=ctx.profile, seeds=seeds,
                                                                   band=SEED_BAND))


def heavy_tail_alpha(p: float) -> float:
    """Pareto tail index paired with moment order p: alpha - 1 = 1.1 (p - 1), so E|xi|^p < inf, barely.

    [inferred] On f(x) = x over [-1, 1] the gap then decays like T^((1 - alpha)/p) = T^(1.1 (1/p - 1)):
    a jump eta_T xi is undone at speed eta_T per step, so E gap ~ eta_T E[min(|xi|, 1/eta_T)^2], and
    that truncated second moment grows like eta_T^(alpha - 2) when alpha < 2.
    """
    return 1.0 + 1.1 * (p - 1.0)


def heavy_tail_requests(orders) -> list:
    """Runs of ``sgd_heavy_tail``: Pareto noise for each order p < 2, then Gaussian noise with p = 2."""
    requests = [("sgd_heavy_tail", {"p": p, "alpha": heavy_tail_alpha(p), "noise": "pareto"}) for p in orders]
    return requests + [("sgd_heavy_tail", {"p": 2.0, "noise": "gaussian"})]


def _figure_heavy_tail(ctx, outdir, orders=(1.25, 1.5)) -> list:
    from theorylab import rates
    from theorylab.plotting import band, caption, figure, save

    batches = ctx.run_many(heavy_tail_requests(orders))
    eta = ctx.config("sgd_heavy_tail").eta
    fig, axes = figure(ncols=2)
    ax = axes[0, 0]
    exponents = []
    for p, traces in zip(list(orders) + [2.0], batches):
        t = traces[0].t
        means = np.vstack([tr["mean"] for tr in traces])
        band(ax, t, means, label=f"$p = {p:g}$" + (" (Gaussian)" if p == 2.0 else ""))
        exponents.append([rates.fit_power_law(t, row, window=(256, None)).value for row in means])
    _loglog(ax, f"$f(x) = x$ on $[-1, 1]$, $\\eta_t = {eta:g}/t^{{1/p}}$")
    ax.set_ylabel("mean gap $E[f(x_{T+1})] - f^*$")
    ax.legend()
    ax = axes[0, 1]
    grid = np.linspace(1.1, 2.0, 50)
    ax.plot(grid, 1.0 / grid - 1.0, "k--", lw=1, label="bound exponent $1/p - 1$")
    ax.fill_between(grid, 1.0 / grid - 1.0 - 0.08, 1.0 / grid - 1.0 + 0.08, color="k", alpha=0.08, lw=0,
                    label="C5's band $\\pm 0.08$")
    for p, values in zip(list(orders) + [2.0], exponents):
        ax.plot(np.full(len(values), p), values, "o", color="C0", alpha=0.6, ms=4)
    ax.axhline(-0.5, color="C3", lw=1, ls=":", label="finite-variance exponent $-1/2$ (rival)")
    ax.set_xlabel("moment order $p$")
    ax.set_ylabel("fitted exponent (one dot per seed)")
    ax.set_title("heavy-tail exponents, fit over $T \\geq 256$")
    ax.legend(fontsize="small")
    seeds = _seed_count(batches[0])
    text = ("Left: mean gap of projected SGD with symmetric Pareto noise (tail index paired with p, so the p-th "
            "moment is barely finite; p = 2 is Gaussian) under eta/t^(1/p) (line: median over seeds). Right: "
            "each seed's log-log slope over T >= 256 against the bound exponent 1/p - 1 with C5's band and the "
            "finite-variance rival -1/2. The instance is a reconstruction (Euclidean, not the paper's mirror map)")
    return save(fig, outdir, "heavy_tail_exponents", caption=caption(text, profile=ctx.profile, seeds=seeds,
                                                                     band=SEED_BAND + " (left)"))


def _figure_high_probability(ctx, outdir) -> list:
    from scipy import stats

    from theorylab.plotting import caption, figure, save

    traces = ctx.runs("sgd_high_probability")
    deltas = np.array(ctx.config("sgd_high_probability").deltas)
    fig, axes = figure()
    ax = axes[0, 0]
    for k, trace in enumerate(traces):
        scaled = [trace.t[-1] * trace[quantile_name(d)][-1] for d in deltas]
        ax.plot(np.log(1 / deltas), scaled, "o", color="C0", alpha=0.6, ms=4,
                label=f"$T = {trace.t[-1]}$, one dot per seed" if k == 0 else None)
    fine = np.geomspace(deltas.min(), deltas.max(), 50)
    ax.plot(np.log(1 / fine), stats.chi2.ppf(1 - fine, df=1) / 2, "k-", lw=1, label="exact law $\\chi^2_1/2$")
    ax.plot(np.log(1 / fine), np.log(1 / fine), "k:", lw=1, label="$\\ln(1/\\delta)$")
    ax.set_xlabel("$\\ln(1/\\delta)$")
    ax.set_ylabel("$T \\cdot q_{1-\\delta}$ of $f(x_{T+1})$")
    ax.set_title("$f = x^2/2$, $\\pm 1$ noise, $\\eta_t = 1/t$ (Harvey et al. App. G)")
    ax.legend()
    text = ("T times the (1 - delta) quantile of f(x_{T+1}) across the replicas of each seed, at the last horizon, "
            "against ln(1/delta): the points follow the exact chi^2_1/2 law, asymptotically linear in "
            "ln(1/delta) (dotted: ln(1/delta) itself)")
    return save(fig, outdir, "high_probability", caption=caption(text, profile=ctx.profile, seeds=len(traces)))


def _figure_hp_unbounded(ctx, outdir) -> list:
    from theorylab.plotting import caption, figure, save

    anytime, decay = ctx.run_many([("sgd_hp_unbounded", {}), ("sgd_hp_unbounded", {"schedule": "linear_decay"})])
    deltas = np.array(ctx.config("sgd_hp_unbounded").deltas)
    fig, axes = figure(ncols=2)
    ax = axes[0, 0]
    x = np.log(1 / deltas)
    for traces, label, color in ((anytime, "$\\eta/\\sqrt{t}$", "C0"), (decay, "linear decay, known $T$", "C2")):
        q = np.array([[tr[quantile_name(d)][-1] for d in deltas] for tr in traces])
        ax.plot(x, np.median(q, axis=0), "o-", color=color, label=label)
        ax.fill_between(x, np.quantile(q, 0.1, axis=0), np.quantile(q, 0.9, axis=0), color=color, alpha=0.2, lw=0)
        first = np.median(q[:, 0])
        ax.plot(x, first * x / x[0], ":", color=color, lw=1)
        ax.plot(x, first * deltas[0] / deltas, "--", color=color, lw=1)
    ax.set_yscale("log")
    ax.set_ylim(top=3 * float(np.max([np.median([tr[quantile_name(d)][-1] for tr in anytime]) for d in deltas])))
    ax.set_xlabel("$\\ln(1/\\delta)$")
    ax.set_ylabel("$q_{1-\\delta}$ of $f(x_{T+1}) - f^*$")
    ax.plot([], [], "k:", lw=1, label="linear in $\\ln(1/\\delta)$")
    ax.plot([], [], "k--", lw=1, label="Markov $\\propto 1/\\delta$")
    ax.set_title(f"quantiles at $T = {anytime[0].t[-1]}$")
    ax.legend(fontsize="small", loc="center right")
    ax = axes[0, 1]
    t = anytime[0].t
    for traces, scale, label, color in (
            (anytime, np.sqrt(t) / np.log(t), "$\\sqrt{T}\\, q_{0.99} / \\ln T$, $\\eta/\\sqrt{t}$", "C0"),
            (decay, np.sqrt(t), "$\\sqrt{T}\\, q_{0.99}$, linear decay", "C2")):
        q = np.vstack([tr[quantile_name(0.01)] for tr in traces]) * scale
        ax.plot(t, np.median(q, axis=0), "o-", color=color, label=label)
        ax.fill_between(t, np.quantile(q, 0.1, axis=0), np.quantile(q, 0.9, axis=0), color=color, alpha=0.2, lw=0)
    ax.set_xscale("log", base=2)
    ax.set_ylim(bottom=0.0)
    ax.set_xlabel("horizon $T$")
    ax.set_ylabel("scaled quantile")
    ax.set_title("bounded in $T$ (claim HU)")
    ax.legend(fontsize="small")
    text = ("Liu & Zhou's headline setting: f = |x| on R (no projection), Gaussian noise. Left: the (1 - delta) "
            "quantile of the last-iterate gap across replicas at the last horizon against ln(1/delta) (line: "
            "median over seeds), with a line linear in ln(1/delta) (dotted) and Markov's 1/delta (dashed), both "
            "anchored at delta = 0.1 in each curve's colour. Under eta/sqrt(t) the quantile grows more slowly than "
            "linearly (claim HU); under linear decay it grows faster than linearly over these three decades but "
            "far slower than 1/delta (HU reports that exponent without asserting it). Right: the 0.99 quantile "
            "scaled by the "
            "claimed rates stays bounded in T")
    return save(fig, outdir, "hp_unbounded", caption=caption(text, profile=ctx.profile, seeds=len(anytime),
                                                             band="10-90% range across seeds"))


def make_figures(ctx, outdir) -> list:
    """Regenerate the figures of ``last_iterate_sgd`` into ``outdir`` (PNG + PDF each)."""
    paths = []
    for draw in (_figure_harvey, _figure_rates, _figure_schedules, _figure_heavy_tail, _figure_high_probability,
                 _figure_hp_unbounded):
        paths += draw(ctx, outdir)
    return paths
