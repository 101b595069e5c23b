"""Claims of Bai, Gautam and Sojoudi (2023): convex two-layer ReLU training by ADMM, and convex
adversarial training. Card: shared/papers/convex_relu_admm.md (the full text could not be read;
what goes beyond the abstract is marked [3P]/[INFERRED] there and in the sources below).

All cvxpy references use Clarabel with tol_gap_abs = tol_gap_rel = tol_feas = 1e-10.
Instances are synthetic (the card's scikit-learn data sets are replaced, see each rationale).
Every claim names its nearest rival (a control with ``rival=`` and a source); quantities that spread
over decades across seeds (gaps, excesses) are read in log10. C8 is Mishkin, Sahiner & Pilanci's
(2022), checked here because this paper builds on the same programs. C5 is expected to disagree
(see its rationale and docs/papers/convex_relu_admm.md).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from theorylab import Bound, Claim, Close, Paper, PowerLaw, Scaling, rates
from theorylab.convex_relu import experiments as relu
from theorylab.convex_relu import rbcd_experiments as relu_rbcd
from theorylab.domains import Assume, Choice, Domain, Range
from theorylab.convex_relu import mutants as _mutants  # noqa: F401  registers mutants
from theorylab.rates import Estimate
from theorylab.trace import stack

def _make_figures(ctx, outdir) -> list:
    """The paper's figures (:func:`theorylab.convex_relu.figures.make_all`; imported lazily: matplotlib is slow)."""
    from theorylab.convex_relu import figures

    return figures.make_all(ctx, outdir)


PAPER = Paper(
    slug="convex_relu_admm",
    title="Efficient Global Optimization of Two-Layer ReLU Networks: Quadratic-Time Algorithms and "
          "Adversarial Training",
    citation="Y. Bai, T. Gautam, S. Sojoudi. SIAM J. Math. Data Science 5(2), 2023. arXiv:2201.01965",
    url="https://arxiv.org/abs/2201.01965",
    figures=_make_figures,
)

COST_SIZES, FIXED_PATTERNS = relu.COST_SIZES, relu.FIXED_PATTERNS


# ----------------------------------------------------------------------------------- C1
def _log10(values) -> np.ndarray:
    return np.log10(np.maximum(np.asarray(values, dtype=float), 1e-300))


def measure_c1(ctx) -> dict[str, Estimate]:
    traces = ctx.runs("relu_admm_gap")
    final = [tr["gap"][-1] for tr in traces]
    early_at = 50
    early = [tr["gap"][np.searchsorted(tr.t, early_at)] for tr in traces]
    infeasible = [tr.scalars["final_infeasibility"] for tr in traces]
    to_gated = [tr.scalars["final_gap_to_gated"] for tr in traces]
    return {
        "log10_final_gap": rates.estimate_from_values(_log10(final), method="log10 |f(u^K) - p*| / p* at the last "
                                                      "iteration K"),
        "log10_final_infeasibility": rates.estimate_from_values(_log10(infeasible), method="log10 max cone violation "
                                                                "of u^K"),
        "log10_gap_to_gated": rates.estimate_from_values(_log10(to_gated), method="log10 |f(u^K) - p*_gated| / "
                                                         "p*_gated (gated relaxation, same patterns)"),
        "log10_early_gap": rates.estimate_from_values(_log10(early), method=f"log10 |f(u^k) - p*| / p* at k = {early_at}"),
    }


# ----------------------------------------------------------------------------------- C2
def _first_hit(t: np.ndarray, relative: np.ndarray, level: float) -> float:
    hit = np.flatnonzero(relative <= level)
    return float(t[hit[0]]) if hit.size else np.inf


def _segment_fit(t: np.ndarray, residual: np.ndarray, hi: float = 1e-6, lo: float = 1e-12):
    relative = residual / residual[0]
    inside = (relative <= hi) & (relative >= lo)
    if inside.sum() < 3 or not np.all(np.isfinite(relative)):     # diverged or never in the window
        return math.nan, math.nan, math.nan, (math.nan, math.nan), False
    k = t[inside]
    line = stats.linregress(k, np.log(relative[inside]))
    ratio = math.log10(_first_hit(t, relative, lo) / _first_hit(t, relative, hi))
    return line.slope, line.rvalue ** 2, ratio, (float(k.min()), float(k.max())), bool(relative.min() <= lo)


def measure_c2(ctx) -> dict[str, Estimate]:
    slopes, r2, ratios, windows, reached = [], [], [], [], []
    for run in ctx.runs("relu_admm_rate"):
        slope, rsq, ratio, window, hit = _segment_fit(run.t, run["residual"])
        slopes.append(slope), r2.append(rsq), ratios.append(ratio), windows.append(window), reached.append(hit)
    window = (np.nanmin([w[0] for w in windows]), np.nanmax([w[1] for w in windows])) \
        if any(np.isfinite(w[0]) for w in windows) else None
    return {
        "log_rate": rates.estimate_from_values(slopes, window=window, method="slope of ln(r_k/r_1) on k where "
                                               "1e-12 <= r_k/r_1 <= 1e-6 (OLS), fixed rho"),
        "r_squared": rates.estimate_from_values(r2, window=window, method="R^2 of that log-linear fit"),
        "log10_iteration_ratio": rates.estimate_from_values(ratios, window=window, method="log10(k(1e-12) / k(1e-6)), "
                                                            "k(x) the first iteration with r_k/r_1 <= x"),
        "reached_1e-12": rates.estimate_from_values([float(np.mean(reached))],
                                                    method="fraction of seeds reaching r_k/r_1 <= 1e-12"),
    }


# ----------------------------------------------------------------------------------- C3
def measure_c3(ctx) -> dict[str, Estimate]:
    sizes = COST_SIZES[ctx.profile]
    runs = ctx.run_many([("relu_iteration_cost", {"n": n}) for n in sizes]
                        + [("relu_iteration_cost", {"n": n, "fixed_samples": FIXED_PATTERNS, "interior_point": False})
                           for n in sizes])
    linear, fixed = runs[:len(sizes)], runs[len(sizes):]
    seeds = range(len(linear[0]))

    def exponents(series, read):
        values = [[read(series[i][s]) for i in range(len(sizes))] for s in seeds]
        if not np.all(np.isfinite(values)):                       # e.g. no operation count: nothing to fit
            return rates.estimate_from_values([math.nan], method="scaling exponent (not measured)")
        return rates.estimate_from_fits([rates.fit_scaling(sizes, row) for row in values])

    return {
        "admm_wall_exponent": exponents(linear, lambda tr: tr["seconds_per_iter"][0]),
        "newton_wall_exponent": exponents(linear, lambda tr: tr.scalars["newton_seconds"]),
        "admm_wall_exponent_fixed_P": exponents(fixed, lambda tr: tr["seconds_per_iter"][0]),
        "blas_wall_exponent": exponents(linear, lambda tr: tr.scalars["blas_seconds_per_iter"]),
        "ops_exponent": exponents(linear, lambda tr: tr["ops_per_iter"][0]),
        "kernel_over_blas_at_max_n": rates.estimate_from_values(
            [tr["seconds_per_iter"][0] / tr.scalars["blas_seconds_per_iter"] for tr in linear[-1]],
            method=f"(seconds per iteration, Numba kernel) / (same, vectorized NumPy/BLAS loop) at n = {sizes[-1]}"),
    }


# ----------------------------------------------------------------------------------- C4
def measure_c4(ctx) -> dict[str, Estimate]:
    traces = ctx.runs("relu_exact_2d")
    p = np.array([tr.scalars["p_exact"] for tr in traces])
    sampled = [tr["p_sampled"] for tr in traces]
    adam = np.array([tr.scalars["adam_best"] for tr in traces])
    return {
        "mapped_rel_err": rates.estimate_from_values([tr.scalars["mapped_rel_err"] for tr in traces], summary="max",
                                   method="|F(mapped net) - p*| / p*"),
        "adam_minus_exact": rates.estimate_from_values(adam / p - 1, summary="min", method="(best Adam objective) / p*_exact - 1"),
        "sampled_minus_exact": rates.estimate_from_values([np.min(ps) / pe - 1 for ps, pe in zip(sampled, p)], summary="min",
                                        method="min_s p*_s / p*_exact - 1"),
        "sampled_increase": rates.estimate_from_values([np.max(np.diff(ps)) / pe for ps, pe in zip(sampled, p)], summary="max",
                                     method="largest increase of p*_s along nested pattern sets, / p*"),
        "gated_map_rel_err": rates.estimate_from_values([tr.scalars["gated_map_rel_err"] for tr in traces], summary="min",
                                      method="|F(net mapped from the gated solution) - p*_gated| / p*_gated"),
        "adam_minus_fewest_sampled": rates.estimate_from_values(adam / np.array([ps[0] for ps in sampled]) - 1, summary="max",
                                              method="(best Adam objective) / p*_s(fewest samples) - 1"),
    }


