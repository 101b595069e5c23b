"""Random bad input to the CLI: every case exits 2 with one line naming the field or file, never a traceback."""

import contextlib
import io
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from theorylab.cli import main

EXP = "selftest_decay"


@contextlib.contextmanager
def environment(**values):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_cli(argv, **env):
    err = io.StringIO()
    with environment(**env), contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    return code, err.getvalue()


commands = st.sampled_from(["run", "sweep"])
bad_counts = st.one_of(st.integers(-10**6, 0).map(str), st.sampled_from(["abc", "1.5", "", "0x", "two"]))


@st.composite
def bad_cases(draw, tmp):
    """(argv, env, text the one error line must contain)."""
    command = draw(commands)
    base = [command, EXP, "--quiet", "--results", str(tmp / "results")]
    kind = draw(st.sampled_from(["seeds", "workers", "env_workers", "set_unknown", "set_value", "grid",
                                 "results_file", "experiments_file", "toml", "address", "seed_start"]))
    if kind == "seeds":
        value = draw(bad_counts)
        return base + ["--seeds", value], {}, "--seeds"
    if kind == "workers":
        return base + ["--workers", draw(bad_counts)], {}, "--workers"
    if kind == "env_workers":
        return base, {"THEORYLAB_WORKERS": draw(bad_counts.filter(lambda v: v != ""))}, "THEORYLAB_WORKERS"
    if kind == "set_unknown":
        key = draw(st.from_regex(r"zz[a-z_]{1,8}", fullmatch=True))
        return base + ["--set", f"{key}=1"], {}, key
    if kind == "set_value":
        field, value = draw(st.sampled_from([("T", "0"), ("T", "-5"), ("T", "'ten'"), ("noise", "-1"),
                                            ("rate", "0.5"), ("sleep_s", "-2"), ("T", "true")]))
        return base + ["--set", f"{field}={value}"], {}, f"'{field}'"
    if kind == "grid":
        text = draw(st.sampled_from(["rate", "=1,2", "rate=", "rate=-0.1,-0.1", "T=5,5,6"]))
        argv = ["sweep", EXP, "--quiet", "--results", str(tmp / "results"), "--grid", text]
        return argv, {}, "--grid"
    if kind == "results_file":
        path = tmp / "a_file"
        path.write_text("x")
        return [command, EXP, "--quiet", "--results", str(path)], {}, str(path)
    if kind == "experiments_file":
        path = tmp / "not_a_folder.toml"
        path.write_text("x = 1")
        return base, {"THEORYLAB_EXPERIMENTS": str(path)}, "THEORYLAB_EXPERIMENTS"
    if kind == "toml":
        folder = tmp / f"exps{draw(st.integers(0, 10**9))}"
        folder.mkdir()
        content = draw(st.one_of(st.binary(min_size=1, max_size=30).map(lambda b: b"\xff" + b),
                                 st.text(max_size=30).map(lambda t: (t + "\n[[[ = =").encode())))
        (folder / f"{EXP}.toml").write_bytes(content)
        return base, {"THEORYLAB_EXPERIMENTS": str(folder)}, f"{EXP}.toml"
    if kind == "address":
        address = draw(st.sampled_from(["foo", "tcp://", "http://x:1", "tcp://a b:1", "::::"]))
        return base + ["--address", address], {}, "--address"
    return base + ["--seed-start", draw(st.integers(-100, -1).map(str))], {}, "--seed-start"


@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_bad_input_exits_2_with_one_line_naming_it(data, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    argv, env, named = data.draw(bad_cases(tmp))
    code, err = run_cli(argv, **env)
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, (argv, env, err)
    assert "Traceback" not in err and len(lines) == 1, (argv, env, err)
    assert named in lines[0], (argv, env, err)
    assert not (tmp / "results").exists() or not any((tmp / "results").rglob("*.npz")), "work started"


def test_figures_out_pointing_at_a_file_fails_before_any_work(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    code, err = run_cli(["figures", "matrix_sensing_overparam", "--out", str(target), "--quiet"])
    assert code == 2 and "--out" in err and str(target) in err
