import numpy as np
import pytest

from theorylab.convex_relu import arrangements, data, fast_admm, programs


def _instance(seed=0, n=40, features=3, samples=6, standardize=True):
    rng = np.random.default_rng(seed)
    X, y = data.teacher_regression(n, features, rng)
    if standardize:
        y = (y - y.mean()) / y.std()
    return X, y, arrangements.sample_patterns(X, samples, rng)


@pytest.mark.parametrize("rho_v, rho_s", [(2.0, 3.0), (10.0, 0.5)])
def test_kernel_matches_the_numpy_reference(rho_v, rho_s):
    X, y, D = _instance()
    ref = fast_admm.fast_admm_reference(X, y, D, 1.0, rho_v=rho_v, rho_s=rho_s, iterations=23)
    got = fast_admm.fast_admm(X, y, D, 1.0, rho=rho_v, rho_ratio=rho_s / rho_v, adapt=False, max_iter=23,
                              check_every=23, eps_rel=0.0, polish_at=None)
    assert got.iterations == 23
    assert np.allclose(got.U, ref["U"], atol=1e-10)
    assert np.allclose(got.V, ref["V"], atol=1e-10)


def test_checking_and_rebalancing_do_not_change_fixed_penalty_iterates():
    X, y, D = _instance(1)
    one = fast_admm.fast_admm(X, y, D, 1.0, rho=3.0, adapt=False, max_iter=40, check_every=40, eps_rel=0.0,
                              polish_at=None)
    many = fast_admm.fast_admm(X, y, D, 1.0, rho=3.0, adapt=False, max_iter=40, check_every=7, eps_rel=0.0,
                               polish_at=None)
    assert np.allclose(one.U, many.U, atol=1e-12)


def test_operators_invert_the_u_systems():
    X, y, D = _instance(2)
    n, d = X.shape
    P = D.shape[1]
    st = fast_admm.setup(X, y, D)
    inv_sum, inv_diff = fast_admm.operators(st, 2.0, 5.0)
    M = (D[:, :, None] * X[:, None, :]).reshape(n, P * d)
    big = 2 * M.T @ M + np.kron(np.eye(P), 5.0 * X.T @ X) + 2.0 * np.eye(P * d)
    assert np.allclose(inv_diff @ big, np.eye(P * d), atol=1e-9)
    assert np.allclose(inv_sum @ (2.0 * np.eye(d) + 5.0 * X.T @ X), np.eye(d), atol=1e-10)


@pytest.mark.parametrize("seed, n, samples", [(0, 40, 6), (3, 80, 10), (5, 120, 12)])
def test_reaches_the_clarabel_optimum(seed, n, samples):
    X, y, D = _instance(seed, n=n, samples=samples)
    ref = programs.relu_program(X, y, D, 1.0)
    out = fast_admm.fast_admm(X, y, D, 1.0, max_iter=20000)
    assert out.status == "certified" and out.polish_methods[-1] == "ipm"
    assert out.gap <= 1e-6
    assert abs(out.objective - ref.value) / ref.value <= 1e-6
    assert out.violation <= 1e-9
    # the certificate is a valid bound: the reference optimum lies below the returned point's value
    # (up to Clarabel's own tolerance) and above the certified dual bound
    assert ref.value >= out.objective * (1 - out.gap) - 1e-8 * ref.value


def test_slsqp_polish_is_still_available():
    X, y, D = _instance(0)
    ref = programs.relu_program(X, y, D, 1.0)
    out = fast_admm.fast_admm(X, y, D, 1.0, max_iter=20000, polish_method="slsqp")
    assert out.status == "certified" and set(out.polish_methods) == {"slsqp"}
    assert abs(out.objective - ref.value) / ref.value <= 1e-6


def test_residual_rule_alone_stops_without_a_reference():
    X, y, D = _instance(4, n=60, samples=8)
    ref = programs.relu_program(X, y, D, 1.0)
    out = fast_admm.fast_admm(X, y, D, 1.0, polish_at=None, eps_rel=1e-7, max_iter=200000)
    assert out.status == "converged"
    assert abs(out.objective - ref.value) / ref.value <= 1e-4
    # the returned iterate is the one that met the rule: its residuals are the last recorded ones
    assert out.history[-1][0] == out.iterations


def test_certificate_is_a_lower_bound_at_any_point():
    X, y, D = _instance(6)
    ref = programs.relu_program(X, y, D, 1.0)
    rng = np.random.default_rng(0)
    U = np.vstack([ref.V.T, ref.W.T]) + 0.1 * rng.standard_normal((2 * D.shape[1], X.shape[1]))
    _, dual, _ = fast_admm.certificate(X, y, D, 1.0, U, {})
    assert dual <= ref.value * (1 + 1e-8)


def test_deterministic():
    X, y, D = _instance(7, n=60, samples=8)
    a = fast_admm.fast_admm(X, y, D, 1.0, max_iter=20000)
    b = fast_admm.fast_admm(X, y, D, 1.0, max_iter=20000)
    assert a.iterations == b.iterations and a.status == b.status
    assert np.array_equal(a.U, b.U)
    assert a.objective == b.objective and a.gap == b.gap


def test_rejects_bad_parameters():
    X, y, D = _instance()
    with pytest.raises(ValueError):
        fast_admm.fast_admm(X, y, D, 1.0, rho=-1.0)
    with pytest.raises(ValueError):
        fast_admm.fast_admm(X, y, D, 0.0)


@pytest.mark.parametrize("seed, n, samples", [(0, 40, 6), (3, 120, 12)])
def test_gated_reaches_the_clarabel_gated_optimum(seed, n, samples):
    X, y, D = _instance(seed, n=n, samples=samples)
    ref = programs.gated_program(X, y, D, 1.0)
    out = fast_admm.fast_gated(X, y, D, 1.0)
    assert out.status == "certified" and out.gap <= 1e-6
    true_gap = (out.objective - ref.value) / ref.value
    assert abs(true_gap) <= 1e-6
    assert true_gap <= out.gap + 1e-8


def test_gated_certificate_is_a_lower_bound_at_any_point_and_zero_is_certified():
    X, y, D = _instance(6)
    ref = programs.gated_program(X, y, D, 1.0)
    W = ref.V.T + 0.1 * np.random.default_rng(1).standard_normal((D.shape[1], X.shape[1]))
    primal, dual = fast_admm.gated_certificate(X, y, D, 1.0, W)
    assert dual <= ref.value * (1 + 1e-8) <= primal * (1 + 1e-8)
    big = fast_admm.fast_gated(X, y, D, 100.0)
    assert big.status == "certified" and not big.W.any()
    a, b = fast_admm.fast_gated(X, y, D, 1.0), fast_admm.fast_gated(X, y, D, 1.0)
    assert np.array_equal(a.W, b.W) and a.iterations == b.iterations
