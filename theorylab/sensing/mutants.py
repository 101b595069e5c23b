"""Mutants of ``matrix_sensing_overparam``'s experiments: its mechanisms broken as a buggy reimplementation would.

Each mutant takes the base experiment's config and returns a Trace like the base simulator, with
exactly one mechanism the paper's claims rest on broken (``theorylab mutate matrix_sensing_overparam``
runs the claims against each; every one should be killed):

* ``sensing_asym_gd~balanced_init`` -- ``G0 = F0``: no imbalance, the mechanism of the linear rate (C3).
* ``sensing_asym_gd~init_scale_ignored`` -- the init scale is hard-coded, ``alpha`` is ignored (C3's alpha^2 law).
* ``sensing_asym_gd~untransposed_residual`` -- ``G <- G - eta W F`` instead of ``W^T F``: the symmetric
  update applied to the asymmetric problem.
* ``sensing_asym_gd~one_step_skipped`` -- the trigger fires but the special step is not applied (C6).
* ``sensing_asym_gd~one_step_equalize_f`` -- the special step equalizes ``F``'s singular values instead
  of balancing the signal part (the card's first inferred step): alpha-free, but kappa times slower (C6).
* ``sensing_sym_gd~gradient_factor_two`` -- the step uses the loss gradient ``2 A*(A(X X^T) - y) X`` with
  the same ``eta`` (the factor-2 convention slip of card pitfall 5): the step-size constant is wrong (C1, C2).
* ``sensing_sym_gd~double_normalized_operator`` -- the sensing operator scaled by ``1/m`` instead of
  ``m^(-1/2)``: the gradient misses a factor ``m`` (C1s, C1c; invisible with the population operator).

A candidate we tried and dropped: non-symmetrized ``A_i`` with the update ``W X`` in the symmetric
problem. It is an equivalent mutant here: ``M*`` stays the fixed point and ``A* A ~ I`` in
expectation, so GD behaves the same and no claim could (or should) see it.
"""

from __future__ import annotations

import dataclasses

import numba
import numpy as np

from theorylab.registry import mutant
from theorylab.sensing import _kernels, algorithms, problems
from theorylab.sensing.experiments import AsymmetricConfig, SensingConfig, asym_instance, initial_scalars
from theorylab.sensing.operators import gaussian_operator
from theorylab.trace import Trace

ASYM, SYM = "sensing_asym_gd", "sensing_sym_gd"
HARD_CODED_ALPHA = 0.2  # the profile's default alpha


def _run_asym(config: AsymmetricConfig, M_star, F0, G0, operator, **options) -> Trace:
    trace = algorithms.asymmetric_gd(M_star, F0, G0, eta=config.eta, T=config.T, operator=operator,
                                     err_stop=config.err_stop, one_step_tau=config.one_step_tau or None,
                                     r=config.r, **options)
    trace.scalars.update(initial_scalars(config, M_star, F0, G0))
    return trace


@mutant(ASYM, "balanced_init")
def balanced_init(config: AsymmetricConfig, rng: np.random.Generator) -> Trace:
    """Initializes G0 = F0 (balanced): the imbalance the linear rate rests on is gone."""
    M_star, F0, _, operator = asym_instance(config, rng)
    return _run_asym(config, M_star, F0, F0.copy(), operator)


@mutant(ASYM, "init_scale_ignored")
def init_scale_ignored(config: AsymmetricConfig, rng: np.random.Generator) -> Trace:
    """Draws the init at a hard-coded scale 0.2 (and 0.2/3), whatever alpha the config asks for."""
    return _run_asym(config, *asym_instance(dataclasses.replace(config, alpha=HARD_CODED_ALPHA), rng))


