import pytest

from theorylab.config import build_config, load_profile, parse_assignment
from theorylab.context import Context
from theorylab.errors import ConfigError
from theorylab.sensing.experiments import AsymmetricConfig, SensingConfig


def test_defaults_validate():
    assert build_config(SensingConfig, {}).n == 20


@pytest.mark.parametrize("values, field", [
    ({"k": 0}, "k"), ({"k": 21}, "k"), ({"r": 30}, "r"), ({"eta": -0.1}, "eta"), ({"T": 0}, "T"),
    ({"n": 2.5}, "n"), ({"n": True}, "n"), ({"alpha": "big"}, "alpha"), ({"bogus": 1}, "bogus"),
])
def test_bad_values_name_the_field(values, field):
    with pytest.raises(ConfigError) as info:
        build_config(SensingConfig, values, source="here")
    assert info.value.field == field and f"'{field}'" in str(info.value) and str(info.value).startswith("here")


def test_unknown_field_lists_the_valid_ones():
    with pytest.raises(ConfigError, match="alpha"):
        build_config(SensingConfig, {"alhpa": 1.0})


def test_subclass_validation_runs_too():
    with pytest.raises(ConfigError, match="balanced"):
        build_config(AsymmetricConfig, {"balanced": True})


def test_malformed_toml_names_file_and_line(tmp_path, monkeypatch):
    (tmp_path / "broken.toml").write_text("[quick]\nn = 20\nk = = 4\n")
    monkeypatch.setenv("THEORYLAB_EXPERIMENTS", str(tmp_path))
    with pytest.raises(ConfigError) as info:
        load_profile("broken", "quick")
    assert "broken.toml" in str(info.value) and "line 3" in str(info.value)


def test_missing_profile_table_is_named(tmp_path, monkeypatch):
    (tmp_path / "half.toml").write_text("[quick]\nn = 20\n")
    monkeypatch.setenv("THEORYLAB_EXPERIMENTS", str(tmp_path))
    with pytest.raises(ConfigError, match=r"\[paper\]"):
        load_profile("half", "paper")


def test_profile_values_are_validated_with_file_and_table():
    ctx = Context("quick", store=False, workers=1)
    with pytest.raises(ConfigError, match=r"sensing_sym_gd.toml \[quick\].*'k'"):
        ctx.config("sensing_sym_gd", k=100)


@pytest.mark.parametrize("text, expected", [("k=4", ("k", 4)), ("eta=0.05", ("eta", 0.05)),
                                            ("balanced=true", ("balanced", True)), ("name=abc", ("name", "abc"))])
def test_parse_assignment(text, expected):
    assert parse_assignment(text) == expected


def test_parse_assignment_needs_equals():
    with pytest.raises(ConfigError, match="key=value"):
        parse_assignment("k")


def test_a_run_too_large_for_the_machine_is_refused_naming_the_field(capsys):
    from theorylab.cli import main

    assert main(["run", "selftest_decay", "--set", "T=1000000000000", "--quiet", "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert "'T'" in err and "GiB" in err and "Traceback" not in err