# ----------------------------------------------------------------------------------- C5
def measure_c5(ctx) -> dict[str, Estimate]:
    traces = ctx.runs("relu_adversarial")
    sc = [tr.scalars for tr in traces]

    def est(values, method, **kw):
        return rates.estimate_from_values(values, method=method, **kw)

    return {
        "robust_gain": est([s["robust_pgd_at_eps"] - s["standard_pgd_at_eps"] for s in sc],
                           "PGD accuracy (robust) - PGD accuracy (standard) at epsilon"),
        "clean_drop": est([s["standard_clean"] - s["robust_clean"] for s in sc],
                          "clean accuracy (standard) - clean accuracy (robust)"),
        "gain_over_robust_linear": est([s["robust_pgd_at_eps"] - s["robust_linear_attacked"] for s in sc],
                                       "PGD accuracy (robust ReLU) - worst-case accuracy (robust linear)"),
        "gain_over_large_beta": est([s["robust_pgd_at_eps"] - s["standard_large_beta_pgd_at_eps"] for s in sc],
                                    "PGD accuracy (robust) - PGD accuracy (standard, beta = 3)"),
        "gain_over_pgd_training": est([s["robust_pgd_at_eps"] - s["pgd_training_pgd_at_eps"] for s in sc],
                                      "PGD accuracy (robust convex) - PGD accuracy (PGD-trained non-convex net, "
                                      "width 2P)"),
        "large_beta_gain": est([s["standard_large_beta_pgd_at_eps"] - s["standard_pgd_at_eps"] for s in sc],
                               "PGD accuracy (standard, beta = 3) - PGD accuracy (standard)"),
        "standard_attack_drop": est([s["standard_clean"] - s["standard_pgd_at_eps"] for s in sc],
                                    "clean - PGD accuracy of the standard model"),
        "pgd_minus_fgsm": est([max(s["robust_pgd_at_eps"] - s["robust_fgsm_at_eps"],
                                   s["standard_pgd_at_eps"] - s["standard_fgsm_at_eps"]) for s in sc],
                              "PGD accuracy - FGSM accuracy (both models)", summary="max"),
        "robust_neurons": est([s["robust_neurons"] for s in sc], "active neurons (robust)", summary="min"),
    }


# ----------------------------------------------------------------------------------- C6
def measure_c6(ctx) -> dict[str, Estimate]:
    traces = ctx.runs("relu_scp_violation")
    neurons, violation = stack(traces, "violation")
    mean = violation.mean(axis=0)
    bound = traces[0]["scenario_bound"]
    fits = [rates.fit_power_law(neurons, row, window=(neurons[0], neurons[-1])) for row in violation]
    return {
        "decay_exponent": rates.estimate_from_fits(fits),
        "mean_over_bound": rates.estimate_from_values(mean / bound, summary="max",
                                    method="seed-mean violation rate / (n / (N + 1)), per N"),
    }


# ----------------------------------------------------------------------------------- C7
def measure_c7(ctx) -> dict[str, Estimate]:
    traces = ctx.runs("relu_early_accuracy")
    converged = np.array([tr.scalars["converged_accuracy"] for tr in traces])
    accuracy = np.array([tr["accuracy"] for tr in traces])              # (seeds, k = 0..K_early)
    k_last = int(traces[0].t[-1])
    early = accuracy[:, 1:].max(axis=1) - converged
    linear = np.array([tr.scalars["linear_accuracy"] for tr in traces]) - converged

    def est(values, method, **kw):
        return rates.estimate_from_values(values, method=method, **kw)

    out = {
        "early_minus_converged": est(early, f"max over 1 <= k <= {k_last} of acc(v^k) - acc(v^K), test set"),
        "last_early_minus_converged": est(accuracy[:, -1] - converged, f"acc(v^{k_last}) - acc(v^K), test set"),
        "k1_minus_converged": est(accuracy[:, 1] - converged, "acc(v^1) - acc(v^K), test set"),
        "zero_minus_converged": est(accuracy[:, 0] - converged, "acc(v^0 = 0, the empty net) - acc(v^K)"),
        "linear_minus_converged": est(linear, "acc(least-squares linear classifier) - acc(v^K)"),
        "seeds_within_0.02": est([float(np.mean(early >= -0.02))], method="fraction of seeds with early >= -0.02"),
        "converged_accuracy": est(converged, "test accuracy of the net mapped from v^K"),
        "converged_relative_residual": est([tr.scalars["converged_relative_residual"] for tr in traces],
                                           "(r_pri + r_dual)(K) / (r_pri + r_dual)(1)", summary="max"),
    }
    if all("cvxpy_accuracy" in tr.scalars for tr in traces):                # paper profile only
        out["cvxpy_vs_converged"] = est(np.abs([tr.scalars["cvxpy_accuracy"] for tr in traces] - converged),
                                           "|acc(Clarabel optimum) - acc(v^K)|", summary="max")
    return out


# ----------------------------------------------------------------------------------- C8
def measure_c8(ctx) -> dict[str, Estimate]:
    squared, hinge = ctx.run_many([("relu_gated_gap", {}), ("relu_gated_gap", {"loss": "hinge"})])
    gaps = [tr["relative_gap"][0] for tr in squared + hinge]
    return {"relative_gap": rates.estimate_from_values(gaps, summary="min", method="(p*_relu - p*_gated) / p*_relu, squared and hinge"),
            "log10_relative_gap": rates.estimate_from_values(_log10(np.abs(gaps)), method="log10 |p*_relu - p*_gated| / "
                                                             "p*_relu, squared and hinge")}


# ----------------------------------------------------------------------------------- C9
def measure_c9(ctx) -> dict[str, Estimate]:
    sc = [tr.scalars for tr in ctx.runs("relu_robust_certificate")]
    return {
        "excess": rates.estimate_from_values([s["robust_excess"] for s in sc], summary="max",
                                             method="max over training points of PGD hinge loss - program term, "
                                                    "robust cones"),
        "log10_nominal_excess": rates.estimate_from_values(_log10([max(s["nominal_excess"], 1e-12) for s in sc]),
                                                           method="log10 of the same excess, nominal cones "
                                                                  "(floor 1e-12)"),
        "nominal_certified_fraction": rates.estimate_from_values(
            [float(np.mean([s["nominal_excess"] <= 1e-6 for s in sc]))],
            method="fraction of seeds whose nominal-cone program certifies (excess <= 1e-6)"),
    }


# ----------------------------------------------------------------------------------- C10, C11
QUALITY_SIZES, VIOLATION_TARGET = relu.QUALITY_SIZES, relu.VIOLATION_TARGET   # C10 is C11's n = 100 point


def measure_c10(ctx) -> dict[str, Estimate]:
    traces = ctx.runs("relu_sampled_quality")
    sizes, violation = stack(traces, "violation")
    _, fraction = stack(traces, "violation_fraction")
    window = (sizes[0], sizes[-1])
    bound = np.array([tr["scenario_bound"] for tr in traces]).mean(axis=0)
    return {
        "decay_exponent": rates.estimate_from_fits([rates.fit_power_law(sizes, row, window=window) for row in violation]),
        "fraction_exponent": rates.estimate_from_fits([rates.fit_power_law(sizes, row, window=window)
                                                       for row in fraction]),
        "mean_over_bound": rates.estimate_from_values(violation.mean(axis=0) / bound, summary="max",
                                                      method="seed-mean violation probability / (support / (N + 1)), "
                                                             "worst N"),
    }


def measure_c11(ctx) -> dict[str, Estimate]:
    series = ctx.run_many([("relu_sampled_quality", {"n": n}) for n in QUALITY_SIZES])
    needed = np.array([[relu.sampled.samples_needed(tr.t.astype(float), tr["violation"], VIOLATION_TARGET) for tr in runs]
                       for runs in series]).T                          # (seeds, sizes)
    if not np.all(np.isfinite(needed)):
        missing = rates.estimate_from_values([math.nan], method="not measured: the violation target is not "
                                                                  "crossed inside the sampled sizes")
        return {"needed_exponent": missing, "support_exponent": missing, "needed_over_linear": missing}
    support = np.array([[tr["active"][-1] for tr in runs] for runs in series]).T
    return {
        "needed_exponent": rates.estimate_from_fits([rates.fit_scaling(QUALITY_SIZES, row) for row in needed]),
        "support_exponent": rates.estimate_from_fits([rates.fit_scaling(QUALITY_SIZES, row) for row in support]),
        "needed_over_linear": rates.estimate_from_values((needed / ((np.array(QUALITY_SIZES) + 1.0)
                                                                    / VIOLATION_TARGET)).max(axis=1), summary="max",
                                                         method="N(0.1) / ((n + 1) / 0.1), worst n"),
    }


# -- theorem domains (searched by `theorylab explore`) ------------------------------------------------------
# The programs are convex for every beta > 0 and any 0/1 patterns (Pilanci & Ergen 2020, Thm 1), and
# ADMM converges for every rho > 0 (Boyd et al. 2011, sec. 3.2; the paper's Alg. 1 is that splitting).
# Every range below stays within a point's cost at the quick profile; the assumptions carry what the
# claim's measurement needs (horizon, sizes) apart from the theorem's own.
CONVEX = "Pilanci & Ergen 2020 (ICML), Thm 1: convex for any beta > 0, patterns D_i = diag(1[X h >= 0])"
C1_DOMAIN = Domain("relu_admm_gap", {
    "n": Range(60, 200, integer=True), "features": Range(3, 8, integer=True),
    "samples": Range(6, 20, integer=True), "beta": Range(0.5, 2.0, log=True)},
    [Assume(lambda c: c["beta"] > 0, "beta > 0 (strictly convex group penalty)", CONVEX),
     Assume(lambda c: c["iterations"] >= 4000 and all(r > 0 for r in c["rho_grid"]),
            "rho > 0, K >= 4000 iterations (the 1e-4 target is the issue's, reached in K only for beta ~ 1)",
            "Boyd et al. 2011 sec. 3.2 (any rho > 0); C1 rationale (beta = 0.1 needs more iterations)")])
C2_DOMAIN = Domain("relu_admm_rate", {
    "n": Range(60, 150, integer=True), "features": Range(2, 5, integer=True),
    "samples": Range(4, 12, integer=True), "beta": Range(0.5, 2.0, log=True), "rho": Choice(3.0, 1.0, 10.0)},
    [Assume(lambda c: c["rho"] > 0 and c["gamma"] == 1.0, "fixed rho > 0, unit dual step",
            "abstract (linear global convergence of Alg. 1); Hong & Luo 2017 [INFERRED]"),
     Assume(lambda c: c["iterations"] >= 300000 and c["stop_relative"] <= 1e-12,
            "run until r_k/r_1 <= 1e-13 (cap 3e5 iterations)", "measurement")])
