"""Granziol, Zohren, Roberts (JMLR 2022): learning rates as a function of batch size.

Only the abstract of the paper could be retrieved (the card's [P] tags); its theorems are
**reconstructed** (card F1 [M]) or replaced by derived laws (F2, F3 [D]). Each claim says which.
Every measurement is indexed by the batch size B; "seeds" are independent data sets / batch streams.
C2 is a model check of the reconstructed law on its own model (circular, and labelled so); C5b reports
that the paper's curvature rule loses to two rules that need no batch spectrum. See
docs/papers/rmt_batch_size_lr.md for what a reader holding the paper should check.
"""

from __future__ import annotations

import numpy as np

from theorylab import Bound, Claim, Close, Paper, Scaling, rates
from theorylab.domains import Assume, Domain, Range
from theorylab.rates import Estimate
from theorylab.rmt import experiments as rmt
from theorylab.rmt import hessians
from theorylab.rmt import mutants as _mutants  # noqa: F401  registers mutants
from theorylab.trace import stack

NO_BATCH_EFFECT = ("naive: batches are unbiased (E[H_B] = H_emp), so the batch spectrum is the full one "
                   "(no mini-batching effect on the extremal eigenvalues)")
BULK_EDGE = ("bulk-edge scaling B^(-1/2) of a top eigenvalue that is not separated (Marchenko-Pastur / Wigner edge, "
             "card C4 caveat): the nearest rate a referee would propose")
F1_SOURCE = ("the reconstructed paper law F1 (additive spiked Wigner, Benaych-Georges & Nadakuditi 2011 outlier "
             "formula lambda + P s^2 / (B lambda)), card F1 [M]")

PAPER = Paper(
    slug="rmt_batch_size_lr",
    title="Learning Rates as a Function of Batch Size: A Random Matrix Theory Approach to Neural Network Training",
    citation="D. Granziol, S. Zohren, S. Roberts. JMLR 23(173):1-65, 2022. arXiv:2006.09092",
    url="https://arxiv.org/abs/2006.09092",
    figures=rmt.make_figures,
)


def _per_seed(values, method: str, extra: dict | None = None) -> Estimate:
    return rates.estimate_from_values(values, method=method, extra=extra)


def _rows(traces, metric: str, lo: float = 0, hi: float = np.inf) -> tuple[np.ndarray, np.ndarray]:
    """Batch sizes in ``[lo, hi]`` and the metric per seed (rows) at those batch sizes."""
    b, values = stack(traces, metric)
    keep = (b >= lo) & (b <= hi)
    return b[keep], values[:, keep]


# -- domains (`theorylab explore`) ------------------------------------------------------------------
# Only the abstracts are readable: the theorems' hypotheses below are RECONSTRUCTED from the card (its
# [M]/[D] tags), not quoted. A reader holding the paper should compare them with Sections 3-5, 10-11.
RECONSTRUCTED = "reconstructed (card {}); paper body not readable"

LOGISTIC_DOMAIN = Domain(
    "rmt_logistic_spectrum",
    {"p": Range(50, 150, integer=True), "spike": Range(5.0, 20.0), "n": Range(5000, 20000, integer=True),
     "teacher_norm": Range(0.25, 1.0)},
    [Assume(lambda c: c["n"] >= 20 * c["p"], "N >= 20 P: the empirical Hessian is a well-sampled average and the "
            "ridge MLE exists", RECONSTRUCTED.format("R1e")),
     Assume(lambda c: c["teacher_norm"] <= 1.0, "a weak teacher (not nearly separable data: the curvature weights "
            "s(1-s) stay bounded away from 0)", "card R1e warnings [S]"),
     Assume(lambda c: max(c["batch_sizes"]) >= 2 * c["p"] and min(c["batch_sizes"]) <= c["p"] / 8,
            "the B grid reaches both B << P and B >= 2P (the lambda_max and lambda_min windows)",
            "measurement, not the theorem")],
)

ADDITIVE_DOMAIN = Domain(
    "rmt_additive_spectrum",
    {"p": Range(200, 600, integer=True), "spike": Range(1.5, 5.0), "s2": Range(0.5, 2.0)},
    [Assume(lambda c: all(abs(c["spike"] / np.sqrt(c["s2"] * c["p"] / b) - 1) >= 0.1 for b in c["batch_sizes"]),
            "no batch size within 10% of the BBP transition lambda = s sqrt(P/B) (finite-P smoothing there is "
            "O(P^(-1/3)), outside F1's two branches)", "Benaych-Georges & Nadakuditi 2011; " + RECONSTRUCTED.format("F1"))],
)

ADAM_DOMAIN = Domain(
    "rmt_adam_threshold",
    {"p": Range(60, 200, integer=True), "spike": Range(2.0, 8.0), "tau": Range(0.5, 2.0, log=True),
     "beta2": Range(0.98, 0.993)},
    [Assume(lambda c: (c["spike"] + c["p"] - 1) / c["spike"] >= 20,
            "B* = tr H / lambda_max >= 20, so B <= 8 << B* (the small-batch regime of the sqrt(B) rule)",
            "third-party note [T] (small LR, small damping); " + RECONSTRUCTED.format("F3")),
     Assume(lambda c: c["steps"] >= 10 / (1 - c["beta2"]), "T >= 10 / (1 - beta2) (bias-correction transient)",
            "card Pitfalls (Adam specifics)"),
     Assume(lambda c: 100.0 >= 10 * c["tau"] * np.sqrt(c["spike"]),
            "the large damping eps = 100 >> sqrt(v) ~ tau sqrt(lambda_max), so the damped run is SGD-like",
            RECONSTRUCTED.format("F3"))],
)

MLP_DOMAIN = Domain(
    "rmt_mlp_spectrum",
    {"separation": Range(1.0, 2.0), "width": Range(8, 20, integer=True), "input_dim": Range(10, 24, integer=True),
     "train_steps": Range(100, 300, integer=True)},
    [Assume(lambda c: c["n"] >= 8 * (c["input_dim"] + 1) * c["width"],
            "N >= 8 P (the empirical GGN is a well-sampled average of per-sample PSD terms)",
            RECONSTRUCTED.format("C7, R4")),
     Assume(lambda c: c["train_steps"] >= 100, "a trained network (GGN taken near a minimum)",
            "abstract [P] (GGN analogue at trained points); " + RECONSTRUCTED.format("R4"))],
)

