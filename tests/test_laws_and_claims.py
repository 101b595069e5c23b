import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from theorylab import Bound, Claim, Close, Geometric, PowerLaw, Scaling
from theorylab.claims import evaluate
from theorylab.laws import interval_state, separation
from theorylab.rates import Estimate, estimate_from_values


def est(value):
    return estimate_from_values([value], method="test")


def interval(low, high, value=None):
    """A synthetic estimate with the interval [low, high]."""
    value = (low + high) / 2 if value is None else value
    return Estimate(value, low, high, (low, value, high), None, "synthetic")


@pytest.mark.parametrize("law, accepted, rejected", [
    (PowerLaw(-1.0, tol=0.1), -0.95, -1.2),
    (Scaling(2.0, tol=0.25), 2.2, 1.7),
    (Geometric(-0.05, rtol=0.05), -0.0490, -0.0540),
    (Bound(upper=-5.0), -16.0, -4.0),
    (Bound(lower=10.0), 163.0, 9.0),
    (Close(1.0, rtol=0.05), 1.04, 1.06),
])
def test_law_accepts_and_rejects(law, accepted, rejected):
    assert law.agrees(est(accepted)) and not law.agrees(est(rejected))
    assert law.to_dict()["law"] == type(law).__name__


def test_nan_never_agrees():
    assert not Bound(upper=math.inf).agrees(est(float("nan")))


def test_law_arguments_are_positional_and_on_is_keyword_only():
    assert PowerLaw(-1.0, 0.2).exponent == -1.0 and PowerLaw(-1.0, 0.2).on is None
    with pytest.raises(ValueError):
        Geometric(0.1)


# -- three states from the interval ---------------------------------------------------------
def test_interval_straddling_a_band_edge_is_inconclusive():
    law = PowerLaw(-1.0, tol=0.1)
    assert law.state(interval(-0.95, -0.85)) == "inconclusive"   # median inside, interval crosses -0.9
    assert law.state(interval(-1.05, -0.95)) == "agrees"
    assert law.state(interval(-0.89, -0.8)) == "disagrees"
    assert law.state(interval(-1.2, -0.8, value=-1.0)) == "inconclusive"   # median on target, interval too wide


@given(centre=st.floats(-10, 10), half=st.floats(0.0, 5.0), width=st.floats(1e-6, 20.0), tol=st.floats(1e-3, 5.0))
def test_an_interval_wider_than_the_band_never_agrees(centre, half, width, tol):
    law = Close(centre, atol=tol)
    low = centre - half
    high = low + 2 * tol + width  # strictly wider than the band
    assert law.state(interval(low, high)) != "agrees"


@given(low=st.floats(-100, 100), width=st.floats(0, 50), lo=st.floats(-100, 100), span=st.floats(0, 50))
def test_states_partition_the_interval_band_geometry(low, width, lo, span):
    high, hi = low + width, lo + span
    state = interval_state(low, high, (lo, hi))
    inside, outside = lo <= low and high <= hi, high < lo or low > hi
    assert state == ("agrees" if inside else "disagrees" if outside else "inconclusive")
    assert (separation(low, high, (lo, hi)) > 0) == outside


def test_nan_estimate_is_inconclusive_and_rejects_nothing():
    nan = est(float("nan"))
    assert PowerLaw(0.0).state(nan) == "inconclusive"
    assert math.isnan(PowerLaw(0.0).separation(nan))


def test_separation_is_the_gap_in_interval_widths():
    rival = PowerLaw(-2.0, tol=0.1)  # band [-2.1, -1.9]
    assert rival.separation(interval(-1.1, -0.9)) == pytest.approx(0.8 / 0.2)
    assert rival.separation(interval(-1.95, -0.9)) == 0.0
    assert rival.separation(interval(-1.0, -1.0)) == math.inf
    assert Bound(upper=0.0).separation(interval(1.0, 3.0)) == pytest.approx(0.5)


def test_worst_case_estimates_use_the_range_of_the_cases():
    worst = estimate_from_values([0.1, 0.4, 0.2], method="m", summary="max")
    assert (worst.value, worst.low, worst.high) == (0.4, 0.1, 0.4)
    assert Bound(upper=0.5).state(worst) == "agrees"
    assert Bound(upper=0.3).state(worst) == "inconclusive"   # holds for some cases, not for all
    assert Bound(upper=0.05).state(worst) == "disagrees"


# -- claims, rivals, verdicts ------------------------------------------------------------------
RIVAL = PowerLaw(-2.0, rival="a previous bound (test)")


def make_claim(measure, predicted, controls, **options):
    return Claim("paper", "C1", "statement", "Thm 1", measure, predicted, controls, **options)


