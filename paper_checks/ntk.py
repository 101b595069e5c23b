"""Claims of Jacot, Gabriel, Hongler (NeurIPS 2018): the Neural Tangent Kernel.

Card: ../shared/papers/ntk.md. Tags: [paper] read in the paper, [measured] computed by the card's
research assistant, [derived] / [inferred] our deductions. Every net is a deep ReLU MLP in the NTK
parameterization (weights and biases N(0, 1), ``W a / sqrt(n_l) + beta b``), depth L = 4, beta = 0.1,
as in the paper's experiments. ReLU is outside Theorem 2's hypotheses (twice differentiable
activation); the paper's own experiments use it too, so C4/C6/C7 test ReLU empirically.
"""

from __future__ import annotations

import numpy as np

from theorylab import Bound, Claim, Close, Geometric, Paper, Scaling, rates
from theorylab.ntk import analytic
from theorylab.ntk import experiments as ntk
from theorylab.rates import estimate_from_values
from theorylab.trace import stack

PAPER = Paper(
    slug="ntk",
    title="Neural Tangent Kernel: Convergence and Generalization in Neural Networks",
    citation="A. Jacot, F. Gabriel, C. Hongler. NeurIPS 2018. arXiv:1806.07572",
    url="https://arxiv.org/abs/1806.07572",
    figures=ntk.make_figures,
)

# -- C1: golden values ---------------------------------------------------------------------------
# Card section 3.4 [measured]: our recursion's values cross-checked against neural-tangents 0.6.5,
# printed to 8 decimals. Inputs x0 = (1, 0) and x = (cos g, sin g), g = 0, pi/4, pi/2, 3pi/4, pi.
GOLDEN_ANGLES = np.array([0.0, 0.25, 0.5, 0.75, 1.0]) * np.pi
GOLDEN = {  # (depth, beta): (Theta, Sigma)
    (1, 0.1): ([0.51, 0.36355339, 0.01, -0.34355339, -0.49], [0.51, 0.36355339, 0.01, -0.34355339, -0.49]),
    (2, 0.0): ([0.5, 0.32143481, 0.07957747, -0.03211858, 0.0], [0.25, 0.18885229, 0.07957747, 0.0120756, 0.0]),
    (2, 0.1): ([0.52, 0.34053398, 0.09621583, -0.02096053, -0.01131697],
               [0.265, 0.20372958, 0.09368462, 0.02451433, 0.01059547]),
    (3, 0.1): ([0.4025, 0.24900071, 0.10784859, 0.05293606, 0.05195737],
               [0.1425, 0.11633867, 0.07826137, 0.05848523, 0.05485864]),
    (4, 0.0): ([0.25, 0.13958273, 0.06627426, 0.04235897, 0.04285679],
               [0.0625, 0.05130705, 0.03780161, 0.03178889, 0.03085819]),
    (4, 0.1): ([0.2825, 0.16997051, 0.09270211, 0.06603643, 0.06435377],
               [0.08125, 0.06986725, 0.05576028, 0.04923932, 0.04809659]),
    (4, 1.0): ([3.5, 3.27707181, 3.05903573, 2.91686488, 2.86947668],
               [1.9375, 1.9224948, 1.89443182, 1.87232747, 1.86440195]),
}
GOLDEN_NON_UNIT_X = np.array([[1.0, 2.0], [-0.5, 0.3], [3.0, -1.0]])
GOLDEN_NON_UNIT_THETA = np.array([[1.2825, 0.12232885, 0.55910755], [0.12232885, 0.1175, 0.1049806],
                                  [0.55910755, 0.1049806, 2.5325]])
TABLE_ROUNDING = 5e-9  # half a unit in the 8th decimal: the table cannot be matched more closely
BETA_NEIGHBOUR = {0.0: 0.1, 0.1: 0.0, 1.0: 0.1}