CE_DOMAIN = Domain(
    "rmt_ce_negative_spectrum",
    {"separation": Range(1.0, 2.0), "width": Range(6, 10, integer=True), "input_dim": Range(6, 12, integer=True),
     "train_steps": Range(2, 10, integer=True)},
    [Assume(lambda c: c["train_steps"] <= 10, "few full-batch steps from a standard normal init: away from a "
            "minimum, so the Hessian is indefinite", "card Pitfalls (negative eigenvalues, C1 mirror)"),
     Assume(lambda c: c["n"] >= 20 * (c["input_dim"] + 1) * c["width"], "N >= 20 P",
            RECONSTRUCTED.format("Pitfalls"))],
)


# -- C1: extremal eigenvalues grow under mini-batching (logistic regression) ----------------------
def measure_c1(ctx) -> dict[str, Estimate]:
    traces = ctx.runs("rmt_logistic_spectrum")
    p = ctx.config("rmt_logistic_spectrum").p
    b, lmin = _rows(traces, "lmin_mean", lo=p)
    _, lmin_se = _rows(traces, "lmin_se", lo=p)
    lambda_min = np.array([t.scalars["lambda_min"] for t in traces])[:, None]
    b_all, excess = _rows(traces, "excess_cv_mean")
    return {
        "lmax_excess_z": _pooled_excess_z(traces, hi=p),
        "lmin_deficit_z": _per_seed(((lambda_min - lmin) / lmin_se).min(axis=1),
                                    f"min over B >= P of z = (lambda_min(H) - mean lambda_min(H_B)) / SE, B in {b.tolist()}"),
        "excess_slope": rates.across_seeds(rates.fit_power_law, b_all, excess, window=(b_all[0], b_all[-1])),
    }


C1 = Claim(
    paper=PAPER.slug, id="C1",
    statement="Extremal batch-Hessian eigenvalues exceed the full Hessian's in magnitude "
              "(lambda_max up, lambda_min down) and the gap shrinks as B grows (logistic regression at its ridge MLE).",
    source="abstract [P]; E[H_B] = H_emp and convexity of lambda_max (Jensen) [D]",
    measure=measure_c1,
    figures=("spectral_density_vs_batch",),
    domain=LOGISTIC_DOMAIN,
    predicted=[Bound(lower=3.0, label="lambda_max excess z", on="lmax_excess_z"),
               Bound(lower=3.0, label="lambda_min deficit z", on="lmin_deficit_z"),
               Bound(upper=-0.5, label="log-log slope of the excess", on="excess_slope")],
    controls=[Close(0.0, atol=2.0, on="lmax_excess_z", rival=NO_BATCH_EFFECT),
              Close(0.0, atol=2.0, on="lmin_deficit_z", rival=NO_BATCH_EFFECT),
              Scaling(0.0, tol=0.25, parameter="B", on="excess_slope")],
    rationale="Logistic regression, P=100, spike 10, N=10^4 (quick), batches with replacement so E[H_B]=H_emp. "
              "z-scores use raw means over 40 batches per B and seed; the lambda_max window is B <= P because past it the "
              "1/B excess falls below the O(lambda_1 sqrt(2/B)) batch-to-batch noise of the outlier at 40 batches "
              "(C4 resolves it there with a control variate). The lambda_max z is pooled over that window by Stouffer's "
              "z (sum of the per-B z over sqrt(count)), as in C7: the former minimum over B lacked power away from the "
              "profile (issue 15 exploration: at P = 129, spike 20 and P = 61, N = 5628 one of 3 seeds read 2.5-3.0, the "
              "largest B <= P carrying an excess of ~1 SE). lambda_min is compared at B >= P (below P, H_B is rank-deficient "
              "and lambda_min(H_B) = ridge trivially). Predicted: every z >= 3 (one-sided, significant at every B); "
              "control 'no batch effect' |z| <= 2 (lambda_max: pooled z; lambda_min: the minimum over B >= P). Gap shrinking: log-log slope of the (control-variate) excess "
              "over the whole grid must be < -0.5; control slope 0 +- 0.25 (no dependence on B). Medians over 3 data sets.",
)


# -- C2: additive spiked-Wigner model, reconstructed law F1 ------------------------------------------
def measure_c2(ctx) -> dict[str, Estimate]:
    traces = ctx.runs("rmt_additive_spectrum")
    config = ctx.config("rmt_additive_spectrum")
    b, mean = _rows(traces, "lmax_mean")
    wigner = hessians.wigner_outlier(config.spike, config.s2, config.p, b)
    wishart = hessians.wishart_outlier(config.spike, config.s2, config.p, b)
    return {
        "max_dev_wigner": _per_seed(np.abs(mean / wigner - 1).max(axis=1), "max over B of |mean lambda_max / F1 - 1|"),
        "max_dev_wishart": _per_seed(np.abs(mean / wishart - 1).max(axis=1), "max over B of |mean lambda_max / F2 - 1|"),
        "ritz_residual": rates.estimate_from_values(_rows(traces, "ritz_residual")[1].max(axis=1), summary="max",
                                                    method="max over B and batches of Lanczos's relative Ritz residual"),
    }


