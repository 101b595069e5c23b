"""The plateau instance P6, the box-constrained lower level P7, Theorem 3.2's KKT form, and the mutants."""

import numpy as np
import pytest

from theorylab.bilevel import algorithms, problems
from theorylab.bilevel import mutants  # noqa: F401  registers the mutants
from theorylab.config import build_config
from theorylab.registry import get_experiment, get_mutant, run_experiment


def _fd(fun, x, h=1e-6):
    return np.array([(fun(x + h * e) - fun(x - h * e)) / (2 * h) for e in np.eye(len(x))])


def test_plateau_psi_is_flat_plus_huber_and_oracles_match_finite_differences():
    problem, x0 = problems.make_plateau(np.random.default_rng(0), 0.1)
    for x in (np.array([0.3]), np.array([2.5]), x0):
        np.testing.assert_allclose(problem.grad_psi(x), _fd(problem.psi, x), rtol=1e-6, atol=1e-8)
        y = problem.f_minimal_solution(x)
        np.testing.assert_allclose(problem.grad_psi(x), problems.multi_solution_hypergradient(problem, x, y),
                                   rtol=1e-9, atol=1e-12)
    assert problem.grad_psi(np.array([5.0]))[0] == pytest.approx(0.2)  # = beta = 2 eps on the plateau
    assert problem.psi(x0) - problem.psi(np.zeros(1)) == pytest.approx(1.0 + 0.2 * (0.5 - np.log(2)), rel=1e-9)  # beta = 0.2


def test_plateau_double_loop_follows_exact_gd_count():
    """Exact GD needs 1 / (alpha beta^2) steps on the plateau; the inexact penalty gradient follows it."""
    eps = 0.1
    problem, x0 = problems.make_plateau(np.random.default_rng(1), eps)
    sigma = 0.2 * eps
    trace = algorithms.penalty_double_loop(problem, x0, sigma=sigma, alpha=sigma, eps=eps,
                                           inner_tol=0.1 * sigma * eps, max_outer=5000)
    assert trace.scalars["reached"] == 1.0
    assert len(trace.t) - 1 == pytest.approx(1.0 / (sigma * (2 * eps) ** 2), rel=0.02)
    assert trace.scalars["max_gradient_error"] < 0.1 * eps


def test_double_loop_kernel_matches_reference_on_plateau_with_flipped_sign():
    problem, x0 = problems.make_plateau(np.random.default_rng(2), 0.2)
    options = dict(sigma=0.04, alpha=0.04, eps=0.2, inner_tol=1e-3, max_outer=20, penalty_sign=-1.0)
    trace = algorithms.penalty_double_loop(problem, x0, **options)
    ref = np.array(algorithms.penalty_double_loop_reference(problem, x0, max_inner=1_000_000, **options))
    np.testing.assert_array_equal(trace["oracle_calls"], ref[:, 0])
    np.testing.assert_allclose(trace["grad_psi"], ref[:, 1], rtol=1e-10, atol=1e-13)


def test_box_problem_oracles_solution_and_kkt_hypergradient():
    problem = problems.make_box(np.random.default_rng(3))
    x = np.array([1.1, -0.7])
    y = problem.f_minimal_solution(x)
    assert np.any(np.abs(y) == 1.0)
    for fun, point, exact in [(lambda u: problem.f(u, y), x, problem.grad_x_f(x, y)),
                              (lambda v: problem.g(x, v), y, problem.grad_y_g(x, y)),
                              (lambda u: problem.g(u, y), x, problem.grad_x_g(x, y)),
                              (problem.psi, x, problem.grad_psi(x))]:
        np.testing.assert_allclose(_fd(fun, point), exact, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(problems.kkt_hypergradient(problem, x, y), problem.grad_psi(x), rtol=1e-10, atol=1e-12)
    assert np.all(problems.kkt_multipliers(problem, x, y) > 0)
    # psi_sigma <= psi and its Danskin gradient approaches grad psi like sigma (constrained lower level)
    gaps = [np.linalg.norm(problems.penalty_gradient(problem, x, s) - problem.grad_psi(x)) for s in (1e-3, 1e-4)]
    assert gaps[1] == pytest.approx(gaps[0] / 10, rel=0.05)
    assert problems.penalty_value(problem, x, 1e-3) <= problem.psi(x)


def test_box_hypergradient_experiment_has_active_bounds():
    exp = get_experiment("bilevel_hypergradient")
    trace = run_experiment(exp, build_config(exp.config, {"problem": "p7"}), 0)
    assert trace.scalars["active"] >= 1 and trace.scalars["min_multiplier"] > 0
    assert trace.scalars["f_minimal"] < -6 < -2 < trace.scalars["unconstrained"]


@pytest.mark.parametrize("base, name", [("bilevel_closeness", "sigma_squared_weight"),
                                        ("bilevel_closeness", "non_f_minimal_selection"),
                                        ("bilevel_closeness", "lower_level_value_unsolved"),
                                        ("bilevel_hypergradient", "implicit_term_dropped"),
                                        ("bilevel_hypergradient", "multipliers_ignored"),
                                        ("bilevel_sigma_bias", "sigma_squared_penalty"),
                                        ("bilevel_pdl", "penalty_sign_flipped"),
                                        ("bilevel_pdl", "inner_tolerance_ignored"),
                                        ("bilevel_estimator_variance", "independent_samples")])
def test_mutants_are_registered_with_a_description(base, name):
    m = get_mutant(base, name)
    assert m.mutant_of == base and m.description


def test_inner_tolerance_mutant_breaks_the_gradient_estimate_not_the_count():
    exp = get_experiment("bilevel_pdl")
    config = build_config(exp.config, {"eps": 0.1, "alpha_per_sigma": 1.0, "max_outer": 5000})
    good = run_experiment(exp, config, 0)
    bad = get_mutant("bilevel_pdl", "inner_tolerance_ignored").simulate(config, np.random.default_rng(0))
    assert good.scalars["max_gradient_error"] < 0.01 < 1.0 < bad.scalars["max_gradient_error"]
