"""Mutants of the bilevel_penalty experiments: the paper's mechanisms broken as a buggy reimplementation would.

Each mutant takes its base experiment's config and returns a Trace of the same shape; ``theorylab
mutate bilevel_penalty`` runs the claims with the mutant in place of the experiment and reports which
claims kill it. None of them is a setting the claims already vary.
"""

from __future__ import annotations

import numpy as np

from theorylab.bilevel import experiments as ex
from theorylab.bilevel import problems
from theorylab.registry import mutant


def _sigmas(config):
    return ex._sigma_grid(config.sigma_min, config.sigma_max, config.n_sigma)


@mutant("bilevel_closeness", "sigma_squared_weight")
def sigma_squared_weight(config, rng):
    """Inner problem min_y sigma^2 f + g instead of sigma f + g (sigma^2 where sigma belongs), divided by sigma."""
    problem, x = config.build(rng)

    def value(p, x, s):
        y = p.penalty_solution(x, s * s)
        return p.f(x, y) + p.g_excess(x, y) / s

    def gradient(p, x, s):
        y, z = p.penalty_solution(x, s * s), p.other_solution(x)
        return p.grad_x_f(x, y) + (p.grad_x_g(x, y) - p.grad_x_g(x, z)) / s

    return ex.closeness_trace(problem, x, _sigmas(config), value=value, gradient=gradient)


@mutant("bilevel_closeness", "non_f_minimal_selection")
def non_f_minimal_selection(config, rng):
    """psi and grad psi taken at a lower-level solution that is not f-minimal (minimum-norm / -u selection)."""
    problem, x = config.build(rng)
    y = problem.other_solution(x)
    return ex.closeness_trace(problem, x, _sigmas(config), psi=problem.f(x, y),
                              grad_psi=problems.multi_solution_hypergradient(problem, x, y))


@mutant("bilevel_closeness", "lower_level_value_unsolved")
def lower_level_value_unsolved(config, rng):
    """grad_x g(x, z) at z = 0 instead of a lower-level solution: the g* solve skipped in the Danskin gradient."""
    problem, x = config.build(rng)

    def gradient(p, x, s):
        y = p.penalty_solution(x, s)
        return p.grad_x_f(x, y) + (p.grad_x_g(x, y) - p.grad_x_g(x, np.zeros(p.dy))) / s

    return ex.closeness_trace(problem, x, _sigmas(config), gradient=gradient)


@mutant("bilevel_hypergradient", "implicit_term_dropped")
def implicit_term_dropped(config, rng):
    """Thm 3.2's hypergradient without its implicit term: grad_x f(x, y*) alone (also in the KKT form)."""
    problem, x = config.build(rng)

    def formula(p, x, y, *args, **kwargs):
        return p.grad_x_f(x, y)

    return ex.hypergradient_trace(problem, x, config.h, formula=formula, kkt=formula)


@mutant("bilevel_hypergradient", "multipliers_ignored")
def multipliers_ignored(config, rng):
    """The constrained hypergradient computed with an empty active set: the KKT multipliers' rows dropped."""
    problem, x = config.build(rng)

    def kkt(p, x, y, tol=1e-9):
        return problems.multi_solution_hypergradient(p, x, y)

    return ex.hypergradient_trace(problem, x, config.h, kkt=kkt)


@mutant("bilevel_sigma_bias", "sigma_squared_penalty")
def sigma_squared_penalty(config, rng):
    """Stationary points of f + (g - g*)/sigma^2 instead of f + (g - g*)/sigma (sigma^2 where sigma belongs)."""
    def gradient(p, x, s):
        return p.penalty_gradient_reduced(x, s * s)

    return ex.sigma_bias_trace(config, rng, gradient=gradient)


@mutant("bilevel_pdl", "penalty_sign_flipped")
def penalty_sign_flipped(config, rng):
    """The penalty term (grad_x g(x, y) - grad_x g(x, z)) / sigma enters the x-step with the wrong sign."""
    return ex.run_double_loop(config, rng, penalty_sign=-1.0)


@mutant("bilevel_pdl", "inner_tolerance_ignored")
def inner_tolerance_ignored(config, rng):
    """The inner solver's tolerance ignored: one warm-started inner step on y and on z per outer step."""
    return ex.run_double_loop(config, rng, inner_tol=0.0, max_inner=1)


@mutant("bilevel_estimator_variance", "independent_samples")
def independent_samples(config, rng):
    """The two grad_x g terms of the x-estimate drawn with independent lower-level samples (benchopt F2SA style)."""
    return ex.estimator_variance_trace(config, rng, share=False)
