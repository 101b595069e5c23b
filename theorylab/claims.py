"""Claims from papers, and the verdicts of checking them."""

from __future__ import annotations

import math
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from theorylab.laws import AGREES, DISAGREES, INCONCLUSIVE, Law
from theorylab.rates import Estimate


@dataclass(frozen=True)
class Paper:
    """A paper whose claims theorylab checks.

    Attributes
    ----------
    slug : str
        Short name used on the command line (``matrix_sensing_overparam``).
    title, citation, url : str
    figures : callable, optional
        ``figures(context, outdir)`` regenerates the paper's figures and returns their paths.
    """

    slug: str
    title: str
    citation: str
    url: str = ""
    figures: Callable[..., list] | None = None


@dataclass(frozen=True)
class Claim:
    """One statement of a paper turned into a measurement and a predicted law.

    Attributes
    ----------
    paper : str
        The paper's slug.
    id : str
        The claim's id on the paper card (``C1``...).
    statement : str
        The claim in one line.
    source : str
        Where it comes from (theorem, section, card tag).
    measure : callable
        ``measure(context) -> Estimate | Mapping[str, Estimate]``.
    predicted : Law or sequence of Law
        What the paper predicts; every one must agree.
    controls : sequence of Law
        Negative controls: wrong predictions that the same estimates must reject. At least one
        is a **nearest rival** (``rival=`` its source): the previous bound, the naive rule, the
        model without the paper's mechanism. Others may be extra, weaker controls.
    rationale : str
        Why the window, the seeds and the tolerances are what they are.
    against_paper : str, optional
        Set when the claim states what the lab measured *against* the paper (the paper's own
        statement is then the rival the measurement rejects): what the paper says, in one line.
        Shown with the verdict, in ``--json`` and in the report, so a finding is never mistaken
        for a confirmation.
    experiment : str, optional
        The experiment whose config (in the context's profile) resolves laws whose parameters are
        callables of the config (``Close(lambda c: 1 - c.mu / c.L, rtol=0.01)``); defaults to the
        domain's experiment.
    domain : Domain, optional
        The configurations the claim's theorem covers (:mod:`theorylab.domains`), searched by
        ``theorylab explore`` for counterexamples.
    figures : sequence of str, optional
        Names (file stems, without ``.png``) of the paper's figures that show this claim; the
        report links the claim to them.
    require_rival : bool
        Refuse a claim without a nearest rival (default).
    """

    paper: str
    id: str
    statement: str
    source: str
    measure: Callable[[Any], Estimate | Mapping[str, Estimate]]
    predicted: Law | Sequence[Law]
    controls: Sequence[Law]
    rationale: str = ""
    domain: Any = None
    against_paper: str | None = None
    experiment: str | None = None
    figures: Sequence[str] = ()
    require_rival: bool = field(default=True, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.predicted, Law):
            object.__setattr__(self, "predicted", (self.predicted,))
        object.__setattr__(self, "predicted", tuple(self.predicted))
        object.__setattr__(self, "controls", tuple(self.controls))
        if isinstance(self.figures, str):
            object.__setattr__(self, "figures", (self.figures,))
        object.__setattr__(self, "figures", tuple(self.figures))
        if not self.predicted:
            raise ValueError(f"claim {self.paper}:{self.id} has no predicted law")
        if not self.controls:
            raise ValueError(f"claim {self.paper}:{self.id} needs at least one negative control")
        if any(law.depends_on_config for law in (*self.predicted, *self.controls)) and not self.config_experiment:
            raise ValueError(f"claim {self.paper}:{self.id} has a law that depends on the config: "
                             "name the experiment whose config it reads (experiment=...)")
        if self.require_rival and not self.rivals:
            raise ValueError(f"claim {self.paper}:{self.id} names no nearest rival: give one of its controls "
                             "rival='<source of the rival hypothesis>'")

    @property
    def config_experiment(self) -> str | None:
        """The experiment whose config resolves config-dependent laws."""
        return self.experiment or (self.domain.experiment if self.domain is not None else None)

    @property
    def rivals(self) -> tuple[Law, ...]:
        """The controls marked as nearest rivals."""
        return tuple(law for law in self.controls if law.rival)

    @property
    def name(self) -> str:
        return f"{self.paper}:{self.id}"


@dataclass(frozen=True)
class LawResult:
    """A law applied to one estimate: its state from the interval, and the separation."""

    law: Law
    estimate: Estimate
    state: str

    @property
    def agrees(self) -> bool:
        return self.state == AGREES

    @property
    def rejected(self) -> bool:
        """For a control: its state is ``disagrees`` (the interval lies wholly outside its band)."""
        return self.state == DISAGREES

    @property
    def separation(self) -> float:
        return self.law.separation(self.estimate)

    def to_dict(self) -> dict:
        return {**self.law.to_dict(), "state": self.state, "agrees": self.agrees,
                "estimate": self.estimate.value, "low": self.estimate.low, "high": self.estimate.high,
                "separation": _finite_or_none(self.separation)}


def _finite_or_none(value: float):
    return value if math.isfinite(value) else (None if math.isnan(value) else "inf")


ERROR = "error"


