"""Registered experiments of ``matrix_sensing_overparam`` and its figures."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theorylab.config import memory_terms, require
from theorylab.registry import experiment
from theorylab.sensing import algorithms, problems
from theorylab.sensing.operators import gaussian_operator
from theorylab.trace import Trace

PAPER = "matrix_sensing_overparam"


@dataclass(frozen=True)
class SensingConfig:
    """Common fields of the symmetric and asymmetric runs.

    Attributes
    ----------
    n : int
        Matrix size (n x n).
    r : int
        Rank of the target.
    k : int
        Width of the factors (k = r exact, k > r over-parameterized).
    alpha : float
        Initialization scale (factor entries N(0, alpha^2 / n)).
    eta : float
        Step size (no factor 2 in the update).
    T : int
        Iterations.
    kappa : float
        Condition number of the target (singular values from 1 to 1/kappa).
    m : int
        Gaussian measurements; 0 for the population operator ``A* A = I``.
    err_stop : float
        Stop at this Frobenius error (round-off floor; 0 never stops).
    """

    n: int = 20
    r: int = 2
    k: int = 4
    alpha: float = 0.5
    eta: float = 0.1
    T: int = 20000
    kappa: float = 2.0
    m: int = 0
    err_stop: float = 1e-12

    def validate(self) -> None:
        require(self.n >= 1, "n", "an integer >= 1", self.n)
        require(1 <= self.r <= self.n, "r", f"an integer with 1 <= r <= n = {self.n}", self.r)
        require(self.r <= self.k <= self.n, "k", f"an integer with r = {self.r} <= k <= n = {self.n}", self.k)
        require(self.alpha > 0, "alpha", "a positive initialization scale", self.alpha)
        require(0 < self.eta < 1, "eta", "a step size in (0, 1) (sigma_1 = 1)", self.eta)
        require(self.T >= 1, "T", "an integer >= 1", self.T)
        require(self.kappa >= 1, "kappa", "a condition number >= 1", self.kappa)
        require(self.m >= 0, "m", "an integer >= 0 (0 = population operator)", self.m)
        require(self.err_stop >= 0, "err_stop", "a number >= 0", self.err_stop)

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the ``err`` and ``loss`` series and the index (T + 1 points each,
        twice: the Trace and the stored copy),
        the Gaussian operator (``m x n^2``, about three copies while it is drawn and symmetrized)
        and the ``n x n`` / ``n x k`` matrices of an iteration (a dozen of them)."""
        return memory_terms(T=6 * 8 * (self.T + 1), m=3 * 8 * self.m * self.n * self.n,
                            n=12 * 8 * self.n * max(self.n, self.k))


@dataclass(frozen=True)
class AsymmetricConfig(SensingConfig):
    """Asymmetric runs: also the target type, the initialization and the one-step fix.

    Attributes
    ----------
    psd_target : bool
        Use a symmetric PSD target (claim C5) instead of ``Q1 diag(sigma) Q2^T``.
    balanced : bool
        Start from ``G_0 = F_0`` (the C5 control), instead of ``G_0 = (alpha / 3) G~``.
    one_step_tau : float
        Trigger of the one-step modification (0 = plain GD).
    instance : {"random", "worst_case"}
        ``random``: Gaussian target and init; ``worst_case``: the deterministic diagonal instance of
        :func:`problems.worst_case_instance` (rate ``(8/9) alpha^2``).
    """

    psd_target: bool = False
    balanced: bool = False
    one_step_tau: float = 0.0
    instance: str = "random"

    def validate(self) -> None:
        super().validate()
        require(0 <= self.one_step_tau < 1, "one_step_tau", "a residual ratio in [0, 1) (0 = off)", self.one_step_tau)
        require(not (self.balanced and not self.psd_target), "balanced",
                "false unless psd_target is true (G0 = F0 only makes sense for a symmetric target)", self.balanced)
        require(self.instance in ("random", "worst_case"), "instance", "'random' or 'worst_case'", self.instance)
        require(self.instance == "random" or not (self.psd_target or self.balanced), "instance",
                "'random' when psd_target or balanced is set", self.instance)