C2 = Claim(
    paper=PAPER.slug, id="C2",
    statement="MODEL CHECK, NOT A TEST OF THE PAPER: on the additive model that the reconstructed law F1 presumes, "
              "H_B = lambda e1 e1^T + Wigner(s^2/B), E lambda_max(H_B) = lambda + P s^2/(B lambda) when separated, else "
              "the edge 2 s sqrt(P/B). This validates F1's algebra and the lab's Lanczos (a textbook BBP fact); whether "
              "batch Hessians from data follow F1 is tested in C3/C4, where they do not.",
    source="card F1 [M]: RECONSTRUCTED form of the paper's batch-Hessian theorem (exact statement not retrieved; "
           "only abstracts readable). Circular by construction: the matrices are drawn from F1's own model (issue 13)",
    measure=measure_c2,
    domain=ADDITIVE_DOMAIN,
    predicted=[Bound(upper=0.03, label="max relative deviation from F1", on="max_dev_wigner"),
               Bound(upper=1e-6, label="accuracy reached by Lanczos (relative Ritz residual)", on="ritz_residual")],
    controls=[Bound(upper=0.03, label="max relative deviation from F2", on="max_dev_wishart",
                    rival="spiked-Wishart outlier law F2 (Baik, Ben Arous & Peche 2005; Baik & Silverstein 2006), "
                          "the law data batch Hessians follow (C3)")],
    rationale="Card R1a: P=400, lambda=3, s^2=1, B in {16..1024} (bulk-edge and separated branches), 5 matrices per B "
              "and seed, 3 seeds. Tolerance 3% (card): the Tracy-Widom mean shift of the edge, about -1.2 s sqrt(P/B) "
              "P^(-2/3) / 2 ~ -1%, plus 5-draw noise; the worst per-seed deviation was ~1.7% in development. "
              "Control: the spiked-Wishart law F2 applied to the same matrices (off by > 100% on the edge branch). "
              "This checks the reconstructed law on its own model only (circular by design, issue 13: it cannot test the "
              "paper); C3/C4 show that batch Hessians from data do not follow it. Lanczos stops on the top Ritz pair's "
              "relative residual 1e-8 (15-71 matvecs at the profile; cap 160, raised from 80 by the issue 15 exploration: at P = 384-581 on the edge branch Lanczos hit the 80-step cap with residuals 1e-6 to 1e-5; the residual bounds the eigenvalue error), and the worst "
              "residual reached over all batches is asserted <= 1e-6.",
)


# -- C3: least-squares batch Hessians follow the spiked-Wishart law F2 -------------------------------
LS_CHECK_B = (8, 16, 64, 256, 1024)

LS_DOMAIN = Domain(
    "rmt_ls_spectrum",
    {"p": Range(100, 400, integer=True), "spike": Range(6.0, 20.0)},
    [Assume(lambda c: c["spike"] > c["bulk"] * (1 + np.sqrt(c["p"] / 8)),
            "the spike is separated (BBP) at every B >= 8: spike > bulk (1 + sqrt(P / 8))",
            "Baik-Ben Arous-Peche 2005; card F2")],
)


def measure_c3(ctx) -> dict[str, Estimate]:
    traces = ctx.runs("rmt_ls_spectrum")
    b, mean = _rows(traces, "lmax_mean")
    _, wishart = _rows(traces, "wishart_law")
    _, wigner = _rows(traces, "wigner_law")
    out = {}
    for batch in LS_CHECK_B:
        k = int(np.flatnonzero(b == batch)[0])
        out[f"ratio_F2_B{batch}"] = _per_seed(mean[:, k] / wishart[:, k], f"mean lambda_max(H_B) / F2 at B={batch}")
    for batch in (8, 16):
        k = int(np.flatnonzero(b == batch)[0])
        out[f"ratio_F1_B{batch}"] = _per_seed(mean[:, k] / wigner[:, k], f"mean lambda_max(H_B) / F1 at B={batch}")
        spike = traces[0].scalars["lambda_1"]
        out[f"ratio_full_B{batch}"] = _per_seed(mean[:, k] / spike, f"mean lambda_max(H_B) / lambda_max(H) at B={batch}")
    return out


C3 = Claim(
    paper=PAPER.slug, id="C3",
    statement="For least squares, E lambda_max(X_B^T X_B / B) follows the spiked-Wishart outlier law F2 "
              "(not the additive-Wigner law F1).",
    source="card F2 [D] (Baik-Ben Arous-Peche, Baik-Silverstein); stands in for the paper's GGN theorem, not retrieved",
    measure=measure_c3,
    figures=("lambda_max_vs_batch", "spectral_density_vs_batch"),
    domain=LS_DOMAIN,
    predicted=[Close(1.0, rtol=0.12, on="ratio_F2_B8")] + [Close(1.0, rtol=0.08, on=f"ratio_F2_B{b}") for b in LS_CHECK_B[1:]],
    controls=[Close(1.0, rtol=0.3, on="ratio_F1_B8", rival=F1_SOURCE),
              Close(1.0, rtol=0.3, on="ratio_F1_B16", rival=F1_SOURCE),
              Close(1.0, rtol=0.08, on="ratio_full_B8", rival=NO_BATCH_EFFECT),
              Close(1.0, rtol=0.08, on="ratio_full_B16", rival=NO_BATCH_EFFECT)],
    rationale="P=200, spike 10, bulk 1 (every B >= 8 separated), 40 fresh batches per B and seed, 5 seeds; "
              "median over seeds of mean/F2. Tolerances are the card's (8%, 12% at B=8): F2 is a P -> infinity limit "
              "and the outlier fluctuates by ~lambda sqrt(2/B) per batch (~3% per-seed SE at B=8); development runs "
              "stayed within 5%. Reps raised from 20 to 40 (issue 19 exploration): at 20 the per-seed SE was 3-4.5% of the mean, "
              "so over its domain (p in [100, 400], spike in [6, 20], separated at B >= 8) 2 of 10 explored points were "
              "inconclusive (one seed 10% off at B=16, a noise excursion); at 40 both agree. Controls: the additive law F1 with s^2 = bulk (off by >60% at B=8, 16 -- the "
              "card's model mismatch, > 30% required) and 'no batch effect' lambda_max(H_B) = lambda_max(H).",
)


# -- C4: the excess over the full Hessian scales like 1/B ---------------------------------------------
def measure_c4(ctx) -> dict[str, Estimate]:
    traces = ctx.runs("rmt_ls_spectrum")
    b, excess = _rows(traces, "excess_cv_mean")
    _, wishart = _rows(traces, "wishart_law")
    _, separated = _rows(traces, "separated")
    if not separated.all():
        raise ValueError("C4 needs every batch size in the separated regime of F2; change the config")
    spike = traces[0].scalars["lambda_1"]
    _, wigner = _rows(traces, "wigner_law")
    ratio = np.exp(np.mean(np.log(excess / (wishart - spike)), axis=1))
    ratio_f1 = np.exp(np.mean(np.log(excess / (wigner - spike)), axis=1))
    return {
        "exponent": rates.across_seeds(rates.fit_power_law, b, excess, window=(b[0], b[-1])),
        "coefficient_ratio": _per_seed(ratio, "geometric mean over B of measured excess / F2 excess"),
        "coefficient_ratio_F1": _per_seed(ratio_f1, "geometric mean over B of measured excess / F1 excess P s^2/(B lambda)"),
    }


