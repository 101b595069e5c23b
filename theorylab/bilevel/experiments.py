"""Registered experiments of ``bilevel_penalty`` and its figures.

* ``bilevel_closeness`` -- ``psi - psi_sigma`` and ``||grad psi_sigma - grad psi||`` on a sigma grid
  (problems P1-P5), with the inner-solve residual recorded beside them.
* ``bilevel_sigma_bias`` -- stationary points of ``psi_sigma`` (P2) and ``||grad psi||`` there.
* ``bilevel_pdl`` -- the deterministic double-loop penalty method to ``||grad psi|| <= eps``.
* ``bilevel_sdl``, ``bilevel_psl``, ``bilevel_aid`` -- stochastic double loop, single loop with
  momentum, and the implicit-differentiation baseline (P1 trajectories).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theorylab.bilevel import algorithms, problems
from theorylab.config import memory_terms, require
from theorylab.registry import experiment, seed_generator
from theorylab.trace import Trace

PAPER = "bilevel_penalty"
PROBLEMS = ("p1", "p2", "p3", "p4", "p5", "p6")


@dataclass(frozen=True)
class InstanceConfig:
    """Which test problem and its sizes.

    Attributes
    ----------
    problem : str
        ``p1`` .. ``p6`` (see :mod:`theorylab.bilevel.problems`; ``p6`` is the plateau instance of
        the complexity claim, which depends on the target ``eps`` and is built by ``bilevel_pdl``).
    dx, dy, m : int
        Sizes of P1/P2 (``m`` = rank of the P2 lower level); ignored by P3-P5 (scalar ``x``).
    x : float
        The point of the 1-D problems P3-P5; P1/P2 draw ``x ~ U[-2, 2]^dx`` from the seed.
    """

    problem: str = "p2"
    dx: int = 3
    dy: int = 6
    m: int = 2
    x: float = 0.7

    def _instance_terms(self) -> dict:
        """Sizes in bytes of the problem's matrices (dy x dy Hessian blocks, dy x dx couplings)."""
        return {"dy": 8 * 6 * self.dy ** 2, "dx": 8 * 4 * self.dx * (self.dx + self.dy)}

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the instance's matrices."""
        return memory_terms(**self._instance_terms())

    def validate(self) -> None:
        known = PROBLEMS + problems.registered_problems()
        require(self.problem in known, "problem", f"one of {known} (user problems: problems.register_problem)",
                self.problem)
        require(self.dx >= 1, "dx", "an integer >= 1", self.dx)
        require(self.dy >= 2, "dy", "an integer >= 2", self.dy)
        require(1 <= self.m < self.dy, "m", f"an integer with 1 <= m < dy = {self.dy}", self.m)
        require(np.isfinite(self.x) and (self.problem != "p5" or self.x != 0), "x",
                "a finite point (nonzero for p5, where psi is discontinuous at 0)", self.x)

    def build(self, rng: np.random.Generator) -> tuple[problems.BilevelProblem, np.ndarray]:
        """The problem and the point ``x`` (P1/P2 data and ``x`` come from ``rng``)."""
        if self.problem in problems.registered_problems():
            return problems.build_registered(self.problem, rng)
        if self.problem == "p6":
            raise ValueError("p6 (the plateau instance) depends on eps: only bilevel_pdl builds it")
        if self.problem == "p1":
            p = problems.make_p1(rng, dx=self.dx, dy=self.dy)
        elif self.problem == "p2":
            p = problems.make_p2(rng, dx=self.dx, dy=self.dy, m=self.m)
        else:
            return problems.make_problem(self.problem, rng), np.array([self.x])
        return p, rng.uniform(-2.0, 2.0, p.dx)


def _sigma_grid(lo: float, hi: float, n: int) -> np.ndarray:
    return np.logspace(np.log10(lo), np.log10(hi), n)


def _require_grid(lo: float, hi: float, n: int) -> None:
    require(lo > 0, "sigma_min", "a positive number", lo)
    require(hi > lo, "sigma_max", f"a number > sigma_min = {lo}", hi)
    require(n >= 3, "n_sigma", "an integer >= 3 (a slope needs 3 points)", n)


# ----------------------------------------------------------------------------------- closeness
@dataclass(frozen=True)
class ClosenessConfig(InstanceConfig):
    """Closeness of ``psi_sigma`` to ``psi`` over ``n_sigma`` log-spaced values in [sigma_min, sigma_max]."""

    sigma_min: float = 1e-5
    sigma_max: float = 1e-1
    n_sigma: int = 9

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the instance's matrices and four arrays over the sigma grid."""
        return memory_terms(**self._instance_terms(), n_sigma=8 * 4 * self.n_sigma)

    def validate(self) -> None:
        super().validate()
        _require_grid(self.sigma_min, self.sigma_max, self.n_sigma)


