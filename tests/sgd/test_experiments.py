"""Registered experiments: configs, traces, determinism, divergence."""

import numpy as np
import pytest

from theorylab.config import build_config, load_profile
from theorylab.errors import ConfigError
from theorylab.registry import experiments, get_experiment, run_experiment
from theorylab.sgd import experiments as sgd

NAMES = ["sgd_harvey_strongly_convex", "sgd_harvey_lipschitz", "sgd_smooth_convex", "sgd_smooth_strongly_convex",
         "sgd_composite_strongly_convex", "sgd_lipschitz_convex", "sgd_heavy_tail", "sgd_high_probability",
         "sgd_hp_unbounded", "sgd_linear_decay_explicit", "sgd_harvey_noisy", "sgd_entropic_md"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("profile", ["quick", "paper"])
def test_profiles_validate(name, profile):
    exp = get_experiment(name)
    values, seeds, source = load_profile(name, profile)
    build_config(exp.config, values, source=source)
    assert seeds >= 1 and exp.paper == "last_iterate_sgd"


def test_every_sgd_experiment_is_listed():
    assert {n for n in experiments() if n.startswith("sgd_")} == set(NAMES)


@pytest.mark.parametrize("values, field", [
    ({"instance": "quadratic"}, "instance"),
    ({"c": 0.5}, "c"),
    ({"log2_T_min": 5, "log2_T_max": 6}, "log2_T_max"),
    ({"schedule": "cosine"}, "schedule"),
])
def test_harvey_config_errors(values, field):
    with pytest.raises(ConfigError) as info:
        build_config(sgd.HarveyConfig, values)
    assert info.value.field == field


@pytest.mark.parametrize("values, field", [
    ({"problem": "logistic"}, "problem"),
    ({"problem": "huber", "huber_eps": 0.0}, "huber_eps"),
    ({"noise": "cauchy"}, "noise"),
    ({"replicas": 0}, "replicas"),
    ({"deltas": [0.5, 1.0]}, "deltas"),
    ({"alpha": 1.0}, "alpha"),
    ({"schedule": "inverse_power", "p": 3.0}, "p"),
    ({"problem": "linear", "radius": 0.0}, "radius"),
])
def test_stochastic_config_errors(values, field):
    with pytest.raises(ConfigError) as info:
        build_config(sgd.StochasticConfig, values)
    assert info.value.field == field


def test_stochastic_trace_is_deterministic_per_seed():
    exp = get_experiment("sgd_heavy_tail")
    config = build_config(exp.config, {"problem": "linear", "d": 1, "radius": 1.0, "x1": 0.0, "noise": "pareto",
                                       "alpha": 1.5, "schedule": "inverse_power", "p": 1.4, "log2_T_min": 2,
                                       "log2_T_max": 6, "replicas": 20, "deltas": [0.1]})
    a, b = run_experiment(exp, config, 3), run_experiment(exp, config, 3)
    np.testing.assert_array_equal(a["mean"], b["mean"])
    assert list(a.t) == [4, 8, 16, 32, 64]
    assert set(a.metrics) == {"mean", "median", "quantile_0.1"} and not a.diverged


def test_divergence_is_reported_in_the_trace():
    exp = get_experiment("sgd_smooth_convex")
    config = build_config(exp.config, {"problem": "quadratic", "noise": "none", "schedule": "inverse_sqrt",
                                       "eta": 1000.0, "log2_T_min": 2, "log2_T_max": 12, "replicas": 2})
    trace = run_experiment(exp, config, 0)
    assert trace.diverged and trace.diverged_at is not None and len(trace) < 11


def test_harvey_trace():
    exp = get_experiment("sgd_harvey_lipschitz")
    config = build_config(exp.config, {"instance": "lipschitz", "c": 2.0, "log2_T_min": 3, "log2_T_max": 6})
    trace = run_experiment(exp, config, 0)
    assert np.all(trace["last"] > trace["lower_bound"])
    with pytest.raises(ConfigError):
        run_experiment(get_experiment("sgd_harvey_strongly_convex"), config, 0)