C3_DOMAIN = Domain("relu_iteration_cost", {
    "features": Range(3, 6, integer=True), "kappa": Choice(10, 20), "rho": Range(3.0, 30.0, log=True)},
    [Assume(lambda c: c["kappa"] >= 1, "P = n / kappa = O(n)", "abstract (quadratic time per iteration); "
            "P = O(n) regime [INFERRED], card C3")])
C4_DOMAIN = Domain("relu_exact_2d", {
    "n": Range(20, 60, integer=True), "noise": Range(0.0, 0.2), "beta": Range(0.02, 0.2, log=True)},
    [Assume(lambda c: c["beta"] > 0, "beta > 0; all patterns of X in R^2 (2n by the angular sweep)", CONVEX),
     Assume(lambda c: max(c["sample_sizes"]) <= 2 * c["n"], "nested sampled sets no larger than 2n raw samples",
            "measurement")])
C5_DOMAIN = Domain("relu_adversarial", {
    "features": Range(8, 16, integer=True), "epsilon": Choice(0.05, 0.025, 0.075), "gap": Range(0.1, 0.3)},
    [Assume(lambda c: c["epsilon"] in c["attack_grid"], "attack radius = training radius (l_inf)",
            "abstract (robust convex formulations); robust program [INFERRED], card 3.5"),
     Assume(lambda c: c["robust_cones"], "fully robust cone constraints", "card 3.5 [INFERRED]")])
C6_DOMAIN = Domain("relu_scp_violation", {
    "n": Range(30, 80, integer=True), "features": Range(3, 6, integer=True), "beta": Range(0.05, 0.2, log=True)},
    [Assume(lambda c: min(c["neurons"]) >= 1, "N i.i.d. neurons from a rotation-invariant law",
            "Calafiore & Campi 2006 (scenario approach); SCP link [INFERRED], card 3.4")])
C7_DOMAIN = Domain("relu_early_accuracy", {
    "n_train": Range(200, 400, integer=True), "curvature": Range(0.3, 0.7), "samples": Range(10, 30, integer=True),
    "features": Range(8, 16, integer=True)},
    [Assume(lambda c: c["max_early"] == 5 and c["rho"] > 0, "k <= 5 iterations of Alg. 1 at a fixed rho",
            "abstract ('high prediction accuracy after the first few iterations'); card C7")])
C8_DOMAIN = Domain("relu_gated_gap", {
    "n": Range(30, 100, integer=True), "features": Range(2, 6, integer=True),
    "samples": Range(5, 15, integer=True), "beta": Range(0.25, 1.0, log=True)},
    [Assume(lambda c: c["beta"] > 0, "beta > 0; same patterns for both programs",
            "Mishkin, Sahiner, Pilanci 2022 (ICML), gated relaxation")])
C9_DOMAIN = Domain("relu_robust_certificate", {
    "n_train": Range(30, 100, integer=True), "features": Range(3, 8, integer=True),
    "samples": Range(5, 15, integer=True), "epsilon": Range(0.02, 0.1), "beta": Range(0.005, 0.05, log=True)},
    [Assume(lambda c: c["epsilon"] > 0, "l_inf ball of radius epsilon, hinge loss, robust cones",
            "robust program of section 4 [INFERRED, card 3.5]")])

C10_DOMAIN = Domain("relu_sampled_quality", {
    "n": Range(100, 160, integer=True), "noise": Range(0.0, 0.2), "beta": Range(0.5, 2.0, log=True)},
    [Assume(lambda c: c["beta"] > 0, "beta > 0; all patterns of X in R^2 known (2n arcs)", CONVEX),
     Assume(lambda c: max(c["sample_sizes"]) <= 0.8 * c["n"], "N <= 0.8 n raw samples (most of the 2n patterns unseen)",
            "scenario bound support/(N+1) (Calafiore & Campi 2006) is for N << pattern count; near full "
            "coverage the violation drops to 0 faster than 1/N (explored: n = 86, N = 80 gave slope -1.48)")])
C11_DOMAIN = Domain("relu_sampled_quality", {
    "noise": Range(0.0, 0.2), "beta": Range(0.7, 1.5, log=True)},
    [Assume(lambda c: c["beta"] > 0, "beta > 0; all patterns of X in R^2 known (2n arcs)", CONVEX)])