@dataclass
class Verdict:
    """The outcome of checking a claim.

    ``state`` is ``agrees`` only when every predicted law agrees and every control is rejected;
    ``disagrees`` when a predicted law disagrees or a control agrees (the rival wins);
    ``inconclusive`` otherwise; ``error`` when the measurement raised. ``passed`` means ``agrees``.
    """

    claim: Claim
    estimates: dict[str, Estimate] = field(default_factory=dict)
    predicted: list[LawResult] = field(default_factory=list)
    controls: list[LawResult] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    runs: dict[str, int] = field(default_factory=dict)
    provenance: list[dict] = field(default_factory=list)

    @property
    def prediction_agrees(self) -> bool:
        return self.error is None and all(r.agrees for r in self.predicted)

    @property
    def controls_rejected(self) -> bool:
        return self.error is None and all(r.rejected for r in self.controls)

    @property
    def state(self) -> str:
        if self.error is not None:
            return ERROR
        if any(r.state == DISAGREES for r in self.predicted) or any(r.agrees for r in self.controls):
            return DISAGREES
        if self.prediction_agrees and self.controls_rejected:
            return AGREES
        return INCONCLUSIVE

    @property
    def passed(self) -> bool:
        return self.state == AGREES

    @property
    def rivals(self) -> list[LawResult]:
        return [r for r in self.controls if r.law.rival]

    @property
    def separation(self) -> float:
        """The smallest separation between an estimate's interval and a nearest rival's band."""
        values = [r.separation for r in self.rivals]
        return min(values) if values else math.nan

    @property
    def primary(self) -> Estimate | None:
        if self.predicted:
            return self.predicted[0].estimate
        return next(iter(self.estimates.values()), None)

    def to_dict(self) -> dict:
        primary = self.primary
        first = self.predicted[0].to_dict() if self.predicted else {}
        return {
            "paper": self.claim.paper,
            "claim": self.claim.id,
            "statement": self.claim.statement,
            "source": self.claim.source,
            "against_paper": self.claim.against_paper,
            "state": self.state,
            "agrees": self.passed,
            "prediction_agrees": self.prediction_agrees,
            "controls_rejected": self.controls_rejected,
            "separation": _finite_or_none(self.separation),
            "rivals": [{**r.law.to_dict(), "state": r.state, "rejected": r.rejected,
                        "separation": _finite_or_none(r.separation)} for r in self.rivals],
            "estimate": primary.to_dict() if primary else None,
            "estimates": {name: est.to_dict() for name, est in self.estimates.items()},
            "predicted": first,
            "predicted_all": [r.to_dict() for r in self.predicted],
            "controls": [{**r.to_dict(), "rejected": r.rejected} for r in self.controls],
            "rationale": self.claim.rationale,
            "runs": dict(self.runs),
            "run_provenance": list(self.provenance),
            "error": self.error,
            "seconds": round(self.seconds, 3),
        }


def _as_mapping(measured: Estimate | Mapping[str, Estimate]) -> dict[str, Estimate]:
    if isinstance(measured, Estimate):
        return {"value": measured}
    measured = dict(measured)
    if not measured or not all(isinstance(v, Estimate) for v in measured.values()):
        raise TypeError("measure must return an Estimate or a non-empty mapping of names to Estimates")
    return measured


def _apply(law: Law, estimates: dict[str, Estimate]) -> LawResult:
    key = law.on if law.on is not None else next(iter(estimates))
    if key not in estimates:
        raise KeyError(f"law {law} reads estimate '{key}', measured: {sorted(estimates)}")
    estimate = estimates[key]
    return LawResult(law, estimate, law.state(estimate))


def evaluate(claim: Claim, context: Any) -> Verdict:
    """Measure ``claim`` in ``context`` and judge the estimates against its laws.

    An exception in the measurement becomes a failed verdict carrying the error, so one broken
    claim does not hide the others.
    """
    start = time.perf_counter()
    verdict = Verdict(claim)
    counts = getattr(context, "counts", None)
    before = dict(counts) if counts is not None else {}
    sources = getattr(context, "sources", None)
    sources_before = dict(sources) if sources is not None else {}
    try:
        verdict.estimates = _as_mapping(claim.measure(context))
        predicted, controls = claim.predicted, claim.controls
        if any(law.depends_on_config for law in (*predicted, *controls)):
            config = context.config(claim.config_experiment)
            predicted = [law.resolve(config) for law in predicted]
            controls = [law.resolve(config) for law in controls]
        verdict.predicted = [_apply(law, verdict.estimates) for law in predicted]
        verdict.controls = [_apply(law, verdict.estimates) for law in controls]
    except Exception as exc:  # noqa: BLE001 -- reported in the verdict, re-raised nowhere
        verdict.error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=6)}"
    verdict.seconds = time.perf_counter() - start
    if counts is not None:
        verdict.runs = {name: counts.get(name, 0) - before.get(name, 0) for name in ("computed", "stored")}
    if sources is not None:
        for key, n in sources.items():
            used = n - sources_before.get(key, 0)
            if used > 0:
                experiment, commit, dirty, fingerprint = key
                verdict.provenance.append({"experiment": experiment, "commit": commit, "dirty": dirty,
                                           "code_fingerprint": fingerprint, "runs": used})
    return verdict