@experiment("bilevel_closeness", paper=PAPER, config=ClosenessConfig)
def closeness(config: ClosenessConfig, rng: np.random.Generator) -> Trace:
    """Value and gradient gaps psi - psi_sigma over a sigma grid (inner problems solved exactly)."""
    problem, x = config.build(rng)
    return closeness_trace(problem, x, _sigma_grid(config.sigma_min, config.sigma_max, config.n_sigma))


def closeness_trace(problem, x, sigmas, *, value=None, gradient=None, psi=None, grad_psi=None) -> Trace:
    """The closeness Trace of ``problem`` at ``x``; the keyword functions replace the exact ones (mutants).

    ``value(problem, x, sigma)``, ``gradient(problem, x, sigma)`` default to
    :func:`problems.penalty_value` / :func:`problems.penalty_gradient`; ``psi``, ``grad_psi`` to the
    problem's closed forms.
    """
    value = value or problems.penalty_value
    gradient = gradient or problems.penalty_gradient
    psi = problem.psi(x) if psi is None else psi
    grad = problem.grad_psi(x) if grad_psi is None else grad_psi
    gap = np.array([psi - value(problem, x, s) for s in sigmas])
    grad_gap = np.array([np.linalg.norm(gradient(problem, x, s) - grad) for s in sigmas])
    residual = np.array([problems.inner_residual(problem, x, s) for s in sigmas])
    coef = problems.gap_coefficient(problem, x)
    return Trace(sigmas, {"gap_value": gap, "gap_grad": grad_gap, "inner_residual": residual},
                 scalars={"gap_coefficient": coef, "psi": psi, "max_inner_residual": float(residual.max())})


# ----------------------------------------------------------------------------------- jumping solution sets
@dataclass(frozen=True)
class JumpConfig:
    """P8 (solution set {-1, 1} jumping to [-1, 1] at x = 0) on a sigma grid.

    Gaps at ``x = c sqrt(sigma)`` for each ``c`` in ``scales`` (points that approach the jump as
    sigma shrinks, where the error-bound modulus 2 x^2 is of order sigma), and at the fixed ``x_fixed``.
    """

    a: float = 0.5
    sigma_min: float = 1e-6
    sigma_max: float = 1e-2
    n_sigma: int = 5
    scales: tuple[float, ...] = (0.5, 1.0, 2.0)
    x_fixed: float = 0.5

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: two gap arrays over the sigma grid per point (scales + the fixed point)."""
        return memory_terms(n_sigma=8 * 2 * self.n_sigma * (len(self.scales) + 2))

    def validate(self) -> None:
        require(0 < self.a < 1, "a", "a number in (0, 1)", self.a)
        _require_grid(self.sigma_min, self.sigma_max, self.n_sigma)
        require(len(self.scales) >= 1 and all(c > 0 for c in self.scales), "scales", "positive numbers",
                self.scales)
        require(self.x_fixed != 0, "x_fixed", "a nonzero point", self.x_fixed)


@experiment("bilevel_jump", paper=PAPER, config=JumpConfig)
def jump(config: JumpConfig, rng: np.random.Generator) -> Trace:
    """Value and gradient gaps of P8 near the jump (x = c sqrt(sigma)) and at a fixed x (deterministic)."""
    problem = problems.JumpBilevel(config.a)
    sigmas = _sigma_grid(config.sigma_min, config.sigma_max, config.n_sigma)
    metrics = {}
    points = [(f"c{i}", lambda s, c=c: c * np.sqrt(s)) for i, c in enumerate(config.scales)]
    points.append(("fixed", lambda s: config.x_fixed))
    for label, where in points:
        xs = [np.array([where(s)]) for s in sigmas]
        metrics[f"gap_{label}"] = np.array([problem.psi(x) - problems.penalty_value(problem, x, s)
                                            for x, s in zip(xs, sigmas)])
        metrics[f"grad_gap_{label}"] = np.array([abs(problems.penalty_gradient(problem, x, s)[0]
                                                     - problem.grad_psi(x)[0]) for x, s in zip(xs, sigmas)])
    return Trace(sigmas, metrics, scalars={"jump": 0.5 * (1 - config.a) ** 2})


# ----------------------------------------------------------------------------------- degenerate family
@dataclass(frozen=True)
class DegenerateConfig:
    """P5 (error-bound modulus ``mu = x^2``) at ``n_x`` log-spaced points ``x`` in [x_min, x_max], one sigma."""

    sigma: float = 1e-6
    x_min: float = 0.05
    x_max: float = 0.5
    n_x: int = 7

    def validate(self) -> None:
        require(self.sigma > 0, "sigma", "a positive penalty parameter", self.sigma)
        require(self.x_min > 0, "x_min", "a positive point (psi jumps at x = 0)", self.x_min)
        require(self.x_max > self.x_min, "x_max", f"a point > x_min = {self.x_min}", self.x_max)
        require(self.n_x >= 3, "n_x", "an integer >= 3 (a slope needs 3 points)", self.n_x)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: three arrays over the x grid."""
        return memory_terms(n_x=3 * 8 * self.n_x)


