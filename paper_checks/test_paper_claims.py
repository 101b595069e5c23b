"""Every claim of every paper, checked with the quick profile (what `theorylab check` runs)."""

import pytest

from theorylab.claims import evaluate
from theorylab.context import Context
from theorylab.store import Store
from theorylab.verify import select_claims

CLAIMS = select_claims()


@pytest.fixture(scope="session")
def quick_context(tmp_path_factory):
    with Context("quick", store=Store(tmp_path_factory.mktemp("results")), progress=False) as ctx:
        yield ctx


@pytest.mark.parametrize("claim", CLAIMS, ids=[c.name for c in CLAIMS])
def test_claim_agrees_and_rejects_its_controls(claim, quick_context):
    verdict = evaluate(claim, quick_context)
    assert verdict.error is None, verdict.error
    report = verdict.to_dict()
    assert verdict.prediction_agrees, f"prediction disagrees: {report['predicted_all']} estimates {report['estimates']}"
    assert verdict.controls_rejected, f"a control was not rejected: {report['controls']}"


@pytest.fixture(scope="session")
def paper_context(tmp_path_factory):
    with Context("paper", store=Store(tmp_path_factory.mktemp("paper_results")), progress=False) as ctx:
        yield ctx


@pytest.mark.slow
@pytest.mark.parametrize("claim", CLAIMS, ids=[c.name for c in CLAIMS])
def test_claim_holds_at_paper_sizes(claim, paper_context):
    """The paper profile (larger sizes, more seeds; ~6 min for all papers): `pytest -m slow paper_checks`."""
    verdict = evaluate(claim, paper_context)
    assert verdict.error is None, verdict.error
    assert verdict.passed, verdict.to_dict()