CLAIMS = [
    Claim(
        paper=PAPER.slug, id="C1", domain=C1_DOMAIN, figures=("admm_convergence",),
        statement="ADMM reaches the optimum of the same (sampled) convex program that cvxpy/Clarabel solves.",
        source="abstract (ADMM solves the exact and approximate programs); card C1; Alg. 1 as restated in "
               "zachary-shah/admmNN (writing/ADMM_NN_Paper.pdf) [3P]",
        measure=measure_c1,
        predicted=[Bound(upper=-4.0, label="log10 final relative gap"),
                   Bound(upper=-3.0, on="log10_final_infeasibility", label="log10 cone violation of u^K")],
        controls=[Bound(upper=-4.0, on="log10_gap_to_gated", label="log10 gap to the gated-ReLU optimum",
                        rival="Mishkin, Sahiner, Pilanci 2022 (ICML): the gated-ReLU relaxation, the same "
                              "program without the cone constraints that the ADMM splitting enforces"),
                  Bound(upper=-4.0, on="log10_early_gap", label="log10 gap of a run stopped at k = 50")],
        rationale="Synthetic teacher regression (n=100, 5 features + bias, unit-norm columns, y standardized; the "
                  "card's diabetes data replaced to avoid scikit-learn), 12 sampled patterns, beta=1, K=4000. "
                  "rho is picked per seed from {1,3,10,30} by ADMM's own residuals (select_rho), never by p* (the "
                  "gap the claim tests is not what selects). Median over 3 seeds of log10 |f(u^K)-p*|/p*; -4 is the "
                  "issue's 1e-4 target. Gaps are read in log10 because they spread over decades across seeds "
                  "(linear intervals would be dominated by the worst seed). Nearest rival: ADMM's limit is the "
                  "optimum of the gated relaxation (what a splitting that leaves the cone constraints inert would "
                  "find); ADMM ends 0.5-1.1 (relative) away from that optimum (log10 -0.29..+0.03), so it is rejected. The k=50 control shows the bound is not met "
                  "trivially. At beta=0.1 ADMM is slower (one seed in six still at 1.4e-4 after 6000 iterations in "
                  "development), so beta=1 is used (domain of this check: beta ~ 1, n ~ 100).",
    ),
    Claim(
        paper=PAPER.slug, id="C2", domain=C2_DOMAIN, figures=("admm_convergence",),
        statement="ADMM converges linearly: the residual r_pri + r_dual decays geometrically.",
        source="abstract (linear global convergence); card C2; basis likely Hong & Luo 2017 [INFERRED]",
        measure=measure_c2,
        predicted=[Bound(upper=1.5, on="log10_iteration_ratio", label="log10 k(1e-12)/k(1e-6)"),
                   Bound(lower=0.95, on="r_squared", label="R^2 of the log-linear fit"),
                   Bound(lower=1.0, on="reached_1e-12", label="fraction of seeds reaching 1e-12")],
        controls=[Bound(lower=3.0, upper=12.0, on="log10_iteration_ratio",
                        label="sublinear O(k^-p), 1/2 <= p <= 2: log10 k(1e-12)/k(1e-6) = 6/p",
                        rival="He & Yuan 2012 (SIAM J. Numer. Anal.): O(1/k) ergodic rate of ADMM for general "
                              "convex problems; O(1/k^2) for accelerated ADMM, Goldstein et al. 2014 (SIAM J. Imaging "
                              "Sci.)")],
        rationale="Card C2 instance (n=100, 3 Gaussian features + bias, ReLU teacher, unit-norm columns, 8 sampled "
                  "patterns, beta=1, gamma=1, K=10^4, residual at each of the first 200 iterations then every 10th). "
                  "rho is FIXED at 3 for every seed (the ADMMConfig default, which predates this check; issue 13/20: "
                  "choosing rho per seed by the residual the claim then tests was circular). In development "
                  "(8 seeds x rho in {1,3,10,30}) rho=3 and rho=10 reached 1e-10 on every seed, rho=1 and rho=30 did "
                  "not on 2 and 4 seeds: the claim is for a fixed reasonable rho, not every rho. Window: where r_k/r_1 "
                  "falls from 1e-6 to 1e-12 (above the round-off floor ~1e-16). It was 1e-4..1e-10; with the fixed "
                  "rho one seed (of 12 checked) still had active-set plateaus at 5e-5 and 3e-5 inside that window "
                  "(R^2 0.41), and ADMM's linear rate is a local one, after the active set settles, so the window was "
                  "moved two decades down (all 12 seeds: R^2 >= 0.99). The rate is data dependent and not given by "
                  "the paper, so the prediction is the card's contraction bound q <= 0.9995 with a straight "
                  "log-linear line (R^2) and every seed reaching 1e-12. Nearest rival: a sublinear rate k^-p: going "
                  "from 1e-6 to 1e-12 takes 10^(6/p) times the iterations, so log10 k(1e-12)/k(1e-6) >= 3 for any "
                  "p <= 2; geometric decay needs a bounded factor (measured 0.05-0.49 in log10, 12 seeds). Median "
                  "and 95% interval over 6 seeds (quick). EXPLORED (issue 15): at n=60, 3 features, 4 samples, "
                  "beta=1 one seed in six was still at 2.5e-5 after 10^4 iterations; run on, it is linear with "
                  "q = 0.99991 (1e-8 at 10^5, 8e-16 at 3e5; rho = 10: 1e-15 at 10^5), i.e. linear but with a "
                  "constant far from the card's 0.9995, which the paper never states. So the horizon is no longer "
                  "fixed: each run stops on ADMM's own residuals at 1e-13 relative (or 3e5 iterations), and the "
                  "per-iteration ln q (the card's q <= 0.9995, instance-tuned) is reported, not asserted; the "
                  "claim asserts what 'linear' means regardless of the constant (a straight log-linear segment, "
                  "every seed reaching 1e-12, a bounded 1e-6 -> 1e-12 iteration ratio).",
    ),
    Claim(
        paper=PAPER.slug, id="C3", domain=C3_DOMAIN, figures=("iteration_cost",),
        statement="ADMM's time per iteration on the approximate program grows like n^2 when P grows linearly "
                  "in n, while an interior-point method's time per Newton step on the same program grows like n^3.",
        source="abstract (quadratic per-iteration time; generic solvers cubic); P = O(n) regime [INFERRED], card C3",
        measure=measure_c3,
        predicted=[Scaling(2.0, tol=0.5, parameter="n", on="admm_wall_exponent"),
                   Bound(lower=2.5, on="newton_wall_exponent", label="Clarabel Newton-step wall exponent"),
                   Bound(upper=1.5, on="admm_wall_exponent_fixed_P", label="ADMM wall exponent at fixed P"),
                   Bound(upper=3.0, on="kernel_over_blas_at_max_n", label="kernel time / reference-loop time")],
        controls=[Scaling(3.0, tol=0.5, parameter="n", on="admm_wall_exponent",
                          rival="interior-point cost per iteration, (dP)^3 = O(n^3) for P = O(n) (the generic-solver "
                                "baseline of the abstract; e.g. Nesterov & Nemirovskii 1994), i.e. the two swapped"),
                  Scaling(2.0, tol=0.5, parameter="n", on="newton_wall_exponent")],
        rationale="Seconds per iteration of the Numba ADMM kernel (process CPU time, one thread: equal to wall time "
                  "on an idle machine but not inflated when a shared machine deschedules the process: under a load "
                  "average of 8 on 2 cores, the fastest of 7 wall-clock runs at n=800 was 6.6x its CPU time, at "
                  "n <= 200 equal, which made wall exponents 2.06-2.58 from run to run and explains the review's "
                  "'cubic' Numba path; CPU-time exponents 1.64-1.85); fastest of 7 timed "
                  "runs of 100 iterations after "
                  "a warm-up; factorization excluded, it is done once) and Clarabel's CPU seconds per interior-point "
                  "iteration on the same cvxpy-compiled program (difference of solve_time at max_iter 3 and 1, so "
                  "setup is excluded; for n <= 200, max_iter 5 and 1, best of 3), d=5 (4 features + bias), P=n/10 sampled patterns, n in "
                  "{100,200,400,800} (quick; Clarabel at 1600 takes seconds per step). Exponent = OLS log-log "
                  "slope per seed, median and 95% interval over seeds (quick 3, paper 5). Wall time replaces the kernel's own "
                  "multiply-add count (true by construction, reported as ops_exponent, not asserted). Bands "
                  "+-0.5 around 2 and 3 are the same width; a shared 2-core machine moves timings by tens of "
                  "percent. A second series at fixed P=20 must grow at most like n^1.5 (it is O(n d P) plus a "
                  "P-only (dP)^2 part, so sublinear over this range: measured 0.57). The "
                  "NumPy/BLAS loop's exponent is reported (not asserted). Domain: n <= 800 here; at n=1600, "
                  "P=160 the kernel's working set (L and the 2P x n arrays S, Nu) leaves the cache; the kernel now "
                  "reads only L in both triangular solves and keeps G u as one row (see _kernels), but sizes above "
                  "800 are not checked here. The kernel's time per iteration "
                  "must also stay within 3x of an independent vectorized NumPy/BLAS loop of the same iteration at "
                  "the largest n (measured 0.29x in CPU time): an exponent over n <= 800 cannot see a factorization "
                  "redone every iteration (BLAS does it fast and per-call overhead flattens the small sizes; the "
                  "refactor mutant measured 2.15 in wall time), the time ratio does. Separation from the cubic "
                  "rival: the ADMM exponent's interval is ~0.03 wide, far from 2.5.",
    ),
    Claim(
        paper=PAPER.slug, id="C4", domain=C4_DOMAIN, figures=("exact_2d",),
        statement="With all patterns (2-D), the mapped net attains the convex optimum and no Adam run goes below it; "
                  "sampled optima lie above it and do not increase as patterns are added.",
        source="Pilanci & Ergen 2020 (exact program); card C4",
        measure=measure_c4,
        predicted=[Bound(upper=1e-6, on="mapped_rel_err", label="mapped net vs p*"),
                   Bound(lower=-1e-6, on="adam_minus_exact", label="Adam / p*_exact - 1"),
                   Bound(lower=-1e-8, on="sampled_minus_exact", label="p*_s / p*_exact - 1"),
                   Bound(upper=1e-8, on="sampled_increase", label="increase along nested sets / p*")],
        controls=[Bound(upper=1e-6, on="gated_map_rel_err", label="net mapped from the gated solution vs p*_gated"),
                  Bound(lower=-1e-6, on="adam_minus_fewest_sampled", label="Adam / p*_s(fewest) - 1",
                        rival="the sampled (approximate) program as a global lower bound (Pilanci & Ergen 2020, ICML, "
                              "sampling heuristic; the card's 3.2): a handful of sampled patterns would already do")],
        rationale="n=40 Gaussian points in R^2 (no bias), y = sin(2x_1) + max(0,x_2) + 0.05 noise, beta=0.05; all "
                  "2n patterns by the angular sweep; nested sampled sets are prefixes of one Gaussian draw (5..40 "
                  "raw samples); Adam (lr 1e-2, full batch) from 2 inits x widths {30,60}. Worst case over seeds for "
                  "each inequality. Tolerances are solver accuracy (Clarabel at 1e-10) not slack. Controls show the "
                  "checks have power: the gated solution (no cone constraints) mapped the same way does not reproduce "
                  "its objective, and Adam does go below a sampled optimum with few patterns (only the exact program "
                  "is a global lower bound).",
    ),
    Claim(
        paper=PAPER.slug, id="C5", domain=C5_DOMAIN, figures=("adversarial_accuracy",),
        statement="On data that needs a nonlinear model, convex adversarial training (the fully robust hinge "
                  "program) raises PGD accuracy over standard convex training, but is not noticeably more robust "
                  "than an l_inf-robust linear classifier or PGD adversarial training of the same-width non-convex "
                  "network: both of those gains stay below 0.02.",
        source="abstract (robust convex formulations); ACC predecessor's abstract (arXiv 2105.12237: 'noticeably "
               "better adversarial robustness and performance than' FGSM/PGD training); robust program [INFERRED], "
               "card C5",
        against_paper="convex adversarial training gives noticeably better adversarial robustness than PGD "
                      "adversarial training (ACC predecessor's abstract); the rivals below are that statement",
        measure=measure_c5,
        predicted=[Bound(lower=0.0025, on="robust_gain",
                         label="PGD accuracy gain over standard training, at least one of 400 test points"),
                   Bound(upper=0.02, on="gain_over_robust_linear", label="gain over the robust linear classifier"),
                   Bound(upper=0.02, on="gain_over_pgd_training", label="gain over PGD adversarial training"),
                   Bound(upper=0.01, on="pgd_minus_fgsm", label="PGD no weaker than FGSM")],
        controls=[Bound(lower=0.02, on="gain_over_pgd_training", label="noticeably more robust than PGD training",
                        rival="the paper's own statement (ACC predecessor's abstract): noticeably better robustness "
                              "than PGD adversarial training of the non-convex net (Madry et al. 2018, ICLR)"),
                  Bound(lower=0.02, on="gain_over_robust_linear", label="noticeably more robust than a robust linear classifier",
                        rival="the paper's mechanism, a nonlinear robust model, should beat an l_inf-robust linear "
                              "hinge classifier (Goodfellow et al. 2015; Wong & Kolter 2018), which needs no hidden layer"),
                  Bound(upper=0.0, on="robust_gain", label="no robustness gain over standard training")],
        rationale="Synthetic stand-in for breast cancer: 16 min-max scaled features mixing 2 latent factors, "
                  "labels sign(z_1 + 0.2(z_2^2 - 1)) with a latent class gap 0.2, bias column never perturbed; "
                  "n_train=100, 400 test; 16 Gaussian pattern samples, hinge, beta=1e-2, fully robust cones, "
                  "eps_train = eps_attack = 0.05 (l_inf). PGD: 30 sign steps of eps/4 from a random start, box "
                  "[0,1], worst iterate kept; the linear rival is scored by the exact worst-case attack. Medians "
                  "over 3 splits (quick). Rivals added for issue 13/20: the l_inf-robust linear classifier at the "
                  "same epsilon and the standard program at beta=3. EXPECTED NOT TO AGREE: on this data the robust "
                  "ReLU program is no more robust than the robust linear classifier (review: 0.901 vs 0.900, 6 "
                  "splits), so that rival is not rejected. A development run on data that needs a nonlinear model "
                  "(curvature 1.0, and an XOR rule z_1 z_2) showed why: the fully robust cones "
                  "(2D_i - I) X v_i >= eps ||v_i||_1 admit only patterns whose hyperplane clears every training "
                  "point by an l_inf margin, so the solution keeps 1-3 (near-)linear neurons and equals the robust "
                  "linear classifier's accuracy on every split (4/4, clean 0.79-0.80, attacked 0.70-0.73), while "
                  "the standard program at beta=1 reached attacked 0.61-0.70 at higher clean accuracy; on XOR "
                  "the robust program collapsed to the empty net. The PGD adversarial training baseline of the "
                  "same-width non-convex network (the paper's baseline) is the third rival: full-batch Adam, 500 "
                  "steps, each on a 7-step PGD attack of the training set, width 2P; in development (3 splits) it "
                  "reached PGD accuracy 0.877-0.885 at clean 0.98-1.00, against 0.853-0.875 for the robust convex "
                  "program (caveat: PGD may attack the non-convex net less well than the near-linear convex one). "
                  "RESTATED (lead, 2026-12-01): the paper-side laws (gain >= 0.02 over each rival) were not rejected "
                  "in favour of the paper: the measured gains sit at 0 (robust linear: per split 0-0.0025 but one "
                  "0.035) and below 0 (PGD training: -0.048 to +0.045), so the claim now states what is measured "
                  "and the paper's statement is its rival. With 3 or 6 splits the PGD-training interval straddled "
                  "0.02 (6 splits: [-0.025, 0.0225]); 9 splits settle it ([-0.033, 0.010]), hence 9 in the quick "
                  "profile. The gain over standard training is asserted only as positive (at least one test point in "
                  "400, the accuracy's resolution; 9 splits give [0.013, 0.13], one split -0.01): the old bound "
                  "0.05 is straddled, as is the old clean-drop bound 0.03 by [0, 0.04] (reported, not asserted). "
                  "The positive-gain law is what kills the radius-ignored mutant (gain exactly 0). Caveat: our robust program is inferred "
                  "(Sec. 4 unread); a reader holding the paper should check it against the paper's. Separation from the PGD-training "
                  "rival is only 0.24 (its interval spans 0.043 across splits against a 0.01 gap): rejected, but "
                  "not by a wide margin; the robust-linear rival is 7 interval widths away.",
    ),
    Claim(
        paper=PAPER.slug, id="C6", domain=C6_DOMAIN, figures=("scp_violation",),
        statement="SCP: after fitting the lasso on N sampled neurons, the fraction of fresh neurons that would "
                  "improve the fit is at most n/(N+1) and decays like 1/N.",
        source="abstract (SCP method, approximately globally optimal); scenario link and form [INFERRED], card 3.4, C6",
        measure=measure_c6,
        predicted=[PowerLaw(-1.0, tol=0.3), Bound(upper=1.0, on="mean_over_bound", label="violation / (n/(N+1))")],
        controls=[PowerLaw(-0.5, tol=0.3, rival="uniform-convergence (VC / Hoeffding) rate N^(-1/2) for the "
                                                        "violation probability of an empirical solution, e.g. Vapnik 1998; "
                                                        "scenario theory (Calafiore & Campi 2006) gives 1/N"),
                  PowerLaw(0.0, tol=0.3), PowerLaw(-2.0, tol=0.3)],
        rationale="Teacher data n=50 (4 features + bias), beta=0.1, N in {50,100,200,400} nested uniform neurons, "
                  "lasso by FISTA (warm-started), violation |lam^T max(0,Xu)| > beta(1+1e-5) on 20000 fresh "
                  "neurons, 5 seeds. Scenario theory bounds the expected violation by (support size)/(N+1) <= "
                  "n/(N+1); the support (active neurons, ~10-18 here) saturates, so the rate should fall like 1/N: "
                  "per-seed log-log slopes over the whole N range, tol 0.3 covers the development spread (per-seed "
                  "slopes -0.84..-1.20 over 5 seeds). The seed mean is compared with the bound at every N (worst N reported). "
                  "Nearest rival: a uniform-convergence N^(-1/2) rate, same +-0.3 band; extra controls: no decay and "
                  "1/N^2. Separation from the N^(-1/2) rival is below 1 (about 0.1): the two +-0.3 bands leave only "
                  "0.1 between -0.8 and -0.7 and the per-seed slopes spread over 0.35, so the rival is rejected "
                  "without a full interval width; 10 seeds gave the same interval, so more seeds do not help here "
                  "(a narrower rival band would be unfair to it). EXPLORED (issue 15): off this instance the "
                  "per-seed slopes spread over -0.71..-1.54 (the support still grows with N when n ~ N), so the "
                  "5-seed interval is inconclusive at 9 of 10 points; the n/(N+1) bound held at all of them.",
    ),
    Claim(
        paper=PAPER.slug, id="C7", domain=C7_DOMAIN,
        statement="Early ADMM iterates already classify well: the net mapped from v^k, k <= 5, has test accuracy "
                  "within 0.02 of (or above) the converged net's.",
        source="abstract (high prediction accuracy after the first few iterations); card C7",
        measure=measure_c7,
        predicted=[Bound(lower=-0.02, on="early_minus_converged", label="max_{k<=5} acc(v^k) - acc(v^K)"),
                   Bound(lower=-0.02, on="last_early_minus_converged", label="acc(v^5) - acc(v^K)")],
        controls=[Bound(lower=-0.02, on="zero_minus_converged", label="v^0 = 0 (empty net) within 0.02"),
                  Bound(lower=-0.02, on="linear_minus_converged", label="linear least-squares classifier within 0.02",
                        rival="the network-free baseline: a linear least-squares classifier on the same features "
                              "(what an early iterate would be if it had learned only the linear part)")],
        rationale="Card C7 settings on a synthetic stand-in for breast cancer (data.correlated_classification: 16 "
                  "noisy features of 2 latent factors, labels sign(z_1 + 0.5(z_2^2 - 1)), its defaults), n_train=300, "
                  "n_test=2000 (test noise of an accuracy difference ~0.005), features standardized on the train split "
                  "+ bias, unit-norm columns; squared loss on +-1 labels, 20 Gaussian patterns, beta=1, rho=10, from "
                  "zero. k <= 5 and 0.02 are the card's; the converged net is v^K, K=2000 (relative residual <= 2e-3; in "
                  "the paper profile its test accuracy matched the Clarabel optimum's within 0.002 on 20 seeds). "
                  "Median and 95% interval over seeds. Issue 13: with 8 seeds the interval [-0.026, +0.010] crossed "
                  "-0.02 (5/8 seeds >= -0.02); the seed-to-seed spread is real (per seed -0.043..+0.041), so the fix "
                  "is more seeds for the median's interval: quick 40 (measured -0.0075 [-0.018, +0.009]), paper 60. "
                  "The claim is about the typical seed, not every seed (about a third of seeds are below -0.02); "
                  "the fraction is reported. Fixed k=5 gives the same median (accuracy mostly rises over k=1..5, so "
                  "the max is not a test-set selection effect); k=1 alone is reported, not asserted. Controls: the "
                  "k=0 iterate (v^0 = 0, output 0 counted wrong: -0.87) and the nearest rival, a linear "
                  "least-squares classifier on the same features (-0.043 [-0.058, -0.030]): both rejected. "
                  "Separation from the linear rival stays below 1 (about 0.36): the rival's median sits only 0.023 "
                  "beyond the 0.02 tolerance, so an interval narrower than ~0.01 would need several hundred seeds; "
                  "rejected, but not by a full interval width. EXPLORED (issue 15): at curvature 0.3-0.5 with "
                  "8-12 features and n_train 200-250 the linear classifier is within 0.02 of the converged net, "
                  "so the rival is not rejected there (a finding, see docs/papers/convex_relu_admm.md).",
    ),
    Claim(
        paper=PAPER.slug, id="C8", domain=C8_DOMAIN,
        statement="The gated-ReLU relaxation's optimum is at most the ReLU program's on the same patterns.",
        source="Mishkin, Sahiner, Pilanci 2022 (ICML), 'Fast convex optimization for two-layer ReLU networks' "
               "(gated ReLU relaxation and its relation to the ReLU program); not a result of Bai et al.; card 3.3",
        measure=measure_c8,
        predicted=Bound(lower=-1e-8, label="min over seeds of (p*_relu - p*_gated) / p*_relu"),
        controls=[Bound(upper=-6.0, on="log10_relative_gap", label="log10 gap <= -6: relaxation tight",
                        rival="Mishkin, Sahiner, Pilanci 2022 (ICML): gated ReLU and ReLU training are equivalent "
                              "at beta = 0 (non-singular gates); the rival is that the relaxation stays tight at "
                              "beta > 0")],
        rationale="Random teacher data (n=50, 4 features + bias, unit-norm columns), 10 sampled patterns, beta=0.5, "
                  "squared and hinge loss, 4 seeds each; worst case over all 8 instances. -1e-8 is the solver "
                  "accuracy. Nearest rival: the relaxation is tight (median log10 gap <= -6, i.e. the equivalence "
                  "Mishkin et al. prove at beta = 0 carried over to beta = 0.5); it is rejected: the gated optimum is "
                  "strictly lower, 1e-1.6..1e-0.3 relative (median and 95% interval over the 8 instances, log10 "
                  "because the gaps spread over a decade). The claim is theirs, checked here because Bai et al. "
                  "build on the same programs.",
    ),
    Claim(
        paper=PAPER.slug, id="C9", domain=C9_DOMAIN,
        statement="The fully robust hinge program certifies its training points: no l_inf attack of radius epsilon "
                  "on a training point finds a hinge loss above that point's term in the program.",
        source="robust program of section 4 [INFERRED, card 3.5]: with robust cone constraints every activation "
               "pattern is fixed on the ball, so the net is linear there and the inner maximization is exact",
        measure=measure_c9,
        predicted=Bound(upper=1e-6, label="max over seeds and points of (PGD loss - term)"),
        controls=[Bound(lower=1.0, on="nominal_certified_fraction",
                        label="nominal cones certify every instance (fraction 1)",
                        rival="robustifying the loss alone with the nominal cones (card 3.5 heuristic; the "
                              "naive robust counterpart that ignores pattern switches)")],
        rationale="correlated_classification (6 features + bias, n=60), 10 Gaussian patterns, beta=1e-2, eps=0.05, "
                  "hinge; Clarabel at 1e-10. PGD: 50 sign steps of eps/4 from a random start, no box (the program "
                  "has none), worst iterate kept, on the net mapped with every non-zero block (rel_tol 0: dropping "
                  "blocks below 1e-6 of the largest left excesses up to 8e-6 in development, which is the mapping's "
                  "truncation, not the certificate). Worst case over 4 seeds (quick); 1e-6 is solver accuracy. In "
                  "development the excess was <= 3e-12 with robust cones and 1.1-4.2 with nominal cones (4 seeds). "
                  "Nearest rival: the nominal-cone variant also certifies (median log10 excess <= -6); rejected. "
                  "EXPLORED (issue 15): with eps <= 0.04, 3 features or 5 raw samples the nominal variant is also "
                  "exact on about half the seeds (no training point within eps of a pattern boundary), so the "
                  "median-based rival was inconclusive there. The rival is a universal statement (the nominal "
                  "program certifies every instance), refuted by one instance, so its control is now the fraction "
                  "of seeds the nominal program certifies (rival: 1); the median log10 excess is reported, not "
                  "asserted. The certificate itself held at every explored point.",
    ),
    Claim(
        paper=PAPER.slug, id="C10", domain=C10_DOMAIN, figures=("sampled_quality",),
        statement="The sampled convex program is nearly optimal for the exact one: in 2-D, at its optimum, the "
                  "probability that a fresh sampled activation pattern violates the exact program's dual "
                  "constraint falls like 1/N in the number N of sampled directions, below support/(N+1).",
        source="ACC predecessor (Bai, Gautam, Gai, Sojoudi 2021, arXiv:2105.12237): the sampled program is a "
               "scenario program; bound support/(N+1) from Calafiore & Campi 2006 [INFERRED, card 3.4]",
        measure=measure_c10,
        predicted=[PowerLaw(-1.0, tol=0.3), Bound(upper=1.0, on="mean_over_bound",
                                                  label="violation / (support/(N+1))")],
        controls=[PowerLaw(-0.5, tol=0.3, rival="uniform-convergence (VC / Hoeffding) rate N^(-1/2) for the "
                                                 "violation probability of an empirical solution (Vapnik 1998)"),
                  PowerLaw(0.0, tol=0.3, rival="sampling does not help: a fixed share of unseen patterns stays "
                                               "violated (the sampled program is only an upper bound)")],
        rationale="Planar regression (data.planar_regression: x ~ N(0, I_2), no bias column, y = sin(2 x_1) + max(0, x_2) "
                  "+ 0.05 N(0,1)), n=100, squared loss, beta=1, Clarabel at 1e-10. All 2n = 200 patterns are the arcs "
                  "of constant pattern (sampled.arcs_2d); the dual value of each arc, max over its sector of "
                  "|r^T D_j X u|, ||u|| <= 1, is exact in 2-D (sampled.sector_max), violation above beta(1+1e-4). "
                  "The measured quantity is the probability that a fresh Gaussian direction's pattern violates "
                  "(arc-length share of violating arcs), averaged over 6 independent pattern draws per instance, "
                  "each solved at nested prefixes N in {10, 20, 40, 80} raw directions (5-58 distinct patterns). "
                  "Per-seed log-log slopes over the whole window N = 10..80, 5 seeds (quick): -1.04 [-1.28, -0.89]. "
                  "Scenario theory bounds the expected violation by support/(N+1); the support (active neurons, "
                  "~5 here) saturates, so 1/N; the seed mean stays below support/(N+1) at every N (worst ratio "
                  "0.96). The share of the enumerated patterns NOT in the sample that violate (the issue's "
                  "wording) is reported as fraction_exponent, not asserted: it falls more slowly (about N^-0.77) "
                  "because the patterns left unseen at large N are the short arcs, so it is not the probability "
                  "of a fresh sampled pattern. Nearest rival: the uniform-convergence N^(-1/2) rate, same +-0.3 "
                  "band (as C6); separation from it is only about 0.24: the bands leave 0.1 between -0.8 and -0.7 "
                  "and the per-seed slopes spread over 0.4 (instance to instance), so it is rejected without a full "
                  "interval width. The no-decay rival (exponent 0) is 1.5 widths away. Quick cost about 5 s "
                  "(120 small Clarabel solves); the runs are C11's n = 100 point. EXPLORED: first domain n in [60, 140] "
                  "with N <= n: 3 of 5 agreed; at n = 86, beta = 2 one seed's slope was -1.48 (N = 80 covers most "
                  "of the 172 arcs, so the violation drops to 0 faster than 1/N: the scenario rate is for N well "
                  "below the pattern count, now an assumption N <= 0.8 n, n in [100, 160]); at n = 95, beta = 0.85 "
                  "the interval reached -1.305 and the seed-mean ratio to support/(N+1) was 1.09 (an expectation "
                  "bound read through a 5-seed mean). New domain: 5 of 5 agree.",
    ),
    Claim(
        paper=PAPER.slug, id="C11", domain=C11_DOMAIN, figures=("sampled_quality",),
        statement="The number of sampled directions needed for a fresh-pattern violation probability of 0.1 "
                  "grows at most linearly in n (a sample of linear size suffices), more slowly than seeing every "
                  "pattern would need.",
        source="ACC predecessor (arXiv:2105.12237): a sample of size linear in n suffices [INFERRED from its "
               "abstract]; scenario bound (n+1)/epsilon (support <= n+1)",
        measure=measure_c11,
        predicted=[Bound(upper=1.0, on="needed_exponent", label="exponent of N(0.1) in n, at most 1"),
                   Bound(upper=1.0, on="needed_over_linear", label="N(0.1) / ((n+1)/0.1)")],
        controls=[Bound(lower=1.0, on="needed_exponent",
                        label="exponent >= 1: every pattern must be seen",
                        rival="exact enumeration (Pilanci & Ergen 2020): the sampled program is only good once "
                              "it has seen the 2n patterns of 2-D data, so N grows at least like 2n"),
                  Scaling(2.0, tol=0.3, parameter="n", on="needed_exponent")],
        rationale="Same experiment as C10 at n in {25, 50, 100, 200} (5 seeds, 6 draws, N in {10, 20, 40, 80}); N(0.1) is "
                  "the raw sample count at which the draw-averaged violation probability crosses 0.1 (log-log "
                  "interpolation between the bracketing N), and its exponent in n is fitted per seed (OLS over the "
                  "4 sizes): 0.45 [0.20, 0.69]. N(0.1) is at most 0.11 of the scenario worst case (n+1)/0.1 "
                  "(support <= n+1) at every n. Nearest rival: the sampled program needs the exact enumeration, N "
                  "at least proportional to the 2n patterns (exponent >= 1): rejected, separation about 0.65 (< 1: "
                  "the per-seed exponents spread over 0.48 because each n is a fresh instance; rejected, but not "
                  "by a full width). FINDING: the issue (and this brief) read the ACC predecessor as 'the N needed "
                  "grows like n'; measured it grows more slowly and flattens (N(0.1) ~ 22, 39, 41, 54 for n = 25, "
                  "50, 100, 200, seed medians): on a fixed target function the support saturates (seed medians 5-6.5 neurons), so "
                  "'linear' is an upper bound, not the rate. The exponent-0 hypothesis (a fixed N suffices) is "
                  "therefore NOT rejected at these sizes (interval overlaps its band [-0.3, 0.3]) and the claim "
                  "does not assert growth; exponent 1 +- 0.3 is only just excluded (upper end 0.69). Quick cost "
                  "about 13 s beyond C10's runs.",
    ),
]


