"""Experiment configs (errors name their field), determinism and trace contents."""

import numpy as np
import pytest

from theorylab.config import build_config
from theorylab.errors import ConfigError
from theorylab.registry import get_experiment, run_experiment


@pytest.mark.parametrize("name, values, field", [
    ("bilevel_closeness", {"problem": "p9"}, "problem"),
    ("bilevel_closeness", {"sigma_min": -1.0}, "sigma_min"),
    ("bilevel_closeness", {"sigma_min": 0.1, "sigma_max": 0.01}, "sigma_max"),
    ("bilevel_closeness", {"n_sigma": 2}, "n_sigma"),
    ("bilevel_closeness", {"problem": "p5", "x": 0.0}, "x"),
    ("bilevel_closeness", {"m": 6}, "m"),
    ("bilevel_sigma_bias", {"problem": "p3"}, "problem"),
    ("bilevel_pdl", {"eps": 0.0}, "eps"),
    ("bilevel_pdl", {"alpha": -0.1}, "alpha"),
    ("bilevel_psl", {"eta": 1.5}, "eta"),
    ("bilevel_sdl", {"noise": -1.0}, "noise"),
    ("bilevel_aid", {"problem": "p2"}, "problem"),
    ("bilevel_estimator_variance", {"n_draws": 10}, "n_draws"),
])
def test_bad_config_names_its_field(name, values, field):
    with pytest.raises(ConfigError) as info:
        build_config(get_experiment(name).config, values)
    assert info.value.field == field


def test_closeness_trace_records_the_inner_residual_and_is_deterministic():
    exp = get_experiment("bilevel_closeness")
    config = build_config(exp.config, {"problem": "p1", "dx": 3, "dy": 5})
    a, b = run_experiment(exp, config, 2), run_experiment(exp, config, 2)
    np.testing.assert_array_equal(a["gap_value"], b["gap_value"])
    assert a.scalars["max_inner_residual"] <= 1e-12
    assert np.all(a["gap_value"] > 0)


@pytest.mark.parametrize("name", ["bilevel_sdl", "bilevel_psl"])
def test_stochastic_runs_are_deterministic_per_seed(name):
    exp = get_experiment(name)
    config = build_config(exp.config, {"n_outer": 5, "n_iter": 50})
    a, b, c = run_experiment(exp, config, 1), run_experiment(exp, config, 1), run_experiment(exp, config, 2)
    np.testing.assert_array_equal(a["grad_psi"], b["grad_psi"])
    assert not np.array_equal(a["grad_psi"], c["grad_psi"])
