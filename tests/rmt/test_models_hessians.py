import numpy as np
import pytest

from theorylab.rmt import hessians, models


def test_mlp_jacobian_matches_finite_differences():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((15, 4))
    params = (rng.standard_normal((3, 4)), rng.standard_normal(3))
    jac = models.mlp_jacobian(params, x)
    theta = np.concatenate([params[0].ravel(), params[1]])

    def f(t):
        return models.mlp_forward((t[:12].reshape(3, 4), t[12:]), x)[0]

    for k in range(theta.size):
        step = np.zeros_like(theta)
        step[k] = 1e-6
        np.testing.assert_allclose((f(theta + step) - f(theta - step)) / 2e-6, jac[:, k], atol=1e-8)


def test_mlp_training_moves_the_weights_and_ggn_is_psd():
    rng = np.random.default_rng(1)
    untrained = models.mlp_ggn(np.random.default_rng(1), 500, input_dim=5, width=4, train_steps=0)
    trained = models.mlp_ggn(rng, 500, input_dim=5, width=4, train_steps=300)
    assert trained.p == 5 * 4 + 4
    assert np.linalg.eigvalsh(trained.hessian())[0] > -1e-12
    assert not np.allclose(untrained.features, trained.features)


def test_logistic_is_at_its_ridge_mle():
    rng = np.random.default_rng(2)
    lam = models.spiked_spectrum(10, 5.0)
    model = models.logistic_regression(rng, 2000, lam, ridge=1e-3)
    assert np.all((model.weights > 0) & (model.weights <= 0.25))
    hess = model.hessian()
    assert np.linalg.eigvalsh(hess)[0] >= 1e-3 - 1e-12


def test_batches_are_unbiased_for_the_empirical_hessian():
    rng = np.random.default_rng(3)
    model = models.CurvatureModel(rng.standard_normal((50, 4)), rng.random(50), 0.1)
    mean = np.mean([hessians.batch_hessian(*model.draw_batch(rng, 5), 0.1) for _ in range(20000)], axis=0)
    np.testing.assert_allclose(mean, model.hessian(), atol=0.03)


def test_wishart_law_branches():
    # separated: spike (1 + q bulk / (spike - bulk)); edge: bulk (1 + sqrt q)^2
    assert hessians.wishart_outlier(10.0, 1.0, 200, 8) == pytest.approx(10 * (1 + 25 / 9))
    assert hessians.wishart_outlier(2.0, 1.0, 100, 4) == pytest.approx((1 + 5) ** 2)
    b = np.array([16, 64, 256, 1024.0])
    excess = hessians.wishart_outlier(10.0, 1.0, 200, b) - 10
    np.testing.assert_allclose(excess * b, excess[0] * b[0])   # exactly 1/B when separated


def test_wigner_law_branches_are_continuous_at_the_transition():
    # at spike = s sqrt(P/B): spike + P s2 / (B spike) = 2 spike = edge
    p, s2, spike = 400, 1.0, 5.0
    batch = p * s2 / spike**2
    assert hessians.wigner_outlier(spike, s2, p, batch * 1.000001) == pytest.approx(2 * spike, rel=1e-5)
    assert hessians.wigner_outlier(spike, s2, p, batch * 0.999999) == pytest.approx(2 * spike, rel=1e-5)


def test_perturbative_law_reduces_to_f2_for_gaussian_inputs():
    rng = np.random.default_rng(4)
    lam = models.spiked_spectrum(20, 8.0)
    x = models.sample_inputs(rng, 200000, lam)
    law = hessians.perturbative_outlier(x, np.ones(len(x)), 1.0)
    top = np.linalg.eigvalsh(x.T @ x / len(x))[-1]
    # F2's 1/B coefficient with P-1 bulk directions: (P-1) spike bulk / (spike - bulk)
    assert law - top == pytest.approx(19 * 8.0 / 7.0, rel=0.05)


def test_additive_model_is_symmetric_with_the_right_variance():
    h = hessians.additive_batch_hessian(np.random.default_rng(5), 300, 3.0, 1.0, 10)
    assert np.allclose(h, h.T)
    off = h[np.triu_indices(300, 1)]
    assert off.var() == pytest.approx(0.1, rel=0.05)
