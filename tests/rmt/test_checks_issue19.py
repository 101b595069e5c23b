"""Independent checks added for issue 19: finite-difference Hessians, Ritz-residual Lanczos, the
cross-entropy Hessian, Adam's two instability criteria, and the registered mutants."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from theorylab import registry
from theorylab.rmt import crossentropy, hessians, lanczos, models, stability


@pytest.fixture(scope="module")
def logistic():
    return models.logistic_regression(np.random.default_rng(0), 3000, models.spiked_spectrum(30, 10.0))


def test_hvp_fd_error_is_small_for_the_true_hessians_and_large_for_wrong_weights(logistic):
    rng = np.random.default_rng(1)
    assert models.hvp_fd_error(logistic, rng) < 1e-6
    wrong = dataclasses.replace(logistic, weights=logistic.weights * 1.05)
    assert models.hvp_fd_error(wrong, np.random.default_rng(1)) > 1e-2
    mlp = models.mlp_ggn(np.random.default_rng(2), 500, input_dim=5, width=4, train_steps=10)
    assert models.hvp_fd_error(mlp, np.random.default_rng(3)) < 1e-6
    broken = dataclasses.replace(mlp, features=mlp.features * 1.02)
    assert models.hvp_fd_error(broken, np.random.default_rng(3)) > 1e-2
    assert np.isnan(models.hvp_fd_error(models.CurvatureModel(logistic.features, logistic.weights), rng))


def test_top_ritz_stops_on_its_residual_and_the_residual_bounds_the_error():
    rng = np.random.default_rng(4)
    for batch in (64, 1024):
        h = hessians.additive_batch_hessian(rng, 300, 3.0, 1.0, batch)
        exact = np.linalg.eigvalsh(h)[-1]
        top, residual, steps = lanczos.top_ritz(lambda v, h=h: h @ v, 300, rng, steps=120, tol=1e-8)
        assert residual <= 1e-8
        assert steps < 120
        assert abs(top - exact) <= residual * abs(top) + 1e-12      # Kahan: |theta - lambda| <= |r|
    # without tol the run uses every step it is given
    assert lanczos.lanczos(lambda v, h=h: h @ v, rng.standard_normal(300), 30).steps == 30


def test_cross_entropy_hessian_matches_finite_differences_and_per_sample_products():
    model = crossentropy.cross_entropy_mlp(np.random.default_rng(5), 600, input_dim=4, width=3, train_steps=2)
    rng = np.random.default_rng(6)
    index = rng.integers(0, model.n, 50)
    v = rng.standard_normal(model.p)
    h = model.hessian(index)
    fd = (model.gradient(model.theta + 1e-5 * v, index) - model.gradient(model.theta - 1e-5 * v, index)) / 2e-5
    np.testing.assert_allclose(h @ v, fd, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(model.sample_hvps(v).mean(axis=0), model.hessian() @ v, rtol=1e-10, atol=1e-13)
    assert np.linalg.eigvalsh(model.hessian())[0] < 0            # indefinite away from a minimum
    law, values, u = crossentropy.perturbative_minimum(model, np.array([100.0, 1000.0]))
    assert law[0] < law[1] < values[0]                           # the deficit shrinks with B


def test_adam_blow_up_criterion_fires_above_the_v_inflation_one():
    lam = models.spiked_spectrum(20, 5.0)
    options = dict(steps=400, halvings=6)
    linear = stability.adam_max_lr(lam, 2, 7, low=1e-4, high=10.0, **options)
    blow_up = stability.adam_max_lr(lam, 2, 7, low=1e-4, high=100.0, criterion="blow_up", **options)
    assert blow_up > 2 * linear
    with pytest.raises(ValueError):
        stability.adam_unstable(lam, 2, 0.01, 7, criterion="loss")


def test_paper_registers_at_least_five_mutants_on_its_experiments():
    registry.load_paper("rmt_batch_size_lr")
    found = registry.mutants("rmt_batch_size_lr")
    assert len(found) >= 5
    assert {m.mutant_of for m in found} <= set(registry.experiments())
