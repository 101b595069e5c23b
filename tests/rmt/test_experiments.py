import dataclasses

import numpy as np
import pytest

from theorylab.config import build_config, load_profile
from theorylab.registry import get_experiment, run_experiment
from theorylab.rmt import experiments

NAMES = ["rmt_ls_spectrum", "rmt_additive_spectrum", "rmt_logistic_spectrum", "rmt_mlp_spectrum",
         "rmt_sgd_threshold", "rmt_adam_threshold"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("profile", ["quick", "paper"])
def test_profiles_validate(name, profile):
    exp = get_experiment(name)
    values, seeds, source = load_profile(name, profile)
    config = build_config(exp.config, values, source=source)
    assert seeds >= 3 and exp.paper == "rmt_batch_size_lr"
    assert dataclasses.is_dataclass(config)


def test_spectrum_experiment_is_deterministic_per_seed():
    exp = get_experiment("rmt_ls_spectrum")
    config = experiments.LeastSquaresSpectrumConfig(p=30, batch_sizes=(4, 16, 64), reps=3)
    first, second = run_experiment(exp, config, 3), run_experiment(exp, config, 3)
    other = run_experiment(exp, config, 4)
    for metric in ("lmax_mean", "excess_cv_mean"):
        np.testing.assert_array_equal(first[metric], second[metric])
    assert not np.array_equal(first["lmax_mean"], other["lmax_mean"])
    assert not first.diverged and list(first.t) == [4, 16, 64]


def test_threshold_experiment_is_deterministic_and_monotone():
    exp = get_experiment("rmt_sgd_threshold")
    config = experiments.SGDThresholdConfig(p=20, spike=3.0, batch_sizes=(1, 4, 32), steps=200, halvings=5,
                                            curvature_reps=2)
    first, second = run_experiment(exp, config, 0), run_experiment(exp, config, 0)
    np.testing.assert_array_equal(first["alpha_max"], second["alpha_max"])
    assert np.all(np.diff(first["alpha_mean_square"]) > 0)