# ----------------------------------------------------------------------------------- C12-C14 (ADMM-RBCD, Alg. 2)
RBCD_COST_SIZES = relu_rbcd.RBCD_COST_SIZES
RBCD_SOURCE = ("Alg. 2 (ADMM-RBCD) as restated by Feng, Shah, Abraham, github zachary-shah/admmNN, "
               "writing/ADMM_NN_Paper.pdf, sec. 2.2 [3P]; abstract (ADMM-RBCD extends ADMM to other losses)")


def measure_c12(ctx) -> dict[str, Estimate]:
    traces = ctx.runs("relu_rbcd_gap")
    final = [tr.scalars["final_gap"] for tr in traces]
    infeasible = [tr.scalars["final_infeasibility"] for tr in traces]
    rival = [tr.scalars.get("rival_final_gap", math.nan) for tr in traces]
    at_budget = [tr.scalars.get("gap_at_rival_budget", math.nan) for tr in traces]
    return {
        "log10_final_gap": rates.estimate_from_values(_log10(final), method="log10 |f(u^K) - p*| / p*, ADMM-RBCD "
                                                      "stopped by its own residuals (BCE)"),
        "log10_final_infeasibility": rates.estimate_from_values(_log10(infeasible), method="log10 max cone "
                                                                "violation of u^K"),
        "log10_rival_gap": rates.estimate_from_values(_log10(rival), method="log10 (min_k F_mu(u_k) - p*) / p*, "
                                                      "block subgradient, budget of 2000 ADMM-RBCD iterations, best "
                                                      "step of the grid"),
        "log10_rival_over_rbcd": rates.estimate_from_values(
            _log10(rival) - _log10(np.maximum(at_budget, 1e-16)),
            method="log10 (rival gap / ADMM-RBCD gap), both after the same block-gradient budget"),
    }


