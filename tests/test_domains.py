"""Claims over a domain: drawing configurations, shrinking a counterexample to the region's boundary, replay."""

import pytest

from theorylab import Bound, Claim, Context
from theorylab.claims import evaluate
from theorylab.domains import Assume, Choice, Domain, Range, explore, load_counterexamples, save_counterexample
from theorylab.rates import estimate_from_values
from theorylab.store import Store

EXP = "selftest_decay"


def final_error(ctx):
    return estimate_from_values([t["err"][-1] for t in ctx.runs(EXP)], method="error at T")


# exp(-0.05 T) >= 0.05 exactly when T <= 59: the claim holds below the boundary and fails above it.
DOMAIN = Domain(EXP, {"T": Range(10, 400, integer=True), "noise": Choice(0.0)},
                [Assume(lambda c: c["T"] >= 10, "T >= 10", "toy")])
CLAIM = Claim("(selftest)", "B", "the error at T stays above 0.05", "toy", final_error,
              Bound(lower=0.05), [Bound(upper=0.01, rival="decayed below 1% (toy)")], domain=DOMAIN)


@pytest.fixture
def evaluate_at(tmp_path):
    store = Store(tmp_path)

    def run(overrides):
        with Context("quick", store=store, workers=1, base_overrides={EXP: overrides}) as ctx:
            return evaluate(CLAIM, ctx)

    return run


def base_values():
    import dataclasses

    with Context("quick", store=False, workers=1) as ctx:
        return dataclasses.asdict(ctx.config(EXP))


def test_drawn_values_replace_the_profile_and_the_claim_sees_them(evaluate_at):
    assert evaluate_at({"T": 40, "noise": 0.0}).state == "agrees"
    assert evaluate_at({"T": 200, "noise": 0.0}).state == "disagrees"


def test_a_counterexample_is_shrunk_to_the_boundary_of_the_region_and_replays(tmp_path, evaluate_at):
    found = explore(CLAIM, DOMAIN, evaluate_at, base_values(), examples=10, seed=1, shrink_budget=60)
    assert found.counterexample is not None and found.counterexample.state == "disagrees"
    assert found.counterexample.overrides == {"T": 60, "noise": 0.0}   # the smallest failing T
    assert found.evaluations <= 10 + 60
    path = save_counterexample(tmp_path, found, "quick")
    [record] = load_counterexamples(tmp_path, ["(selftest):B"])
    assert path.exists() and record["overrides"] == {"T": 60, "noise": 0.0}
    assert evaluate_at(record["overrides"]).state == "disagrees"   # the replay gives the same verdict


def test_a_claim_that_holds_on_its_domain_has_no_counterexample(evaluate_at):
    narrow = Domain(EXP, {"T": Range(10, 59, integer=True), "noise": Choice(0.0)})
    found = explore(CLAIM, narrow, evaluate_at, base_values(), examples=8, seed=0)
    assert found.counterexample is None and found.counts()["agrees"] == len(found.points) >= 5


def test_assumptions_restrict_what_is_drawn(evaluate_at):
    only_small = Domain(EXP, {"T": Range(10, 400, integer=True), "noise": Choice(0.0)},
                        [Assume(lambda c: c["T"] <= 59, "T <= 59", "toy")])
    found = explore(CLAIM, only_small, evaluate_at, base_values(), examples=8, seed=3)
    assert found.counterexample is None and all(p.overrides["T"] <= 59 for p in found.points)


def test_domain_fields_must_be_given():
    with pytest.raises(ValueError):
        Domain(EXP, {})
    with pytest.raises(ValueError):
        Range(2, 1)