def table_deviation(shift_depth: int = 0, beta_of=lambda beta: beta) -> float:
    """Max |kernel - golden| over the whole table, computing the kernel at a (possibly wrong) depth/beta."""
    x0 = analytic.circle_points([0.0])
    X = analytic.circle_points(GOLDEN_ANGLES)
    worst = 0.0
    for (depth, beta), (theta, sigma) in GOLDEN.items():
        if depth + shift_depth < 1:
            continue
        s, t = analytic.limit_kernels(x0, X, depth=depth + shift_depth, beta=beta_of(beta))
        worst = max(worst, np.abs(t[0] - theta).max(), np.abs(s[0] - sigma).max())
    if shift_depth == 0:
        t = analytic.ntk(GOLDEN_NON_UNIT_X, depth=4, beta=beta_of(0.1))
        worst = max(worst, np.abs(t - GOLDEN_NON_UNIT_THETA).max())
    return float(worst)


def exact_deviation() -> float:
    """Max |kernel - exact value| over entries known in closed form, for depths 1-6 and three betas.

    Exact values: the diagonal (``analytic.diagonal``), the depth-1 linear kernel ``x.x'/n0 + beta^2``,
    and depth 2 with beta = 0 at orthogonal points (``Theta = |x||x'| / (2 pi n0)``) and antipodal
    points (``Theta = 0``).
    """
    rng = np.random.default_rng(0)
    X = rng.standard_normal((12, 3))
    worst = 0.0
    for depth in range(1, 7):
        for beta in (0.0, 0.1, 1.0):
            sigma, theta = analytic.limit_kernels(X, depth=depth, beta=beta)
            ds, dt = analytic.diagonal(np.sum(X**2, axis=1), 3, depth=depth, beta=beta)
            worst = max(worst, np.abs(np.diag(theta) - dt).max(), np.abs(np.diag(sigma) - ds).max())
        linear = analytic.ntk(X, depth=1, beta=0.3)
        worst = max(worst, np.abs(linear - (X @ X.T / 3 + 0.09)).max())
    u, v = np.array([[2.0, 0.0]]), np.array([[0.0, 3.0], [-2.0, 0.0]])
    theta = analytic.ntk(u, v, depth=2, beta=0.0)[0]
    worst = max(worst, abs(theta[0] - 6.0 / (2 * np.pi * 2)), abs(theta[1]))
    return float(worst)


def measure_c1(ctx):
    one = lambda value, method: estimate_from_values([value], method=method)  # noqa: E731 -- deterministic
    return {
        "table": one(table_deviation(), "max |Theta, Sigma - golden| over the card's table"),
        "exact": one(exact_deviation(), "max |Theta, Sigma - closed form| (diagonals, depth 1, depth-2 special angles)"),
        "depth_plus_one": one(table_deviation(+1), "same table, kernel computed at depth L + 1"),
        "depth_minus_one": one(table_deviation(-1), "same table, kernel computed at depth L - 1"),
        "beta_swapped": one(table_deviation(0, BETA_NEIGHBOUR.get), "same table, beta 0 <-> 0.1, 1.0 -> 0.1"),
    }


# -- C2: the output covariance at initialization -------------------------------------------------
def covariance_projection(K: np.ndarray, sigma: np.ndarray) -> float:
    """``<K, Sigma>_F / <Sigma, Sigma>_F``: what the C2 statistic converges to if the covariance were ``K``."""
    return float(np.sum(K * sigma) / np.sum(sigma * sigma))


def c2_alternatives() -> dict[str, float]:
    """The C2 statistic under wrong covariances: the NTK, and Sigma at depth L -/+ 1 (quick-profile setup)."""
    X = analytic.equispaced_circle(8)
    sigma = analytic.nngp(X, depth=4, beta=0.1)
    return {"ntk": covariance_projection(analytic.ntk(X, depth=4, beta=0.1), sigma),
            "depth_minus_one": covariance_projection(analytic.nngp(X, depth=3, beta=0.1), sigma),
            "depth_plus_one": covariance_projection(analytic.nngp(X, depth=5, beta=0.1), sigma)}


