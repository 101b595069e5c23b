"""The estimators added for issue 18: kernel bias, single-input sampler, kurtosis, t -> infinity limit, mutants."""

import numpy as np
import pytest

from theorylab import registry
from theorylab.ntk import analytic, experiments as ntk, mlp, sampling
from theorylab.ntk import mutants  # noqa: F401  registers mutants


def test_kernel_bias_estimator_removes_the_monte_carlo_term_and_sees_a_constant_bias():
    rng = np.random.default_rng(0)
    limit = analytic.ntk(analytic.equispaced_circle(8), depth=3, beta=0.1)
    noise = 0.05 * rng.standard_normal((4000, 8, 8))
    noise = (noise + noise.transpose(0, 2, 1)) / 2
    unbiased = ntk.kernel_errors(limit + noise, limit)
    assert unbiased["bias"] < 0.01 < unbiased["rel_err"]
    shift = 0.01
    biased = ntk.kernel_errors(limit + shift + noise, limit)
    assert biased["bias"] == pytest.approx(shift * 8 / np.linalg.norm(limit), rel=0.1)


def test_kernel_diag_rms_is_the_relative_diagonal_error():
    limit = np.diag([1.0, 2.0])
    kernels = np.array([np.diag([1.1, 2.0]), np.diag([0.9, 2.2])])
    assert ntk.kernel_errors(kernels, limit)["diag_rms"] == pytest.approx(np.sqrt((0.01 + 0 + 0.01 + 0.01) / 4))


def test_single_input_sampler_matches_the_full_network_in_distribution():
    x = np.array([0.6, -0.8])
    rng = np.random.default_rng(1)
    full = np.array([mlp.forward(mlp.init_mlp(rng, 2, 6, 3, 0.3), x[None])[0] for _ in range(6000)])
    fast = sampling.single_input_outputs(np.random.default_rng(2), x, width=6, depth=3, beta=0.3, samples=30000)
    sigma = analytic.nngp(x[None], depth=3, beta=0.3)[0, 0]
    assert np.mean(full**2) / sigma == pytest.approx(1.0, abs=0.06)
    assert np.mean(fast**2) / sigma == pytest.approx(1.0, abs=0.02)
    # Width 6, depth 3: a clearly non-Gaussian output. Its tails are heavy, so the sample kurtosis of
    # 6000 nets is too noisy to compare (it ranges over ~1.7-2.6); the quantiles of |f| are not.
    assert sampling.excess_kurtosis(fast) > 1.0 and sampling.excess_kurtosis(full) > 1.0
    q = [0.5, 0.9, 0.99]
    np.testing.assert_allclose(np.quantile(np.abs(full), q), np.quantile(np.abs(fast), q), rtol=0.06)
    gauss = np.sqrt(sigma) * np.abs(np.random.default_rng(3).standard_normal(30000))
    assert abs(np.quantile(gauss, 0.99) / np.quantile(np.abs(fast), 0.99) - 1) > 0.15  # the check can fail


def test_chunked_sampling_has_the_same_distribution(monkeypatch):
    """Drawing the nets in chunks (bounded memory) changes the draws, not the distribution."""
    x = np.array([0.6, -0.8])
    draw = lambda: sampling.single_input_outputs(np.random.default_rng(5), x, width=6, depth=3, beta=0.3,  # noqa: E731
                                                 samples=400000)
    whole = draw()
    monkeypatch.setattr(sampling, "CHUNK", 1000)
    chunked = draw()
    assert not np.array_equal(whole, chunked)
    assert np.mean(chunked**2) == pytest.approx(np.mean(whole**2), rel=0.02)
    assert sampling.excess_kurtosis(chunked) == pytest.approx(sampling.excess_kurtosis(whole), abs=0.25)


def test_excess_kurtosis_of_gaussian_and_of_uniform():
    rng = np.random.default_rng(3)
    assert abs(sampling.excess_kurtosis(rng.standard_normal(200000))) < 0.05
    assert sampling.excess_kurtosis(rng.uniform(-1, 1, 200000)) == pytest.approx(-1.2, abs=0.05)


def test_limit_posterior_targets_vanish_at_training_points_and_differ_from_nngp():
    config = ntk.PosteriorConfig(n_test=12)
    X = analytic.circle_points(config.train_angles)
    S, T = analytic.limit_kernels(X, depth=4, beta=0.1)
    from theorylab.ntk import dynamics
    mean, sd = dynamics.limit_posterior(T, T, S, S, np.diag(S), np.array(config.train_targets))
    np.testing.assert_allclose(mean, config.train_targets, atol=1e-10)
    np.testing.assert_allclose(sd, 0.0, atol=1e-6)
    ref = ntk.posterior_targets(config)
    assert np.linalg.norm(ref["mean_ntk"] - ref["mean_nngp"]) > 0.05 * np.linalg.norm(ref["mean_ntk"])


def test_limit_posterior_experiment_is_deterministic_and_converges_on_the_data():
    config = ntk.PosteriorConfig(width=16, nets=3, steps=1000, n_test=8)
    a = ntk.limit_posterior(config, np.random.default_rng(4))
    b = ntk.limit_posterior(config, np.random.default_rng(4))
    assert a["mean_coeff"][0] == b["mean_coeff"][0]
    assert a["train_sd"][0] < 1e-2 * np.sqrt(analytic.diagonal(1.0, 2, depth=4, beta=0.1)[0])


def test_at_least_five_mutants_each_returning_a_trace():
    found = registry.mutants("ntk")
    assert len(found) >= 5
    tiny = {"ntk_init_kernel": dict(widths=(8, 16, 32), nets=3), "ntk_train": dict(width=16, steps=20, record_every=10),
            "ntk_pc_dynamics": dict(width=16, steps=10), "ntk_init_output": dict(width=8, nets=20),
            "ntk_limit_posterior": dict(width=16, nets=3, steps=50)}
    for m in found:
        config = m.config(**tiny[m.mutant_of])
        trace = m.simulate(config, np.random.default_rng(0))
        assert len(trace.t) >= 1
