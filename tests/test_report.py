"""The HTML report: self-contained, lists every claim, embeds figures, renders in headless Chromium."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from theorylab import Bound, Claim, Paper, PowerLaw
from theorylab.claims import evaluate
from theorylab.rates import estimate_from_values
from theorylab.report import write_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def report(tmp_path):
    paper = Paper("toy", "A toy paper", "Someone, 2024", "https://example.org/toy")
    good = Claim("toy", "C1", "error decays like 1/t", "Thm 1", lambda ctx: estimate_from_values([-1.0, -0.98, -1.01], method="fit"),
                 PowerLaw(-1.0, tol=0.1), [PowerLaw(-2.0, tol=0.1, rival="an earlier 1/t^2 bound (toy)")],
                 figures=("rate_vs_alpha",))
    bad = Claim("toy", "C2", "a claim that fails", "Thm 2", lambda ctx: estimate_from_values([3.0], method="fit"),
                Bound(upper=1.0), [Bound(lower=5.0, rival="the naive rule (toy)")])
    open_ = Claim("toy", "C3", "a claim left open", "Thm 3",
                  lambda ctx: estimate_from_values([0.8, 1.0, 1.3, 0.9, 1.1], method="fit"),
                  Bound(upper=1.2), [Bound(lower=5.0, rival="the naive rule (toy)")])
    figures = tmp_path / "figures" / "toy"
    figures.mkdir(parents=True)
    shutil.copy(Path(__file__).resolve().parent.parent / "figures/matrix_sensing_overparam/rate_vs_alpha.png",
                figures / "rate_vs_alpha.png")
    (figures / "rate_vs_alpha.caption.txt").write_text("The fitted rate against alpha. Profile: quick, 5 seeds.\n")
    verdicts = [evaluate(good, None), evaluate(bad, None), evaluate(open_, None)]
    mutation = {"toy": {"paper": "toy", "claims": ["C1", "C2", "C3"], "killed": 1, "total": 2, "survivors": ["lazy"],
                        "mutants": [{"mutant": "wrong_sign", "description": "flips a sign", "killed": True,
                                     "states": {"C1": "disagrees"}},
                                    {"mutant": "lazy", "description": "does nothing useful", "killed": False,
                                     "states": {"C1": "agrees"}}]}}
    explorations = {"toy:C1": {"claim": "toy:C1", "profile": "quick", "seed": 0, "domain": "T in [10, 100]",
                               "counts": {"agrees": 9, "inconclusive": 0, "disagrees": 1, "error": 0},
                               "counterexample": {"overrides": {"T": 10}, "state": "disagrees"}}}
    return write_report(verdicts, {"toy": paper}, tmp_path / "report", tmp_path / "figures", mutation=mutation,
                        explorations=explorations)


def test_report_lists_claims_figures_and_provenance(report):
    page = report.read_text()
    assert page.count('<tr class="state-') == 3 and "1 of 3</b> claims agree" in page
    assert "DISAGREES" in page and "INCONCLUSIVE" in page and "error decays like 1/t" in page
    assert "https://example.org/toy" in page
    assert "nearest rival: an earlier 1/t^2 bound (toy)" in page and "separation" in page


def test_report_shows_each_claims_exploration(report):
    page = report.read_text()
    assert "9 of 10 points agree" in page and "counterexample (disagrees): {&quot;T&quot;: 10}" in page
    assert page.count("no domain declared") == 2  # C2 and C3 declare none; C1's stored exploration is shown


def test_report_shows_captions_and_links_claims_to_their_figures(report):
    page = report.read_text()
    assert "The fitted rate against alpha. Profile: quick, 5 seeds." in page
    assert 'id="fig-toy-rate_vs_alpha"' in page and 'href="#fig-toy-rate_vs_alpha"' in page


def test_report_shows_each_papers_states_and_mutation_score(report):
    page = report.read_text()
    summary = page[page.index('id="summary"'):page.index('id="claims"')]
    assert "<td>1</td><td>1</td><td>1</td>" in summary and "1 of 2 mutants killed" in summary and "lazy" in summary
    assert "Mutants: 1 of 2 killed" in page and "SURVIVED" in page
    assert "data:image/png;base64," in page and "Provenance" in page and "&quot;git&quot;" in page


def test_report_needs_nothing_from_the_network(report):
    page = report.read_text()
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"https?:", page)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (CI installs Debian's chromium)")
def test_report_renders_in_headless_chromium(report, tmp_path):
    dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                          report.as_uri()], capture_output=True, text=True, timeout=120)
    assert 'id="claims"' in dom.stdout and dom.stdout.count('<tr class="state-') == 3
    shot = tmp_path / "shot.png"
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
                    "--window-size=1280,1600", report.as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 20_000  # a blank page is a few KB
