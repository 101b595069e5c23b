import numpy as np
import pytest

from theorylab.rmt import hessians, lanczos, models, spectra


def _spiked_batch(p=300, batch=400, seed=0):
    rng = np.random.default_rng(seed)
    source = models.least_squares(models.spiked_spectrum(p, 10.0))
    return source.draw_batch(rng, batch)


def test_top_ritz_value_matches_eigvalsh_for_separated_outlier():
    features, weights = _spiked_batch()
    exact = np.linalg.eigvalsh(hessians.batch_hessian(features, weights))[-1]
    ritz = lanczos.top_eigenvalue(hessians.batch_matvec(features, weights), features.shape[1],
                                  np.random.default_rng(1), steps=40)
    assert abs(ritz - exact) / exact <= 1e-6


def test_full_reorthogonalisation_leaves_no_ghost_copies():
    rng = np.random.default_rng(2)
    values = np.r_[50.0, np.linspace(0.1, 1.0, 199)]
    result = lanczos.lanczos(lambda v: values * v, rng.standard_normal(200), 120)
    assert np.sum(np.abs(result.ritz_values - 50.0) < 1e-6) == 1


def test_slq_trace_and_weights():
    features, weights = _spiked_batch(p=200, batch=300, seed=3)
    matvec = hessians.batch_matvec(features, weights)
    nodes, w = lanczos.slq(matvec, 200, np.random.default_rng(4), steps=60, probes=10)
    assert w.sum() == pytest.approx(1.0)
    trace = np.trace(hessians.batch_hessian(features, weights))
    assert 200 * np.sum(w * nodes) == pytest.approx(trace, rel=0.05)


def test_exact_extremal_eigenvalues_gram_and_dense_agree():
    rng = np.random.default_rng(5)
    features, weights = rng.standard_normal((7, 12)), rng.random(7)
    low, high = hessians.extremal_eigenvalues(features, weights, ridge=0.3)
    dense = np.linalg.eigvalsh(hessians.batch_hessian(features, weights, 0.3))
    assert low == pytest.approx(dense[0]) and high == pytest.approx(dense[-1])
    features, weights = rng.standard_normal((30, 12)), rng.random(30)
    low, high = hessians.extremal_eigenvalues(features, weights)
    dense = np.linalg.eigvalsh(hessians.batch_hessian(features, weights))
    assert low == pytest.approx(dense[0]) and high == pytest.approx(dense[-1])


def test_spectra_top_eigenvalue_lanczos_branch_is_exact():
    features, weights = _spiked_batch(p=200, batch=256, seed=6)
    assert min(features.shape) > spectra.EXACT_LIMIT
    value = spectra.top_eigenvalue(features, weights, 0.0, np.random.default_rng(7))
    assert value == pytest.approx(np.linalg.eigvalsh(hessians.batch_hessian(features, weights))[-1], rel=1e-9)


def test_control_variate_is_unbiased_and_nonnegative():
    rng = np.random.default_rng(8)
    source = models.least_squares(models.spiked_spectrum(40, 5.0))
    stats = spectra.batch_statistics(source, rng, [20, 200], reps=60)
    assert np.all(stats["excess_cv_mean"] > 0)
    raw_excess = stats["lmax_mean"] - 5.0
    # same expectation: agree within the raw estimate's noise
    assert np.all(np.abs(raw_excess - stats["excess_cv_mean"]) < 4 * stats["lmax_se"])
    assert np.all(stats["excess_cv_se"] < stats["lmax_se"])
