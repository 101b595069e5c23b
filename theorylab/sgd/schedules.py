"""Step-size schedules as objects: ``schedule.steps(T)`` gives eta_1..eta_T for horizon T.

An *anytime* schedule does not depend on T (one long run can be read at every horizon); a
*known-T* schedule does, so every horizon needs its own run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from theorylab.config import require


@dataclass(frozen=True)
class Schedule:
    """Base class: subclasses define :meth:`steps` and whether they are anytime."""

    anytime = True

    def steps(self, T: int) -> np.ndarray:
        raise NotImplementedError

    def _t(self, T: int) -> np.ndarray:
        return np.arange(1, T + 1, dtype=float)


@dataclass(frozen=True)
class InverseSqrt(Schedule):
    """eta_t = min{cap, eta / sqrt(t)}: the anytime schedule of Liu & Zhou (cap = 1/(2L))."""

    eta: float = 1.0
    cap: float = math.inf

    def steps(self, T: int) -> np.ndarray:
        return np.minimum(self.cap, self.eta / np.sqrt(self._t(T)))


@dataclass(frozen=True)
class ConstantSqrtT(Schedule):
    """eta_t = min{cap, eta / sqrt(T)}: constant step tuned to a known horizon T."""

    eta: float = 1.0
    cap: float = math.inf
    anytime = False

    def steps(self, T: int) -> np.ndarray:
        return np.full(T, min(self.cap, self.eta / math.sqrt(T)))


@dataclass(frozen=True)
class InverseTime(Schedule):
    """eta_t = eta / (mu (t + offset)): the strongly convex schedule (offset = 2L/mu caps it by 1/(2L))."""

    mu: float = 1.0
    eta: float = 1.0
    offset: float = 0.0

    def steps(self, T: int) -> np.ndarray:
        return self.eta / (self.mu * (self._t(T) + self.offset))


@dataclass(frozen=True)
class LinearDecay(Schedule):
    """eta_t = eta (T - t + 1) / T^(3/2): the known-T linear decay (Zamani & Glineur) removing log T."""

    eta: float = 1.0
    anytime = False

    def steps(self, T: int) -> np.ndarray:
        return self.eta * (T - self._t(T) + 1.0) / T**1.5


@dataclass(frozen=True)
class InversePower(Schedule):
    """eta_t = min{cap, eta / t^(1/p)}: the heavy-tailed schedule for noise with a finite p-th moment."""

    eta: float = 1.0
    p: float = 2.0
    cap: float = math.inf

    def steps(self, T: int) -> np.ndarray:
        return np.minimum(self.cap, self.eta / self._t(T) ** (1.0 / self.p))


SCHEDULES = ("inverse_sqrt", "constant_sqrt_T", "inverse_time", "linear_decay", "inverse_power")


def make_schedule(name: str, *, eta: float, mu: float = 1.0, offset: float = 0.0, p: float = 2.0,
                  cap: float = math.inf) -> Schedule:
    """Build a schedule by name (one of :data:`SCHEDULES`); bad values raise ConfigError."""
    require(name in SCHEDULES, "schedule", f"one of {SCHEDULES}", name)
    require(eta > 0, "eta", "a positive step size", eta)
    require(cap > 0, "cap", "a positive step cap", cap)
    if name == "inverse_sqrt":
        return InverseSqrt(eta, cap)
    if name == "constant_sqrt_T":
        return ConstantSqrtT(eta, cap)
    if name == "inverse_time":
        require(mu > 0, "mu", "a positive strong-convexity modulus", mu)
        require(offset >= 0, "offset", "a non-negative offset", offset)
        return InverseTime(mu, eta, offset)
    if name == "linear_decay":
        return LinearDecay(eta)
    require(1 < p <= 2, "p", "a moment order in (1, 2]", p)
    return InversePower(eta, p, cap)
