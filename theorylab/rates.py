"""Fitting rates to measured series, and summarizing them across seeds.

Four fits, each returning a :class:`Fit` for one series:

* :func:`fit_power_law` -- slope of ``log y`` against ``log x`` (``y ~ x^a``),
* :func:`fit_geometric` -- slope of ``log y`` against ``x`` (``y ~ q^x``, the value is ``log q``),
* :func:`fit_scaling` -- exponent of a fitted quantity against a parameter (``|y| ~ p^a``),
* :func:`fit_log_corrected` -- slope of ``x^power * y`` against ``ln x`` (``y ~ (a ln x + b) / x^power``).

:func:`across_seeds` applies one fit to every row of a seeds-by-points matrix and returns an
:class:`Estimate` (median over seeds with a 95% bootstrap interval); :func:`estimate_from_values`
does the same for any per-seed numbers.

Windows
-------
Every fit takes ``window=(lo, hi)`` in units of ``x`` (either end may be None for open). With
``window=None`` an automatic asymptotic window is used:

* power law: the last decade, ``[x_max / 10, x_max]``. A power law is a statement about
  large ``x``; one decade is enough to resolve a slope to a few percent while leaving the
  transient (plateaus, the spectral phase of small initializations) outside the window.
* geometric: points above ``floor`` (default 1e-11) up to the first point at or below it --
  past that, round-off, not the iteration, sets the value -- and of those the second half in ``x``.
  The first half holds the transient before the asymptotic contraction factor takes over.
* scaling and log-corrected: all points (these are fitted across a parameter or horizon grid
  that the caller chose to be asymptotic).

Statistics come from SciPy: ``scipy.stats.linregress`` (OLS) or ``scipy.stats.theilslopes``
(robust), and ``scipy.stats.bootstrap`` for the interval of the median.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
from scipy import stats

Window = tuple[float | None, float | None]

DEFAULT_FLOOR = 1e-11
_MIN_POINTS = 3


@dataclass(frozen=True)
class Fit:
    """A straight-line fit of one series.

    Attributes
    ----------
    value : float
        The fitted slope (exponent, log-rate, or log-corrected slope).
    intercept : float
        The fitted intercept in the transformed coordinates.
    stderr : float
        Standard error of the slope (NaN for the robust method).
    window : tuple of float
        The ``x`` range actually used.
    n_points : int
        Number of points in the window.
    method : str
        Which fit, in words.
    """

    value: float
    intercept: float
    stderr: float
    window: tuple[float, float]
    n_points: int
    method: str


@dataclass(frozen=True)
class Estimate:
    """A measured quantity across seeds: the median, its 95% interval and the per-seed values.

    Attributes
    ----------
    value : float
        Median of ``per_seed``.
    low, high : float
        95% interval of the median (bootstrap percentile for 3 or more distinct values; the
        range for two; ``value +- 1.96 stderr`` of the fit for a single seed).
    per_seed : tuple of float
        One value per seed (or per independent repetition).
    window : tuple of float or None
        The fit window (the union over seeds when seeds used different windows).
    method : str
        How the value was measured.
    """

    value: float
    low: float
    high: float
    per_seed: tuple[float, ...]
    window: tuple[float, float] | None
    method: str
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def seeds(self) -> int:
        return len(self.per_seed)

    def to_dict(self) -> dict:
        return {
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "seeds": self.seeds,
            "per_seed": list(self.per_seed),
            "method": self.method,
            "window": None if self.window is None else list(self.window),
        }

    def __str__(self) -> str:
        return f"{self.value:.4g} [{self.low:.4g}, {self.high:.4g}] ({self.seeds} seeds)"


def _as_arrays(x, y) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")
    return x, y


def _in_window(x: np.ndarray, window: Window) -> np.ndarray:
    lo, hi = window
    mask = np.ones(x.shape, dtype=bool)
    if lo is not None:
        mask &= x >= lo
    if hi is not None:
        mask &= x <= hi
    return mask


def _line(u: np.ndarray, v: np.ndarray, x_used: np.ndarray, method: str, label: str) -> Fit:
    if u.size < _MIN_POINTS:
        raise ValueError(f"{label}: need at least {_MIN_POINTS} usable points in the window, got {u.size}")
    if method == "ols":
        result = stats.linregress(u, v)
        slope, intercept, stderr = result.slope, result.intercept, result.stderr
    elif method == "theil":
        result = stats.theilslopes(v, u)
        slope, intercept, stderr = result.slope, result.intercept, float("nan")
    else:
        raise ValueError(f"method must be 'ols' or 'theil', got {method!r}")
    window = (float(x_used.min()), float(x_used.max()))
    return Fit(float(slope), float(intercept), float(stderr), window, int(u.size), f"{label} ({method})")


def fit_power_law(x, y, *, window: Window | None = None, method: str = "ols") -> Fit:
    """Fit ``y ~ C x^a``: the slope ``a`` of ``log y`` on ``log x``.

    Parameters
    ----------
    x, y : array_like
        Positive abscissae (iterations, horizons, widths) and values; non-positive or
        non-finite values of ``y`` are dropped.
    window : (lo, hi), optional
        Range of ``x`` to fit; default the last decade ``[x_max / 10, x_max]``.
    method : {"ols", "theil"}

    Returns
    -------
    Fit
    """
    x, y = _as_arrays(x, y)
    usable = (x > 0) & np.isfinite(y) & (y > 0)
    if window is None:
        x_max = x[usable].max() if usable.any() else 0.0
        window = (x_max / 10.0, x_max)
    mask = usable & _in_window(x, window)
    return _line(np.log(x[mask]), np.log(y[mask]), x[mask], method, "log-log slope")


def fit_geometric(x, y, *, window: Window | None = None, floor: float = DEFAULT_FLOOR,
                  method: str = "ols") -> Fit:
    """Fit ``y ~ C q^x``: the slope ``log q`` of ``log y`` on ``x`` (negative when decaying).

    Parameters
    ----------
    x, y : array_like
        Iterations and values.
    window : (lo, hi), optional
        Range of ``x`` to fit; default: the second half (in ``x``) of the points before ``y``
        first reaches ``floor``.
    floor : float
        Values at or below it are round-off, not signal, and are never fitted.
    method : {"ols", "theil"}

    Returns
    -------
    Fit
        ``value`` is the log-contraction per unit of ``x``.
    """
    x, y = _as_arrays(x, y)
    above = np.isfinite(y) & (y > floor)
    if window is None:
        below = np.flatnonzero(~above)
        end = below[0] if below.size else x.size
        if end < _MIN_POINTS:
            raise ValueError(f"geometric fit: the series is at or below the floor {floor:g} from the start")
        x0, x1 = x[0], x[end - 1]
        window = (x0 + 0.5 * (x1 - x0), x1)
        above &= np.arange(x.size) < end
    mask = above & _in_window(x, window)
    return _line(x[mask], np.log(y[mask]), x[mask], method, "log-linear slope")


def fit_scaling(param, values, *, method: str = "ols") -> Fit:
    """Fit ``|values| ~ C param^a``: how a fitted quantity scales with a parameter.

    Used for "the rate constant is proportional to alpha^2" (``a = 2``) or "the error floor
    grows linearly in the noise level" (``a = 1``). The sign of ``values`` is ignored so that
    negative log-rates can be passed directly.
    """
    param, values = _as_arrays(param, values)
    mask = (param > 0) & np.isfinite(values) & (values != 0)
    return _line(np.log(param[mask]), np.log(np.abs(values[mask])), param[mask], method, "scaling exponent")


def fit_log_corrected(x, y, *, power: float = 1.0, window: Window | None = None,
                      method: str = "ols") -> Fit:
    """Fit ``x^power * y = a ln x + b``: the slope ``a`` measures a ``log x`` factor.

    A rate ``y ~ (ln x) / x`` has a log-log slope that creeps toward -1 only slowly (about -0.88
    over two decades), so a plain power-law fit cannot tell it from ``1 / x``. Multiplying by the
    rate without the log and regressing on ``ln x`` isolates the factor: ``a = 0`` means no log
    factor, ``a > 0`` a growing one.
    """
    x, y = _as_arrays(x, y)
    usable = (x > 0) & np.isfinite(y)
    mask = usable & _in_window(x, window or (None, None))
    scaled = x[mask] ** power * y[mask]
    return _line(np.log(x[mask]), scaled, x[mask], method, f"slope of x^{power:g}*y on ln x")


def _interval(values: np.ndarray, stderr: float = float("nan")) -> tuple[float, float]:
    median = float(np.median(values))
    if values.size == 1:
        half = 1.96 * stderr if np.isfinite(stderr) else 0.0
        return median - half, median + half
    if values.size == 2 or np.ptp(values) == 0:
        return float(values.min()), float(values.max())
    result = stats.bootstrap((values,), np.median, confidence_level=0.95, method="percentile",
                             n_resamples=2000, rng=np.random.default_rng(0))
    low, high = result.confidence_interval
    return float(min(low, median)), float(max(high, median))


def estimate_from_values(values: Sequence[float], *, method: str, window=None, summary: str = "median",
                         stderr: float = float("nan"), extra: dict | None = None) -> Estimate:
    """Summarize per-seed (or per-case) values as an :class:`Estimate`.

    Parameters
    ----------
    values : sequence of float
    method : str
        How the values were measured (shown with the estimate).
    summary : {"median", "min", "max"}
        ``median``: the median with a 95% bootstrap interval (typical behaviour across seeds).
        ``min`` / ``max``: the worst case, for claims that must hold for every case (an invariant,
        a bound); the interval is then the range of the values.

    Non-finite values (diverged runs) make the whole estimate NaN, so that it cannot agree
    with any law by accident.
    """
    values = np.asarray(values, dtype=float).ravel()
    if values.size == 0:
        raise ValueError("an estimate needs at least one value")
    if summary not in ("median", "min", "max"):
        raise ValueError(f"summary must be 'median', 'min' or 'max', got {summary!r}")
    per_seed, extra = tuple(values.tolist()), dict(extra or {})
    if not np.all(np.isfinite(values)):
        nan = float("nan")
        return Estimate(nan, nan, nan, per_seed, window, method, extra)
    if summary != "median":
        value = float(values.min() if summary == "min" else values.max())
        return Estimate(value, float(values.min()), float(values.max()), per_seed, window, f"{summary} of {method}", extra)
    low, high = _interval(values, stderr)
    return Estimate(float(np.median(values)), low, high, per_seed, window, method, extra)


def across_seeds(fit: Callable[..., Fit], x, values, **options) -> Estimate:
    """Apply ``fit`` to every row of ``values`` (seeds by points) and summarize.

    Parameters
    ----------
    fit : callable
        One of the ``fit_*`` functions of this module.
    x : array_like of shape (N,)
    values : array_like of shape (S, N)
    **options
        Passed to ``fit`` (``window``, ``method``, ``floor``...).

    Returns
    -------
    Estimate
    """
    values = np.atleast_2d(np.asarray(values, dtype=float))
    fits = [fit(x, row, **options) for row in values]
    return estimate_from_fits(fits)


def estimate_from_fits(fits: Sequence[Fit]) -> Estimate:
    """Summarize one :class:`Fit` per seed as an :class:`Estimate`."""
    window = (min(f.window[0] for f in fits), max(f.window[1] for f in fits))
    stderr = fits[0].stderr if len(fits) == 1 else float("nan")
    return estimate_from_values([f.value for f in fits], method=fits[0].method, window=window, stderr=stderr)
