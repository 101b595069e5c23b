"""Forest plots as inline SVG: each claim's interval against its predicted band and its rival's band.

One row per claim, each on its own axis (claims measure different quantities): the green box is the
band of the claim's first predicted law, the red box the band of its nearest rival, the black line
the estimate's interval with a dot at the median. Open band ends are drawn to the edge of the row.
"""

from __future__ import annotations

import html
import math
from typing import Sequence

ROW_H, LABEL_W, PLOT_W, PAD = 26, 90, 560, 8


def _finite(values):
    return [v for v in values if v is not None and math.isfinite(v)]


def _row_axis(points: list[float]) -> tuple[float, float]:
    lo, hi = min(points), max(points)
    if hi == lo:
        span = abs(lo) or 1.0
        lo, hi = lo - 0.5 * span, hi + 0.5 * span
    margin = 0.08 * (hi - lo)
    return lo - margin, hi + margin


def _box(band, x, lo_axis, hi_axis, y, color) -> str:
    left = x(max(band[0], lo_axis)) if math.isfinite(band[0]) else x(lo_axis)
    right = x(min(band[1], hi_axis)) if math.isfinite(band[1]) else x(hi_axis)
    if right < left:
        return ""
    return (f'<rect x="{left:.1f}" y="{y - 8}" width="{max(right - left, 1.5):.1f}" height="16" '
            f'fill="{color}" fill-opacity="0.28" stroke="{color}" stroke-width="1"/>')


def forest_svg(verdicts: Sequence) -> str:
    """The forest plot of ``verdicts`` (claims in error are left out) as an ``<svg>`` element."""
    rows = [v for v in verdicts if v.error is None and v.predicted]
    if not rows:
        return ""
    height = ROW_H * len(rows) + 2 * PAD + 18
    parts = [f'<svg class="forest" xmlns="http://www.w3.org/2000/svg" width="{LABEL_W + PLOT_W + 2 * PAD}" '
             f'height="{height}" role="img" aria-label="forest plot">',
             f'<text x="{LABEL_W}" y="{PAD + 10}" font-size="11" fill="#555">green: predicted band, red: '
             'nearest rival, black: 95% interval (dot: median); own scale per row</text>']
    for i, verdict in enumerate(rows):
        y = PAD + 18 + ROW_H * i + ROW_H / 2
        law = verdict.predicted[0]
        est = law.estimate
        band = law.law.band()
        rival = verdict.rivals[0] if verdict.rivals else None
        rival_band = rival.law.band() if rival is not None else (math.nan, math.nan)
        points = _finite([est.low, est.high, est.value, *band, *rival_band])
        if not points:
            continue
        lo_axis, hi_axis = _row_axis(points)

        def x(value, lo_axis=lo_axis, hi_axis=hi_axis):
            return LABEL_W + PAD + (value - lo_axis) / (hi_axis - lo_axis) * (PLOT_W - 2 * PAD)

        state = verdict.state
        parts.append(f'<text x="4" y="{y + 4}" font-size="12" fill="{_STATE_COLOR[state]}">'
                     f'{html.escape(verdict.claim.id)} {"" if state == "agrees" else "(" + state + ")"}</text>')
        parts.append(f'<line x1="{LABEL_W + PAD}" x2="{LABEL_W + PLOT_W - PAD}" y1="{y}" y2="{y}" stroke="#ddd"/>')
        parts.append(_box(band, x, lo_axis, hi_axis, y, "#1b9e47"))
        if rival is not None:
            parts.append(_box(rival_band, x, lo_axis, hi_axis, y, "#c62828"))
        if all(math.isfinite(v) for v in (est.low, est.high, est.value)):
            parts.append(f'<line x1="{x(est.low):.1f}" x2="{x(est.high):.1f}" y1="{y}" y2="{y}" stroke="#111" '
                         f'stroke-width="2.5"/><circle cx="{x(est.value):.1f}" cy="{y}" r="3.5" fill="#111"/>')
        title = (f"{verdict.claim.id}: {law.law.on or 'estimate'} {est.value:.4g} [{est.low:.4g}, {est.high:.4g}]; "
                 f"predicted {law.law.describe()}" + (f"; rival {rival.law.describe()}" if rival else ""))
        parts.append(f"<title>{html.escape(title)}</title>")
    parts.append("</svg>")
    return "".join(parts)


_STATE_COLOR = {"agrees": "#11692c", "inconclusive": "#a15c00", "disagrees": "#b00020", "error": "#b00020"}
