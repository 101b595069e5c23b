import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from theorylab import rates
from theorylab.sensing import algorithms, problems
from theorylab.sensing.operators import gaussian_operator


def instance(seed, n=6, r=2, k=3, m=0, alpha=0.3):
    rng = np.random.default_rng(seed)
    M = problems.psd_target(rng, n, r, 2.0)
    X0 = problems.gaussian_factor(rng, n, k, alpha)
    A = gaussian_operator(rng, m, n, n, symmetric=True) if m else None
    return M, X0, A


@pytest.mark.parametrize("m", [0, 60])
def test_symmetric_kernel_matches_reference(m):
    M, X0, A = instance(0, m=m)
    trace = algorithms.symmetric_gd(M, X0, eta=0.1, T=50, operator=A)
    np.testing.assert_allclose(trace["err"], algorithms.symmetric_gd_reference(M, X0, 0.1, 50, A), rtol=1e-10)


@pytest.mark.parametrize("m", [0, 80])
def test_asymmetric_kernel_matches_reference(m):
    rng = np.random.default_rng(4)
    M = problems.general_target(rng, 6, 6, 2, 2.0)
    F0, G0 = problems.gaussian_factor(rng, 6, 3, 0.3), problems.gaussian_factor(rng, 6, 3, 0.1)
    A = gaussian_operator(rng, m, 6, 6) if m else None
    trace = algorithms.asymmetric_gd(M, F0, G0, eta=0.1, T=50, operator=A)
    np.testing.assert_allclose(trace["err"], algorithms.asymmetric_gd_reference(M, F0, G0, 0.1, 50, A), rtol=1e-10)


def test_runs_are_deterministic_bit_for_bit():
    M, X0, _ = instance(5)
    a = algorithms.symmetric_gd(M, X0, eta=0.1, T=300)
    b = algorithms.symmetric_gd(M, X0, eta=0.1, T=300)
    assert np.array_equal(a["err"], b["err"])


def test_divergence_stops_the_loop():
    M, X0, _ = instance(1, alpha=50.0)
    trace = algorithms.symmetric_gd(M, X0, eta=0.9, T=1000)
    assert len(trace) < 1001 and not np.isfinite(trace["err"][-1])  # the registry marks it diverged


def test_one_step_rebalance_keeps_the_product_and_equalizes_f():
    rng = np.random.default_rng(7)
    F, G = rng.standard_normal((8, 3)), rng.standard_normal((8, 3))
    F2, G2 = algorithms.one_step_rebalance(F, G)
    np.testing.assert_allclose(F2 @ G2.T, F @ G.T, atol=1e-12)
    singular = np.linalg.svd(F2, compute_uv=False)
    np.testing.assert_allclose(singular, np.sqrt(np.linalg.norm(F @ G.T, 2)) * np.ones(3), rtol=1e-10)


def test_one_step_rebalance_refuses_singular_gram():
    F = np.zeros((5, 2))
    F[0, 0] = 1.0
    with pytest.raises(ValueError, match="singular"):
        algorithms.one_step_rebalance(F, np.ones((5, 2)))


@pytest.mark.parametrize("kwargs, message", [({"eta": 0.0}, "eta"), ({"T": -1}, "T"),
                                             ({"operator": np.zeros((3, 5))}, "operator")])
def test_bad_input_is_named(kwargs, message):
    M, X0, _ = instance(0)
    options = {"eta": 0.1, "T": 5, **kwargs}
    with pytest.raises(ValueError, match=message):
        algorithms.symmetric_gd(M, X0, **options)


@given(n=st.integers(8, 14), r=st.integers(1, 2), extra=st.integers(1, 2), seed=st.integers(0, 10 ** 6))
def test_property_symmetric_rates(n, r, extra, seed):
    """Over-parameterized: log-log slope -1 (controls -2 and 0 rejected); exact: geometric decay.

    alpha = 1 and n >= 2k keep the small-initialization plateau (length ~ 1/(eta x0^2), x0 the
    initial size of the extra directions) well before the window [T/10, T]: with n = 6 and two
    extra directions Hypothesis found draws whose plateau reaches into it (slope -0.89).
    """
    rng = np.random.default_rng(seed)
    M = problems.psd_target(rng, n, r, 2.0)
    direction = rng.standard_normal((n, r + extra)) / np.sqrt(n)
    over = algorithms.symmetric_gd(M, direction, eta=0.1, T=10000)
    slope = rates.fit_power_law(over.t, over["err"]).value
    assert abs(slope + 1) < 0.1 and abs(slope + 2) > 0.1 and abs(slope) > 0.1
    exact = algorithms.symmetric_gd(M, direction[:, :r], eta=0.1, T=3000, err_stop=1e-12)
    sigma_r = problems.spectrum(r, 2.0)[-1]
    assert rates.fit_geometric(exact.t, exact["err"]).value == pytest.approx(np.log(1 - 0.1 * sigma_r), rel=0.05)


