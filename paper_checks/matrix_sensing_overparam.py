"""Claims of Xiong, Ding and Du (ICLR 2024): over-parameterization slows GD in matrix sensing.

Card: ../shared/papers/matrix_sensing_overparam.md; notes: docs/papers/matrix_sensing_overparam.md.
Tags: [P] abstract, [R] reviews, [D] derived by us, [S] simulated by us. The paper body could not
be retrieved, so the sharp constants (C1's t*||E||, C2's rate, C3's lambda_perp0), the one-step
step (C6) and the worst-case instance (C8) are our derivations, checked here by simulation.

Regimes: the population operator (A* A = I, the delta = 0 limit of RIP) unless a claim says
otherwise; C1s is over-sampled Gaussian sensing (m = 9 n(n+1)/2); C1c, C3c, C4c and C6c are the
compressed, RIP-only regime (m below the number of unknowns). Error metric: ||E_t||_F, unsquared
(card pitfall 1: the paper's 1/T^2 is on the squared error). Mutants: theorylab/sensing/mutants.py.
"""

from __future__ import annotations

import numpy as np

from theorylab import Bound, Claim, Close, Paper, PowerLaw, Scaling, rates
from theorylab.domains import Assume, Domain, Range
from theorylab.rates import estimate_from_values
from theorylab.sensing import experiments as sensing  # noqa: F401  registers the experiments
from theorylab.sensing import figures as sensing_figures
from theorylab.sensing import mutants as _mutants  # noqa: F401  registers mutants
from theorylab.sensing import problems
from theorylab.trace import Trace, stack

PAPER = Paper(
    slug="matrix_sensing_overparam",
    title="How over-parameterization slows down gradient descent in matrix sensing: "
          "the curses of symmetry and initialization",
    citation="N. Xiong, L. Ding, S. S. Du. ICLR 2024. arXiv:2310.01769",
    url="https://arxiv.org/abs/2310.01769",
    figures=sensing_figures.make_figures,
)

SYM, ASYM = "sensing_sym_gd", "sensing_asym_gd"
C3_ALPHAS = (0.1, 0.2, 0.4)
C6_ALPHAS = (0.05, 0.1, 0.2, 0.4)
C7_ALPHAS = (3e-4, 1e-3, 3e-3)
WORST_CASE_C = 8.0 / 9.0  # lambda_perp / alpha^2 of problems.worst_case_instance: 1 - (1/3)^2
# Compressed (RIP-only) regime, n = 20: m below the unknowns, so A* A != I.
COMPRESSED_SYM = {"m": 160, "T": 30000}      # symmetric: 160 < n(n+1)/2 = 210
COMPRESSED_ASYM = {"m": 240, "T": 20000}     # asymmetric: 240 = 3 n k < n^2 = 400
COMPRESSED_ALPHAS = (0.2, 0.3, 0.4)          # plain GD at alpha = 0.1 decays by only e^-2 in 3e4 steps here


def tail_loglog_slope(trace: Trace, floor: float = rates.DEFAULT_FLOOR) -> float:
    """Log-log slope of the error over ``[t_end / 2, t_end]``, ``t_end`` the last point above ``floor``.

    About -1 for a 1/t decay, and about ``rate * t_end`` (-15 or steeper here) for a geometric one.
    """
    above = np.flatnonzero(trace["err"] > floor)
    end = float(trace.t[above[-1]])
    return rates.fit_power_law(trace.t, trace["err"], window=(end / 2, end)).value


def geometric_rates(traces: list[Trace], **options) -> np.ndarray:
    """Fitted log-contraction per iteration of each run (automatic window unless given)."""
    return np.array([rates.fit_geometric(t.t, t["err"], **options).value for t in traces])


def exact_k(ctx, experiment: str) -> int:
    """k = r, the exact parameterization, for the profile's target rank (2 in quick, 3 in paper)."""
    return ctx.config(experiment).r


def alpha_exponents(alphas, rate_grid: np.ndarray) -> list[float]:
    """Per seed: exponent of |rate| against alpha. ``rate_grid[i, s]`` is alpha i, seed s."""
    return [rates.fit_scaling(alphas, rate_grid[:, s]).value for s in range(rate_grid.shape[1])]


# -- C1: symmetric, k > r, sublinear --------------------------------------------------------
def measure_c1(ctx):
    config = ctx.config(SYM)  # the profile's k > r
    traces = ctx.runs(SYM)
    t, err = stack(traces, "err")
    slope = rates.across_seeds(rates.fit_power_law, t, err)
    predicted = np.sqrt(config.k - config.r) / (2 * config.eta)
    constant = estimate_from_values([tr.t[-1] * tr["err"][-1] / predicted for tr in traces],
                                    method="T ||E_T||_F / (sqrt(k - r) / (2 eta))")
    return {"slope": slope, "constant_ratio": constant}


def measure_c1_sensing(ctx):
    traces = ctx.runs(SYM, n=10, r=2, k=4, m=500, T=30000, seeds=6)
    t, err = stack(traces, "err")
    _, loss = stack(traces, "loss")
    return {"slope": rates.across_seeds(rates.fit_power_law, t, err),
            "loss_slope": rates.across_seeds(rates.fit_power_law, t, loss)}


def measure_c1_compressed(ctx):
    traces = ctx.runs(SYM, **COMPRESSED_SYM)
    t, err = stack(traces, "err")
    _, loss = stack(traces, "loss")
    window = (COMPRESSED_SYM["T"] / 10, COMPRESSED_SYM["T"])
    return {"slope": rates.across_seeds(rates.fit_power_law, t, err, window=window),
            "loss_slope": rates.across_seeds(rates.fit_power_law, t, loss, window=window)}


