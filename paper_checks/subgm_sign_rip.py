"""Claims of Ma and Fattahi (JMLR 2023): the sub-gradient method with small initialization
recovers low-rank matrices from outlier-corrupted or noisy Gaussian measurements, whatever the
over-parameterization, because the measurements satisfy Sign-RIP.

Card: ../shared/papers/subgm_sign_rip.md. Tags: [P] abstract / introduction, [M] the card's
unverified recollection of the paper body, [D] derived by us, [S] simulated by us. The theorem
statements, the step-size conditions and the experiments section could not be retrieved, so
every law below is a [P] qualitative statement made quantitative by us, or [D] / [S].

Instance (card's quick instance): d = 10, r = 2, X* = Q diag(1, 0.5) Q^T, m = 1500 Gaussian
measurements, outliers N(0, 100^2) with probability p. SubGM: U_0 = alpha B (B with N(0, 1/d)
entries), steps eta_t = 0.2 * 0.995^t for T = 3000 (the geometric schedule is [M], inferred).
Error metric: e_t = ||U_t U_t^T - X*||_F / ||X*||_F. SubGM oscillates, so rates are fitted to
minima over blocks of 25 iterations and a run's final error is the minimum over its last 200.
"""

from __future__ import annotations

import math

import numpy as np

from theorylab import Bound, Claim, Close, Geometric, Paper, Scaling, rates
from theorylab.rates import estimate_from_values
from theorylab.sensing import subgm_experiments as subgm
from theorylab.sensing.sign_rip import scaling_function

PAPER = Paper(
    slug="subgm_sign_rip",
    title="Global convergence of sub-gradient method for robust matrix recovery: small initialization, "
          "noisy measurements, and over-parameterization",
    citation="J. Ma, S. Fattahi. Journal of Machine Learning Research 24 (2023). arXiv:2202.08788",
    url="https://arxiv.org/abs/2202.08788",
    figures=subgm.make_figures,
)

SUB, L2, MC = "subgm_recovery", "subgm_l2_gd", "subgm_sign_rip_mc"
RHO = 0.995            # the step decay every SubGM law below is stated in; the profiles must use it
LOG_RHO = math.log(RHO)
LARGE_ALPHA = 1.0      # "large" initialization: ||U_0 U_0^T||_F is of the order of ||X*||_F
OUTLIER_P = (0.0, 0.3, 0.5)
L2_ETAS = (1e-2, 3e-2, 1e-1)
NUS = (1e-3, 1e-2, 1e-1)
SAMPLES = (750, 1500, 3000)
C6_ALPHAS = (1e-2, 1e-5)
# C7's two noise models (the card's): outliers N(0, 1) with probability 0.4, and dense N(0, 0.5^2).
MC_X_NORM, MC_P, MC_OUTLIER_STD, MC_NU = 0.3, 0.4, 1.0, 0.5
PHI_OUTLIER = scaling_function(MC_X_NORM, p=MC_P, outlier_std=MC_OUTLIER_STD)
PHI_GAUSSIAN = scaling_function(MC_X_NORM, nu=MC_NU)
PHI_NOISELESS = math.sqrt(2 / math.pi)


def _subgm_config(ctx):
    """The profile's SubGM config, checked against the schedule the laws are written for."""
    config = ctx.config(SUB)
    if config.rho != RHO:
        raise ValueError(f"{SUB}: the claims are stated for rho = {RHO}; the profile has rho = {config.rho}")
    return config


def _window(config) -> tuple[float, float]:
    # [0.4 T, 0.9 T]: well past the escape from the origin (over by 0.05-0.2 T at alpha = 1e-6) and
    # before the last blocks, where the minimum over a partial tail is biased.
    return (0.4 * config.T, 0.9 * config.T)


def _log_rates(traces, window) -> list[float]:
    return [subgm.tracking_log_rate(trace, window) for trace in traces]


def _finals(traces) -> np.ndarray:
    return np.array([trace.scalars["final_err"] for trace in traces])


# -- C1: geometric convergence at the schedule's rate, from a small initialization ------------
def measure_c1(ctx):
    config = _subgm_config(ctx)
    window = _window(config)
    small = [(SUB, {"p": p, "rank": config.d}) for p in OUTLIER_P]
    large = [(SUB, {"p": p, "rank": config.d, "alpha": LARGE_ALPHA}) for p in OUTLIER_P]
    groups = ctx.run_many(small + large)
    small_runs = [t for group in groups[: len(small)] for t in group]
    large_runs = [t for group in groups[len(small):] for t in group]
    rate = "log-linear slope of block-min error (runs = seeds x p)"
    final = "min error over the last 200 iterations (runs = seeds x p)"
    return {
        "log_rate": estimate_from_values(_log_rates(small_runs, window), method=rate, window=window),
        "final_err": estimate_from_values(_finals(small_runs), method=final),
        "large_init_log_rate": estimate_from_values(_log_rates(large_runs, window), method=rate, window=window),
        "large_init_final_err": estimate_from_values(_finals(large_runs), method=final),
    }


