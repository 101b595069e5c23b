"""ntk experiments estimate their memory: profiles are modest, a huge width or N is refused by name."""

import dataclasses
import subprocess
import sys

import pytest

from theorylab.context import Context
from theorylab.errors import ConfigError
from theorylab.ntk import limit_checks  # noqa: F401  registers the limit-kernel experiments
from theorylab.registry import experiments

GIB = 2**30
HUGE = {"ntk_init_kernel": ("widths", [32, 64, 10**6]), "ntk_init_output": ("width", 10**6),
        "ntk_init_kurtosis": ("widths", [16, 32, 10**7]), "ntk_train": ("width", 10**6),
        "ntk_pc_dynamics": ("width", 10**6), "ntk_limit_posterior": ("width", 10**6),
        "ntk_kernel_circle": ("width", 10**6), "ntk_circle_fit": ("width", 10**6),
        "ntk_limit_exact": ("n_points", 10**6), "ntk_limit_spectrum": ("n_points", 10**6)}
HUGE_N = {"ntk_init_kernel": ("n_points", 10**6), "ntk_init_output": ("nets", 10**10),
          "ntk_init_kurtosis": ("samples", 10**11), "ntk_train": ("n_train", 10**6),
          "ntk_pc_dynamics": ("steps", 10**10), "ntk_limit_posterior": ("nets", 10**10),
          "ntk_kernel_circle": ("n_angles", 10**9), "ntk_circle_fit": ("n_angles", 10**9)}


def _config(name, profile, **values):
    return Context(profile, store=False).config(name, **values)


def test_every_ntk_experiment_is_covered():
    assert {n for n in experiments() if n.startswith("ntk_")} == set(HUGE)


@pytest.mark.parametrize("name", sorted(HUGE))
def test_profiles_are_below_half_a_gibibyte(name):
    for profile in ("quick", "paper"):
        config = _config(name, profile)
        needed, field = config.memory_bytes()
        assert field in {f.name for f in dataclasses.fields(config)}
        assert 0 < needed < GIB / 2, (name, profile, needed, field)


@pytest.mark.parametrize("name", sorted(HUGE))
def test_a_huge_width_is_refused_naming_it(name):
    field, value = HUGE[name]
    with pytest.raises(ConfigError) as error:
        _config(name, "quick", **{field: value})
    assert error.value.field == field


@pytest.mark.parametrize("name", sorted(HUGE_N))
def test_a_huge_count_is_refused_naming_it(name):
    field, value = HUGE_N[name]
    with pytest.raises(ConfigError) as error:
        _config(name, "quick", **{field: value})
    assert error.value.field == field


def test_run_refuses_before_any_work(tmp_path):
    out = subprocess.run([sys.executable, "-m", "theorylab", "run", "ntk_train", "--set", "width=1000000",
                          "--results", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "width" in lines[0] and "Traceback" not in out.stderr
