"""Predicted laws: what a paper says a measured estimate should be, as a band of values.

A law decides from the estimate's **interval** (the 95% interval of the median across seeds, or the
range of the cases for a worst-case estimate), not from its median:

* ``agrees`` -- the whole interval lies inside the law's band;
* ``disagrees`` -- the whole interval lies outside the band;
* ``inconclusive`` -- the interval straddles an edge of the band (or the estimate is NaN: a run
  diverged or a fit failed, so nothing can be concluded).

The same rule judges a claim's prediction and its negative controls: a control is **rejected**
only when its state is ``disagrees``. A control with ``rival=...`` set is a **nearest rival**: the
hypothesis a referee would put up against the paper's (the previous bound, the naive rule, the
model without the paper's mechanism); ``rival`` holds its source. Every claim names at least one.

``on`` names which of a claim's estimates the law reads, when a measurement yields several
(e.g. an exponent and a constant); ``None`` means the claim's first estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace

from theorylab.rates import Estimate

AGREES, INCONCLUSIVE, DISAGREES = "agrees", "inconclusive", "disagrees"
STATES = (AGREES, INCONCLUSIVE, DISAGREES)


def interval_state(low: float, high: float, band: tuple[float, float]) -> str:
    """The state of the interval ``[low, high]`` against the closed band ``[band[0], band[1]]``."""
    lo, hi = band
    if math.isnan(low) or math.isnan(high):
        return INCONCLUSIVE
    if lo <= low and high <= hi:
        return AGREES
    if high < lo or low > hi:
        return DISAGREES
    return INCONCLUSIVE


def separation(low: float, high: float, band: tuple[float, float]) -> float:
    """Gap between the interval ``[low, high]`` and ``band``, in units of the interval's width.

    0 when they touch or overlap; ``inf`` for a zero-width interval strictly outside the band;
    NaN when the interval is NaN.
    """
    if math.isnan(low) or math.isnan(high):
        return math.nan
    lo, hi = band
    gap = max(lo - high, low - hi, 0.0)
    if gap == 0.0:
        return 0.0
    width = high - low
    return math.inf if width <= 0 else gap / width


@dataclass(frozen=True)
class Law:
    """Base class: subclasses implement :meth:`band` and :meth:`describe`.

    Attributes
    ----------
    on : str, optional
        The name of the estimate the law reads (default: the claim's first estimate).
    rival : str, optional
        Set on a control that is a nearest rival: the source of that rival hypothesis
        (e.g. ``"Shamir & Zhang 2013, Thm 2: T^(-1/3)"``).
    """

    on: str | None = field(default=None, kw_only=True)
    rival: str | None = field(default=None, kw_only=True)

    def band(self) -> tuple[float, float]:
        """The closed interval of values the law accepts (``-inf``/``inf`` for an open end)."""
        raise NotImplementedError

    @property
    def depends_on_config(self) -> bool:
        """True when a parameter is a callable of the run's config (see :meth:`resolve`)."""
        return any(callable(getattr(self, f.name)) for f in fields(self))

    def resolve(self, config) -> "Law":
        """This law with every callable parameter replaced by its value at ``config``.

        A prediction may depend on the run's config, e.g. ``Geometric(rate=lambda c: log(1 - c.mu / c.L))``;
        the claim names the experiment whose config it reads (``Claim(experiment=...)``).
        """
        values = {f.name: getattr(self, f.name)(config) for f in fields(self) if callable(getattr(self, f.name))}
        return replace(self, **values) if values else self

    def describe(self) -> str:
        raise NotImplementedError

    def accepts(self, value: float) -> bool:
        """True when the single value lies in the band (never for NaN)."""
        lo, hi = self.band()
        return math.isfinite(value) and lo <= value <= hi

    def state(self, estimate: Estimate) -> str:
        """``agrees``, ``inconclusive`` or ``disagrees``, from the estimate's interval."""
        return interval_state(estimate.low, estimate.high, self.band())

    def agrees(self, estimate: Estimate) -> bool:
        """True when the estimate's whole interval lies inside the band."""
        return self.state(estimate) == AGREES

    def separation(self, estimate: Estimate) -> float:
        """Gap between the estimate's interval and this law's band, in interval widths."""
        return separation(estimate.low, estimate.high, self.band())

    def to_dict(self) -> dict:
        if self.depends_on_config:
            return {"law": type(self).__name__, "on": self.on, "describe": "(depends on the config)", "rival": self.rival}
        lo, hi = self.band()
        return {"law": type(self).__name__, "on": self.on, "describe": self.describe(),
                "band": [_json_number(lo), _json_number(hi)], "rival": self.rival}

    def __str__(self) -> str:
        return self.describe()


def _json_number(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _symmetric(target: float, tol: float) -> tuple[float, float]:
    return target - tol, target + tol


@dataclass(frozen=True)
class PowerLaw(Law):
    """``y ~ x^exponent``: a fitted log-log slope within ``tol`` of ``exponent``."""

    exponent: float = 0.0
    tol: float = 0.1

    def band(self) -> tuple[float, float]:
        return _symmetric(self.exponent, self.tol)

    def describe(self) -> str:
        return f"power law, slope {self.exponent:.6g} ± {self.tol:.6g}"

    def to_dict(self) -> dict:
        return {**super().to_dict(), "value": self.exponent, "tol": self.tol}


@dataclass(frozen=True)
class Scaling(Law):
    """A fitted quantity scales like ``parameter^exponent`` (within ``tol``)."""

    exponent: float = 0.0
    tol: float = 0.1
    parameter: str = "parameter"

    def band(self) -> tuple[float, float]:
        return _symmetric(self.exponent, self.tol)

    def describe(self) -> str:
        return f"scales like {self.parameter}^{self.exponent:.6g} ± {self.tol:.6g}"

    def to_dict(self) -> dict:
        return {**super().to_dict(), "value": self.exponent, "tol": self.tol}


@dataclass(frozen=True)
class Geometric(Law):
    """Geometric decay ``y ~ q^t`` with log-rate ``log q`` = ``rate`` within relative ``rtol``."""

    rate: float = -1.0
    rtol: float = 0.05

    def __post_init__(self) -> None:
        if not callable(self.rate) and self.rate >= 0:
            raise ValueError(f"Geometric rate is a log-contraction and must be negative, got {self.rate}")

    def band(self) -> tuple[float, float]:
        return _symmetric(self.rate, self.rtol * abs(self.rate))

    def describe(self) -> str:
        return f"geometric, log-rate {self.rate:.6g} (±{100 * self.rtol:g}%)"

    def to_dict(self) -> dict:
        return {**super().to_dict(), "value": self.rate, "tol": self.rtol * abs(self.rate)}


@dataclass(frozen=True)
class Bound(Law):
    """One-sided law: ``lower <= value`` and/or ``value <= upper`` (for upper-bound theorems)."""

    lower: float | None = None
    upper: float | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if self.lower is None and self.upper is None:
            raise ValueError("Bound needs a lower or an upper limit")

    def band(self) -> tuple[float, float]:
        return (-math.inf if self.lower is None else self.lower, math.inf if self.upper is None else self.upper)

    def describe(self) -> str:
        parts = []
        if self.lower is not None:
            parts.append(f">= {self.lower:.6g}")
        if self.upper is not None:
            parts.append(f"<= {self.upper:.6g}")
        prefix = f"{self.label} " if self.label else ""
        return prefix + " and ".join(parts)

    def to_dict(self) -> dict:
        value = self.upper if self.upper is not None else self.lower
        return {**super().to_dict(), "value": value, "tol": 0.0, "lower": self.lower, "upper": self.upper}


@dataclass(frozen=True)
class Close(Law):
    """``|value - target| <= atol + rtol * |target|``."""

    target: float = 0.0
    rtol: float = 0.0
    atol: float = 0.0

    def band(self) -> tuple[float, float]:
        return _symmetric(self.target, self.atol + self.rtol * abs(self.target))

    def describe(self) -> str:
        tol = f"rtol {self.rtol:g}" if self.rtol else f"atol {self.atol:g}"
        if self.rtol and self.atol:
            tol = f"rtol {self.rtol:g}, atol {self.atol:g}"
        return f"close to {self.target:.6g} ({tol})"

    def to_dict(self) -> dict:
        return {**super().to_dict(), "value": self.target, "tol": self.atol + self.rtol * abs(self.target)}