def measure_c13(ctx) -> dict[str, Estimate]:
    sizes = RBCD_COST_SIZES[ctx.profile]
    runs = ctx.run_many([("relu_rbcd_cost", {"n": n}) for n in sizes])
    seeds = range(len(runs[0]))

    def exponent(read):
        values = [[read(runs[i][s]) for i in range(len(sizes))] for s in seeds]
        if not np.all(np.isfinite(values)):
            return rates.estimate_from_values([math.nan], method="scaling exponent (not measured)")
        return rates.estimate_from_fits([rates.fit_scaling(sizes, row) for row in values])

    return {
        "block_exponent": exponent(lambda tr: tr["block_seconds"][0]),
        "ustep_exponent": exponent(lambda tr: tr["ustep_seconds"][0]),
        "pass_exponent": exponent(lambda tr: tr["pass_seconds"][0]),
        "trials_per_step": rates.estimate_from_values([tr.scalars["trials_per_step"] for per_n in runs for tr in per_n],
                                                      method="line-search trials per block step (all n)"),
    }


def measure_c14(ctx) -> dict[str, Estimate]:
    traces = ctx.runs("relu_rbcd_squared")
    return {
        "log10_iterate_distance": rates.estimate_from_values(
            _log10([max(tr.scalars["iterate_distance"], 1e-16) for tr in traces]),
            method="log10 ||v_RBCD^K - v_Alg1^K|| / ||v_Alg1^K||, squared loss"),
        "log10_objective_difference": rates.estimate_from_values(
            _log10([max(tr.scalars["objective_difference"], 1e-16) for tr in traces]),
            method="log10 |f(u_RBCD^K) - f(u_Alg1^K)| / p*, squared loss"),
        "log10_rbcd_gap": rates.estimate_from_values(_log10([tr.scalars["rbcd_gap"] for tr in traces]),
                                                     method="log10 |f - p*| / p*, ADMM-RBCD, squared loss"),
        "log10_coarse_distance": rates.estimate_from_values(
            _log10([tr.scalars["coarse_distance"] for tr in traces]),
            method="log10 ||v^K - v_Alg1^K|| / ||v_Alg1^K|| with the coarse pass count"),
    }


