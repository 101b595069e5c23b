"""Numba kernels of the penalty algorithms against their NumPy references, and run behaviour."""

import numpy as np
import pytest

from theorylab.bilevel import algorithms, problems


@pytest.fixture(scope="module")
def p2():
    rng = np.random.default_rng(0)
    return problems.make_p2(rng), rng.uniform(-2, 2, 3)


@pytest.fixture(scope="module")
def p1():
    rng = np.random.default_rng(1)
    return problems.make_p1(rng, dx=2), rng.uniform(-2, 2, 2)


def test_double_loop_kernel_matches_reference(p2):
    problem, x0 = p2
    options = dict(sigma=0.02, alpha=0.05, eps=1e-3, inner_tol=1e-4, max_outer=25)
    trace = algorithms.penalty_double_loop(problem, x0, **options)
    ref = np.array(algorithms.penalty_double_loop_reference(problem, x0, max_inner=1_000_000, **options))
    np.testing.assert_array_equal(trace["oracle_calls"], ref[:, 0])
    np.testing.assert_allclose(trace["grad_psi"], ref[:, 1], rtol=1e-10, atol=1e-13)


def test_stochastic_double_loop_kernel_matches_reference(p1):
    problem, x0 = p1
    trace = algorithms.stochastic_double_loop(problem, x0, np.random.default_rng(7), sigma=0.1, alpha=0.05,
                                              noise=0.3, n_outer=6, n_inner=4, batch=3)
    rng = np.random.default_rng(7)
    arrays = (rng.standard_normal((6, 4, 2, 5)), rng.standard_normal((6, 3, 2)), rng.standard_normal((6, 3, 2, 5)))
    ref = algorithms.stochastic_double_loop_reference(problem, x0, arrays, sigma=0.1, alpha=0.05, noise=0.3)
    np.testing.assert_allclose(trace["grad_psi"], ref, rtol=1e-10, atol=1e-13)
    assert trace["oracle_calls"][-1] == 6 * (4 * 3 + 3 * 3)


def test_single_loop_kernel_matches_reference(p1):
    problem, x0 = p1
    trace = algorithms.momentum_single_loop(problem, x0, np.random.default_rng(3), sigma=0.1, alpha=0.05, eta=0.3,
                                            noise=0.2, n_iter=12, record_every=1)
    rng = np.random.default_rng(3)
    arrays = (rng.standard_normal((12, 5)), rng.standard_normal((12, 2)), rng.standard_normal((12, 5)),
              rng.standard_normal((12, 2, 5)))
    ref = algorithms.momentum_single_loop_reference(problem, x0, arrays, sigma=0.1, alpha=0.05, eta=0.3, noise=0.2)
    np.testing.assert_allclose(trace["grad_psi"], ref, rtol=1e-10, atol=1e-13)
    assert trace["oracle_calls"][-1] == 3 + 6 * 11


def test_implicit_differentiation_kernel_matches_reference(p1):
    problem, x0 = p1
    trace = algorithms.implicit_differentiation(problem, x0, alpha=0.1, n_outer=15, n_inner=20, n_cg=problem.dy)
    ref = algorithms.implicit_differentiation_reference(problem, x0, alpha=0.1, n_outer=15, n_inner=20)
    np.testing.assert_allclose(trace["grad_psi"], ref, rtol=1e-8, atol=1e-11)


def test_double_loop_reaches_eps_and_counts_calls(p2):
    problem, x0 = p2
    trace = algorithms.penalty_double_loop(problem, x0, sigma=0.02, alpha=0.05, eps=0.1, inner_tol=2e-4)
    assert trace.scalars["reached"] == 1.0 and trace["grad_psi"][-1] <= 0.1
    assert np.all(np.diff(trace["oracle_calls"]) >= 5)  # >= one y-, one z-gradient and the 3-call x-step
    assert not trace.diverged


def test_stationary_point_of_penalty_is_sigma_biased(p2):
    problem, x0 = p2
    x, res, _ = algorithms.stationary_point_of_penalty(problem, x0, 1e-2, tol=1e-12)
    assert res <= 1e-12
    bias = np.linalg.norm(problem.grad_psi(x))
    assert 1e-4 < bias < 1.0  # Theta(sigma), neither 0 nor O(1)


def test_divergent_step_is_flagged_not_raised(p2):
    from theorylab.registry import get_experiment, run_experiment
    from theorylab.config import build_config

    exp = get_experiment("bilevel_pdl")
    config = build_config(exp.config, {"problem": "p2", "alpha": 1e3, "max_outer": 200})
    trace = run_experiment(exp, config, 0)
    assert trace.diverged and trace.diverged_at is not None


def test_algorithms_reject_bad_inputs(p2):
    problem, x0 = p2
    with pytest.raises(ValueError, match="sigma"):
        algorithms.penalty_double_loop(problem, x0, sigma=0.0, alpha=0.05, eps=0.1, inner_tol=1e-3)
    with pytest.raises(TypeError, match="QuadraticBilevel"):
        algorithms.penalty_double_loop(problems.CircleBilevel(), np.zeros(1), sigma=0.1, alpha=0.05, eps=0.1,
                                       inner_tol=1e-3)


def test_shared_sample_estimator_variance_matches_its_closed_form(p1):
    problem, x = p1
    sigma = 0.01
    y, z = problem.penalty_solution(x, sigma), problem.f_minimal_solution(x)
    noise = np.random.default_rng(0).standard_normal((2, 20000, problem.dx, problem.dy))
    shared = algorithms.penalty_x_estimates(problem, x, y, z, sigma, noise[0], noise[0])
    independent = algorithms.penalty_x_estimates(problem, x, y, z, sigma, noise[0], noise[1])
    # (N v)_i has variance ||v||^2 for a standard normal matrix N
    assert np.sum(np.var(shared, axis=0)) == pytest.approx(problem.dx * np.sum((y - z) ** 2) / sigma ** 2, rel=0.05)
    expected = problem.dx * (y @ y + z @ z) / sigma ** 2
    assert np.sum(np.var(independent, axis=0)) == pytest.approx(expected, rel=0.05)
    np.testing.assert_allclose(shared.mean(axis=0), (problem.grad_x_g(x, y) - problem.grad_x_g(x, z)) / sigma,
                               atol=0.05 * np.sqrt(problem.dx) * np.linalg.norm(y - z) / sigma)
