import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from theorylab.convex_relu import arrangements, data, programs


def test_exact_program_maps_to_a_network_with_the_same_objective():
    rng = np.random.default_rng(0)
    X, y = data.planar_regression(12, rng)
    D = arrangements.enumerate_patterns_2d(X)
    sol = programs.relu_program(X, y, D, 0.1)
    assert abs(programs.convex_objective(X, y, D, sol.V, sol.W, 0.1) - sol.value) <= 1e-7 * sol.value
    assert programs.cone_violation(X, D, sol.V, sol.W) <= 1e-8
    U, alpha = programs.network_from_convex(sol.V, sol.W)
    assert abs(programs.network_objective(X, y, U, alpha, 0.1) - sol.value) <= 1e-6 * sol.value


@settings(deadline=None, max_examples=6)
@given(st.integers(0, 10_000), st.sampled_from(["squared", "hinge"]))
def test_gated_relaxation_is_a_lower_bound(seed, loss):
    rng = np.random.default_rng(seed)
    X, y = data.teacher_regression(20, 2, rng)
    if loss == "hinge":
        y = np.where(y >= np.median(y), 1.0, -1.0)
    D = arrangements.sample_patterns(X, 5, rng)
    relu = programs.relu_program(X, y, D, 0.3, loss=loss)
    gated = programs.gated_program(X, y, D, 0.3, loss=loss)
    assert gated.value <= relu.value + 1e-8 * abs(relu.value)


def test_sampled_program_is_an_upper_bound_on_the_exact_one():
    rng = np.random.default_rng(3)
    X, y = data.planar_regression(15, rng)
    exact = programs.relu_program(X, y, arrangements.enumerate_patterns_2d(X), 0.1).value
    sampled = programs.relu_program(X, y, arrangements.sample_patterns(X, 6, rng), 0.1).value
    assert sampled >= exact - 1e-8 * exact


def test_network_map_drops_blocks_below_the_relative_threshold():
    V = np.array([[1.0, 1e-9], [0.0, 0.0]])
    W = np.zeros((2, 2))
    U, alpha = programs.network_from_convex(V, W)
    assert alpha.tolist() == [1.0] and U.shape == (2, 1)
    assert programs.network_from_convex(np.zeros((2, 2)), W)[1].size == 0


def test_losses_and_validation():
    y = np.array([1.0, -1.0])
    assert programs.loss_value(np.array([1.0, 1.0]), y, "squared") == pytest.approx(2.0)
    assert programs.loss_value(np.array([2.0, 0.5]), y, "hinge") == pytest.approx(1.5)
    with pytest.raises(ValueError):
        programs.loss_value(y, y, "absolute")


def test_solver_error_at_the_tightest_tolerance_falls_back(monkeypatch):
    import cvxpy as cp

    x = cp.Variable(2)
    problem = cp.Problem(cp.Minimize(cp.sum_squares(x - 1)))
    original = cp.Problem.solve
    calls = []

    def flaky(self, *args, **kwargs):
        calls.append(kwargs.get("tol_feas"))
        if len(calls) == 1:
            raise cp.error.SolverError("numerical breakdown")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cp.Problem, "solve", flaky)
    from theorylab.convex_relu.programs import _solve

    _, status, tol = _solve(problem)
    assert calls[:2] == [1e-10, 1e-9] and tol == 1e-9 and status == "optimal at tol 1e-09"


def test_interior_point_step_time_is_positive():
    from theorylab.convex_relu import arrangements, data, programs

    rng = np.random.default_rng(0)
    X, y = data.teacher_regression(40, 3, rng)
    D = arrangements.sample_patterns(X, 4, rng)
    assert 0 < programs.interior_point_step_seconds(X, y, D, 1.0) < 5


def test_bce_loss_value_and_program():
    """BCE on the logit with labels in {0, 1}: the value, and Clarabel's optimum equals the objective at
    its solution (cones feasible); the squared-loss program is unchanged by the new loss."""
    from theorylab.convex_relu import arrangements, data

    z, y01 = np.array([0.0, 2.0, -1.0]), np.array([1.0, 0.0, 1.0])
    # log(1 + e^z) - y z: log 2 (z = 0, y = 1), log(1 + e^2) (y = 0), log(1 + e^-1) + 1 = log(1 + e) (z = -1, y = 1)
    assert programs.loss_value(z, y01, "bce") == pytest.approx(np.log(2.0) + np.log1p(np.exp(2.0))
                                                                + np.log1p(np.exp(1.0)))
    rng = np.random.default_rng(2)
    X, y = data.teacher_regression(30, 2, rng)
    labels = (y > np.median(y)).astype(float)
    D = arrangements.sample_patterns(X, 4, rng)
    sol = programs.relu_program(X, labels, D, 0.3, loss="bce")
    assert sol.tolerance <= 1e-8
    assert abs(programs.convex_objective(X, labels, D, sol.V, sol.W, 0.3, loss="bce") - sol.value) <= 1e-6 * sol.value
    assert programs.cone_violation(X, D, sol.V, sol.W) <= 1e-7
    assert sol.value < 30 * np.log(2.0)          # the zero net's value: the optimum uses neurons
    assert programs.gated_program(X, labels, D, 0.3, loss="bce").value <= sol.value + 1e-8 * sol.value