C4 = Claim(
    paper=PAPER.slug, id="C4",
    statement="In the separated regime, E lambda_max(H_B) - lambda_max(H) scales like 1/B (least squares), "
              "with the F2 coefficient P s^2 lambda / (lambda - s^2).",
    source="card C4 [M, D]; F2 separated branch",
    measure=measure_c4,
    figures=("lambda_max_vs_batch",),
    domain=LS_DOMAIN,
    predicted=[Scaling(-1.0, tol=0.1, parameter="B", on="exponent"),
               Close(1.0, rtol=0.05, on="coefficient_ratio")],
    controls=[Scaling(-0.5, tol=0.1, parameter="B", on="exponent", rival=BULK_EDGE),
              Close(1.0, rtol=0.05, on="coefficient_ratio_F1", rival=F1_SOURCE)],
    rationale="Same runs as C3; window all B in [8, 1024], every one separated (checked). The excess is measured as "
              "lambda_max(H_B) - v1^T H_B v1 (unbiased for E lambda_max(H_B) - lambda_1 since E v1^T H_B v1 = lambda_1): "
              "this control variate removes the O(lambda sqrt(2/B)) outlier fluctuation that made the card's raw pilot "
              "read -0.91. Per-seed slopes were -1.00 +- 0.01 in development; tol 0.1 (half the distance to the "
              "control) allows for O(P^-1/2) finite-size corrections near B ~ P. Coefficient within 5%: per-B "
              "standard errors are 1-2%. Control: the bulk-edge exponent -1/2, what a non-separated top eigenvalue gives.",
)


# -- C5: SGD linear scaling with saturation -------------------------------------------------------------
SMALL_B = 8


SGD_DOMAIN = Domain(
    "rmt_sgd_threshold",
    {"p": Range(60, 200, integer=True), "spike": Range(2.0, 8.0)},
    [Assume(lambda c: (c["spike"] + c["p"] - 1) / c["spike"] >= 20,
            "B* = tr H / lambda_max >= 20, so that B <= 8 is in the linear regime", "card Pitfalls (regime bookkeeping)"),
     Assume(lambda c: (c["spike"] + c["p"] - 1) / c["spike"] <= 64,
            "B* <= 64, so that B = 128, 512 are saturated", "card F3")],
)


def measure_c5(ctx) -> dict[str, Estimate]:
    traces = ctx.runs("rmt_sgd_threshold")
    b, alpha = _rows(traces, "alpha_max")
    _, mean_square = _rows(traces, "alpha_mean_square")
    small = b <= SMALL_B
    lambda_max = traces[0].scalars["lambda_max"]
    big = b[-2:]
    ratio = alpha[:, small] / mean_square[:, small]
    return {
        "exponent": rates.across_seeds(rates.fit_scaling, b[small], alpha[:, small]),
        "exponent_mean_square": rates.estimate_from_values(
            [rates.fit_scaling(b[small], mean_square[0, small]).value], method="scaling exponent of alpha_c (secular eq.)"),
        "ratio_mean_square_min": _per_seed(ratio.min(axis=1), f"min over B <= {SMALL_B} of alpha_max / alpha_c"),
        "ratio_mean_square_max": _per_seed(ratio.max(axis=1), f"max over B <= {SMALL_B} of alpha_max / alpha_c"),
        "large_b_exponent": _per_seed(np.log(alpha[:, -1] / alpha[:, -2]) / np.log(big[1] / big[0]),
                                      f"log-slope of alpha_max between B={big[0]} and B={big[1]}"),
        "saturation": _per_seed(alpha[:, -1] * lambda_max / 2, f"alpha_max(B={b[-1]}) lambda_max(H) / 2"),
    }


C5 = Claim(
    paper=PAPER.slug, id="C5",
    statement="SGD's maximal stable learning rate grows linearly in B for B << B* = tr(H)/lambda_max(H) "
              "and saturates at 2/lambda_max(H) for B >> B*.",
    source="abstract [P] (linear scaling); mechanism and exact mean-square threshold card F3 [M, D]",
    measure=measure_c5,
    figures=("max_learning_rate_vs_batch",),
    domain=SGD_DOMAIN,
    predicted=[Scaling(1.0, tol=0.15, parameter="B", on="exponent"),
               Bound(lower=0.97, label="alpha_max / alpha_c", on="ratio_mean_square_min"),
               Bound(upper=1.35, label="alpha_max / alpha_c", on="ratio_mean_square_max"),
               Scaling(0.0, tol=0.1, parameter="B", on="large_b_exponent"),
               Close(1.0, rtol=0.05, on="saturation")],
    controls=[Scaling(0.5, tol=0.15, parameter="B", on="exponent",
                      rival="square-root scaling of the SGD learning rate with B (Krizhevsky 2014; Hoffer, Hubara & "
                            "Soudry 2017)"),
              Scaling(1.0, tol=0.15, parameter="B", on="large_b_exponent",
                      rival="linear scaling rule without saturation (Goyal et al. 2017)")],
    rationale="Streaming least squares, P=100, lam=(5,1,...,1), B*=20.8; no label noise; blow-up = |e|^2 > 1e4 |e0|^2 "
              "within T=1500 steps; bisection on log alpha over [1e-4, 1], 10 halvings (1% resolution); 3 seeds, each "
              "fixing e0 and the batch stream for all alpha. Exponent fitted over B in {1,2,4,8}: the exact mean-square "
              "threshold's own exponent there is 0.96 (reported), and the finite-horizon test sits 14% above alpha_c at "
              "B=1 but 3% at B=8 (typical vs mean-square growth), so ~0.91 is expected; tol 0.15 covers that, seed "
              "spread is +-0.01, and the sqrt(B) control sits 0.4 away. alpha_max >= alpha_c up to the bisection "
              "resolution (lower bound 0.97); the card's empirical upper bound 1.35. Saturation: the slope between the "
              "two largest B is 0 +- 0.1 (control: still linear) and alpha_max(512) lambda_max / 2 within 5% of 1 "
              "(alpha_c itself is 0.4% below 2/lambda_max at B=512; resolution 1%).",
)


