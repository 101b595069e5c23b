"""Memory estimates of the convex ReLU configs: a huge size is refused naming its field, profiles are small."""

import dataclasses

import pytest

from theorylab.config import ConfigError, available_memory_bytes, build_config, load_profile
from theorylab.convex_relu import experiments as ex

HUGE = 10**12
#: config class, its main size field, the experiment whose profiles use it.
CASES = [
    (ex.ADMMConfig, "n", "relu_admm_gap"),
    (ex.ADMMConfig, "samples", "relu_admm_rate"),
    (ex.ADMMConfig, "iterations", "relu_admm_rate"),
    (ex.CostConfig, "n", "relu_iteration_cost"),
    (ex.Exact2DConfig, "n", "relu_exact_2d"),
    (ex.AdversarialConfig, "n_train", "relu_adversarial"),
    (ex.AdversarialConfig, "n_test", "relu_adversarial"),
    (ex.CertificateConfig, "n_train", "relu_robust_certificate"),
    (ex.SCPConfig, "fresh", "relu_scp_violation"),
    (ex.GatedConfig, "n", "relu_gated_gap"),
    (ex.EarlyAccuracyConfig, "n_train", "relu_early_accuracy"),
    (ex.EarlyAccuracyConfig, "n_test", "relu_early_accuracy"),
    (ex.SampledQualityConfig, "n", "relu_sampled_quality"),
]


@pytest.mark.parametrize("config_type, field, _", CASES, ids=[f"{c.__name__}.{f}" for c, f, _ in CASES])
def test_huge_size_is_refused_naming_the_field(config_type, field, _):
    with pytest.raises(ConfigError) as info:
        build_config(config_type, {field: HUGE})
    assert info.value.field == field
    assert "memory" in str(info.value)


@pytest.mark.parametrize("config_type, _, experiment", CASES, ids=[f"{c.__name__}:{e}" for c, _, e in CASES])
@pytest.mark.parametrize("profile", ["quick", "paper"])
def test_profiles_are_far_below_the_limit(config_type, _, experiment, profile):
    values, _, _ = load_profile(experiment, profile)
    names = {f.name for f in dataclasses.fields(config_type)}
    config = build_config(config_type, {k: v for k, v in values.items() if k in names})
    needed, _ = config.memory_bytes()
    assert needed < 2**30 and needed < available_memory_bytes() / 10


def test_cost_estimate_grows_like_the_factor():
    """P = n / kappa: the dP x dP factor makes the estimate grow at least like n^2."""
    small, large = ex.CostConfig(n=400).memory_bytes()[0], ex.CostConfig(n=4000).memory_bytes()[0]
    assert large > 50 * small
