"""Mutants and the kill matrix, on the selftest experiment (a noisy geometric decay)."""

import numpy as np
import pytest

from theorylab import Claim, Close, Context, Geometric, rates
from theorylab.cli import main
from theorylab.mutate import run_mutants
from theorylab.registry import get_experiment, get_mutant, mutants, experiments
from theorylab.store import Store

EXP = "selftest_decay"


def measure_rate(ctx):
    traces = ctx.runs(EXP)
    return rates.across_seeds(rates.fit_geometric, traces[0].t, np.array([t["err"] for t in traces]))


def measure_final(ctx):
    return rates.estimate_from_values([t.scalars["final"] / t["err"][-1] for t in ctx.runs(EXP)], method="final / err[-1]")


RATE_CLAIM = Claim("(selftest)", "R", "the error decays at log-rate -0.05", "toy", measure_rate,
                   Geometric(-0.05, rtol=0.1), [Geometric(-0.025, rtol=0.1, rival="half the rate (toy)")])
SCALAR_CLAIM = Claim("(selftest)", "S", "the final scalar equals the last error", "toy", measure_final,
                     Close(1.0, rtol=1e-9), [Close(1.5, rtol=1e-9, rival="inflated final value (toy)")])


@pytest.fixture
def make_context(tmp_path):
    store = Store(tmp_path)
    contexts = []

    def make(mutated):
        ctx = Context("quick", store=store, workers=1, mutants=mutated)
        contexts.append(ctx)
        return ctx

    yield make
    for ctx in contexts:
        ctx.close()


def test_mutants_are_registered_beside_their_experiment_and_hidden_from_the_list():
    get_experiment(EXP)
    half = get_mutant(EXP, "half_rate")
    assert half.mutant_of == EXP and half.name == "selftest_decay~half_rate" and half.config is get_experiment(EXP).config
    assert half in mutants("(selftest)")
    assert not any("~" in name for name in experiments())


def test_a_toy_mutant_is_killed_by_the_claim_that_should_kill_it_and_survives_one_that_should_not(make_context):
    matrix = run_mutants("(selftest)", [RATE_CLAIM, SCALAR_CLAIM],
                         [get_mutant(EXP, "half_rate"), get_mutant(EXP, "noisier")], make_context)
    assert matrix.baseline == {"R": "agrees", "S": "agrees"}
    half, noisier = matrix.results
    assert half.states["R"] == "disagrees" and half.states["S"] == "agrees"   # the rate claim sees a rate bug
    assert noisier.states["R"] == "agrees" and noisier.states["S"] == "disagrees"  # only the scalar claim sees this one
    assert half.killed_by == ["R"] and noisier.killed_by == ["S"]
    assert matrix.score == (2, 2) and not matrix.survivors
    assert "2 of 2 mutants killed" in matrix.table()


def test_a_mutant_no_claim_sees_survives(make_context):
    matrix = run_mutants("(selftest)", [RATE_CLAIM], [get_mutant(EXP, "noisier")], make_context)
    assert matrix.survivors == ["noisier"] and matrix.score == (0, 1)
    assert "SURVIVED" in matrix.table()


def test_mutant_runs_are_stored_under_their_own_key_and_never_reach_check(tmp_path, make_context):
    run_mutants("(selftest)", [RATE_CLAIM], [get_mutant(EXP, "half_rate")], make_context)
    folders = sorted(p.name for p in tmp_path.iterdir())
    assert folders == ["selftest_decay", "selftest_decay~half_rate"]
    with Context("quick", store=Store(tmp_path), workers=1) as ctx:
        from theorylab.claims import evaluate
        assert evaluate(RATE_CLAIM, ctx).state == "agrees" and ctx.counts["computed"] == 0


def test_mutate_command_rejects_an_unknown_paper(capsys):
    assert main(["mutate", "no_such_paper"]) == 2
    assert "no_such_paper" in capsys.readouterr().err
