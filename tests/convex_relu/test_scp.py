import cvxpy as cp
import numpy as np

from theorylab.convex_relu import data, scp


def test_fista_matches_cvxpy_lasso_and_satisfies_the_dual_constraint():
    rng = np.random.default_rng(0)
    X, y = data.teacher_regression(30, 3, rng)
    U = scp.sample_neurons(4, 12, rng)
    alpha = scp.fit_second_layer(X, y, U, 0.1)
    Phi = np.maximum(X @ U, 0.0)
    a = cp.Variable(12)
    prob = cp.Problem(cp.Minimize(0.5 * cp.sum_squares(Phi @ a - y) + 0.1 * cp.norm1(a)))
    prob.solve(solver="CLARABEL")
    assert abs(scp.lasso_objective(X, y, U, alpha, 0.1) - prob.value) <= 1e-7 * prob.value
    assert scp.violation_rate(X, y - Phi @ alpha, 0.1, U, slack=1e-4) == 0.0


def test_growing_the_sample_lowers_the_violation_rate():
    rng = np.random.default_rng(1)
    X, y = data.teacher_regression(40, 3, rng)
    out = scp.scp(X, y, 0.1, rng, start=8, target=0.02, max_neurons=512)
    assert out.violation[-1] < out.violation[0]
    assert list(out.neurons) == [8 * 2 ** i for i in range(len(out.neurons))]
