"""Figures of ``subgm_sign_rip`` (kept out of the simulators' code fingerprint).

Each figure is built from ``ctx.run_many(...)``, so stored runs are reused, and carries a caption
(``plotting.caption``) naming the profile, the seeds and what the shaded band is.
"""

from __future__ import annotations

import re

from pathlib import Path

import numpy as np

from theorylab.sensing.subgm_experiments import BLOCK, FINAL_WINDOW, block_minima, noise_floor

SUB, L2, MC = "subgm_recovery", "subgm_l2_gd", "subgm_sign_rip_mc"
BAND = "10-90% range across seeds (the line is the median)"
FIG_RANKS_ALPHAS = (1e-6, 1.0)
FIG_P = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
FIG_SMALL_ALPHA = 1e-7  # the init of claims C1 and C3 (paper_checks/subgm_sign_rip.py, SMALL_ALPHA)
FIG_L2_ETA = 1e-2
FIG_NUS = (1e-3, 1e-2, 1e-1)
FIG_NU_MID = 1e-2
FIG_SAMPLES = (750, 1500, 3000)
FIG_ALPHAS = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6)
FIG_X_NORMS = (0.03, 0.1, 0.3, 1.0, 3.0)
FIG_MC_SAMPLES = 20000
FIG_MC_SEEDS = 3


def plain(text: str) -> str:
    """A caption written with mathtext, as plain text for the report (``$\\alpha^2$`` -> ``alpha^2``)."""
    for tex, word in ((r"\langle ", "<"), (r"\rangle", ">"), (r"\langle", "<"), (r"\propto", "~"), (r"\cdot", "*"),
                      (r"\mathbb{E}", "E"), (r"\varphi", "phi"), (r"\top", "T"), (r"\|", "||"), (r"\ell_", "l"),
                      (r"\,", " ")):
        text = text.replace(tex, word)
    text = re.sub(r"\\([A-Za-z]+)(\\?)", lambda m: m.group(1) + (" " if m.group(2) else ""), text)
    text = re.sub(r"sqrt\{([^}]*)\}", r"sqrt(\1)", text)
    text = re.sub(r"\^\{([^}]*)\}", r"^\1", text)
    return text.replace("$", "").replace("{", "").replace("}", "")


def _power(value: float) -> str:
    """``1e-06`` as mathtext ``10^{-6}`` (powers of ten), else ``%g``."""
    exponent = np.log10(value)
    return f"10^{{{int(round(exponent))}}}" if abs(exponent - round(exponent)) < 1e-9 and value != 1 else f"{value:g}"


def _instance(config) -> str:
    return f"$d = {config.d}$, $r = {config.r}$, $m = {config.m}$"


def _figure_error_curves(ctx, outdir: Path) -> list[Path]:
    from theorylab import plotting

    config = ctx.config(SUB)
    ranks = (config.r, 2 * config.r, config.d)
    p = 0.3
    fig, axes = plotting.figure(ncols=2, sharey=True)
    seeds = None
    for ax, alpha in zip(axes[0], FIG_RANKS_ALPHAS):
        groups = ctx.run_many([(SUB, {"p": p, "rank": k, "alpha": alpha}) for k in ranks])
        for k, traces in zip(ranks, groups):
            seeds = len(traces)
            minima = [block_minima(trace) for trace in traces]
            t = minima[0][0]
            plotting.band(ax, t, np.array([err for _, err in minima]),
                          label=f"$r' = {k}$" + (" $(= r)$" if k == config.r else ""))
        eta = config.eta0 * config.rho ** t
        ax.plot(t, eta, color="0.4", linestyle="--", linewidth=1.0, label=r"step size $\eta_t$")
        ax.set_yscale("log")
        ax.set_xlabel("iteration $t$")
        ax.set_title(f"$\\alpha = {_power(alpha)}$")
    axes[0][0].set_ylabel(f"relative error (min over {BLOCK} its)")
    axes[0][0].legend(loc="lower left")
    fig.suptitle(f"SubGM with {int(p * 100)}% outliers, {_instance(config)}, "
                 f"$\\eta_t = {config.eta0:g} \\cdot {config.rho:g}^t$ (semilog)", fontsize=9.5)
    caption = plotting.caption(plain(
        f"Relative error $\\|U_tU_t^\\top - X^*\\|_F / \\|X^*\\|_F$ of SubGM (minimum over blocks of {BLOCK} "
        f"iterations) against iteration, {int(p * 100)}% outliers $N(0, {config.outlier_std:g}^2)$, "
        f"{_instance(config)}, for widths $r'$ in {ranks}. From a small init every width tracks the step size "
        "(geometric, C1) and ends at the same accuracy (C2); from $\\alpha = 1$ the over-parameterized widths "
        "stall near $10^{-3}$"), profile=ctx.profile, seeds=seeds, band=BAND)
    return plotting.save(fig, outdir, "error_vs_iteration", caption=caption)