def _rule_errors(traces) -> dict[str, np.ndarray]:
    """Per seed: the worst factor (as |log|) by which each step-size rule misses the measured threshold."""
    b, alpha = _rows(traces, "alpha_max")
    _, curvature = _rows(traces, "alpha_curvature")
    lambda_max, trace = traces[0].scalars["lambda_max"], traces[0].scalars["trace"]
    rules = {
        "lanczos": curvature,
        "naive": np.broadcast_to(np.minimum(2 * b / trace, 2 / lambda_max), alpha.shape),
        "mbb": np.broadcast_to(2 * b / (trace + lambda_max * (b - 1)), alpha.shape),
        "full_hessian": np.full_like(alpha, 2 / lambda_max),
        "linear": np.broadcast_to(2 * b / trace, alpha.shape),
    }
    return {name: np.abs(np.log(alpha / rule)).max(axis=1) for name, rule in rules.items()}


def measure_c5b(ctx) -> dict[str, Estimate]:
    worst = _rule_errors(ctx.runs("rmt_sgd_threshold"))
    text = "max over B of |log(alpha_max / rule)|"
    return {
        "lanczos_rule": _per_seed(worst["lanczos"], f"{text}, rule 2 / mean Lanczos lambda_max(H_B)"),
        "naive_rule": _per_seed(worst["naive"], f"{text}, rule min(2B / tr H, 2 / lambda_max(H))"),
        "mbb_rule": _per_seed(worst["mbb"], f"{text}, rule 2B / (tr H + lambda_max (B - 1))"),
        "lanczos_minus_naive": _per_seed(worst["lanczos"] - worst["naive"],
                                         "worst |log error| of the Lanczos rule minus that of the naive rule"),
        "lanczos_minus_mbb": _per_seed(worst["lanczos"] - worst["mbb"],
                                       "worst |log error| of the Lanczos rule minus that of the Ma-Bassily-Belkin rule"),
        "full_hessian_rule": _per_seed(worst["full_hessian"], f"{text}, rule 2 / lambda_max(H)"),
        "linear_rule": _per_seed(worst["linear"], f"{text}, rule 2B / tr H"),
    }


NAIVE_RULE = ("naive rule min(2B / tr H, 2 / lambda_max(H)): linear scaling (Goyal et al. 2017) capped at the "
              "full-batch GD limit; needs no batch spectrum")
MBB_RULE = "Ma, Bassily & Belkin 2018 (ICML), 'The Power of Interpolation': eta*(m) = m / (beta + lambda (m - 1)), doubled"

C5b = Claim(
    paper=PAPER.slug, id="C5b",
    statement="The curvature rule alpha(B) = 2 / E lambda_max(H_B) (Lanczos on batches) "
              "predicts the SGD threshold within a factor 2 at every B, but it is beaten by rules that need no batch "
              "spectrum: the naive min(2B/tr H, 2/lambda_max(H)) and Ma-Bassily-Belkin's 2B/(tr H + lambda_max (B-1)) "
              "both miss the measured threshold by less at their worst B.",
    source="card F3/F4 [M]: the paper's curvature-based learning rate (mechanism reconstructed); rivals from the "
           "literature (Ma-Bassily-Belkin 2018; Goyal et al. 2017) and the naive rule (issues 13, 19)",
    against_paper="the learning rate from the batch Hessian's top eigenvalue, 2 / E lambda_max(H_B), is the rule "
                  "to follow (reconstructed from the abstracts); here rules with no batch spectrum predict better",
    measure=measure_c5b,
    figures=("max_learning_rate_vs_batch",),
    domain=SGD_DOMAIN,
    predicted=[Bound(upper=float(np.log(2.0)), label="max |log ratio| of the Lanczos rule", on="lanczos_rule"),
               Bound(lower=0.0, label="Lanczos worst error - naive worst error", on="lanczos_minus_naive"),
               Bound(lower=0.0, label="Lanczos worst error - MBB worst error", on="lanczos_minus_mbb")],
    controls=[Bound(upper=0.0, label="Lanczos at least as close as the naive rule", on="lanczos_minus_naive",
                    rival=NAIVE_RULE),
              Bound(upper=0.0, label="Lanczos at least as close as the MBB rule", on="lanczos_minus_mbb",
                    rival=MBB_RULE),
              Bound(upper=float(np.log(2.0)), label="max |log ratio|", on="full_hessian_rule"),
              Bound(upper=float(np.log(2.0)), label="max |log ratio|", on="linear_rule")],
    rationale="Same runs as C5 (B in {1,2,4,8,16,32,128,512}, including B ~ B* = 21 where the curvature rule is worst); "
              "lambda_max(H_B) averaged over 50 batches per B (exact: min(B, P) <= 128; raised from 10, whose noise "
              "put the Lanczos-vs-MBB difference within one interval width of 0). Each rule's error is "
              "its worst |log(alpha_max / rule)| over the B grid, per seed (3 seeds, bootstrap interval of the median). "
              "The paper's rule is kept as a prediction at its claimed precision (factor 2, conservative: "
              "E lambda_max(H_B) overstates the curvature that sets mean-square growth near B*, worst ~1.7x). The "
              "rivals named by issues 13/19 are the naive rule and the Ma-Bassily-Belkin rule; the hypothesis that the "
              "paper's rule is at least as accurate as each (difference of worst errors <= 0) is the nearest rival, and "
              "it is REJECTED: the lab reports that the curvature rule loses to both. Straw-man controls: the full-"
              "Hessian rule (off ~19x at B=1) and the unsaturated linear rule (off ~25x at B=512).",
)


ADAM_LINEAR = ("the linear scaling rule carried over to Adam unchanged (Goyal et al. 2017 rule, as used for Adam "
               "before the sqrt(B) rules of this paper and Malladi et al. 2022)")


