"""Registered experiments of the convex ReLU paper (Bai, Gautam, Sojoudi 2023) and its figures.

* ``relu_admm_gap``   ADMM vs the cvxpy optimum of the same sampled program (C1).
* ``relu_admm_rate``  ADMM residual history for one penalty rho (C2; the claim sweeps rho).
* ``relu_iteration_cost``  multiply-adds and seconds per ADMM iteration at one n (C3).
* ``relu_exact_2d``   exact 2-D enumeration, mapped net, nested sampled programs, Adam (C4).
* ``relu_adversarial``  standard vs l_inf-robust convex training under FGSM/PGD (C5).
* ``relu_scp_violation``  SCP: dual violation rate of fresh neurons vs sampled neurons (C6).
* ``relu_gated_gap``  gated relaxation vs ReLU program on the same patterns (C8).
* ``relu_robust_certificate``  PGD vs the robust program's per-point terms (C9).
* ``relu_early_accuracy``  test accuracy of the net mapped from the ADMM iterate v^k, small k vs converged (C7).
* ``relu_sampled_quality``  2-D sampled program: probability that a fresh pattern violates the dual constraint (C10, C11).
* ``relu_exact_admm``  ADMM on the exact 2-D program (all patterns) and on a sampled one, vs the exact optimum (C15).

The figures live in :mod:`theorylab.convex_relu.figures`, which imports this module (never the
reverse); the paper module hands them to :class:`~theorylab.claims.Paper`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theorylab.config import memory_terms, require
from theorylab.convex_relu import adversarial, arrangements, baseline, data, programs, sampled, scp
from theorylab.convex_relu.admm import admm_relu, blas_iteration_seconds, select_rho
from theorylab.convex_relu.admm import factor as admm_factor
from theorylab.convex_relu.fast_admm import fast_admm
from theorylab.registry import experiment
from theorylab.trace import Trace


def _require_increasing_counts(config, field: str, what: str) -> None:
    """``config.<field>`` is at least two strictly increasing positive counts."""
    values = getattr(config, field)
    require(len(values) >= 2 and all(v >= 1 for v in values) and list(values) == sorted(set(values)),
            field, f"at least two increasing positive {what}", values)

PAPER = "convex_relu_admm"
# C3 sizes: P = n / kappa sampled patterns at each n, and a fixed-P series for contrast.
COST_SIZES = {"quick": (100, 200, 400, 800), "paper": (200, 400, 800, 1600)}
FIXED_PATTERNS = 20
# C10/C11: n values of the sampled-quality series (C10 is its n = 100 point) and the violation target of C11.
QUALITY_SIZES = (25, 50, 100, 200)
VIOLATION_TARGET = 0.1


# --------------------------------------------------------------------------- ADMM (C1, C2)
@dataclass(frozen=True)
class ADMMConfig:
    n: int = 100
    features: int = 3
    hidden: int = 3
    noise: float = 0.1
    samples: int = 8
    beta: float = 1.0
    rho: float = 3.0
    rho_grid: tuple[float, ...] = (1.0, 3.0, 10.0, 30.0)
    gamma: float = 1.0
    iterations: int = 10000
    record_every: int = 10
    dense_until: int = 200
    standardize: bool = False
    stop_relative: float = 0.0

    def validate(self) -> None:
        require(self.n >= 2, "n", "an integer >= 2", self.n)
        require(self.features >= 1, "features", "an integer >= 1", self.features)
        require(self.hidden >= 1, "hidden", "an integer >= 1", self.hidden)
        require(self.noise >= 0, "noise", "a non-negative noise level", self.noise)
        require(self.samples >= 1, "samples", "an integer >= 1 (sampled patterns)", self.samples)
        require(self.beta > 0, "beta", "a positive penalty weight", self.beta)
        require(self.rho > 0, "rho", "a positive ADMM penalty", self.rho)
        require(len(self.rho_grid) >= 1 and all(r > 0 for r in self.rho_grid), "rho_grid",
                "positive ADMM penalties", self.rho_grid)
        require(0 < self.gamma <= 1, "gamma", "a dual step in (0, 1]", self.gamma)
        require(self.iterations >= 1, "iterations", "an integer >= 1", self.iterations)
        require(1 <= self.record_every <= self.iterations, "record_every",
                f"an integer in [1, iterations = {self.iterations}]", self.record_every)
        require(self.dense_until >= 1, "dense_until", "an integer >= 1 (iterations recorded one by one)",
                self.dense_until)
        require(0 <= self.stop_relative < 1, "stop_relative",
                "0 (run all iterations) or a relative residual in (0, 1) to stop at", self.stop_relative)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the dP x dP u-step factor (and its build), the 2P x n slack and dual
        arrays with the n x dP pattern matrix, the cvxpy/Clarabel copy of the program (relu_admm_gap),
        and the recorded history."""
        d, P = self.features + 1, self.samples
        return memory_terms(samples=8 * 3 * (d * P) ** 2, n=8 * 12 * self.n * P * (d + 2),
                            iterations=8 * 6 * (self.dense_until + self.iterations // self.record_every + 1))


def _admm_instance(config: ADMMConfig, rng: np.random.Generator):
    X, y = data.teacher_regression(config.n, config.features, rng, hidden=config.hidden, noise=config.noise)
    if config.standardize:
        y = (y - y.mean()) / y.std()
    D = arrangements.sample_patterns(X, config.samples, rng)
    return X, y, D


def _admm_trace(config: ADMMConfig, X, y, D, rho: float) -> tuple[Trace, object]:
    tol = 0.0
    if config.stop_relative > 0:          # stop on ADMM's own residuals, relative to the first iteration's
        first = admm_relu(X, y, D, config.beta, rho=rho, gamma=config.gamma, max_iter=1, record_every=1)
        tol = 0.5 * config.stop_relative * float(first.r_primal[0] + first.r_dual[0])
    result = admm_relu(X, y, D, config.beta, rho=rho, gamma=config.gamma, max_iter=config.iterations,
                       record_every=config.record_every, dense_until=config.dense_until, tol=tol)
    metrics = {"objective": result.objective, "residual": result.r_primal + result.r_dual,
               "r_primal": result.r_primal, "r_dual": result.r_dual, "infeasibility": result.infeasibility}
    scalars = {"patterns": float(D.shape[1]), "admm_seconds": result.run_seconds,
               "setup_seconds": result.setup_seconds, "iterations_run": float(result.n_iter),
               "ops_per_iter": result.ops_per_iter, "rho": rho}
    return Trace(result.iterations, metrics, scalars), result


@experiment("relu_admm_gap", paper=PAPER, config=ADMMConfig, version=5)
def admm_gap(config: ADMMConfig, rng: np.random.Generator) -> Trace:
    """ADMM on a sampled convex ReLU program, scored against the cvxpy/Clarabel optimum (C1).

    ADMM runs once per penalty of ``rho_grid``; the run kept is chosen by ADMM's own residuals
    (:func:`~theorylab.convex_relu.admm.select_rho`), never by the reference optimum.
    """
    X, y, D = _admm_instance(config, rng)
    reference = programs.relu_program(X, y, D, config.beta)
    gated = programs.gated_program(X, y, D, config.beta)
    runs = [_admm_trace(config, X, y, D, rho) for rho in config.rho_grid]
    keep = select_rho([tr.t for tr, _ in runs], [tr["residual"] for tr, _ in runs])
    trace, result = runs[keep]
    gap = np.abs(result.objective - reference.value) / reference.value
    trace.metrics["gap"] = gap
    reached = np.flatnonzero(gap <= 1e-4)
    seconds_per_iter = result.run_seconds / max(result.n_iter, 1)
    first = float(result.iterations[reached[0]]) if reached.size else float("nan")
    trace.scalars.update({
        "p_star": reference.value,
        "p_gated": gated.value,
        "final_gap_to_gated": float(abs(result.objective[-1] - gated.value) / gated.value),
        "reference_tolerance": reference.tolerance,
        "cvxpy_seconds": reference.solve_time,
        "iterations_to_1e-4": first,
        "seconds_to_1e-4": result.setup_seconds + first * seconds_per_iter,
        "final_gap": float(gap[-1]),
        "final_infeasibility": float(result.infeasibility[-1]),
    })
    return trace


@experiment("relu_admm_rate", paper=PAPER, config=ADMMConfig, version=3)
def admm_rate(config: ADMMConfig, rng: np.random.Generator) -> Trace:
    """ADMM residual history r_pri + r_dual on a sampled program for one rho (C2)."""
    X, y, D = _admm_instance(config, rng)
    return _admm_trace(config, X, y, D, config.rho)[0]


# --------------------------------------------------------------------------- cost per iteration (C3)
@dataclass(frozen=True)
class CostConfig:
    n: int = 400
    features: int = 4
    kappa: int = 10
    fixed_samples: int = 0
    beta: float = 1.0
    rho: float = 10.0
    iterations: int = 25
    repetitions: int = 3
    blas: bool = True
    interior_point: bool = True

    def validate(self) -> None:
        require(self.n >= 2, "n", "an integer >= 2", self.n)
        require(self.features >= 1, "features", "an integer >= 1", self.features)
        require(self.kappa >= 1, "kappa", "an integer >= 1 (P = n / kappa)", self.kappa)
        require(self.fixed_samples >= 0, "fixed_samples", "0 (P = n / kappa) or a fixed pattern count", self.fixed_samples)
        require(self.beta > 0, "beta", "a positive penalty weight", self.beta)
        require(self.rho > 0, "rho", "a positive ADMM penalty", self.rho)
        require(self.iterations >= 3, "iterations", "an integer >= 3 (timed iterations)", self.iterations)
        require(self.repetitions >= 1, "repetitions", "an integer >= 1", self.repetitions)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the dP x dP u-step factor, the 2P x n ADMM arrays and the
        cvxpy/Clarabel program (its sparse KKT system, allowed dense fill-in), P = n / kappa or fixed."""
        d = self.features + 1
        P = self.fixed_samples or max(1, self.n // self.kappa)
        return memory_terms(n=8 * (4 * (d * P) ** 2 + 12 * self.n * P * (d + 2)), iterations=8 * self.iterations)


@experiment("relu_iteration_cost", paper=PAPER, config=CostConfig, version=3)
def iteration_cost(config: CostConfig, rng: np.random.Generator) -> Trace:
    """Wall seconds (and multiply-adds) per ADMM iteration at one n (P = n / kappa or fixed), and
    Clarabel's seconds per interior-point iteration on the same program (C3)."""
    X, y = data.teacher_regression(config.n, config.features, rng)
    samples = config.fixed_samples or max(1, config.n // config.kappa)
    D = arrangements.sample_patterns(X, samples, rng)
    admm_relu(X, y, D, config.beta, rho=config.rho, max_iter=3, record_every=3)   # warm-up (JIT, caches)
    seconds, ops = [], 0.0
    for _ in range(config.repetitions):
        result = admm_relu(X, y, D, config.beta, rho=config.rho, max_iter=config.iterations,
                           record_every=config.iterations)
        seconds.append(result.run_cpu_seconds / result.n_iter)      # CPU time: robust to preemption
        ops = result.ops_per_iter
    blas = blas_iteration_seconds(X, y, D, config.beta, rho=config.rho, iterations=config.iterations) \
        if config.blas else float("nan")
    # best of 3 at every size (a single timing at n = 800 was off by up to 30% on a busy machine); small
    # problems also take longer runs (the step is ~1 ms, below the noise of a shared machine)
    small = config.n <= 200
    newton = programs.interior_point_step_seconds(X, y, D, config.beta, steps=(1, 5) if small else (1, 3),
                                                  repetitions=3) \
        if config.interior_point else float("nan")
    metrics = {"ops_per_iter": [ops], "seconds_per_iter": [float(np.min(seconds))],
               "patterns": [float(D.shape[1])]}
    return Trace(np.array([config.n]), metrics, {"blas_seconds_per_iter": blas, "setup_seconds": result.setup_seconds,
                                                 "newton_seconds": newton})


# --------------------------------------------------------------------------- exactness in 2-D (C4)
@dataclass(frozen=True)
class Exact2DConfig:
    n: int = 40
    noise: float = 0.05
    beta: float = 0.05
    sample_sizes: tuple[int, ...] = (5, 10, 20, 40)
    adam_widths: tuple[int, ...] = (30, 60)
    adam_restarts: int = 2
    adam_steps: int = 10000
    adam_lr: float = 0.01

    def validate(self) -> None:
        require(self.n >= 3, "n", "an integer >= 3", self.n)
        require(self.noise >= 0, "noise", "a non-negative noise level", self.noise)
        require(self.beta > 0, "beta", "a positive penalty weight", self.beta)
        _require_increasing_counts(self, "sample_sizes", "sample counts")
        require(len(self.adam_widths) >= 1 and all(m >= 1 for m in self.adam_widths), "adam_widths",
                "positive network widths", self.adam_widths)
        require(self.adam_restarts >= 1, "adam_restarts", "an integer >= 1", self.adam_restarts)
        require(self.adam_steps >= 1, "adam_steps", "an integer >= 1", self.adam_steps)
        require(self.adam_lr > 0, "adam_lr", "a positive learning rate", self.adam_lr)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the exact program over all 2n patterns in cvxpy/Clarabel (2n x n
        cone constraints of width 2 per block, compiled and factored) and the Adam histories."""
        P = 2 * self.n
        widths = max(self.adam_widths)
        return memory_terms(n=8 * 12 * self.n * P * 4 + 8 * 3 * (4 * P) ** 2,
                            adam_steps=8 * self.adam_steps * 2, adam_widths=8 * 10 * widths * self.n)


def _relative(a: float, b: float) -> float:
    return abs(a - b) / abs(b)


@experiment("relu_exact_2d", paper=PAPER, config=Exact2DConfig, version=2)
def exact_2d(config: Exact2DConfig, rng: np.random.Generator) -> Trace:
    """Exact 2-D program over all patterns, the mapped net, nested sampled programs and Adam (C4)."""
    X, y = data.planar_regression(config.n, rng, noise=config.noise)
    D = arrangements.enumerate_patterns_2d(X)
    exact = programs.relu_program(X, y, D, config.beta)
    U, alpha = programs.network_from_convex(exact.V, exact.W)
    mapped = programs.network_objective(X, y, U, alpha, config.beta)
    gated = programs.gated_program(X, y, D, config.beta)
    Ug, alpha_g = programs.network_from_convex(gated.V, gated.W)
    gated_mapped = programs.network_objective(X, y, Ug, alpha_g, config.beta)
    raw = arrangements.patterns_from_directions(X, rng.standard_normal((2, max(config.sample_sizes))))
    sampled, counts = [], []
    for size in config.sample_sizes:
        D_s = arrangements.unique_patterns(raw[:, :size])[0]         # nested: prefixes of one draw
        sampled.append(programs.relu_program(X, y, D_s, config.beta).value)
        counts.append(D_s.shape[1])
    finals, bests = [], []
    for width in config.adam_widths:
        for _ in range(config.adam_restarts):
            run = baseline.train_nonconvex(X, y, width, config.beta, rng, steps=config.adam_steps, lr=config.adam_lr)
            finals.append(run["objective"][-1])
            bests.append(run["objective"].min())
    scalars = {
        "p_exact": exact.value, "exact_tolerance": exact.tolerance,
        "patterns_exact": float(D.shape[1]), "mapped_objective": mapped,
        "mapped_rel_err": _relative(mapped, exact.value), "active_neurons": float(alpha.size),
        "cone_violation": programs.cone_violation(X, D, exact.V, exact.W),
        "adam_best": float(min(bests)), "adam_final_best": float(min(finals)), "adam_final_worst": float(max(finals)),
        "gated_value": gated.value, "gated_map_rel_err": _relative(gated_mapped, gated.value),
    }
    return Trace(np.array(config.sample_sizes), {"p_sampled": sampled, "patterns": counts}, scalars)


# --------------------------------------------------------------------------- adversarial training (C5)
@dataclass(frozen=True)
class AdversarialConfig:
    n_train: int = 100
    n_test: int = 400
    features: int = 16
    gap: float = 0.2
    curvature: float = 0.2
    samples: int = 16
    beta: float = 0.01
    epsilon: float = 0.05
    attack_grid: tuple[float, ...] = (0.0, 0.025, 0.05, 0.075, 0.1)
    pgd_steps: int = 30
    robust_cones: bool = True
    rival_beta: float = 3.0
    adversarial_training_steps: int = 500

    def validate(self) -> None:
        require(self.n_train >= 2, "n_train", "an integer >= 2", self.n_train)
        require(self.n_test >= 1, "n_test", "an integer >= 1", self.n_test)
        require(self.features >= 1, "features", "an integer >= 1", self.features)
        require(self.gap >= 0, "gap", "a non-negative class gap", self.gap)
        require(self.samples >= 1, "samples", "an integer >= 1", self.samples)
        require(self.beta > 0, "beta", "a positive penalty weight", self.beta)
        require(self.epsilon > 0, "epsilon", "a positive l_inf radius", self.epsilon)
        require(len(self.attack_grid) >= 1 and all(e >= 0 for e in self.attack_grid)
                and self.epsilon in self.attack_grid, "attack_grid",
                f"non-negative attack radii including epsilon = {self.epsilon}", self.attack_grid)
        require(self.pgd_steps >= 1, "pgd_steps", "an integer >= 1", self.pgd_steps)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the robust program in cvxpy/Clarabel (2P blocks of n_train cone
        constraints with an l1 term), the attacked test sets (n_test x d per radius), the PGD-trained net."""
        d, P = self.features + 1, self.samples
        return memory_terms(n_train=8 * 12 * self.n_train * P * (2 * d + 2) + 8 * 3 * (4 * d * P) ** 2,
                            n_test=8 * self.n_test * (4 * d + 4 * P) * (len(self.attack_grid) + 2),
                            adversarial_training_steps=8 * 4 * self.adversarial_training_steps)


def _attack_curves(X, y, U, alpha, grid, steps, rng):
    pgd, fgsm = [], []
    for eps in grid:
        if eps == 0:
            clean = adversarial.accuracy(X, y, U, alpha)
            pgd.append(clean)
            fgsm.append(clean)
            continue
        fgsm.append(adversarial.accuracy(adversarial.fgsm(X, y, U, alpha, eps), y, U, alpha))
        pgd.append(adversarial.accuracy(adversarial.pgd(X, y, U, alpha, eps, rng, steps=steps), y, U, alpha))
    return np.array(pgd), np.array(fgsm)


@experiment("relu_adversarial", paper=PAPER, config=AdversarialConfig, version=3)
def adversarial_training(config: AdversarialConfig, rng: np.random.Generator) -> Trace:
    """Standard vs l_inf-robust convex training (hinge), attacked by FGSM and PGD on test data (C5).

    Rivals on the same split: the standard program with a large penalty ``rival_beta`` (no
    robustness, only a smaller net), the l_inf-robust linear hinge classifier at the same
    epsilon (exact worst-case attack), and PGD adversarial training of the non-convex net of
    width 2P (the most neurons the convex program can use), scored by the same PGD attack.
    """
    X, y, X_test, y_test = data.correlated_classification(config.n_train, config.n_test, config.features, rng,
                                                          gap=config.gap, curvature=config.curvature)
    D = arrangements.sample_patterns(X, config.samples, rng)
    metrics, scalars = {}, {"patterns": float(D.shape[1])}
    at = list(config.attack_grid).index(config.epsilon)
    for name, eps, beta in (("standard", 0.0, config.beta), ("robust", config.epsilon, config.beta),
                            ("standard_large_beta", 0.0, config.rival_beta)):
        solution = adversarial.robust_relu_program(X, y, D, beta, eps, loss="hinge",
                                                   robust_cones=config.robust_cones)
        U, alpha = programs.network_from_convex(solution.V, solution.W)
        pgd, fgsm = _attack_curves(X_test, y_test, U, alpha, config.attack_grid, config.pgd_steps, rng)
        metrics[f"{name}_pgd"], metrics[f"{name}_fgsm"] = pgd, fgsm
        scalars.update({f"{name}_clean": adversarial.accuracy(X_test, y_test, U, alpha),
                        f"{name}_pgd_at_eps": float(pgd[at]), f"{name}_fgsm_at_eps": float(fgsm[at]),
                        f"{name}_neurons": float(alpha.size), f"{name}_solve_seconds": solution.solve_time})
    w = adversarial.robust_linear_program(X, y, config.beta, config.epsilon)
    scalars.update({"robust_linear_clean": float(np.mean(np.sign(X_test @ w) == y_test)),
                    "robust_linear_attacked": adversarial.linear_attack_accuracy(X_test, y_test, w, config.epsilon)})
    if config.adversarial_training_steps:
        U, alpha = baseline.train_adversarial_hinge(X, y, 2 * D.shape[1], config.beta, config.epsilon, rng,
                                                    steps=config.adversarial_training_steps)
        X_adv = adversarial.pgd(X_test, y_test, U, alpha, config.epsilon, rng, steps=config.pgd_steps)
        scalars.update({"pgd_training_clean": adversarial.accuracy(X_test, y_test, U, alpha),
                        "pgd_training_pgd_at_eps": adversarial.accuracy(X_adv, y_test, U, alpha)})
    return Trace(np.array(config.attack_grid), metrics, scalars)


# --------------------------------------------------------------------------- robust certificate (C9)
@dataclass(frozen=True)
class CertificateConfig:
    n_train: int = 60
    features: int = 6
    gap: float = 0.2
    curvature: float = 0.2
    samples: int = 10
    beta: float = 0.01
    epsilon: float = 0.05
    pgd_steps: int = 50

    def validate(self) -> None:
        require(self.n_train >= 2, "n_train", "an integer >= 2", self.n_train)
        require(self.features >= 1, "features", "an integer >= 1", self.features)
        require(self.gap >= 0, "gap", "a non-negative class gap", self.gap)
        require(self.curvature >= 0, "curvature", "a non-negative curvature", self.curvature)
        require(self.samples >= 1, "samples", "an integer >= 1", self.samples)
        require(self.beta > 0, "beta", "a positive penalty weight", self.beta)
        require(self.epsilon > 0, "epsilon", "a positive l_inf radius", self.epsilon)
        require(self.pgd_steps >= 1, "pgd_steps", "an integer >= 1", self.pgd_steps)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the robust and the nominal program in cvxpy/Clarabel (2P blocks of
        n_train cone constraints with an l1 term) and the PGD iterates (n_train x d)."""
        d, P = self.features + 1, self.samples
        return memory_terms(n_train=8 * 12 * self.n_train * P * (2 * d + 2) + 8 * 3 * (4 * d * P) ** 2,
                            pgd_steps=8 * self.pgd_steps)


def _certificate_excess(X, y, D, config, rng, robust_cones: bool) -> tuple[float, float]:
    solution = adversarial.robust_relu_program(X, y, D, config.beta, config.epsilon, loss="hinge",
                                               robust_cones=robust_cones)
    U, alpha = programs.network_from_convex(solution.V, solution.W, rel_tol=0.0)   # every non-zero block
    terms = adversarial.program_terms(X, y, D, solution.V, solution.W, config.epsilon)
    X_adv = adversarial.pgd(X, y, U, alpha, config.epsilon, rng, steps=config.pgd_steps, clip=None)
    attacked = np.maximum(0.0, 1.0 - y * programs.network_output(X_adv, U, alpha))
    return float(np.max(attacked - terms)), float(alpha.size)


@experiment("relu_robust_certificate", paper=PAPER, config=CertificateConfig, version=1)
def robust_certificate(config: CertificateConfig, rng: np.random.Generator) -> Trace:
    """PGD on the training points against each point's term in the robust hinge program (C9).

    With the robust cones every pattern is fixed on the whole l_inf ball, so the mapped net is
    linear there and the program's term is the exact worst-case hinge loss: no attack can exceed
    it. With the nominal cones (robust loss only) the term is not a bound. No box constraint
    (the program has none); the mapped net keeps every non-zero block.
    """
    X, y, _, _ = data.correlated_classification(config.n_train, 1, config.features, rng, gap=config.gap,
                                                curvature=config.curvature)
    D = arrangements.sample_patterns(X, config.samples, rng)
    robust, neurons = _certificate_excess(X, y, D, config, rng, True)
    nominal, neurons_nominal = _certificate_excess(X, y, D, config, rng, False)
    return Trace(np.array([0]), {"excess": [robust]},
                 {"robust_excess": robust, "nominal_excess": nominal, "robust_neurons": neurons,
                  "nominal_neurons": neurons_nominal, "patterns": float(D.shape[1])})


# --------------------------------------------------------------------------- SCP violation (C6)
@dataclass(frozen=True)
class SCPConfig:
    n: int = 50
    features: int = 4
    beta: float = 0.1
    neurons: tuple[int, ...] = (50, 100, 200, 400)
    fresh: int = 20000
    slack: float = 1e-5

    def validate(self) -> None:
        require(self.n >= 2, "n", "an integer >= 2", self.n)
        require(self.features >= 1, "features", "an integer >= 1", self.features)
        require(self.beta > 0, "beta", "a positive penalty weight", self.beta)
        _require_increasing_counts(self, "neurons", "neuron counts")
        require(self.fresh >= 100, "fresh", "an integer >= 100 (fresh neurons to test)", self.fresh)
        require(self.slack >= 0, "slack", "a non-negative relative slack", self.slack)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the fresh neurons' activations X U_fresh (n x fresh, and the dual
        products), the sampled neurons' n x N activations and the lasso's copies."""
        d = self.features + 1
        return memory_terms(fresh=8 * self.fresh * (3 * self.n + d),
                            neurons=8 * max(self.neurons) * (4 * self.n + d), n=8 * 4 * self.n * d)


@experiment("relu_scp_violation", paper=PAPER, config=SCPConfig, version=1)
def scp_violation(config: SCPConfig, rng: np.random.Generator) -> Trace:
    """SCP: violation rate of fresh neurons after the lasso on N sampled neurons, for each N (C6)."""
    X, y = data.teacher_regression(config.n, config.features, rng)
    d = X.shape[1]
    U = scp.sample_neurons(d, max(config.neurons), rng)
    fresh = scp.sample_neurons(d, config.fresh, rng)
    violation, active, objective = [], [], []
    alpha = None
    for count in config.neurons:                                        # nested: prefixes of one draw
        alpha = scp.fit_second_layer(X, y, U[:, :count], config.beta, start=alpha)
        residual = y - np.maximum(X @ U[:, :count], 0.0) @ alpha
        violation.append(scp.violation_rate(X, residual, config.beta, fresh, slack=config.slack))
        active.append(float(np.count_nonzero(alpha)))
        objective.append(scp.lasso_objective(X, y, U[:, :count], alpha, config.beta))
    neurons = np.array(config.neurons)
    return Trace(neurons, {"violation": violation, "active": active, "objective": objective,
                           "scenario_bound": config.n / (neurons + 1.0)})


# --------------------------------------------------------------------------- gated relaxation (C8)
@dataclass(frozen=True)
class GatedConfig:
    n: int = 50
    features: int = 4
    samples: int = 10
    beta: float = 0.5
    loss: str = "squared"

    def validate(self) -> None:
        require(self.n >= 2, "n", "an integer >= 2", self.n)
        require(self.features >= 1, "features", "an integer >= 1", self.features)
        require(self.samples >= 1, "samples", "an integer >= 1", self.samples)
        require(self.beta > 0, "beta", "a positive penalty weight", self.beta)
        require(self.loss in programs.LOSSES, "loss", f"one of {programs.LOSSES}", self.loss)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the ReLU and gated programs in cvxpy/Clarabel (2P blocks of n cone
        constraints, compiled and factored)."""
        d, P = self.features + 1, self.samples
        return memory_terms(n=8 * 12 * self.n * P * (d + 2), samples=8 * 3 * (2 * d * P) ** 2)


@experiment("relu_gated_gap", paper=PAPER, config=GatedConfig, version=1)
def gated_gap(config: GatedConfig, rng: np.random.Generator) -> Trace:
    """Optimal values of the gated and the ReLU program over the same sampled patterns (C8)."""
    X, y = data.teacher_regression(config.n, config.features, rng)
    if config.loss == "hinge":
        y = np.where(y >= np.median(y), 1.0, -1.0)
    D = arrangements.sample_patterns(X, config.samples, rng)
    relu = programs.relu_program(X, y, D, config.beta, loss=config.loss)
    gated = programs.gated_program(X, y, D, config.beta, loss=config.loss)
    gap = (relu.value - gated.value) / relu.value
    return Trace(np.array([0]), {"relative_gap": [gap]},
                 {"p_relu": relu.value, "p_gated": gated.value, "patterns": float(D.shape[1])})


# --------------------------------------------------------------------------- early-iterate accuracy (C7)
@dataclass(frozen=True)
class EarlyAccuracyConfig:
    n_train: int = 300
    n_test: int = 2000
    features: int = 16
    curvature: float = 0.5
    samples: int = 20
    beta: float = 1.0
    rho: float = 10.0
    max_early: int = 5
    converged_iterations: int = 2000
    cvxpy_reference: bool = False

    def validate(self) -> None:
        require(self.n_train >= 2, "n_train", "an integer >= 2", self.n_train)
        require(self.n_test >= 1, "n_test", "an integer >= 1", self.n_test)
        require(self.features >= 1, "features", "an integer >= 1", self.features)
        require(self.curvature >= 0, "curvature", "a non-negative curvature of the label rule", self.curvature)
        require(self.samples >= 1, "samples", "an integer >= 1 (sampled patterns)", self.samples)
        require(self.beta > 0, "beta", "a positive penalty weight", self.beta)
        require(self.rho > 0, "rho", "a positive ADMM penalty", self.rho)
        require(self.max_early >= 1, "max_early", "an integer >= 1 (last early iteration scored)", self.max_early)
        require(self.converged_iterations > self.max_early, "converged_iterations",
                f"an integer > max_early = {self.max_early}", self.converged_iterations)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the dP x dP u-step factor, the 2P x n_train ADMM arrays, the test set
        (n_test x d) with the mapped nets' activations, and the optional cvxpy reference."""
        d, P = self.features + 1, self.samples
        return memory_terms(samples=8 * 3 * (d * P) ** 2, n_train=8 * 12 * self.n_train * P * (d + 2),
                            n_test=8 * self.n_test * (d + 2 * P) * 3,
                            converged_iterations=8 * 6 * self.converged_iterations)


def _mapped_accuracy(X, y, V, W) -> float:
    U, alpha = programs.network_from_convex(V, W)
    return adversarial.accuracy(X, y, U, alpha)


@experiment("relu_early_accuracy", paper=PAPER, config=EarlyAccuracyConfig, version=1)
def early_accuracy(config: EarlyAccuracyConfig, rng: np.random.Generator) -> Trace:
    """Test accuracy of the net mapped from the ADMM iterate v^k, k = 0..max_early, and at convergence (C7).

    Classification data (:func:`~theorylab.convex_relu.data.correlated_classification`),
    standardized with a bias and unit-norm columns, squared loss on +-1 labels, Gaussian patterns.
    ADMM starts from zero, so ``v^k`` is the final iterate of a k-iteration run (``v^0 = 0``, the
    empty net, whose output 0 counts as wrong). The converged net is ``v^K``,
    ``K = converged_iterations``; ``cvxpy_reference`` also maps the Clarabel optimum.
    """
    X, y, X_test, y_test = data.correlated_classification(config.n_train, config.n_test, config.features, rng,
                                                          curvature=config.curvature)
    X, X_test = data.standardize_with_bias(X, X_test)
    D = arrangements.sample_patterns(X, config.samples, rng)
    d, P = X.shape[1], D.shape[1]
    test, train = [_mapped_accuracy(X_test, y_test, np.zeros((d, P)), np.zeros((d, P)))], \
        [_mapped_accuracy(X, y, np.zeros((d, P)), np.zeros((d, P)))]
    factors = admm_factor(X, D, y, config.rho)                   # shared by every run below
    for k in range(1, config.max_early + 1):
        run = admm_relu(X, y, D, config.beta, rho=config.rho, max_iter=k, record_every=k, factors=factors)
        test.append(_mapped_accuracy(X_test, y_test, run.V, run.W))
        train.append(_mapped_accuracy(X, y, run.V, run.W))
    final = admm_relu(X, y, D, config.beta, rho=config.rho, max_iter=config.converged_iterations,
                      record_every=config.converged_iterations, factors=factors)
    residual = final.r_primal + final.r_dual
    scalars = {
        "converged_accuracy": _mapped_accuracy(X_test, y_test, final.V, final.W),
        "converged_train_accuracy": _mapped_accuracy(X, y, final.V, final.W),
        "converged_relative_residual": float(residual[-1] / residual[0]),
        "converged_neurons": float(programs.network_from_convex(final.V, final.W)[1].size),
        "linear_accuracy": baseline.least_squares_accuracy(X, y, X_test, y_test),
        "patterns": float(P),
    }
    if config.cvxpy_reference:
        reference = programs.relu_program(X, y, D, config.beta)
        scalars["cvxpy_accuracy"] = _mapped_accuracy(X_test, y_test, reference.V, reference.W)
        scalars["admm_vs_cvxpy_rel_gap"] = float(abs(final.objective[-1] - reference.value) / reference.value)
    return Trace(np.arange(config.max_early + 1), {"accuracy": test, "train_accuracy": train}, scalars)


# --------------------------------------------------------------------------- sampled program's quality (C10)
@dataclass(frozen=True)
class SampledQualityConfig:
    n: int = 100
    noise: float = 0.05
    beta: float = 1.0
    sample_sizes: tuple[int, ...] = (10, 20, 40, 80)
    draws: int = 6
    slack: float = 1e-4

    def validate(self) -> None:
        require(self.n >= 3, "n", "an integer >= 3", self.n)
        require(self.noise >= 0, "noise", "a non-negative noise level", self.noise)
        require(self.beta > 0, "beta", "a positive penalty weight", self.beta)
        _require_increasing_counts(self, "sample_sizes", "sample counts")
        require(self.draws >= 1, "draws", "an integer >= 1 (independent pattern draws per instance)", self.draws)
        require(self.slack >= 0, "slack", "a non-negative relative slack", self.slack)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the sampled program in cvxpy/Clarabel (P_s blocks of n cone rows, at most
        max(sample_sizes) patterns) and the 2n enumerated arcs' n x 2n pattern array."""
        P = max(self.sample_sizes)
        return memory_terms(n=8 * 12 * self.n * (P + 2 * self.n) * 4,
                            sample_sizes=8 * 3 * (4 * P) ** 2 + 8 * 12 * self.n * P * 4)


@experiment("relu_sampled_quality", paper=PAPER, config=SampledQualityConfig, version=1)
def sampled_quality(config: SampledQualityConfig, rng: np.random.Generator) -> Trace:
    """Dual violation of fresh patterns at the sampled program's optimum, 2-D, all patterns known (C10).

    One planar instance (no bias column); ``draws`` independent Gaussian pattern draws, each solved at
    nested prefixes of ``sample_sizes`` raw directions (deduplicated); at each optimum the exact
    probability that a fresh direction's pattern violates the dual constraint
    (:func:`~theorylab.convex_relu.sampled.violation_probability`), averaged over the draws.
    """
    X, y = data.planar_regression(config.n, rng, noise=config.noise)
    k = len(config.sample_sizes)
    probability, fraction, patterns, active = (np.zeros((config.draws, k)) for _ in range(4))
    for r in range(config.draws):
        raw = arrangements.patterns_from_directions(X, rng.standard_normal((2, max(config.sample_sizes))))
        for i, size in enumerate(config.sample_sizes):
            D_s = arrangements.unique_patterns(raw[:, :size])[0]
            solution = programs.relu_program(X, y, D_s, config.beta)
            residual = y - programs.convex_output(X, D_s, solution.V, solution.W)
            probability[r, i], fraction[r, i] = sampled.violation_probability(X, residual, config.beta, D_s,
                                                                              slack=config.slack)
            patterns[r, i] = D_s.shape[1]
            active[r, i] = programs.network_from_convex(solution.V, solution.W)[1].size
    return Trace(np.array(config.sample_sizes), {
        "violation": probability.mean(axis=0), "violation_fraction": np.nanmean(fraction, axis=0),
        "patterns": patterns.mean(axis=0), "active": active.mean(axis=0),
        "scenario_bound": active.mean(axis=0) / (np.array(config.sample_sizes) + 1.0)},
        {"patterns_exact": float(arrangements.enumerate_patterns_2d(X).shape[1])})


# --------------------------------------------------------------------------- ADMM on the exact program (C15)
@dataclass(frozen=True)
class ExactADMMConfig:
    n: int = 40
    noise: float = 0.05
    beta: float = 0.05
    sample_directions: int = 40
    rho: float = 10.0
    rho_ratio: float = 0.1
    eps_rel: float = 1e-9
    max_iter: int = 200000
    max_rho_changes: int = 50
    fixed_iterations: int = 20000

    def validate(self) -> None:
        require(self.n >= 3, "n", "an integer >= 3", self.n)
        require(self.noise >= 0, "noise", "a non-negative noise level", self.noise)
        require(self.beta > 0, "beta", "a positive penalty weight", self.beta)
        require(self.sample_directions >= 1, "sample_directions", "an integer >= 1 (raw directions of the "
                "sampled program)", self.sample_directions)
        require(self.rho > 0, "rho", "a positive initial ADMM penalty", self.rho)
        require(self.rho_ratio > 0, "rho_ratio", "a positive ratio of the cone penalty to the consensus penalty",
                self.rho_ratio)
        require(0 < self.eps_rel < 1, "eps_rel", "a relative residual tolerance in (0, 1)", self.eps_rel)
        require(self.max_iter >= 10, "max_iter", "an integer >= 10", self.max_iter)
        require(self.max_rho_changes >= 0, "max_rho_changes", "an integer >= 0", self.max_rho_changes)
        require(self.fixed_iterations >= 1, "fixed_iterations", "an integer >= 1", self.fixed_iterations)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the exact program over all 2n patterns in cvxpy/Clarabel (as
        :class:`Exact2DConfig`) and ADMM's (4n, n) cone slacks and duals, twice (both ADMM paths)."""
        P = 2 * self.n
        return memory_terms(n=8 * 12 * self.n * P * 4 + 8 * 3 * (4 * P) ** 2 + 8 * 2 * 2 * (2 * P) * self.n,
                            sample_directions=8 * 4 * self.n * self.sample_directions)


@experiment("relu_exact_admm", paper=PAPER, config=ExactADMMConfig, version=2)
def exact_admm(config: ExactADMMConfig, rng: np.random.Generator) -> Trace:
    """ADMM on the exact 2-D program (all patterns) against its Clarabel optimum (C15).

    ADMM is the fast path (:func:`~theorylab.convex_relu.fast_admm.fast_admm`: Algorithm 1's
    splitting, residual balancing from ``rho``, cone penalty ``rho_ratio * rho``, stopping on its own
    relative residuals at ``eps_rel``, no polish). Also: the same ADMM on the sampled program of
    ``sample_directions`` Gaussian directions (the approximate program), and Algorithm 1 at the fixed
    penalty ``rho`` for ``fixed_iterations`` iterations, both scored against the exact optimum.
    ``dual_excess``: the exact program's dual constraint at ADMM's point, over every arc of constant
    pattern (:func:`~theorylab.convex_relu.sampled.dual_values`), as max / beta - 1: a certificate of
    global optimality that needs no reference solver (<= 0 up to ADMM's accuracy).
    """
    X, y = data.planar_regression(config.n, rng, noise=config.noise)
    D = arrangements.enumerate_patterns_2d(X)
    raw = arrangements.patterns_from_directions(X, rng.standard_normal((2, config.sample_directions)))
    D_s = arrangements.unique_patterns(raw)[0]
    exact = programs.relu_program(X, y, D, config.beta)
    p = exact.value
    options = dict(rho=config.rho, rho_ratio=config.rho_ratio, eps_rel=config.eps_rel, max_iter=config.max_iter,
                   max_rho_changes=config.max_rho_changes, polish_at=None)
    run = fast_admm(X, y, D, config.beta, **options)
    P = D.shape[1]
    U, alpha = programs.network_from_convex(run.V[:P].T, run.V[P:].T)
    mapped = programs.network_objective(X, y, U, alpha, config.beta)
    sampled_run = fast_admm(X, y, D_s, config.beta, **options)
    fixed = admm_relu(X, y, D, config.beta, rho=config.rho, max_iter=config.fixed_iterations,
                      record_every=config.fixed_iterations)
    fixed_value = programs.convex_objective(X, y, D, fixed.V, fixed.W, config.beta)
    history = np.array([(k, max(pri, dual)) for k, pri, dual, _ in run.history])
    arcs, start, stop = sampled.arcs_2d(X)

    def dual_excess(result, patterns) -> float:
        """max over every arc of the dual constraint's value / beta - 1 (<= 0 certifies global optimality)."""
        k = patterns.shape[1]
        residual = y - programs.convex_output(X, patterns, result.U[:k].T, result.U[k:].T)
        return float(np.max(sampled.dual_values(X, residual, arcs, start, stop)) / config.beta - 1.0)
    scalars = {
        "p_exact": p, "exact_tolerance": exact.tolerance, "patterns_exact": float(P),
        "admm_rel": (run.objective - p) / p, "admm_violation": run.violation,
        "admm_iterations": float(run.iterations), "admm_converged": float(run.status == "converged"),
        "admm_rho_changes": float(run.rho_changes),
        "mapped_rel_err": _relative(mapped, p), "active_neurons": float(alpha.size),
        "patterns_sampled": float(D_s.shape[1]),
        "sampled_admm_rel": (sampled_run.objective - p) / p, "sampled_admm_violation": sampled_run.violation,
        "sampled_admm_converged": float(sampled_run.status == "converged"),
        "dual_excess": dual_excess(run, D), "sampled_dual_excess": dual_excess(sampled_run, D_s),
        "fixed_rel": (fixed_value - p) / p,
        "fixed_violation": programs.cone_violation(X, D, fixed.V, fixed.W),
    }
    return Trace(history[:, 0], {"relative_residual": history[:, 1]}, scalars)
