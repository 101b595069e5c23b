"""Figures of ADMM-RBCD (claims C12, C13), drawn from the stored runs of those claims.

:func:`make_all` returns the written paths; the paper's figure hook
(:func:`theorylab.convex_relu.figures.make_all`) can call it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from theorylab import plotting
from theorylab.convex_relu import rbcd_experiments as ex
from theorylab.trace import stack


def rbcd_gap(ctx, outdir) -> list[Path]:
    """C12: median relative gap of ADMM-RBCD and of the budget-matched block-subgradient rival vs outer iteration."""
    traces = ctx.runs("relu_rbcd_gap")
    fig, axes = plotting.figure(figsize=(7.0, 4.6))
    ax = axes[0, 0]
    t, gap = stack(traces, "gap")
    plotting.band(ax, t, np.maximum(gap, 1e-16),
                  label="ADMM-RBCD (2 passes per u-step; runs stop on their residuals)")
    if "rival_gap" in traces[0].metrics:
        _, rival = stack(traces, "rival_gap")
        budget = int(traces[0].scalars["rival_iterations"])
        keep = t <= budget
        plotting.band(ax, t[keep], np.maximum(rival[:, keep], 1e-16),
                      label=f"block subgradient, same block-gradient budget (best step), $k \\leq$ {budget}")
        ax.axvline(budget, color="0.7", lw=0.8)
    ax.axhline(1e-3, color="0.4", lw=0.9, ls="--", label="$10^{-3}$ (C12's bound)")
    ax.axhline(1e-2, color="0.6", lw=0.9, ls=":", label="$10^{-2}$")
    ax.set(xscale="log", yscale="log", xlabel="outer iteration $k$ (rival: same budget)",
           ylabel=r"$|f(u^k) - p^\star| / p^\star$", title="C12: binary cross-entropy, gap to the Clarabel optimum",
           ylim=(1e-12, 100))
    ax.legend(loc="lower left", fontsize="small")
    text = plotting.caption(
        "Relative gap of the ReLU program's BCE objective at the ADMM-RBCD iterate u^k to Clarabel's optimum p* of "
        "the same sampled program, against the outer ADMM iteration k (log-log), and the best-so-far gap of "
        "randomized block subgradient descent on the exact-penalty objective given the same number of block "
        "gradients by iteration k (its step chosen per seed in hindsight): ADMM-RBCD falls below 1e-3 after a few "
        "hundred iterations (the gap at u oscillates while the cone slack settles; runs end at different k, "
        "after which the curve summarizes the runs still going, and gaps below 1e-12 are off the axis), the "
        "rival (shown up to its budget, the vertical line) is still above 1e-2 when its budget ends", profile=ctx.profile, seeds=len(traces),
        band="10-90% range across seeds")
    return plotting.save(fig, outdir, "rbcd_gap", caption=text)


def rbcd_cost(ctx, outdir) -> list[Path]:
    """C13: CPU seconds per RBCD block step, per RBCD pass and per Cholesky u-step vs n (P = n / 10)."""
    sizes = np.array(ex.RBCD_COST_SIZES[ctx.profile])
    runs = ctx.run_many([("relu_rbcd_cost", {"n": int(n)}) for n in sizes])
    fig, axes = plotting.figure(figsize=(6.4, 4.6))
    ax = axes[0, 0]
    series = (("RBCD, one block step", "block_seconds"), ("RBCD, one pass (2P block steps)", "pass_seconds"),
              ("Alg. 1, one Cholesky u-step", "ustep_seconds"))
    for label, key in series:
        values = np.array([[tr[key][0] for tr in per_n] for per_n in runs]).T
        plotting.band(ax, sizes, values, label=label)
    block = np.median([tr["block_seconds"][0] for tr in runs[0]])
    ustep = np.median([tr["ustep_seconds"][0] for tr in runs[0]])
    ax.plot(sizes, block * sizes / sizes[0], color="0.5", lw=0.8, ls="--", label=r"$\propto n$")
    ax.plot(sizes, ustep * (sizes / sizes[0]) ** 2, color="0.5", lw=0.8, ls=":", label=r"$\propto n^2$")
    ax.set(xscale="log", yscale="log", xlabel="$n$ (samples), $P = n/10$, $d = 5$", ylabel="CPU seconds",
           title="C13: cost of an RBCD block step vs the Cholesky u-step")
    ax.set_xticks(sizes, [str(int(n)) for n in sizes], minor=False)
    ax.set_xticks([], minor=True)
    ax.legend(loc="upper left", fontsize="small")
    text = plotting.caption(
        "Process CPU seconds (one thread) of one RBCD block step on the BCE program, of one RBCD pass (2P steps) "
        "and of one u-step of Algorithm 1 with its Cholesky factors (factorization excluded), against n with "
        "P = n/10 patterns, log-log with reference slopes n and n^2: a block step grows like n, the Cholesky "
        "u-step like n^2 (so does a full RBCD pass)", profile=ctx.profile, seeds=len(runs[0]),
        band="10-90% range across seeds")
    return plotting.save(fig, outdir, "rbcd_cost", caption=text)


def make_all(ctx, outdir) -> list[Path]:
    """Both ADMM-RBCD figures; returns the written paths."""
    outdir = Path(outdir)
    return rbcd_gap(ctx, outdir) + rbcd_cost(ctx, outdir)