# -- C6: Adam square-root scaling -------------------------------------------------------------------------
def measure_c6(ctx) -> dict[str, Estimate]:
    small, damped, momentum, blow_up = ctx.run_many([
        ("rmt_adam_threshold", {}),
        ("rmt_adam_threshold", {"eps": 100.0, "low": 1e-3, "high": 1e3}),
        ("rmt_adam_threshold", {"beta1": 0.9}),
        ("rmt_adam_threshold", {"criterion": "blow_up", "high": 100.0})])
    # the sqrt(B) regime is a small-B one (B << B*): the paper profile's larger B are for the figure only
    b, alpha = _rows(small, "alpha_max", hi=SMALL_B)
    _, frozen = _rows(small, "alpha_frozen_v", hi=SMALL_B)
    _, alpha_damped = _rows(damped, "alpha_max", hi=SMALL_B)
    _, alpha_momentum = _rows(momentum, "alpha_max", hi=SMALL_B)
    _, alpha_blow_up = _rows(blow_up, "alpha_max", hi=SMALL_B)
    return {
        "exponent": rates.across_seeds(rates.fit_scaling, b, alpha),
        "exponent_blow_up": rates.across_seeds(rates.fit_scaling, b, alpha_blow_up),
        "ratio_blow_up": _per_seed(np.exp(np.mean(np.log(alpha_blow_up / alpha), axis=1)),
                                   "geometric mean over B of blow-up threshold / v-inflation threshold"),
        "exponent_large_damping": rates.across_seeds(rates.fit_scaling, b, alpha_damped),
        "exponent_beta1_0.9": rates.across_seeds(rates.fit_scaling, b, alpha_momentum),
        "exponent_frozen_v": rates.estimate_from_values([rates.fit_scaling(b, frozen[0]).value],
                                                        method="scaling exponent of the frozen-v threshold"),
        "ratio_frozen_v": _per_seed(np.exp(np.mean(np.log(alpha / frozen), axis=1)),
                                    "geometric mean over B of alpha_max / frozen-v threshold"),
    }


C6 = Claim(
    paper=PAPER.slug, id="C6",
    statement="At small damping, Adam's maximal (linearly) stable learning rate grows like sqrt(B) for B << B*; "
              "with large damping it becomes SGD-like (linear). Under a blow-up criterion the exponent is smaller still, "
              "and not linear either.",
    source="abstract [P] (square-root scaling); small LR / small damping regime [T]; frozen-v mechanism card F3 [D]",
    measure=measure_c6,
    figures=("max_learning_rate_vs_batch",),
    domain=ADAM_DOMAIN,
    predicted=[Scaling(0.5, tol=0.15, parameter="B", on="exponent"),
               Scaling(0.5, tol=0.15, parameter="B", on="exponent_beta1_0.9"),
               Scaling(1.0, tol=0.15, parameter="B", on="exponent_large_damping")],
    controls=[Scaling(1.0, tol=0.15, parameter="B", on="exponent", rival=ADAM_LINEAR),
              Scaling(1.0, tol=0.15, parameter="B", on="exponent_beta1_0.9", rival=ADAM_LINEAR),
              Scaling(1.0, tol=0.15, parameter="B", on="exponent_blow_up", rival=ADAM_LINEAR),
              Scaling(0.5, tol=0.15, parameter="B", on="exponent_large_damping")],
    rationale="Streaming least squares with label noise tau=1, P=100, lam=(5,1,...,1), start at the optimum; Adam with "
              "beta1=0, beta2=0.99, bias correction, T=1500 >= 10/(1-beta2); B in {1,2,4,8} (B << B*=21). WHAT 'MAXIMAL "
              "STABLE' MEANS (issue 19): the paper's definition could not be read (abstracts only); its sqrt(B) comes from a "
              "stability analysis of the preconditioned local quadratic (card F3 [M]), i.e. LINEAR stability. The "
              "measured proxy for it is v-inflation: unstable = time-average over the second half of mean_j v_j / "
              "(tau^2 lam_j / B) above 2 (Adam does not blow up at its linear threshold: its step is bounded and v "
              "inflates, see theorylab.rmt.stability); its thresholds track the frozen-v RMSProp threshold (exponent 0.47 "
              "over this window). The naive alternative, 'the loss exceeds 100 tau^2 within T' (bracket [1e-5, 100]), fires "
              "~10x higher and gives a flatter exponent (0.36-0.41 in development; the card's pilot 0.25-0.35): it is "
              "reported (exponent_blow_up) and only the linear rival is asserted against it, since the paper's sqrt(B) "
              "refers to the linear threshold. Bisection on log alpha, 10 halvings, 3 seeds. Per-seed v-inflation exponents "
              "0.44-0.51 in development, card pilots 0.44-0.54 -> tol 0.15, with the linear rival 0.5 away. Large damping "
              "eps=100 >> sqrt(v) ~ 1 turns Adam into SGD with step alpha/eps: exponent 1 +- 0.15 (same criterion, bracket "
              "[1e-3, 1e3]); control sqrt(B). Adam proper (beta1 = 0.9) keeps the sqrt(B) exponent (card pilot 0.54): "
              "momentum rescales the threshold, not its B-dependence.",
)


# -- perturbative law on finite data sets (logistic regression, MLP GGN) --------------------------------
def _perturbative_fit(traces) -> dict[str, Estimate]:
    """Exponent of the control-variate excess and its ratio to the perturbative law.

    Each seed's window is set by theory, not by the data: the batch sizes where the predicted
    shift is at most a quarter of that seed's gap lambda_1 - lambda_2, so that second-order
    perturbation theory is the leading term (at least 3 batch sizes are required).
    """
    fits, ratios = [], []
    for trace in traces:
        lambda_1, lambda_2 = trace.scalars["lambda_1"], trace.scalars["lambda_2"]
        shift = trace["perturbative_law"] - lambda_1
        keep = shift <= (lambda_1 - lambda_2) / 4
        if keep.sum() < 3:
            raise ValueError(f"fewer than 3 batch sizes in the perturbative regime (seed {trace.meta.get('seed')})")
        b, excess = trace.t[keep], trace["excess_cv_mean"][keep]
        fits.append(rates.fit_power_law(b, excess, window=(b[0], b[-1])))
        ratios.append(np.exp(np.mean(np.log(excess / shift[keep]))))
    return {
        "exponent": rates.estimate_from_fits(fits),
        "law_ratio": _per_seed(ratios, "geometric mean over the perturbative window of measured / predicted excess"),
    }


