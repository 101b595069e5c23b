"""Sweeps: identical results on every backend, resume after SIGKILL, concurrent sweeps, failures."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from theorylab import sweep
from theorylab.cli import main
from theorylab.context import Context
from theorylab.parallel import make_executor
from theorylab.registry import Experiment, get_experiment
from theorylab.store import Store

REPO = Path(__file__).resolve().parent.parent


def stored_arrays(root: Path) -> dict:
    """Every stored run's arrays (and scalars), by experiment/key: what must not depend on how it ran."""
    out = {}
    for path in sorted(root.glob("*/*.npz")):
        with np.load(path) as data:
            out[f"{path.parent.name}/{path.stem}"] = {name: data[name].copy() for name in data.files}
    return out


def assert_same_store(a: Path, b: Path) -> None:
    left, right = stored_arrays(a), stored_arrays(b)
    assert left.keys() == right.keys() and left
    for key in left:
        assert left[key].keys() == right[key].keys()
        for name in left[key]:
            assert np.array_equal(left[key][name], right[key][name]), (key, name)


def run_sweep(root: Path, backend: str, workers: int, experiment="sensing_sym_gd",
              grid=None, seeds=2, fixed=None) -> sweep.SweepSummary:
    grid = grid or {"alpha": [0.3, 0.6], "k": [2, 4]}
    fixed = fixed if fixed is not None else {"T": 200}
    executor = make_executor(backend, workers=workers)
    with Context("quick", store=Store(root), workers=workers, executor=executor) as ctx:
        return sweep.run(ctx, sweep.plan(ctx, experiment, grid, seeds, fixed))


def test_serial_processes_and_dask_store_identical_traces(tmp_path):
    pytest.importorskip("dask.distributed", reason="the dask backend is the optional [dist] extra")
    summaries = {backend: run_sweep(tmp_path / backend, backend, workers)
                 for backend, workers in (("serial", 1), ("processes", 2), ("dask", 2))}
    assert all(s.computed == 8 and not s.failed for s in summaries.values())
    assert_same_store(tmp_path / "serial", tmp_path / "processes")
    assert_same_store(tmp_path / "serial", tmp_path / "dask")


def test_cli_sweep_on_a_dask_local_cluster(tmp_path, capsys):
    pytest.importorskip("dask.distributed", reason="the dask backend is the optional [dist] extra")
    code = main(["sweep", "sensing_asym_gd", "--grid", "alpha=0.2,0.4", "--set", "T=300", "--seeds", "2",
                 "--backend", "dask", "--workers", "2", "--quiet", "--results", str(tmp_path)])
    assert code == 0 and "4 runs: 0 reused from the store, 4 computed, 0 failed" in capsys.readouterr().out


def sweep_command(root: Path, seeds: int, sleep: float) -> list[str]:
    return [sys.executable, "-m", "theorylab", "sweep", "selftest_decay", "--grid", "rate=-0.1,-0.05",
            "--set", f"sleep_s={sleep}", "--seeds", str(seeds), "--workers", "2", "--quiet", "--results", str(root)]


def test_sigkill_then_rerun_recomputes_nothing_and_loses_nothing(tmp_path):
    root, reference = tmp_path / "killed", tmp_path / "reference"
    command = sweep_command(root, seeds=10, sleep=0.2)
    process = subprocess.Popen(command, cwd=REPO, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(list(root.glob("*/*.json"))) < 4:
        assert process.poll() is None, "the sweep finished before it could be interrupted"
        assert time.monotonic() < deadline, "the sweep stored nothing within 120 s"
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    before = {p: p.stat().st_mtime_ns for p in root.glob("*/*.json")}
    assert 4 <= len(before) < 20
    rerun = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(before)} reused from the store, {20 - len(before)} computed" in rerun.stdout
    assert all(path.stat().st_mtime_ns == mtime for path, mtime in before.items())  # not recomputed
    run_sweep(reference, "processes", 2, "selftest_decay", {"rate": [-0.1, -0.05]}, 10, {"sleep_s": 0.2})
    assert_same_store(root, reference)