# -- C2: symmetric, k = r, linear ------------------------------------------------------------
def rate_ratios(ctx, experiment: str, fitted: np.ndarray, **overrides) -> dict:
    """Fitted log-rates divided by log(1 - eta sigma_r) (prediction) and log(1 - eta sigma_1) (control)."""
    config = ctx.config(experiment, **overrides)
    sigma = problems.spectrum(config.r, config.kappa)
    method = "fitted log-rate / log(1 - eta sigma_{})"
    return {"rate_over_sigma_r": estimate_from_values(fitted / np.log(1 - config.eta * sigma[-1]), method=method.format("r")),
            "rate_over_sigma_1": estimate_from_values(fitted / np.log(1 - config.eta * sigma[0]), method=method.format("1"))}


def measure_c2(ctx):
    exact = {"k": exact_k(ctx, SYM), "T": 3000}
    traces = ctx.runs(SYM, **exact)
    return {**rate_ratios(ctx, SYM, geometric_rates(traces), **exact),
            "tail_loglog_slope": estimate_from_values([tail_loglog_slope(t) for t in traces],
                                                      method="log-log slope over [t_end/2, t_end]")}


# -- C3: asymmetric, k > r, rate ~ alpha^2, predicted from t = 0 --------------------------
def effective_lambda(rate: float, eta: float) -> float:
    """The lambda with ``rate = log(1 - eta lambda)``: the curvature a fitted log-rate corresponds to."""
    return (1.0 - np.exp(rate)) / eta


def measure_c3(ctx, alphas=C3_ALPHAS, **overrides):
    grid = ctx.grid(ASYM, "alpha", alphas, **overrides)  # the profile's k > r
    eta = ctx.config(ASYM, **overrides).eta
    fitted = np.array([geometric_rates(runs) for runs in grid])
    out = {"alpha_exponent": estimate_from_values(alpha_exponents(alphas, fitted),
                                                  method="scaling of |log-rate| vs alpha, per seed")}
    if overrides.get("m"):
        return out
    # Where the rate sits between the lambda_min(Delta_0) rule (0) and the t = 0 prediction (1).
    small = grid[0]
    position = [(effective_lambda(rate, eta) - t.scalars["imbalance_min0"])
                / (t.scalars["lambda_perp0"] - t.scalars["imbalance_min0"]) for rate, t in zip(fitted[0], small)]
    out["lambda_position"] = estimate_from_values(
        position, method=f"(lambda_eff - lambda_min(Delta_0)) / (lambda_perp0 - lambda_min(Delta_0)) at alpha = {C3_ALPHAS[0]}")
    out["rate_over_lambda_perp0"] = estimate_from_values(
        [rate / np.log(1 - eta * t.scalars["lambda_perp0"]) for rate, t in zip(fitted[0], small)],
        method=f"log-rate / log(1 - eta lambda_perp0) at alpha = {C3_ALPHAS[0]}")
    out["imbalance_margin"] = estimate_from_values([t.scalars["imbalance_min0"] / C3_ALPHAS[0] ** 2 for t in small],
                                                   method="lambda_min(Delta_0) / alpha^2 per seed")
    return out


def measure_c3_compressed(ctx):
    return measure_c3(ctx, COMPRESSED_ALPHAS, **COMPRESSED_ASYM)


# -- C4: asymmetric, k = r, alpha-independent linear rate ------------------------------------
def measure_c4(ctx, alphas=C3_ALPHAS, **overrides):
    exact = {"k": exact_k(ctx, ASYM), "T": 3000, **overrides}
    grid = ctx.grid(ASYM, "alpha", alphas, **exact)
    fitted = np.array([geometric_rates(runs) for runs in grid])
    out = {"alpha_exponent": estimate_from_values(alpha_exponents(alphas, fitted),
                                                  method="scaling of |log-rate| vs alpha, per seed")}
    if overrides.get("m"):
        return out
    ratios = rate_ratios(ctx, ASYM, fitted[0], alpha=C3_ALPHAS[0], **exact)
    return {**out, "smallest_alpha_rate_over_sigma_r": ratios["rate_over_sigma_r"],
            "smallest_alpha_rate_over_sigma_1": ratios["rate_over_sigma_1"]}


def measure_c4_compressed(ctx):
    return measure_c4(ctx, COMPRESSED_ALPHAS, **{**COMPRESSED_ASYM, "T": 3000})


# -- C5: asymmetry speeds up the symmetric (PSD) problem -------------------------------------
def measure_c5(ctx):
    imbalanced, balanced = ctx.run_many([(ASYM, {"psd_target": True, "alpha": 0.4, "T": 20000}),
                                         (ASYM, {"psd_target": True, "balanced": True, "alpha": 0.5, "T": 20000})])
    symmetric = ctx.runs(SYM, k=ctx.config(ASYM).k, seeds=len(imbalanced))
    t, err = stack(balanced, "err")
    t_sym, err_sym = stack(symmetric, "err")
    return {"asym_tail_slope": estimate_from_values([tail_loglog_slope(tr) for tr in imbalanced],
                                                    method="log-log slope over [t_end/2, t_end]"),
            "balanced_slope": rates.across_seeds(rates.fit_power_law, t, err),
            "symmetric_slope": rates.across_seeds(rates.fit_power_law, t_sym, err_sym)}


# -- C6: the one-step modification: alpha-independent, exact-parameterization rate ----------
def post_step_rate(trace: Trace) -> float:
    """Log-rate fitted from 20 iterations after the special step (its transient dies within ~10)."""
    return rates.fit_geometric(trace.t, trace["err"], window=(trace.scalars["trigger_t"] + 20, None)).value