C2_ALTERNATIVES = c2_alternatives()


def measure_c2(ctx):
    traces = ctx.runs("ntk_init_output", depth=4, beta=0.1, n_points=8)
    return estimate_from_values([trace["cov_ratio"][0] for trace in traces],
                                method="<C_hat, Sigma>_F / <Sigma, Sigma>_F per seed (C_hat over 200 nets)")


# -- C3: empirical NTK at initialization ------------------------------------------------------
def measure_c3(ctx):
    traces = ctx.runs("ntk_init_kernel")
    widths, err = stack(traces, "rel_err")
    _, diag = stack(traces, "diag_rel_err")
    return {"frobenius_exponent": rates.across_seeds(rates.fit_power_law, widths, err, window=(None, None)),
            "diagonal_exponent": rates.across_seeds(rates.fit_power_law, widths, diag, window=(None, None))}


# -- C4 / C6: training on x1 * x2 -------------------------------------------------------------
TRAIN_WIDTHS = (64, 128, 256, 512)


def final_values(grid, metric: str) -> np.ndarray:
    """``values[s, w]``: the metric at the last recorded step, seed s, width w."""
    return np.array([[trace[metric][-1] for trace in runs] for runs in grid]).T


def measure_c4(ctx):
    change = final_values(ctx.grid("ntk_train", "width", TRAIN_WIDTHS), "kernel_change")
    return rates.across_seeds(rates.fit_power_law, TRAIN_WIDTHS, change, window=(None, None))


def measure_c6(ctx):
    gap = final_values(ctx.grid("ntk_train", "width", TRAIN_WIDTHS), "gap")
    return {"width_exponent": rates.across_seeds(rates.fit_power_law, TRAIN_WIDTHS, gap, window=(None, None)),
            "gap_narrowest": estimate_from_values(gap[:, 0], method=f"relative L2 gap at width {TRAIN_WIDTHS[0]}"),
            "gap_widest": estimate_from_values(gap[:, -1], method=f"relative L2 gap at width {TRAIN_WIDTHS[-1]}")}


def measure_c8(ctx):
    growth = final_values(ctx.grid("ntk_train", "width", TRAIN_WIDTHS), "diag_growth")
    return {"growth_narrowest": estimate_from_values(growth[:, 0], method=f"mean Theta_T(x,x)/Theta_0(x,x) - 1, width {TRAIN_WIDTHS[0]}"),
            "growth_widest": estimate_from_values(growth[:, -1], method=f"mean Theta_T(x,x)/Theta_0(x,x) - 1, width {TRAIN_WIDTHS[-1]}"),
            "width_exponent": rates.across_seeds(rates.fit_power_law, TRAIN_WIDTHS, growth, window=(None, None))}


# -- C5: positive definiteness on the sphere -----------------------------------------------------
def min_eigenvalue_ratio(depth: int, beta: float, n_points: int = 16) -> float:
    """``lambda_min / lambda_max`` of the Theta_inf Gram on ``n_points`` equispaced circle points."""
    lam = np.linalg.eigvalsh(analytic.ntk(analytic.equispaced_circle(n_points), depth=depth, beta=beta))
    return float(lam[0] / lam[-1])


def measure_c5(ctx):
    cases = {"depth2_beta0.1": (2, 0.1), "depth3_beta0": (3, 0.0), "depth4_beta0.1": (4, 0.1),
             "depth2_beta0": (2, 0.0), "depth1_beta0.1": (1, 0.1)}
    return {name: estimate_from_values([min_eigenvalue_ratio(*case)], method=f"lambda_min / lambda_max, L={case[0]}, "
                                       f"beta={case[1]}, 16 equispaced circle points")
            for name, case in cases.items()}