def _near_optimum(seed=3, n=12, r=2, k=4, kappa=2.0):
    """F, G with F G^T close to a rank-r target, balanced signal, tiny extra columns (as at the trigger)."""
    rng = np.random.default_rng(seed)
    M = problems.general_target(rng, n, n, r, kappa)
    u, s, vt = np.linalg.svd(M)
    F = np.hstack([u[:, :r] * np.sqrt(s[:r]), 1e-2 * rng.standard_normal((n, k - r))])
    G = np.hstack([vt[:r].T * np.sqrt(s[:r]), 1e-3 * rng.standard_normal((n, k - r))])
    F[:, :r] += 1e-3 * rng.standard_normal((n, r))
    return M, F, G


def test_one_step_balance_boost_keeps_the_product_balances_signal_and_boosts_extra():
    M, F, G = _near_optimum()
    residual = np.linalg.norm(F @ G.T - M)
    F2, G2 = algorithms.one_step_balance_boost(F, G, residual)
    np.testing.assert_allclose(F2 @ G2.T, F @ G.T, atol=1e-12)
    f = np.linalg.norm(F2, axis=0)
    g = np.linalg.norm(G2, axis=0)
    d = np.linalg.svd(F @ G.T, compute_uv=False)[:4]
    np.testing.assert_allclose(f[:2], g[:2], rtol=1e-10)                 # signal columns balanced
    np.testing.assert_allclose(f[:2] * g[:2], d[:2], rtol=1e-10)
    np.testing.assert_allclose(f[2:], np.sqrt(d[0]), rtol=1e-10)        # extra columns of F boosted
    assert np.all(g[2:] < 1e-3)
    delta = algorithms.imbalance(F2, G2)
    assert np.linalg.eigvalsh(delta[2:, 2:]).min() > 0.9 * d[0]         # imbalance ~ sigma_1 on the extras


def test_balance_boost_recovers_the_exact_parameterization_rate():
    """Population, kappa = 2: after the step the rate is log(1 - eta sigma_r), not log(1 - eta sigma_r^2/sigma_1)."""
    rng = np.random.default_rng(11)
    M = problems.general_target(rng, 16, 16, 2, 2.0)
    F0, G0 = problems.gaussian_factor(rng, 16, 4, 0.1), problems.gaussian_factor(rng, 16, 4, 0.1 / 3)
    rates_by_step = {}
    for name, step in (("boost", algorithms.one_step_balance_boost), ("equalize", algorithms.one_step_rebalance)):
        trace = algorithms.asymmetric_gd(M, F0, G0, eta=0.1, T=4000, err_stop=1e-12, one_step_tau=1e-4,
                                         special_step=step)
        assert trace.scalars["trigger_t"] > 0
        fit = rates.fit_geometric(trace.t, trace["err"], window=(trace.scalars["trigger_t"] + 20, None))
        rates_by_step[name] = fit.value
    assert rates_by_step["boost"] / np.log(1 - 0.1 * 0.5) == pytest.approx(1.0, abs=0.05)
    assert rates_by_step["equalize"] / np.log(1 - 0.1 * 0.5) == pytest.approx(0.5, abs=0.06)


def test_lambda_perp_initial_is_exact_on_the_worst_case_instance():
    M, F0, G0 = problems.worst_case_instance(8, 2, 4, 2.0, 0.3)
    U, V = problems.singular_basis(M, 2)
    assert algorithms.lambda_perp_initial(F0, G0, U, V) == pytest.approx(8 / 9 * 0.09, rel=1e-12)
    assert np.isnan(algorithms.lambda_perp_initial(F0[:, :2], G0[:, :2], U, V))


def test_worst_case_rate_is_the_constructed_alpha_squared():
    alpha, eta = 0.2, 0.1
    M, F0, G0 = problems.worst_case_instance(6, 1, 2, 1.0, alpha)
    trace = algorithms.asymmetric_gd(M, F0, G0, eta=eta, T=20000, err_stop=1e-12)
    fitted = rates.fit_geometric(trace.t, trace["err"]).value
    assert fitted / np.log(1 - eta * 8 / 9 * alpha ** 2) == pytest.approx(1.0, abs=2e-3)


def test_worst_case_instance_rejects_bad_sizes():
    with pytest.raises(ValueError, match="worst-case"):
        problems.worst_case_instance(3, 2, 4, 2.0, 0.1)


def test_lambda_perp_initial_predicts_the_random_init_rate():
    """Small alpha, population: the rate from t = 0 quantities matches the fitted one to a few percent."""
    from theorylab.sensing import experiments

    config = experiments.AsymmetricConfig(n=20, r=2, k=4, alpha=0.1, eta=0.1, T=40000)
    for seed in (0, 1):
        trace = experiments.asym_gd(config, np.random.default_rng(np.random.SeedSequence(seed)))
        assert trace.scalars["imbalance_min0"] > 0
        fitted = rates.fit_geometric(trace.t, trace["err"]).value
        assert fitted / np.log(1 - config.eta * trace.scalars["lambda_perp0"]) == pytest.approx(1.0, abs=0.05)
        assert trace.scalars["imbalance_min0"] <= trace.scalars["lambda_perp0"] <= trace.scalars["imbalance_r1_0"]


def test_config_names_a_bad_instance():
    from theorylab.errors import ConfigError
    from theorylab.sensing.experiments import AsymmetricConfig

    with pytest.raises(ConfigError, match="instance"):
        AsymmetricConfig(instance="bogus").validate()
    with pytest.raises(ConfigError, match="instance"):
        AsymmetricConfig(instance="worst_case", psd_target=True).validate()