def test_claim_needs_a_control():
    with pytest.raises(ValueError, match="negative control"):
        make_claim(lambda ctx: est(1.0), PowerLaw(1.0), [])


def test_claim_needs_a_nearest_rival_with_its_source():
    with pytest.raises(ValueError, match="nearest rival"):
        make_claim(lambda ctx: est(1.0), PowerLaw(1.0), [PowerLaw(5.0)])
    claim = make_claim(lambda ctx: est(1.0), PowerLaw(1.0), [PowerLaw(5.0), PowerLaw(2.0, rival="Smith 2001")])
    assert [law.rival for law in claim.rivals] == ["Smith 2001"]


def test_verdict_passes_only_when_every_control_is_rejected():
    good = evaluate(make_claim(lambda ctx: est(-1.0), PowerLaw(-1.0), [RIVAL]), None)
    assert good.passed and good.state == "agrees" and good.to_dict()["agrees"] is True
    weak = evaluate(make_claim(lambda ctx: est(-1.0), PowerLaw(-1.0), [PowerLaw(-1.05, rival="close rival")]), None)
    assert weak.prediction_agrees and not weak.controls_rejected and not weak.passed
    assert weak.state == "disagrees"   # the rival agrees as well as the prediction: the rival wins
    assert weak.to_dict()["controls"][0]["rejected"] is False


def test_a_rival_inside_the_band_is_not_rejected():
    # The interval agrees with the prediction and straddles the rival's band edge.
    claim = make_claim(lambda ctx: interval(-1.08, -0.95), PowerLaw(-1.0, tol=0.1),
                       [PowerLaw(-1.2, tol=0.15, rival="nearby rival")])
    verdict = evaluate(claim, None)
    assert verdict.prediction_agrees and verdict.controls[0].state == "inconclusive"
    assert not verdict.controls[0].rejected and verdict.state == "inconclusive"
    assert verdict.separation == 0.0


def test_median_inside_but_interval_outside_is_not_agreement():
    verdict = evaluate(make_claim(lambda ctx: interval(-1.3, -0.95, value=-1.0), PowerLaw(-1.0, tol=0.1), [RIVAL]), None)
    assert verdict.state == "inconclusive" and not verdict.passed
    row = verdict.to_dict()
    assert row["state"] == "inconclusive" and row["agrees"] is False
    assert row["predicted_all"][0]["state"] == "inconclusive"


def test_disagreement_is_reported_as_such():
    verdict = evaluate(make_claim(lambda ctx: interval(-0.5, -0.4), PowerLaw(-1.0, tol=0.1), [RIVAL]), None)
    assert verdict.state == "disagrees"


def test_verdict_reports_the_separation_from_its_nearest_rival():
    verdict = evaluate(make_claim(lambda ctx: interval(-1.05, -0.95), PowerLaw(-1.0, tol=0.1),
                                  [PowerLaw(0.0, tol=0.1), RIVAL]), None)
    assert verdict.separation == pytest.approx((1.9 - 1.05) / 0.1)
    row = verdict.to_dict()
    assert row["separation"] == pytest.approx(8.5)
    assert row["rivals"][0]["rival"] == "a previous bound (test)"


def test_laws_read_named_estimates():
    claim = make_claim(lambda ctx: {"a": est(-1.0), "b": est(2.0)},
                       [PowerLaw(-1.0), Scaling(2.0, on="b")], [Scaling(0.0, on="b", rival="test")])
    verdict = evaluate(claim, None)
    assert verdict.passed and verdict.primary.value == -1.0


def test_measurement_errors_become_failed_verdicts():
    def broken(ctx):
        raise RuntimeError("boom")

    verdict = evaluate(make_claim(broken, PowerLaw(-1.0), [RIVAL]), None)
    assert not verdict.passed and "boom" in verdict.error and verdict.state == "error"
    unknown = evaluate(make_claim(lambda ctx: est(1.0), PowerLaw(1.0, on="missing"), [RIVAL]), None)
    assert not unknown.passed and "missing" in unknown.error


def test_verdict_json_has_the_documented_keys():
    row = evaluate(make_claim(lambda ctx: est(-1.0), PowerLaw(-1.0), [RIVAL]), None).to_dict()
    assert {"paper", "claim", "statement", "state", "agrees", "separation", "rivals", "estimate", "predicted",
            "controls"} <= set(row)
    assert {"value", "low", "high", "seeds", "method", "window"} <= set(row["estimate"])
    assert {"law", "value", "tol"} <= set(row["predicted"])
    assert {"law", "value", "rejected", "state", "band", "rival", "separation"} <= set(row["controls"][0])