def measure_c6(ctx, alphas=C6_ALPHAS, plain_alphas=C6_ALPHAS, **overrides):
    exact = {"k": exact_k(ctx, ASYM), "T": 3000}
    requests = ([(ASYM, {"alpha": a, "one_step_tau": 1e-4, **overrides}) for a in alphas]
                + [(ASYM, {"alpha": a, **overrides}) for a in plain_alphas] + [(ASYM, {**overrides, **exact})])
    grid = ctx.run_many(requests, seeds=5)
    one_step, plain, exact_runs = grid[: len(alphas)], grid[len(alphas): len(alphas) + len(plain_alphas)], grid[-1]
    post = np.array([[post_step_rate(t) for t in runs] for runs in one_step])
    base = np.array([geometric_rates(runs) for runs in plain])
    config = ctx.config(ASYM, **overrides)
    if overrides.get("m"):  # the exact-parameterization rate measured on the same operator and target
        reference = geometric_rates(exact_runs)[None, :]
        label = "post-step log-rate / measured k = r log-rate (same operator, target)"
    else:
        reference = np.log(1 - config.eta * problems.spectrum(config.r, config.kappa)[-1])
        label = "post-step log-rate / log(1 - eta sigma_r)"
    return {"post_over_exact_rate": estimate_from_values((post / reference).ravel(), method=label, summary="max"),
            "one_step_exponent": estimate_from_values(alpha_exponents(alphas, post),
                                                      method="scaling of |post-step log-rate| vs alpha, per seed"),
            "speedup_smallest_alpha": estimate_from_values(post[alphas.index(plain_alphas[0])] / base[0],
                                                           method=f"post-step rate / plain rate at alpha = {plain_alphas[0]}"),
            "plain_exponent": estimate_from_values(alpha_exponents(plain_alphas, base),
                                                   method="scaling of |log-rate| vs alpha, plain GD, per seed")}


def measure_c6_compressed(ctx):
    return measure_c6(ctx, C6_ALPHAS, COMPRESSED_ALPHAS, **COMPRESSED_ASYM)


# -- C7: symmetric, small alpha: a low plateau of height ~alpha^2 ----------------------------
def measure_c7(ctx):
    grid = ctx.grid(SYM, "alpha", C7_ALPHAS)  # the profile's k > r
    large = ctx.runs(SYM)  # the profile's alpha = 0.5 (C1's runs)
    t, err = stack(grid[1], "err")
    final = np.array([[tr["err"][-1] for tr in runs] for runs in grid])
    return {"plateau_slope": rates.across_seeds(rates.fit_power_law, t, err, window=(2e3, 2e4)),
            "plateau_alpha_exponent": estimate_from_values(
                [rates.fit_scaling(C7_ALPHAS, final[:, s]).value for s in range(final.shape[1])],
                method="scaling of ||E_T||_F vs alpha on the plateau, per seed"),
            "log10_small_over_large": estimate_from_values(
                np.log10(final[1] / np.array([tr["err"][-1] for tr in large])),
                method=f"log10 ||E_T|| (alpha = {C7_ALPHAS[1]}) / ||E_T|| (profile alpha), same seed")}


# -- C8: the worst case: the alpha^2 dependence cannot be removed (plain GD) ----------------
def measure_c8(ctx):
    worst = {"instance": "worst_case", "T": 40000}
    config = ctx.config(ASYM)
    eta = config.eta
    requests = ([(ASYM, {**worst, "alpha": a}) for a in C3_ALPHAS]
                + [(ASYM, {**worst, "alpha": a, "one_step_tau": 1e-4}) for a in C3_ALPHAS]
                + [(ASYM, {**worst, "alpha": C3_ALPHAS[0], "k": exact_k(ctx, ASYM), "T": 3000})])
    grid = ctx.run_many(requests, seeds=1)  # deterministic instance: one run per case
    plain = np.array([geometric_rates(runs)[0] for runs in grid[: len(C3_ALPHAS)]])
    fixed = np.array([post_step_rate(runs[0]) for runs in grid[len(C3_ALPHAS): 2 * len(C3_ALPHAS)]])
    exact = geometric_rates(grid[-1])[0]
    construction = np.log(1 - eta * WORST_CASE_C * np.asarray(C3_ALPHAS) ** 2)
    return {"rate_over_construction": estimate_from_values(plain / construction, summary="max",
                                                           method="plain log-rate / log(1 - eta (8/9) alpha^2)"),
            "alpha_exponent": estimate_from_values([rates.fit_scaling(C3_ALPHAS, plain).value],
                                                   method="scaling of |plain log-rate| vs alpha"),
            "plain_over_exact": estimate_from_values(plain / exact, summary="max",
                                                     method="plain log-rate / exact-parameterization log-rate, same instance"),
            "plain_over_one_step": estimate_from_values(plain / fixed, summary="max",
                                                        method="plain log-rate / post-step log-rate, same instance"),
            "one_step_over_sigma_r_rate": estimate_from_values(
                fixed / np.log(1 - eta * problems.spectrum(config.r, config.kappa)[-1]), summary="min",
                method="post-step log-rate / log(1 - eta sigma_r)")}


GEOMETRIC_SLOPE = Bound(upper=-5.0, label="geometric (local log-log slope)")
EXACT_RATE_RIVAL = Bound(upper=-5.0, label="geometric (local log-log slope)",
                         rival="exact-parameterization rate exp(-Omega(T)) (abstract, k = r): over-parameterization "
                               "would not slow GD")