# -- C7: principal-component dynamics -----------------------------------------------------------
PC_SETUP = dict(depth=4, beta=0.1, n_points=16, data_seed=0, component=2, amplitude=0.5, eta=1.0)
_, PC_LAMBDA, _ = ntk.pc_problem(PC_SETUP["n_points"], PC_SETUP["data_seed"], PC_SETUP["depth"], PC_SETUP["beta"])
PC_RATES = np.log(1 - PC_SETUP["eta"] * PC_LAMBDA)  # log-contraction per step of each component, limit kernel


def measure_c7(ctx):
    traces = ctx.runs("ntk_pc_dynamics", **PC_SETUP)
    steps, g = stack(traces, "g")
    _, h = stack(traces, "h")
    # Fit while g is above 10% of its start: below that the finite-width deviations (~0.02) dominate.
    rate = rates.across_seeds(rates.fit_geometric, steps, g, window=(0, None), floor=0.1 * PC_SETUP["amplitude"])
    deviation = estimate_from_values(np.nanmax(h, axis=1) / PC_SETUP["amplitude"], method="max_t ||h_t||_pin / 0.5")
    return {"rate": rate, "max_deviation": deviation}


CLAIMS = [
    Claim(PAPER.slug, "C1", "The limit kernels Theta^(L)_inf and Sigma^(L) of deep ReLU nets (arc-cosine recursion) "
          "reproduce the golden values", "Prop. 1, Thm. 1 [paper]; golden table card 3.4 [measured vs neural-tangents]",
          measure_c1,
          predicted=[Close(0.0, atol=TABLE_ROUNDING, on="table"), Close(0.0, atol=1e-12, on="exact")],
          controls=[Close(0.0, atol=TABLE_ROUNDING, on="depth_plus_one"),
                    Close(0.0, atol=TABLE_ROUNDING, on="depth_minus_one"),
                    Close(0.0, atol=TABLE_ROUNDING, on="beta_swapped")],
          rationale="Deterministic, float64. The card's table is printed to 8 decimals, so it can only be matched "
                    "to its rounding, 5e-9 (measured max deviation 2.7e-9); the 1e-12 check is against entries "
                    "known exactly: diagonals (closed form, depths 1-6, beta in {0, 0.1, 1}, non-unit inputs), "
                    "the depth-1 linear kernel, and depth 2 / beta 0 at orthogonal and antipodal inputs "
                    "(measured max ~1e-16). Controls: the same table against the kernel at depth L+1, L-1, "
                    "or with beta 0 <-> 0.1 (and 1 -> 0.1); each misses the table by > 1e-2."),
    Claim(PAPER.slug, "C2", "At initialization the output's covariance is the NNGP kernel Sigma^(L)",
          "Prop. 1 [paper]; test design [inferred, card V3]", measure_c2,
          predicted=Close(1.0, rtol=0.15),
          controls=[Close(C2_ALTERNATIVES["ntk"], rtol=0.15), Close(C2_ALTERNATIVES["depth_minus_one"], rtol=0.15),
                    Close(C2_ALTERNATIVES["depth_plus_one"], rtol=0.15)],
          rationale="Width 128, L = 4, beta = 0.1, 8 equispaced circle points; per seed the second moment of "
                    "f(X) over 200 independent nets, projected on Sigma: <C_hat, Sigma>/<Sigma, Sigma> (1 if the "
                    "covariance is Sigma). Monte Carlo sd per seed ~0.1 (16 seeds at widths 32/128/512: medians "
                    "1.00/1.06/0.94), so rtol 0.15 is ~3 sd of the median of 6. The diagonal variance equals "
                    "Sigma at every width (E[relu(z)^2] = E[z^2]/2 for symmetric z); off-diagonal terms carry an "
                    "O(1/n) bias. Controls: the statistic if the covariance were the NTK (2.24) or Sigma at "
                    "depth 3 (1.51) or 5 (0.69). Gaussianity itself (the 'GP' part) is not tested."),
    Claim(PAPER.slug, "C3", "The empirical NTK at initialization converges to Theta_inf: the relative Frobenius "
          "error scales like width^-1/2", "Thm. 1 [paper]; rate [measured, card C3]", measure_c3,
          predicted=[Scaling(-0.5, tol=0.15, parameter="width"),
                     Scaling(-0.5, tol=0.25, parameter="width", on="diagonal_exponent")],
          controls=[Scaling(0.0, tol=0.15, parameter="width"), Scaling(-1.0, tol=0.15, parameter="width")],
          rationale="L = 4, beta = 0.1, 16 equispaced circle points, widths 64-512. One seed = the mean error of "
                    "16 independent nets per width (a card repetition); the slope is fitted over all widths, "
                    "per seed, 8 seeds. Per-seed slopes: sd 0.056, median -0.48 over 16 seeds (card: -0.465, "
                    "range -0.55..-0.41), so tol 0.15 is ~3 sd of one seed and ~6 sd of the median; the "
                    "controls 0 (no convergence) and -1 (a 1/n fluctuation) are >= 0.35 away. The diagonal "
                    "entry Theta(x0, x0) alone is noisier (per-seed sd 0.13): tol 0.25."),
    Claim(PAPER.slug, "C4", "During training the NTK changes less for wider nets, at least as fast as width^-1/2",
          "Thm. 2 (-> 0) [paper]; n^-1/2 upper bound Lee et al. 2019 [recalled]; ~1/n [measured]", measure_c4,
          predicted=Bound(upper=-0.4, label="width exponent of the kernel change"),
          controls=[Scaling(0.0, tol=0.25, parameter="width"), Scaling(-0.5, tol=0.15, parameter="width")],
          rationale="200 full-batch GD steps, lr 1, on f*(x) = x1 x2 with 16 N(0, I_2) inputs (paper Fig. 1 "
                    "task), widths 64-512, 6 seeds; statistic ||Theta_hat_T - Theta_hat_0||_F / ||Theta_hat_0||_F "
                    "on 16 circle points + the training points, slope per seed over all widths. "
                    "Measured per-seed sd 0.18 (median of 6: ~0.09), median -0.95 (card -0.88/-0.90), "
                    "consistent with the O(1/n) of Dyer & Gur-Ari / Huang & Yau. The n^-1/2 rate is an upper "
                    "bound, so the law is one-sided: slope <= -0.5, with 0.1 allowance for the median's sd. "
                    "Controls: no decay with width (0), and the two-sided reading 'change ~ n^-1/2' (-0.5 +- 0.15), "
                    "which the measured slope rejects."),
    Claim(PAPER.slug, "C5", "Theta_inf is positive definite on the sphere for depth >= 3 or beta > 0; depth 2 "
          "with beta = 0 is singular on the circle", "Prop. 2 [paper]; singular case [measured, card C5]",
          measure_c5,
          predicted=[Bound(lower=1e-8, on=name, label=f"lambda_min/lambda_max ({name})")
                     for name in ("depth2_beta0.1", "depth3_beta0", "depth4_beta0.1")],
          controls=[Bound(lower=1e-8, on="depth2_beta0", label="lambda_min/lambda_max (depth 2, beta 0)"),
                    Bound(lower=1e-8, on="depth1_beta0.1", label="lambda_min/lambda_max (depth 1, linear)")],
          rationale="16 equispaced points on the unit circle, deterministic. Positive definite means lambda_min > 0; "
                    "eigvalsh is accurate to ~1e-15 lambda_max, so 1e-8 relative separates 'positive' from "
                    "round-off by 7 decades. Measured ratios ~5e-3 to 1e-2 (card: lambda_min 1.4e-2, 2.2e-2, "
                    "2.5e-2). Controls: depth 2 / beta 0 (odd harmonics >= 3 vanish; ratio ~1e-16) and the "
                    "depth-1 linear kernel (rank n0 + 1 = 3)."),
    Claim(PAPER.slug, "C6", "The trained network's outputs approach the Theta_inf kernel-GD prediction (from the "
          "same f_0) as the width grows", "Sec. 5 [paper]; finite-width rate [measured, card C6]", measure_c6,
          predicted=[Bound(upper=0.0, label="width exponent of the gap"),
                     Bound(upper=0.15, on="gap_widest", label="gap at the widest net")],
          controls=[Scaling(0.0, tol=0.1, parameter="width"),
                    Bound(upper=0.05, on="gap_narrowest", label="narrow net already matches the kernel")],
          rationale="Same runs as C4 (x1 x2 task, 200 steps, widths 64-512, 6 seeds). Gap = ||f_net - f_kernel|| "
                    "/ ||f_kernel|| on 16 circle test points at step 200, f_kernel from discrete GD in function "
                    "space with Theta_inf. Per-seed slope sd 0.14, median -0.35 (card -0.35; pre-asymptotic, as "
                    "Theta_hat_0 - Theta_inf = O(n^-1/2)); the claim is 'decreases' (slope < 0) and the control "
                    "'flat' (|slope| <= 0.1) must be rejected, so a pass needs slope < -0.1. The narrowest net's "
                    "gap (~0.2) must not be small (control: <= 0.05); at width 512 it is ~0.1."),
    Claim(PAPER.slug, "C7", "The residual along kernel principal component i decays geometrically at "
          "(1 - eta lambda_i)^t, lambda_i an eigenvalue of Pi = Theta_inf / N",
          "Sec. 5 and Fig. 3 [paper]; discrete-time rate [derived]", measure_c7,
          predicted=[Geometric(float(PC_RATES[1]), rtol=0.2),
                     Bound(upper=0.15, on="max_deviation", label="max deviation from the straight line")],
          controls=[Geometric(float(PC_RATES[2]), rtol=0.2), Geometric(float(PC_RATES[0]), rtol=0.2)],
          rationale="16 points on the circle at fixed random angles (data_seed 0; equispaced points give paired "
                    "eigenvalues), L = 4, beta = 0.1, lr 1, target f_0 + 0.5 f^(2) with f^(2) the second kernel PC "
                    "(normalized in L2(p_in)), width 256, 100 steps, 6 seeds. lambda_1..3 of Pi = 0.144, 0.053, "
                    "0.033. The rate is fitted on steps 0..~55 while g_t > 0.05 (below it the finite-width "
                    "deviations, ~0.02, dominate). Per-seed relative sd of the rate ~14% at width 256 (8 seeds: "
                    "median ratio 0.99; 0.93-1.04 at widths 128-512), so rtol 0.2 is ~3 sd of the median of 6; "
                    "the neighbouring eigenvalues' rates are 39% and 190% away. max ||h_t||/0.5 ~0.05 (card V6 "
                    "accepts < 0.15)."),
    Claim(PAPER.slug, "C8", "Training inflates the finite-width NTK (its diagonal grows), less so for wider nets",
          "Sec. 6, Fig. 1 [paper, qualitative]; sizes [measured, card C8]", measure_c8,
          predicted=[Bound(lower=0.0, on="growth_narrowest", label="diagonal growth, narrowest"),
                     Bound(lower=0.0, on="growth_widest", label="diagonal growth, widest"),
                     Bound(upper=0.0, on="width_exponent", label="width exponent of the growth")],
          controls=[Bound(upper=0.0, on="growth_narrowest", label="no inflation (growth <= 0)"),
                    Scaling(0.0, tol=0.25, parameter="width", on="width_exponent")],
          rationale="Same runs as C4 (x1 x2 task, 200 steps, lr 1, widths 64-512, 6 seeds). Growth = mean over "
                    "the 32 kernel points of Theta_T(x,x)/Theta_0(x,x) - 1. Over 12 seeds every seed inflated "
                    "at every width; medians 0.84/0.44/0.20/0.085 (card: Theta(x0,x0) +14% at n = 500), per-seed "
                    "slope -1.11 [-1.27, -0.95]. The paper's claim is qualitative, so the laws are signs; the "
                    "controls are 'no inflation' and 'inflation independent of width' (|slope| <= 0.25)."),
]