@numba.njit(cache=True)
def _untransposed_gd(F, G, M, A, eta, T, err_stop, stop_ratio, y_norm2, err, loss, offset):
    """``_kernels.asymmetric_gd`` with the bug ``G <- G - eta W F`` (``W`` not transposed)."""
    for t in range(T + 1):
        E = F @ np.ascontiguousarray(G.T) - M
        W, loss_t = _kernels._gradient_matrix(A, E)
        err[offset + t] = np.sqrt(np.sum(E * E))
        loss[offset + t] = loss_t
        if not (np.isfinite(err[offset + t]) and np.isfinite(loss_t)):
            return t + 1, _kernels.DIVERGED
        if err[offset + t] <= err_stop:
            return t + 1, _kernels.FLOOR
        if 2.0 * loss_t <= stop_ratio * y_norm2:
            return t + 1, _kernels.TRIGGERED
        if t == T:
            break
        F_next = F - eta * (W @ G)
        G -= eta * (W @ F)
        F[:, :] = F_next
    return T + 1, _kernels.DONE


@mutant(ASYM, "untransposed_residual")
def untransposed_residual(config: AsymmetricConfig, rng: np.random.Generator) -> Trace:
    """Updates G with W F instead of W^T F: the symmetric update applied to the asymmetric problem."""
    return _run_asym(config, *asym_instance(config, rng), kernel=_untransposed_gd)


def _no_step(F: np.ndarray, G: np.ndarray, residual_norm: float) -> tuple[np.ndarray, np.ndarray]:
    return F, G


@mutant(ASYM, "one_step_skipped")
def one_step_skipped(config: AsymmetricConfig, rng: np.random.Generator) -> Trace:
    """Fires the one-step trigger but leaves F and G unchanged (the special step is skipped)."""
    return _run_asym(config, *asym_instance(config, rng), special_step=_no_step)


@mutant(ASYM, "one_step_equalize_f")
def one_step_equalize_f(config: AsymmetricConfig, rng: np.random.Generator) -> Trace:
    """Special step F <- c F (F^T F)^(-1/2): alpha-free but leaves the signal unbalanced (rate / kappa)."""
    return _run_asym(config, *asym_instance(config, rng), special_step=algorithms.one_step_rebalance)


def _sym_trace(config: SensingConfig, rng: np.random.Generator, *, eta: float, symmetric: bool) -> Trace:
    target_rng, init_rng, operator_rng = rng.spawn(3)
    M_star = problems.psd_target(target_rng, config.n, config.r, config.kappa)
    X0 = problems.gaussian_factor(init_rng, config.n, config.k, config.alpha)
    operator = gaussian_operator(operator_rng, config.m, config.n, config.n, symmetric=symmetric) if config.m else None
    trace = algorithms.symmetric_gd(M_star, X0, eta=eta, T=config.T, operator=operator, err_stop=config.err_stop)
    trace.scalars["sigma_r"] = float(problems.spectrum(config.r, config.kappa)[-1])
    return trace


@mutant(SYM, "gradient_factor_two")
def gradient_factor_two(config: SensingConfig, rng: np.random.Generator) -> Trace:
    """Steps with the loss gradient 2 A*(A(X X^T) - y) X at the same eta: the step constant is doubled."""
    return _sym_trace(config, rng, eta=2.0 * config.eta, symmetric=True)


@mutant(SYM, "double_normalized_operator")
def double_normalized_operator(config: SensingConfig, rng: np.random.Generator) -> Trace:
    """Scales the operator by 1/m instead of m^(-1/2) (the 1/m of the loss applied twice): A* A ~ I / m."""
    target_rng, init_rng, operator_rng = rng.spawn(3)
    M_star = problems.psd_target(target_rng, config.n, config.r, config.kappa)
    X0 = problems.gaussian_factor(init_rng, config.n, config.k, config.alpha)
    operator = None
    if config.m:
        operator = gaussian_operator(operator_rng, config.m, config.n, config.n, symmetric=True) / np.sqrt(config.m)
    trace = algorithms.symmetric_gd(M_star, X0, eta=config.eta, T=config.T, operator=operator, err_stop=config.err_stop)
    trace.scalars["sigma_r"] = float(problems.spectrum(config.r, config.kappa)[-1])
    return trace
