"""Mutants of the last-iterate SGD experiments: the mechanisms the claims rest on, broken on purpose.

Each takes its base experiment's config and returns a Trace of the same shape; ``theorylab mutate
last_iterate_sgd`` runs the claims on them and expects every one to be killed (not ``agrees``).
The comment on each says which claim should kill it and why.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from theorylab.registry import mutant
from theorylab.sgd import experiments as sgd
from theorylab.sgd import schedules


# H1: the log factor of Thm 3.4 rests on the oracle returning the *smallest* active piece.
@mutant("sgd_harvey_strongly_convex", "largest_index_tie")
def sc_largest_index_tie(config, rng):
    """Oracle breaks ties by the largest active index: the hard instance no longer builds up log T."""
    return sgd._harvey_trace(config, largest_index=True)


# H2: the same tie-breaking rule on the Lipschitz instance (Thm 3.5).
@mutant("sgd_harvey_lipschitz", "largest_index_tie")
def lip_largest_index_tie(config, rng):
    """Lipschitz instance with ties broken by the largest active index (not Harvey et al.'s oracle)."""
    return sgd._harvey_trace(config, largest_index=True)


# C1: the anytime step eta/sqrt(t) with its exponent mistyped.
@mutant("sgd_smooth_convex", "step_exponent_0.4")
def smooth_step_exponent(config, rng):
    """eta/t^0.4 instead of eta/sqrt(t) (cap kept): the noise floor then decays like T^-0.4."""
    schedule = schedules.InversePower(config.eta, p=2.5, cap=config.cap if config.cap > 0 else np.inf)
    return sgd._stochastic_trace(config, rng, schedule=schedule)


# C3: the prox step of h = (mu/2)||x||^2 with the modulus halved (y / (1 + eta mu / 2)).
@mutant("sgd_composite_strongly_convex", "prox_half_modulus")
def composite_prox_half(config, rng):
    """Prox step divides by 1 + eta mu/2 (mu confused with the coefficient mu/2 of h): it converges to the
    minimizer of f + (mu/4)||x||^2, not of F, so the gap on F stalls."""
    return sgd._stochastic_trace(config, rng, prox_mu=config.mu_h / 2.0)


# C5: the heavy-tail schedule eta/t^(1/p) replaced by the finite-variance eta/sqrt(t).
@mutant("sgd_heavy_tail", "sqrt_t_steps")
def heavy_tail_sqrt_steps(config, rng):
    """Ignores the moment order p: eta/sqrt(t) for every p, so the exponent no longer follows 1/p - 1."""
    return sgd._stochastic_trace(config, rng, schedule=schedules.InverseSqrt(config.eta))


# HP: the +-1 noise of Harvey et al. App. G mis-scaled (variance 2 instead of 1).
@mutant("sgd_high_probability", "noise_variance_doubled")
def hp_noise_doubled(config, rng):
    """Oracle noise +-sqrt(2) instead of +-1 (variance mis-scaled by 2): T f(x_{T+1}) -> chi^2_1, not chi^2_1 / 2."""
    return sgd._stochastic_trace(dataclasses.replace(config, sigma=np.sqrt(2.0) * config.sigma), rng)


# C2: linear decay counted from t = 0, i.e. eta (T - t + 2)/T^(3/2): the first step is too long.
@mutant("sgd_linear_decay_explicit", "linear_decay_off_by_one")
def linear_decay_off_by_one(config, rng):
    """Linear decay (R/B)(T - t + 2)/T^(3/2) (off by one step): breaks the explicit B R / sqrt(T) bound."""
    def steps(T, R, B):
        t = np.arange(1, T + 1, dtype=float)
        return config.eta_scale * (R / B) * (T - t + 2.0) / T**1.5
    return sgd._nonsmooth_trace(config, rng, steps=steps)


# HU: the anytime step of the unbounded-domain headline with the square root applied twice.
@mutant("sgd_hp_unbounded", "step_fourth_root")
def hp_unbounded_step_fourth_root(config, rng):
    """eta/t^(1/4) (sqrt applied twice) instead of eta/sqrt(t): the quantiles decay like T^-1/4, so
    sqrt(T) q / ln T grows. Known-T runs (linear decay) are left as they are."""
    if config.schedule != "inverse_sqrt":
        return sgd._stochastic_trace(config, rng)
    return sgd._stochastic_trace(config, rng, schedule=schedules.InversePower(config.eta, p=4.0))


# MD: the entropic step without its sqrt(log d) scale (tuned as for a d-independent geometry).
@mutant("sgd_entropic_md", "step_without_log_d")
def md_step_without_log_d(config, rng):
    """eta_t = 1/(G sqrt(t)) for every d: the D_psi = log d term is no longer balanced, gap ~ log d."""
    G = 1.0 + max(config.gap_grid)
    return sgd._entropic_trace(config, rng, steps=lambda d: 1.0 / (G * np.sqrt(np.arange(1, config.T + 1.0))))

