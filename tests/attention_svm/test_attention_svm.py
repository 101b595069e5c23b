"""attention_svm: kernels vs NumPy references, the precision of the Jacobian product, SVM solves, memory refusal."""

import dataclasses

import mpmath
import numpy as np
import pytest

import theorylab.builtin_papers.attention_svm as m
from theorylab.config import available_memory_bytes, build_config
from theorylab.errors import ConfigError


def instance(seed, n=4, T=5, d=6):
    return m.draw_instance(n, T, d, np.random.default_rng(seed))


@pytest.mark.parametrize("naive", [False, True])
def test_loss_gradient_kernel_matches_reference(naive):
    v, Y, X, Z = instance(0)
    W = np.random.default_rng(1).standard_normal((6, 6))
    G = np.empty_like(W)
    loss = m._kernel("loss_grad")(X, Y, Z, X @ v, W, naive, G)
    ref_loss, ref_G = m.loss_grad_reference(X, Y, Z, v, W, naive=naive)
    assert loss == pytest.approx(ref_loss, rel=1e-12)
    np.testing.assert_allclose(G, ref_G, rtol=1e-10, atol=1e-14)


def test_gradient_matches_finite_differences():
    v, Y, X, Z = instance(2)
    W = 0.5 * np.random.default_rng(3).standard_normal((6, 6))
    _, G = m.loss_grad_reference(X, Y, Z, v, W)
    E = np.random.default_rng(4).standard_normal((6, 6))
    h = 1e-6
    numeric = (m.loss_grad_reference(X, Y, Z, v, W + h * E)[0] - m.loss_grad_reference(X, Y, Z, v, W - h * E)[0]) / (2 * h)
    assert np.sum(G * E) == pytest.approx(numeric, rel=1e-6)


def test_gd_kernels_match_numpy_references():
    v, Y, X, Z = instance(5)
    ks = np.array([0, 5, 30], dtype=np.int64)
    out_W, out_loss = np.zeros((3, 6, 6)), np.zeros(3)
    count = m._kernel("gd_w")(X, Y, Z, X @ v, np.zeros((6, 6)), 0.1, ks, False, True, out_W, out_loss)
    assert count == 3
    np.testing.assert_allclose(out_W[-1], m.gd_w_reference(X, Y, Z, v, np.zeros((6, 6)), 0.1, 30), rtol=1e-9, atol=1e-12)
    rng = np.random.default_rng(6)
    K0, Q0 = 0.01 * rng.standard_normal((6, 6)), 0.01 * rng.standard_normal((6, 6))
    count = m._kernel("gd_kq")(X, Y, Z, X @ v, K0, Q0, 0.1, ks, False, out_W, out_loss)
    assert count == 3
    np.testing.assert_allclose(out_W[-1], m.gd_kq_reference(X, Y, Z, v, K0, Q0, 0.1, 30), rtol=1e-8, atol=1e-12)


def _exact_gradient(X, Y, Z, v, W):
    """The gradient in 50-digit arithmetic (mpmath), one sequence."""
    mpmath.mp.dps = 50
    x, z = X[0], Z[0]
    a = [mpmath.mpf(float(val)) for val in x @ W @ z]
    amax = max(a)
    e = [mpmath.exp(ai - amax) for ai in a]
    s = [ei / sum(e) for ei in e]
    g = [mpmath.mpf(float(val)) for val in x @ v]
    f = sum(si * gi for si, gi in zip(s, g))
    u = [s[t] * sum(s[q] * (g[t] - g[q]) for q in range(len(s))) for t in range(len(s))]
    c = -Y[0] / (1 + mpmath.exp(Y[0] * f))
    r = [c * sum(u[t] * mpmath.mpf(float(x[t, p])) for t in range(len(s))) for p in range(x.shape[1])]
    return np.array([[float(r[p] * mpmath.mpf(float(z[q]))) for q in range(len(z))] for p in range(len(r))])


def test_stable_jacobian_keeps_precision_where_the_naive_one_loses_it():
    v, Y, X, Z = instance(7, n=1, T=4, d=4)
    # a W that puts one probability within about e^-50 of 1: the naive form's s*g - s (s^T g) cancels to noise
    alpha = 0
    W = 300.0 * np.outer(X[0, alpha], Z[0])
    exact = _exact_gradient(X, Y, Z, v, W)
    G = np.empty_like(W)
    m._kernel("loss_grad")(X, Y, Z, X @ v, W, False, G)
    assert np.linalg.norm(G - exact) <= 1e-10 * np.linalg.norm(exact)
    m._kernel("loss_grad")(X, Y, Z, X @ v, W, True, G)
    assert np.linalg.norm(G - exact) >= 0.1 * np.linalg.norm(exact)


