"""User problems: f, g and their derivatives handed in reach the experiments, the algorithms and a claim."""

import numpy as np
import pytest

from theorylab.bilevel import algorithms, problems
from theorylab.claims import evaluate
from theorylab.context import Context
from theorylab.registry import load_paper

A = np.array([1.0, -0.5, 2.0])


def _u1(rng):
    """Three lower-level variables tracking sin(a x) with a quartic term: strongly convex, not quadratic."""
    p = problems.UserBilevel(
        f=lambda x, y: 0.5 * np.sum((y - 1.0) ** 2) + np.cos(x[0]),
        g=lambda x, y: 0.5 * np.sum((y - np.sin(A * x[0])) ** 2) + 0.1 * np.sum(y ** 4),
        grad_x_f=lambda x, y: np.array([-np.sin(x[0])]),
        grad_y_f=lambda x, y: y - 1.0,
        grad_x_g=lambda x, y: np.array([-np.sum((y - np.sin(A * x[0])) * A * np.cos(A * x[0]))]),
        grad_y_g=lambda x, y: (y - np.sin(A * x[0])) + 0.4 * y ** 3, dx=1, dy=3, name="u1")
    return p, rng.uniform(0.2, 1.5, 1)


def _u2(rng):
    """Softplus lower level in one variable driven by two upper-level variables."""
    def sig(t):
        return 1.0 / (1.0 + np.exp(-t))
    p = problems.UserBilevel(
        f=lambda x, y: 0.5 * (y[0] - 1.0) ** 2 + 0.1 * float(x @ x),
        g=lambda x, y: np.logaddexp(0.0, y[0] - x[0]) + 0.5 * (y[0] - x[1]) ** 2,
        grad_x_f=lambda x, y: 0.2 * x,
        grad_y_f=lambda x, y: y - 1.0,
        grad_x_g=lambda x, y: np.array([-sig(y[0] - x[0]), -(y[0] - x[1])]),
        grad_y_g=lambda x, y: np.array([sig(y[0] - x[0]) + (y[0] - x[1])]), dx=2, dy=1, name="u2")
    return p, rng.uniform(-1.0, 1.0, 2)


@pytest.fixture(scope="module", autouse=True)
def registered():
    problems.register_problem("user_u1", _u1)
    problems.register_problem("user_u2", _u2)
    yield


def test_builtin_names_are_reserved():
    with pytest.raises(ValueError, match="built-in"):
        problems.register_problem("p2", _u1)


@pytest.mark.parametrize("name", ["user_u1", "user_u2"])
def test_user_problem_reaches_the_closeness_claim(name):
    module = load_paper("bilevel_penalty")
    claim = module.user_closeness_claim(name, seeds=2)
    with Context("quick", store=False, workers=1) as ctx:
        verdict = evaluate(claim, ctx)
    assert verdict.error is None, verdict.error
    assert verdict.state == "agrees", [(r.law.describe(), r.state, r.estimate) for r in verdict.predicted]
    assert verdict.separation >= 1


@pytest.mark.parametrize("name", ["user_u1", "user_u2"])
def test_user_problem_runs_the_double_loop_and_the_sigma_bias_experiment(name):
    with Context("quick", store=False, workers=1) as ctx:
        pdl = ctx.runs("bilevel_pdl", seeds=[0], problem=name, eps=0.1, alpha_per_sigma=0.0, alpha=0.1,
                       max_outer=3000)[0]
        bias = ctx.runs("bilevel_sigma_bias", seeds=[0], problem=name, sigma_min=1e-3, n_sigma=3, tol=1e-8,
                        step=0.2)[0]
    assert pdl.scalars["reached"] == 1.0 and pdl["grad_psi"][-1] <= 0.1
    assert np.all(bias["grad_psi_sigma"] <= 1e-8)
    slope = np.polyfit(np.log(bias.t), np.log(bias["grad_psi"]), 1)[0]
    assert slope == pytest.approx(1.0, abs=0.1)


def test_stationary_point_of_penalty_accepts_any_problem_class():
    problem, x = _u2(np.random.default_rng(0))
    xb, res, _ = algorithms.stationary_point_of_penalty(problem, x, 0.01, step=0.2, tol=1e-8, max_iter=5000)
    assert res <= 1e-8


def test_generic_double_loop_matches_the_kernel_on_p1():
    rng = np.random.default_rng(4)
    problem, x0 = problems.make_p1(rng, dx=2), rng.uniform(-2, 2, 2)
    options = dict(sigma=0.05, alpha=0.05, eps=1e-3, inner_tol=1e-6, max_outer=30)
    kernel = algorithms.penalty_double_loop(problem, x0, **options)
    lg = problem.lipschitz_g
    generic = algorithms.penalty_double_loop_generic(problem, x0, inner_step=1.0 / (0.05 + lg), **options)
    # same algorithm up to the z-step (kernel: 1 / L_g); both track grad psi to the inner tolerance
    np.testing.assert_allclose(generic["grad_psi"], kernel["grad_psi"], rtol=1e-3, atol=1e-6)