ALPHA_FREE_RIVAL = "alpha-independent linear rate, as in the exact parameterization (abstract: exp(-Omega(T)) for k = r)"
ALPHA2_RIVAL = "plain GD's alpha^2 law (abstract: exp(-Omega(alpha^2 T)) for k > r; C3)"

def equalize_f_ratio(config) -> float:
    """Rate after the 'equalize F' step over the exact rate: log(1 - eta sigma_r^2/sigma_1) / log(1 - eta sigma_r)."""
    sigma = problems.spectrum(config.r, config.kappa)
    return float(np.log(1 - config.eta * sigma[-1] ** 2 / sigma[0]) / np.log(1 - config.eta * sigma[-1]))


# Domains: the configurations each theorem covers, searched by `theorylab explore`.
OVER = Assume(lambda c: c["r"] < c["k"], "k > r (over-parameterized)", "Thm 1.1 / 1.3 [P]")
STABLE = Assume(lambda c: c["eta"] <= 0.2, "eta sigma_1 <= 0.2 (small step)", "theorems' step-size condition [R: eta small]")
C1_DOMAIN = Domain(SYM, {"n": Range(12, 30, integer=True), "k": Range(3, 6, integer=True), "kappa": Range(1.0, 4.0),
                         "eta": Range(0.05, 0.2, log=True), "alpha": Range(0.3, 1.0)},
                   [OVER, STABLE, Assume(lambda c: c["n"] >= 2 * c["k"], "n >= 2k", "ours (random init, r << n [P])"),
                    Assume(lambda c: c["eta"] * c["alpha"] ** 2 * c["T"] >= 100,
                           "the small-init plateau ~1/(eta alpha^2) ends before T/10", "measurement window, not the theorem")])
# kappa >= 1.5: at kappa = 1 the rival log(1 - eta sigma_1) IS the prediction (explore found kappa = 1: the
# rival then agrees; a limit of the comparison, not of the theorem).
C2_DOMAIN = Domain(SYM, {"n": Range(8, 30, integer=True), "kappa": Range(1.5, 4.0), "eta": Range(0.05, 0.2, log=True),
                         "alpha": Range(0.1, 1.0)}, [STABLE])
C3_DOMAIN = Domain(ASYM, {"n": Range(16, 30, integer=True), "k": Range(3, 5, integer=True), "kappa": Range(1.0, 4.0),
                          "eta": Range(0.05, 0.2, log=True)},
                   [OVER, STABLE, Assume(lambda c: c["n"] >= 5 * c["k"], "n >= 5k (lambda_min(Delta_0) > 0 w.h.p.)",
                                         "card pitfall 3; Thm 1.3 needs a positive imbalance [P]")])
C6_DOMAIN = Domain(ASYM, {"n": Range(16, 30, integer=True), "kappa": Range(2.0, 4.0), "eta": Range(0.05, 0.2, log=True)},
                   [OVER, STABLE, Assume(lambda c: c["n"] >= 5 * c["k"], "n >= 5k", "card pitfall 3")])
C8_DOMAIN = Domain(ASYM, {"n": Range(4, 30, integer=True), "k": Range(2, 4, integer=True), "r": Range(1, 3, integer=True),
                          "kappa": Range(1.0, 4.0), "eta": Range(0.05, 0.2, log=True)},
                   [OVER, STABLE, Assume(lambda c: c["k"] <= c["n"], "k <= n", "construction")])
# The variants pin n, k, m and T in their own overrides (the regime they name), so their domains vary
# the target's conditioning, the step and, where it is free, the initialization scale.
C1S_DOMAIN = Domain(SYM, {"kappa": Range(1.0, 3.0), "eta": Range(0.05, 0.2, log=True), "alpha": Range(0.3, 1.0)},
                    [STABLE, Assume(lambda c: c["eta"] * c["alpha"] ** 2 * 30000 >= 100,
                                        "the small-init plateau ~1/(eta alpha^2) ends before T/10 (T = 3e4)",
                                        "measurement window, not the theorem")])
C1C_DOMAIN = Domain(SYM, {"kappa": Range(1.0, 3.0), "eta": Range(0.05, 0.2, log=True), "alpha": Range(0.3, 1.0)},
                    [STABLE, Assume(lambda c: c["eta"] * c["alpha"] ** 2 * COMPRESSED_SYM["T"] >= 100,
                                        "the small-init plateau ends before T/10", "measurement window, not the theorem"),
                     Assume(lambda c: c["n"] == 20 and c["k"] <= 4, "m = 160 < n(n+1)/2 with n = 20 and rank 2k <= 8 "
                            "(RIP at rank 2k plausible: 132 < 160 degrees of freedom)",
                            "Thm 3.1 under RIP [P, R]; the rank order of the RIP is reconstructed [M]")])
COMPRESSED_ASYM_ASSUME = Assume(lambda c: c["n"] == 20 and c["k"] <= 4,
                                "m = 240 < n^2 with n = 20, k <= 4 (RIP at rank 2k plausible: 2k(2n - 2k) = 256 ~ m)",
                                "Thm 1.3 under RIP [P, R]; the rank order of the RIP is reconstructed [M]")
C3C_DOMAIN = Domain(ASYM, {"kappa": Range(1.0, 3.0), "eta": Range(0.05, 0.2, log=True)},
                    [OVER, STABLE, COMPRESSED_ASYM_ASSUME])
