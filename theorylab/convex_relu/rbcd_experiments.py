"""Registered experiments of ADMM-RBCD (Algorithm 2 of Bai, Gautam, Sojoudi 2023; claims C12-C14).

* ``relu_rbcd_gap``   ADMM-RBCD on the BCE program vs its Clarabel optimum, and the rival: the same
  number of block-gradient evaluations spent on randomized block subgradient steps (C12).
* ``relu_rbcd_cost``  CPU seconds per RBCD block step and per Cholesky u-step of Algorithm 1 at one
  n, P = n / kappa (C13).
* ``relu_rbcd_squared``  ADMM-RBCD on the squared loss vs Algorithm 1 (the Cholesky u-step) on the
  same sampled program (C14, a sanity link between the two algorithms).

Data (all three): ``data.teacher_regression`` (Gaussian features + bias, unit-norm columns, ReLU
teacher); for BCE the labels are ``1[y > median(y)]`` in {0, 1} (balanced classes).
Profiles are given in this module (``profiles=``), not in experiments/*.toml.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theorylab.config import memory_terms, require
from theorylab.convex_relu import arrangements, data, programs, rbcd
from theorylab.convex_relu.admm import admm_relu
from theorylab.registry import experiment
from theorylab.trace import Trace

PAPER = "convex_relu_admm"
# C13: the n series (P = n / kappa at each n)
RBCD_COST_SIZES = {"quick": (200, 400, 800, 1600, 3200), "paper": (200, 400, 800, 1600, 3200, 6400)}

# Solvers the experiments call; module attributes so that mutants can replace them.
admm_rbcd = rbcd.admm_rbcd
block_step_seconds = rbcd.block_step_seconds


def _labels(y: np.ndarray) -> np.ndarray:
    return (y > np.median(y)).astype(float)


# --------------------------------------------------------------------------- C12
@dataclass(frozen=True)
class RBCDGapConfig:
    n: int = 100
    features: int = 4
    hidden: int = 3
    noise: float = 0.1
    samples: int = 8
    beta: float = 0.3
    rho: float = 1.0
    gamma: float = 1.0
    iterations: int = 20000
    stop_relative: float = 1e-6
    passes: int = 2
    record_every: int = 10
    dense_until: int = 20
    rival_steps: tuple[float, ...] = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
    rival_check_every: int = 10
    rival_iterations: int = 2000
    rival_mu_factor: float = 1.5
    rival: bool = True

    def validate(self) -> None:
        require(self.n >= 2, "n", "an integer >= 2", self.n)
        require(self.features >= 1, "features", "an integer >= 1", self.features)
        require(self.hidden >= 1, "hidden", "an integer >= 1", self.hidden)
        require(self.noise >= 0, "noise", "a non-negative noise level", self.noise)
        require(self.samples >= 1, "samples", "an integer >= 1 (sampled patterns)", self.samples)
        require(self.beta > 0, "beta", "a positive penalty weight", self.beta)
        require(self.rho > 0, "rho", "a positive ADMM penalty", self.rho)
        require(0 < self.gamma <= 1, "gamma", "a dual step in (0, 1]", self.gamma)
        require(self.iterations >= 1, "iterations", "an integer >= 1 (outer ADMM iterations K)", self.iterations)
        require(self.passes >= 1, "passes", "an integer >= 1 (RBCD passes of 2P block steps per u-step)",
                self.passes)
        require(1 <= self.record_every <= self.iterations, "record_every",
                f"an integer in [1, iterations = {self.iterations}]", self.record_every)
        require(self.dense_until >= 1, "dense_until", "an integer >= 1", self.dense_until)
        require(0 <= self.stop_relative < 1, "stop_relative",
                "0 (run all iterations) or a relative residual in (0, 1) to stop at", self.stop_relative)
        require(self.rival_check_every >= 1, "rival_check_every",
                "an integer >= 1 (outer-iteration equivalents between the rival's objective checks)",
                self.rival_check_every)
        require(1 <= self.rival_iterations <= self.iterations, "rival_iterations",
                f"an integer in [1, iterations = {self.iterations}] (outer iterations of budget for the rival)",
                self.rival_iterations)
        require(len(self.rival_steps) >= 1 and all(e > 0 for e in self.rival_steps), "rival_steps",
                "positive initial step sizes of the rival", self.rival_steps)
        require(self.rival_mu_factor > 1, "rival_mu_factor",
                "a factor > 1 on the largest cone multiplier (exact penalty)", self.rival_mu_factor)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the 2P x n slack/dual/G u arrays of ADMM-RBCD and the cvxpy/Clarabel
        copy of the program (n x P constraints, exponential cones), the block orders of ADMM-RBCD and
        of the rival (iterations x (passes + 1) x 2P int64) and the recorded history."""
        d, P = self.features + 1, self.samples
        return memory_terms(n=8 * 40 * self.n * P * (d + 2),
                            iterations=8 * (self.iterations * (2 * self.passes + 1) * 2 * P
                                            + 6 * (self.iterations // self.record_every + self.dense_until + 2)))


def _gap_instance(config: RBCDGapConfig, rng: np.random.Generator):
    X, y = data.teacher_regression(config.n, config.features, rng, hidden=config.hidden, noise=config.noise)
    D = arrangements.sample_patterns(X, config.samples, rng)
    return X, _labels(y), D


def _reference(X, y, D, beta):
    """Clarabel's BCE optimum (tol 1e-10 with the fallbacks of ``programs._solve``) and the largest
    multiplier of the cone constraints."""
    problem = programs.relu_problem(X, y, D, beta, loss="bce")[0]
    _, status, tol = programs._solve(problem)
    multiplier = max(float(np.max(np.abs(c.dual_value))) for c in problem.constraints)
    return float(problem.value), status, tol, multiplier


@experiment("relu_rbcd_gap", paper=PAPER, config=RBCDGapConfig, version=3,
            profiles={"quick": {"seeds": 5}, "paper": {"seeds": 10, "n": 200, "samples": 12}})
def rbcd_gap(config: RBCDGapConfig, rng: np.random.Generator) -> Trace:
    """ADMM-RBCD on the sampled BCE program, relative gap to Clarabel's optimum per outer iteration,
    and the best budget-matched block-subgradient run over the rival's step grid (C12)."""
    X, y, D = _gap_instance(config, rng)
    p_star, status, tol, multiplier = _reference(X, y, D, config.beta)
    result = admm_rbcd(X, y, D, config.beta, rng, loss="bce", rho=config.rho, gamma=config.gamma,
                       iterations=config.iterations, passes=config.passes, record_every=config.record_every,
                       dense_until=config.dense_until, stop_relative=config.stop_relative)
    gap = np.abs(result.objective - p_star) / p_star
    P = D.shape[1]
    scalars = {"p_star": p_star, "clarabel_tol": tol, "patterns": float(P), "max_multiplier": multiplier,
               "block_steps": float(result.block_steps), "trials_per_step": result.trials / max(result.block_steps, 1),
               "iterations_run": float(result.iterations[-1]) if result.iterations.size else np.nan,
               "rbcd_seconds": result.run_seconds, "final_gap": float(gap[-1]) if gap.size else np.nan,
               "final_infeasibility": float(result.infeasibility[-1]) if gap.size else np.nan}
    metrics = {"gap": gap, "infeasibility": result.infeasibility, "r_primal": result.r_primal,
               "r_dual": result.r_dual}
    if config.rival:
        # budget: a block gradient per RBCD step, plus one pass for ADMM's G u (s-step) per iteration, for
        # rival_iterations outer iterations
        per_iteration = (config.passes + 1) * 2 * P
        ran = config.rival_iterations
        every = min(config.rival_check_every, ran)
        best = None
        for eta0 in config.rival_steps:
            obj, viol = rbcd.block_subgradient(X, y, D, config.beta, np.random.default_rng(rng.integers(2**63)),
                                               budget=ran * per_iteration, steps_per_check=every * per_iteration,
                                               loss="bce", mu=config.rival_mu_factor * multiplier, eta0=eta0)
            running = np.minimum.accumulate(np.where(np.isfinite(obj), obj, np.inf))
            rel = (running - p_star) / p_star
            if best is None or abs(rel[-1]) < abs(best[0][-1]):
                best = (rel, viol, eta0)
        rel, viol, eta0 = best
        # rival's best-so-far gap at the recorded outer iterations (same budget per iteration; its checks
        # come every `every` iterations, so at k the last check at or before k, or the first one)
        at = np.clip(result.iterations // every - 1, 0, rel.size - 1)
        metrics["rival_gap"] = np.abs(rel[at])      # constant after its budget (figures cut it there)
        upto = np.flatnonzero(result.iterations <= ran)
        scalars["gap_at_rival_budget"] = float(gap[upto[-1]]) if upto.size else np.nan
        scalars.update({"rival_iterations": float(ran), "rival_final_gap": float(abs(rel[-1])), "rival_signed_final_gap": float(rel[-1]),
                        "rival_eta0": float(eta0), "rival_final_violation": float(viol[-1])})
    return Trace(result.iterations, metrics, scalars)


# --------------------------------------------------------------------------- C13
@dataclass(frozen=True)
class RBCDCostConfig:
    n: int = 800
    features: int = 4
    kappa: int = 10
    rho: float = 1.0
    steps: int = 500
    repetitions: int = 5
    ustep_reps: int = 10
    cholesky: bool = True

    def validate(self) -> None:
        require(self.n >= 2, "n", "an integer >= 2", self.n)
        require(self.features >= 1, "features", "an integer >= 1", self.features)
        require(self.kappa >= 1, "kappa", "an integer >= 1 (P = n / kappa)", self.kappa)
        require(self.rho > 0, "rho", "a positive ADMM penalty", self.rho)
        require(self.steps >= 10, "steps", "an integer >= 10 (timed block steps)", self.steps)
        require(self.repetitions >= 1, "repetitions", "an integer >= 1", self.repetitions)
        require(self.ustep_reps >= 1, "ustep_reps", "an integer >= 1 (timed Cholesky u-steps)", self.ustep_reps)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the 2P x n ADMM arrays (two copies), and for the Cholesky u-step the
        n x dP pattern matrix and the dP x dP system with its factor, P = n / kappa."""
        d, P = self.features + 1, max(1, self.n // self.kappa)
        chol = 8 * (self.n * d * P + 3 * (d * P) ** 2) if self.cholesky else 0
        return memory_terms(n=8 * 14 * self.n * P + chol, steps=8 * self.steps)


@experiment("relu_rbcd_cost", paper=PAPER, config=RBCDCostConfig, version=1,
            profiles={"quick": {"seeds": 3}, "paper": {"seeds": 5, "steps": 2000}})
def rbcd_cost(config: RBCDCostConfig, rng: np.random.Generator) -> Trace:
    """CPU seconds per RBCD block step (BCE) and per Cholesky u-step of Algorithm 1 at one n (C13)."""
    X, y = data.teacher_regression(config.n, config.features, rng)
    D = arrangements.sample_patterns(X, max(1, config.n // config.kappa), rng)
    block, trials = block_step_seconds(X, _labels(y), D, rng, loss="bce", rho=config.rho, steps=config.steps,
                                       repetitions=config.repetitions)
    ustep, setup = (rbcd.cholesky_ustep_seconds(X, y, D, rng, rho=config.rho, reps=config.ustep_reps,
                                                repetitions=config.repetitions)
                    if config.cholesky else (np.nan, np.nan))
    P = D.shape[1]
    metrics = {"block_seconds": [block], "ustep_seconds": [ustep], "pass_seconds": [2 * P * block],
               "patterns": [float(P)]}
    return Trace(np.array([config.n]), metrics, {"trials_per_step": trials, "factor_seconds": setup})


# --------------------------------------------------------------------------- C14
@dataclass(frozen=True)
class RBCDSquaredConfig:
    n: int = 100
    features: int = 4
    hidden: int = 3
    noise: float = 0.1
    samples: int = 8
    beta: float = 1.0
    rho: float = 3.0
    iterations: int = 10000
    stop_relative: float = 1e-8
    passes: int = 10
    coarse_passes: int = 2

    def validate(self) -> None:
        require(self.n >= 2, "n", "an integer >= 2", self.n)
        require(self.features >= 1, "features", "an integer >= 1", self.features)
        require(self.hidden >= 1, "hidden", "an integer >= 1", self.hidden)
        require(self.noise >= 0, "noise", "a non-negative noise level", self.noise)
        require(self.samples >= 1, "samples", "an integer >= 1 (sampled patterns)", self.samples)
        require(self.beta > 0, "beta", "a positive penalty weight", self.beta)
        require(self.rho > 0, "rho", "a positive ADMM penalty", self.rho)
        require(self.iterations >= 10, "iterations", "an integer >= 10 (the cap on outer iterations)", self.iterations)
        require(0 <= self.stop_relative < 1, "stop_relative",
                "0 (run all iterations) or a relative residual in (0, 1) to stop at", self.stop_relative)
        require(self.passes >= 1, "passes", "an integer >= 1", self.passes)
        require(self.coarse_passes >= 1, "coarse_passes", "an integer >= 1 (the rival's passes per u-step)",
                self.coarse_passes)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the 2P x n ADMM arrays of both algorithms, the dP x dP factor and the
        cvxpy/Clarabel program, the block orders (iterations x passes x 2P int64) and the histories."""
        d, P = self.features + 1, self.samples
        return memory_terms(n=8 * 30 * self.n * P * (d + 2), samples=8 * 3 * (d * P) ** 2,
                            iterations=8 * self.iterations * ((self.passes + self.coarse_passes) * 2 * P + 12))


@experiment("relu_rbcd_squared", paper=PAPER, config=RBCDSquaredConfig, version=2,
            profiles={"quick": {"seeds": 5}, "paper": {"seeds": 10}})
def rbcd_squared(config: RBCDSquaredConfig, rng: np.random.Generator) -> Trace:
    """ADMM-RBCD and Algorithm 1 (Cholesky u-step) on the same squared-loss sampled program, each run
    until its own residuals fall to ``stop_relative`` of their first value (or the cap), scored against
    Clarabel's optimum, and the distance between their final v iterates (C14)."""
    X, y = data.teacher_regression(config.n, config.features, rng, hidden=config.hidden, noise=config.noise)
    D = arrangements.sample_patterns(X, config.samples, rng)
    p_star = programs.relu_program(X, y, D, config.beta).value
    every = 10
    runs = [admm_rbcd(X, y, D, config.beta, rng, loss="squared", rho=config.rho, iterations=config.iterations,
                      passes=passes, record_every=every, stop_relative=config.stop_relative)
            for passes in (config.passes, config.coarse_passes)]
    fast, coarse = runs
    first = admm_relu(X, y, D, config.beta, rho=config.rho, max_iter=1, record_every=1)
    tol = 0.5 * config.stop_relative * float(first.r_primal[0] + first.r_dual[0])
    exact = admm_relu(X, y, D, config.beta, rho=config.rho, max_iter=config.iterations, record_every=every,
                      tol=tol)
    v_fast, v_exact = np.hstack([fast.V, fast.W]), np.hstack([exact.V, exact.W])
    scale = max(float(np.linalg.norm(v_exact)), 1e-300)
    v_coarse = np.hstack([coarse.V, coarse.W])
    scalars = {"p_star": p_star, "patterns": float(D.shape[1]),
               "rbcd_gap": abs(float(fast.objective[-1]) - p_star) / p_star,
               "cholesky_gap": abs(float(exact.objective[-1]) - p_star) / p_star,
               "objective_difference": abs(float(fast.objective[-1]) - float(exact.objective[-1])) / p_star,
               "iterate_distance": float(np.linalg.norm(v_fast - v_exact)) / scale,
               "coarse_distance": float(np.linalg.norm(v_coarse - v_exact)) / scale,
               "coarse_gap": abs(float(coarse.objective[-1]) - p_star) / p_star,
               "rbcd_iterations": float(fast.iterations[-1]), "coarse_iterations": float(coarse.iterations[-1]),
               "cholesky_iterations": float(exact.n_iter)}
    return Trace(np.array([config.iterations]), {"rbcd_gap": [scalars["rbcd_gap"]]}, scalars)
