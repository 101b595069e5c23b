"""The bilevel test problems: oracles, closed forms, solution sets and penalty invariants."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theorylab.bilevel import problems


def _fd(fun, x, h=1e-6):
    return np.array([(fun(x + h * e) - fun(x - h * e)) / (2 * h) for e in np.eye(len(x))])


def _cases():
    rng = np.random.default_rng(3)
    return [(problems.make_p1(np.random.default_rng(0)), rng.uniform(-2, 2, 3)),
            (problems.make_p2(np.random.default_rng(0)), rng.uniform(-2, 2, 3)),
            (problems.CircleBilevel(), np.array([0.7])),
            (problems.PBGDToy(), np.array([1.3])),
            (problems.DegenerateBilevel(), np.array([0.4]))]


CASES = _cases()
IDS = [p.name for p, _ in CASES]


@pytest.mark.parametrize("problem, x", CASES, ids=IDS)
def test_oracles_match_finite_differences(problem, x):
    y = np.random.default_rng(1).standard_normal(problem.dy)
    pairs = [(lambda u: problem.f(u, y), x, problem.grad_x_f(x, y)),
             (lambda v: problem.f(x, v), y, problem.grad_y_f(x, y)),
             (lambda u: problem.g(u, y), x, problem.grad_x_g(x, y)),
             (lambda v: problem.g(x, v), y, problem.grad_y_g(x, y)),
             (problem.psi, x, problem.grad_psi(x))]
    for fun, point, exact in pairs:
        np.testing.assert_allclose(_fd(fun, point), exact, rtol=1e-6, atol=1e-7)
    hyy = np.array([_fd(lambda v: problem.grad_y_g(x, v)[j], y) for j in range(problem.dy)])
    hxy = np.array([_fd(lambda u: problem.grad_y_g(u, y)[j], x) for j in range(problem.dy)]).T
    np.testing.assert_allclose(hyy, problem.hess_yy_g(x, y), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(hxy, problem.hess_xy_g(x, y), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("problem, x", CASES, ids=IDS)
def test_lower_level_solutions(problem, x):
    y_star, other = problem.f_minimal_solution(x), problem.other_solution(x)
    assert problem.g_excess(x, y_star) <= 1e-24 and problem.g_excess(x, other) <= 1e-24
    assert np.linalg.norm(problem.grad_y_g(x, y_star)) <= 1e-12
    assert problem.psi(x) == pytest.approx(problem.f(x, y_star), abs=1e-12)
    assert problem.f(x, y_star) <= problem.f(x, other) + 1e-12


def test_f_minimal_solution_of_p2_is_the_projection_onto_the_solution_set():
    rng = np.random.default_rng(5)
    p = problems.make_p2(rng)
    x = rng.uniform(-2, 2, 3)
    # direct: min ||y - z|| s.t. A y = M x, via a basis of the solution set
    sol = np.linalg.lstsq(p.H, p.J @ x, rcond=None)[0]
    _, s, vt = np.linalg.svd(p.H)
    null = vt[np.sum(s > 1e-10 * s[0]):].T
    z = p.C @ x + p.e
    direct = sol + null @ (null.T @ (z - sol))
    np.testing.assert_allclose(p.f_minimal_solution(x), direct, atol=1e-10)


def test_g_excess_equals_g_minus_lower_value():
    for problem, x in CASES:
        y = np.random.default_rng(2).standard_normal(problem.dy)
        g_star = problem.g(x, problem.f_minimal_solution(x))
        assert problem.g_excess(x, y) == pytest.approx(problem.g(x, y) - g_star, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("sigma", [1e-4, 1e-2, 0.5])
def test_p1_penalty_matches_the_card_closed_forms(sigma):
    p = problems.make_p1(np.random.default_rng(0))
    x = np.array([0.3, -1.2, 0.8])
    Q, B, b = p.H, p.J, p.e
    c = B @ x + sigma * b
    Qs = Q + sigma * np.eye(5)
    value = (np.sum(np.cos(x)) + 0.5 * b @ b
             - (c @ np.linalg.solve(Qs, c) - (B @ x) @ np.linalg.solve(Q, B @ x)) / (2 * sigma))
    grad = -np.sin(x) - (B.T @ np.linalg.solve(Qs, c) - B.T @ np.linalg.solve(Q, B @ x)) / sigma
    assert problems.penalty_value(p, x, sigma) == pytest.approx(value, rel=1e-9)
    np.testing.assert_allclose(problems.penalty_gradient(p, x, sigma), grad, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(p.penalty_gradient_reduced(x, sigma), grad, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("sigma", [1e-5, 1e-3, 0.3])
def test_p2_penalty_matches_the_reduced_card_formula(sigma):
    rng = np.random.default_rng(4)
    A, M = rng.standard_normal((2, 6)), rng.standard_normal((2, 3))
    C, e = rng.standard_normal((6, 3)), rng.standard_normal(6)
    p = problems.QuadraticBilevel(A.T @ A, A.T @ M, M.T @ M, C, e, 1.0, "P2")
    x = rng.uniform(-2, 2, 3)
    reduced = problems.p2_psi_sigma_reduced(p, A, M, x, sigma)
    assert problems.penalty_value(p, x, sigma) == pytest.approx(reduced, rel=1e-9)
    exact_gap = 0.5 * sigma * (w := A @ (C @ x + e) - M @ x) @ np.linalg.solve(A @ A.T, np.linalg.solve(
        sigma * np.eye(2) + A @ A.T, w))
    assert p.psi(x) - reduced == pytest.approx(exact_gap, rel=1e-6)
    np.testing.assert_allclose(_fd(lambda u: problems.p2_psi_sigma_reduced(p, A, M, u, sigma), x),
                               p.penalty_gradient_reduced(x, sigma), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("problem, x", CASES, ids=IDS)
def test_penalty_solution_is_a_global_minimizer(problem, x):
    sigma = 0.05
    y = problem.penalty_solution(x, sigma)
    assert np.linalg.norm(sigma * problem.grad_y_f(x, y) + problem.grad_y_g(x, y)) <= 1e-12
    h = sigma * problem.f(x, y) + problem.g(x, y)
    probes = y + np.random.default_rng(0).uniform(-3, 3, (2000, problem.dy))
    assert min(sigma * problem.f(x, v) + problem.g(x, v) for v in probes) >= h - 1e-12


def test_degenerate_family_gaps_are_exact():
    mu, gap, grad_gap = problems.degenerate_gaps([0.1, 0.5], 1e-3)
    np.testing.assert_allclose(gap, 0.5e-3 / (1e-3 + mu), rtol=1e-9)
    np.testing.assert_allclose(grad_gap, np.sqrt(mu) * 1e-3 / (1e-3 + mu) ** 2, rtol=1e-7)


def test_multi_solution_hypergradient_reduces_to_implicit_function_formula_on_p1():
    p = problems.make_p1(np.random.default_rng(1))
    x = np.array([0.5, 0.1, -0.7])
    y = p.f_minimal_solution(x)
    classical = -np.sin(x) + p.J.T @ np.linalg.solve(p.H, y - p.e)
    np.testing.assert_allclose(problems.multi_solution_hypergradient(p, x, y), classical, atol=1e-12)


PROPERTY_PROBLEMS = [p for p, _ in CASES]


@settings(deadline=None, max_examples=60)
@given(index=st.integers(0, len(PROPERTY_PROBLEMS) - 1),
       coords=st.lists(st.floats(-2.0, 2.0), min_size=3, max_size=3),
       log_sigmas=st.lists(st.floats(-4.0, 0.0), min_size=2, max_size=2))
def test_penalty_is_below_psi_and_nonincreasing_in_sigma(index, coords, log_sigmas):
    problem = PROPERTY_PROBLEMS[index]
    x = np.array(coords[: problem.dx])
    if isinstance(problem, problems.DegenerateBilevel) and abs(x[0]) < 1e-3:
        x = x + 0.5  # psi jumps at x = 0 (where the error bound fails)
    if isinstance(problem, problems.PBGDToy):
        x = np.abs(x) + 0.05  # the toy lives on X = [0, 3]
    small, large = sorted(10.0 ** np.array(log_sigmas))
    psi = problem.psi(x)
    v_small, v_large = problems.penalty_value(problem, x, small), problems.penalty_value(problem, x, large)
    scale = 1e-12 * (1 + abs(psi))
    assert v_small <= psi + scale
    assert v_large <= v_small + scale