# C4's control log(1 - eta sigma_1) IS the prediction when sigma_1 = sigma_r (r = 1 or kappa = 1), as for C2.
DISTINCT_SIGMAS = Assume(lambda c: c["r"] >= 2 and c["kappa"] >= 1.5, "sigma_1 / sigma_r >= 1.5 (r >= 2)",
                         "the sigma_1-rate control needs distinct singular values; a limit of the comparison, "
                         "not of the theorem")
C4_DOMAIN = Domain(ASYM, {"n": Range(8, 30, integer=True), "r": Range(2, 3, integer=True), "kappa": Range(1.5, 4.0),
                          "eta": Range(0.05, 0.2, log=True)},
                   [STABLE, DISTINCT_SIGMAS, Assume(lambda c: c["r"] <= c["n"], "r <= n", "definition")])
C4C_DOMAIN = Domain(ASYM, {"kappa": Range(1.0, 3.0), "eta": Range(0.05, 0.2, log=True)},
                    [STABLE, COMPRESSED_ASYM_ASSUME])
C5_DOMAIN = Domain(ASYM, {"n": Range(20, 30, integer=True), "kappa": Range(1.0, 3.0), "eta": Range(0.05, 0.2, log=True)},
                   [OVER, STABLE, Assume(lambda c: c["n"] >= 5 * c["k"], "n >= 5k (a positive imbalance "
                                             "lambda_min(Delta_0) w.h.p.)", "card pitfall 3; abstract's imbalance "
                                             "mechanism [P]")])
C6C_DOMAIN = Domain(ASYM, {"kappa": Range(1.0, 3.0), "eta": Range(0.05, 0.2, log=True)},
                    [OVER, STABLE, COMPRESSED_ASYM_ASSUME])
C7_DOMAIN = Domain(SYM, {"n": Range(12, 30, integer=True), "k": Range(3, 6, integer=True), "kappa": Range(1.0, 4.0),
                         "eta": Range(0.05, 0.2, log=True)},
                   [OVER, STABLE, Assume(lambda c: c["n"] >= 2 * c["k"], "n >= 2k", "ours (random init, r << n [P])"),
                    Assume(lambda c: 2 * c["eta"] * max(C7_ALPHAS) ** 2 * c["T"] <= 0.04,
                           "every small-alpha run is still on its plateau at T (2 eta alpha^2 T <= 0.04)",
                           "the plateau's length ~1/(eta alpha^2) [D]; measurement, not the theorem")])