def _figure_outliers(ctx, outdir: Path) -> list[Path]:
    from theorylab import plotting

    config = ctx.config(SUB)
    sub = ctx.run_many([(SUB, {"p": p, "rank": config.d, "alpha": FIG_SMALL_ALPHA}) for p in FIG_P])
    seeds = len(sub[0])
    l2 = ctx.run_many([(L2, {"p": p, "rank": config.d, "alpha": FIG_SMALL_ALPHA, "eta": FIG_L2_ETA})
                       for p in FIG_P], seeds=seeds)
    fig, axes = plotting.figure()
    ax = axes[0][0]
    finals = np.array([[t.scalars["final_err"] for t in group] for group in sub]).T
    plotting.band(ax, np.array(FIG_P), finals, label="SubGM ($\\ell_1$), final error")
    ax.lines[-1].set(marker="o", markersize=6, markerfacecolor="none", linestyle=":")
    best = np.array([[t.scalars["best_err"] for t in group] for group in l2]).T
    plotting.band(ax, np.array(FIG_P), best, label=f"GD on $\\ell_2$ ($\\eta = {FIG_L2_ETA:g}$), best error")
    ax.lines[-1].set(marker="s", markersize=6, markerfacecolor="none", linestyle=":")
    ax.axhline(1e-6, color="0.5", linewidth=0.8, linestyle="--", label="C3's threshold $10^{-6}$")
    ax.set_yscale("log")
    ax.set_xticks(FIG_P)
    ax.set_xlabel(f"outlier probability $p$ (outliers $\\sim N(0, {config.outlier_std:g}^2)$)")
    ax.set_ylabel("relative error")
    ax.set_title(f"Robustness to outliers, $r' = d = {config.d}$, $\\alpha = {_power(FIG_SMALL_ALPHA)}$")
    ax.legend(loc="center right")
    caption = plotting.caption(plain(
        f"Relative error against the outlier probability $p$, measured at the {len(FIG_P)} marked values "
        f"(dotted lines only join them), {_instance(config)}, $r' = d$. SubGM on the $\\ell_1$ loss stays "
        "below $10^{-6}$ up to $p = 0.5$ (C3); GD on the $\\ell_2$ loss from the same init, which recovers "
        "without outliers, never gets below 0.5 from $p = 0.1$ on"), profile=ctx.profile, seeds=seeds, band=BAND)
    return plotting.save(fig, outdir, "outlier_sweep", caption=caption)


def _figure_noise(ctx, outdir: Path) -> list[Path]:
    from theorylab import plotting

    config = ctx.config(SUB)
    ranks = (config.r, config.d)
    fig, axes = plotting.figure(ncols=2)
    ax = axes[0][0]
    nus = np.array(FIG_NUS)
    seeds = None
    for k, marker, size in zip(ranks, ("o", "x"), (7, 6)):
        groups = ctx.run_many([(SUB, {"p": 0.0, "nu": nu, "rank": k}) for nu in FIG_NUS])
        seeds = len(groups[0])
        floors = np.array([[noise_floor(t) for t in group] for group in groups]).T
        plotting.band(ax, nus, floors, label=f"$r' = {k}$")
        ax.lines[-1].set(marker=marker, markersize=size, markerfacecolor="none")
    ax.plot(nus, nus * np.sqrt(config.d * config.r / config.m), color="0.4", linestyle="--", linewidth=1.0,
            label=r"$\nu\sqrt{dr/m}$ (slope 1)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"noise level $\nu$")
    ax.set_ylabel("error floor (min over last 500 its)")
    ax.set_title(f"floor vs $\\nu$, $m = {config.m}$ ($r' = 2$ and 10 overlap)")
    ax.legend(loc="upper left")

    ax = axes[0][1]
    ms = np.array(FIG_SAMPLES)
    groups = ctx.run_many([(SUB, {"p": 0.0, "nu": FIG_NU_MID, "rank": config.d, "m": m}) for m in FIG_SAMPLES])
    floors = np.array([[noise_floor(t) for t in group] for group in groups]).T
    plotting.band(ax, ms, floors, label=f"$r' = {config.d}$, $\\nu = {FIG_NU_MID:g}$")
    ax.lines[-1].set(marker="x", markersize=6)
    ax.plot(ms, FIG_NU_MID * np.sqrt(config.d * config.r / ms), color="0.4", linestyle="--", linewidth=1.0,
            label=r"$\nu\sqrt{dr/m}$ (slope $-1/2$, inferred)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of measurements $m$")
    ax.set_title("floor vs $m$")
    ax.legend(loc="upper right")
    fig.suptitle(f"Dense Gaussian noise ($p = 0$), $d = {config.d}$, $r = {config.r}$ (log-log)", fontsize=9.5)
    caption = plotting.caption(plain(
        "SubGM's error floor under dense Gaussian noise $N(0, \\nu^2)$ (minimum error over the last 500 "
        "iterations), at the marked values. Left: against $\\nu$ for $r' = r$ and $r' = d$ (they coincide), "
        "slope 1 (C5). Right: against $m$ at $\\nu = 10^{-2}$, next to the inferred $\\nu\\sqrt{dr/m}$; C5's "
        "$m$-exponent is measured over a wider range of $m$ than drawn here"), profile=ctx.profile, seeds=seeds,
        band=BAND)
    return plotting.save(fig, outdir, "noise_floor", caption=caption)


def _figure_alpha(ctx, outdir: Path) -> list[Path]:
    from theorylab import plotting

    config = ctx.config(SUB)
    alphas = np.array(FIG_ALPHAS)
    fig, axes = plotting.figure()
    ax = axes[0][0]
    seeds = None
    for k in (config.r, config.d):
        for p, style in ((0.0, "-"), (0.3, "--")):
            groups = ctx.run_many([(SUB, {"p": p, "rank": k, "alpha": a}) for a in FIG_ALPHAS])
            seeds = len(groups[0])
            finals = np.array([[t.scalars["final_err"] for t in group] for group in groups]).T
            plotting.band(ax, alphas, finals, label=f"$r' = {k}$, $p = {p:g}$")
            ax.lines[-1].set(linestyle=style, marker="o", markersize=3)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"initialization scale $\alpha$")
    ax.set_ylabel(f"final error (min over last {FINAL_WINDOW} its)")
    ax.set_title(f"Over-parameterized accuracy is set by $\\alpha$ ({_instance(config)})")
    ax.legend(loc="upper left")
    caption = plotting.caption(plain(
        f"SubGM's final error against the init scale $\\alpha$ (log-log, markers at the measured alphas), "
        f"{_instance(config)}, without and with 30% outliers. With $r' = r$ the accuracy does not depend on "
        "$\\alpha$; with $r' = d$ it improves by orders of magnitude as $\\alpha$ shrinks (C6)"),
        profile=ctx.profile, seeds=seeds, band=BAND)
    return plotting.save(fig, outdir, "final_error_vs_alpha", caption=caption)


