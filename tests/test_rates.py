import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from theorylab import rates
from theorylab.laws import Geometric, PowerLaw


def noisy(values, rng, noise):
    return values * np.exp(noise * rng.standard_normal(values.shape))


def test_power_law_recovers_exponent_and_rejects_neighbours():
    rng = np.random.default_rng(0)
    t = np.arange(1, 20001)
    series = np.array([noisy(3.0 * t ** -1.0, rng, 0.02) for _ in range(5)])
    estimate = rates.across_seeds(rates.fit_power_law, t, series)
    assert estimate.low <= -1.0 <= estimate.high
    assert PowerLaw(-1.0, tol=0.05).agrees(estimate)
    assert not PowerLaw(-2.0, tol=0.1).agrees(estimate) and not PowerLaw(-0.5, tol=0.1).agrees(estimate)
    assert estimate.window == (2000.0, 20000.0)  # the automatic window is the last decade


def test_geometric_auto_window_stops_at_the_floor():
    t = np.arange(0, 3000)
    series = np.maximum(np.exp(-0.05 * t), 1e-14)  # hits the round-off floor around t = 645
    fit = rates.fit_geometric(t, series)
    assert fit.value == pytest.approx(-0.05, rel=1e-9)
    assert fit.window[1] < 510  # nothing at or below 1e-11 is fitted


def test_log_corrected_detects_log_factor_that_power_law_misses():
    T = np.unique(np.logspace(2, 4, 12).astype(int))
    with_log = np.log(T) / T
    # The plain log-log slope looks almost like -1 ...
    assert rates.fit_power_law(T, with_log, window=(None, None)).value == pytest.approx(-0.85, abs=0.05)
    # ... while T*err regressed on ln T has slope 1 (and 0 without the log factor).
    assert rates.fit_log_corrected(T, with_log).value == pytest.approx(1.0, abs=1e-9)
    assert rates.fit_log_corrected(T, 1.0 / T).value == pytest.approx(0.0, abs=1e-9)


def test_scaling_ignores_sign():
    alpha = np.array([0.1, 0.2, 0.4])
    assert rates.fit_scaling(alpha, -0.3 * alpha ** 2).value == pytest.approx(2.0)


def test_estimate_intervals():
    single = rates.estimate_from_values([1.5], method="m", stderr=0.1)
    assert (single.low, single.high) == pytest.approx((1.5 - 0.196, 1.5 + 0.196))
    pair = rates.estimate_from_values([1.0, 2.0], method="m")
    assert (pair.low, pair.high) == (1.0, 2.0)
    many = rates.estimate_from_values(np.linspace(0, 1, 11), method="m")
    assert many.low <= many.value == 0.5 <= many.high


def test_nonfinite_values_make_the_estimate_nan_and_disagree():
    estimate = rates.estimate_from_values([1.0, np.nan], method="m")
    assert np.isnan(estimate.value) and not PowerLaw(1.0, tol=10).agrees(estimate)


def test_too_few_points_is_a_clear_error():
    with pytest.raises(ValueError, match="at least 3 usable points"):
        rates.fit_power_law([1, 2, 3, 4], [1.0, 0.5, 0.3, 0.2], window=(3, 4))


@given(exponent=st.floats(-3.0, 2.0), noise=st.floats(0.0, 0.05), seed=st.integers(0, 2 ** 16),
       start=st.integers(1, 100))
def test_property_power_law_recovery(exponent, noise, seed, start):
    rng = np.random.default_rng(seed)
    t = np.arange(start, start + 5000)
    series = np.array([noisy(t ** exponent, rng, noise) for _ in range(3)])
    estimate = rates.across_seeds(rates.fit_power_law, t, series, window=(start, None))
    assert abs(estimate.value - exponent) < 0.02
    assert not PowerLaw(exponent + 0.5, tol=0.1).agrees(estimate)
    assert not PowerLaw(exponent - 0.5, tol=0.1).agrees(estimate)


@given(rate=st.floats(-0.5, -1e-3), noise=st.floats(0.0, 0.01), seed=st.integers(0, 2 ** 16))
def test_property_geometric_recovery(rate, noise, seed):
    rng = np.random.default_rng(seed)
    t = np.arange(0, 2000)
    series = np.maximum(noisy(np.exp(rate * t), rng, noise), 0.0)
    fit = rates.fit_geometric(t, series)
    assert abs(fit.value - rate) <= 0.01 * abs(rate)
    estimate = rates.estimate_from_values([fit.value], method=fit.method)
    assert Geometric(rate, rtol=0.05).agrees(estimate)
    assert not Geometric(2 * rate, rtol=0.05).agrees(estimate)


@given(slope=st.floats(0.0, 2.0), power=st.sampled_from([0.5, 1.0]), noise=st.floats(0.0, 0.01),
       seed=st.integers(0, 2 ** 16))
def test_property_log_corrected_recovery(slope, power, noise, seed):
    rng = np.random.default_rng(seed)
    T = np.unique(np.logspace(1.5, 4.5, 15).astype(int))
    values = (slope * np.log(T) + 1.0) / T ** power
    fit = rates.fit_log_corrected(T, noisy(values, rng, noise), power=power)
    assert abs(fit.value - slope) < 0.1


def test_worst_case_summaries():
    low = rates.estimate_from_values([3.0, 1.0, 2.0], method="gap", summary="min")
    high = rates.estimate_from_values([3.0, 1.0, 2.0], method="gap", summary="max")
    assert (low.value, low.low, low.high) == (1.0, 1.0, 3.0) and high.value == 3.0
    assert low.method == "min of gap"
    with pytest.raises(ValueError, match="summary"):
        rates.estimate_from_values([1.0], method="m", summary="mean")
