import numpy as np
import pytest

from theorylab.convex_relu import _kernels, admm, arrangements, data, programs


def _instance(seed=0, n=30, features=2, samples=5):
    rng = np.random.default_rng(seed)
    X, y = data.teacher_regression(n, features, rng)
    return X, y, arrangements.sample_patterns(X, samples, rng)


@pytest.mark.parametrize("rho, gamma", [(1.0, 1.0), (10.0, 0.5)])
def test_kernel_matches_the_numpy_reference(rho, gamma):
    X, y, D = _instance()
    ref = admm.admm_reference(X, y, D, 0.5, rho=rho, gamma=gamma, iterations=12)
    got = admm.admm_relu(X, y, D, 0.5, rho=rho, gamma=gamma, max_iter=12, record_every=1)
    assert np.allclose(np.vstack([got.V.T, got.W.T]), ref["V"], atol=1e-10)


def test_split_factorization_solves_the_full_u_system():
    X, y, D = _instance(1)
    n, d = X.shape
    P = D.shape[1]
    rho = 3.0
    fac = admm.factor(X, D, y, rho)
    M = (D[:, :, None] * X[:, None, :]).reshape(n, P * d)
    F = np.hstack([M, -M])
    G = np.zeros((2 * P * n, 2 * P * d))
    for g in range(2 * P):
        G[g * n:(g + 1) * n, g * d:(g + 1) * d] = (2 * D[:, g % P] - 1)[:, None] * X
    A = np.eye(2 * P * d) + F.T @ F / rho + G.T @ G
    r = np.random.default_rng(2).standard_normal((2 * P, d))
    sums = np.array([np.linalg.solve(np.eye(d) + X.T @ X, r[i] + r[P + i]) for i in range(P)])
    q = np.empty(P * d)
    ops = _kernels.cholesky_solve(fac.Ldiff, np.ascontiguousarray(fac.Ldiff.T), (r[:P] - r[P:]).ravel(), q)
    u = np.vstack([0.5 * (sums + q.reshape(P, d)), 0.5 * (sums - q.reshape(P, d))])
    assert np.allclose(A @ u.ravel(), r.ravel(), atol=1e-9)
    assert ops == P * d * (P * d + 1)
    assert np.allclose(fac.c, (M.T @ y / rho).reshape(P, d))


def test_admm_reaches_the_cvxpy_optimum_and_stops_on_residuals():
    X, y, D = _instance(3, n=40)
    p_star = programs.relu_program(X, y, D, 1.0).value
    out = admm.admm_relu(X, y, D, 1.0, rho=3.0, max_iter=20000, tol=1e-9, record_every=10)
    assert out.status == "converged"
    assert abs(out.objective[-1] - p_star) <= 1e-6 * p_star
    assert out.r_primal[-1] <= 1e-9 and out.r_dual[-1] <= 1e-9


def test_operation_count_matches_the_loop_bounds():
    X, y, D = _instance(4)
    n, d = X.shape
    P = D.shape[1]
    out = admm.admm_relu(X, y, D, 1.0, max_iter=3, record_every=3)
    expected = 2 * P * n * (d + 1) + P * d * (d + 1) + P * d * (P * d + 1) + 2 * P * (n * d + 3 * d + 2 * n)
    assert out.ops_per_iter == expected


def test_divergence_is_reported_not_raised():
    X, y, D = _instance(5)
    y[0] = np.nan
    out = admm.admm_relu(X, y, D, 1.0, max_iter=50, record_every=5)
    assert out.status == "diverged" and not np.isfinite(out.objective[-1])


def test_select_rho_prefers_the_earliest_to_reach_the_level():
    t = np.arange(1, 6)
    slow = np.array([1.0, 1e-3, 1e-6, 1e-9, 1e-11])
    fast = np.array([1.0, 1e-6, 1e-11, 1e-12, 1e-12])
    never = np.array([1.0, 0.5, 0.2, 0.1, 0.05])
    assert admm.select_rho([t, t, t], [slow, fast, never]) == 1
    assert admm.select_rho([t, t], [never, np.array([1.0, 0.1, 0.05, 0.01, 0.001])]) == 1


def test_bad_arguments_raise():
    X, y, D = _instance()
    with pytest.raises(ValueError):
        admm.admm_relu(X, y, D, -1.0)
    with pytest.raises(ValueError):
        admm.admm_relu(X, y, D, 1.0, gamma=1.5)
    with pytest.raises(ValueError):
        admm.admm_relu(X, y[:-1], D, 1.0)


def test_reused_factorization_gives_the_same_run():
    rng = np.random.default_rng(5)
    X, y = data.teacher_regression(40, 3, rng)
    D = arrangements.sample_patterns(X, 5, rng)
    fresh = admm.admm_relu(X, y, D, 0.5, rho=3.0, max_iter=50, record_every=10)
    reused = admm.admm_relu(X, y, D, 0.5, rho=3.0, max_iter=50, record_every=10, factors=admm.factor(X, D, y, 3.0))
    assert np.array_equal(fresh.V, reused.V) and np.array_equal(fresh.objective, reused.objective)


def test_row_only_cholesky_solve_matches_scipy():
    from scipy import linalg

    rng = np.random.default_rng(6)
    A = rng.standard_normal((37, 37))
    A = A @ A.T + 37 * np.eye(37)
    L = np.ascontiguousarray(linalg.cholesky(A, lower=True))
    b = rng.standard_normal(37)
    out = np.empty(37)
    ops = _kernels.cholesky_solve_rows(L, b, out)
    assert np.allclose(out, linalg.solve(A, b), rtol=1e-12, atol=1e-12) and ops == 37 * 38
