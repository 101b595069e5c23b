"""The configurations a theorem covers, and a search of them for counterexamples.

A claim is checked at one configuration per profile, but its theorem holds on a domain (all
n >= 2k, all step sizes below 1/L...). A :class:`Domain` declares that domain for the config fields
of one experiment -- a range or a set of choices per field, and the theorem's assumptions as
predicates, each with its source -- and :func:`explore` draws configurations from it with
Hypothesis, measures the claim at each and reports its state there. A point where the claim does
not agree (a predicted law fails, or the rival is not rejected) is a counterexample; Hypothesis
shrinks the first one towards the simplest configuration that still fails, within a budget of
evaluations, and the result can be replayed.

Drawn values replace the profile's values of the experiment (as a profile table would); a claim's
own overrides (``ctx.runs(exp, k=...)``) still win, so a domain should vary only fields the claim
does not pin.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable


@dataclass(frozen=True)
class Range:
    """Values in ``[low, high]``: integers when ``integer``, else floats (log-uniform when ``log``)."""

    low: float
    high: float
    integer: bool = False
    log: bool = False

    def __post_init__(self) -> None:
        if not self.low <= self.high:
            raise ValueError(f"Range needs low <= high, got [{self.low}, {self.high}]")
        if self.log and self.low <= 0:
            raise ValueError("a log Range needs low > 0")

    def strategy(self):
        from hypothesis import strategies as st

        if self.integer:
            return st.integers(int(math.ceil(self.low)), int(math.floor(self.high)))
        if self.log:
            lo, hi = math.log(self.low), math.log(self.high)
            # Shrinks towards the low end, the simplest (smallest) value.
            return st.floats(lo, hi).map(lambda u: float(min(self.high, max(self.low, math.exp(u)))))
        return st.floats(float(self.low), float(self.high), allow_nan=False)

    def describe(self) -> str:
        kind = "integers" if self.integer else ("log-uniform" if self.log else "floats")
        return f"[{self.low:g}, {self.high:g}] ({kind})"


@dataclass(frozen=True)
class Choice:
    """One of ``values`` (shrinks towards the first)."""

    values: tuple

    def __init__(self, *values):
        if not values:
            raise ValueError("Choice needs at least one value")
        object.__setattr__(self, "values", tuple(values))

    def strategy(self):
        from hypothesis import strategies as st

        return st.sampled_from(self.values)

    def describe(self) -> str:
        return "{" + ", ".join(map(str, self.values)) + "}"


@dataclass(frozen=True)
class Assume:
    """An assumption of the theorem: ``holds(config_values) -> bool``, with its text and source."""

    holds: Callable[[dict], bool]
    text: str
    source: str


@dataclass(frozen=True)
class Domain:
    """The configurations of ``experiment`` a claim's theorem covers.

    Parameters
    ----------
    experiment : str
        The experiment whose config fields are drawn.
    fields : mapping of str to Range or Choice
        Drawn fields; the others keep the profile's values.
    assumptions : sequence of Assume
        Predicates on the full config values (profile values with the drawn ones applied).
    """

    experiment: str
    fields: dict
    assumptions: tuple = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "assumptions", tuple(self.assumptions))
        if not self.fields:
            raise ValueError("a Domain needs at least one field to vary")

    def strategy(self, base: dict):
        """Hypothesis strategy of override dicts satisfying every assumption given ``base`` values."""
        from hypothesis import strategies as st

        names = sorted(self.fields)
        drawn = st.fixed_dictionaries({name: self.fields[name].strategy() for name in names})
        return drawn.filter(lambda values: self.admits({**base, **values}))

    def admits(self, values: dict) -> bool:
        return all(bool(a.holds(values)) for a in self.assumptions)

    def describe(self) -> str:
        parts = [f"{name} in {spec.describe()}" for name, spec in sorted(self.fields.items())]
        parts += [f"{a.text} ({a.source})" for a in self.assumptions]
        return f"{self.experiment}: " + "; ".join(parts)


@dataclass
class Point:
    """One explored configuration and the claim's state there."""

    overrides: dict
    state: str
    summary: str = ""

    def to_dict(self) -> dict:
        return {"overrides": self.overrides, "state": self.state, "summary": self.summary}


@dataclass
class Exploration:
    """What :func:`explore` found for one claim."""

    claim: str
    domain: str
    points: list[Point] = field(default_factory=list)
    counterexample: Point | None = None
    evaluations: int = 0

    def counts(self) -> dict[str, int]:
        out = {"agrees": 0, "inconclusive": 0, "disagrees": 0, "error": 0}
        for p in self.points:
            out[p.state] += 1
        return out

    def to_dict(self) -> dict:
        return {"claim": self.claim, "domain": self.domain, "counts": self.counts(), "evaluations": self.evaluations,
                "points": [p.to_dict() for p in self.points],
                "counterexample": None if self.counterexample is None else self.counterexample.to_dict()}


