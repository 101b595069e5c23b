"""Claims of Kwon, Kwon, Wright & Nowak (ICLR 2024): penalty methods for nonconvex bilevel problems.

Card: ``shared/papers/bilevel_penalty.md``. The paper has no experiments; every measurement here
is on the card's synthetic problems P1-P5 whose hyper-objective ``psi`` is known in closed form.
Constants marked [D] on the card (the gap coefficient, the mu-exponents of P5) are derived by us,
not stated in the paper; the algorithms' step sizes and stopping rules are our inference [M].
"""

from __future__ import annotations

import numpy as np

from theorylab import Bound, Claim, Close, Estimate, Paper, PowerLaw, Scaling, rates
from theorylab.bilevel import experiments as bilevel
from theorylab.bilevel import problems

PAPER = Paper(
    slug="bilevel_penalty",
    title="On Penalty Methods for Nonconvex Bilevel Optimization and First-Order Stochastic Approximation",
    citation="J. Kwon, D. Kwon, S. J. Wright, R. D. Nowak. ICLR 2024 (arXiv:2309.01753).",
    url="https://arxiv.org/abs/2309.01753",
    figures=bilevel.make_figures,
)

# P3 at x = 0.7 and P4 at three interior points complement the random P1/P2 instances.
FIXED_POINTS = (("p3", 0.7), ("p4", 0.3), ("p4", 1.0), ("p4", 2.0))


def _closeness_traces(ctx):
    random_cases = ctx.run_many([("bilevel_closeness", {"problem": "p1", "dx": 3, "dy": 5}),
                                 ("bilevel_closeness", {"problem": "p2"})])
    fixed_cases = ctx.run_many([("bilevel_closeness", {"problem": p, "x": x}) for p, x in FIXED_POINTS], seeds=[0])
    return [t for group in random_cases + fixed_cases for t in group]


def _slopes(traces, metric: str, label: str) -> Estimate:
    # The whole sigma grid is the window: every point is in the asymptotic regime sigma << mu.
    fits = [rates.fit_power_law(t.t, t[metric], window=(None, None)) for t in traces]
    return rates.estimate_from_values([f.value for f in fits],
                                      method=f"{label}: OLS log-log slope over the sigma grid, one per instance",
                                      window=(float(traces[0].t.min()), float(traces[0].t.max())))


def measure_c1(ctx):
    traces = _closeness_traces(ctx)
    slope = _slopes(traces, "gap_value", "psi - psi_sigma")
    # gap / sigma at the smallest sigma over the derived coefficient grad_y f^T H^+ grad_y f.
    ratios = [t["gap_value"][0] / t.t[0] / t.scalars["gap_coefficient"] for t in traces]
    ratio = rates.estimate_from_values(ratios, method="(psi - psi_sigma) / (sigma * grad_y f^T H^+ grad_y f) "
                                       "at the smallest sigma", window=(float(traces[0].t[0]),) * 2)
    return {"slope": slope, "coefficient": ratio}


def measure_c2(ctx):
    return _slopes(_closeness_traces(ctx), "gap_grad", "||grad psi_sigma - grad psi||")


def _random_points(problem, rng, n):
    if isinstance(problem, problems.PBGDToy):
        return rng.uniform(0.1, 2.9, (n, 1))  # interior of X = [0, 3]
    if isinstance(problem, problems.DegenerateBilevel):
        return rng.choice([-1.0, 1.0], (n, 1)) * rng.uniform(0.05, 2.0, (n, 1))  # away from x = 0
    return rng.uniform(-2.0, 2.0, (n, problem.dx))


def measure_c3(ctx, n_points: int = 40):
    rng = np.random.default_rng(0)
    instances = [problems.make_p1(np.random.default_rng(1)), problems.make_p2(np.random.default_rng(1)),
                 problems.CircleBilevel(), problems.PBGDToy(), problems.DegenerateBilevel()]
    min_gap, max_increase = [], []
    for problem in instances:
        xs = _random_points(problem, rng, n_points)
        s1, s2 = np.sort(10.0 ** rng.uniform(-4.0, 0.0, (2, n_points)), axis=0)
        gaps, slopes = [], []
        for x, a, b in zip(xs, s1, s2):
            va, vb = problems.penalty_value(problem, x, a), problems.penalty_value(problem, x, b)
            gaps.append((problem.psi(x) - va) / a)
            slopes.append((vb - va) / (b - a))
        min_gap.append(min(gaps))
        max_increase.append(max(slopes))
    method = f"over 5 problems x {n_points} random (x, sigma_1 < sigma_2), sigma log-uniform in [1e-4, 1]"
    return {"min_gap": rates.estimate_from_values(min_gap, summary="min", method="(psi - psi_sigma) / sigma " + method),
            "max_increase": rates.estimate_from_values(max_increase, summary="max",
                                                 method="(psi_sigma2 - psi_sigma1) / (sigma2 - sigma1) " + method)}