# -- C2: agnostic to over-parameterization -----------------------------------------------------
def _rank_spread(groups, ranks, window) -> tuple[list[float], list[float], list[float]]:
    """Per seed: max |rate(r') / rate(r) - 1|, max final(r') / final(r) and max final(r') over r'."""
    rate_dev, final_ratio, final_worst = [], [], []
    for seed in range(len(groups[0])):
        log_rates = [subgm.tracking_log_rate(groups[i][seed], window) for i in range(len(ranks))]
        finals = [groups[i][seed].scalars["final_err"] for i in range(len(ranks))]
        rate_dev.append(max(abs(v / log_rates[0] - 1.0) for v in log_rates[1:]))
        final_ratio.append(max(finals[1:]) / finals[0])
        final_worst.append(max(finals))
    return rate_dev, final_ratio, final_worst


def measure_c2(ctx):
    config = _subgm_config(ctx)
    window = _window(config)
    ranks = (config.r, 2 * config.r, config.d)
    ps = OUTLIER_P[:2]
    requests = [(SUB, {"p": p, "rank": k, "alpha": alpha}) for alpha in (config.alpha, LARGE_ALPHA)
                for p in ps for k in ranks]
    groups = ctx.run_many(requests)
    per_alpha = len(ps) * len(ranks)
    measured = {}
    for label, block in (("small", groups[:per_alpha]), ("large", groups[per_alpha:])):
        spreads = [_rank_spread(block[j * len(ranks):(j + 1) * len(ranks)], ranks, window) for j in range(len(ps))]
        rate_dev, final_ratio, final_worst = ([v for spread in spreads for v in spread[i]] for i in range(3))
        measured[f"{label}_rate_deviation"] = estimate_from_values(
            rate_dev, method=f"max over r' in {ranks[1:]} of |rate(r')/rate(r) - 1| (runs = seeds x p)", window=window)
        measured[f"{label}_final_ratio"] = estimate_from_values(
            final_ratio, method=f"max over r' in {ranks[1:]} of final(r')/final(r) (runs = seeds x p)")
        measured[f"{label}_final_worst"] = estimate_from_values(
            final_worst, method=f"max over r' in {ranks} of the final error (runs = seeds x p)")
    return measured


# -- C3: robust to dense, large outliers; l2 GD is not ----------------------------------------
def measure_c3(ctx):
    config = _subgm_config(ctx)
    sub = ctx.run_many([(SUB, {"p": p, "rank": config.d}) for p in OUTLIER_P])
    l2_requests = [(L2, {"p": p, "eta": eta, "rank": config.d, "alpha": config.alpha})
                   for p in (0.0, 0.3) for eta in L2_ETAS]
    l2 = ctx.run_many(l2_requests, seeds=len(sub[0]))
    seeds = range(len(sub[0]))
    n_eta = len(L2_ETAS)
    return {
        "subgm_final_worst": estimate_from_values(
            [max(sub[i][s].scalars["final_err"] for i in range(len(OUTLIER_P))) for s in seeds],
            method=f"max over p in {OUTLIER_P} of SubGM's final error"),
        "l2_best_outliers": estimate_from_values(
            [min(l2[n_eta + i][s].scalars["best_err"] for i in range(n_eta)) for s in seeds],
            method=f"l2 GD at p = 0.3: min over eta in {L2_ETAS} and over all iterations of the error"),
        "l2_final_clean": estimate_from_values(
            [min(l2[i][s].scalars["final_err"] for i in range(n_eta)) for s in seeds],
            method=f"l2 GD at p = 0: min over eta in {L2_ETAS} of the final error"),
    }


