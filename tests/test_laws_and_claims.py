import math

import pytest

from theorylab import Bound, Claim, Close, Geometric, PowerLaw, Scaling
from theorylab.claims import evaluate
from theorylab.rates import estimate_from_values


def est(value):
    return estimate_from_values([value], method="test")


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


def make_claim(measure, predicted, controls):
    return Claim("paper", "C1", "statement", "Thm 1", measure, predicted, controls)


def test_claim_needs_a_control():
    with pytest.raises(ValueError, match="negative control"):
        make_claim(lambda ctx: est(1.0), PowerLaw(1.0), [])


def test_verdict_passes_only_when_every_control_is_rejected():
    good = evaluate(make_claim(lambda ctx: est(-1.0), PowerLaw(-1.0), [PowerLaw(-2.0)]), None)
    assert good.passed and good.to_dict()["agrees"] is True
    weak = evaluate(make_claim(lambda ctx: est(-1.0), PowerLaw(-1.0), [PowerLaw(-1.05)]), None)
    assert weak.prediction_agrees and not weak.controls_rejected and not weak.passed
    assert weak.to_dict()["controls"][0]["rejected"] is False


def test_laws_read_named_estimates():
    claim = make_claim(lambda ctx: {"a": est(-1.0), "b": est(2.0)},
                       [PowerLaw(-1.0), Scaling(2.0, on="b")], [Scaling(0.0, on="b")])
    verdict = evaluate(claim, None)
    assert verdict.passed and verdict.primary.value == -1.0


def test_measurement_errors_become_failed_verdicts():
    def broken(ctx):
        raise RuntimeError("boom")

    verdict = evaluate(make_claim(broken, PowerLaw(-1.0), [PowerLaw(-2.0)]), None)
    assert not verdict.passed and "boom" in verdict.error
    unknown = evaluate(make_claim(lambda ctx: est(1.0), PowerLaw(1.0, on="missing"), [PowerLaw(0.0)]), None)
    assert not unknown.passed and "missing" in unknown.error


def test_verdict_json_has_the_documented_keys():
    row = evaluate(make_claim(lambda ctx: est(-1.0), PowerLaw(-1.0), [PowerLaw(-2.0)]), None).to_dict()
    assert {"paper", "claim", "statement", "agrees", "estimate", "predicted", "controls"} <= set(row)
    assert {"value", "low", "high", "seeds", "method", "window"} <= set(row["estimate"])
    assert {"law", "value", "tol"} <= set(row["predicted"])
    assert {"law", "value", "rejected"} <= set(row["controls"][0])