@experiment("bilevel_degenerate", paper=PAPER, config=DegenerateConfig)
def degenerate(config: DegenerateConfig, rng: np.random.Generator) -> Trace:
    """P5: value and gradient gaps at one sigma over a grid of moduli mu = x^2 (deterministic), indexed by mu."""
    mu, gap, grad_gap = problems.degenerate_gaps(np.geomspace(config.x_min, config.x_max, config.n_x), config.sigma)
    return Trace(mu, {"gap_value": gap, "gap_grad": grad_gap}, scalars={"sigma": config.sigma})


# ----------------------------------------------------------------------------------- hypergradient
@dataclass(frozen=True)
class HypergradientConfig(InstanceConfig):
    """Theorem 3.2's hypergradient against central differences of the closed-form psi (step ``h``).

    ``problem``: ``p2`` (affine solution sets), ``p3`` (circle, at ``x``) or ``p7`` (box-constrained
    lower level with active constraints, ``dx`` x ``dy`` from the seed).
    """

    dy: int = 6
    h: float = 1e-5

    def validate(self) -> None:
        require(self.problem in ("p2", "p3", "p7"), "problem", "p2, p3 or p7", self.problem)
        require(self.problem != "p7" or self.dy >= 1, "dy", "an integer >= 1", self.dy)
        if self.problem != "p7":
            super().validate()
        require(0 < self.h < 1e-2, "h", "a finite-difference step in (0, 1e-2)", self.h)

    def build(self, rng):
        if self.problem == "p7":
            p = problems.make_box(rng, dx=self.dx, dy=self.dy)
            for _ in range(1000):  # a point with an active bound, no bound within 0.05 of switching
                x = rng.uniform(-2.0, 2.0, p.dx)
                a = np.abs(p.B @ x)
                if np.any(a > 1.0) and np.min(np.abs(a - 1.0)) > 0.05:
                    return p, x
            raise ValueError("no point with an active lower-level bound found")
        return super().build(rng)


def _log_rel(g, ref) -> float:
    return float(np.log10(max(np.linalg.norm(g - ref) / np.linalg.norm(ref), 1e-300)))


@experiment("bilevel_hypergradient", paper=PAPER, config=HypergradientConfig)
def hypergradient(config: HypergradientConfig, rng: np.random.Generator) -> Trace:
    """log10 relative errors of Thm 3.2's hypergradient (and of wrong variants) vs central differences of psi."""
    problem, x = config.build(rng)
    return hypergradient_trace(problem, x, config.h)


def hypergradient_trace(problem, x, h, *, formula=None, kkt=None) -> Trace:
    """The ``bilevel_hypergradient`` Trace; ``formula`` / ``kkt`` replace the unconstrained / KKT forms (mutants).

    Scalars (log10 relative errors): ``f_minimal`` (the formula at the f-minimal solution; the KKT
    form for a constrained lower level), ``other_solution`` (at a solution that is not f-minimal),
    ``no_implicit_term`` (``grad_x f`` alone), ``unconstrained`` (the unconstrained formula that
    ignores the active constraints' multipliers; P7 only), ``min_multiplier`` (P7).
    """
    formula = formula or problems.multi_solution_hypergradient
    kkt = kkt or problems.kkt_hypergradient
    fd = np.array([(problem.psi(x + h * e) - problem.psi(x - h * e)) / (2 * h) for e in np.eye(len(x))])
    y = problem.f_minimal_solution(x)
    scalars = {"no_implicit_term": _log_rel(problem.grad_x_f(x, y), fd)}
    if isinstance(problem, problems.BoxBilevel):
        scalars["f_minimal"] = _log_rel(kkt(problem, x, y), fd)
        scalars["unconstrained"] = _log_rel(formula(problem, x, y), fd)
        lam = problems.kkt_multipliers(problem, x, y)
        scalars["min_multiplier"] = float(lam.min()) if lam.size else float("nan")
        scalars["active"] = float(lam.size)
    else:
        scalars["f_minimal"] = _log_rel(formula(problem, x, y), fd)
        scalars["other_solution"] = _log_rel(formula(problem, x, problem.other_solution(x)), fd)
    return Trace(np.arange(1), {"f_minimal": np.array([scalars["f_minimal"]])}, scalars=scalars)


# ----------------------------------------------------------------------------------- sigma bias
@dataclass(frozen=True)
class SigmaBiasConfig(InstanceConfig):
    """Stationary points of ``psi_sigma`` by exact GD (``step``, stop at ``||grad psi_sigma|| <= tol``)."""

    sigma_min: float = 1e-4
    sigma_max: float = 1e-1
    n_sigma: int = 7
    step: float = 0.05
    tol: float = 1e-12

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the instance's matrices and six arrays over the sigma grid."""
        return memory_terms(**self._instance_terms(), n_sigma=8 * 6 * self.n_sigma)

    def validate(self) -> None:
        super().validate()
        require(self.problem in ("p1", "p2") + problems.registered_problems(), "problem",
                "p1, p2 (closed-form psi_sigma gradient) or a registered user problem", self.problem)
        _require_grid(self.sigma_min, self.sigma_max, self.n_sigma)
        require(self.step > 0, "step", "a positive step size", self.step)
        require(self.tol > 0, "tol", "a positive tolerance", self.tol)