BCE_CONVEX = "Pilanci & Ergen 2020 (ICML), Thm 1 (any convex loss); BCE as in the authors' cvxpy script"
C12_DOMAIN = Domain("relu_rbcd_gap", {
    "n": Range(60, 160, integer=True), "features": Range(3, 6, integer=True),
    "samples": Range(6, 12, integer=True), "beta": Range(0.2, 0.6, log=True)},
    [Assume(lambda c: c["beta"] > 0 and c["rho"] > 0, "beta > 0, fixed rho > 0, labels in {0, 1}", BCE_CONVEX),
     Assume(lambda c: c["passes"] >= 2 and 0 < c["stop_relative"] <= 1e-6 and c["iterations"] >= 20000,
            ">= 2 RBCD passes per u-step; run until r_pri + r_dual <= 1e-6 of its first value (cap >= 2e4)",
            "C12 rationale (horizon; active-set plateaus as in C2)")])
C13_DOMAIN = Domain("relu_rbcd_cost", {
    "features": Range(3, 8, integer=True), "kappa": Choice(10, 20), "rho": Range(0.3, 3.0, log=True)},
    [Assume(lambda c: c["kappa"] >= 1, "P = n / kappa = O(n)", "abstract (quadratic time); P = O(n) [INFERRED], "
            "card C3")])
C14_DOMAIN = Domain("relu_rbcd_squared", {
    "n": Range(60, 160, integer=True), "features": Range(3, 6, integer=True),
    "samples": Range(6, 12, integer=True), "beta": Range(0.5, 2.0, log=True)},
    [Assume(lambda c: c["passes"] >= 10 and c["stop_relative"] <= 1e-8 and c["iterations"] >= 10000,
            "enough RBCD passes per u-step (>= 10), both runs to residual 1e-8 (cap >= 1e4)",
            "C14 rationale; inexact ADMM needs accurate u-steps (Eckstein & Bertsekas 1992)")])

CLAIMS.extend([
    Claim(
        paper=PAPER.slug, id="C12", domain=C12_DOMAIN, figures=("rbcd_gap",),
        statement="ADMM-RBCD (ADMM whose u-step is a few passes of randomized block coordinate descent with "
                  "backtracking) solves the sampled convex ReLU program with binary cross-entropy loss: stopped "
                  "by its own residuals, its relative gap to the Clarabel optimum is below 1e-3, and the same "
                  "number of block gradients spent on plain block subgradient steps leaves a gap at least 10x "
                  "larger.",
        source=RBCD_SOURCE,
        measure=measure_c12,
        predicted=[Bound(upper=-3.0, label="log10 final relative gap (BCE)"),
                   Bound(upper=-3.0, on="log10_final_infeasibility", label="log10 cone violation of u^K"),
                   Bound(lower=1.0, on="log10_rival_over_rbcd",
                         label="log10 (rival gap / ADMM-RBCD gap) at the same budget")],
        controls=[Bound(upper=-3.0, on="log10_rival_gap", label="rival reaches the same 1e-3",
                        rival="randomized block (sub)gradient descent on the exact-penalty objective (Nesterov 2012, "
                              "SIAM J. Optim., coordinate descent; Shor's subgradient method, O(1/sqrt(k))) with "
                              "the same number of block gradients")],
        rationale="Teacher data (data.teacher_regression: n=100, 4 Gaussian features + bias, unit-norm columns, "
                  "ReLU teacher), labels 1[y > median] in {0, 1}, 8 sampled patterns, beta = 0.3 (the zero net is "
                  "not optimal), BCE = sum log(1 + e^z) - y z on the logit. Reference: Clarabel on "
                  "programs.relu_problem(loss='bce') at 1e-10. ADMM-RBCD (theorylab/convex_relu/rbcd.py): rho = 1 "
                  "fixed, gamma = 1, 2 passes (4P block steps) per u-step, warm started, step t = 1, 1/2, ... "
                  "until Armijo (c = 1e-4) on the augmented Lagrangian in u. K: each run stops on ADMM's own "
                  "residuals, r_pri + r_dual <= 1e-6 of the first iteration's (cap 2e4; no p* is used). A first "
                  "version fixed K = 2000 (every development instance was <= 1e-4 there); EXPLORED, at n = 131-150 "
                  "with 9-10 patterns single seeds sat on an active-set plateau (gap 5.6e-4 .. 1.1e-3, cone "
                  "violation 1.2e-3 .. 3.9e-3, r_pri flat at 1.5e-3 for ~1e4 iterations, then 2e-10), the same "
                  "phenomenon as C2's; any fixed K is instance-tuned, hence the residual rule (runs end after "
                  "1.8e3-1.2e4 iterations in exploration, one at the then cap 3e4 with gap 2e-5; the cap is 2e4 so that mutants that never converge stay cheap). The gap is read at the primal iterate "
                  "u^K (not the group-sparse v), in log10 (spread over decades), median and interval over 5 seeds "
                  "(quick). Nearest rival: the same work without ADMM, randomized block subgradient descent on the "
                  "exact-penalty objective l(F u) + beta sum ||u_g|| + mu sum (-(G u)_+), mu = 1.5 x the largest "
                  "cone multiplier of Clarabel's solution (the penalty is then exact, F_mu >= p*; this hindsight "
                  "is given to the rival), step eta0 / sqrt(1 + pass), eta0 chosen per seed in hindsight from "
                  "{0.01, ..., 3}, best objective seen (checked every 10 iteration-equivalents), with the budget "
                  "of 2000 ADMM-RBCD iterations: 2000 x (passes + 1) x 2P block gradients (RBCD's steps plus one "
                  "pass for ADMM's G u per iteration; RBCD's line-search trials, O(n) each, are not charged). "
                  "The issue's form 'the rival stays above 1e-2' is instance-size dependent (at n = 60, 6 patterns "
                  "the rival reached 1.9e-3 on one seed, while ADMM-RBCD was at <= 3e-5), so the claim predicts "
                  "the comparison at equal budget: the rival's gap is at least 10x ADMM-RBCD's (log10 ratio >= 1; "
                  "measured about 3), and the control is the rival reaching the same 1e-3 (same band as the "
                  "prediction), which is rejected. Explored: 5 of 5 points agree (after the residual rule). "
                  "Quick cost about 15 s.",
    ),
    Claim(
        paper=PAPER.slug, id="C13", domain=C13_DOMAIN, figures=("rbcd_cost",),
        statement="One RBCD block update costs time linear in n, while the Cholesky u-step of Algorithm 1 costs "
                  "time quadratic in n when P grows linearly with n.",
        source=RBCD_SOURCE + "; abstract (quadratic per-iteration time); P = O(n) [INFERRED], card C3",
        measure=measure_c13,
        predicted=[Scaling(1.0, tol=0.3, parameter="n", on="block_exponent"),
                   Scaling(2.0, tol=0.3, parameter="n", on="ustep_exponent")],
        controls=[Scaling(2.0, tol=0.3, parameter="n", on="block_exponent",
                          rival="a block update as costly as the Cholesky u-step per iteration (e.g. the "
                                "prediction F u recomputed from all blocks, O(n d P) = O(n^2) for P = n/10), "
                                "i.e. no per-block saving")],
        rationale="Process CPU seconds (one thread; robust to a shared machine, see C3) per block step of ADMM-RBCD "
                  "on the BCE program (best of 5 runs of 500 random block steps from the same random ADMM state, "
                  "after a warm-up; Armijo trials included, about 2 per step) and per u-step of Algorithm 1 "
                  "(right-hand side G^T (s - nu) and the two triangular solves with the split factors of "
                  "admm.factor, best of 5 runs of 10; the one-off O((dP)^3 + n (dP)^2) factorization excluded and "
                  "reported), d = 5, P = n/10 (the paper's quadratic-time regime, as C3), n in {200, ..., 3200}. "
                  "A block step touches X once for the block's X u_g and X^T (...) and once for X grad (O(n d)), "
                  "the Cholesky u-step costs (dP)^2 + 2 n d P = O(n^2). Exponent = per-seed OLS log-log slope, "
                  "median and interval over 3 seeds; bands +-0.3 for both. The RBCD pass (2P block steps) exponent "
                  "is reported: it is about 2 too (a full pass is as costly as a Cholesky u-step at P = n/10; "
                  "what RBCD saves is the cubic factorization and the (dP)^2 memory). Nearest rival: exponent 2 for "
                  "the block update (no per-block saving); the mutant full_prediction (F u recomputed every step) "
                  "is that rival made concrete.",
    ),
    Claim(
        paper=PAPER.slug, id="C14", domain=C14_DOMAIN,
        statement="On the squared loss, ADMM-RBCD with enough inner passes reproduces Algorithm 1's iterate "
                  "(the two algorithms differ only in how the u-step is solved).",
        source=RBCD_SOURCE + "; Alg. 1 as restated there",
        measure=measure_c14,
        predicted=[Bound(upper=-4.0, on="log10_iterate_distance", label="log10 relative distance of v^K"),
                   Bound(upper=-5.0, on="log10_objective_difference",
                         label="log10 |f_RBCD - f_Alg1| / p* at K")],
        controls=[Bound(upper=-4.0, on="log10_coarse_distance", label="2 passes also reproduce Alg. 1",
                        rival="inexact ADMM converges whatever the inner accuracy (Eckstein & Bertsekas 1992 "
                              "require summable u-step errors; a fixed pass count does not give them)")],
        rationale="C1's instance family (teacher regression, n = 100, 4 features + bias, 8 sampled patterns, beta = 1, "
                  "rho = 3). Both algorithms run from zero until their own residuals r_pri + r_dual fall to 1e-8 of "
                  "the first iteration's (cap 10^4): ADMM-RBCD with 10 passes (20P block steps) per u-step and "
                  "Algorithm 1 with the exact Cholesky u-step; the final v iterates and objectives are compared. "
                  "The rival is ADMM-RBCD with 2 passes. The squared loss couples the blocks through F^T F (Hessian "
                  "up to ~ 2P lambda_max(X^T X) against rho), 4x more than BCE's (sigmoid' <= 1/4): with 2 passes "
                  "the inexact u-step keeps ADMM away from Algorithm 1's limit (distance 0.02-0.2, gap 4e-3 .. 0.24 "
                  "at the cap). A first version compared the two at a fixed K = 3000 and asserted the RBCD gap to p* "
                  "<= 1e-6: Algorithm 1 itself was at 2e-6 .. 3.5e-5 there on 2 of 5 seeds, and at a plateau "
                  "transition a small lag made the iterates differ by 3e-3 (explored, n = 131); both are now run to "
                  "convergence and the prediction is their agreement (v within 1e-4, objectives within 1e-5 of p*). "
                  "EXPLORED (first version): 4 of 5 agree; after the change, at n = 131, 10 patterns one seed in "
                  "five still differs: ADMM-RBCD with 10 passes stalls at gap 1.5e-2 after 10^4 iterations where "
                  "Algorithm 1 reaches 1e-5 (20 passes do reach it). A fixed inner pass count is an accuracy "
                  "assumption on the u-step that depends on the coupling of the instance, not a guarantee; the "
                  "paper states none. Median and interval over 5 seeds; quick cost about 25 s.",
    ),
])