def _fd_gradient(fun, x, h=1e-5):
    return np.array([(fun(x + h * e) - fun(x - h * e)) / (2 * h) for e in np.eye(len(x))])


def measure_c4(ctx, n_instances: int = 5):
    cases = []
    for seed in range(n_instances):
        rng = np.random.default_rng(seed)
        problem = problems.make_p2(rng)
        cases.append((problem, rng.uniform(-2.0, 2.0, problem.dx)))
    cases += [(problems.CircleBilevel(), np.array([x])) for x in (0.3, 0.7, 1.9)]
    fmin, other, uncorrected = [], [], []
    for problem, x in cases:
        fd = _fd_gradient(problem.psi, x)

        def rel(g):
            return float(np.linalg.norm(g - fd) / np.linalg.norm(fd))
        y_star = problem.f_minimal_solution(x)
        fmin.append(rel(problems.multi_solution_hypergradient(problem, x, y_star)))
        other.append(rel(problems.multi_solution_hypergradient(problem, x, problem.other_solution(x))))
        if isinstance(problem, problems.QuadraticBilevel):  # P3 has no cross term: nothing to drop
            uncorrected.append(rel(problem.grad_x_f(x, y_star)))
    note = "relative to central finite differences of psi (h = 1e-5), P2 x 5 instances and P3 at 3 points"
    return {"f_minimal": rates.estimate_from_values(fmin, summary="max", method="relative error, F2 at y* " + note),
            "other_solution": rates.estimate_from_values(other, summary="min",
                                                   method="relative error, F2 at a non-f-minimal y in S(x) " + note),
            "no_implicit_term": rates.estimate_from_values(uncorrected, summary="min",
                                                     method="relative error of grad_x f(x, y*) alone (P2) " + note)}


def measure_c5(ctx, sigma: float = 1e-6):
    mu, gap, grad_gap = problems.degenerate_gaps(np.geomspace(0.05, 0.5, 7), sigma)
    return {"value_exponent": rates.estimate_from_fits([rates.fit_scaling(mu, gap / sigma)]),
            "grad_exponent": rates.estimate_from_fits([rates.fit_scaling(mu, grad_gap / sigma)]),
            "value_constant": rates.estimate_from_values(gap * mu / sigma,
                                                         method="(psi - psi_sigma) mu / sigma over 7 points x")}


def measure_c6(ctx):
    traces = ctx.runs("bilevel_sigma_bias")
    sigma, values = np.asarray(traces[0].t), np.vstack([t["grad_psi"] for t in traces])
    return rates.across_seeds(rates.fit_power_law, sigma, values, window=(None, None))


def measure_c7(ctx):
    eps = bilevel.pdl_eps_grid(ctx.profile)
    runs = ctx.grid("bilevel_pdl", "eps", eps)  # runs[i][s]: eps i, seed s
    exponents = []
    for s in range(len(runs[0])):
        calls = np.array([runs[i][s].scalars["oracle_calls"] for i in range(len(eps))])
        reached = all(runs[i][s].scalars["reached"] == 1.0 for i in range(len(eps)))
        exponents.append(rates.fit_scaling(1.0 / np.array(eps), calls).value if reached else float("nan"))
    return rates.estimate_from_values(exponents, method="exponent a in N(eps) ~ eps^-a (OLS over the eps grid), "
                                      "NaN if any run missed ||grad psi|| <= eps", window=(min(eps), max(eps)))


def measure_c8(ctx):
    traces = ctx.runs("bilevel_estimator_variance")
    sigma = np.asarray(traces[0].t)
    return {name: rates.across_seeds(rates.fit_power_law, sigma, np.vstack([t[f"var_{name}"] for t in traces]),
                                     window=(None, None))
            for name in ("shared", "independent")}