def test_two_concurrent_sweeps_on_one_store(tmp_path):
    root = tmp_path / "shared"
    command = sweep_command(root, seeds=4, sleep=0.05)
    processes = [subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
    assert all(p.wait(timeout=300) == 0 for p in processes)
    run_sweep(tmp_path / "alone", "serial", 1, "selftest_decay", {"rate": [-0.1, -0.05]}, 4, {"sleep_s": 0.05})
    assert_same_store(root, tmp_path / "alone")
    store = Store(root)
    assert all(store.load("selftest_decay", p.stem) is not None for p in root.glob("*/*.json"))


def test_failures_are_recorded_skipped_and_retried(tmp_path, monkeypatch):
    grid, fixed = {"rate": [-0.1]}, {"T": 20}
    real = get_experiment("selftest_decay")

    def flaky(config, rng):
        raise RuntimeError("worker lost")

    monkeypatch.setitem(__import__("theorylab.registry").registry._EXPERIMENTS, "selftest_decay",
                        Experiment(real.name, real.paper, real.config, flaky, real.description, real.version))
    real_fingerprint = real.fingerprint  # a flaky run of the same code, not a code change
    monkeypatch.setattr(Experiment, "fingerprint", property(lambda self: real_fingerprint))
    first = run_sweep(tmp_path, "serial", 1, "selftest_decay", grid, 3, fixed)
    assert first.computed == 0 and len(first.failed) == 3 and "worker lost" in first.failed[0][1]
    assert len(list(tmp_path.glob("*/*.error.json"))) == 3
    monkeypatch.undo()
    again = run_sweep(tmp_path, "serial", 1, "selftest_decay", grid, 3, fixed)
    assert again.computed == 0 and len(again.skipped_failed) == 3
    executor = make_executor("serial")
    with Context("quick", store=Store(tmp_path), executor=executor) as ctx:
        retried = sweep.run(ctx, sweep.plan(ctx, "selftest_decay", grid, 3, fixed, retry_failed=True))
    assert retried.computed == 3 and not retried.failed
    assert not list(tmp_path.glob("*/*.error.json"))  # a success clears the failure record


def test_failing_seed_does_not_stop_the_sweep_and_exit_status_says_so(tmp_path, capsys):
    args = ["sweep", "selftest_decay", "--grid", "rate=-0.1,-0.05", "--set", "fail_seeds=[1]", "--seeds", "3",
            "--workers", "1", "--quiet", "--results", str(tmp_path)]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "4 computed, 2 failed" in out and out.count("FAILED") == 2 and "fails on purpose" in out
    assert main(args + ["--dry-run"]) == 0
    assert "6 runs: 4 stored, 0 to run, 2 failed before" in capsys.readouterr().out


def test_bad_grid_is_named(capsys):
    assert main(["sweep", "selftest_decay", "--grid", "rate", "--dry-run", "--quiet"]) == 2
    assert "--grid" in capsys.readouterr().err
    assert main(["sweep", "selftest_decay", "--grid", "rate=0.1", "--dry-run", "--quiet"]) == 2
    assert "'rate'" in capsys.readouterr().err


def test_a_killed_local_worker_costs_only_its_run(tmp_path, capsys):
    """seed 2's run kills its worker process: that run is recorded as failed, the others are stored."""
    args = ["sweep", "selftest_decay", "--grid", "rate=-0.1,-0.05", "--set", "exit_seeds=[2]", "--seeds", "4",
            "--workers", "2", "--quiet", "--results", str(tmp_path)]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "8 runs: 0 reused from the store, 6 computed, 2 failed" in out and "WorkerDied" in out
    assert len(list(tmp_path.glob("*/*.error.json"))) == 2 and len(list(tmp_path.glob("*/*.npz"))) == 6


def children_of(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.append(int(status.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text().split("State:\t", 1)[1][0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc (Linux)")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_no_worker_outlives_the_main_process(tmp_path, sig):
    process = subprocess.Popen(sweep_command(tmp_path, seeds=20, sleep=0.3), cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("*/*.json"))) < 3:  # the pool is up and working
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    workers = children_of(process.pid)
    assert workers, "the sweep started no worker processes"
    process.send_signal(sig)
    process.wait(timeout=30)
    deadline = time.monotonic() + 15
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)], "worker processes survived their parent"


def test_two_concurrent_sweeps_compute_each_run_once(tmp_path):
    root = tmp_path / "shared"
    command = sweep_command(root, seeds=4, sleep=0.3)
    processes = [subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0] for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    import re

    computed = [int(re.search(r"(\d+) computed", out).group(1)) for out in outputs]
    assert sum(computed) == 8, outputs  # each of the 8 runs computed by exactly one of the two sweeps
    assert not list(root.glob("*/*.lease"))


def test_results_round_trips_a_sweep_to_csv(tmp_path, capsys):
    import csv
    import io

    from theorylab import load

    args = ["--grid", "rate=-0.1,-0.05", "--seeds", "2", "--quiet", "--results", str(tmp_path)]
    assert main(["results", "selftest_decay", *args]) == 2          # nothing stored yet: says what is missing
    assert "not stored" in capsys.readouterr().err
    assert main(["sweep", "selftest_decay", *args, "--workers", "1"]) == 0
    capsys.readouterr()
    assert main(["results", "selftest_decay", *args]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 2 * 2 * 101 and {"experiment", "rate", "seed", "t", "err", "scalar:final"} <= set(rows[0])
    stored = load("selftest_decay", seeds=2, results=str(tmp_path), rate=-0.05)
    mine = [r for r in rows if float(r["rate"]) == -0.05 and r["seed"] == "1"]
    assert [float(r["err"]) for r in mine] == stored[1]["err"].tolist()    # exact round trip
    assert main(["results", "--list", "--results", str(tmp_path)]) == 0
    listing = capsys.readouterr().out
    assert "selftest_decay" in listing and "4 results" in listing


@pytest.mark.parametrize("address, message", [
    ("tcp://127.0.0.1:1", "cannot reach the Dask scheduler"),   # a closed port
    ("not-an-address", "--address"),                            # malformed
])
def test_dask_address_problems_fail_fast_with_one_line(tmp_path, address, message):
    pytest.importorskip("dask.distributed", reason="the dask backend is the optional [dist] extra")
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "theorylab", "sweep", "selftest_decay", "--grid", "rate=-0.1",
                             "--seeds", "3", "--address", address, "--quiet", "--results", str(tmp_path)],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and time.monotonic() - start < 60


def test_a_dask_scheduler_without_workers_is_an_error_not_a_hang(tmp_path):
    distributed = pytest.importorskip("dask.distributed", reason="the dask backend is the optional [dist] extra")
    from theorylab.errors import TheorylabError
    from theorylab.parallel import connect_dask

    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=None) as cluster:
        start = time.monotonic()
        with pytest.raises(TheorylabError, match="has no workers"):
            connect_dask(distributed.Client, cluster.scheduler_address)
        assert time.monotonic() - start < 30
