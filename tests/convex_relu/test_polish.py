import cvxpy as cp
import numpy as np
import pytest

from theorylab.convex_relu import arrangements, data, fast_admm, polish, programs


def _instance(seed=0, n=60, features=3, samples=8):
    rng = np.random.default_rng(seed)
    X, y = data.teacher_regression(n, features, rng)
    y = (y - y.mean()) / y.std()
    return X, y, arrangements.sample_patterns(X, samples, rng)


def test_restricted_ipm_matches_cvxpy_on_a_small_problem():
    rng = np.random.default_rng(0)
    k, d, m_per = 3, 4, 5
    A = rng.standard_normal((20, k * d))
    H, b = A.T @ A, A.T @ rng.standard_normal(20)
    # rows through a feasible interior direction so that the feasible set has interior
    C = np.concatenate([rng.standard_normal((m_per, d)) for _ in range(k)])
    block = np.repeat(np.arange(k), m_per)
    inner = rng.standard_normal((k, d))
    C *= np.sign(np.einsum("rd,rd->r", C, inner[block]))[:, None]
    res = polish.restricted_ipm(H, b, 0.0, 0.5, C, block, inner.copy())
    x = cp.Variable(k * d)
    obj = 0.5 * cp.sum_squares(A @ x) - b @ x + 0.5 * sum(cp.norm(x[a * d:(a + 1) * d]) for a in range(k))
    cons = [C[r] @ x[block[r] * d:(block[r] + 1) * d] >= 0 for r in range(C.shape[0])]
    ref = cp.Problem(cp.Minimize(obj), cons)
    ref.solve(solver="CLARABEL", tol_gap_abs=1e-9, tol_gap_rel=1e-9, tol_feas=1e-9)
    assert res.converged
    assert np.all(np.linalg.norm(x.value.reshape(k, d), axis=1) > 1e-3)   # the smooth case the IPM is for
    assert abs(res.objective - ref.value) <= 1e-7 * max(1.0, abs(ref.value))
    assert np.min(np.einsum("rd,rd->r", C, res.u[block])) >= -1e-10


@pytest.mark.parametrize("seed, n, samples", [(0, 60, 8), (2, 100, 12)])
def test_ipm_polish_from_admm_reaches_the_optimum_and_bounds_the_gap(seed, n, samples):
    X, y, D = _instance(seed, n=n, samples=samples)
    ref = programs.relu_program(X, y, D, 1.0)
    out = fast_admm.fast_admm(X, y, D, 1.0, max_iter=20000)
    assert out.status == "certified" and out.polish_methods[-1] == "ipm"
    true_gap = (out.objective - ref.value) / ref.value
    assert abs(true_gap) <= 1e-6
    assert true_gap <= out.gap + 1e-8               # the certificate bounds the true suboptimality
    assert out.violation <= 1e-9


def _admm_state(X, y, D, beta, iterations):
    """ADMM state after ``iterations`` fixed-penalty steps (the NumPy reference)."""
    return fast_admm.fast_admm_reference(X, y, D, beta, rho_v=10.0, rho_s=10.0, iterations=iterations)


def test_wrong_support_is_caught_by_the_certificate():
    X, y, D = _instance(1)
    ref = programs.relu_program(X, y, D, 1.0)
    state = _admm_state(X, y, D, 1.0, 3000)
    st = fast_admm.setup(X, y, D)
    good = polish.ipm_polish(X, y, D, 1.0, st, state["U"], state["V"], state["S"], state["Nu"], rho_s=10.0)
    assert good.gap <= 1e-6
    V = state["V"].copy()
    V[np.argmax(np.linalg.norm(V, axis=1))] = 0.0            # drop the largest block from the support
    bad = polish.ipm_polish(X, y, D, 1.0, st, state["U"], V, state["S"], state["Nu"], rho_s=10.0)
    assert bad.gap > 1e-6
    assert bad.dual <= ref.value * (1 + 1e-8)                # still a valid lower bound
    assert bad.primal >= ref.value * (1 - 1e-8)


def test_failed_polish_falls_back_to_admm_then_slsqp(monkeypatch):
    X, y, D = _instance(3, n=50, samples=6)
    ref = programs.relu_program(X, y, D, 1.0)
    real = polish.ipm_polish
    calls = []

    def wrong_support(X, y, D, beta, st, U, V, S, Nu, **kw):     # every identification misses a block
        calls.append(1)
        V = V.copy()
        V[np.argmax(np.linalg.norm(V, axis=1))] = 0.0
        return real(X, y, D, beta, st, U, V, S, Nu, **kw)

    monkeypatch.setattr(fast_admm, "ipm_polish", wrong_support)
    out = fast_admm.fast_admm(X, y, D, 1.0, max_iter=20000, slsqp_after=2)
    assert out.status == "certified"
    assert out.polish_methods[:2] == ["ipm", "ipm"] and out.polish_methods[-1] == "slsqp"
    assert all(a[1] > 1e-6 for a in out.polish_attempts[:-1])
    assert abs(out.objective - ref.value) / ref.value <= 1e-6
    assert out.iterations > out.polish_attempts[0][0]         # ADMM ran on after the first failure


def test_one_failed_polish_then_admm_recovers(monkeypatch):
    X, y, D = _instance(4, n=50, samples=6)
    ref = programs.relu_program(X, y, D, 1.0)
    real = polish.ipm_polish
    calls = []

    def wrong_once(X, y, D, beta, st, U, V, S, Nu, **kw):
        calls.append(1)
        if len(calls) == 1:
            V = np.zeros_like(V)
            V[0] = 1.0                                         # a support unrelated to the iterate
        return real(X, y, D, beta, st, U, V, S, Nu, **kw)

    monkeypatch.setattr(fast_admm, "ipm_polish", wrong_once)
    out = fast_admm.fast_admm(X, y, D, 1.0, max_iter=20000)
    assert out.status == "certified" and out.polish_methods == ["ipm", "ipm"]
    assert out.polish_attempts[0][1] > 1e-6 and out.gap <= 1e-6
    assert abs(out.objective - ref.value) / ref.value <= 1e-6


def test_rejects_unknown_polish_method():
    X, y, D = _instance()
    with pytest.raises(ValueError):
        fast_admm.fast_admm(X, y, D, 1.0, polish_method="newton")


def test_zero_solution_is_certified():
    # beta above max_g ||F_g^T y||: u = 0 is optimal and the relative residuals lose their scale
    X, y, D = _instance(5, n=60, samples=8)
    out = fast_admm.fast_admm(X, y, D, 50.0, max_iter=5000)
    assert out.status == "certified" and not out.U.any()
    assert out.objective == pytest.approx(0.5 * float(y @ y), rel=1e-12)
    assert out.gap <= 1e-6
