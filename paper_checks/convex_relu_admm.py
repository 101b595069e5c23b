"""Claims of Bai, Gautam and Sojoudi (2023): convex two-layer ReLU training by ADMM, and convex
adversarial training. Card: shared/papers/convex_relu_admm.md (the full text could not be read;
what goes beyond the abstract is marked [3P]/[INFERRED] there and in the sources below).

All cvxpy references use Clarabel with tol_gap_abs = tol_gap_rel = tol_feas = 1e-10.
Instances are synthetic (the card's scikit-learn data sets are replaced, see each rationale).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from theorylab import Bound, Claim, Close, Paper, PowerLaw, Scaling, rates
from theorylab.convex_relu import experiments as relu
from theorylab.rates import Estimate
from theorylab.trace import stack

PAPER = Paper(
    slug="convex_relu_admm",
    title="Efficient Global Optimization of Two-Layer ReLU Networks: Quadratic-Time Algorithms and "
          "Adversarial Training",
    citation="Y. Bai, T. Gautam, S. Sojoudi. SIAM J. Math. Data Science 5(2), 2023. arXiv:2201.01965",
    url="https://arxiv.org/abs/2201.01965",
    figures=relu.make_figures,
)

COST_SIZES, FIXED_PATTERNS = relu.COST_SIZES, relu.FIXED_PATTERNS


# ----------------------------------------------------------------------------------- C1
def measure_c1(ctx) -> dict[str, Estimate]:
    traces = ctx.runs("relu_admm_gap")
    final = [tr["gap"][-1] for tr in traces]
    early_at = 50
    early = [tr["gap"][np.searchsorted(tr.t, early_at)] for tr in traces]
    infeasible = [tr.scalars["final_infeasibility"] for tr in traces]
    return {
        "final_gap": rates.estimate_from_values(final, method="|f(u^K) - p*| / p* at the last iteration K"),
        "early_gap": rates.estimate_from_values(early, method=f"|f(u^k) - p*| / p* at k = {early_at}"),
        "final_infeasibility": rates.estimate_from_values(infeasible, method="max cone violation of u^K"),
    }


# ----------------------------------------------------------------------------------- C2
def _segment_fit(t: np.ndarray, residual: np.ndarray, hi: float = 1e-4, lo: float = 1e-10):
    relative = residual / residual[0]
    inside = (relative <= hi) & (relative >= lo)
    k = t[inside]
    line = stats.linregress(k, np.log(relative[inside]))
    loglog = rates.fit_power_law(t, relative, window=(k.min(), k.max()))
    return line.slope, line.rvalue ** 2, loglog.value, (float(k.min()), float(k.max())), bool(relative.min() <= lo)


def measure_c2(ctx) -> dict[str, Estimate]:
    slopes, r2, loglog, windows, reached = [], [], [], [], []
    for best in relu.best_rate_runs(ctx):
        slope, rsq, ll, window, hit = _segment_fit(best.t, best["residual"])
        slopes.append(slope), r2.append(rsq), loglog.append(ll), windows.append(window), reached.append(hit)
    window = (min(w[0] for w in windows), max(w[1] for w in windows))
    return {
        "log_rate": rates.estimate_from_values(slopes, window=window, method="slope of ln(r_k/r_1) on k where "
                                               "1e-10 <= r_k/r_1 <= 1e-4 (OLS), best rho per seed"),
        "r_squared": rates.estimate_from_values(r2, window=window, method="R^2 of that log-linear fit"),
        "loglog_slope": rates.estimate_from_values(loglog, window=window, method="log-log slope on the same segment"),
        "reached_1e-10": rates.estimate_from_values([float(np.mean(reached))],
                                                    method="fraction of seeds reaching r_k/r_1 <= 1e-10"),
    }


# ----------------------------------------------------------------------------------- C3
def measure_c3(ctx) -> dict[str, Estimate]:
    sizes = COST_SIZES[ctx.profile]
    runs = ctx.run_many([("relu_iteration_cost", {"n": n}) for n in sizes]
                        + [("relu_iteration_cost", {"n": n, "fixed_samples": FIXED_PATTERNS}) for n in sizes])
    linear, fixed = runs[:len(sizes)], runs[len(sizes):]
    out = {}
    for tag, runs in (("", linear), ("_fixed_P", fixed)):
        seeds = range(len(runs[0]))
        for metric, label in (("ops_per_iter", "ops"), ("seconds_per_iter", "wall")):
            fits = [rates.fit_scaling(sizes, [runs[i][s][metric][0] for i in range(len(sizes))]) for s in seeds]
            out[f"{label}_exponent{tag}"] = rates.estimate_from_fits(fits)
        blas = [rates.fit_scaling(sizes, [runs[i][s].scalars["blas_seconds_per_iter"] for i in range(len(sizes))])
                for s in seeds]
        out[f"blas_wall_exponent{tag}"] = rates.estimate_from_fits(blas)
    return out


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
    return {
        "robust_gain": rates.estimate_from_values([s["robust_pgd_at_eps"] - s["standard_pgd_at_eps"] for s in sc],
                                                  method="PGD accuracy (robust) - PGD accuracy (standard) at epsilon"),
        "clean_drop": rates.estimate_from_values([s["standard_clean"] - s["robust_clean"] for s in sc],
                                                 method="clean accuracy (standard) - clean accuracy (robust)"),
        "standard_attack_drop": rates.estimate_from_values([s["standard_clean"] - s["standard_pgd_at_eps"] for s in sc],
                                                           method="clean - PGD accuracy of the standard model"),
        "pgd_minus_fgsm": rates.estimate_from_values([max(s["robust_pgd_at_eps"] - s["robust_fgsm_at_eps"],
                                        s["standard_pgd_at_eps"] - s["standard_fgsm_at_eps"]) for s in sc],
                                   summary="max", method="PGD accuracy - FGSM accuracy (both models)"),
        "robust_neurons": rates.estimate_from_values([s["robust_neurons"] for s in sc], summary="min", method="active neurons (robust)"),
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
    return {"relative_gap": rates.estimate_from_values(gaps, summary="min", method="(p*_relu - p*_gated) / p*_relu, squared and hinge")}


CLAIMS = [
    Claim(
        paper=PAPER.slug, id="C1",
        statement="ADMM reaches the optimum of the same (sampled) convex program that cvxpy/Clarabel solves.",
        source="abstract (ADMM solves the exact and approximate programs); card C1, Alg. 3.1 [3P]",
        measure=measure_c1,
        predicted=[Bound(upper=1e-4, label="final relative gap"),
                   Bound(upper=1e-3, on="final_infeasibility", label="cone violation of u^K")],
        controls=[Bound(upper=1e-4, on="early_gap", label="relative gap of a run stopped at k = 50")],
        rationale="Synthetic teacher regression (n=100, 5 features + bias, unit-norm columns, y standardized; the "
                  "card's diabetes data replaced to avoid scikit-learn), 12 sampled patterns, beta=1, K=4000. "
                  "rho is picked per seed from {1,3,10,30} by ADMM's own residuals (select_rho), never by p*. "
                  "Median over 3 seeds of |f(u^K)-p*|/p*; 1e-4 is the issue's target. The control scores the same "
                  "runs at k=50 (measured 2e-3..3e-1), so the bound is not met trivially. At beta=0.1 ADMM is slower "
                  "(one seed in six still at 1.4e-4 after 6000 iterations in development), so beta=1 is used.",
    ),
    Claim(
        paper=PAPER.slug, id="C2",
        statement="ADMM converges linearly: the residual r_pri + r_dual decays geometrically.",
        source="abstract (linear global convergence); card C2; basis likely Hong & Luo 2017 [INFERRED]",
        measure=measure_c2,
        predicted=[Bound(upper=math.log(0.9995), label="ln q per iteration (q <= 0.9995)"),
                   Bound(lower=0.95, on="r_squared", label="R^2 of the log-linear fit"),
                   Bound(lower=1.0, on="reached_1e-10", label="fraction of seeds reaching 1e-10")],
        controls=[PowerLaw(-1.0, tol=0.5, on="loglog_slope"), PowerLaw(-2.0, tol=0.5, on="loglog_slope")],
        rationale="Card C2 instance (n=100, 3 Gaussian features + bias, ReLU teacher, unit-norm columns, 8 sampled "
                  "patterns, beta=1, gamma=1, K=10^4, residual at each of the first 200 iterations then every 10th), rho per seed from {1,3,10,30} by "
                  "select_rho (earliest to reach 1e-10). Window: where r_k/r_1 falls from 1e-4 to 1e-10 (past the "
                  "active-set transient, above round-off). The rate is data dependent and not given by the paper, so "
                  "the prediction is the card's contraction bound q <= 0.9995 with a straight log-linear line (R^2), "
                  "not a target rate (a Geometric law would need one). Controls: on the same segment an O(1/k) "
                  "(ergodic ADMM) or O(1/k^2) (accelerated) method has log-log slope -1 or -2; measured slopes are "
                  "-8 to -52 (10 seeds, paper profile). One paper-profile seed converges in ~30 iterations (q ~ 0.08).",
    ),
    Claim(
        paper=PAPER.slug, id="C3",
        statement="ADMM's per-iteration cost on the approximate program is quadratic in n when P grows linearly in n.",
        source="abstract (quadratic per-iteration time); P = O(n) regime [INFERRED], card C3",
        measure=measure_c3,
        predicted=[Scaling(2.0, tol=0.1, parameter="n", on="ops_exponent"),
                   Scaling(1.0, tol=0.1, parameter="n", on="ops_exponent_fixed_P")],
        controls=[Scaling(3.0, tol=0.1, parameter="n", on="ops_exponent"),
                  Scaling(1.0, tol=0.1, parameter="n", on="ops_exponent")],
        rationale="Multiply-adds counted by the Numba kernel per iteration (loop trip counts of the rhs, the two "
                  "d x d and dP x dP triangular solves, G u and the v/s/dual steps), d=5, P=n/10 sampled patterns "
                  "(after dedup), n in {200,400,800,1600} (quick); fixed P=20 as a second series. The count is "
                  "deterministic, so tol 0.1 only absorbs lower-order terms (d^2 P, dP). Control: cubic (an "
                  "interior-point Newton step) and linear. Wall-clock exponents of the Numba kernel and of a "
                  "vectorized NumPy/BLAS loop are reported beside it, not asserted (cache effects and a shared "
                  "2-core machine move them; the card measured 1.8-2.8).",
    ),
    Claim(
        paper=PAPER.slug, id="C4",
        statement="With all patterns (2-D), the mapped net attains the convex optimum and no Adam run goes below it; "
                  "sampled optima lie above it and do not increase as patterns are added.",
        source="Pilanci & Ergen 2020 (exact program); card C4",
        measure=measure_c4,
        predicted=[Bound(upper=1e-6, on="mapped_rel_err", label="mapped net vs p*"),
                   Bound(lower=-1e-6, on="adam_minus_exact", label="Adam / p*_exact - 1"),
                   Bound(lower=-1e-8, on="sampled_minus_exact", label="p*_s / p*_exact - 1"),
                   Bound(upper=1e-8, on="sampled_increase", label="increase along nested sets / p*")],
        controls=[Bound(upper=1e-6, on="gated_map_rel_err", label="net mapped from the gated solution vs p*_gated"),
                  Bound(lower=-1e-6, on="adam_minus_fewest_sampled", label="Adam / p*_s(fewest) - 1")],
        rationale="n=40 Gaussian points in R^2 (no bias), y = sin(2x_1) + max(0,x_2) + 0.05 noise, beta=0.05; all "
                  "2n patterns by the angular sweep; nested sampled sets are prefixes of one Gaussian draw (5..40 "
                  "raw samples); Adam (lr 1e-2, full batch) from 2 inits x widths {30,60}. Worst case over seeds for "
                  "each inequality. Tolerances are solver accuracy (Clarabel at 1e-10) not slack. Controls show the "
                  "checks have power: the gated solution (no cone constraints) mapped the same way does not reproduce "
                  "its objective, and Adam does go below a sampled optimum with few patterns (only the exact program "
                  "is a global lower bound).",
    ),
    Claim(
        paper=PAPER.slug, id="C5",
        statement="Convex adversarial training raises PGD robust accuracy at epsilon with clean accuracy roughly kept.",
        source="abstract (robust convex formulations); robust program [INFERRED], card C5",
        measure=measure_c5,
        predicted=[Bound(lower=0.05, label="PGD accuracy gain"),
                   Bound(upper=0.03, on="clean_drop", label="clean accuracy drop"),
                   Bound(upper=0.01, on="pgd_minus_fgsm", label="PGD no weaker than FGSM")],
        controls=[Bound(upper=0.0, on="robust_gain", label="no robustness gain"),
                  Close(0.0, atol=0.02, on="standard_attack_drop")],
        rationale="Synthetic stand-in for breast cancer: 16 min-max scaled features mixing 2 latent factors, "
                  "labels sign(z_1 + 0.2(z_2^2 - 1)) with a latent class gap 0.2, bias column never perturbed; "
                  "n_train=100, 400 test; 16 Gaussian pattern samples, hinge, beta=1e-2, fully robust cones, "
                  "eps_train = eps_attack = 0.05 (l_inf). PGD: 30 sign steps of eps/4 from a random start, box "
                  "[0,1], worst iterate kept. Medians over 3 splits (quick). Over 6 development splits the gain was "
                  "0.01-0.46 (median 0.10) and the clean drop -0.01-0.04 (median 0.014): the gain bound 0.05 is "
                  "half the typical gain, the clean bound is the card's 0.03. Controls: robust training gives no "
                  "gain, and the attack leaves the standard model intact (it does not: PGD costs it ~0.2).",
    ),
    Claim(
        paper=PAPER.slug, id="C6",
        statement="SCP: after fitting the lasso on N sampled neurons, the fraction of fresh neurons that would "
                  "improve the fit is at most n/(N+1) and decays like 1/N.",
        source="abstract (SCP method, approximately globally optimal); scenario link and form [INFERRED], card 3.4, C6",
        measure=measure_c6,
        predicted=[PowerLaw(-1.0, tol=0.3), Bound(upper=1.0, on="mean_over_bound", label="violation / (n/(N+1))")],
        controls=[PowerLaw(0.0, tol=0.3), PowerLaw(-2.0, tol=0.3)],
        rationale="Teacher data n=50 (4 features + bias), beta=0.1, N in {50,100,200,400} nested uniform neurons, "
                  "lasso by FISTA (warm-started), violation |lam^T max(0,Xu)| > beta(1+1e-5) on 20000 fresh "
                  "neurons, 5 seeds. Scenario theory bounds the expected violation by (support size)/(N+1) <= "
                  "n/(N+1); the support (active neurons, ~10-18 here) saturates, so the rate should fall like 1/N: "
                  "per-seed log-log slopes over the whole N range, tol 0.3 covers the development spread (per-seed "
                  "slopes -0.84..-1.20 over 5 seeds). The seed mean is compared with the bound at every N (worst N reported). "
                  "Controls: no decay (slope 0) and 1/N^2.",
    ),
    Claim(
        paper=PAPER.slug, id="C7",
        statement="Early ADMM iterates already classify well: the net mapped from v^k, k <= 5, has test accuracy "
                  "within 0.02 of (or above) the converged net's.",
        source="abstract (high prediction accuracy after the first few iterations); card C7",
        measure=measure_c7,
        predicted=[Bound(lower=-0.02, on="early_minus_converged", label="max_{k<=5} acc(v^k) - acc(v^K)"),
                   Bound(lower=-0.02, on="last_early_minus_converged", label="acc(v^5) - acc(v^K)")],
        controls=[Bound(lower=-0.02, on="zero_minus_converged", label="v^0 = 0 (empty net) within 0.02"),
                  Bound(lower=-0.02, on="linear_minus_converged", label="linear least-squares classifier within 0.02")],
        rationale="Card C7 settings on a synthetic stand-in for breast cancer (data.correlated_classification: 16 "
                  "noisy features of 2 latent factors, labels sign(z_1 + 0.5(z_2^2 - 1)), its defaults), n_train=300, "
                  "n_test=2000 (test noise of an accuracy difference ~0.005), features standardized on the train split "
                  "+ bias, unit-norm columns; squared loss on +-1 labels, 20 Gaussian patterns, beta=1, rho=10, from "
                  "zero. k <= 5 and 0.02 are the card's; the converged net is v^K, K=2000 (relative residual <= 2e-3; in "
                  "the paper profile its test accuracy matched the Clarabel optimum's within 0.002 on 20 seeds). "
                  "Median over seeds (quick 8, paper 20). Measured: quick -0.010 [95% CI -0.026, +0.010], 5/8 seeds >= "
                  "-0.02; paper (20 seeds) -0.014 [-0.026, -0.002] (per seed -0.043..+0.041, 12/20 seeds >= -0.02): "
                  "the median holds with 0.006-0.010 to spare but the interval's lower end crosses -0.02; fixed k=5 the same median (accuracy mostly rises "
                  "over k=1..5, so the max is not a test-set selection effect); k=1 alone -0.027 (reported, not "
                  "asserted: the claim needs a few iterations, not one). An earlier 20-seed draw (n_test=1000) gave "
                  "median +0.006 (15/20 seeds). So the claim holds for the typical seed, not for every seed; the "
                  "fraction of seeds is reported. Controls: the k=0 iterate (v^0 = 0, output 0 counted wrong: -0.87) "
                  "and, with real power at this tolerance, a linear least-squares classifier on the same features "
                  "(-0.054 median): both are rejected, so 0.02 separates a trained net from a weaker classifier.",
    ),
    Claim(
        paper=PAPER.slug, id="C8",
        statement="The gated-ReLU relaxation's optimum is at most the ReLU program's on the same patterns.",
        source="card 3.3 (Mishkin, Sahiner, Pilanci 2022)",
        measure=measure_c8,
        predicted=Bound(lower=-1e-8, label="min over seeds of (p*_relu - p*_gated) / p*_relu"),
        controls=[Bound(upper=1e-6, label="relaxation tight (no gap)")],
        rationale="Random teacher data (n=50, 4 features + bias, unit-norm columns), 10 sampled patterns, beta=0.5, "
                  "squared and hinge loss, 4 seeds each; worst case over all 8 instances. -1e-8 is the solver "
                  "accuracy. Control: a tight relaxation (gap <= 1e-6) is rejected: on these instances the gated "
                  "optimum is strictly lower.",
    ),
]