def _figure_sign_rip(ctx, outdir: Path) -> list[Path]:
    from theorylab import plotting
    from theorylab.sensing.sign_rip import scaling_function

    norms = np.array(FIG_X_NORMS)
    dense = np.logspace(np.log10(norms[0]), np.log10(norms[-1]), 200)
    models = (("noiseless", {"p": 0.0, "nu": 0.0}),
              ("outliers $p = 0.4$, $N(0, 1)$", {"p": 0.4, "outlier_std": 1.0, "nu": 0.0}),
              (r"Gaussian $\nu = 0.5$", {"p": 0.0, "nu": 0.5}))
    fig, axes = plotting.figure()
    ax = axes[0][0]
    for label, noise in models:
        requests = [(MC, {**noise, "x_norm": x, "m": FIG_MC_SAMPLES}) for x in FIG_X_NORMS]
        groups = ctx.run_many(requests, seeds=FIG_MC_SEEDS)
        inner = np.array([[t["inner"][0] for t in group] for group in groups]).T
        phi = [scaling_function(x, p=noise["p"], outlier_std=noise.get("outlier_std", 0.0), nu=noise["nu"])
               for x in dense]
        (line,) = ax.plot(dense, phi, label=label)
        ax.plot(norms, np.median(inner, axis=0), "o", color=line.get_color(), markersize=5, markerfacecolor="none")
    ax.plot([], [], "o", color="0.3", markerfacecolor="none", label=f"Monte Carlo, $m = {FIG_MC_SAMPLES}$")
    ax.set_xscale("log")
    ax.set_xlabel(r"$\|X\|_F$")
    ax.set_ylabel(r"$\varphi(X)$ (lines), $\langle Q, X/\|X\|_F\rangle$ (circles)")
    ax.set_ylim(0, 1.2)
    ax.set_title(r"Sign-RIP: $\mathbb{E}\,Q(X) = \varphi(X)\, X / \|X\|_F$, Gaussian $A_i$")
    ax.legend(loc="upper left", ncol=2, fontsize=7.5)
    caption = plotting.caption(plain(
        "The Sign-RIP scaling function against $\\|X\\|_F$ for three noise models: the derived closed form "
        f"$\\varphi(X)$ (lines) and the Monte-Carlo inner product $\\langle Q(X), X/\\|X\\|_F\\rangle$ from "
        f"{FIG_MC_SAMPLES} Gaussian measurements (circles, median over seeds), at a random rank-3 $X$ with "
        "$d = 10$. The circles sit on the lines (C7); outliers cost no more than the naive $(1 - p)$, "
        "and less once $\\|X\\|_F$ is comparable with their size"), profile=ctx.profile, seeds=FIG_MC_SEEDS)
    return plotting.save(fig, outdir, "sign_rip_scaling", caption=caption)


def make_figures(ctx, outdir) -> list[Path]:
    """Error vs iteration for several r' and alpha, the outlier sweep against l2 GD, the noise
    floor against nu and m, the final error against alpha, and phi against Monte Carlo, from
    stored runs of the context's profile."""
    outdir = Path(outdir)
    paths: list[Path] = []
    for draw in (_figure_error_curves, _figure_outliers, _figure_noise, _figure_alpha, _figure_sign_rip):
        paths += draw(ctx, outdir)
    return paths
