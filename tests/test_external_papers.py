"""A paper from outside the checkout, in one file: discovered through THEORYLAB_PAPERS / --papers."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from theorylab.skeleton import write_skeleton

REPO = Path(__file__).resolve().parent.parent


def theorylab(args, folder, tmp_path, **env):
    environment = {**os.environ, "THEORYLAB_PAPERS": str(folder), "THEORYLAB_RESULTS": str(tmp_path / "results"),
                   "THEORYLAB_WORKERS": "1", **env}
    return subprocess.run([sys.executable, "-m", "theorylab", *args], capture_output=True, text=True,
                          cwd=tmp_path, env=environment, timeout=300)


@pytest.fixture(scope="module")
def paper_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("user_papers")
    write_skeleton("user_rate", folder)
    return folder


def test_the_skeleton_is_one_short_file_with_a_simulator_rival_domain_and_mutant(paper_folder):
    text = (paper_folder / "user_rate.py").read_text()
    assert len(text.splitlines()) < 100
    assert "@experiment(" in text and "rival=" in text and "Domain(" in text and "@mutant(" in text


def test_list_check_mutate_explore_and_report_pick_it_up(paper_folder, tmp_path):
    listed = theorylab(["list", "--json"], paper_folder, tmp_path)
    assert listed.returncode == 0, listed.stderr
    slugs = [p["slug"] for p in json.loads(listed.stdout)["papers"]]
    assert "user_rate" in slugs and "matrix_sensing_overparam" in slugs

    check = theorylab(["check", "user_rate", "--json"], paper_folder, tmp_path)
    assert check.returncode == 0, check.stderr
    [row] = json.loads(check.stdout)
    assert row["state"] == "agrees" and row["separation"] > 1 and row["rivals"][0]["rival"]

    mutate = theorylab(["mutate", "user_rate", "--json"], paper_folder, tmp_path)
    assert mutate.returncode == 0, mutate.stderr
    assert json.loads(mutate.stdout)[0]["killed"] == 1

    explore = theorylab(["explore", "user_rate", "--examples", "3"], paper_folder, tmp_path)
    assert explore.returncode == 0 and "3 points: 3 agrees" in explore.stdout, explore.stdout + explore.stderr

    report = theorylab(["report", "user_rate", "--mutants", "--out", str(tmp_path / "report")], paper_folder, tmp_path)
    assert report.returncode == 0, report.stderr
    page = (tmp_path / "report" / "index.html").read_text()
    assert "user_rate" in page and "1 of 1 mutants killed" in page
    assert "3 of 3 points agree" in page and "explored domain" in page

    listing = theorylab(["results", "--list"], paper_folder, tmp_path)
    assert listing.returncode == 0 and "user_rate_run" in listing.stdout, listing.stdout + listing.stderr
    table = theorylab(["results", "user_rate_run", "--format", "csv", "--out", str(tmp_path / "runs.csv")],
                      paper_folder, tmp_path)
    assert table.returncode == 0, table.stderr
    header, *rows = (tmp_path / "runs.csv").read_text().splitlines()
    assert "seed" in header.split(",") and len({row.split(",")[header.split(",").index("seed")] for row in rows}) == 4


def test_the_papers_option_works_without_the_variable(paper_folder, tmp_path):
    result = theorylab(["check", "user_rate", "--papers", str(paper_folder)], "", tmp_path)
    assert result.returncode == 0 and "1 of 1 claims agree" in result.stdout, result.stderr


def test_the_skeletons_own_test_passes(paper_folder):
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(paper_folder)],
                            capture_output=True, text=True, timeout=300, cwd=paper_folder)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_broken_user_paper_is_one_clear_error(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "oops.py").write_text("raise RuntimeError('my bug')\n")
    result = theorylab(["check", "oops"], folder, tmp_path)
    assert result.returncode == 2 and "oops" in result.stderr and "my bug" in result.stderr
    assert "Traceback" not in result.stderr


def test_new_refuses_a_bad_slug_or_an_existing_file(paper_folder, tmp_path):
    assert theorylab(["new", "Bad-Slug", "--dir", str(tmp_path)], "", tmp_path).returncode == 2
    again = theorylab(["new", "user_rate", "--dir", str(paper_folder)], "", tmp_path)
    assert again.returncode == 2 and "does" in again.stderr


def test_list_is_cached_and_the_cache_follows_the_code(tmp_path):
    folder = tmp_path / "papers"
    write_skeleton("cached_rate", folder)
    cache = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = theorylab(["list", "cached_rate"], folder, tmp_path, **cache)
    assert first.returncode == 0 and "contracts ||x_t||" in first.stdout, first.stderr
    assert len(list((tmp_path / "cache" / "theorylab").glob("list-*.json"))) == 1
    module = folder / "cached_rate.py"
    module.write_text(module.read_text().replace("contracts ||x_t||", "shrinks ||x_t||"))
    second = theorylab(["list", "cached_rate"], folder, tmp_path, **cache)
    assert "shrinks ||x_t||" in second.stdout and "contracts" not in second.stdout
