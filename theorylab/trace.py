"""The record of one simulation run: an index, named metric series, scalars and metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np


@dataclass
class Trace:
    """Metric series of one run, indexed by iteration (or oracle call) ``t``.

    Parameters
    ----------
    t : ndarray of shape (N,)
        Iteration or oracle-call index of every recorded point.
    metrics : dict of str to ndarray of shape (N,)
        Named series recorded at the points ``t`` (``"err"``, ``"loss"``...).
    scalars : dict of str to float
        Run-level numbers (a final error, an eigenvalue measured once...).
    diverged : bool
        True when a metric became NaN/inf (or blew past the simulator's limit).
    diverged_at : int or None
        The index ``t`` at which the divergence was detected; the series stop just before it.
    meta : dict
        Provenance: experiment, config, seed, versions, git state, wall time...
    """

    t: np.ndarray
    metrics: dict[str, np.ndarray]
    scalars: dict[str, float] = field(default_factory=dict)
    diverged: bool = False
    diverged_at: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.t = np.asarray(self.t)
        self.metrics = {name: np.asarray(values, dtype=float) for name, values in self.metrics.items()}
        for name, values in self.metrics.items():
            if values.shape != self.t.shape:
                raise ValueError(f"metric '{name}' has shape {values.shape}, index t has {self.t.shape}")

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.metrics[name]
        except KeyError:
            raise KeyError(f"trace has no metric '{name}'; it has {sorted(self.metrics)}") from None

    def __len__(self) -> int:
        return len(self.t)

    def truncated(self, n: int) -> "Trace":
        """The first ``n`` points of this trace (scalars and meta are kept)."""
        return Trace(self.t[:n], {k: v[:n] for k, v in self.metrics.items()}, dict(self.scalars),
                     self.diverged, self.diverged_at, dict(self.meta))


def stop_at_divergence(trace: Trace, *, limit: float = 1e100) -> Trace:
    """Cut ``trace`` at the first non-finite (or larger than ``limit``) metric value.

    Kernels stop their loops as soon as a value goes non-finite; this is the check right after
    the loop, so that every simulator reports divergence the same way.

    Returns
    -------
    Trace
        ``trace`` itself when every value is finite, else a truncated copy with
        ``diverged=True`` and ``diverged_at`` the index where it happened.
    """
    if not trace.metrics:
        return trace
    values = np.vstack(list(trace.metrics.values()))
    bad = ~np.isfinite(values) | (np.abs(values) > limit)
    bad_points = np.flatnonzero(bad.any(axis=0))
    if bad_points.size == 0:
        return trace
    first = int(bad_points[0])
    out = trace.truncated(first)
    out.diverged = True
    out.diverged_at = int(trace.t[first])
    return out


def stack(traces: Sequence[Trace], metric: str) -> tuple[np.ndarray, np.ndarray]:
    """Stack one metric of several runs (e.g. seeds) into a matrix.

    Runs that stopped early (divergence, or a precision floor) are padded with NaN.

    Returns
    -------
    t : ndarray of shape (N,)
        The longest run's index.
    values : ndarray of shape (len(traces), N)
    """
    if not traces:
        raise ValueError("stack needs at least one trace")
    longest = max(traces, key=len)
    values = np.full((len(traces), len(longest)), np.nan)
    for row, trace in enumerate(traces):
        if not np.array_equal(trace.t, longest.t[: len(trace)]):
            raise ValueError("traces to stack must share their index t")
        values[row, : len(trace)] = trace[metric]
    return longest.t, values
