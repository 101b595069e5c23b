"""Mutants of the robust-sensing SubGM experiments (Ma & Fattahi, JMLR 2023).

Each mutant is the paper's mechanism broken the way a buggy reimplementation would break it, run
with the base experiment's config; ``theorylab mutate subgm_sign_rip`` checks that the claims
reject every one. Which claim should kill which mutant:

* ``l2_gradient`` -- the sign of the residual replaced by the residual (the l1 sub-gradient becomes
  the l2 gradient): robustness to outliers is gone (C3, C1 with p > 0).
* ``rho_squared`` -- the step decays like ``rho^(2t)`` (the decay applied twice): the tracking rate
  is ``2 log rho`` (C1) and the step budget halves.
* ``alpha_ignored`` -- ``U_0 = B`` whatever ``alpha`` (the init scale dropped): the over-parameterized
  floor is no longer small (C1, C2, C6, C9).
* ``outlier_mask_inverted`` -- the Bernoulli mask negated: a fraction ``1 - p`` is corrupted, so
  even ``p = 0`` is fully corrupted (C1, C3, C5).
* ``nu_as_variance`` -- the dense noise drawn with standard deviation ``nu^2`` instead of ``nu``
  (C5's nu-exponent becomes 2).
* ``noise_ignored_in_sign`` (Sign-RIP Monte Carlo) -- ``Sign(<A_i, X>)`` instead of
  ``Sign(<A_i, X> - s_i)``: the noise never enters ``Q`` (C7).
* ``phi_without_noise`` (uniform Sign-RIP) -- the deviation measured against the noiseless scaling
  ``sqrt(2/pi)`` instead of ``phi(X)``: a bias that does not shrink with m (C10).

Not registered, on purpose: flipping the sign of the sub-gradient on the corrupted rows. For
outliers much larger than the residual, ``sign(R_i)`` is an independent fair coin either way, so that
"mutant" is equivalent to the original in distribution and no check could (or should) kill it.
"""

from __future__ import annotations

import numpy as np

from theorylab.registry import mutant
from theorylab.sensing.sign_rip import deviations, scaling_function
from theorylab.sensing.subgm import (RobustInstance, geometric_steps, instance_draws, l2_gd, subgm, target)
from theorylab.sensing.subgm_experiments import _descent_trace, uniform_sign_rip
from theorylab.trace import Trace


def _instance(config, rng, *, support_rule=np.less, dense_scale=None) -> RobustInstance:
    """The base instance with the outlier mask rule or the dense-noise scale replaced."""
    draws = instance_draws(rng, d=config.d, r=config.r, m=config.m)
    X_star = target(draws.Q, config.kappa)
    scale = config.nu if dense_scale is None else dense_scale
    noise = np.where(support_rule(draws.U, config.p), config.outlier_std * draws.outliers, 0.0) + scale * draws.dense
    return RobustInstance(draws.A, draws.A @ X_star.ravel() + noise, X_star, noise, draws.B)


def _run_subgm(config, inst, *, U0=None, eta=None) -> Trace:
    U0 = config.alpha * inst.B[:, : config.rank] if U0 is None else U0
    eta = geometric_steps(config.eta0, config.rho, config.T) if eta is None else eta
    return _descent_trace(subgm(inst.A, inst.y, U0, inst.X_star, eta))


@mutant("subgm_recovery", "l2_gradient")
def l2_gradient(config, rng):
    """The residual's sign replaced by the residual: l2 gradient steps on the same schedule."""
    inst = config.instance(rng)
    U0 = config.alpha * inst.B[:, : config.rank]
    eta = geometric_steps(config.eta0, config.rho, config.T)
    return _descent_trace(l2_gd(inst.A, inst.y, U0, inst.X_star, eta))


@mutant("subgm_recovery", "rho_squared")
def rho_squared(config, rng):
    """The step decays like eta0 rho^(2t): the decay factor applied twice per iteration."""
    return _run_subgm(config, config.instance(rng), eta=geometric_steps(config.eta0, config.rho**2, config.T))


@mutant("subgm_recovery", "alpha_ignored")
def alpha_ignored(config, rng):
    """U_0 = B[:, :r'] whatever alpha: the initialization scale is dropped."""
    inst = config.instance(rng)
    return _run_subgm(config, inst, U0=inst.B[:, : config.rank].copy())


@mutant("subgm_recovery", "outlier_mask_inverted")
def outlier_mask_inverted(config, rng):
    """The Bernoulli(p) support negated: a fraction 1 - p of the measurements gets the outliers."""
    return _run_subgm(config, _instance(config, rng, support_rule=np.greater_equal))


@mutant("subgm_recovery", "nu_as_variance")
def nu_as_variance(config, rng):
    """Dense noise with standard deviation nu^2 (nu read as the variance)."""
    return _run_subgm(config, _instance(config, rng, dense_scale=config.nu**2))


@mutant("subgm_sign_rip_mc", "noise_ignored_in_sign")
def noise_ignored_in_sign(config, rng):
    """Q = (1/m) sum Sign(<A_i, X>) A_i: the noise s_i is left out of the sign."""
    X = rng.standard_normal((config.d, config.rank_x)) @ rng.standard_normal((config.rank_x, config.d))
    X *= config.x_norm / np.linalg.norm(X)
    total = np.zeros(config.d * config.d)
    for start in range(0, config.m, config.chunk):
        size = min(config.chunk, config.m - start)
        A = rng.standard_normal((size, config.d * config.d))
        total += np.sign(A @ X.ravel()) @ A
    Q = total.reshape(config.d, config.d) / config.m
    phi = scaling_function(config.x_norm, p=config.p, outlier_std=config.outlier_std, nu=config.nu)
    inner, dev_op, dev_k = deviations(Q, X, phi, config.rank_x)
    metrics = {"inner": [inner], "phi": [phi], "deviation_op": [dev_op], "deviation_rank_k": [dev_k],
               "delta": [dev_k / phi]}
    return Trace(np.array([config.m]), metrics)


@mutant("subgm_sign_rip_uniform", "phi_without_noise")
def phi_without_noise(config, rng):
    """Deviation against the noiseless scaling sqrt(2/pi): the outliers' factor in phi is dropped."""
    return uniform_sign_rip(config, rng, scaling=lambda x, **noise: scaling_function(x))
