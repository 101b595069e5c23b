import numpy as np
import pytest

from theorylab.config import build_config
from theorylab.errors import ConfigError
from theorylab.ntk import experiments as ntk


@pytest.mark.parametrize("config,field,value", [
    (ntk.InitKernelConfig, "widths", [64, 32, 128]),
    (ntk.InitKernelConfig, "depth", 1),
    (ntk.TrainConfig, "eta", 0.0),
    (ntk.TrainConfig, "record_every", 7),
    (ntk.PCConfig, "component", 17),
    (ntk.PCConfig, "beta", -0.1),
    (ntk.CircleFitConfig, "train_targets", [0.1]),
    (ntk.KernelCircleConfig, "n_angles", 2),
])
def test_bad_config_names_the_field(config, field, value):
    with pytest.raises(ConfigError, match=f"'{field}'"):
        build_config(config, {field: value})


def test_pc_dynamics_starts_on_the_component_and_is_deterministic():
    config = ntk.PCConfig(width=32, steps=20)
    a = ntk.pc_dynamics(config, np.random.default_rng(0))
    b = ntk.pc_dynamics(config, np.random.default_rng(0))
    np.testing.assert_array_equal(a["g"], b["g"])
    assert a["g"][0] == pytest.approx(0.5, abs=1e-12) and a["h"][0] == pytest.approx(0.0, abs=1e-12)
    assert a["g"][-1] < a["g"][0]


def test_train_trace_starts_with_zero_change_and_gap():
    trace = ntk.train_product(ntk.TrainConfig(width=32, steps=20, record_every=10), np.random.default_rng(1))
    assert trace["kernel_change"][0] == 0.0 and trace["gap"][0] == pytest.approx(0.0, abs=1e-12)
    assert trace["loss"][-1] < trace["loss"][0]


def test_init_kernel_error_shrinks_with_width():
    trace = ntk.init_kernel(ntk.InitKernelConfig(widths=(16, 64, 256), nets=4), np.random.default_rng(2))
    assert trace["rel_err"][-1] < trace["rel_err"][0]


def test_init_output_covariance_ratio_is_near_one():
    trace = ntk.init_output(ntk.InitOutputConfig(width=32, nets=300), np.random.default_rng(3))
    assert abs(trace["cov_ratio"][0] - 1) < 0.3


def test_init_output_rejects_single_net():
    with pytest.raises(ConfigError, match="'nets'"):
        build_config(ntk.InitOutputConfig, {"nets": 1})
