"""Figures of ``matrix_sensing_overparam`` (kept out of the simulators' code fingerprint).

Each figure is built from ``ctx.runs(...)``, so stored runs are reused, and carries a caption
(``plotting.caption``) naming the profile, the seeds and what the shaded band is.
"""

from __future__ import annotations

import re

import numpy as np

from theorylab.sensing import problems

SYM, ASYM = "sensing_sym_gd", "sensing_asym_gd"
BAND = "10-90% range across seeds (the line is the median)"
RATE_ALPHAS = (0.05, 0.1, 0.2, 0.4)
RATE_SEEDS = 5


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


def make_figures(ctx, outdir) -> list:
    """Error curves (symmetric / asymmetric, k = r / k > r), rate vs alpha, one-step vs plain GD."""
    return _figure_error_curves(ctx, outdir) + _figure_rate_vs_alpha(ctx, outdir) + _figure_one_step(ctx, outdir)


def _size(config) -> str:
    return f"$n = {config.n}$, $r = {config.r}$, $\\kappa = {config.kappa:g}$, $\\eta = {config.eta:g}$"


def _figure_error_curves(ctx, outdir) -> list:
    from theorylab import plotting
    from theorylab.trace import stack

    fig, axes = plotting.figure(ncols=2)
    left, right = axes[0]
    sym = ctx.config(SYM)
    seeds = None
    for k, label in ((sym.r, f"$k = r = {sym.r}$ (exact)"), (sym.k, f"$k = {sym.k} > r$ (over-param.)")):
        traces = ctx.runs(SYM, k=k)
        seeds = len(traces)
        t, err = stack(traces, "err")
        plotting.band(left, t[1:], err[:, 1:], label=label, stopped_below=True)
    t_ref = np.array([2e2, float(sym.T)])
    left.plot(t_ref, np.sqrt(sym.k - sym.r) / (2 * sym.eta) / t_ref, "k--", linewidth=1,
              label=r"$\sqrt{k-r}\,/\,(2\eta t)$")
    left.set(xscale="log", yscale="log", ylim=(1e-12, 10), xlabel="iteration $t$",
             ylabel=r"$\|XX^\top - M^*\|_F$", title="symmetric GD: $1/t$ when $k > r$ (log-log)")
    left.legend(loc="lower left")
    asym = ctx.config(ASYM)
    for k, alpha in ((asym.r, 0.2), (asym.k, 0.1), (asym.k, 0.2), (asym.k, 0.4)):
        t, err = stack(ctx.runs(ASYM, k=k, alpha=alpha), "err")
        plotting.band(right, t, err, label=f"$k = {k}$, $\\alpha = {alpha}$", stopped_below=True)
    right.set(yscale="log", ylim=(1e-12, 10), xlabel="iteration $t$", ylabel=r"$\|FG^\top - M^*\|_F$",
              title=r"asymmetric GD: linear, rate $\propto \alpha^2$ when $k > r$ (semilog)")
    right.ticklabel_format(axis="x", style="sci", scilimits=(0, 0))
    right.legend(loc="upper right")
    caption = plotting.caption(plain(
        f"Error against iteration, population operator, {_size(sym)}. Left: symmetric GD on $XX^\\top$ "
        f"(init scale {sym.alpha:g}); the exact parameterization converges linearly, the over-parameterized "
        "one follows the predicted $\\sqrt{k-r}/(2\\eta t)$ line (claims C1, C2). Right: asymmetric GD on "
        "$FG^\\top$ with init scales $(\\alpha, \\alpha/3)$; with $k > r$ the decay is geometric with a rate "
        "that grows like $\\alpha^2$, with $k = r$ it is fast whatever $\\alpha$ (C3, C4). Curves that reach the "
        "round-off floor stop there"), profile=ctx.profile, seeds=seeds, band=BAND)
    return plotting.save(fig, outdir, "error_vs_iteration", caption=caption)


def _post_step_or_plain_rate(trace) -> float:
    from theorylab import rates

    window = (trace.scalars["trigger_t"] + 20, None) if trace.scalars["trigger_t"] >= 0 else None
    return -rates.fit_geometric(trace.t, trace["err"], window=window).value


