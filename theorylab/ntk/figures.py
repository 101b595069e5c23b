"""Analogues of the NTK paper's Figures 1-3 and the width scalings of claims C3, C4 and C6.

Every figure is built from ``ctx.runs`` / ``ctx.grid`` so stored results are reused; the seed counts
come from the context's profile.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from theorylab import plotting
from theorylab.ntk import analytic
from theorylab.ntk.dynamics import limit_posterior
from theorylab.ntk.experiments import pc_problem
from theorylab.trace import stack

FIG1_WIDTHS = (64, 1024)      # paper: 500 and 10000
FIG2_WIDTHS = (50, 1000)      # as in the paper
FIG3_WIDTHS = (64, 256, 1024)  # paper: 100, 1000, 10000 (MNIST); here 16 circle points
SCALING_WIDTHS = (64, 128, 256, 512)
Z90 = 1.2815515655446004      # 90% quantile of N(0, 1)


def _fig1(ctx, outdir: Path) -> list[Path]:
    fig, axes = plotting.figure(ncols=len(FIG1_WIDTHS), sharey=True)
    for ax, width in zip(axes[0], FIG1_WIDTHS):
        traces = ctx.runs("ntk_kernel_circle", width=width)
        gamma = traces[0]["gamma"]
        config = ctx.config("ntk_kernel_circle", width=width)
        limit = analytic.ntk(analytic.circle_points([0.0]), analytic.circle_points(gamma),
                             depth=config.depth, beta=config.beta)[0]
        _, before = stack(traces, "theta_init")
        _, after = stack(traces, "theta_trained")
        plotting.band(ax, gamma, before, label="init", log=False)
        plotting.band(ax, gamma, after, label=f"after {config.steps} steps", log=False)
        ax.plot(gamma, limit, color="black", lw=1.0, ls="--", label=r"limit $\Theta^{(4)}_\infty$")
        ax.set_title(f"width {width} ({len(traces)} nets; median, 10-90%)")
        ax.set_xlabel(r"angle $\gamma$ of $x = (\cos\gamma, \sin\gamma)$")
    axes[0][0].set_ylabel(r"$\Theta(x_0, x)$,  $x_0 = (1, 0)$")
    axes[0][0].legend(loc="upper left")
    fig.suptitle(r"Fig. 1: the NTK converges to a fixed limit (L=4, $\beta$=0.1, GD on $x_1x_2$)")
    caption = plotting.caption(
        r"The empirical NTK Theta(x0, x) around the unit circle at initialization and after 200 GD steps on "
        r"x1 x2, for a narrow and a wide net, against the analytic limit (dashed). The wide net's kernel sits on "
        r"the limit and barely moves in training; the narrow one fluctuates and inflates (claims C3, C4, C8)",
        profile=ctx.profile, seeds=len(traces), band="10-90% range across independent nets")
    return plotting.save(fig, outdir, "fig1_kernel_circle", caption=caption)


def _fig2(ctx, outdir: Path) -> list[Path]:
    fig, axes = plotting.figure(ncols=len(FIG2_WIDTHS), sharey=True)
    for ax, width in zip(axes[0], FIG2_WIDTHS):
        traces = ctx.runs("ntk_circle_fit", width=width)
        config = ctx.config("ntk_circle_fit", width=width)
        gamma = traces[0]["gamma"]
        X, X_eval = analytic.circle_points(config.train_angles), analytic.circle_points(gamma)
        K = analytic.ntk(X, depth=config.depth, beta=config.beta)
        S = analytic.nngp(X, depth=config.depth, beta=config.beta)
        K_eval = analytic.ntk(X_eval, X, depth=config.depth, beta=config.beta)
        S_eval = analytic.nngp(X_eval, X, depth=config.depth, beta=config.beta)
        S_diag = analytic.diagonal(np.ones(len(gamma)), 2, depth=config.depth, beta=config.beta)[0]
        mean, sd = limit_posterior(K, K_eval, S, S_eval, S_diag, np.array(config.train_targets))
        ax.fill_between(gamma, mean - Z90 * sd, mean + Z90 * sd, color="0.8", lw=0, label="limit 10-90%")
        ax.plot(gamma, mean, color="black", lw=1.2, label="limit median")
        _, trained = stack(traces, "f_trained")
        plotting.band(ax, gamma, trained, label="trained nets: median, 10-90%", color="#d62728", log=False)
        ax.plot(config.train_angles, config.train_targets, "o", color="#1f77b4", ms=5, label="training points")
        ax.set_title(f"width {width}, {config.steps} steps ({len(traces)} nets)")
        ax.set_xlabel(r"angle $\gamma$")
    axes[0][0].set_ylabel(r"$f_\theta(\cos\gamma, \sin\gamma)$")
    axes[0][0].legend(loc="lower left", fontsize=7.5)
    fig.suptitle("Fig. 2: trained nets vs the infinite-width Gaussian limit (L=4, 4 points on the circle)")
    caption = plotting.caption(
        "Trained nets (red: median and 10-90% range over the nets) around the circle after GD to convergence on 4 points, against "
        "the t -> infinity limit over initializations: mean = kernel regression with Theta_inf, 10-90% band from "
        "the limit's Gaussian variance, which vanishes at the training points (claim C10)",
        profile=ctx.profile, seeds=f"{len(traces)} nets per width", band="10-90% of the limit Gaussian (not of the nets)")
    return plotting.save(fig, outdir, "fig2_function_vs_limit", caption=caption)


def _fig3(ctx, outdir: Path) -> list[Path]:
    config = ctx.config("ntk_pc_dynamics")
    X, lam, F = pc_problem(config.n_points, config.data_seed, config.depth, config.beta)
    fig, axes = plotting.figure(ncols=3)
    ax = axes[0][0]
    angles = np.arctan2(X[:, 1], X[:, 0])
    order = np.argsort(angles)
    for i in range(3):
        ax.plot(angles[order], F[order, i], "o-", ms=3, lw=1, label=rf"$f^{{({i + 1})}}$, $\lambda$={lam[i]:.3f}")
    ax.set_xlabel(r"angle of $x_j$")
    ax.set_title("(a) kernel PCs on the data")
    ax.legend(fontsize=7)
    grid = ctx.grid("ntk_pc_dynamics", "width", FIG3_WIDTHS)
    for width, traces in zip(FIG3_WIDTHS, grid):
        t, g = stack(traces, "g")
        _, h = stack(traces, "h")
        plotting.band(axes[0][1], t, h, label=f"width {width}", log=False)
        plotting.band(axes[0][2], t, g, label=f"width {width}")
    axes[0][2].plot(t, traces[0]["g_limit"], color="black", ls="--", lw=1.2,
                    label=rf"limit $0.5(1-\eta\lambda_{config.component})^t$")
    axes[0][1].set_title(r"(b) $\|h_t\|_{p_{in}}$ (off the straight line)")
    axes[0][2].set_title(rf"(c) $g_t$ along $f^{{({config.component})}}$")
    axes[0][2].set_yscale("log")
    for ax in axes[0][1:]:
        ax.set_xlabel("GD step t (lr 1)")
        ax.legend(fontsize=7)
    fig.suptitle(rf"Fig. 3: convergence along a kernel principal component (target $f_0 + 0.5 f^{{({config.component})}}$)")
    caption = plotting.caption(
        "(a) The first three kernel principal components of Theta_inf on 16 circle points; (b) the deviation "
        "h_t from the straight-line trajectory and (c) the component g_t along the target's PC, for three widths, "
        "against the limit 0.5 (1 - eta lambda_2)^t (dashed, semilog). Wider nets stay straighter and follow the "
        "limit's rate (claim C7)", profile=ctx.profile, seeds=len(traces), band="10-90% range across seeds")
    return plotting.save(fig, outdir, "fig3_principal_component", caption=caption)


def _fig_scaling(ctx, outdir: Path) -> list[Path]:
    fig, axes = plotting.figure(ncols=3)
    traces = ctx.runs("ntk_init_kernel")
    widths, err = stack(traces, "rel_err")
    grid = ctx.grid("ntk_train", "width", SCALING_WIDTHS)
    change = np.array([[tr["kernel_change"][-1] for tr in runs] for runs in grid]).T
    gap = np.array([[tr["gap"][-1] for tr in runs] for runs in grid]).T
    w = np.asarray(SCALING_WIDTHS, dtype=float)
    panels = [(axes[0][0], widths, err, "C3: init error\n" + r"$\|\hat\Theta_0-\Theta_\infty\|_F/\|\Theta_\infty\|_F$"),
              (axes[0][1], w, change, "C4: change in training\n" + r"$\|\hat\Theta_T-\hat\Theta_0\|_F/\|\hat\Theta_0\|_F$"),
              (axes[0][2], w, gap, "C6: net vs kernel prediction\n" + r"$\|f_T - f^{\Theta_\infty}_T\|/\|f^{\Theta_\infty}_T\|$")]
    for ax, x, values, title in panels:
        plotting.band(ax, x, values, label=f"median, 10-90% ({values.shape[0]} seeds)")
        ax.plot(x, values.mean(axis=0), "o", color="#1f77b4", ms=3, label="mean")
        ref = np.median(values[:, 0])
        ax.plot(x, ref * (x / x[0]) ** -0.5, color="black", ls="--", lw=1, label=r"$n^{-1/2}$")
        if ax is axes[0][1]:
            ax.plot(x, ref * (x / x[0]) ** -1.0, color="0.5", ls=":", lw=1.2, label=r"$n^{-1}$")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("width n")
        ax.set_title(title)
        ax.legend(fontsize=7)
    caption = plotting.caption(
        "Width scalings on log-log axes: the empirical NTK's distance to Theta_inf at init (C3, follows "
        "n^-1/2), its change during 200 GD steps (C4, closer to 1/n than to the n^-1/2 bound), and the gap "
        "between the trained net and the Theta_inf kernel-GD prediction (C6, keeps shrinking)",
        profile=ctx.profile, seeds=err.shape[0], band="10-90% range across seeds")
    return plotting.save(fig, outdir, "width_scalings", caption=caption)


def make_figures(ctx, outdir) -> list[Path]:
    """Write the four NTK figures into ``outdir``; returns the PNG and PDF paths."""
    outdir = Path(outdir)
    paths: list[Path] = []
    for build in (_fig1, _fig2, _fig3, _fig_scaling):
        paths += build(ctx, outdir)
    return paths
