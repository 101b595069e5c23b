"""Memory estimates of the sensing configs: a huge size is refused naming its field, profiles are tiny."""

import dataclasses

import pytest

from theorylab.config import ConfigError, available_memory_bytes, build_config, load_profile
from theorylab.sensing.experiments import AsymmetricConfig, SensingConfig
from theorylab.sensing.subgm_experiments import (ConvexL1Config, L2GDConfig, SignRIPConfig, SubGMConfig,
                                                 UniformSignRIPConfig)

HUGE = 10**12
#: config class, its main size field, the experiment whose profiles use it.
CASES = [
    (SensingConfig, "T", "sensing_sym_gd"),
    (SensingConfig, "m", "sensing_sym_gd"),
    (AsymmetricConfig, "T", "sensing_asym_gd"),
    (SubGMConfig, "T", "subgm_recovery"),
    (SubGMConfig, "m", "subgm_recovery"),
    (L2GDConfig, "T", "subgm_l2_gd"),
    (ConvexL1Config, "m", "subgm_convex_l1"),
    (SignRIPConfig, "chunk", "subgm_sign_rip_mc"),
    (UniformSignRIPConfig, "m", "subgm_sign_rip_uniform"),
]


@pytest.mark.parametrize("config_type, field, _", CASES, ids=[f"{c.__name__}.{f}" for c, f, _ in CASES])
def test_huge_size_is_refused_naming_the_field(config_type, field, _):
    values = {field: HUGE}
    if field == "chunk":
        values["m"] = HUGE  # a batch is min(chunk, m)
    with pytest.raises(ConfigError) as info:
        build_config(config_type, values)
    assert info.value.field == field
    assert "memory" in str(info.value)


def test_sign_rip_m_alone_costs_no_memory():
    """Monte-Carlo draws are batched: a huge m with the default chunk is a long run, not a big one."""
    assert SignRIPConfig(m=HUGE).memory_bytes() == SignRIPConfig().memory_bytes()


@pytest.mark.parametrize("config_type, _, experiment", CASES, ids=[f"{c.__name__}:{e}" for c, _, e in CASES])
@pytest.mark.parametrize("profile", ["quick", "paper"])
def test_profiles_are_far_below_the_limit(config_type, _, experiment, profile):
    values, _, _ = load_profile(experiment, profile)
    names = {f.name for f in dataclasses.fields(config_type)}
    config = build_config(config_type, {k: v for k, v in values.items() if k in names})
    needed, _ = config.memory_bytes()
    assert needed < 2**30 and needed < available_memory_bytes() / 10


def test_estimates_grow_with_the_main_size():
    small, large = SubGMConfig(m=100).memory_bytes()[0], SubGMConfig(m=10000).memory_bytes()[0]
    assert large > 50 * small / 2
    assert SensingConfig(T=10**6).memory_bytes()[1] == "T"
    assert SensingConfig(m=10**5, n=30).memory_bytes()[1] == "m"