def test_frobenius_and_nuclear_svms_are_feasible_and_minimal():
    v, Y, X, Z = instance(8, n=4, T=5, d=6)
    alpha = np.argmax(m.token_scores(v, Y, X), axis=1)
    A = m.svm_constraints(X, Z, alpha)
    fro, nuc = m.att_svm(X, Z, alpha, "fro"), m.att_svm(X, Z, alpha, "nuc")
    for W in (fro, nuc):
        assert np.all(A @ W.ravel() >= 1 - 1e-6)
    lsq = m.least_norm_interpolant(X, Z, alpha)
    np.testing.assert_allclose(A @ lsq.ravel(), 1.0, atol=1e-9)
    assert np.linalg.norm(fro) <= np.linalg.norm(nuc) + 1e-6
    assert np.linalg.norm(fro) <= np.linalg.norm(lsq) + 1e-9
    nuclear = lambda W: np.linalg.svd(W, compute_uv=False).sum()  # noqa: E731
    assert nuclear(nuc) <= nuclear(fro) + 1e-5
    # the minimal margin of the Frobenius solution is exactly 1 (an active constraint)
    assert np.min(A @ fro.ravel()) == pytest.approx(1.0, abs=1e-6)
    assert m.att_svm_feasible(X, Z, alpha)


def test_infeasible_selection_is_reported():
    # d = 1: W is a scalar w, and the constraint signs of two sequences can contradict each other
    X = np.array([[[1.0], [-1.0]], [[1.0], [-1.0]]])
    Z = np.array([[1.0], [1.0]])
    alpha = np.array([0, 1])  # the first wants w > 0, the second w < 0
    assert not m.att_svm_feasible(X, Z, alpha)
    assert m.att_svm_feasible(X, Z, alpha, per_sequence=True)
    assert m.att_svm(X, Z, alpha, "fro") is None


def test_selection_and_helpers():
    v, Y, X, Z = instance(9)
    alpha = np.array([1, 0, 2, 3])
    W = m.att_svm(X, Z, alpha, "fro")
    assert np.array_equal(m.selection(X, Z, W), alpha)
    assert m.one_minus_cos(W, 3.0 * W) == pytest.approx(0.0, abs=1e-12)
    assert m.effective_rank(np.diag([1.0, 0.0, 0.0])) == 1
    assert m.numerical_rank(np.diag([1.0, 1e-9])) == 1


def test_a_run_records_the_comparison_series():
    config = m.AttentionGD(n=3, T=4, d=5, steps=200, points=12)
    trace = m.attention_w(config, np.random.default_rng(0))
    assert {"gap_fro", "gap_nuc", "gap_opt", "gap_lsq", "eff_rank"} <= set(trace.metrics)
    assert trace["gap_fro"][-1] < trace["gap_fro"][0]
    assert trace.scalars["neighbours_beaten"] == 1.0


@pytest.mark.parametrize("config_type, field", [(m.AttentionGD, "d"), (m.Feasibility, "d"), (m.AttentionGD, "points")])
def test_huge_sizes_are_refused_naming_the_field(config_type, field):
    value = 10**6 if field == "d" else 400
    if field == "points":  # points is capped by its own check; a huge d * points is refused on d
        with pytest.raises(ConfigError) as info:
            build_config(config_type, {"points": 10**9})
        assert info.value.field == "points"
        return
    with pytest.raises(ConfigError) as info:
        build_config(config_type, {field: value})
    assert info.value.field == field


def test_profile_configs_are_far_below_the_memory_limit():
    for exp in (m.W_EXP, m.KQ_EXP, m.FEAS_EXP):
        from theorylab.registry import get_experiment

        experiment = get_experiment(exp)
        for profile in ("quick", "paper"):
            values, _, _ = experiment.profile(profile)
            config = build_config(experiment.config, values)
            assert config.memory_bytes()[0] < 1e-3 * available_memory_bytes()
            assert dataclasses.is_dataclass(config)


def test_rescaled_gradient_is_the_gradient_times_a_scale():
    v, Y, X, Z = instance(10)
    W = np.random.default_rng(11).standard_normal((6, 6))
    G, Gs = np.empty_like(W), np.empty_like(W)
    loss = m._kernel("loss_grad")(X, Y, Z, X @ v, W, False, G)
    loss_s, log_scale = m._kernel("loss_grad_scaled")(X, Y, Z, X @ v, W, Gs)
    assert loss_s == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(Gs * np.exp(log_scale), G, rtol=1e-9, atol=1e-15)


def test_rescaled_gradient_keeps_its_direction_where_the_plain_one_underflows():
    v, Y, X, Z = instance(12, n=1, T=4, d=4)
    W = 3000.0 * np.outer(X[0, 0], Z[0])  # probabilities of the other tokens ~ e^-1000: exactly 0 in float64
    G, Gs = np.empty_like(W), np.empty_like(W)
    m._kernel("loss_grad")(X, Y, Z, X @ v, W, False, G)
    assert not np.any(G)
    _, log_scale = m._kernel("loss_grad_scaled")(X, Y, Z, X @ v, W, Gs)
    assert log_scale < -700
    # exact direction: only the top token and the runner-up matter at this saturation
    a = X[0] @ W @ Z[0]
    top, second = np.argsort(a)[-1], np.argsort(a)[-2]
    g = X[0] @ v
    c = -Y[0] / (1 + np.exp(Y[0] * g[top]))
    direction = c * np.outer(X[0, second] - X[0, top], Z[0]) * (g[second] - g[top])
    cos = np.sum(Gs * direction) / (np.linalg.norm(Gs) * np.linalg.norm(direction))
    assert cos == pytest.approx(1.0, abs=1e-9)
