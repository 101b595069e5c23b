"""Every experiment estimates its run's memory, so an oversized config is refused before any work."""

import dataclasses

import pytest

from theorylab.config import available_memory_bytes, build_config
from theorylab.errors import ConfigError
from theorylab.registry import experiments

EXPERIMENTS = sorted(experiments())
GIB = 2**30


def _config(name, profile):
    exp = experiments()[name]
    values, _, source = exp.profile(profile)
    return exp, build_config(exp.config, values, source=source)


def _scaled(value, factor):
    if isinstance(value, (tuple, list)):
        return type(value)(_scaled(v, factor) for v in value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"cannot scale {value!r}")
    return type(value)(value * factor)


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_profiles_estimate_a_modest_memory(name):
    for profile in ("quick", "paper"):
        _, config = _config(name, profile)
        assert hasattr(config, "memory_bytes"), f"{type(config).__name__} of {name} defines no memory_bytes()"
        needed, field = config.memory_bytes()
        assert field in {f.name for f in dataclasses.fields(config)}, field
        assert 0 < needed < 4 * GIB, (profile, needed, field)


def _is_size(value):
    if isinstance(value, (tuple, list)):
        return bool(value) and all(_is_size(v) for v in value)
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _size_fields(config):
    return [f.name for f in dataclasses.fields(config) if _is_size(getattr(config, f.name))]


def _made_huge(config, field):
    """``config`` with ``field`` scaled up (x10, x100, ...) until the estimate exceeds the machine, or None."""
    factor = 10
    while factor <= 10**12:
        try:
            huge = dataclasses.replace(config, **{field: _scaled(getattr(config, field), factor)})
            if huge.memory_bytes()[0] > available_memory_bytes():
                return huge
        except (OverflowError, ValueError):
            return None
        factor *= 10
    return None  # this field costs no memory (e.g. a batch size capped by the sample count)


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_a_huge_size_is_refused_naming_its_field(name):
    """Some size field, made huge, makes the estimate exceed the machine; the config is then refused
    before any work, with an error naming a field (the one the estimate blames, or one whose own
    check fails first, like ``n >= 2 p``)."""
    exp, config = _config(name, "quick")
    fields = {f.name for f in dataclasses.fields(config)}
    refused = 0
    for field in _size_fields(config):
        huge = _made_huge(config, field)
        if huge is None:
            continue
        with pytest.raises(ConfigError) as error:
            build_config(exp.config, {**dataclasses.asdict(config), field: getattr(huge, field)})
        assert error.value.field in fields, error.value
        refused += 1
    assert refused, f"no size field of {name} moves its memory estimate: {_size_fields(config)}"