CLAIMS = [
    Claim(PAPER.slug, "C1", "Symmetric GD with k > r converges sublinearly: ||X X^T - M*||_F ~ 1/t, "
          "with t*||E_t||_F -> sqrt(k - r) / (2 eta)", "Thm 1.1 / 3.1 (Omega(1/T^2) on the squared error) [P, R]; constant [D]",
          measure_c1,
          figures=('error_vs_iteration',),
          predicted=[PowerLaw(-1.0, tol=0.1), Close(1.0, rtol=0.05, on="constant_ratio")],
          controls=[EXACT_RATE_RIVAL, PowerLaw(-2.0, tol=0.1), PowerLaw(0.0, tol=0.1)],
          domain=C1_DOMAIN,
          rationale="Population operator. n=20, r=2, k=4, eta=0.1, alpha=0.5 (>= 0.3 keeps the small-init plateau "
                    "out of the window), T=2e4, 5 seeds; window = last decade [2e3, 2e4]. Per-seed slopes -0.995 to "
                    "-0.997, every seed inside -1 +- 0.1. The constant sqrt(2)/(2*0.1) = 7.07 comes from the scalar "
                    "recursion x <- x(1 - eta x^2) on the k - r extra directions; measured 7.06 (ratio 0.998-0.999). "
                    "Nearest rival: the exact-parameterization linear rate (a geometric decay has a log-log slope "
                    "below -5 over a decade); -2 (the squared-error exponent misapplied to ||E||) and 0 are extra controls."),
    Claim(PAPER.slug, "C1s", "C1 with Gaussian sensing (m = 500, n = 10): ||E_t||_F ~ 1/t and the loss ~ 1/t^2",
          "Thm 3.1 [P, R]", measure_c1_sensing, domain=C1S_DOMAIN,
          predicted=[PowerLaw(-1.0, tol=0.1), PowerLaw(-2.0, tol=0.15, on="loss_slope")],
          controls=[EXACT_RATE_RIVAL, PowerLaw(-2.0, tol=0.1), PowerLaw(0.0, tol=0.1)],
          rationale="Symmetrized Gaussian A_i, m = 500 = 9 n(n+1)/2 (the over-sampled regime). T = 3e4, window "
                    "[3e3, 3e4], 6 seeds; card pilots -0.963 to -0.989 (loss -1.95 to -1.99), hence tol 0.1 and 0.15. "
                    "The RIP-only regime (m below n(n+1)/2) is C1c."),
    Claim(PAPER.slug, "C1c", "Compressed sensing (n = 20, m = 160 < n(n+1)/2 = 210): symmetric GD with k > r still "
          "converges, and no faster than 1/t on ||E||_F (1/t^2 on the loss)",
          "Thm 3.1 (a lower bound, stated under RIP) [P, R]", measure_c1_compressed, domain=C1C_DOMAIN,
          predicted=[Bound(lower=-1.05, upper=-0.5, label="no faster than 1/t, still converging"),
                     Bound(lower=-2.1, on="loss_slope", label="no faster than 1/t^2")],
          controls=[EXACT_RATE_RIVAL, PowerLaw(-2.0, tol=0.1), PowerLaw(0.0, tol=0.1)],
          rationale="m = 160 symmetrized Gaussian measurements for 210 unknowns (A* A != I; rank-8 matrices have "
                    "132 degrees of freedom, so RIP at rank 2k is plausible, not guaranteed). alpha = 0.5, T = 3e4, "
                    "window [3e3, 3e4], 5 seeds. In this regime the log-log slope approaches -1 from above only "
                    "slowly (pilot: -0.83 to -0.96 over [2e3, 2e4], -0.87 to -0.99 over [5e4, 1e5]: the extra "
                    "directions keep rotating towards the least-sensed ones), so the two-sided -1 +- 0.1 law of C1 "
                    "is not asserted here; Theorem 3.1 is a lower bound, which is what is tested: slope >= -1 "
                    "(-1.05 allows the fit's own error), loss slope >= -2 (-2.1). The upper edge -0.5 only asks that "
                    "GD converges (a stalled run has slope 0). Rival: linear convergence."),
    Claim(PAPER.slug, "C2", "Symmetric GD with k = r converges linearly, ||E_t||_F ~ (1 - eta sigma_r)^t",
          "abstract exp(-Omega(T)) [P]; sharp rate [D]", measure_c2,
          figures=('error_vs_iteration',),
          predicted=Close(1.0, rtol=0.05, on="rate_over_sigma_r"),
          controls=[Close(1.0, rtol=0.05, on="rate_over_sigma_1",
                          rival="rate of the best-conditioned direction, log(1 - eta sigma_1) (a rate blind to "
                                "the conditioning kappa)"),
                    PowerLaw(-1.0, tol=0.1, on="tail_loglog_slope")],
          domain=C2_DOMAIN,
          rationale="k = r = 2, T = 3000 (the error reaches the 1e-11 floor after ~600 iterations); the rate is "
                    "fitted on the second half of the points above the floor. Measured log(1 - 0.1*0.5) to 1e-8 "
                    "relative, so rtol 0.05 is loose; the rival log(1 - eta sigma_1) is 2x away (ratio 0.487). "
                    "The local log-log slope at the end is about -15 to -30, far from the sublinear -1 (extra control)."),
    Claim(PAPER.slug, "C3", "Asymmetric GD with k > r converges linearly at a rate proportional to alpha^2, "
          "log(1 - eta lambda_perp0) with lambda_perp0 computed from the initialization",
          "Thm 1.3 exp(-Omega(alpha^2 T)) [P, R]; lambda_perp0 [D]", measure_c3,
          figures=('error_vs_iteration', 'rate_vs_alpha'),
          predicted=[Scaling(2.0, tol=0.25, parameter="alpha"), Close(1.0, atol=0.1, on="lambda_position")],
          controls=[Scaling(0.0, tol=0.25, parameter="alpha", rival=ALPHA_FREE_RIVAL),
                    Close(0.0, atol=0.1, on="lambda_position",
                          rival="rate set by lambda_min(Delta_0), the positive-definite-imbalance argument"),
                    Scaling(1.0, tol=0.25, parameter="alpha")],
          domain=C3_DOMAIN,
          rationale="Population operator, alpha in {0.1, 0.2, 0.4}, the same draws for every alpha (seed-only "
                    "randomness), so the per-seed constant c in lambda_perp ~ c alpha^2 (about 0.3 to 0.75 in "
                    "pilot seeds) cancels in the exponent; 10 seeds, card pilots 2.00-2.11. The per-run rate is "
                    "predicted from t = 0 only (no end-of-run quantity): N0 = null space of U^T F0 + V^T G0 (the "
                    "directions the linear phase does not grow), lambda_perp0 = lambda_min(N0^T Delta_0 N0). "
                    "lambda_position puts the measured lambda_eff = (1 - e^rate)/eta on the scale where 0 is "
                    "lambda_min(Delta_0) (the rival: the rate the whole imbalance's smallest eigenvalue gives) and 1 "
                    "is lambda_perp0; both get the same +-0.1. Measured at the smallest alpha = 0.1, where the "
                    "prediction is a small-init limit (pilot 1.01-1.06 over 10 seeds; at alpha = 0.2 up to 1.22, "
                    "O(alpha^2) corrections, so larger alphas are not used for it). imbalance_margin reports "
                    "lambda_min(Delta_0)/alpha^2 (card pitfall 3: > 0 needed; no seed is dropped)."),
    Claim(PAPER.slug, "C3c", "C3's alpha^2 law in the compressed regime (n = 20, k = 4, m = 240 < n^2 = 400)",
          "Thm 1.3 (stated under RIP) [P, R]", measure_c3_compressed, domain=C3C_DOMAIN,
          predicted=Scaling(2.0, tol=0.25, parameter="alpha"),
          controls=[Scaling(0.0, tol=0.25, parameter="alpha", rival=ALPHA_FREE_RIVAL), Scaling(1.0, tol=0.25, parameter="alpha")],
          rationale="Gaussian A_i, m = 240 = 3 n k for 400 unknowns; alpha in {0.2, 0.3, 0.4}, T = 2e4, 10 seeds "
                    "(same draws of target, operator and init direction for every alpha). The rate constant now "
                    "also depends on the operator, which cancels in the per-seed exponent; the t = 0 identity of "
                    "C3 is not asserted here (it is derived for A* A = I). Open (issue 15): `theorylab explore` over "
                    "kappa in [1, 3], eta in [0.05, 0.2] found 5 of 10 points inconclusive at kappa in [1, 1.6] "
                    "(e.g. 2.16 [1.96, 2.38] at kappa = 1): over a factor 2 in alpha the per-seed exponents "
                    "scatter by +-0.3, so the interval grazes the band edge 2.25 when the median moves up a "
                    "little; a precision limit (every interval contains 2), not fixed within the quick budget "
                    "(docs/papers/matrix_sensing_overparam.md)."),
    Claim(PAPER.slug, "C4", "Asymmetric GD with k = r converges linearly and a small alpha does not slow it",
          "abstract [P]", measure_c4, domain=C4_DOMAIN,
          figures=('error_vs_iteration', 'rate_vs_alpha'),
          predicted=[Scaling(0.0, tol=0.25, parameter="alpha"), Close(1.0, rtol=0.05, on="smallest_alpha_rate_over_sigma_r")],
          controls=[Scaling(2.0, tol=0.25, parameter="alpha", rival=ALPHA2_RIVAL),
                    Close(1.0, rtol=0.05, on="smallest_alpha_rate_over_sigma_1")],
          rationale="Same alphas and seeds as C3 with k = r = 2, T = 3000. Card pilots of the exponent -0.14 to "
                    "-0.05 (larger alpha converges slightly slower at this step size), tol 0.25 as in C3. Rival: "
                    "the over-parameterized alpha^2 law, i.e. that the slow-down is not caused by k > r."),
    Claim(PAPER.slug, "C4c", "C4 in the compressed regime (n = 20, k = r = 2, m = 240): the rate does not depend on alpha",
          "abstract, RIP setting [P, R]", measure_c4_compressed, domain=C4C_DOMAIN,
          predicted=Scaling(0.0, tol=0.25, parameter="alpha"),
          controls=[Scaling(2.0, tol=0.25, parameter="alpha", rival=ALPHA2_RIVAL)],
          rationale="As C4 with the Gaussian operator of C3c (m = 240), T = 3000, 10 seeds."),
    Claim(PAPER.slug, "C5", "On a PSD target, asymmetric GD with imbalanced init converges linearly where "
          "symmetric GD (and balanced asymmetric GD) converge like 1/t", "abstract [P]; balanced control [D]",
          measure_c5, domain=C5_DOMAIN,
          predicted=[GEOMETRIC_SLOPE, PowerLaw(-1.0, tol=0.1, on="symmetric_slope"),
                     PowerLaw(-1.0, tol=0.1, on="balanced_slope")],
          controls=[PowerLaw(-1.0, tol=0.1, on="asym_tail_slope",
                             rival="the asymmetric parameterization inherits the symmetric 1/T rate "
                                   "(Thm 3.1's lower bound for X X^T)"),
                    Bound(upper=-5.0, on="balanced_slope")],
          rationale="Same PSD target for all three runs (seed-only randomness). The imbalanced run reaches the "
                    "floor within ~4500 iterations; its log-log slope over [t_end/2, t_end] is about -16, i.e. "
                    "no power law. With G0 = F0 the iterates stay equal, so asymmetric GD is symmetric GD "
                    "and the 1/t law returns (card pilots -0.993 to -0.997): imbalance is the mechanism."),
    Claim(PAPER.slug, "C6", "The one-step modification (derived variant of eq. 5.1) removes the alpha-dependence and "
          "recovers the exact-parameterization rate log(1 - eta sigma_r)",
          "abstract, Sec. 5 eq. (5.1) [P, R]; the step itself is derived [D]", measure_c6,
          figures=('rate_vs_alpha', 'one_step_vs_plain'),
          predicted=[Close(1.0, atol=0.05, on="post_over_exact_rate"), Scaling(0.0, tol=0.15, parameter="alpha", on="one_step_exponent"),
                     Bound(lower=10.0, on="speedup_smallest_alpha"),
                     Scaling(2.0, tol=0.25, parameter="alpha", on="plain_exponent")],
          controls=[Close(equalize_f_ratio, atol=0.05, on="post_over_exact_rate",
                          rival="recovery only up to kappa: log(1 - eta sigma_r^2 / sigma_1) / log(1 - eta sigma_r) "
                                "(0.494 at kappa = 2), the rate after equalizing F's singular values (the card's "
                                "first inferred step A3)"),
                    Scaling(2.0, tol=0.25, parameter="alpha", on="one_step_exponent", rival=ALPHA2_RIVAL),
                    Scaling(0.0, tol=0.15, parameter="alpha", on="plain_exponent")],
          domain=C6_DOMAIN,
          rationale="Population operator, kappa = 2, alpha in {0.05, 0.1, 0.2, 0.4}, 5 seeds, trigger at "
                    "||A(FG^T) - y||^2/||y||^2 <= 1e-4 (observable), rate fitted from 20 iterations after the step. "
                    "The step refactors F G^T with the signal part balanced and the k - r extra columns of F "
                    "boosted to sqrt(||FG^T||_op) (algorithms.one_step_balance_boost). post_over_exact_rate is the "
                    "worst of the 20 (alpha, seed) cases of post-step rate / log(1 - eta sigma_r) (pilot 1.000-1.033); "
                    "the rival ~1/kappa gets the same +-0.05. The same measurement on plain GD must find the "
                    "alpha^2 law (and reject exponent 0): the exponent-0 verdict is not an artefact of the fit."),
    Claim(PAPER.slug, "C6c", "C6 in the compressed regime (n = 20, m = 240): the post-step rate does not depend on alpha",
          "abstract, Sec. 5 [P, R]; step derived [D]", measure_c6_compressed, domain=C6C_DOMAIN,
          predicted=[Scaling(0.0, tol=0.15, parameter="alpha", on="one_step_exponent")],
          controls=[Scaling(2.0, tol=0.25, parameter="alpha", on="one_step_exponent", rival=ALPHA2_RIVAL)],
          rationale="Operator of C3c (m = 240), 5 seeds; the one-step runs use alpha in {0.05, 0.1, 0.2, 0.4} "
                    "(a factor 8: the post-step rate varies by up to 15% between alphas through the state at the "
                    "trigger, which over a factor 2 alone would read as an exponent of +-0.2); plain GD uses C3c's "
                    "runs (alpha in {0.2, 0.3, 0.4}; its alpha^2 law is asserted in C3c, its exponent is only "
                    "reported here), as is the speed-up at alpha = 0.2 (pilot 9.5-26: at alpha = 0.2 plain GD is "
                    "only mildly slowed, so the population claim's >= 10 at alpha = 0.05 is not transferred). "
                    "post_over_exact_rate (post-step rate / the k = r "
                    "rate measured on the same operator and target) is reported, not asserted: with m = 240 the "
                    "post-step rate is only about 0.56-0.67 of it in pilots (the over-parameterized tangent space "
                    "is less well sensed than the rank-r one), so 'recovers the exact rate' is confirmed here only "
                    "in the population limit (C6), as an alpha-free rate of the same order under compression."),
    Claim(PAPER.slug, "C7", "Symmetric GD with k > r and small alpha fits the signal fast, then stalls on a plateau of "
          "height ~alpha^2 for ~1/(eta alpha^2) iterations: small alpha is ahead of large alpha, not behind",
          "[D] (plateau); contrast with the 1/t law of Thm 3.1", measure_c7, domain=C7_DOMAIN,
          predicted=[PowerLaw(0.0, tol=0.1), Scaling(2.0, tol=0.2, parameter="alpha", on="plateau_alpha_exponent"),
                     Bound(upper=-1.0, on="log10_small_over_large")],
          controls=[PowerLaw(-1.0, tol=0.1, rival="C1's 1/t law from the start, ||E_t|| ~ sqrt(k - r)/(2 eta t) "
                                                 "(Thm 3.1 rate with our constant)"),
                    Scaling(0.0, tol=0.2, parameter="alpha", on="plateau_alpha_exponent",
                            rival="an alpha-independent error at fixed T (the 1/t law forgets the initialization)"),
                    Bound(lower=0.0, on="log10_small_over_large",
                          rival="small initialization slows symmetric GD (the 'curse of initialization' read "
                                "into the symmetric case; the abstract ties it to asymmetric GD, C8)")],
          rationale="alpha in {3e-4, 1e-3, 3e-3}, T = 2e4: the plateau decays like 1/(1 + 2 eta x0^2 t) with "
                    "x0^2 ~ alpha^2, and 2 eta alpha^2 T <= 0.04 here, so every run is still on it (with "
                    "alpha = 1e-2 the factor is 0.4 and the exponent drops to 1.86). Slope over [2e3, 2e4] for "
                    "alpha = 1e-3 (card: ~0). Plateau height ||E_T|| ~ alpha^2, hence exponent 2. "
                    "log10_small_over_large compares ||E_T|| at alpha = 1e-3 with the alpha = 0.5 runs of C1 at the "
                    "same T and seed (about 1e-6 against 3.5e-4): the symmetric 'curse' is one of symmetry, not of "
                    "a small initialization. This claim does not test the paper's curse of initialization; C8 does."),
    Claim(PAPER.slug, "C8", "Curse of initialization, worst case: on a constructed instance asymmetric GD's rate is "
          "exactly log(1 - eta (8/9) alpha^2), so the alpha^2 dependence cannot be removed; the one-step fix removes it",
          "abstract ('an example showing the dependency on alpha ... is unavoidable'), probably Sec. 4.1 [P, R]; "
          "construction reconstructed [D]", measure_c8,
          predicted=[Close(1.0, rtol=0.02, on="rate_over_construction"), Scaling(2.0, tol=0.1, parameter="alpha", on="alpha_exponent"),
                     Bound(lower=0.98, on="one_step_over_sigma_r_rate", label="at least the exact-parameterization rate")],
          controls=[Close(1.0, rtol=0.02, on="plain_over_exact", rival=ALPHA_FREE_RIVAL),
                    Scaling(0.0, tol=0.1, parameter="alpha", on="alpha_exponent"),
                    Close(1.0, rtol=0.02, on="plain_over_one_step",
                          rival="plain GD already as fast as the one-step fix on the same instance (Sec. 5)")],
          domain=C8_DOMAIN,
          rationale="problems.worst_case_instance: M* = diag(sigma), F0 = alpha [I_k; 0], G0 = F0/3, population "
                    "operator, alpha in {0.1, 0.2, 0.4}, T = 4e4. Every iterate stays diagonal, and each extra "
                    "coordinate keeps f^2 - g^2 = (8/9) alpha^2 up to a factor prod(1 - eta^2 f^2 g^2), so the rate "
                    "is log(1 - eta (8/9) alpha^2) with no free constant (measured to 1e-4). Deterministic: one run "
                    "per case; worst-case estimates over the alphas (their range is the interval). The "
                    "exact-parameterization reference is the k = r run on the same diagonal instance (rate "
                    "log(1 - 2 eta sigma_r) there: no rotation modes are excited). After the one-step fix the rate is "
                    "log(1 - eta min(2 sigma_r, sigma_1)) on this instance, so the fix is tested as 'at least the "
                    "generic exact-parameterization rate log(1 - eta sigma_r)' (worst alpha; 0.98 allows the fit); "
                    "explore found r = 1, kappa = 1, where it is half the diagonal k = r rate, which is why the "
                    "diagonal k = r run is not the fix's reference. Reconstructed: the paper's own "
                    "example may differ; a reader should check Sec. 4.1 / the worst-case theorem for its instance."),
]