def _figure_rate_vs_alpha(ctx, outdir) -> list:
    from theorylab import plotting

    fig, axes = plotting.figure()
    ax = axes[0][0]
    alphas = np.array(RATE_ALPHAS)
    asym = ctx.config(ASYM)
    styles = ("o", "s", "^")
    for (label, overrides), marker in zip(((f"plain GD, $k = {asym.k}$", {}),
                                           (f"one-step fix, $k = {asym.k}$", {"one_step_tau": 1e-4}),
                                           (f"plain GD, $k = r = {asym.r}$", {"k": asym.r, "T": 3000})), styles):
        grid = ctx.grid(ASYM, "alpha", alphas, seeds=RATE_SEEDS, **overrides)
        fitted = np.array([[_post_step_or_plain_rate(tr) for tr in runs] for runs in grid])
        plotting.band(ax, alphas, fitted.T, label=label)
        ax.lines[-1].set(marker=marker, markersize=5, markerfacecolor="none")
    ax.plot(alphas, 0.06 * alphas ** 2, "k--", linewidth=1, label=r"slope 2 ($\propto \alpha^2$)")
    exact = -np.log(1 - asym.eta * problems.spectrum(asym.r, asym.kappa)[-1])
    ax.axhline(exact, color="0.5", linestyle=":", linewidth=1,
               label=r"$-\log(1 - \eta\sigma_r)$ (exact param.)")
    ax.set(xscale="log", yscale="log", xlabel=r"initialization scale $\alpha$",
           ylabel="$|$log-rate$|$ per iteration", title=r"asymmetric GD: rate against $\alpha$ (log-log)")
    ax.set_xticks(alphas, [f"{a:g}" for a in alphas])
    ax.minorticks_off()
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 0.08))
    caption = plotting.caption(plain(
        f"Fitted geometric rate of asymmetric GD against the init scale $\\alpha$ (markers: the {len(alphas)} "
        f"alphas measured), {_size(asym)}. Plain GD with $k = {asym.k} > r$ follows the $\\alpha^2$ slope "
        "(C3); the exact parameterization and the one-step fix (rate fitted from 20 iterations after the "
        "special step) sit on the $\\alpha$-free rate $-\\log(1 - \\eta\\sigma_r)$ (C4, C6)"),
        profile=ctx.profile, seeds=RATE_SEEDS, band=BAND)
    return plotting.save(fig, outdir, "rate_vs_alpha", caption=caption)


def _figure_one_step(ctx, outdir) -> list:
    from theorylab import plotting
    from theorylab.trace import stack

    fig, axes = plotting.figure(ncols=2)
    full, zoom = axes[0]
    asym = ctx.config(ASYM)
    zoom_end = 1500
    for alpha in (0.05, 0.2):
        for tau, style in ((0.0, "-"), (1e-4, "--")):
            t, err = stack(ctx.runs(ASYM, alpha=alpha, one_step_tau=tau, seeds=RATE_SEEDS), "err")
            name = "one-step fix" if tau else "plain GD"
            for ax in (full, zoom):
                plotting.band(ax, t, err, label=f"{name}, $\\alpha = {alpha}$", stopped_below=True)
                ax.lines[-1].set_linestyle(style)
    for ax in (full, zoom):
        ax.set(yscale="log", ylim=(1e-12, 10), xlabel="iteration $t$")
    full.set(ylabel=r"$\|FG^\top - M^*\|_F$", title="whole run (semilog)")
    full.ticklabel_format(axis="x", style="sci", scilimits=(0, 0))
    zoom.set(xlim=(0, zoom_end), title=f"first {zoom_end} iterations")
    full.legend(loc="upper right")
    fig.suptitle(f"one-step modification (derived variant) vs plain GD, $k = {asym.k} > r = {asym.r}$", fontsize=10.5)
    caption = plotting.caption(plain(
        f"Error of asymmetric GD against iteration on semilog axes (a straight line is a geometric decay), "
        f"{_size(asym)}. Plain GD (solid) decays at a rate $\\propto \\alpha^2$, so its rate at $\\alpha = 0.05$ is "
        "about 16x smaller than at $\\alpha = 0.2$; with the one-step fix (dashed, applied once the relative residual is "
        "below $10^{-4}$) both reach the floor within a few hundred iterations at the same slope (C6). "
        "Right: the first iterations enlarged"), profile=ctx.profile, seeds=RATE_SEEDS, band=BAND)
    return plotting.save(fig, outdir, "one_step_vs_plain", caption=caption)
