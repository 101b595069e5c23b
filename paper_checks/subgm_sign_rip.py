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

Issue 17 added: every claim names its nearest rival; C5's m-exponent is measured over a factor-32
range of m; C8 (outliers in 60-80% of the measurements, escape budget ~ 1/(1-p)); C9 (the
under-determined regime m < d(d+1)/2, where the global l1 minimizer over the PSD cone -- cvxpy --
overfits and SubGM does not); C10 (Sign-RIP as a uniform property of one operator). Mutants:
theorylab/sensing/subgm_mutants.py. Notes for a reader: docs/papers/subgm_sign_rip.md.
"""

from __future__ import annotations

import math

import numpy as np

from theorylab import Bound, Claim, Close, Geometric, Paper, Scaling, rates
from theorylab.domains import Assume, Domain, Range
from theorylab.rates import Estimate, estimate_from_values
from theorylab.sensing import subgm_experiments as subgm
from theorylab.sensing import subgm_figures
from theorylab.sensing import subgm_mutants as _mutants  # noqa: F401  registers mutants
from theorylab.sensing.sign_rip import scaling_function

PAPER = Paper(
    slug="subgm_sign_rip",
    title="Global convergence of sub-gradient method for robust matrix recovery: small initialization, "
          "noisy measurements, and over-parameterization",
    citation="J. Ma, S. Fattahi. Journal of Machine Learning Research 24 (2023). arXiv:2202.08788",
    url="https://arxiv.org/abs/2202.08788",
    figures=subgm_figures.make_figures,
)

SUB, L2, MC, CVX = "subgm_recovery", "subgm_l2_gd", "subgm_sign_rip_mc", "subgm_convex_l1"
URIP = "subgm_sign_rip_uniform"
URIP_SAMPLES = (500, 1000, 2000, 4000, 8000, 16000)
RHO = 0.995            # the step decay every SubGM law below is stated in; the profiles must use it
LOG_RHO = math.log(RHO)
# C1 and C3 start from alpha = 1e-7: at the profile's 1e-6 the r' = d floor at p = 0.5 (set by alpha) sat at
# 2e-7 to 1.2e-6, inside C1's window and at C3's 1e-6 (explore found kappa = 1.46 where it crossed);
# at 1e-7 it is <= 4e-8 for kappa in {1, 1.46, 2} (10 seeds) and the escape still fits the budget.
SMALL_ALPHA = 1e-7
LARGE_ALPHA = 1.0      # "large" initialization: ||U_0 U_0^T||_F is of the order of ||X*||_F
OUTLIER_P = (0.0, 0.3, 0.5)
L2_ETAS = (1e-2, 3e-2, 1e-1)
NUS = (1e-3, 1e-2, 1e-1)
# C5's m-exponent: a factor-32 range of m (the old factor-4 range could not tell -1/2 from -1/3),
# at nu = 0.1 so that the floor (>= 4e-3) is reached by T = 1200; 10 seeds (quick) / 30 (paper).
SAMPLES = (500, 1000, 2000, 4000, 8000, 16000)
M_NU, M_T = 0.1, 1200
M_SEEDS = {"quick": 10, "paper": 30}
M_TOL = 0.08   # half the distance between the prediction -1/2 and the rival -1/3
# C8: dense outliers; the escape budget eta0 / (1 - rho) grows like 1/(1 - p) through eta0.
DENSE_P = (0.6, 0.7, 0.8)
DENSE_ETA_SCALE = 0.1   # eta0 = 0.1 / (1 - p): the profile's 0.2 at p = 1/2
# C11: 50% success thresholds in m for r' in {r, 2r, d}; success = final error <= SUCCESS_ERR.
C11_SAMPLES = (12, 16, 20, 24, 28, 32, 40, 48)
C11_T = 1000
C11_SEEDS = {"quick": 10, "paper": 20}
SUCCESS_ERR = 0.1
# C9: the under-determined regime (instance in experiments/subgm_convex_l1.toml), r' = d.
UNDER_ALPHA = 1e-14
DING_2021 = ("Ding, Jiang, Chen, Qu, Zhu 2021 (NeurIPS, arXiv:2109.11154): SubGM with an over-specified "
             "rank converges only sublinearly")
C6_ALPHAS = (1e-2, 1e-5)
# C7's two noise models (the card's): outliers N(0, 1) with probability 0.4, and dense N(0, 0.5^2).
MC_X_NORM, MC_P, MC_OUTLIER_STD, MC_NU = 0.3, 0.4, 1.0, 0.5
PHI_OUTLIER = scaling_function(MC_X_NORM, p=MC_P, outlier_std=MC_OUTLIER_STD)
PHI_GAUSSIAN = scaling_function(MC_X_NORM, nu=MC_NU)
PHI_NOISELESS = math.sqrt(2 / math.pi)


# Domains searched by `theorylab explore`: the instance fields each claim does not pin.
OUTLIER_DOMAIN = Domain(SUB, {"outlier_std": Range(10.0, 1e4, log=True), "kappa": Range(1.0, 2.0)})
MC_DOMAIN = Domain(MC, {"d": Range(4, 16, integer=True), "rank_x": Range(1, 4, integer=True)},
                   [Assume(lambda c: c["rank_x"] <= c["d"], "rank(X) <= d", "definition")])
URIP_DOMAIN = Domain(URIP, {"d": Range(6, 14, integer=True), "rank_x": Range(1, 3, integer=True),
                            "outlier_std": Range(0.1, 10.0, log=True), "p": Range(0.0, 0.4)},
                     [Assume(lambda c: c["rank_x"] <= c["d"], "rank(X) <= d", "definition"),
                      Assume(lambda c: c["p"] <= 0.4, "delta ~ 1/phi ~ 1/(1 - p): the constant bound 6 is set at "
                             "p <= 0.4", "C10's calibration [S]")])

# The claims below pin p, the width r', alpha and (C5, C11) m and T in their own overrides; their
# domains vary the instance around them. Sources: the theorem statements are not readable (SOURCES.md),
# so each assumption cites the card / abstract and is labelled reconstructed where it is.
OUTLIERS_INDEPENDENT = Assume(lambda c: c["outlier_std"] > 0, "outliers independent of A_i, of any magnitude",
                              "abstract [P] ('arbitrarily large'); independence is card pitfall 8 [M]")


def _escape_budget(c, eta0: float, p: float, alpha: float, exact_phi: bool = False) -> float:
    """The card's escape rule: sum(eta) over log(1/alpha) ||X*||_F / (2 phi sigma_r), with the lower bound
    phi_min = sqrt(2/pi)(1 - p) (enough to escape), or with ``exact_phi`` phi(X*) of the outlier size (at most
    this to stay stuck: small outliers cost less than the bound says). X* has sigma = (1, 1/kappa) (r = 2)."""
    x_norm = math.sqrt(1 + c["kappa"] ** -2)
    phi = (scaling_function(x_norm, p=p, outlier_std=c["outlier_std"]) if exact_phi
           else math.sqrt(2 / math.pi) * (1 - p))
    need = math.log(1 / alpha) * x_norm / (2 * phi / c["kappa"])
    return eta0 / (1 - c["rho"]) / need


ESCAPES = Assume(lambda c: _escape_budget(c, c["eta0"], OUTLIER_P[1], c["alpha"]) >= 1.2,
                 "the step budget eta0/(1 - rho) leaves the origin with margin 1.2 at C2's largest p = 0.3",
                 "card's escape-budget rule [D] (the paper's step condition is not readable: reconstructed)")
C2_DOMAIN = Domain(SUB, {"outlier_std": Range(10.0, 1e4, log=True), "kappa": Range(1.0, 2.0),
                         "m": Range(1000, 2000, integer=True)},
                   [OUTLIERS_INDEPENDENT, ESCAPES,
                    Assume(lambda c: c["m"] >= 10 * c["d"] ** 2, "m >= 10 d^2 (enough Gaussian samples for Sign-RIP "
                           "at rank d)", "abstract [P] (sample complexity ~ d r^2, independent of r'); the constant "
                           "is ours [S], card pitfall 3")])
C5_DOMAIN = Domain(SUB, {"kappa": Range(1.0, 3.0), "r": Range(1, 3, integer=True)},
                   [Assume(lambda c: c["r"] <= c["d"], "r <= d", "definition"),
                    Assume(lambda c: c["nu"] == 0.0 and c["p"] == 0.0, "dense Gaussian noise only (set by the claim)",
                           "abstract [P] (Gaussian noise model)")])
C6_DOMAIN = Domain(SUB, {"outlier_std": Range(10.0, 1e4, log=True), "kappa": Range(1.0, 2.0),
                         "m": Range(1000, 2000, integer=True)},
                   [OUTLIERS_INDEPENDENT,
                    Assume(lambda c: c["m"] >= 10 * c["d"] ** 2, "m >= 10 d^2",
                           "card pitfall 3: with too few samples the r' > r floors hardly move with alpha [S]"),
                    Assume(lambda c: _escape_budget(c, c["eta0"], OUTLIER_P[1], min(C6_ALPHAS)) >= 1.5,
                           "the budget escapes from alpha = 1e-5 at p = 0.3", "card's escape-budget rule [D]")])
C8_DOMAIN = Domain(SUB, {"outlier_std": Range(10.0, 1e4, log=True), "kappa": Range(1.0, 2.0),
                         "m": Range(1500, 2500, integer=True)},
                   [OUTLIERS_INDEPENDENT,
                    Assume(lambda c: all(_escape_budget(c, DENSE_ETA_SCALE / (1 - p), p, c["alpha"]) >= 1.0
                                         for p in DENSE_P),
                           "eta0 = 0.1/(1-p) meets the escape budget for every p in {0.6, 0.7, 0.8}",
                           "card's escape-budget rule [D] (C8's mechanism; the paper's step condition is "
                           "not readable: reconstructed)"),
                    Assume(lambda c: _escape_budget(c, c["eta0"], DENSE_P[-1], c["alpha"], exact_phi=True) <= 0.7,
                           "the p-independent budget eta0/(1 - rho) is short of the escape need at p = 0.8 "
                           "(ratio <= 0.7 with phi(X*) of the actual outlier size)",
                           "card's escape rule [D]; explore found kappa = 1, outlier_std = 10 (ratio 1.02), where one "
                           "seed of five escapes"),
                    Assume(lambda c: c["m"] * (1 - DENSE_P[-1]) ** 2 >= 59.99,
                           "m (1 - p)^2 >= 60 at p = 0.8, i.e. m >= 1500 (C8's calibration)",
                           "card pitfall 10 [S]; the Sign-RIP constant ~ sqrt(dr/m)/phi with phi ~ (1 - p) [D, "
                           "reconstructed]; explore found m = 1018, where 3 of 5 seeds fail at p = 0.8")])
# p stays the claim's 0.2: explore over p in [0.15, 0.3] found the contrast only in a window of p at this m
# (p = 0.15: the global minimizer recovers X* in 2 of 5 seeds; p = 0.3: one SubGM run of 5 does not escape
# from alpha = 1e-14 within the schedule). docs/papers/subgm_sign_rip.md, Exploration.
C9_DOMAIN = Domain(CVX, {"outlier_std": Range(10.0, 1e4, log=True), "kappa": Range(1.0, 2.0)},
                   [Assume(lambda c: c["m"] < c["d"] * (c["d"] + 1) // 2, "m < d(d+1)/2 (under-determined)",
                           "the regime of the claim (issue 17) [S]"),
                    Assume(lambda c: c["outlier_std"] > 0, "outliers independent of A_i", "card pitfall 8 [M]")])
C11_DOMAIN = Domain(SUB, {"kappa": Range(1.0, 2.0), "alpha": Range(1e-8, 1e-4, log=True)},
                    [Assume(lambda c: _escape_budget(c, c["eta0"] * (1 - c["rho"] ** C11_T),
                                                     0.0, c["alpha"]) >= 1.5,
                            "the budget of the first 1000 steps escapes from alpha with margin 1.5",
                            "card's escape-budget rule [D]")])


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
    small = [(SUB, {"p": p, "rank": config.d, "alpha": SMALL_ALPHA}) for p in OUTLIER_P]
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
    sub = ctx.run_many([(SUB, {"p": p, "rank": config.d, "alpha": SMALL_ALPHA}) for p in OUTLIER_P])
    l2_requests = [(L2, {"p": p, "eta": eta, "rank": config.d, "alpha": SMALL_ALPHA})
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
def _pooled_m_exponent(ctx, config) -> Estimate:
    """Exponent of the seeds' geometric-mean floor against m, with a 95% bootstrap over seeds.

    One instance's floor is the l1 estimator's error, which fluctuates by ~16% from instance to
    instance (19 degrees of freedom), so per-seed exponents over even a factor-32 range of m
    scatter by +-0.1. Averaging log-floors over seeds before fitting, and resampling seeds for
    the interval, measures the same exponent with a third of the spread.
    """
    seeds = M_SEEDS.get(ctx.profile, M_SEEDS["paper"])
    groups = ctx.run_many([(SUB, {"p": 0.0, "nu": M_NU, "rank": config.d, "m": m, "T": M_T}) for m in SAMPLES],
                          seeds=seeds)
    log_floors = np.log(np.array([[subgm.noise_floor(t) for t in group] for group in groups])).T  # seed x m

    def pooled(rows) -> float:
        return rates.fit_scaling(SAMPLES, np.exp(log_floors[rows].mean(axis=0))).value

    per_seed = [rates.fit_scaling(SAMPLES, np.exp(row)).value for row in log_floors]
    rng = np.random.default_rng(0)
    boot = [pooled(rng.integers(0, seeds, seeds)) for _ in range(2000)]
    value = pooled(np.arange(seeds))
    low, high = np.percentile(boot, [2.5, 97.5])
    method = (f"exponent of the geometric mean over {seeds} seeds of the floor against m in {SAMPLES} "
              f"(nu = {M_NU}, r' = d, T = {M_T}); 95% bootstrap over seeds; per_seed = each seed's own fit")
    return Estimate(float(value), float(min(low, value)), float(max(high, value)), tuple(per_seed), None, method)


def measure_c5(ctx):
    config = _subgm_config(ctx)
    ranks = (config.r, config.d)
    groups = ctx.run_many([(SUB, {"p": 0.0, "nu": nu, "rank": k}) for k in ranks for nu in NUS])
    floors = np.array([[subgm.noise_floor(t) for t in group] for group in groups])  # (rank, nu) x seed
    floors = floors.reshape(len(ranks), len(NUS), -1)
    exponents = [rates.fit_scaling(NUS, floors[k, :, s]).value
                 for k in range(len(ranks)) for s in range(floors.shape[2])]
    ratios = (floors[1] / floors[0]).ravel()
    m_exponent = _pooled_m_exponent(ctx, config)
    return {
        "nu_exponent": estimate_from_values(
            exponents, method=f"exponent of the floor (min e, last 500 its) against nu in {NUS} (runs = seeds x r')"),
        "rank_ratio": estimate_from_values(
            ratios, method=f"floor(r' = {ranks[1]}) / floor(r' = {ranks[0]}) (runs = seeds x nu)"),
        "m_exponent": m_exponent,
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


# -- C8: arbitrarily dense outliers, with an escape budget ~ 1/(1 - p) -------------------------
def measure_c8(ctx):
    config = _subgm_config(ctx)
    requests = [(SUB, {"p": p, "rank": config.r, "eta0": DENSE_ETA_SCALE / (1 - p)}) for p in DENSE_P]
    requests.append((SUB, {"p": DENSE_P[-1], "rank": config.r}))  # the same p, the p-independent budget
    groups = ctx.run_many(requests)
    seeds = range(len(groups[0]))
    return {
        "dense_final_worst": estimate_from_values(
            [max(groups[i][s].scalars["final_err"] for i in range(len(DENSE_P))) for s in seeds],
            method=f"max over p in {DENSE_P} of SubGM's final error, eta0 = {DENSE_ETA_SCALE}/(1-p), r' = r"),
        "fixed_budget_final": estimate_from_values(
            _finals(groups[-1]), method=f"SubGM's final error at p = {DENSE_P[-1]} with eta0 = {config.eta0} "
                                        "(the budget that suffices at p = 1/2)"),
    }


# -- C9: under-determined regime: SubGM recovers where the global minimizer of f does not -------
def measure_c9(ctx):
    cvx = ctx.config(CVX)
    if not cvx.m < cvx.d * (cvx.d + 1) // 2:
        raise ValueError(f"{CVX}: C9 is the under-determined regime m < d(d+1)/2; the profile has "
                         f"m = {cvx.m}, d = {cvx.d}")
    instance = {"d": cvx.d, "r": cvx.r, "m": cvx.m, "kappa": cvx.kappa, "p": cvx.p,
                "outlier_std": cvx.outlier_std, "nu": cvx.nu}
    sub, glob = ctx.run_many([(SUB, {**instance, "rank": cvx.d, "alpha": UNDER_ALPHA}), (CVX, {})])
    sub_err, cvx_err = _finals(sub), _finals(glob)
    loss_gain = [(t.scalars["loss_star"] - t.scalars["loss_hat"]) / t.scalars["loss_star"] for t in glob]
    where = f"d = {cvx.d}, m = {cvx.m} < d(d+1)/2 = {cvx.d * (cvx.d + 1) // 2}, p = {cvx.p}, r' = d"
    return {
        "advantage": estimate_from_values(np.log10(cvx_err / sub_err),
                                          method=f"log10 err(global l1 minimizer) / err(SubGM), {where}"),
        "subgm_worst": estimate_from_values(sub_err, summary="max",
                                            method=f"SubGM final error (alpha = {UNDER_ALPHA:g}), {where}"),
        "global_best": estimate_from_values(cvx_err, summary="min",
                                            method=f"error of the PSD-cone l1 minimizer (cvxpy), {where}"),
        "loss_gain": estimate_from_values(loss_gain, summary="min",
                                          method="(f(X*) - f(X_hat)) / f(X*): the minimizer beats X* on f"),
    }


# -- C10: Sign-RIP is uniform: one operator's constant over many X decays like sqrt(d k / m) ----
def measure_c10(ctx):
    config = ctx.config(URIP)
    groups = ctx.run_many([(URIP, {"m": m}) for m in URIP_SAMPLES])
    deltas = np.array([[t["delta_sup"][0] for t in group] for group in groups]).T  # seed x m
    exponents = [rates.fit_scaling(URIP_SAMPLES, row).value for row in deltas]
    scaled = (deltas * np.sqrt(np.array(URIP_SAMPLES) / (config.d * config.rank_x))).max(axis=1)
    return {
        "delta_exponent": estimate_from_values(
            exponents, method=f"exponent of sup over {config.n_x} random rank-{config.rank_x} X of delta(X) "
                              f"against m in {URIP_SAMPLES} (one operator per seed, nested in m)"),
        "delta_constant": estimate_from_values(
            scaled, summary="max", method="max over m of delta_sup * sqrt(m / (d k)) per seed"),
    }


# -- C11: the sample size SubGM needs does not depend on r' ------------------------------------
def _threshold(ms, success) -> float:
    """First m where the success fraction reaches 1/2, interpolated linearly in log m (NaN if never)."""
    log_m = np.log(np.asarray(ms, dtype=float))
    hits = np.flatnonzero(success >= 0.5)
    if hits.size == 0:
        return float("nan")
    j = hits[0]
    if j == 0:
        return float(ms[0])
    w = (0.5 - success[j - 1]) / (success[j] - success[j - 1])
    return float(np.exp(log_m[j - 1] + w * (log_m[j] - log_m[j - 1])))


def measure_c11(ctx):
    config = _subgm_config(ctx)
    ranks = (config.r, 2 * config.r, config.d)
    seeds = C11_SEEDS.get(ctx.profile, C11_SEEDS["paper"])
    requests = [(SUB, {"p": 0.0, "rank": k, "m": m, "T": C11_T}) for k in ranks for m in C11_SAMPLES]
    groups = ctx.run_many(requests, seeds=seeds)
    ok = np.array([[t.scalars["final_err"] <= SUCCESS_ERR for t in g] for g in groups], dtype=float)
    ok = ok.reshape(len(ranks), len(C11_SAMPLES), seeds)

    def spread(rows) -> tuple[float, list[float]]:
        thresholds = [_threshold(C11_SAMPLES, ok[i][:, rows].mean(axis=1)) for i in range(len(ranks))]
        return float(np.log(max(thresholds) / min(thresholds))), thresholds

    value, thresholds = spread(np.arange(seeds))
    rng = np.random.default_rng(0)
    boot = np.array([spread(rng.integers(0, seeds, seeds))[0] for _ in range(2000)])
    if not np.all(np.isfinite(boot)):
        low = high = float("nan")
    else:
        low, high = (float(v) for v in np.percentile(boot, [2.5, 97.5]))
    method = (f"log(max/min over r' in {ranks} of the 50% success threshold in m), success = final error <= "
              f"{SUCCESS_ERR}, m in {C11_SAMPLES}, {seeds} seeds, T = {C11_T}; 95% bootstrap over seeds; "
              f"thresholds {[round(v, 1) for v in thresholds]}")
    return {"log_threshold_spread": Estimate(value, min(low, value), max(high, value), tuple(thresholds), None, method)}


CLAIMS = [
    Claim(
        paper=PAPER.slug, id="C1", figures=('error_vs_iteration',),
        statement="From a small initialization SubGM converges geometrically, at the rate of its step "
                  "schedule, to a relative error <= 1e-6, even with r' = d and outliers; a large "
                  "initialization with r' > r stalls.",
        source="abstract [P] (linear rate, small init, exponential improvement); rate = log rho [D, S]",
        measure=measure_c1, domain=OUTLIER_DOMAIN,
        predicted=[Geometric(LOG_RHO, rtol=0.15, on="log_rate"), Bound(upper=1e-6, on="final_err")],
        controls=[Close(0.0, atol=0.15 * abs(LOG_RHO), on="log_rate",
                        rival=DING_2021 + "; a sublinear error has a log-linear slope -> 0 (band as wide "
                                          "as the prediction's)"),
                  Geometric(2 * LOG_RHO, rtol=0.15, on="log_rate"),
                  Geometric(0.5 * LOG_RHO, rtol=0.15, on="log_rate"),
                  Geometric(LOG_RHO, rtol=0.15, on="large_init_log_rate"),
                  Bound(upper=1e-6, on="large_init_final_err")],
        rationale="r' = d = 10, alpha = 1e-7, p in {0, 0.3, 0.5}, 5 seeds each (15 runs). The error tracks "
                  "the step eta0 rho^t (card [D, S]), so its log-slope should be log rho. Window [0.4T, 0.9T] "
                  "on 25-iteration block minima: the escape from 0 ends near 0.1T-0.2T at sum(eta) = 40. Per-run "
                  "slope / log rho measured 0.985-1.014 in all 15 runs; estimate -0.005015 [-0.005021, -0.00500]. "
                  "What changed: at the profile's alpha = 1e-6, 4 of 15 runs (p = 0.3-0.5) read 0.63-0.90 of log rho "
                  "because they met their r' > r floor (2e-7 to 8e-7, set by alpha; card pitfall 3) inside the "
                  "window, and `theorylab explore` found kappa = 1.46 where the interval left the band. alpha = "
                  "1e-7 puts that floor below the step-set one (<= 6e-8) and still escapes within the budget "
                  "(alpha = 1e-8 does not at p = 0.5, 2 of 5 seeds). Controls at 2 log rho (error ~ eta^2) and "
                  "log rho / 2 (error ~ sqrt(eta)) are >= 3 tolerances away. The nearest rival is the previous "
                  "guarantee for an over-specified rank (Ding et al. 2021, sublinear): a log-linear slope near 0, "
                  "with a band as wide as the prediction's. Final error bound 1e-6 is the issue's; measured "
                  "1.7e-8 to 5.8e-8. Controls also include 'alpha = 1 behaves the same': measured slope ~0.007 "
                  "log rho and final error 6e-4 to 2e-3 (the over-parameterized residual is not removed). "
                  "Instance draws changed in this revision (each draw has its own stream, nested in m).",
    ),
    Claim(
        paper=PAPER.slug, id="C2", figures=('error_vs_iteration',),
        statement="With small alpha the rate and the final error do not depend on the width r' in "
                  "{r, 2r, d}; with alpha = 1 they do.",
        source="abstract [P] ('agnostic to over-parameterization'); quantification [S]",
        measure=measure_c2, domain=C2_DOMAIN,
        predicted=[Bound(upper=0.15, on="small_rate_deviation"), Bound(upper=10.0, on="small_final_ratio"),
                   Bound(upper=1e-6, on="small_final_worst")],
        controls=[Close(1.0, atol=0.15, on="small_rate_deviation",
                        rival=DING_2021 + " (and GD in smooth sensing slows with r' > r, Xiong-Ding-Du 2024): "
                                          "rate(r')/rate(r) -> 0, i.e. deviation 1"),
                  Bound(upper=0.15, on="large_rate_deviation"), Bound(upper=10.0, on="large_final_ratio"),
                  Bound(upper=1e-6, on="large_final_worst")],
        rationale="r' in {2, 4, 10}, p in {0, 0.3}, alpha in {1e-6, 1}, 5 seeds (10 runs per statistic). "
                  "Per run, the worst r' against r' = r: |rate ratio - 1| <= 0.15 (C1's tolerance), final error "
                  "ratio <= 10 (measured <= ~5: at this schedule the floor is set by the last steps, not "
                  "alpha) and every final error <= 1e-6. The same statistics at alpha = 1 are the controls "
                  "(the hypothesis 'r' does not matter for a large init'): the r' > r runs stall with rate "
                  "deviations ~0.99 and final ratios ~1e4.",
    ),
    Claim(
        paper=PAPER.slug, id="C3", figures=('outlier_sweep',),
        statement="SubGM recovers X* with outliers of std 100 in up to 50% of the measurements; l2 GD, "
                  "which recovers without outliers, fails with 30%.",
        source="abstract [P] ('arbitrarily large and arbitrarily dense' outliers); l2 baseline [S]",
        measure=measure_c3, domain=OUTLIER_DOMAIN,
        predicted=[Bound(upper=1e-6, on="subgm_final_worst"), Bound(lower=0.5, on="l2_best_outliers"),
                   Bound(upper=1e-6, on="l2_final_clean")],
        controls=[Bound(lower=0.5, on="subgm_final_worst",
                        rival="least squares, the naive estimator (l2 GD, measured here): gross outliers "
                              "in a constant fraction of the measurements break it"),
                  Bound(upper=1e-6, on="l2_best_outliers")],
        rationale="r' = d, alpha = 1e-7, 5 seeds. SubGM: worst final error over p in {0, 0.3, 0.5} per seed. "
                  "l2 GD from the same init with constant steps {1e-2, 3e-2, 1e-1}, the best over steps and "
                  "over all iterations: at p = 0 it recovers (sanity of the baseline, final <= 1e-6), at "
                  "p = 0.3 it never gets below 0.5 (the outliers' adjoint, of norm ~10 ||X*||, dominates "
                  "its gradient; the largest step diverges). Measured: SubGM worst-over-p per seed 2.6e-8 to "
                  "5.8e-8, l2 best 0.97-1.0 with outliers and <= 1e-12 without. 1e-6 and 0.5 are the issue's / "
                  "card's thresholds. What changed: C3 was inconclusive (a seed at 1.2e-6 at p = 0.5): that is the "
                  "r' > r floor set by alpha = 1e-6 (explore found the same at kappa = 1.46, independent of the "
                  "outlier size: 100 and 2588 give the same floors within 10%). The band was kept; the init was "
                  "made smaller (1e-7: floors <= 4e-8 at p = 0.5 over 10 seeds and kappa in {1, 1.46, 2}), which "
                  "still escapes within the budget (1e-8 does not at p = 0.5). Rival: least squares (l2 GD), the "
                  "naive estimator; dense outliers beyond 1/2 are C8. Domain explored: outlier_std in [10, 1e4] "
                  "(the magnitude the abstract calls arbitrary) and kappa in [1, 2].",
    ),
    Claim(
        paper=PAPER.slug, id="C5", figures=('noise_floor',),
        statement="Under dense Gaussian noise N(0, nu^2) the error floor grows linearly in nu, does not "
                  "depend on r', and decreases with m (exponent about -1/2, inferred).",
        source="abstract [P] (Gaussian noise model covered); the floor law nu sqrt(dr/m) is [D, S], "
               "not confirmed against the paper's bound",
        measure=measure_c5, domain=C5_DOMAIN,
        predicted=[Scaling(1.0, tol=0.1, parameter="nu", on="nu_exponent"),
                   Close(1.0, rtol=0.25, on="rank_ratio"),
                   Scaling(-0.5, tol=M_TOL, parameter="m", on="m_exponent")],
        controls=[Scaling(0.0, tol=0.1, parameter="nu", on="nu_exponent"),
                  Scaling(2.0, tol=0.1, parameter="nu", on="nu_exponent"),
                  Close(math.sqrt(5.0), rtol=0.25, on="rank_ratio"),
                  Scaling(-1 / 3, tol=M_TOL, parameter="m", on="m_exponent",
                          rival="issue 17: an m^(-1/3) floor, which the old factor-4 fit (per seed -0.30 to "
                                "-0.52) could not exclude"),
                  Scaling(0.0, tol=M_TOL, parameter="m", on="m_exponent")],
        rationale="p = 0, nu in {1e-3, 1e-2, 1e-1}, r' in {2, 10}, 5 seeds; floor = min error over the last 500 "
                  "iterations. The noise draws are shared across nu within a seed, so per-seed exponents "
                  "are clean; tol 0.1 on the nu-exponent (the card and we measured 1.000, per seed 0.996-1.000). "
                  "The r'-ratio tolerance 0.25 is the card's; measured 1.0000 +- 1e-3 (the extra columns stay "
                  "far below the noise floor from this alpha); its control is a floor growing like sqrt(d r') "
                  "(ratio sqrt 5, a parameter-counting guess). The m-exponent is inferred ([D]: nu sqrt(dr/m), "
                  "the l1 estimator's rate; floor / (nu sqrt(dr/m)) measured 1.0-1.2). What changed (issue 17: "
                  "the old fit over m in {750, 1500, 3000} with 5 seeds spread -0.30 to -0.52 and its tol 0.2 "
                  "accepted -1/3): (i) a factor-32 range m in {500, ..., 16000}; (ii) the instances are nested "
                  "in m (A's first m rows), which correlates a seed's floors across m; (iii) 10 seeds (30 in the "
                  "paper profile), fitted on the geometric-mean floor with a bootstrap over seeds (per-seed "
                  "exponents still scatter -0.39 to -0.58: the l1 estimator's error varies ~16% between "
                  "instances); (iv) nu = 0.1 and T = 1200 so that the floor is reached early (cheaper). The "
                  "band was narrowed, never widened: tol 0.08 (half the distance to the rival -1/3), and the "
                  "rival -1/3 gets the same tol. Measured -0.487 [-0.524, -0.450]: agrees, rival rejected, but "
                  "separation is only 0.5 in the quick profile: the interval's width (0.074) is set by the "
                  "instance-to-instance spread with 10 seeds. The paper profile (30 seeds, 180 m-runs, ~20 s) "
                  "measured -0.491 [-0.517, -0.468]: separation 1.09. Not more seeds in quick, to keep the "
                  "paper's quick check near its 45 s budget.",
    ),
    Claim(
        paper=PAPER.slug, id="C6", figures=('final_error_vs_alpha',),
        statement="With r' > r the final accuracy is set by the initialization scale: from alpha = 1e-2 to "
                  "1e-5 the final error at r' = d drops by at least a decade, while at r' = r it does not move.",
        source="abstract [P] (small initialization; over-parameterization); card C6 [S] ('with r' > r the "
               "accuracy is controlled by alpha'); the paper's alpha-dependence of the bound is [M], unverified",
        measure=measure_c6, domain=C6_DOMAIN,
        predicted=[Bound(lower=1.0, on="overparameterized_gain"), Close(0.0, atol=0.3, on="exact_rank_gain")],
        controls=[Bound(upper=0.3, on="overparameterized_gain",
                        rival="no implicit regularization: the limit is a minimizer of f whatever alpha "
                              "(the convex / global-minimizer view, cf. C9's cvxpy minimizer)"),
                  Bound(lower=1.0, on="exact_rank_gain")],
        rationale="p in {0, 0.3}, alpha in {1e-2, 1e-5}, r' in {r, d}, 5 seeds (10 runs per estimate); statistic "
                  "log10 of the final-error ratio. Measured while writing: 3.6-3.7 decades at p = 0 and 2.2-3.4 "
                  "at p = 0.3 for r' = d; |gain| <= 0.1 for r' = r, whose floor is set by the last step size "
                  "(~3e-8) and not by alpha. No exponent is claimed: the floor is not a clean power of alpha "
                  "(local slopes 0.3-1.6 across alpha and p), so the law is one-sided (>= 1 decade). Controls "
                  "swap the roles: 'alpha does not matter at r' = d' (<= 0.3 decade) and 'it matters at r' = r'.",
    ),
    Claim(
        paper=PAPER.slug, id="C7", figures=('sign_rip_scaling',),
        statement="For Gaussian A_i and noise independent of them, E[(1/m) sum Sign(<A_i,X> - s_i) A_i] = "
                  "phi(X) X/||X||_F with phi = sqrt(2/pi) E_s exp(-s^2 / (2||X||_F^2)).",
        source="Sign-RIP (arXiv:2102.02969) [P]; the closed form of phi is derived by us [D]",
        measure=measure_c7, domain=MC_DOMAIN,
        predicted=[Close(PHI_OUTLIER, rtol=0.02, on="outlier_inner"),
                   Close(PHI_GAUSSIAN, rtol=0.02, on="gaussian_inner"),
                   Bound(upper=3.0, on="deviation")],
        controls=[Close(PHI_NOISELESS, rtol=0.02, on="outlier_inner"),
                  Close(PHI_NOISELESS * (1 - MC_P), rtol=0.02, on="outlier_inner",
                        rival="the naive rule that corrupted measurements carry no signal (only the "
                              "clean fraction 1 - p counts): phi = (1 - p) sqrt(2/pi)"),
                  Close(PHI_NOISELESS, rtol=0.02, on="gaussian_inner")],
        rationale="d = 10, random rank-3 X with ||X||_F = 0.3, m = 2e5 fresh draws per seed, 5 seeds; outliers "
                  "N(0, 1) with p = 0.4 (phi = 0.5704) and dense noise nu = 0.5 (phi = 0.4105). The Monte-Carlo "
                  "std of <Q, X/||X||> is <= 1/sqrt(m) = 0.0022 (0.4-0.55% relative), so rtol 0.02 is 4 sigma "
                  "of one seed. The deviation ||Q - E Q||_op of a mean of m i.i.d. matrices with unit-variance "
                  "entries is ~2 sqrt(d/m) (measured ~1.7 in these units): bound 3. Controls: a phi without the "
                  "noise factor (sqrt(2/pi)) or counting outliers as pure loss (sqrt(2/pi)(1 - p)), both >= 16% off.",
    ),
    Claim(
        paper=PAPER.slug, id="C8",
        statement="SubGM recovers X* (error <= 1e-6) with outliers in 60%, 70% and 80% of the measurements, "
                  "beyond the breakdown point 1/2, once its step budget grows like 1/(1 - p); with the "
                  "budget that suffices at p = 1/2 it stays stuck near 0 at p = 0.8.",
        source="abstract [P] ('arbitrarily dense' outliers); the escape-budget rule 1/(1-p) is the card's [D, S] "
               "from phi >= sqrt(2/pi)(1 - p), the paper's step condition is not confirmed",
        measure=measure_c8, domain=C8_DOMAIN,
        predicted=[Bound(upper=1e-6, on="dense_final_worst"), Bound(lower=0.1, on="fixed_budget_final")],
        controls=[Bound(lower=0.5, on="dense_final_worst",
                        rival="breakdown at p = 1/2: robust l1 / median-type recovery analyses with an arbitrary "
                              "(adversarial) corruption fraction need p < 1/2 (e.g. Li, Zhu, So, Vidal 2020; "
                              "Charisopoulos et al. 2021), so SubGM would fail at p >= 0.6"),
                  Bound(upper=1e-6, on="fixed_budget_final")],
        rationale="d = 10, r = r' = 2, m = 1500, outliers N(0, 100^2), alpha = 1e-6, rho = 0.995, T = 3000, 5 seeds; "
                  "eta0 = 0.1/(1-p) (0.25, 0.33, 0.5), i.e. the escape budget sum(eta) = 20/(1-p). The expected "
                  "sub-gradient shrinks like phi ~ sqrt(2/pi)(1 - p) for large outliers (C7), so the budget must "
                  "grow like 1/(1-p) to leave the origin. Worst final error over p per seed: measured ~4e-8 "
                  "(<= 1e-6 with margin). The budget rule is tested on its own: at p = 0.8 with the p-independent "
                  "eta0 = 0.2 the run does not escape (measured 0.5-1.0). r' = r on purpose: at r' = d the "
                  "over-parameterized floor set by alpha grows with p at this alpha (measured 3e-6 to 5e-5 at "
                  "p = 0.6, 2e-4 to 1e-3 at 0.7, 2e-3 to 1e-2 at 0.8), so 'dense and over-parameterized' would "
                  "need a smaller alpha and a still larger budget, not tested here. The rival (failure, error "
                  ">= 0.5) is the breakdown point of the adversarial-outlier analyses; our outliers are random and "
                  "independent of A, the model under which the paper (abstract) allows any density. Domain (issue 15): "
                  "explore found two assumptions it had forgotten, now declared: the p = 1/2 budget must fall short "
                  "of the escape need at p = 0.8 with the actual phi (at outlier_std = 10, kappa = 1 one seed "
                  "escaped), and m (1 - p)^2 >= 60 (at m = 1018, 3 of 5 seeds fail at p = 0.8).",
    ),
    Claim(
        paper=PAPER.slug, id="C9",
        statement="Under-determined regime (m < d(d+1)/2, 20% outliers, r' = d): the global minimizers of "
                  "the l1 loss over the PSD cone are not X* (lower loss than X*, error >= 0.3), while "
                  "SubGM from a small initialization ends within 1e-5 of X*, >= 5x closer.",
        source="abstract [P] ('converges to X* even when the global minima do not correspond to X*'; "
               "over-parameterization r' = d); the regime and the thresholds are issue 17's [S]",
        measure=measure_c9, domain=C9_DOMAIN,
        predicted=[Bound(lower=math.log10(5.0), on="advantage"), Bound(upper=1e-5, on="subgm_worst"),
                   Bound(lower=0.3, on="global_best"), Bound(lower=0.0, on="loss_gain")],
        controls=[Close(0.0, atol=math.log10(5.0), on="advantage",
                        rival="no implicit regularization: with r' = d every PSD X is U U^T, so SubGM would "
                              "end at a global minimizer of f over the PSD cone (cvxpy/Clarabel)"),
                  Bound(upper=0.1, on="global_best")],
        rationale="Quick: d = 24, r = 2, m = 288 = 6 d r < d(d+1)/2 = 300; paper: the issue's d = 40, m = 640 "
                  "= 8 d r < 820. Outliers N(0, 100^2) with p = 0.2; SubGM r' = d, alpha = 1e-14 (the r' > r "
                  "floor is set by alpha: 1e-4 at 1e-10, ~1e-7 at 1e-14 on the d = 40 instance), same "
                  "schedule as C1. 5 seeds (10 in the paper profile). Worst cases are read as worst cases: "
                  "every seed's SubGM error <= 1e-5, every seed's minimizer error >= 0.3 and with f(X_hat) "
                  "< f(X*). At p = 0 there is no contrast (the PSD l1 minimizer recovers X* to 1e-8 at "
                  "d = 40, m = 640), so the issue's noiseless version of this regime is not a test; the "
                  "overfitting minimizer appears with outliers, where it fits them (rank ~20, error 6-50). "
                  "The rival's band |log10 ratio| <= log10 5 is as wide as the prediction's margin. Open (issue 15): "
                  "explored over kappa in [1, 2] and outlier_std in [10, 1e4], the advantage (4.7-10 decades) and "
                  "the minimizer's error (>= 0.59) hold everywhere, but one seed of five misses SubGM's 1e-5 "
                  "(1.8e-5 to 6.8e-5: the alpha-set r' = d floor, tuned at kappa = 2); p is kept at 0.2 because the "
                  "contrast is a window in p (at 0.15 the minimizer recovers X* in 2 seeds of 5, at 0.3 one SubGM "
                  "run does not escape). docs/papers/subgm_sign_rip.md, Exploration.",
    ),
    Claim(
        paper=PAPER.slug, id="C10",
        statement="Sign-RIP is a property of the operator: for one Gaussian operator with 40% outliers, the "
                  "worst deviation over many rank-2 X (divided by phi(X)) decays like sqrt(d k / m).",
        source="Sign-RIP definition (arXiv:2102.02969, abstract [P]: a uniform, RIP-like property); the rate "
               "sqrt(d k / m) is the usual covering-number rate, reconstructed [D], not the paper's stated bound",
        measure=measure_c10, domain=URIP_DOMAIN,
        predicted=[Scaling(-0.5, tol=0.1, parameter="m", on="delta_exponent"),
                   Bound(upper=6.0, on="delta_constant")],
        controls=[Scaling(0.0, tol=0.1, parameter="m", on="delta_exponent",
                          rival="issue 17: no decay (a pointwise expectation, C7, says nothing about the sup "
                                "over X of one operator's deviation)"),
                  Scaling(-0.25, tol=0.1, parameter="m", on="delta_exponent")],
        rationale="d = 10, k = 2, m in {500, ..., 16000} (factor 32), outliers N(0, 1) with p = 0.4, 5 seeds "
                  "(10 in the paper profile). Per seed one operator (A nested in m) is tested at 20 random "
                  "symmetric rank-2 X (100 in the paper profile) with ||X||_F log-uniform in [0.1, 3]; "
                  "delta(X) = sup over rank-2 unit Y of <Q(X) - phi(X) X/||X||, Y> / phi(X), exactly the root of "
                  "the sum of the 2 largest squared singular values. The sup over a finite random sample of X "
                  "is a lower bound on the true sup over all rank-k X (a reader should keep that in mind). "
                  "Measured per-seed exponents -0.47 to -0.51 and delta sqrt(m/(dk)) of 3.2-4.0, hence the bound "
                  "6 on the constant. tol 0.1 on the exponent: the log factor of a covering argument moves a "
                  "factor-32 fit by < 0.05. Controls: no decay (the issue's rival) and a slower m^(-1/4).",
    ),
    Claim(
        paper=PAPER.slug, id="C11",
        statement="The number of Gaussian measurements SubGM needs to converge (to within 10% of X*) does not "
                  "depend on the width: the 50% success thresholds in m for r' in {r, 2r, d} agree within 1.3x.",
        source="abstract [P] ('the number of required samples to guarantee the global convergence of SubGM is "
               "independent of the over-parameterized rank'); the success criterion and the 1.3x are issue 17's / ours",
        measure=measure_c11, domain=C11_DOMAIN,
        predicted=[Bound(upper=math.log(1.3), on="log_threshold_spread")],
        controls=[Close(math.log(5.0), atol=math.log(1.3), on="log_threshold_spread",
                        rival="parameter counting: a threshold growing like d r' (ratio d / r = 5 between r' = d "
                              "and r' = r), as for a method that must determine every entry of U"),
                  Bound(lower=math.log(2.0), on="log_threshold_spread")],
        rationale="d = 10, r = 2, p = 0, alpha = 1e-6, the C1 schedule cut at T = 1000 (the error is below 0.1 by "
                  "t ~ 500 when the run succeeds), m in {12, ..., 48}, 10 seeds (20 in the paper profile). "
                  "Success = final error <= 0.1: the run left the origin and entered X*'s basin; the accuracy it "
                  "then reaches at r' > r is set by alpha (C6), which is why a fine threshold is not a sample-size "
                  "question. Sensitivity, measured while writing (10 seeds, T = 3000): thresholds 21 / 24 / 23.5 "
                  "for r' = 2 / 4 / 10 at success <= 0.1 (spread 1.15x); 21 / 28 / 30 at <= 1e-2 (1.4x); at "
                  "<= 1e-5 r' = r succeeds from m = 24 while r' = 4, 10 need m ~ 80: the alpha-set floor at small "
                  "m, not the sample complexity of convergence. Estimate: log of the max/min threshold ratio, "
                  "95% bootstrap over seeds (resampled jointly for all r'). Rival: a threshold ~ d r' (log 5), "
                  "with the prediction's band width log 1.3. Open (issue 15): the 1.3x bound is at the edge of what "
                  "the data show. `theorylab explore` (kappa in [1, 2], alpha in [1e-8, 1e-4]) found 6 of 10 points "
                  "inconclusive (medians 0.13-0.15, upper ends up to 0.27 > log 1.3 = 0.26), and with 20 seeds the "
                  "profile point itself reads 0.18 [0.098, 0.281] (thresholds 21.1 / 25.3 / 25.1): r' > r needs "
                  "about 1.2x the samples of r' = r at d = 10. Still far from the rival's 5x (separation ~6), "
                  "but 'within 1.3x' is not decided; the band is not widened and the quick profile keeps its "
                  "10 seeds (docs/papers/subgm_sign_rip.md, Exploration).",
    ),
]