@experiment("bilevel_sigma_bias", paper=PAPER, config=SigmaBiasConfig, version=2)
def sigma_bias(config: SigmaBiasConfig, rng: np.random.Generator) -> Trace:
    """||grad psi|| and P_con's KKT residuals at stationary points of psi_sigma, over a sigma grid (same x_0)."""
    return sigma_bias_trace(config, rng)


def sigma_bias_trace(config: SigmaBiasConfig, rng: np.random.Generator, gradient=None) -> Trace:
    """The ``bilevel_sigma_bias`` Trace; ``gradient(problem, x, sigma)`` replaces grad psi_sigma (mutants)."""
    problem, x0 = config.build(rng)
    sigmas = _sigma_grid(config.sigma_min, config.sigma_max, config.n_sigma)
    bias, residual, iters, excess, ystat = [], [], [], [], []
    for s in sigmas:
        x, res, it = algorithms.stationary_point_of_penalty(problem, x0, s, step=config.step, tol=config.tol,
                                                            gradient=gradient)
        bias.append(np.linalg.norm(problem.grad_psi(x)))
        residual.append(res)
        iters.append(it)
        # KKT residuals of (x, y_sigma(x)) for P_con: min f s.t. g - g* <= 0, multiplier 1/sigma (Thm E.5)
        y = problem.penalty_solution(x, s)
        excess.append(problem.g_excess(x, y))
        ystat.append(float(np.linalg.norm(problem.grad_y_f(x, y) + problem.grad_y_g(x, y) / s)))
    excess = np.array(excess)
    return Trace(sigmas, {"grad_psi": np.array(bias), "grad_psi_sigma": np.array(residual),
                          "iterations": np.array(iters, float), "infeasibility": excess,
                          "complementarity": excess / sigmas, "y_stationarity": np.array(ystat)})