def _operator(rng: np.random.Generator, config: SensingConfig, symmetric: bool) -> np.ndarray | None:
    return gaussian_operator(rng, config.m, config.n, config.n, symmetric=symmetric) if config.m else None


@experiment("sensing_sym_gd", paper=PAPER, config=SensingConfig, version=2)
def sym_gd(config: SensingConfig, rng: np.random.Generator) -> Trace:
    """Symmetric GD on X X^T with a random small initialization (A1)."""
    target_rng, init_rng, operator_rng = rng.spawn(3)
    M_star = problems.psd_target(target_rng, config.n, config.r, config.kappa)
    X0 = problems.gaussian_factor(init_rng, config.n, config.k, config.alpha)
    trace = algorithms.symmetric_gd(M_star, X0, eta=config.eta, T=config.T,
                                    operator=_operator(operator_rng, config, True), err_stop=config.err_stop)
    trace.scalars["sigma_r"] = float(problems.spectrum(config.r, config.kappa)[-1])
    return trace


def asym_instance(config: AsymmetricConfig, rng: np.random.Generator):
    """Target, initial factors and operator of an asymmetric run (shared with the mutants).

    Returns
    -------
    M_star, F0, G0, operator
        ``operator`` is None for the population operator.
    """
    target_rng, init_rng, operator_rng = rng.spawn(3)
    if config.instance == "worst_case":
        M_star, F0, G0 = problems.worst_case_instance(config.n, config.r, config.k, config.kappa, config.alpha)
    else:
        if config.psd_target:
            M_star = problems.psd_target(target_rng, config.n, config.r, config.kappa)
        else:
            M_star = problems.general_target(target_rng, config.n, config.n, config.r, config.kappa)
        f_rng, g_rng = init_rng.spawn(2)
        F0 = problems.gaussian_factor(f_rng, config.n, config.k, config.alpha)
        G0 = F0.copy() if config.balanced else problems.gaussian_factor(g_rng, config.n, config.k, config.alpha / 3)
    return M_star, F0, G0, _operator(operator_rng, config, config.psd_target)


def initial_scalars(config: SensingConfig, M_star: np.ndarray, F0: np.ndarray, G0: np.ndarray) -> dict:
    """Quantities known at t = 0 that predict the rate: the imbalance spectrum and ``lambda_perp0``.

    ``imbalance_min0`` = lambda_min(Delta_0), ``imbalance_r1_0`` = its (r+1)-th smallest eigenvalue
    (``lambda_perp`` lies between the two by Cauchy interlacing, if Delta is conserved), and
    ``lambda_perp0`` = :func:`algorithms.lambda_perp_initial`.
    """
    mu = np.linalg.eigvalsh(algorithms.imbalance(F0, G0))
    U, V = problems.singular_basis(M_star, config.r)
    return {"imbalance_min0": float(mu[0]), "imbalance_r1_0": float(mu[min(config.r, config.k - 1)]),
            "lambda_perp0": algorithms.lambda_perp_initial(F0, G0, U, V),
            "sigma_r": float(problems.spectrum(config.r, config.kappa)[-1])}


@experiment("sensing_asym_gd", paper=PAPER, config=AsymmetricConfig, version=3)
def asym_gd(config: AsymmetricConfig, rng: np.random.Generator) -> Trace:
    """Asymmetric GD on F G^T, init (alpha, alpha/3), optionally the one-step fix (A2, A3)."""
    M_star, F0, G0, operator = asym_instance(config, rng)
    trace = algorithms.asymmetric_gd(M_star, F0, G0, eta=config.eta, T=config.T, operator=operator,
                                     err_stop=config.err_stop, one_step_tau=config.one_step_tau or None, r=config.r)
    trace.scalars.update(initial_scalars(config, M_star, F0, G0))
    return trace
