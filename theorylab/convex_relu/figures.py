"""Figures of the convex ReLU paper, drawn from the stored runs of its claims."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
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
    best = ex.best_rate_runs(ctx)
    colors = plt.get_cmap("tab10")(np.arange(len(best)) % 10)
    for seed, tr in enumerate(best):
        ax.plot(tr.t, tr["residual"] / tr["residual"][0], lw=1.1, color=colors[seed],
                ls="-" if seed < 10 else "--", label=f"seed {seed}, rho={tr.scalars['rho']:g}")
    ax.axhspan(1e-10, 1e-4, color="0.85", alpha=0.5, lw=0, label="fit segment")
    ax.set(yscale="log", xlabel="iteration k", ylabel="(r_pri + r_dual) / first value",
           title="C2: residual, best rho per seed", ylim=(1e-16, 10))
    ax.legend(loc="upper right", ncols=2 if len(best) > 5 else 1, fontsize=7)
    return plotting.save(fig, outdir, "admm_convergence")


def _cost(ctx, outdir) -> list[Path]:
    sizes = np.array(ex.COST_SIZES[ctx.profile])
    runs = ctx.run_many([("relu_iteration_cost", {"n": int(n)}) for n in sizes]
                        + [("relu_iteration_cost", {"n": int(n), "fixed_samples": ex.FIXED_PATTERNS}) for n in sizes])
    linear, fixed = runs[:len(sizes)], runs[len(sizes):]
    fig, axes = plotting.figure(ncols=2)
    for ax, metric, label in ((axes[0, 0], "ops_per_iter", "multiply-adds per iteration"),
                              (axes[0, 1], "seconds_per_iter", "seconds per iteration")):
        for runs_, name in ((linear, "P = n/10"), (fixed, f"P = {ex.FIXED_PATTERNS}")):
            values = np.array([[tr[metric][0] for tr in per_n] for per_n in runs_]).T
            plotting.band(ax, sizes, values, label=f"Numba, {name}")
            if metric == "seconds_per_iter":
                blas = np.array([[tr.scalars["blas_seconds_per_iter"] for tr in per_n] for per_n in runs_]).T
                plotting.band(ax, sizes, blas, label=f"NumPy/BLAS, {name}")
        first = np.median([tr[metric][0] for tr in linear[0]])
        ax.plot(sizes, first * (sizes / sizes[0]) ** 2, color="0.5", ls="--", lw=0.9, label="slope 2")
        ax.plot(sizes, first * (sizes / sizes[0]) ** 3, color="0.5", ls=":", lw=0.9, label="slope 3")
        ax.set(xscale="log", yscale="log", xlabel="n (samples)", ylabel=label)
        ax.set_xticks(sizes, [str(n) for n in sizes], minor=False)
        ax.set_xticks([], minor=True)
        ax.legend(loc="upper left")
    axes[0, 0].set_title("C3: operation count (measured in the kernel)")
    axes[0, 1].set_title("C3: wall clock, 1 BLAS thread")
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
        ax.plot(t, np.median(fgsm, axis=0), color=color, ls="--", lw=1.0, label=f"{name} training, FGSM")
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
    styles = ["--", "-.", ":"]
    colors = plt.get_cmap("tab10")(np.arange(len(traces)) % 10)
    for seed, tr in enumerate(traces):
        p = tr.scalars["p_exact"]
        ax.plot(tr.t, np.maximum(tr["p_sampled"] / p - 1, floor), marker="o", ms=3, color=colors[seed],
                label=f"seed {seed}: sampled program")
        ax.axhline(tr.scalars["adam_best"] / p - 1, color=colors[seed], ls=styles[seed % 3], lw=1.1,
                   label=f"seed {seed}: best Adam run")
    ax.set(xscale="log", yscale="log", xlabel="raw pattern samples (nested prefixes of one draw)",
           ylabel=f"objective / p*_exact - 1 (floor {floor:g})",
           title="C4: exact 2-D optimum (all 2n patterns) as the floor")
    ax.set_xticks(traces[0].t, [str(int(v)) for v in traces[0].t])
    ax.set_xticks([], minor=True)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, fontsize=7.5)
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
