"""Predicted laws: what a paper says a measured estimate should be, with a tolerance.

A law looks only at the estimate's ``value`` (the median over seeds), so the same rule decides
agreement with the prediction and rejection of a negative control: a control is rejected
exactly when the estimate does not agree with it. The interval is reported beside it; a
tolerance should be wider than the seed-to-seed spread and narrower than the gap to the
controls, and each claim says why its tolerance is what it is.

``on`` names which of a claim's estimates the law reads, when a measurement yields several
(e.g. an exponent and a constant); ``None`` means the claim's first estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from theorylab.rates import Estimate


@dataclass(frozen=True)
class Law:
    """Base class: subclasses implement :meth:`accepts` and :meth:`describe`."""

    on: str | None = field(default=None, kw_only=True)

    def accepts(self, value: float) -> bool:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def agrees(self, estimate: Estimate) -> bool:
        """True when the estimate's value satisfies the law (never for a NaN estimate)."""
        return math.isfinite(estimate.value) and bool(self.accepts(estimate.value))

    def to_dict(self) -> dict:
        return {"law": type(self).__name__, "on": self.on, "describe": self.describe()}

    def __str__(self) -> str:
        return self.describe()


def _within(value: float, target: float, tol: float) -> bool:
    return abs(value - target) <= tol


@dataclass(frozen=True)
class PowerLaw(Law):
    """``y ~ x^exponent``: a fitted log-log slope within ``tol`` of ``exponent``."""

    exponent: float = 0.0
    tol: float = 0.1

    def accepts(self, value: float) -> bool:
        return _within(value, self.exponent, self.tol)

    def describe(self) -> str:
        return f"power law, slope {self.exponent:g} ± {self.tol:g}"

    def to_dict(self) -> dict:
        return {**super().to_dict(), "value": self.exponent, "tol": self.tol}


@dataclass(frozen=True)
class Scaling(Law):
    """A fitted quantity scales like ``parameter^exponent`` (within ``tol``)."""

    exponent: float = 0.0
    tol: float = 0.1
    parameter: str = "parameter"

    def accepts(self, value: float) -> bool:
        return _within(value, self.exponent, self.tol)

    def describe(self) -> str:
        return f"scales like {self.parameter}^{self.exponent:g} ± {self.tol:g}"

    def to_dict(self) -> dict:
        return {**super().to_dict(), "value": self.exponent, "tol": self.tol}


@dataclass(frozen=True)
class Geometric(Law):
    """Geometric decay ``y ~ q^t`` with log-rate ``log q`` = ``rate`` within relative ``rtol``."""

    rate: float = -1.0
    rtol: float = 0.05

    def __post_init__(self) -> None:
        if self.rate >= 0:
            raise ValueError(f"Geometric rate is a log-contraction and must be negative, got {self.rate}")

    def accepts(self, value: float) -> bool:
        return _within(value, self.rate, self.rtol * abs(self.rate))

    def describe(self) -> str:
        return f"geometric, log-rate {self.rate:.4g} (±{100 * self.rtol:g}%)"

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

    def accepts(self, value: float) -> bool:
        return (self.lower is None or value >= self.lower) and (self.upper is None or value <= self.upper)

    def describe(self) -> str:
        parts = []
        if self.lower is not None:
            parts.append(f">= {self.lower:g}")
        if self.upper is not None:
            parts.append(f"<= {self.upper:g}")
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

    def accepts(self, value: float) -> bool:
        return _within(value, self.target, self.atol + self.rtol * abs(self.target))

    def describe(self) -> str:
        tol = f"rtol {self.rtol:g}" if self.rtol else f"atol {self.atol:g}"
        if self.rtol and self.atol:
            tol = f"rtol {self.rtol:g}, atol {self.atol:g}"
        return f"close to {self.target:.6g} ({tol})"

    def to_dict(self) -> dict:
        return {**super().to_dict(), "value": self.target, "tol": self.atol + self.rtol * abs(self.target)}
