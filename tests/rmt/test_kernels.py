import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theorylab.rmt import _kernels, _reference


@settings(deadline=None, max_examples=20)
@given(b=st.integers(1, 7), p=st.integers(1, 9), ridge=st.floats(0, 2), seed=st.integers(0, 10**6))
def test_batch_hvp_matches_reference(b, p, ridge, seed):
    rng = np.random.default_rng(seed)
    features, weights, v = rng.standard_normal((b, p)), rng.random(b), rng.standard_normal(p)
    out = _kernels.batch_hvp(features, weights, v, ridge, np.empty(p))
    np.testing.assert_allclose(out, _reference.batch_hvp(features, weights, v, ridge), rtol=1e-12, atol=1e-12)


def test_sgd_direct_matches_reference():
    rng = np.random.default_rng(0)
    e, sqrt_lam, z = rng.standard_normal(5), np.sqrt(rng.random(5) + 0.5), rng.standard_normal((20, 3, 5))
    e_kernel, norms = e.copy(), np.empty(20)
    assert _kernels.sgd_ls_direct(e_kernel, sqrt_lam, z, 0.1, np.inf, norms) == 20
    e_ref, norms_ref = _reference.sgd_ls_direct(e, sqrt_lam, z, 0.1)
    np.testing.assert_allclose(e_kernel, e_ref, rtol=1e-12)
    np.testing.assert_allclose(norms, norms_ref, rtol=1e-12)


def test_sgd_bartlett_matches_reference_and_wishart_mean():
    rng = np.random.default_rng(1)
    p, n, batch = 6, 8, 9
    e, sqrt_lam = rng.standard_normal(p), np.sqrt(rng.random(p) + 0.5)
    lower, chi2 = rng.standard_normal((n, p * (p - 1) // 2)), rng.chisquare(batch - np.arange(p), size=(n, p))
    e_kernel, norms = e.copy(), np.empty(n)
    _kernels.sgd_ls_bartlett(e_kernel, sqrt_lam, lower, chi2, batch, 0.05, np.inf, norms)
    e_ref, norms_ref = _reference.sgd_ls_bartlett(e, sqrt_lam, lower, chi2, batch, 0.05)
    np.testing.assert_allclose(e_kernel, e_ref, rtol=1e-12)
    np.testing.assert_allclose(norms, norms_ref, rtol=1e-12)
    # L L^T ~ Wishart(B, I): mean B I and Var(W_11) = 2B, Var(W_12) = B
    draws = [_reference.bartlett_factor(rng.standard_normal(p * (p - 1) // 2), rng.chisquare(batch - np.arange(p)))
             for _ in range(4000)]
    grams = np.array([f @ f.T for f in draws]) / batch
    np.testing.assert_allclose(grams.mean(axis=0), np.eye(p), atol=0.06)
    assert grams[:, 0, 0].var() == pytest.approx(2 / batch, rel=0.15)
    assert grams[:, 2, 4].var() == pytest.approx(1 / batch, rel=0.15)


def test_adam_matches_reference():
    rng = np.random.default_rng(2)
    p, steps, b = 4, 30, 3
    sqrt_lam = np.sqrt(rng.random(p) + 0.5)
    z, xi = rng.standard_normal((steps, b, p)), rng.standard_normal((steps, b))
    v_noise = sqrt_lam**2 / b
    e0 = 0.1 * rng.standard_normal(p)
    e, m, v = e0.copy(), np.zeros(p), np.zeros(p)
    ratios, losses = np.empty(steps), np.empty(steps)
    _kernels.adam_ls(e, m, v, sqrt_lam, z, xi, 1.0, 0.01, 0.9, 0.99, 1e-8, 0, v_noise, np.inf, ratios, losses)
    e_ref, ratios_ref, losses_ref = _reference.adam_ls(e0, sqrt_lam, z, xi, 1.0, 0.01, 0.9, 0.99, 1e-8, v_noise)
    np.testing.assert_allclose(e, e_ref, rtol=1e-10)
    np.testing.assert_allclose(ratios, ratios_ref, rtol=1e-10)
    np.testing.assert_allclose(losses, losses_ref, rtol=1e-10)


def test_kernels_stop_at_limit():
    rng = np.random.default_rng(3)
    e, z = rng.standard_normal(4), rng.standard_normal((500, 2, 4))
    norms = np.empty(500)
    done = _kernels.sgd_ls_direct(e, np.ones(4), z, 50.0, 1e6, norms)
    assert done < 500 and norms[done - 1] > 1e6
