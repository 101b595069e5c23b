import numpy as np
import pytest

from theorylab.convex_relu import _kernels, baseline, data


def test_gradients_match_reference_and_finite_differences():
    rng = np.random.default_rng(0)
    X, y = data.planar_regression(20, rng)
    U, alpha = rng.standard_normal((2, 6)), rng.standard_normal(6)
    value, gU, ga = _kernels.network_gradients(X, y, U, alpha, 0.3)
    ref = baseline.objective_and_gradients_reference(X, y, U, alpha, 0.3)
    assert np.isclose(value, ref[0]) and np.allclose(gU, ref[1]) and np.allclose(ga, ref[2])
    h = 1e-6
    E = np.zeros_like(U)
    E[1, 2] = h
    numeric = (_kernels.network_gradients(X, y, U + E, alpha, 0.3)[0]
               - _kernels.network_gradients(X, y, U - E, alpha, 0.3)[0]) / (2 * h)
    assert np.isclose(numeric, gU[1, 2], rtol=1e-5)


def test_adam_lowers_the_objective_and_is_deterministic():
    X, y = data.planar_regression(30, np.random.default_rng(1))
    runs = [baseline.train_nonconvex(X, y, 10, 0.05, np.random.default_rng(7), steps=500) for _ in range(2)]
    assert runs[0]["objective"][-1] < 0.5 * runs[0]["objective"][0]
    assert np.array_equal(runs[0]["objective"], runs[1]["objective"])


def test_adam_kernel_matches_the_numpy_reference():
    rng = np.random.default_rng(3)
    X, y = data.planar_regression(15, rng)
    U, alpha = rng.standard_normal((2, 5)), rng.standard_normal(5)
    ref_U, ref_alpha = baseline.adam_reference(X, y, U, alpha, 0.05, 1e-2, 40)
    t, obj = np.zeros(3), np.zeros(3)
    _kernels.adam(X, y, U, alpha, 0.05, 1e-2, 40, 40, t, obj)
    assert np.allclose(U, ref_U, atol=1e-12) and np.allclose(alpha, ref_alpha, atol=1e-12)


def test_least_squares_accuracy_matches_a_direct_fit_and_separates_linear_data():
    rng = np.random.default_rng(3)
    X = np.hstack([rng.standard_normal((80, 3)), np.ones((80, 1))])
    Xt = np.hstack([rng.standard_normal((50, 3)), np.ones((50, 1))])
    w = np.array([1.0, -2.0, 0.5, 0.3])
    y, yt = np.sign(X @ w), np.sign(Xt @ w)
    assert baseline.least_squares_accuracy(X, y, Xt, yt) >= 0.9
    direct = np.linalg.solve(X.T @ X, X.T @ y)
    assert baseline.least_squares_accuracy(X, y, Xt, yt) == np.mean(np.sign(Xt @ direct) == yt)


def test_hinge_gradients_match_finite_differences():
    from theorylab.convex_relu import baseline

    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((12, 3)), np.where(rng.standard_normal(12) > 0, 1.0, -1.0)
    U, alpha = rng.standard_normal((3, 5)), rng.standard_normal(5)
    _, gU, ga = baseline.hinge_objective_and_gradients(X, y, U, alpha, 0.2)
    E, h = np.zeros_like(U), 1e-6
    E[1, 2] = h
    numeric = (baseline.hinge_objective_and_gradients(X, y, U + E, alpha, 0.2)[0]
               - baseline.hinge_objective_and_gradients(X, y, U - E, alpha, 0.2)[0]) / (2 * h)
    assert numeric == pytest.approx(gU[1, 2], rel=1e-4, abs=1e-6)
    e = np.zeros_like(alpha)
    e[3] = h
    numeric = (baseline.hinge_objective_and_gradients(X, y, U, alpha + e, 0.2)[0]
               - baseline.hinge_objective_and_gradients(X, y, U, alpha - e, 0.2)[0]) / (2 * h)
    assert numeric == pytest.approx(ga[3], rel=1e-4, abs=1e-6)


def test_pgd_training_runs_and_is_deterministic():
    from theorylab.convex_relu import baseline, data

    X, y, _, _ = data.correlated_classification(30, 5, 4, np.random.default_rng(0), gap=0.3)
    a = baseline.train_adversarial_hinge(X, y, 6, 1e-2, 0.05, np.random.default_rng(1), steps=20)
    b = baseline.train_adversarial_hinge(X, y, 6, 1e-2, 0.05, np.random.default_rng(1), steps=20)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
