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
