"""Memory estimates of the sgd configs: oversized runs are refused naming the field, profiles are small."""

import tracemalloc

import pytest

from theorylab.config import available_memory_bytes, build_config, load_profile
from theorylab.errors import ConfigError
from theorylab.registry import experiments, get_experiment, run_experiment
from theorylab.sgd import experiments as _sgd  # noqa: F401  registers the experiments

NAMES = sorted(name for name in experiments() if name.startswith("sgd_"))

HUGE = 10**9


@pytest.mark.parametrize("name, values, field", [
    ("sgd_hp_unbounded", {"replicas": HUGE}, "replicas"),
    ("sgd_high_probability", {"replicas": HUGE}, "replicas"),
    ("sgd_smooth_convex", {"d": HUGE}, "d"),
    ("sgd_heavy_tail", {"replicas": HUGE}, "replicas"),
    ("sgd_harvey_noisy", {"replicas": HUGE}, "replicas"),
    ("sgd_entropic_md", {"replicas": HUGE}, "replicas"),
    ("sgd_entropic_md", {"T": HUGE}, "T"),
    ("sgd_entropic_md", {"dims": [10, 100, 10 * HUGE]}, "dims"),
    ("sgd_linear_decay_explicit", {"horizons": [1, 1000 * HUGE]}, "horizons"),
    ("sgd_linear_decay_explicit", {"instances": 10 * HUGE}, "instances"),
])
def test_huge_size_is_refused_naming_the_field(name, values, field):
    exp = get_experiment(name)
    base, _, source = load_profile(name, "quick")
    with pytest.raises(ConfigError) as info:
        build_config(exp.config, {**base, **values}, source=source)
    assert info.value.field == field
    assert "memory" in str(info.value)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("profile", ["quick", "paper"])
def test_profiles_are_far_below_the_limit(name, profile):
    exp = get_experiment(name)
    values, _, source = load_profile(name, profile)
    needed, field = build_config(exp.config, values, source=source).memory_bytes()
    assert 0 < needed < min(2**30, available_memory_bytes() / 10), (name, profile, needed, field)


@pytest.mark.parametrize("name, values", [
    ("sgd_hp_unbounded", {"replicas": 200000, "log2_T_max": 10}),
    ("sgd_smooth_convex", {"replicas": 1000, "d": 400, "log2_T_max": 9}),
    ("sgd_harvey_noisy", {"replicas": 4000, "log2_T_max": 8}),
    pytest.param("sgd_entropic_md", {"replicas": 1000, "T": 1000}, marks=pytest.mark.slow),  # ~30 s
])
def test_estimate_is_within_a_factor_two_of_the_measured_peak(name, values):
    exp = get_experiment(name)
    base, _, _ = load_profile(name, "quick")
    config = build_config(exp.config, {**base, **values})
    run_experiment(exp, build_config(exp.config, {**base, **values, "replicas": 10}), 0)  # compile first
    tracemalloc.start()
    try:
        run_experiment(exp, config, 0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    estimate = config.memory_bytes()[0]
    assert peak / 2 <= estimate <= 2 * peak, (estimate, peak)
