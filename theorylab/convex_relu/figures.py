"""Figures of the convex ReLU paper, drawn from the stored runs of its claims."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from theorylab import plotting
from theorylab.convex_relu import experiments as ex
from theorylab.trace import stack


def _admm(ctx, outdir) -> list[Path]:
    fig, axes = plotting.figure(ncols=2)
    ax = axes[0, 0]
    traces = ctx.runs("relu_admm_gap")
    t, gap = stack(traces, "gap")
    plotting.band(ax, t, np.maximum(gap, 1e-16), label=f"ADMM, median of {len(traces)} seeds")
    cvx = np.median([tr.scalars["cvxpy_seconds"] for tr in traces])
    ax.axhline(1e-4, color="0.4", lw=0.9, ls="--", label="1e-4")
    ax.set(yscale="log", xlabel="iteration k", ylabel="|f(u^k) - p*| / p*",
           title=f"C1: gap to the Clarabel optimum (solve {cvx:.2f} s)")
    ax.legend(loc="upper right")
    ax = axes[0, 1]
    runs = ctx.runs("relu_admm_rate")
    t, residual = stack(runs, "residual")
    plotting.band(ax, t, np.maximum(residual / residual[:, :1], 1e-18),
                  label=f"median and 10-90% band, {len(runs)} seeds, rho = {runs[0].scalars['rho']:g}")
    ax.axhspan(1e-12, 1e-6, color="0.85", alpha=0.5, lw=0, label="fit segment")
    ax.set(yscale="log", xlabel="iteration k", ylabel="(r_pri + r_dual) / first value",
           title="C2: residual at a fixed rho", ylim=(1e-17, 10))
    ax.legend(loc="upper right")
    return plotting.save(fig, outdir, "admm_convergence")


def _cost(ctx, outdir) -> list[Path]:
    sizes = np.array(ex.COST_SIZES[ctx.profile])
    runs = ctx.run_many([("relu_iteration_cost", {"n": int(n)}) for n in sizes]
                        + [("relu_iteration_cost", {"n": int(n), "fixed_samples": ex.FIXED_PATTERNS,
                                                    "interior_point": False}) for n in sizes])
    linear, fixed = runs[:len(sizes)], runs[len(sizes):]
    fig, axes = plotting.figure()
    ax = axes[0, 0]
    series = (("ADMM (Numba), P = n/10", linear, lambda tr: tr["seconds_per_iter"][0]),
              ("ADMM (NumPy/BLAS), P = n/10", linear, lambda tr: tr.scalars["blas_seconds_per_iter"]),
              (f"ADMM (Numba), P = {ex.FIXED_PATTERNS}", fixed, lambda tr: tr["seconds_per_iter"][0]),
              ("Clarabel, one Newton step, P = n/10", linear, lambda tr: tr.scalars["newton_seconds"]))
    for label, runs_, read in series:
        values = np.array([[read(tr) for tr in per_n] for per_n in runs_]).T
        plotting.band(ax, sizes, values, label=label)
    first = np.median([tr["seconds_per_iter"][0] for tr in linear[0]])
    ax.plot(sizes, first * (sizes / sizes[0]) ** 2, color="0.5", ls="--", lw=0.9, label="slope 2")
    ax.plot(sizes, first * (sizes / sizes[0]) ** 3, color="0.5", ls=":", lw=0.9, label="slope 3")
    ax.set(xscale="log", yscale="log", xlabel="n (samples)", ylabel="CPU seconds per iteration",
           title="C3: CPU seconds per iteration (1 BLAS thread)")
    ax.set_xticks(sizes, [str(n) for n in sizes], minor=False)
    ax.set_xticks([], minor=True)
    ax.legend(loc="upper left", fontsize=7.5)
    return plotting.save(fig, outdir, "iteration_cost")


def _adversarial(ctx, outdir) -> list[Path]:
    traces = ctx.runs("relu_adversarial")
    eps = ctx.config("relu_adversarial").epsilon
    fig, axes = plotting.figure()
    ax = axes[0, 0]
    for name, color in (("standard", "#d62728"), ("robust", "#1f77b4")):
        t, pgd = stack(traces, f"{name}_pgd")
        _, fgsm = stack(traces, f"{name}_fgsm")
        plotting.band(ax, t, pgd, label=f"{name} training, PGD", color=color, log=False)
        ax.plot(t, np.median(fgsm, axis=0), color=color, ls="none", marker="x", ms=6, mew=1.2,
                label=f"{name} training, FGSM (markers)")
    linear = np.median([tr.scalars["robust_linear_attacked"] for tr in traces])
    ax.plot([eps], [linear], "s", color="#2ca02c", ms=6, label="robust linear rival (exact attack)")
    if all("pgd_training_pgd_at_eps" in tr.scalars for tr in traces):
        trained = np.median([tr.scalars["pgd_training_pgd_at_eps"] for tr in traces])
        ax.plot([eps], [trained], "D", color="#9467bd", ms=5, label="PGD-trained non-convex net (PGD)")
    ax.axvline(eps, color="0.5", lw=0.8, ls=":", label=f"training epsilon {eps:g}")
    ax.set(xlabel="attack radius (l_inf)", ylabel="test accuracy", ylim=(0, 1.02),
           title=f"C5: convex adversarial training, median of {len(traces)} splits")
    ax.legend(loc="lower left")
    return plotting.save(fig, outdir, "adversarial_accuracy")


def _exact(ctx, outdir) -> list[Path]:
    traces = ctx.runs("relu_exact_2d")
    floor = 1e-6                       # below: equal to p*_exact within solver accuracy
    fig, axes = plotting.figure()
    ax = axes[0, 0]
    rel = np.array([tr["p_sampled"] / tr.scalars["p_exact"] - 1 for tr in traces])
    plotting.band(ax, traces[0].t, np.maximum(rel, floor), label=f"sampled program, median and 10-90% band ({len(traces)} seeds)")
    adam = np.array([tr.scalars["adam_best"] / tr.scalars["p_exact"] - 1 for tr in traces])
    ax.axhline(np.median(adam), color="#d62728", ls="--", lw=1.1, label="best Adam run, median over seeds")
    ax.axhspan(max(adam.min(), floor), max(adam.max(), floor), color="#d62728", alpha=0.15, lw=0)
    ax.set(xscale="log", yscale="log", xlabel="raw pattern samples (nested prefixes of one draw)",
           ylabel=f"objective / p*_exact - 1 (floor {floor:g})",
           title="C4: exact 2-D optimum (all 2n patterns) as the floor")
    ax.set_xticks(traces[0].t, [str(int(v)) for v in traces[0].t])
    ax.set_xticks([], minor=True)
    ax.legend(loc="upper right", fontsize=7.5)
    return plotting.save(fig, outdir, "exact_2d")


def _scp(ctx, outdir) -> list[Path]:
    traces = ctx.runs("relu_scp_violation")
    neurons, violation = stack(traces, "violation")
    fig, axes = plotting.figure()
    ax = axes[0, 0]
    plotting.band(ax, neurons, violation, label=f"fresh-neuron violation rate ({len(traces)} seeds)")
    ax.plot(neurons, violation.mean(axis=0), "o", ms=3, color="#1f77b4", label="seed mean")
    ax.plot(neurons, traces[0]["scenario_bound"], color="0.3", ls="--", lw=1.0, label="scenario bound n/(N+1)")
    ax.set(xscale="log", yscale="log", xlabel="sampled neurons N", ylabel="violation rate",
           title="C6: SCP, dual violation of fresh neurons")
    ax.set_xticks(neurons, [str(int(v)) for v in neurons])
    ax.set_xticks([], minor=True)
    ax.set_ylim(np.nanmin(violation) / 2, 8.0)
    ax.legend(loc="upper right")
    return plotting.save(fig, outdir, "scp_violation")


def make_all(ctx, outdir) -> list[Path]:
    """Every figure of the paper; returns the written paths."""
    outdir = Path(outdir)
    paths: list[Path] = []
    for draw in (_admm, _cost, _adversarial, _exact, _scp):
        paths += draw(ctx, outdir)
    return paths
