"""One house style for every figure, saved as PNG and PDF (no LaTeX needed)."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Iterator

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from theorylab.captions import caption_path  # noqa: E402

STYLE = {
    "figure.figsize": (5.2, 3.6),
    "figure.dpi": 110,
    "savefig.dpi": 160,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.titlesize": 10.5,
    "axes.labelsize": 10,
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.6,
    "axes.prop_cycle": matplotlib.cycler(color=["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
                                                "#17becf", "#8c564b", "#7f7f7f"]),
    "text.usetex": False,
    "pdf.fonttype": 42,
}


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Apply the house style inside a ``with`` block."""
    with matplotlib.rc_context(STYLE):
        yield


def figure(ncols: int = 1, nrows: int = 1, **kwargs):
    """A styled figure with a grid of axes, sized to the number of panels."""
    width, height = STYLE["figure.figsize"]
    kwargs.setdefault("figsize", (width * ncols * 0.9, height * nrows))
    with style():
        return plt.subplots(nrows, ncols, squeeze=False, layout="constrained", **kwargs)


def thin(n: int, max_points: int = 1500) -> np.ndarray:
    """At most about ``2 * max_points`` indices of ``range(n)``, dense at both ends.

    The union of evenly spaced and geometrically spaced indices draws well on linear and log
    axes alike, and keeps vector (PDF) figures small.
    """
    if n <= 2 * max_points:
        return np.arange(n)
    linear = np.linspace(0, n - 1, max_points).astype(int)
    geometric = np.geomspace(1, n, max_points).astype(int) - 1
    return np.union1d(linear, geometric)


def band(ax, x, values, *, label: str | None = None, color=None, log: bool = True,
         stopped_below: bool = False) -> None:
    """Median across seeds (rows of ``values``) with the 10-90% range shaded.

    Parameters
    ----------
    stopped_below : bool
        Runs shorter than the longest are padded with NaN by :func:`theorylab.trace.stack`. When
        they stopped because they reached a floor (not because they diverged), set this so the
        padding counts as "below the axis" instead of dropping those seeds from the median.
    """
    values = np.atleast_2d(np.asarray(values, dtype=float))
    if stopped_below:
        values = np.where(np.isnan(values), np.finfo(float).tiny, values)
    keep = thin(values.shape[1])
    x, values = np.asarray(x)[keep], values[:, keep]
    with np.errstate(all="ignore"):
        if log:
            logged = np.log(np.where(values > 0, values, np.nan))
            mid, lo, hi = (np.exp(np.nanquantile(logged, q, axis=0)) for q in (0.5, 0.1, 0.9))
        else:
            mid, lo, hi = (np.nanquantile(values, q, axis=0) for q in (0.5, 0.1, 0.9))
    (line,) = ax.plot(x, mid, label=label, color=color)
    if values.shape[0] > 1:
        ax.fill_between(x, lo, hi, color=line.get_color(), alpha=0.2, linewidth=0)


def caption(what: str, *, profile: str, seeds: int | str | None = None, band: str | None = None) -> str:
    """A figure's caption in the house form: what is shown, the profile, the seeds, the band's meaning.

    Parameters
    ----------
    what : str
        One or two sentences: what is plotted against what, and what the reader should see.
    profile : str
        The profile whose runs the figure draws (``ctx.profile``).
    seeds : int or str, optional
        How many seeds (or which) each curve summarizes.
    band : str, optional
        What a shaded band means, e.g. ``"10-90% range across seeds"``; omit when nothing is shaded.
    """
    parts = [what.strip().rstrip(".") + "."]
    parts.append(f"Profile: {profile}" + (f", {seeds} seeds" if seeds is not None else "") + ".")
    if band:
        parts.append(f"Shaded: {band.strip().rstrip('.')}.")
    return " ".join(parts)


def save(fig, outdir: str | Path, name: str, *, caption: str | None = None) -> list[Path]:
    """Write ``name.png`` and ``name.pdf`` into ``outdir`` (and the caption beside them); close the figure.

    Parameters
    ----------
    caption : str, optional
        The figure's caption (see :func:`caption`), written to ``name.caption.txt`` and into the
        PNG's ``Description`` metadata; the report shows it under the figure.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    logging.getLogger("fontTools").setLevel(logging.ERROR)  # font-subsetting chatter when writing PDFs
    paths = [outdir / f"{name}.png", outdir / f"{name}.pdf"]
    with style():
        for path in paths:
            if path.suffix == ".pdf":
                metadata = {"CreationDate": None}
            else:
                metadata = {"Description": caption} if caption else None
            fig.savefig(path, metadata=metadata)
    plt.close(fig)
    if caption:
        text_path = caption_path(paths[0])
        text_path.write_text(caption.strip() + "\n", encoding="utf-8")
        paths.append(text_path)
    return paths