# -- C5: dense Gaussian noise: a floor linear in nu, independent of r' -------------------------
def measure_c5(ctx):
    config = _subgm_config(ctx)
    ranks = (config.r, config.d)
    groups = ctx.run_many([(SUB, {"p": 0.0, "nu": nu, "rank": k}) for k in ranks for nu in NUS])
    floors = np.array([[subgm.noise_floor(t) for t in group] for group in groups])  # (rank, nu) x seed
    floors = floors.reshape(len(ranks), len(NUS), -1)
    exponents = [rates.fit_scaling(NUS, floors[k, :, s]).value
                 for k in range(len(ranks)) for s in range(floors.shape[2])]
    ratios = (floors[1] / floors[0]).ravel()
    nu_mid = NUS[1]
    m_runs = ctx.run_many([(SUB, {"p": 0.0, "nu": nu_mid, "rank": config.d, "m": m}) for m in SAMPLES])
    m_floors = np.array([[subgm.noise_floor(t) for t in group] for group in m_runs])
    m_exponents = [rates.fit_scaling(SAMPLES, m_floors[:, s]).value for s in range(m_floors.shape[1])]
    return {
        "nu_exponent": estimate_from_values(
            exponents, method=f"exponent of the floor (min e, last 500 its) against nu in {NUS} (runs = seeds x r')"),
        "rank_ratio": estimate_from_values(
            ratios, method=f"floor(r' = {ranks[1]}) / floor(r' = {ranks[0]}) (runs = seeds x nu)"),
        "m_exponent": estimate_from_values(
            m_exponents, method=f"exponent of the floor against m in {SAMPLES} at nu = {nu_mid}, r' = d"),
    }


# -- C6: with r' > r the accuracy is set by alpha; with r' = r it is not ---------------------------
def measure_c6(ctx):
    config = _subgm_config(ctx)
    ranks = (config.r, config.d)
    ps = OUTLIER_P[:2]
    requests = [(SUB, {"p": p, "rank": k, "alpha": alpha}) for k in ranks for p in ps for alpha in C6_ALPHAS]
    groups = iter(ctx.run_many(requests))
    gains = {}
    for k in ranks:
        values = []
        for _ in ps:
            large, small = _finals(next(groups)), _finals(next(groups))
            values += np.log10(large / small).tolist()
        gains[k] = values
    method = "log10 final(alpha = {:g}) / final(alpha = {:g}) at r' = {} (runs = seeds x p)"
    return {
        "overparameterized_gain": estimate_from_values(gains[config.d], method=method.format(*C6_ALPHAS, config.d)),
        "exact_rank_gain": estimate_from_values(gains[config.r], method=method.format(*C6_ALPHAS, config.r)),
    }


# -- C7: the Sign-RIP expectation E Q(X) = phi(X) X / ||X||_F -------------------------------------
def measure_c7(ctx):
    config = ctx.config(MC)
    if config.x_norm != MC_X_NORM:
        raise ValueError(f"{MC}: the claim is stated for x_norm = {MC_X_NORM}, the profile has {config.x_norm}")
    outlier, gaussian = ctx.run_many([(MC, {"p": MC_P, "outlier_std": MC_OUTLIER_STD, "nu": 0.0}),
                                      (MC, {"p": 0.0, "nu": MC_NU})])
    scale = math.sqrt(config.m / config.d)
    return {
        "outlier_inner": estimate_from_values([t["inner"][0] for t in outlier], method="<Q, X/||X||>, outliers"),
        "gaussian_inner": estimate_from_values([t["inner"][0] for t in gaussian], method="<Q, X/||X||>, Gaussian"),
        "deviation": estimate_from_values([t["deviation_op"][0] * scale for t in outlier + gaussian],
                                          method="||Q - phi X/||X||_F||_op * sqrt(m/d) (both models)"),
    }


