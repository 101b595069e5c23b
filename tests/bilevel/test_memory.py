"""bilevel experiments estimate their memory: profiles are modest, a huge main size is refused by name."""

import dataclasses
import subprocess
import sys

import pytest

from theorylab.context import Context
from theorylab.errors import ConfigError
from theorylab.registry import experiments

GIB = 2**30
HUGE = {"bilevel_closeness": ("n_sigma", 10**11), "bilevel_jump": ("n_sigma", 10**11),
        "bilevel_degenerate": ("n_x", 10**11), "bilevel_hypergradient": ("dy", 10**6),
        "bilevel_sigma_bias": ("n_sigma", 10**11), "bilevel_pdl": ("max_outer", 10**11),
        "bilevel_sdl": ("n_outer", 10**11), "bilevel_psl": ("n_iter", 10**13), "bilevel_aid": ("n_outer", 10**11),
        "bilevel_estimator_variance": ("n_draws", 10**11)}


def _config(name, profile, **values):
    return Context(profile, store=False).config(name, **values)


def test_every_bilevel_experiment_is_covered():
    assert {n for n in experiments() if n.startswith("bilevel_")} == set(HUGE)


@pytest.mark.parametrize("name", sorted(HUGE))
def test_profiles_are_far_below_a_gibibyte(name):
    for profile in ("quick", "paper"):
        config = _config(name, profile)
        needed, field = config.memory_bytes()
        assert field in {f.name for f in dataclasses.fields(config)}
        assert 0 < needed < GIB / 4, (name, profile, needed, field)


@pytest.mark.parametrize("name", sorted(HUGE))
def test_a_huge_main_size_is_refused_naming_it(name):
    field, value = HUGE[name]
    with pytest.raises(ConfigError) as error:
        _config(name, "quick", **{field: value})
    assert error.value.field == field


def test_run_refuses_before_any_work(tmp_path):
    out = subprocess.run([sys.executable, "-m", "theorylab", "run", "bilevel_pdl", "--set", "max_outer=1000000000000",
                          "--results", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "max_outer" in lines[0] and "Traceback" not in out.stderr
