"""Every claim of every paper, checked with the quick profile (what `theorylab check` runs)."""

import os

import pytest

from theorylab.claims import evaluate
from theorylab.context import Context
from theorylab.store import Store
from theorylab.verify import select_claims

CLAIMS = select_claims()


@pytest.fixture(scope="session")
def quick_context(tmp_path_factory):
    # A fresh store, unless THEORYLAB_TEST_RESULTS names one: .ci/run points it at the store its
    # `theorylab mutate` step filled (same code, same requests), which the store serves only when
    # request, code fingerprint and checksums match -- so this also tests that guarantee.
    root = os.environ.get("THEORYLAB_TEST_RESULTS") or tmp_path_factory.mktemp("results")
    with Context("quick", store=Store(root), progress=False) as ctx:
        yield ctx


@pytest.mark.parametrize("claim", CLAIMS, ids=[c.name for c in CLAIMS])
def test_claim_agrees_and_rejects_its_controls(claim, quick_context):
    verdict = evaluate(claim, quick_context)
    assert verdict.error is None, verdict.error
    report = verdict.to_dict()
    assert verdict.prediction_agrees, f"prediction not agreeing: {report['predicted_all']} estimates {report['estimates']}"
    assert verdict.controls_rejected, f"a control was not rejected: {report['controls']}"
    assert verdict.state == "agrees"
    assert verdict.separation >= 1 or "separation" in claim.rationale.lower(), (
        f"separation from the nearest rival is {verdict.separation:.3g} < 1 and the rationale does not say why")


@pytest.mark.parametrize("claim", CLAIMS, ids=[c.name for c in CLAIMS])
def test_claim_names_a_nearest_rival_with_its_source(claim):
    assert claim.rivals and all(len(law.rival) > 10 for law in claim.rivals)


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
