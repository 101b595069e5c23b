"""Every paper has at least five mutants, and (slow) its claims kill every one of them.

CI runs ``theorylab mutate`` on every paper after the test suite (see .ci/run); the slow test here is
the same check from pytest: ``pytest -m slow paper_checks -k mutants``.
"""

import pytest

from theorylab.context import Context
from theorylab.mutate import run_mutants
from theorylab.registry import load_paper, mutants, paper_sources
from theorylab.store import Store

BUILTIN = sorted(slug for slug, module in paper_sources().items() if module.startswith("theorylab.builtin_papers."))


@pytest.mark.parametrize("slug", BUILTIN)
def test_every_paper_has_at_least_five_mutants(slug):
    load_paper(slug)
    found = mutants(slug)
    assert len(found) >= 5, f"{slug} has {len(found)} mutants: {[m.name for m in found]}"
    assert all(m.description for m in found), "every mutant says what it breaks"


@pytest.mark.slow
@pytest.mark.parametrize("slug", BUILTIN)
def test_the_claims_kill_every_mutant(slug, tmp_path):
    module = load_paper(slug)
    store = Store(tmp_path)
    contexts = []

    def make(mutated):
        contexts.append(Context("quick", store=store, mutants=mutated))
        return contexts[-1]

    try:
        matrix = run_mutants(slug, list(module.CLAIMS), mutants(slug), make)
    finally:
        for ctx in contexts:
            ctx.close()
    assert all(state == "agrees" for state in matrix.baseline.values()), matrix.baseline
    assert not matrix.survivors, matrix.table()