# ----------------------------------------------------------------------------------- algorithms
@dataclass(frozen=True)
class DoubleLoopConfig(InstanceConfig):
    """Deterministic double loop: ``sigma = sigma_ratio * eps``, inner tolerance ``inner_ratio * sigma * eps``.

    The x-step is ``alpha_per_sigma * sigma`` when ``alpha_per_sigma > 0`` (the analysis's schedule,
    step proportional to sigma because the joint penalty objective is ``l_g / sigma``-smooth in x),
    else the constant ``alpha``. ``problem = "p6"`` is the plateau instance built for each ``eps``.
    """

    problem: str = "p6"
    eps: float = 0.1
    sigma_ratio: float = 0.2
    alpha: float = 0.05
    alpha_per_sigma: float = 0.0
    inner_ratio: float = 0.1
    max_outer: int = 1_000_000

    @property
    def step(self) -> float:
        """The x-step size of the run."""
        return self.alpha_per_sigma * self.sigma_ratio * self.eps if self.alpha_per_sigma > 0 else self.alpha

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: per-outer-step records (calls, ||grad psi||, errors, x: max_outer + 1 rows)."""
        return memory_terms(**self._instance_terms(), max_outer=8 * (self.max_outer + 1) * (self.dx + 4) * 2)

    def validate(self) -> None:
        super().validate()
        require(self.problem in ("p1", "p2", "p6") + problems.registered_problems(), "problem",
                "p1, p2, p6 or a registered user problem", self.problem)
        require(self.problem != "p6" or self.eps < 0.5, "eps", "a target in (0, 0.5) for the plateau p6", self.eps)
        require(self.alpha_per_sigma >= 0, "alpha_per_sigma", "a ratio >= 0 (0: constant step alpha)",
                self.alpha_per_sigma)
        require(0 < self.eps < 10, "eps", "a target stationarity in (0, 10)", self.eps)
        require(self.sigma_ratio > 0, "sigma_ratio", "a positive ratio sigma / eps", self.sigma_ratio)
        require(self.alpha > 0, "alpha", "a positive step size", self.alpha)
        require(self.inner_ratio > 0, "inner_ratio", "a positive ratio", self.inner_ratio)
        require(self.max_outer >= 1, "max_outer", "an integer >= 1", self.max_outer)


@experiment("bilevel_pdl", paper=PAPER, config=DoubleLoopConfig, version=2)
def double_loop(config: DoubleLoopConfig, rng: np.random.Generator) -> Trace:
    """Deterministic double-loop penalty method until ||grad psi|| <= eps (oracle calls counted)."""
    return run_double_loop(config, rng)


def build_double_loop(config: DoubleLoopConfig, rng: np.random.Generator):
    """The problem and start of a ``bilevel_pdl`` run (the plateau instance depends on ``eps``)."""
    if config.problem == "p6":
        return problems.make_plateau(rng, config.eps)
    return config.build(rng)


def run_double_loop(config: DoubleLoopConfig, rng: np.random.Generator, **overrides) -> Trace:
    """``bilevel_pdl`` with optional keyword overrides of :func:`algorithms.penalty_double_loop` (mutants)."""
    problem, x0 = build_double_loop(config, rng)
    sigma = config.sigma_ratio * config.eps
    options = dict(sigma=sigma, alpha=config.step, eps=config.eps, inner_tol=config.inner_ratio * sigma * config.eps,
                   max_outer=config.max_outer)
    options.update(overrides)
    if not isinstance(problem, problems.QuadraticBilevel):  # a user problem: the generic (NumPy) loop
        options.pop("max_inner", None)
        return algorithms.penalty_double_loop_generic(problem, x0, **options)
    return algorithms.penalty_double_loop(problem, x0, **options)


@dataclass(frozen=True)
class StochasticConfig(InstanceConfig):
    """Runs on P1 for the trajectory figure (oracle noise std ``noise``).

    ``n_outer``, ``n_inner``, ``batch`` drive the double loop (and ``n_outer``, ``n_inner`` the
    implicit-differentiation baseline, which is deterministic); ``eta``, ``n_iter``,
    ``record_every`` drive the single loop.
    """

    problem: str = "p1"
    dx: int = 2
    dy: int = 5
    sigma: float = 0.05
    alpha: float = 0.05
    noise: float = 0.1
    n_outer: int = 200
    n_inner: int = 10
    batch: int = 16
    eta: float = 0.1
    n_iter: int = 4000
    record_every: int = 10

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the records of the longest loop (n_iter / record_every or n_outer rows)."""
        return memory_terms(**self._instance_terms(), n_iter=8 * (self.n_iter // self.record_every + 2) * (self.dx + 4),
                            n_outer=8 * (self.n_outer + 1) * (self.dx + 4), batch=8 * 2 * self.batch * self.dx * self.dy)

    def validate(self) -> None:
        super().validate()
        require(self.problem == "p1", "problem", "p1 (unique lower-level solution)", self.problem)
        for name in ("sigma", "alpha"):
            require(getattr(self, name) > 0, name, "a positive number", getattr(self, name))
        require(self.noise >= 0, "noise", "a number >= 0", self.noise)
        for name in ("n_outer", "n_inner", "batch", "n_iter", "record_every"):
            require(getattr(self, name) >= 1, name, "an integer >= 1", getattr(self, name))
        require(0 < self.eta <= 1, "eta", "a momentum weight in (0, 1]", self.eta)


@experiment("bilevel_sdl", paper=PAPER, config=StochasticConfig)
def stochastic_double_loop(config: StochasticConfig, rng: np.random.Generator) -> Trace:
    """Stochastic double-loop penalty method (fixed inner steps and batch)."""
    problem, x0 = config.build(rng)
    return algorithms.stochastic_double_loop(problem, x0, rng, sigma=config.sigma, alpha=config.alpha,
                                             noise=config.noise, n_outer=config.n_outer, n_inner=config.n_inner,
                                             batch=config.batch)


@experiment("bilevel_psl", paper=PAPER, config=StochasticConfig)
def single_loop(config: StochasticConfig, rng: np.random.Generator) -> Trace:
    """Single-loop penalty method with recursive momentum, one sample per iteration."""
    problem, x0 = config.build(rng)
    return algorithms.momentum_single_loop(problem, x0, rng, sigma=config.sigma, alpha=config.alpha, eta=config.eta,
                                           noise=config.noise, n_iter=config.n_iter,
                                           record_every=config.record_every)


@experiment("bilevel_aid", paper=PAPER, config=StochasticConfig)
def implicit_differentiation(config: StochasticConfig, rng: np.random.Generator) -> Trace:
    """Implicit-differentiation baseline (deterministic; GD inner loop, CG linear solve)."""
    problem, x0 = config.build(rng)
    return algorithms.implicit_differentiation(problem, x0, alpha=config.alpha, n_outer=config.n_outer,
                                               n_inner=config.n_inner, n_cg=problem.dy)


# ---------------------------------------------------------------------------- estimator variance
@dataclass(frozen=True)
class VarianceConfig(InstanceConfig):
    """Monte-Carlo variance of the x-estimate's ``g``-part on P1 (``n_draws`` samples per sigma)."""

    problem: str = "p1"
    dy: int = 5
    sigma_min: float = 1e-3
    sigma_max: float = 1e-1
    n_sigma: int = 5
    n_draws: int = 10000

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the (2, n_draws, dx, dy) noise draws and two (n_draws, dx) estimate arrays."""
        return memory_terms(**self._instance_terms(), n_draws=8 * self.n_draws * (3 * self.dx * self.dy + 4 * self.dx))

    def validate(self) -> None:
        super().validate()
        require(self.problem == "p1", "problem", "p1 (unique lower-level solution)", self.problem)
        _require_grid(self.sigma_min, self.sigma_max, self.n_sigma)
        require(self.n_draws >= 100, "n_draws", "an integer >= 100", self.n_draws)


@experiment("bilevel_estimator_variance", paper=PAPER, config=VarianceConfig)
def estimator_variance(config: VarianceConfig, rng: np.random.Generator) -> Trace:
    """Variance of (grad_x g(x, y_sigma; xi) - grad_x g(x, y*; xi')) / sigma, shared vs independent xi."""
    return estimator_variance_trace(config, rng)


def estimator_variance_trace(config: VarianceConfig, rng: np.random.Generator, share: bool = True) -> Trace:
    """The ``bilevel_estimator_variance`` Trace; ``share=False`` draws the "shared" samples independently (mutant)."""
    problem, x = config.build(rng)
    sigmas = _sigma_grid(config.sigma_min, config.sigma_max, config.n_sigma)
    shared, independent = [], []
    for s in sigmas:
        y_sigma, y_star = problem.penalty_solution(x, s), problem.f_minimal_solution(x)
        noise = rng.standard_normal((2, config.n_draws, problem.dx, problem.dy))
        same = algorithms.penalty_x_estimates(problem, x, y_sigma, y_star, s, noise[0], noise[0] if share else noise[1])
        other = algorithms.penalty_x_estimates(problem, x, y_sigma, y_star, s, noise[0], noise[1])
        shared.append(float(np.sum(np.var(same, axis=0))))
        independent.append(float(np.sum(np.var(other, axis=0))))
    return Trace(sigmas, {"var_shared": np.array(shared), "var_independent": np.array(independent)})


# ---------------------------------------------------------------------------------------- figures
TRAJECTORY_RUNS = {"P-DL (deterministic)": "bilevel_pdl", "stochastic double loop": "bilevel_sdl",
                   "single loop + momentum": "bilevel_psl", "implicit differentiation": "bilevel_aid"}
_P1_2D = {"problem": "p1", "dx": 2, "dy": 5}


def pdl_eps_grid(profile: str) -> list[float]:
    """Targets eps of the complexity claim: three octaves in ``quick``, five in ``paper``.

    On the plateau instance the step-proportional-to-sigma run needs about ``1.25 eps^-3`` outer
    steps (80 000 at eps = 0.025, 640 000 at 0.0125: the paper profile only).
    """
    return [0.2, 0.1, 0.05] + ([0.025, 0.0125] if profile == "paper" else [])


def _reference_line(ax, x, y0, slope, label, style):
    x = np.asarray(x, dtype=float)
    ax.plot(x, y0 * (x / x[0]) ** slope, style, color="0.4", linewidth=1.0, label=label)


def _figure_closeness(ctx, outdir):
    from theorylab import plotting

    random_cases = ctx.run_many([("bilevel_closeness", {"problem": "p1", "dx": 3, "dy": 5}),
                                 ("bilevel_closeness", {"problem": "p2"})])
    fixed = ctx.run_many([("bilevel_closeness", {"problem": "p3", "x": 0.7})]
                         + [("bilevel_closeness", {"problem": "p4", "x": x}) for x in (0.3, 1.0, 2.0)], seeds=[0])
    n = len(random_cases[0])
    labels = [f"P1 ({n} instances)", f"P2 ({n} instances)", "P3, x = 0.7", "P4, x = 0.3", "P4, x = 1", "P4, x = 2"]
    fig, axes = plotting.figure(2, 1)
    titles = (r"value gap $\psi - \psi_\sigma$", r"gradient gap $\|\nabla\psi_\sigma - \nabla\psi\|$")
    for ax, metric, title in zip(axes[0], ("gap_value", "gap_grad"), titles):
        for traces, label in zip(random_cases + fixed, labels):
            plotting.band(ax, traces[0].t, np.vstack([t[metric] for t in traces]), label=label)  # median, 10-90%
        sigma = random_cases[0][0].t
        _reference_line(ax, sigma, 3 * np.max([g[0][metric][0] for g in random_cases + fixed]), 1.0,
                        r"slope 1", "--")
        ax.set(xscale="log", yscale="log", xlabel=r"penalty parameter $\sigma$", title=title)
    axes[0][0].legend(loc="lower right", fontsize=7.5)
    caption = plotting.caption(
        "Value gap psi - psi_sigma (left) and gradient gap ||grad psi_sigma - grad psi|| (right) vs the penalty "
        "parameter sigma on the random instances P1, P2 (median with band) and the fixed points of P3 and P4 (one "
        "line each); every curve is parallel to the slope-1 guide, i.e. O(sigma) closeness (Thm 1.1 / 3.6; C1, C2), "
        "not the sqrt(sigma) of quadratic growth alone", profile=ctx.profile, seeds=f"{n} (P1, P2)",
        band="10-90% range across the random instances")
    return plotting.save(fig, outdir, "closeness", caption=caption)


def _figure_degenerate_and_bias(ctx, outdir):
    from theorylab import plotting

    fig, axes = plotting.figure(2, 1)
    ax = axes[0][0]
    run = ctx.runs("bilevel_degenerate", seeds=[0])[0]
    mu, gap, grad_gap, sigma = run.t, run["gap_value"], run["gap_grad"], run.scalars["sigma"]
    ax.plot(mu, gap / sigma, "o", label=r"$(\psi - \psi_\sigma)/\sigma$ (measured)")
    ax.plot(mu, grad_gap / sigma, "s", label=r"$|\psi_\sigma' - \psi'|/\sigma$ (measured)")
    _reference_line(ax, mu, 0.5 / mu[0], -1.0, r"$1/(2\mu)$ (derived)", "--")
    _reference_line(ax, mu, mu[0] ** -1.5, -1.5, r"$\mu^{-3/2}$ (derived)", ":")
    _reference_line(ax, mu, mu[0] ** -3.0, -3.0, r"$\mu^{-3}$ (paper's bound, shape)", "-.")
    ax.set(xscale="log", yscale="log", xlabel=rf"error-bound modulus $\mu = x^2$ (P5, $\sigma = {sigma:.0e}$)",
           title="closeness degrades as $\\mu \\to 0$")
    ax.legend()
    ax = axes[0][1]
    traces = ctx.runs("bilevel_sigma_bias")
    plotting.band(ax, traces[0].t, np.vstack([t["grad_psi"] for t in traces]),
                  label=rf"$\|\nabla\psi(\bar x_\sigma)\|$, {len(traces)} P2 instances")
    _reference_line(ax, traces[0].t, np.median([t["grad_psi"][0] for t in traces]), 1.0, "slope 1", "--")
    ax.set(xscale="log", yscale="log", xlabel=r"$\sigma$", title=r"stationary points of $\psi_\sigma$")
    ax.legend()
    caption = plotting.caption(
        f"Left: on the degenerate family P5 (error-bound modulus mu = x^2, sigma = {sigma:g}, deterministic) the value gap "
        "over sigma follows 1/(2 mu) and the gradient gap mu^(-3/2): closeness degrades as mu -> 0, more gently than "
        "the paper's O(sigma / mu^3) gradient bound (C5). Right: ||grad psi|| at stationary points of psi_sigma on P2 "
        "grows like sigma (slope-1 guide), so sigma = O(eps) suffices (C6)", profile=ctx.profile,
        seeds=f"{len(traces)} P2 instances (right)", band="10-90% range across the P2 instances (right)")
    return plotting.save(fig, outdir, "degenerate_and_bias", caption=caption)


def _figure_complexity(ctx, outdir):
    from theorylab import plotting

    eps = np.array(pdl_eps_grid(ctx.profile))
    constant = ctx.config("bilevel_pdl").alpha
    runs = ctx.run_many([("bilevel_pdl", {"eps": e}) for e in eps]
                        + [("bilevel_pdl", {"eps": e, "alpha_per_sigma": 0.0, "alpha": constant}) for e in eps])
    n = len(eps)
    fig, axes = plotting.figure(1, 1)
    ax = axes[0][0]
    series = ((runs[:n], "oracle_calls", "C0", r"oracle calls, step $= \sigma$"),
              (runs[:n], "outer", "C1", r"outer iterations, step $= \sigma$"),
              (runs[n:], "outer", "C2", f"outer iterations, constant step {constant:g}"))
    for group, what, color, label in series:
        values = np.array([[r.scalars["oracle_calls"] if what == "oracle_calls" else len(r.t) - 1 for r in row]
                           for row in group]).T  # seeds x eps
        plotting.band(ax, 1 / eps, values, label=label, color=color)
        ax.plot(1 / eps, np.median(values, axis=0), "o", color=color, ms=4)
        slope = 2.0 if color == "C2" else 3.0
        _reference_line(ax, 1 / eps, np.median(values[:, 0]) / 2, slope, rf"$\epsilon^{{-{slope:g}}}$",
                        "--" if slope == 3 else ":")
    ax.set(xscale="log", yscale="log", xlabel=r"$1/\epsilon$  ($\sigma = 0.2\,\epsilon$)",
           ylabel=r"count to $\|\nabla\psi\| \leq \epsilon$", title="double loop on the plateau instance P6")
    ax.set_xticks(1 / eps, [f"{v:g}" for v in 1 / eps])
    ax.minorticks_off()
    ax.legend(fontsize=7)
    caption = plotting.caption(
        "Double-loop penalty method on the plateau instance P6: outer iterations and first-order oracle calls to "
        "reach ||grad psi|| <= eps vs 1/eps (sigma = 0.2 eps). With the x-step proportional to sigma both grow like "
        "eps^-3 (dashed guide; C7's bound attained); the same method with a constant step needs eps^-2 (dotted "
        "guide), the rate of the eps^-2 rival", profile=ctx.profile, seeds=len(runs[0]),
        band="10-90% range across seeds (lower-level data)")
    return plotting.save(fig, outdir, "complexity", caption=caption)


def _figure_trajectories(ctx, outdir):
    from theorylab import plotting

    sigma = StochasticConfig().sigma
    # P-DL is parameterized by eps with sigma = sigma_ratio * eps: pick the same sigma as the other runs and an
    # eps below the sigma-bias of psi_sigma's stationary point, so that it runs its max_outer steps.
    pdl = {**_P1_2D, "eps": 1e-3, "sigma_ratio": sigma / 1e-3, "max_outer": 400, "alpha_per_sigma": 0.0,
           "alpha": StochasticConfig().alpha}
    requests = [(name, pdl if name == "bilevel_pdl" else {}) for name in TRAJECTORY_RUNS.values()]
    traces = [group[0] for group in ctx.run_many(requests, seeds=[0])]
    problem, _ = InstanceConfig(**_P1_2D).build(seed_generator(0))  # the instance the runs of seed 0 used
    paths = [np.column_stack([t["x0"], t["x1"]]) for t in traces]
    points = np.vstack(paths)
    lo, hi = points.min(axis=0) - 0.4, points.max(axis=0) + 0.4
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], 120), np.linspace(lo[1], hi[1], 120))
    psi = np.array([[problem.psi(np.array([a, b])) for a, b in zip(r0, r1)] for r0, r1 in zip(g0, g1)])
    fig, axes = plotting.figure(2, 1)
    ax = axes[0][0]
    ax.contour(g0, g1, psi, levels=25, colors="0.75", linewidths=0.6)
    for path, label in zip(paths, TRAJECTORY_RUNS):
        ax.plot(path[:, 0], path[:, 1], "-", linewidth=1.1, label=label)
    ax.plot(*paths[0][0], "ko", markersize=4)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=r"P1 ($d_x = 2$): contours of $\psi$")
    ax.legend(fontsize=7)
    ax = axes[0][1]
    for trace, label in zip(traces, TRAJECTORY_RUNS):
        cost = trace["oracle_calls"] + (trace["hvp_calls"] if "hvp_calls" in trace.metrics else 0)
        ax.plot(np.maximum(cost, 1), trace["grad_psi"], label=label)
    x_bar, _, _ = algorithms.stationary_point_of_penalty(problem, paths[0][0], sigma, tol=1e-10)
    ax.axhline(np.linalg.norm(problem.grad_psi(x_bar)), color="0.4", linestyle="--", linewidth=1.0,
               label=r"$\|\nabla\psi\|$ at the stationary point of $\psi_\sigma$")
    ax.legend(fontsize=7, loc="lower left")
    ax.set(xscale="log", yscale="log", xlabel="first-order oracle calls (AID: + Hessian-vector products)",
           ylabel=r"$\|\nabla\psi(x)\|$", title=r"penalty runs: $\sigma = 0.05$; stochastic: noise 0.1")
    caption = plotting.caption(
        "Illustration, no claim: paths of the deterministic and stochastic double loop, the single loop with "
        "momentum and the implicit-differentiation baseline on one P1 instance (d_x = 2) over the contours of psi "
        "(left), and ||grad psi|| vs first-order oracle calls (right); the penalty methods stall at the sigma-bias "
        "of psi_sigma's stationary point (dashed), as C6 predicts", profile=ctx.profile, seeds="1 (seed 0)")
    return plotting.save(fig, outdir, "trajectories", caption=caption)


