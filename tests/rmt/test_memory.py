"""rmt experiments estimate their memory: profiles are modest, a huge main size is refused by name."""

import dataclasses
import subprocess
import sys

import pytest

from theorylab.context import Context
from theorylab.errors import ConfigError
from theorylab.registry import experiments

GIB = 2**30
# the main size field of each experiment and a value far beyond any machine
HUGE = {"rmt_ls_spectrum": ("p", 10**7), "rmt_additive_spectrum": ("p", 10**7),
        "rmt_logistic_spectrum": ("n", 10**11), "rmt_mlp_spectrum": ("n", 10**11),
        "rmt_ce_negative_spectrum": ("n", 10**11), "rmt_sgd_threshold": ("batch_sizes", (1, 10**11)),
        "rmt_adam_threshold": ("batch_sizes", (1, 10**11))}


def _config(name, profile, **values):
    return Context(profile, store=False).config(name, **values)


def test_every_rmt_experiment_is_covered():
    assert {n for n in experiments() if n.startswith("rmt_")} == set(HUGE)


@pytest.mark.parametrize("name", sorted(HUGE))
def test_profiles_are_far_below_a_gibibyte(name):
    for profile in ("quick", "paper"):
        needed, field = _config(name, profile).memory_bytes()
        assert field in {f.name for f in dataclasses.fields(_config(name, profile))}
        assert 0 < needed < GIB / 4, (name, profile, needed, field)


@pytest.mark.parametrize("name", sorted(HUGE))
def test_a_huge_main_size_is_refused_naming_it(name):
    field, value = HUGE[name]
    with pytest.raises(ConfigError) as error:
        _config(name, "quick", **{field: value})
    assert error.value.field == field


def test_run_refuses_before_any_work(tmp_path):
    out = subprocess.run([sys.executable, "-m", "theorylab", "run", "rmt_ls_spectrum", "--set", "p=1000000000",
                          "--results", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "p" in lines[0] and "Traceback" not in out.stderr