# ----------------------------------------------------------------------------------- C15 (ADMM on the exact program)
def measure_c15(ctx) -> dict[str, Estimate]:
    traces = ctx.runs("relu_exact_admm")
    s = {key: np.array([tr.scalars[key] for tr in traces]) for key in traces[0].scalars}
    return {
        "log10_exact_gap": rates.estimate_from_values(_log10(np.abs(s["admm_rel"])), summary="max",
                                                      method="log10 |f(u) - p*| / p*, ADMM on all 2n patterns"),
        "log10_violation": rates.estimate_from_values(_log10(s["admm_violation"]), summary="max",
                                                      method="log10 max cone violation of ADMM's u"),
        "log10_mapped_rel_err": rates.estimate_from_values(_log10(s["mapped_rel_err"]), summary="max",
                                                           method="log10 |F(net mapped from ADMM's v) - p*| / p*"),
        "dual_excess": rates.estimate_from_values(s["dual_excess"], summary="max",
                                                  method="max over every arc of the dual constraint at ADMM's "
                                                         "point / beta - 1"),
        "sampled_dual_excess": rates.estimate_from_values(s["sampled_dual_excess"],
                                                          method="the same certificate at the sampled program's "
                                                                 "ADMM point"),
        "own_rule_met": rates.estimate_from_values(s["admm_converged"], summary="min",
                                                   method="1 if ADMM's own residual rule stopped the run"),
        "sampled_minus_exact": rates.estimate_from_values(s["sampled_admm_rel"], summary="min",
                                                          method="f(ADMM on the sampled program) / p* - 1"),
        "log10_sampled_gap": rates.estimate_from_values(_log10(s["sampled_admm_rel"]),
                                                        method="log10 (f(ADMM on the sampled program) - p*) / p*"),
        "log10_fixed_gap": rates.estimate_from_values(_log10(np.abs(s["fixed_rel"])),
                                                      method="log10 |f - p*| / p*, Algorithm 1 at fixed rho = 10, "
                                                             "2e4 iterations"),
    }


C15_DOMAIN = Domain("relu_exact_admm", {
    "n": Range(40, 80, integer=True), "noise": Range(0.0, 0.2), "beta": Range(0.02, 0.2, log=True)},
    [Assume(lambda c: c["beta"] > 0, "beta > 0; all patterns of X in R^2 (2n by the angular sweep)", CONVEX),
     Assume(lambda c: c["sample_directions"] <= c["n"], "the approximate program samples at most n directions "
            "(fewer than the 2n patterns)", "measurement (the rival's premise)")])

CLAIMS.append(Claim(
    paper=PAPER.slug, id="C15", domain=C15_DOMAIN, figures=("exact_admm",),
    statement="ADMM solves the exact program too: in 2-D with every pattern enumerated, ADMM stopped by its own "
              "residuals reaches the exact optimum (relative error <= 1e-6, cone violation <= 1e-6) and the net "
              "mapped from it attains p*; ADMM on a sampled pattern set stays above p*.",
    source="abstract (ADMM for both the exact and the approximate programs); Alg. 1 as restated in "
           "zachary-shah/admmNN [3P]; issue 20 (fidelity: ADMM on the exact program)",
    measure=measure_c15,
    predicted=[Bound(upper=-6.0, on="log10_exact_gap", label="log10 |f - p*| / p*, every seed"),
               Bound(upper=-6.0, on="log10_violation", label="log10 cone violation, every seed"),
               Bound(upper=-6.0, on="log10_mapped_rel_err", label="log10 mapped net vs p*, every seed"),
               Bound(upper=1e-6, on="dual_excess", label="dual certificate over all arcs, max / beta - 1"),
               Bound(lower=1.0, on="own_rule_met", label="the residual rule stopped every run"),
               Bound(lower=-1e-6, on="sampled_minus_exact", label="sampled ADMM / p* - 1, every seed")],
    controls=[Bound(upper=-6.0, on="log10_sampled_gap", label="log10 gap of ADMM on n sampled directions",
                    rival="the approximate (sampled) program as a stand-in for the exact one (the paper's own "
                          "quadratic-time route; Pilanci & Ergen 2020 sampling heuristic): ADMM on n sampled "
                          "directions would already reach p*"),
              Bound(upper=1e-6, on="sampled_dual_excess", label="dual certificate at the sampled program's point"),
              Bound(upper=-6.0, on="log10_fixed_gap", label="log10 gap of Algorithm 1 at fixed rho = 10, 2e4 its")],
    rationale="Planar regression as C4 (n=40, x ~ N(0, I_2), no bias, y = sin(2 x_1) + max(0, x_2) + 0.05 noise, "
              "beta=0.05), all 2n = 80 patterns by the angular sweep, p* by Clarabel at 1e-10. ADMM is the fast "
              "path (Algorithm 1's splitting with separate penalties on u = v and G u = s): the cone penalty is "
              "0.1 times the consensus penalty, residual balancing from rho = 10 (at most 50 changes), and the run "
              "stops on its own relative residuals at 1e-9 (Boyd et al. 2011, sec. 3.3.1); no polish and no "
              "reference optimum. 6 seeds (quick), worst case over seeds for every predicted law. Why these "
              "settings: the exact 2-D program is degenerate (many patterns carry the same fit, about twice as "
              "many blocks end non-zero as in Clarabel's solution), and at one shared penalty (ratio 1) or at "
              "the fixed default rho = 10 ADMM stalls: in development, 20,000 iterations of Algorithm 1 at rho = 10 "
              "left relative gaps 2e-4..8e-3 on 10 of 10 seeds, and ratio 1 with balancing left 3e-5 on one "
              "seed in six after 1e5 iterations; ratio 0.1 was chosen once on seeds 0-9 (every seed to <= 5e-9) "
              "and is fixed, not tuned per instance. Nearest rival: the sampled program with n raw directions "
              "(23-32 of the 80 patterns) is as good as the exact one; ADMM on it converges (same rule) to "
              "values 7e-5..2e-2 above p* (median about 1e-2), rejected. Global optimality is also certified "
              "without Clarabel: at ADMM's point the exact program's dual constraint max |r^T D_j X u| <= beta holds "
              "on every arc of constant pattern (exact in 2-D, sampled.dual_values) to 1e-6 (measured <= 7e-8), "
              "while "
              "at the sampled program's point it is exceeded by 50-120% (the certificate has power; it is what "
              "kills the half_sweep mutant, whose incomplete 'exact' program Clarabel and ADMM agree on). The fixed-rho Algorithm 1 control is an "
              "honest limitation of the plain method on this degenerate program, not a straw man: it is why the "
              "claim runs the balanced path. Quick cost about 11 s. EXPLORED (10 points, n 40-80, beta 0.02-0.2, noise "
              "0-0.2): 4 agree, 6 inconclusive, none disagrees: on one or two seeds of six ADMM stalls (its residual "
              "rule unmet after 2e5 iterations, cone violation up to 3e-5, gap up to 2e-6, dual excess up to 4e-5) at every penalty, ratio and balancing "
              "setting tried, and plain Algorithm 1 stalls there too: a finding about the method on degenerate "
              "exact programs (docs/papers/convex_relu_admm.md, C15), kept as a KNOWN_FINDING.",
))
