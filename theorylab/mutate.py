"""Mutation testing of claims: run a paper's claims against deliberately broken simulators.

A claim that still agrees when its simulator is wrong could not have failed. ``theorylab mutate``
first checks every claim on the real simulators (the baseline; it records which experiments each
claim reads), then, for each registered mutant (:func:`theorylab.registry.mutant`), re-evaluates
the claims that read the mutated experiment with the mutant in its place. A claim **kills** a
mutant when its state is anything but ``agrees`` (``disagrees``, ``inconclusive`` or ``error``);
a mutant that no claim kills **survives**, and means the paper's claims do not test the mechanism
the mutant breaks. The mutation score is killed / total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from theorylab.claims import Claim, evaluate
from theorylab.context import Context
from theorylab.registry import MUTANT_SEPARATOR, Experiment, load_paper, mutants

#: Cell symbols of the kill matrix.
SYMBOLS = {"disagrees": "X", "inconclusive": "x", "error": "E", "agrees": ".", None: " "}
LEGEND = "X killed (disagrees)  x killed (inconclusive)  E killed (error)  . survived  (blank) claim does not read the experiment"


@dataclass
class MutantResult:
    """One mutant against the claims that read its experiment."""

    mutant: Experiment
    states: dict[str, str] = field(default_factory=dict)  # claim id -> state under the mutant

    @property
    def name(self) -> str:
        return self.mutant.name.partition(MUTANT_SEPARATOR)[2]

    @property
    def killed_by(self) -> list[str]:
        return [claim for claim, state in self.states.items() if state != "agrees"]

    @property
    def killed(self) -> bool:
        return bool(self.killed_by)

    def to_dict(self) -> dict:
        return {"mutant": self.name, "experiment": self.mutant.mutant_of, "description": self.mutant.description,
                "killed": self.killed, "killed_by": self.killed_by, "states": dict(self.states)}


@dataclass
class PaperMutation:
    """The kill matrix of one paper."""

    paper: str
    claims: list[str]
    baseline: dict[str, str]
    results: list[MutantResult]

    @property
    def score(self) -> tuple[int, int]:
        return sum(r.killed for r in self.results), len(self.results)

    @property
    def survivors(self) -> list[str]:
        return [r.name for r in self.results if not r.killed]

    def to_dict(self) -> dict:
        killed, total = self.score
        return {"paper": self.paper, "claims": self.claims, "baseline": self.baseline, "killed": killed,
                "total": total, "score": killed / total if total else None,
                "survivors": self.survivors, "mutants": [r.to_dict() for r in self.results]}

    def table(self) -> str:
        """The kill matrix as text: one row per mutant, one column per claim."""
        killed, total = self.score
        width = max([len(r.name) for r in self.results] + [len("baseline")])
        heads = [c for c in self.claims]
        cell = max(len(c) for c in heads) + 1 if heads else 2
        lines = [f"{self.paper}: {killed} of {total} mutants killed",
                 " " * (width + 2) + "".join(h.ljust(cell) for h in heads),
                 "baseline".ljust(width + 2) + "".join(_baseline_symbol(self.baseline[c]).ljust(cell) for c in heads)]
        for result in self.results:
            row = "".join(SYMBOLS[result.states.get(c)].ljust(cell) for c in heads)
            verdict = "killed" if result.killed else "SURVIVED"
            lines.append(f"{result.name.ljust(width + 2)}{row} {verdict}: {result.mutant.description}")
        return "\n".join(lines)


def _baseline_symbol(state: str) -> str:
    return "ok" if state == "agrees" else state[:4].upper()


def run_mutants(paper: str, claims: Sequence[Claim], candidates: Sequence[Experiment],
                make_context: Callable[[dict], Context], *, on_result: Callable[[MutantResult], None] | None = None
                ) -> PaperMutation:
    """Evaluate ``claims`` on the real simulators, then against each mutant in ``candidates``.

    Parameters
    ----------
    paper : str
    claims : sequence of Claim
    candidates : sequence of Experiment
        Registered mutants (``Experiment.mutant_of`` set).
    make_context : callable
        ``make_context(mutants)`` returns a Context running ``mutants`` (``{experiment: name}``;
        empty for the baseline). The caller owns and closes the contexts' executor.
    on_result : callable, optional
        Called with each mutant's result as soon as it is known (for streaming output).
    """
    baseline_ctx = make_context({})
    reads: dict[str, set[str]] = {}
    baseline: dict[str, str] = {}
    for claim in claims:
        baseline_ctx.requested = set()
        baseline[claim.id] = evaluate(claim, baseline_ctx).state
        reads[claim.id] = set(baseline_ctx.requested)
    results = []
    for candidate in candidates:
        name = candidate.name.partition(MUTANT_SEPARATOR)[2]
        ctx = make_context({candidate.mutant_of: name})
        result = MutantResult(candidate)
        for claim in claims:
            if candidate.mutant_of in reads[claim.id]:
                result.states[claim.id] = evaluate(claim, ctx).state
        results.append(result)
        if on_result is not None:
            on_result(result)
    return PaperMutation(paper, [c.id for c in claims], baseline, results)


def mutate(papers: Iterable[str], make_context: Callable[[dict], Context], *,
           on_result: Callable[[str, MutantResult], None] | None = None) -> list[PaperMutation]:
    """The kill matrix of each paper in ``papers`` (see :func:`run_mutants`)."""
    out = []
    for slug in papers:
        module = load_paper(slug)
        callback = None if on_result is None else (lambda result, slug=slug: on_result(slug, result))
        out.append(run_mutants(slug, list(module.CLAIMS), mutants(slug), make_context, on_result=callback))
    return out
