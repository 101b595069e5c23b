import json

import pytest

from theorylab.cli import main


def test_unknown_experiment_lists_the_known_ones(capsys):
    assert main(["run", "no_such_experiment", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "unknown experiment 'no_such_experiment'" in err and "sensing_sym_gd" in err


@pytest.mark.parametrize("assignment, field", [("k=0", "'k'"), ("k=25", "'k'"), ("eta=-1", "'eta'"),
                                               ("nope=1", "'nope'")])
def test_bad_override_names_the_field(assignment, field, capsys, tmp_path):
    code = main(["run", "sensing_sym_gd", "--set", assignment, "--quiet", "--results", str(tmp_path)])
    assert code == 2 and field in capsys.readouterr().err


def test_run_reports_each_seed_and_reuses_stored_results(capsys, tmp_path):
    args = ["run", "sensing_sym_gd", "--set", "T=200", "--set", "k=2", "--seeds", "2", "--quiet",
            "--workers", "1", "--results", str(tmp_path)]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert "seed 0" in first and "seed 1" in first
    stored = sorted((tmp_path / "sensing_sym_gd").glob("*.json"))
    assert len(stored) == 2
    mtimes = [p.stat().st_mtime_ns for p in stored]
    assert main(args) == 0 and [p.stat().st_mtime_ns for p in stored] == mtimes  # not recomputed
    assert capsys.readouterr().out == first


def test_divergence_is_reported_not_crashed(capsys, tmp_path):
    code = main(["run", "sensing_sym_gd", "--set", "eta=0.99", "--set", "alpha=30", "--seeds", "1",
                 "--quiet", "--workers", "1", "--results", str(tmp_path)])
    out = capsys.readouterr()
    assert code == 1 and "DIVERGED at t=" in out.out and "1 of 1 runs diverged" in out.err


def test_check_json_for_one_claim(capsys, tmp_path):
    code = main(["check", "matrix_sensing_overparam:C2", "--json", "--quiet", "--workers", "1",
                 "--results", str(tmp_path)])
    rows = json.loads(capsys.readouterr().out)
    assert code == 0 and len(rows) == 1 and rows[0]["agrees"] is True
    assert all(control["rejected"] for control in rows[0]["controls"])


def test_check_unknown_claim(capsys):
    assert main(["check", "matrix_sensing_overparam:C99", "--quiet"]) == 2
    assert "C1" in capsys.readouterr().err


def test_list_shows_papers_claims_and_experiments(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "matrix_sensing_overparam" in out and "C6" in out and "sensing_asym_gd" in out