def _figure_variance(ctx, outdir):
    from theorylab import plotting

    traces = ctx.runs("bilevel_estimator_variance")
    fig, axes = plotting.figure(1, 1)
    ax = axes[0][0]
    for name, label in (("shared", "same lower-level sample in both terms"), ("independent", "independent samples")):
        plotting.band(ax, traces[0].t, np.vstack([t[f"var_{name}"] for t in traces]), label=label)
    ax.set(xscale="log", yscale="log", xlabel=r"$\sigma$", ylabel="variance (trace)",
           title=r"$(\nabla_x g(x, y_\sigma; \phi) - \nabla_x g(x, y^*; \phi'))/\sigma$ on P1")
    ax.legend()
    caption = plotting.caption(
        f"Monte-Carlo variance (trace, {ctx.config('bilevel_estimator_variance').n_draws} draws per sigma) of the penalty method's x-estimate's lower-level part on "
        "P1 vs sigma: with the same lower-level sample in both grad_x g terms it stays O(1) as sigma -> 0; with "
        "independent samples it grows like sigma^-2 (C8)", profile=ctx.profile, seeds=len(traces),
        band="10-90% range across seeds")
    return plotting.save(fig, outdir, "estimator_variance", caption=caption)


def make_figures(ctx, outdir) -> list:
    """Closeness vs sigma, the degenerate family and sigma-bias, complexity vs eps, trajectories, variance."""
    paths = []
    for make in (_figure_closeness, _figure_degenerate_and_bias, _figure_complexity, _figure_trajectories,
                 _figure_variance):
        paths += make(ctx, outdir)
    return paths