CLAIMS = [
    Claim(
        paper=PAPER.slug, id="C1",
        statement="From a small initialization SubGM converges geometrically, at the rate of its step "
                  "schedule, to a relative error <= 1e-6, even with r' = d and outliers; a large "
                  "initialization with r' > r stalls.",
        source="abstract [P] (linear rate, small init, exponential improvement); rate = log rho [D, S]",
        measure=measure_c1,
        predicted=[Geometric(LOG_RHO, rtol=0.15, on="log_rate"), Bound(upper=1e-6, on="final_err")],
        controls=[Geometric(2 * LOG_RHO, rtol=0.15, on="log_rate"),
                  Geometric(0.5 * LOG_RHO, rtol=0.15, on="log_rate"),
                  Geometric(LOG_RHO, rtol=0.15, on="large_init_log_rate"),
                  Bound(upper=1e-6, on="large_init_final_err")],
        rationale="r' = d = 10, alpha = 1e-6, p in {0, 0.3, 0.5}, 5 seeds each (15 runs). The error tracks "
                  "the step eta0 rho^t (card [D, S]), so its log-slope should be log rho. Window [0.4T, 0.9T] "
                  "on 25-iteration block minima: the escape from 0 ends near 0.1T-0.2T at sum(eta) = 40. Per-run "
                  "slope / log rho measured 0.91-1.01 in 14 of 15 runs, so rtol 0.15 covers single runs, and "
                  "controls at 2 log rho (error ~ eta^2) and log rho / 2 (error ~ sqrt(eta)) are >= 3 tolerances "
                  "away. The 15th run (p = 0.5, seed 4) has slope 0.63 log rho and final error 1.2e-6: it meets "
                  "its r' > r floor inside the window. That floor is set by alpha (same instance: 6.6e-4 at "
                  "alpha = 1e-4, 1.2e-6 at 1e-6, <= 3e-8 at 1e-8 where the step sets it; card pitfall 3), so it "
                  "is reported, not hidden: the median over runs is the estimate. Final error bound 1e-6 is the "
                  "issue's; median measured ~3e-8. "
                  "Controls also include 'alpha = 1 behaves the same': measured slope ~0.005 log rho and final "
                  "error 5e-4 to 2e-3 (the over-parameterized residual is not removed, as the card found).",
    ),
    Claim(
        paper=PAPER.slug, id="C2",
        statement="With small alpha the rate and the final error do not depend on the width r' in "
                  "{r, 2r, d}; with alpha = 1 they do.",
        source="abstract [P] ('agnostic to over-parameterization'); quantification [S]",
        measure=measure_c2,
        predicted=[Bound(upper=0.15, on="small_rate_deviation"), Bound(upper=10.0, on="small_final_ratio"),
                   Bound(upper=1e-6, on="small_final_worst")],
        controls=[Bound(upper=0.15, on="large_rate_deviation"), Bound(upper=10.0, on="large_final_ratio"),
                  Bound(upper=1e-6, on="large_final_worst")],
        rationale="r' in {2, 4, 10}, p in {0, 0.3}, alpha in {1e-6, 1}, 5 seeds (10 runs per statistic). "
                  "Per run, the worst r' against r' = r: |rate ratio - 1| <= 0.15 (C1's tolerance), final error "
                  "ratio <= 10 (measured <= ~5: at this schedule the floor is set by the last steps, not "
                  "alpha) and every final error <= 1e-6. The same statistics at alpha = 1 are the controls "
                  "(the hypothesis 'r' does not matter for a large init'): the r' > r runs stall with rate "
                  "deviations ~0.99 and final ratios ~1e4.",
    ),
    Claim(
        paper=PAPER.slug, id="C3",
        statement="SubGM recovers X* with outliers of std 100 in up to 50% of the measurements; l2 GD, "
                  "which recovers without outliers, fails with 30%.",
        source="abstract [P] ('arbitrarily large and arbitrarily dense' outliers); l2 baseline [S]",
        measure=measure_c3,
        predicted=[Bound(upper=1e-6, on="subgm_final_worst"), Bound(lower=0.5, on="l2_best_outliers"),
                   Bound(upper=1e-6, on="l2_final_clean")],
        controls=[Bound(upper=1e-6, on="l2_best_outliers"), Bound(lower=0.5, on="subgm_final_worst")],
        rationale="r' = d, alpha = 1e-6, 5 seeds. SubGM: worst final error over p in {0, 0.3, 0.5} per seed. "
                  "l2 GD from the same init with constant steps {1e-2, 3e-2, 1e-1}, the best over steps and "
                  "over all iterations: at p = 0 it recovers (sanity of the baseline, final <= 1e-6), at "
                  "p = 0.3 it never gets below 0.5 (the outliers' adjoint, of norm ~10 ||X*||, dominates "
                  "its gradient; the largest step diverges). Measured: SubGM median 6e-8 (one seed reaches 1.2e-6 at "
                  "p = 0.5, its alpha-set r' > r floor, see C1), l2 best ~0.99 with outliers and ~1e-11 "
                  "without. 1e-6 and 0.5 are the issue's / card's thresholds; both controls miss by >= 1 decade.",
    ),
    Claim(
        paper=PAPER.slug, id="C5",
        statement="Under dense Gaussian noise N(0, nu^2) the error floor grows linearly in nu, does not "
                  "depend on r', and decreases with m (exponent about -1/2, inferred).",
        source="abstract [P] (Gaussian noise model covered); the floor law nu sqrt(dr/m) is [D, S], "
               "not confirmed against the paper's bound",
        measure=measure_c5,
        predicted=[Scaling(1.0, tol=0.1, parameter="nu", on="nu_exponent"),
                   Close(1.0, rtol=0.25, on="rank_ratio"),
                   Scaling(-0.5, tol=0.2, parameter="m", on="m_exponent")],
        controls=[Scaling(0.0, tol=0.1, parameter="nu", on="nu_exponent"),
                  Scaling(2.0, tol=0.1, parameter="nu", on="nu_exponent"),
                  Close(math.sqrt(5.0), rtol=0.25, on="rank_ratio"),
                  Scaling(0.0, tol=0.2, parameter="m", on="m_exponent")],
        rationale="p = 0, nu in {1e-3, 1e-2, 1e-1}, r' in {2, 10}, 5 seeds; floor = min error over the last 500 "
                  "iterations. The noise draws are shared across nu within a seed, so per-seed exponents "
                  "are clean; tol 0.1 on the nu-exponent (the card and we measured 1.000, per seed 0.999-1.000). "
                  "The r'-ratio tolerance 0.25 is the card's; measured 1.0000 +- 5e-4 (the extra columns stay "
                  "far below the noise floor from this alpha); its control is a floor growing like sqrt(d r') "
                  "(ratio sqrt 5, a parameter-counting guess). The m-exponent (m in {750, 1500, 3000}, nu = 1e-2, "
                  "r' = d) is inferred (card measured -0.58; we measure a median of -0.44, per seed -0.30 to "
                  "-0.52, over this factor-4 range of m; -0.50 with 10 seeds in the paper profile), hence the "
                  "wider tol 0.2 and a weaker claim; its control is 'no m-dependence'.",
    ),
    Claim(
        paper=PAPER.slug, id="C6",
        statement="With r' > r the final accuracy is set by the initialization scale: from alpha = 1e-2 to "
                  "1e-5 the final error at r' = d drops by at least a decade, while at r' = r it does not move.",
        source="abstract [P] (small initialization; over-parameterization); card C6 [S] ('with r' > r the "
               "accuracy is controlled by alpha'); the paper's alpha-dependence of the bound is [M], unverified",
        measure=measure_c6,
        predicted=[Bound(lower=1.0, on="overparameterized_gain"), Close(0.0, atol=0.3, on="exact_rank_gain")],
        controls=[Bound(upper=0.3, on="overparameterized_gain"), Bound(lower=1.0, on="exact_rank_gain")],
        rationale="p in {0, 0.3}, alpha in {1e-2, 1e-5}, r' in {r, d}, 5 seeds (10 runs per estimate); statistic "
                  "log10 of the final-error ratio. Measured while writing: 3.6-3.7 decades at p = 0 and 2.2-3.4 "
                  "at p = 0.3 for r' = d; |gain| <= 0.1 for r' = r, whose floor is set by the last step size "
                  "(~3e-8) and not by alpha. No exponent is claimed: the floor is not a clean power of alpha "
                  "(local slopes 0.3-1.6 across alpha and p), so the law is one-sided (>= 1 decade). Controls "
                  "swap the roles: 'alpha does not matter at r' = d' (<= 0.3 decade) and 'it matters at r' = r'.",
    ),
    Claim(
        paper=PAPER.slug, id="C7",
        statement="For Gaussian A_i and noise independent of them, E[(1/m) sum Sign(<A_i,X> - s_i) A_i] = "
                  "phi(X) X/||X||_F with phi = sqrt(2/pi) E_s exp(-s^2 / (2||X||_F^2)).",
        source="Sign-RIP (arXiv:2102.02969) [P]; the closed form of phi is derived by us [D]",
        measure=measure_c7,
        predicted=[Close(PHI_OUTLIER, rtol=0.02, on="outlier_inner"),
                   Close(PHI_GAUSSIAN, rtol=0.02, on="gaussian_inner"),
                   Bound(upper=3.0, on="deviation")],
        controls=[Close(PHI_NOISELESS, rtol=0.02, on="outlier_inner"),
                  Close(PHI_NOISELESS * (1 - MC_P), rtol=0.02, on="outlier_inner"),
                  Close(PHI_NOISELESS, rtol=0.02, on="gaussian_inner")],
        rationale="d = 10, random rank-3 X with ||X||_F = 0.3, m = 2e5 fresh draws per seed, 5 seeds; outliers "
                  "N(0, 1) with p = 0.4 (phi = 0.5704) and dense noise nu = 0.5 (phi = 0.4105). The Monte-Carlo "
                  "std of <Q, X/||X||> is <= 1/sqrt(m) = 0.0022 (0.4-0.55% relative), so rtol 0.02 is 4 sigma "
                  "of one seed. The deviation ||Q - E Q||_op of a mean of m i.i.d. matrices with unit-variance "
                  "entries is ~2 sqrt(d/m) (measured ~1.7 in these units): bound 3. Controls: a phi without the "
                  "noise factor (sqrt(2/pi)) or counting outliers as pure loss (sqrt(2/pi)(1 - p)), both >= 16% off.",
    ),
]