class _Counterexample(Exception):
    pass


def _summary(verdict) -> str:
    parts = []
    for r in [*verdict.predicted, *verdict.controls]:
        est = r.estimate
        parts.append(f"{r.law.on or 'value'}: {est.value:.4g} [{est.low:.4g}, {est.high:.4g}] {r.state} vs {r.law.describe()}")
    return "; ".join(parts) if not verdict.error else verdict.error.splitlines()[0]


def explore(claim, domain: Domain, evaluate_at: Callable[[dict], Any], base: dict, *, examples: int = 10,
            seed: int = 0, shrink_budget: int = 20, on_point: Callable[[Point], None] | None = None) -> Exploration:
    """Draw ``examples`` configurations from ``domain``, judge ``claim`` at each, shrink a counterexample.

    Parameters
    ----------
    claim : Claim
    domain : Domain
    evaluate_at : callable
        ``evaluate_at(overrides) -> Verdict``: the claim measured with ``overrides`` replacing the
        profile's values of ``domain.experiment``.
    base : dict
        The profile's config values of the experiment (for the assumptions).
    examples : int
        Configurations drawn before shrinking.
    seed : int
        Seeds Hypothesis' search (the same seed draws the same configurations).
    shrink_budget : int
        Extra evaluations Hypothesis may spend shrinking the first counterexample.
    """
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed

    result = Exploration(claim.name, domain.describe())
    best: list[Point] = []
    seen: dict[str, Point] = {}

    def judge(overrides: dict) -> Point:
        key = json.dumps(overrides, sort_keys=True, default=str)
        if key not in seen:
            verdict = evaluate_at(overrides)
            result.evaluations += 1
            seen[key] = Point(dict(overrides), verdict.state, _summary(verdict))
        return seen[key]

    def fails(overrides: dict) -> bool:
        drawing = len(result.points) < examples and not best
        if not drawing and result.evaluations - len(result.points) >= shrink_budget:
            # Budget spent: only the best counterexample so far still fails, so shrinking stops there.
            return bool(best) and overrides == best[-1].overrides
        point = judge(overrides)
        if drawing:
            result.points.append(point)
            if on_point is not None:
                on_point(point)
        if point.state in ("disagrees", "error"):
            best.append(point)
            return True
        return False

    def probe(overrides: dict) -> None:
        # One raise site: Hypothesis tells failures apart by where they are raised, and two sites
        # would make its final replay report a flaky test instead of the counterexample.
        if fails(overrides):
            raise _Counterexample()

    strategy = domain.strategy(base)
    test = settings(max_examples=examples, database=None, deadline=None, derandomize=False,
                    phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck),
                    report_multiple_bugs=False)(given(strategy)(probe))
    from hypothesis.errors import FlakyFailure

    try:
        hypothesis_seed(seed)(test)()
    except (_Counterexample, FlakyFailure):
        # A replay that does not fail again (a measurement at the edge of its band) still leaves
        # the counterexample found first in ``best``.
        if not best:
            raise
    if best:
        result.counterexample = best[-1]
    return result


def save_counterexample(root: Path, exploration: Exploration, profile: str) -> Path | None:
    """Store a counterexample so that ``theorylab explore --replay`` reruns it."""
    if exploration.counterexample is None:
        return None
    path = Path(root) / "explore" / f"{exploration.claim.replace(':', '__')}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"claim": exploration.claim, "profile": profile,
                                **exploration.counterexample.to_dict()}, indent=1, default=str))
    return path


def save_exploration(root: Path, exploration: Exploration, profile: str, *, examples: int, seed: int) -> Path:
    """Store what an exploration found (domain, points, counts, counterexample) for the report."""
    path = Path(root) / "explore" / "summaries" / f"{exploration.claim.replace(':', '__')}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"profile": profile, "examples": examples, "seed": seed, **exploration.to_dict()}
    path.write_text(json.dumps(record, indent=1, default=str))
    return path


def load_explorations(root: Path) -> dict[str, dict]:
    """The latest stored exploration of each claim: ``{claim name: record}`` (unreadable files skipped)."""
    folder = Path(root) / "explore" / "summaries"
    out = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            record = json.loads(path.read_text())
            out[record["claim"]] = record
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return out


def load_counterexamples(root: Path, claims: Iterable[str] | None = None) -> list[dict]:
    """Stored counterexamples (of ``claims``, or all)."""
    folder = Path(root) / "explore"
    wanted = None if claims is None else set(claims)
    out = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        record = json.loads(path.read_text())
        if wanted is None or record["claim"] in wanted:
            out.append(record)
    return out


def replay_command(claim: str, overrides: dict, profile: str) -> str:
    """The command that re-measures ``claim`` at ``overrides``."""
    sets = " ".join(f"--at {k}={json.dumps(v)}" for k, v in sorted(overrides.items()))
    return f"theorylab explore {claim} --profile {profile} {sets}"