CLAIMS = [
    Claim(paper=PAPER.slug, id="C1",
          statement="psi - psi_sigma = Theta(sigma): slope 1 in sigma, constant "
                    "(1/2) grad_y f^T (grad^2_yy g)^+ grad_y f",
          source="Thm 1.1 / 3.6 (value closeness O(sigma/mu)) [P, B]; constant derived [D]",
          measure=measure_c1,
          predicted=[PowerLaw(1.0, tol=0.05, on="slope"), Close(0.5, rtol=0.002, on="coefficient")],
          controls=[PowerLaw(2.0, tol=0.05, on="slope"), PowerLaw(0.5, tol=0.05, on="slope"),
                    Close(1.0, rtol=0.002, on="coefficient")],
          rationale="10 cases (quick; 14 in paper): P1 and P2 (3 random instances and points each; 5 in "
                    "paper), P3 at x = 0.7, P4 at x = 0.3, 1, 2; sigma in logspace(-5, -1, 9) (paper: 21 points "
                    "from 1e-6), the whole grid is fitted (sigma << mu everywhere, so no "
                    "transient). Inner problems are solved exactly (linear solve / cubic root / scan + Newton; the "
                    "residual ||sigma grad_y f + grad_y g|| is recorded in each Trace, <= 1e-15). Per-case slopes "
                    "span 0.988-1.021 (the O(sigma^2) term bends the top of the grid), so tol 0.05 is over twice "
                    "that spread while slopes 0.5 and 2 lie 10 tolerances away. The coefficient ratio is within "
                    "2e-5 of 1/2 at sigma = 1e-5 (the O(sigma) correction), rtol 2e-3 leaves 100x room; the control "
                    "1.0 is the same quadratic form without the 1/2."),
    Claim(paper=PAPER.slug, id="C2",
          statement="||grad psi_sigma - grad psi|| = O(sigma): slope 1 in sigma (Danskin gradient, first-order only)",
          source="Thm 3.6 (gradient closeness O(sigma/mu^3)) [P, B]",
          measure=measure_c2,
          predicted=PowerLaw(1.0, tol=0.05),
          controls=[PowerLaw(0.5, tol=0.05), PowerLaw(2.0, tol=0.05)],
          rationale="Same 10 cases and sigma grid as C1; grad psi_sigma is the Danskin formula with z = a "
                    "lower-level solution that is not f-minimal (exercising 'any y_0 in S(x)'). The paper gives "
                    "an upper bound; on these regular problems the first-order expansion makes it tight, so slope "
                    "1 is asserted two-sided. Per-case slopes span 0.983-1.020: tol 0.05. Controls: sqrt(sigma) "
                    "(what dist(S_sigma, S) = O(sqrt sigma) from quadratic growth alone would give) and sigma^2."),
    Claim(paper=PAPER.slug, id="C3",
          statement="psi_sigma <= psi, and psi_sigma is non-increasing in sigma",
          source="elementary consequence of the min-form of psi_sigma [D]",
          measure=measure_c3,
          predicted=[Bound(lower=0.0, on="min_gap", label="min (psi - psi_sigma)/sigma"),
                     Bound(upper=0.0, on="max_increase", label="max d psi_sigma / d sigma")],
          controls=[Bound(upper=-1e-12, on="min_gap", label="psi_sigma > psi somewhere (beyond round-off)"),
                    Bound(lower=1e-12, on="max_increase", label="psi_sigma increasing somewhere")],
          rationale="200 random (x, sigma_1 < sigma_2) over P1-P5 (seeded), sigma log-uniform in [1e-4, 1]. Both "
                    "statements are exact inequalities, so the bounds are at 0 with no slack. The controls are their "
                    "negations beyond round-off (1e-12): a penalty that overshoots psi, or grows with sigma. The "
                    "smallest sampled gap is tiny but positive (P3 near R = 1, where grad_y f(y*) -> 0 and the gap "
                    "vanishes to first order) -- equality is legitimate there. tests/bilevel adds a Hypothesis "
                    "property test of the same invariants."),
    Claim(paper=PAPER.slug, id="C4",
          statement="The multi-solution hypergradient grad_x f - grad^2_xy g (grad^2_yy g)^+ grad_y f at the "
                    "f-minimal y* equals grad psi; at another y in S(x) it does not",
          source="Thm 3.2 (explicit form from [B], unconstrained lower level)",
          measure=measure_c4,
          predicted=[Bound(upper=1e-6, on="f_minimal", label="max rel. error at y*"),
                     Bound(lower=1e-2, on="other_solution", label="min rel. error at y != y*")],
          controls=[Bound(upper=1e-6, on="other_solution", label="any y in S(x) works"),
                    Bound(upper=1e-6, on="no_implicit_term", label="grad_x f(x, y*) alone suffices")],
          rationale="P2 (5 instances, 4-dimensional solution sets) and P3 (circle, x = 0.3, 0.7, 1.9), compared "
                    "with central differences of the closed-form psi (h = 1e-5, truncation + round-off about 1e-10 "
                    "relative); 1e-6 is far above that and far below the O(1) errors of the controls. The "
                    "non-f-minimal solutions are the minimum-norm one (P2) and -u (P3)."),
    Claim(paper=PAPER.slug, id="C5",
          statement="Degenerate family (mu = x^2 -> 0): value gap ~ sigma/(2 mu), gradient gap ~ sigma/mu^{3/2}; "
                    "closeness is not uniform in x",
          source="Thm 3.6 bounds O(sigma/mu), O(sigma/mu^3) [P, B]; exponents on P5 derived [D]",
          measure=measure_c5,
          predicted=[Scaling(-1.0, tol=0.05, parameter="mu", on="value_exponent"),
                     Scaling(-1.5, tol=0.05, parameter="mu", on="grad_exponent"),
                     Close(0.5, rtol=0.01, on="value_constant")],
          controls=[Scaling(0.0, tol=0.05, parameter="mu", on="value_exponent"),
                    Scaling(-3.0, tol=0.05, parameter="mu", on="grad_exponent")],
          rationale="P5 at sigma = 1e-6 and x in geomspace(0.05, 0.5, 7), i.e. mu from 2.5e-3 to 0.25, so "
                    "sigma/mu <= 4e-4 and the exact gaps sigma/(2(sigma + mu)), x sigma/(sigma + mu)^2 are within "
                    "0.1% of their leading terms. Deterministic: the interval is the fit's standard error. tol "
                    "0.05 on the exponents; controls: exponent 0 (closeness uniform in mu) and -3 (the paper's "
                    "gradient bound attained) -- the bound's mu^-3 is loose here by a factor mu^-1.5."),
    Claim(paper=PAPER.slug, id="C6",
          statement="A stationary point of psi_sigma is Theta(sigma)-stationary for psi: ||grad psi|| ~ sigma",
          source="consequence of the gradient closeness, why sigma = O(eps) [P, D]",
          measure=measure_c6,
          predicted=PowerLaw(1.0, tol=0.05),
          controls=[PowerLaw(0.0, tol=0.05), PowerLaw(2.0, tol=0.05)],
          rationale="P2, 3 seeds (instance and x_0; paper 5), sigma in logspace(-4, -1, 7) (paper: 13 points "
                    "from 1e-5), exact GD on psi_sigma (step "
                    "0.05) until ||grad psi_sigma|| <= 1e-12, far below the smallest bias (~1e-5). Whole grid "
                    "fitted; per-seed slopes 0.9998-1.003, so tol 0.05 is ample; controls: a sigma-independent "
                    "bias (0) and a quadratic one (2)."),
    Claim(paper=PAPER.slug, id="C7",
          statement="Deterministic double-loop penalty method with sigma = 0.2 eps reaches ||grad psi|| <= eps "
                    "within O(eps^-3) first-order oracle calls",
          source="Thm (deterministic oracle complexity O(eps^-3)) [P]; algorithm constants inferred [M]",
          measure=measure_c7,
          predicted=Bound(upper=3.0, label="exponent"),
          controls=[Bound(upper=1.0, label="exponent")],
          rationale="P2, 3 seeds, eps in {0.1, 0.05, 0.025, 0.0125} (quick; paper adds 0.00625); alpha = 0.05, "
                    "inner GD to ||grad|| <= 0.1 sigma eps with warm starts; every grad f / grad g evaluation counted. "
                    "The theorem is a worst-case upper bound, so the law is one-sided at exactly 3. Measured "
                    "exponents are about 1.4: outer iterations grow like log(1/eps) and each inner solve costs "
                    "~1/sigma because h_sigma has curvature sigma along the lower-level solution set. The control "
                    "eps^-1 (what a sigma-independent inner cost would give up to logs) is rejected by that "
                    "1/sigma x log^2 growth."),
    Claim(paper=PAPER.slug, id="C8",
          statement="With the same lower-level sample in both grad_x g terms the x-estimate's variance is O(1) as "
                    "sigma -> 0; with independent samples it grows like sigma^-2",
          source="mechanism behind the eps^-7 -> eps^-5 improvement under mean-squared smoothness (our reading [M, D])",
          measure=measure_c8,
          predicted=[PowerLaw(0.0, tol=0.2, on="shared"), PowerLaw(-2.0, tol=0.2, on="independent")],
          controls=[PowerLaw(-2.0, tol=0.2, on="shared"), PowerLaw(0.0, tol=0.2, on="independent")],
          rationale="P1 (unique lower-level solution, so ||y_sigma - y*|| = O(sigma)), 3 seeds (instance, x, draws), "
                    "sigma in logspace(-3, -1, 5), 1e4 draws of grad_x g(x, y; phi) = grad_x g + N_phi y per sigma; "
                    "the summed variance is fitted against sigma over the whole grid. The Monte-Carlo error of a "
                    "variance from 1e4 draws is ~1.4%, i.e. ~0.01 in slope over two decades; tol 0.2 follows the "
                    "card and is 10 times the sampling error while the two laws are 10 tolerances apart."),
]