HVP_TOL = 1e-6


def _hvp_check(traces) -> Estimate:
    """Worst case over seeds of the curvature factors' error against finite differences (independent route)."""
    return rates.estimate_from_values([t.scalars["hvp_fd_error"] for t in traces], summary="max",
                                      method="relative error of the batch Hessian or GGN against central differences")


def measure_c3b(ctx) -> dict[str, Estimate]:
    traces = ctx.runs("rmt_logistic_spectrum")
    return {**_perturbative_fit(traces), "hvp_fd_error": _hvp_check(traces)}


C3b = Claim(
    paper=PAPER.slug, id="C3b",
    statement="For logistic regression at its ridge MLE, E lambda_max(H_B) - lambda_max(H_emp) scales like 1/B with the "
              "second-order perturbation coefficient (the GLM form of the F2 outlier law).",
    source="card C3/R1e [D]; perturbative law derived here (reduces to F2's 1/B term for Gaussian inputs)",
    measure=measure_c3b,
    domain=LOGISTIC_DOMAIN,
    predicted=[Scaling(-1.0, tol=0.1, parameter="B", on="exponent"),
               Close(1.0, rtol=0.1, on="law_ratio"),
               Bound(upper=HVP_TOL, label="batch HVP vs finite differences of the gradient", on="hvp_fd_error")],
    controls=[Scaling(-0.5, tol=0.1, parameter="B", on="exponent", rival=BULK_EDGE),
              Close(0.0, atol=0.5, on="law_ratio", rival=NO_BATCH_EFFECT)],
    rationale="Same runs as C1 (P=100, spike 10, N=10^4, 40 batches with replacement per B, 3 data sets). Window per "
              "data set: the B where the predicted shift is at most a quarter of the gap lambda_1 - lambda_2, so that "
              "second-order perturbation theory is the leading term (B >= 64 here). The quick grid now reaches B = 1024 (was "
              "512, issue 15 exploration): at P = 50, spike 5 the window started at B = 128, and three points over two "
              "octaves with 3% per-B errors gave one seed -0.90, at the band's edge; a third octave halves that. The excess uses the v1 control variate "
              "(per-B standard errors 2-5%). Per-seed exponents -1.00..-1.03 and per-B ratios 0.96-1.07 in development: "
              "tol 0.1 on the exponent (control -1/2, the bulk-edge rate) and 10% on the coefficient (card R1e's "
              "acceptance). Second control: no batch effect (ratio ~0). Independent check of the curvature weights "
              "(issue 19: wrong weights passed every law, the laws being built from the same matrices): H_B v against "
              "central differences of the batch gradient (3 probes, B = 64), worst case over seeds <= 1e-6 (measured "
              "~3e-9; the O(h^2) truncation at h = 1e-4).",
)


# -- C7: the GGN analogue on a two-layer MLP ------------------------------------------------------------
def _pooled_excess_z(traces, hi: float) -> Estimate:
    """Per seed: Stouffer's pooled z, sum over B <= hi of (mean lambda_max(H_B) - lambda_1) / SE, over sqrt(count)."""
    _, mean = _rows(traces, "lmax_mean", hi=hi)
    _, se = _rows(traces, "lmax_se", hi=hi)
    lambda_1 = np.array([t.scalars["lambda_1"] for t in traces])[:, None]
    z = (mean - lambda_1) / se
    return _per_seed(z.sum(axis=1) / np.sqrt(z.shape[1]), f"Stouffer z over B <= {hi:g} of the raw excess / SE")


def measure_c7(ctx) -> dict[str, Estimate]:
    traces = ctx.runs("rmt_mlp_spectrum")
    return {**_perturbative_fit(traces), "lmax_excess_z": _pooled_excess_z(traces, hi=16),
            "hvp_fd_error": _hvp_check(traces)}


C7 = Claim(
    paper=PAPER.slug, id="C7",
    statement="For the Gauss-Newton matrix of a trained two-layer MLP, E lambda_max(G_B) exceeds lambda_max(G) and the "
              "excess scales like 1/B with the second-order perturbation coefficient.",
    source="abstract [P] (GGN analogue); the paper's GGN formula not retrieved -> perturbative law [D] (F2's 1/B term "
           "generalised to non-Gaussian per-sample Jacobians)",
    measure=measure_c7,
    figures=("lambda_max_vs_batch", "spectral_density_vs_batch"),
    domain=MLP_DOMAIN,
    predicted=[Scaling(-1.0, tol=0.15, parameter="B", on="exponent"),
               Close(1.0, rtol=0.15, on="law_ratio"),
               Bound(lower=3.0, label="lambda_max excess z", on="lmax_excess_z"),
               Bound(upper=HVP_TOL, label="GGN quadratic form vs finite differences of the outputs", on="hvp_fd_error")],
    controls=[Scaling(-0.5, tol=0.15, parameter="B", on="exponent", rival=BULK_EDGE),
              Close(0.0, atol=2.0, on="lmax_excess_z", rival=NO_BATCH_EFFECT)],
    rationale="tanh MLP 20-16-1 (P=336) trained 200 full-batch GD steps on a 2-Gaussian mixture (N=4000, |mu|=1.5, "
              "squared loss); GGN at the end point, batches with replacement, 40 per B (raised from 20 by the issue 15 "
              "exploration: at separation 1.0, width 13, input 22 one seed's coefficient read 0.84 with per-B errors "
              "5-10%), 3 seeds. The top GGN eigenvalue "
              "is separated (lambda_1/lambda_2 = 1.6-2.2 over seeds). Window per seed: the B where the predicted shift is at most "
              "a quarter of the gap lambda_1 - lambda_2 (B >= 32 to 128 depending on the seed), where second-order perturbation theory applies. Excess measured with the "
              "v1 control variate (as in C4). Per-seed exponents -0.98..-1.04 and law ratios 0.9-1.1 in development, "
              "with per-B standard errors ~5-10% at 20 batches -> tol 0.15 on both; control: bulk-edge exponent -1/2. "
              "Jensen part (C1 on the GGN): the raw excess mean lambda_max(G_B) - lambda_1 over its standard error, pooled "
              "over B in {4, 8, 16} by Stouffer's z (sum / sqrt 3) per seed: >= 3; rival 'no batch effect' |z| <= 2. The "
              "former min-over-B<=32 z lacked power (3 of 12 fresh seeds below 3, issue 19); B = 4, 8 were added to the "
              "grid (outside the perturbative window, which theory sets) and the pooled z is 10-30 over 12 fresh seeds. "
              "Independent check of the matrices: the GGN quadratic form v^T G_B v against |J_B v|^2 / B with J_B v from "
              "central differences of the network outputs (3 probes, B = 64), worst case over seeds <= 1e-6 "
              "(measured ~1e-11).",
)


