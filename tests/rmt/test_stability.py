import numpy as np
import pytest

from theorylab.config import build_config
from theorylab.errors import ConfigError
from theorylab.rmt import experiments, models, stability


LAM = models.spiked_spectrum(100, 5.0)


def test_mean_square_threshold_solves_the_secular_equation_and_has_the_right_limits():
    for batch in (1, 8, 512):
        alpha = stability.sgd_threshold(LAM, batch)
        value = alpha / batch * np.sum(LAM / (2 - alpha * LAM * (1 + 1 / batch)))
        assert value == pytest.approx(1.0, rel=1e-9)
    assert stability.sgd_threshold(LAM, 1) == pytest.approx(2 / LAM.sum(), rel=0.05)
    assert stability.sgd_threshold(LAM, 10**6) == pytest.approx(2 / LAM.max(), rel=1e-3)
    thresholds = [stability.sgd_threshold(LAM, b) for b in (1, 2, 4, 8, 16, 64, 256)]
    assert np.all(np.diff(thresholds) > 0)


def test_mean_square_threshold_matches_second_moment_recursion():
    # iterate the exact second-moment map of diag(S) at alpha slightly below / above alpha_c
    lam, batch = models.spiked_spectrum(10, 3.0), 2
    alpha_c = stability.sgd_threshold(lam, batch)

    def growth(alpha):
        s = np.ones_like(lam)
        for _ in range(4000):
            s = s * (1 - 2 * alpha * lam + alpha**2 * lam**2 * (1 + 1 / batch)) + alpha**2 * lam * (s @ lam) / batch
            s /= s.sum()
        nxt = s * (1 - 2 * alpha * lam + alpha**2 * lam**2 * (1 + 1 / batch)) + alpha**2 * lam * (s @ lam) / batch
        return nxt.sum()

    assert growth(0.99 * alpha_c) < 1 < growth(1.01 * alpha_c)


def test_frozen_v_threshold_scales_like_sqrt_b_at_small_b():
    small = [stability.adam_frozen_v_threshold(LAM, b, 1.0) for b in (1, 2)]
    assert small[0] == pytest.approx(2 / np.sqrt(LAM).sum(), rel=0.1)
    assert small[1] / small[0] == pytest.approx(np.sqrt(2), rel=0.05)


def test_bisect_log_finds_a_step():
    found = stability.bisect_log(lambda a: a < 0.0123, 1e-4, 1.0, 20)
    assert found == pytest.approx(0.0123, rel=1e-4)
    assert stability.bisect_log(lambda a: False, 1e-4, 1.0, 5) == 1e-4
    assert stability.bisect_log(lambda a: True, 1e-4, 1.0, 5) == 1.0


def test_sgd_divergence_test_is_deterministic_and_brackets_the_threshold():
    alpha_c = stability.sgd_threshold(LAM, 4)
    assert not stability.sgd_diverges(LAM, 4, 0.5 * alpha_c, 7, steps=400)
    assert stability.sgd_diverges(LAM, 4, 2.0 * alpha_c, 7, steps=400)
    assert stability.sgd_diverges(LAM, 200, 1.2 * 2 / LAM.max(), 7, steps=300)      # Bartlett branch
    assert not stability.sgd_diverges(LAM, 200, 0.8 * 2 / LAM.max(), 7, steps=300)
    first = stability.sgd_max_lr(LAM, 2, 11, steps=300, halvings=6)
    assert first == stability.sgd_max_lr(LAM, 2, 11, steps=300, halvings=6)


def test_adam_instability_criterion_brackets():
    assert not stability.adam_unstable(LAM, 2, 1e-4, 3, steps=1000)
    assert stability.adam_unstable(LAM, 2, 0.5, 3, steps=1000)


@pytest.mark.parametrize("config_type, field, value", [
    (experiments.LeastSquaresSpectrumConfig, "spike", 0.5),
    (experiments.LeastSquaresSpectrumConfig, "batch_sizes", [8, 4]),
    (experiments.LogisticSpectrumConfig, "ridge", 0.0),
    (experiments.MLPSpectrumConfig, "width", 0),
    (experiments.SGDThresholdConfig, "low", 2.0),
    (experiments.AdamThresholdConfig, "steps", 100),
    (experiments.AdamThresholdConfig, "beta2", 1.0),
    (experiments.AdditiveSpectrumConfig, "s2", -1.0),
])
def test_bad_config_values_name_the_field(config_type, field, value):
    with pytest.raises(ConfigError, match=field):
        build_config(config_type, {field: value})