# -- C8: the negative-eigenvalue mirror (cross-entropy MLP away from a minimum) ----------------------
MIRROR_FRACTION = 16.0
MIRROR_LAST = 2


def measure_c8(ctx) -> dict[str, Estimate]:
    traces = ctx.runs("rmt_ce_negative_spectrum")
    b, deficit = _rows(traces, "deficit_cv_mean", lo=64)
    ratios = []
    for trace in traces:
        lam, lam2 = trace.scalars["lambda_min"], trace.scalars["lambda_min_2"]
        shift = lam - trace["perturbative_law"]
        last = slice(-MIRROR_LAST, None)
        inside = bool(np.all(shift[last] <= (lam2 - lam) / MIRROR_FRACTION))
        ratios.append(np.exp(np.mean(np.log(trace["deficit_cv_mean"][last] / shift[last]))) if inside else np.nan)
    _, mean = _rows(traces, "lmin_mean", hi=32)
    _, se = _rows(traces, "lmin_se", hi=32)
    lam = np.array([t.scalars["lambda_min"] for t in traces])
    z = (lam[:, None] - mean) / se
    return {
        "exponent": rates.across_seeds(rates.fit_power_law, b, deficit, window=(b[0], b[-1])),
        "law_ratio": _per_seed(ratios, f"geometric mean over the {MIRROR_LAST} largest B of measured / predicted deficit"),
        "lmin_deficit_z": _per_seed(z.sum(axis=1) / np.sqrt(z.shape[1]),
                                    "Stouffer z over B <= 32 of (lambda_min(H) - mean lambda_min(H_B)) / SE"),
        "lambda_min_full": rates.estimate_from_values(lam, summary="max", method="lambda_min of the full Hessian"),
        "hvp_fd_error": _hvp_check(traces),
    }


C8 = Claim(
    paper=PAPER.slug, id="C8",
    statement="Mirror of C1/C3b for negative curvature: for the full cross-entropy Hessian of a tanh MLP away from a "
              "minimum (indefinite), E lambda_min(H_B) < lambda_min(H) and the deficit scales like 1/B with the "
              "second-order perturbation coefficient.",
    source="abstract [P] ('the magnitude of the extremal values of the batch Hessian are larger'); card Pitfalls "
           "(negative eigenvalues, C1 mirror); perturbative law derived here [D]",
    measure=measure_c8,
    domain=CE_DOMAIN,
    predicted=[Bound(upper=0.0, label="lambda_min(H) < 0 (away from a minimum)", on="lambda_min_full"),
               Bound(lower=3.0, label="lambda_min deficit z", on="lmin_deficit_z"),
               Scaling(-1.0, tol=0.15, parameter="B", on="exponent"),
               Close(1.0, rtol=0.15, on="law_ratio"),
               Bound(upper=HVP_TOL, label="batch HVP vs finite differences of the gradient", on="hvp_fd_error")],
    controls=[Scaling(-0.5, tol=0.15, parameter="B", on="exponent", rival=BULK_EDGE),
              Close(0.0, atol=2.0, on="lmin_deficit_z", rival=NO_BATCH_EFFECT)],
    rationale="tanh MLP 10-8-1 (P=88), logistic loss on a 2-Gaussian mixture (N=4000, |mu|=1.5), 5 full-batch GD steps "
              "from a standard normal init: away from a minimum, 20-50 negative Hessian eigenvalues. Full per-sample "
              "Hessians l'' J J^T + l' grad^2 f (analytic, checked against central differences of the batch gradient, "
              "<= 1e-6; measured ~1e-10), 40 batches with replacement per B, 3 seeds. Issue 15 exploration: 4-7 of 10 "
              "domain points are inconclusive on the coefficient, all with a near-degenerate bottom (gap 0.0004-0.003), "
              "where the batch fluctuation of the bottom pair's diagonal difference is comparable to the gap even at "
              "B = 8192; 80 batches did not help (same 6 of 10) and turned the profile's seed 1 (gap 0.003) inconclusive "
              "on the exponent (-1.15), so 40 was kept and the fragility is reported in docs/papers. The deficit is measured with the "
              "control variate u_1^T H_B u_1 - lambda_min(H_B) (u_1 the full bottom eigenvector; unbiased, as in C4). "
              "Exponent: fixed window B in [64, 8192] (B >= P/ish, where every seed's deficit is in its 1/B regime in "
              "development: per-seed slopes -0.95..-1.05 over 8 fresh seeds at 40 batches); tol 0.15 as in C7, rival "
              "-1/2 (bulk edge). Coefficient (the asymptotic one, B -> infinity): measured / predicted deficit at the two "
              "largest B (4096, 8192), required to lie where the predicted shift is at most gap/16 (gap = lambda_2 - "
              "lambda_1 at the bottom; then the rms coupling to the nearest eigenvalue is at most a quarter of the gap), "
              "else NaN (inconclusive), never a pass. History: a per-seed window 'shift <= gap/4' (as in C3b/C7) let "
              "near-degenerate bottoms (gaps 0.002-0.003) read 1.3-1.5 and 'gap/10' still 1.16 on one quick seed, whose "
              "ratio only reaches 1 at B >= 4096 -- higher orders of near-degenerate perturbation theory; so the law is "
              "read asymptotically. Ratios 0.93-1.07 at 40 batches over 8 development seeds -> rtol 0.15. Jensen part: raw deficit z pooled (Stouffer) over B <= 32, >= 3; "
              "rival |z| <= 2.",
)


CLAIMS = [C1, C2, C3, C3b, C4, C5, C5b, C6, C7, C8]
