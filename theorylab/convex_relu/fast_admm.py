"""A faster ADMM path for the convex ReLU program (squared loss), for time-to-accuracy runs.

Same splitting as :mod:`theorylab.convex_relu.admm` (``u = v`` for the group penalty, ``G u = s``,
``s >= 0`` for the cones), with two penalties ``rho_v`` (on ``u = v``) and ``rho_s`` (on ``G u = s``)
in the unscaled u-step::

    (F^T F + rho_v I + rho_s G^T G) u = F^T y + rho_v (v - lam) + rho_s G^T (s - nu)

and, against :func:`theorylab.convex_relu.admm.admm_relu`:

* **stopping rule from the solver's own residuals** (Boyd et al. 2011, sec. 3.3.1): stop at the
  first checked iteration where ``r_pri <= eps_abs sqrt(m) + eps_rel max(||(u, Gu)||, ||(v, s)||)``
  and ``r_dual <= eps_abs sqrt(2dP) + eps_rel ||rho_v lam + rho_s G^T nu||``; no reference optimum;
* **residual balancing** (Boyd et al. 2011, sec. 3.4.1, in relative form as in OSQP): at a check,
  when the relative primal and dual residuals differ by more than ``mu``, both penalties are scaled
  by the square root of their ratio (at most ``max_rho_changes`` times, so that the run ends in
  plain fixed-penalty ADMM), the scaled duals are rescaled, and the u-step operators are rebuilt
  from Gram matrices kept from the setup: a ``dP x dP`` Cholesky (LAPACK) and its inverse, no new
  product with the data;
* the dP x dP solve as one BLAS ``dgemv`` with the explicit inverse ``A^{-1}`` (same ``(dP)^2``
  multiply-adds as the two triangular solves, but one contiguous BLAS pass instead of two scalar
  substitutions); the ``d x d`` sum system as one small ``dgemm`` over all patterns;
* one fused pass per block: ``G u`` into an ``n``-buffer, the s- and nu-steps, and ``G^T (s - nu)``
  for the next right-hand side, so ``S`` and ``Nu`` are streamed once per iteration and ``G u``
  is never stored; the previous ``v``, ``s`` are copied only before a checked iteration;
* the iterate returned is the one at which the criterion was met (no further step is taken);
* **polish with a certificate** (in the spirit of OSQP's solution polishing): once the relative
  residuals are small, the program restricted to the blocks and cone rows ADMM has identified (no
  dimension of size n) is solved by a small primal-dual interior-point method
  (:func:`theorylab.convex_relu.polish.ipm_polish`; on the support the block norms are smooth, each
  Newton step is one Cholesky factorization of a ``(#blocks d)``-square matrix) and the result is
  certified by a duality gap computed from the solver's own primal point and a dual point built
  from it (:func:`certificate`); the run stops when the certified relative gap is below ``gap_tol``
  and the cone violation below ``violation_tol``, else ADMM continues and polishes again later
  (after ``slsqp_after`` failed attempts the earlier SLSQP :func:`polish` is tried as well). The gap
  is an upper bound on the relative suboptimality, so no reference optimum is needed to know that
  the target is met, and a wrong identification cannot be reported as certified.

:func:`fast_gated` solves the gated relaxation over the same patterns (no cone constraints) for the
same race: accelerated proximal gradient through ``M^T M``, Newton on the support, and the duality-gap
certificate :func:`gated_certificate`.

:func:`fast_admm_reference` is a small vectorized NumPy version of the same iterations with fixed
penalties, used in the tests against the Numba kernel.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numba
import numpy as np
from scipy import linalg

from theorylab.convex_relu.polish import ipm_polish

# Reassociation and contraction let the per-block dot products vectorize; "nnan"/"ninf" are left
# out so a diverging run still shows as NaN/inf. Same machine, same bits; the tests compare the
# kernel with the NumPy reference at 1e-10.
FASTMATH = {"reassoc", "nsz", "arcp", "contract"}


@numba.njit(cache=True, fastmath=FASTMATH)
def _iterations(XT, ET, c, Ainv_sum, Ainv_diff, beta, rho_v, rho_s, count, check,
                U, V, Lam, S, Nu, T, V_prev, stats):
    """``count`` ADMM iterations in place; if ``check``, residual norms of the last one into ``stats``.

    ``T`` (2P, d) holds ``X^T (e_i * (S_g - Nu_g))`` of the current state (updated in the fused pass).
    ``stats``: r_pri^2, r_dual^2, ||(u, Gu)||^2, ||(v, s)||^2, ||rho_v lam + rho_s G^T nu||^2,
    cone violation max(0, -G u).
    """
    d, n = XT.shape
    P = ET.shape[0]
    m = d * P
    psum = np.empty((P, d))
    q = np.empty(m)
    gu = np.empty(n)
    tt = np.empty(n)
    tn = np.empty(n)
    threshold = beta / rho_v
    for it in range(count):
        last = check and it == count - 1
        if last:
            V_prev[:, :] = V
        # right-hand side r_g = sign c_i + rho_v (v - lam) + rho_s G^T (s - nu); sum and difference
        for i in range(P):
            for j in range(d):
                r1 = c[i, j] + rho_v * (V[i, j] - Lam[i, j]) + rho_s * T[i, j]
                r2 = -c[i, j] + rho_v * (V[P + i, j] - Lam[P + i, j]) + rho_s * T[P + i, j]
                psum[i, j] = r1 + r2
                q[i * d + j] = r1 - r2
        ssum = np.dot(psum, Ainv_sum)              # (P, d): Ainv_sum symmetric, one dgemm
        sdiff = np.dot(Ainv_diff, q)               # (dP,): one dgemv
        for i in range(P):
            for j in range(d):
                U[i, j] = 0.5 * (ssum[i, j] + sdiff[i * d + j])
                U[P + i, j] = 0.5 * (ssum[i, j] - sdiff[i * d + j])
        pri = 0.0
        dual_s = 0.0
        nuv = 0.0
        nvs = 0.0
        nnu = 0.0
        viol = 0.0
        for g in range(2 * P):
            i = g % P
            # v-step (group soft-threshold) and lam-step
            norm = 0.0
            for j in range(d):
                norm += (U[g, j] + Lam[g, j]) ** 2
            norm = np.sqrt(norm)
            shrink = 1.0 - threshold / norm if norm > threshold else 0.0
            for j in range(d):
                V[g, j] = shrink * (U[g, j] + Lam[g, j])
                Lam[g, j] += U[g, j] - V[g, j]
            # G u for this block
            for k in range(n):
                gu[k] = 0.0
            for j in range(d):
                coef = U[g, j]
                for k in range(n):
                    gu[k] += coef * XT[j, k]
            if last:
                for k in range(n):
                    e = ET[i, k]
                    gk = e * gu[k]
                    s_old = S[g, k]
                    s_new = max(0.0, gk + Nu[g, k])
                    r = gk - s_new
                    pri += r * r
                    nuv += gk * gk
                    nvs += s_new * s_new
                    viol = max(viol, -gk)
                    Nu[g, k] += r
                    S[g, k] = s_new
                    tt[k] = e * (s_new - Nu[g, k])
                    tn[k] = e * (s_new - s_old)       # for the dual residual G^T (s - s_prev)
            else:
                for k in range(n):
                    e = ET[i, k]
                    gk = e * gu[k]
                    s_new = max(0.0, gk + Nu[g, k])
                    Nu[g, k] += gk - s_new
                    S[g, k] = s_new
                    tt[k] = e * (s_new - Nu[g, k])
            for j in range(d):                     # X^T (e (s - nu)) for the next right-hand side
                acc = 0.0
                for k in range(n):
                    acc += XT[j, k] * tt[k]
                T[g, j] = acc
            if last:
                # G^T nu = G^T s - X^T(e (s - nu)); ||rho_v lam + rho_s G^T nu||, r_dual
                for k in range(n):
                    gu[k] = ET[i, k] * S[g, k]
                for j in range(d):
                    acc_s = 0.0
                    acc_d = 0.0
                    for k in range(n):
                        acc_s += XT[j, k] * gu[k]
                        acc_d += XT[j, k] * tn[k]
                    gtnu = acc_s - T[g, j]
                    w = rho_v * Lam[g, j] + rho_s * gtnu
                    nnu += w * w
                    dv = rho_v * (V[g, j] - V_prev[g, j]) + rho_s * acc_d
                    dual_s += dv * dv
                    pri += (U[g, j] - V[g, j]) ** 2
                    nuv += U[g, j] ** 2
                    nvs += V[g, j] ** 2
        if last:
            stats[0] = pri
            stats[1] = dual_s
            stats[2] = nuv
            stats[3] = nvs
            stats[4] = nnu
            stats[5] = viol
    return 0


@dataclass
class Setup:
    """Data-dependent pieces kept for the run: signs, Gram matrices, ``F^T y``."""

    XT: np.ndarray       # (d, n)
    ET: np.ndarray       # (P, n) signs 2 D_i - 1
    c: np.ndarray        # (P, d): X^T D_i y
    gram: np.ndarray     # (d, d): X^T X
    MtM: np.ndarray      # (dP, dP): M^T M, M = [D_1 X .. D_P X]
    seconds: float = 0.0


def setup(X: np.ndarray, y: np.ndarray, D: np.ndarray) -> Setup:
    """Precompute what every u-step operator is built from (``O(n (dP)^2)`` for ``M^T M``)."""
    start = time.perf_counter()
    n, d = X.shape
    P = D.shape[1]
    M = (D[:, :, None] * X[:, None, :]).reshape(n, P * d)
    out = Setup(np.ascontiguousarray(X.T), np.ascontiguousarray((2.0 * D - 1.0).T),
                np.ascontiguousarray((D * y[:, None]).T @ X), X.T @ X, M.T @ M)
    out.seconds = time.perf_counter() - start
    return out


def operators(st: Setup, rho_v: float, rho_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Inverses of the sum system ``rho_v I + rho_s X^T X`` and of the difference system
    ``rho_v I + rho_s I_P (x) X^T X + 2 M^T M`` (LAPACK Cholesky, then ``dpotrs`` on the identity)."""
    d = st.gram.shape[0]
    P = st.MtM.shape[0] // d
    small = rho_s * st.gram + rho_v * np.eye(d)
    big = 2.0 * st.MtM
    for i in range(P):
        big[i * d:(i + 1) * d, i * d:(i + 1) * d] += small
    inv_sum = linalg.cho_solve(linalg.cho_factor(small, lower=True), np.eye(d))
    inv_diff = linalg.cho_solve(linalg.cho_factor(big, lower=True, overwrite_a=True), np.eye(P * d))
    return (np.ascontiguousarray(0.5 * (inv_sum + inv_sum.T)), np.ascontiguousarray(0.5 * (inv_diff + inv_diff.T)))


@dataclass
class FastResult:
    """Outcome of :func:`fast_admm`.

    ``U`` is the primal iterate u and ``V`` its group-sparse copy v at the iteration where the
    stopping rule was met (or the last one), both (2P, d): rows 0..P-1 the v-blocks, P..2P-1 the
    w-blocks. ``objective`` is ``f(u)``, ``violation`` the largest ``max(0, -G u)`` there.
    ``history`` rows: iteration, relative r_pri, relative r_dual, rho_v.
    """

    U: np.ndarray
    V: np.ndarray
    iterations: int
    status: str
    objective: float
    violation: float
    rho_v: float
    rho_s: float
    rho_changes: int
    setup_seconds: float
    run_seconds: float
    history: list = field(default_factory=list)
    gap: float = float("nan")          # certified relative gap of the returned point (polish), else NaN
    polish_attempts: list = field(default_factory=list)   # (iteration, gap, violation, seconds)
    polish_methods: list = field(default_factory=list)    # "ipm" / "slsqp", one per attempt


def objective_value(X, y, D, U, beta) -> float:
    """``1/2 ||sum_i D_i X (u_i - u_{P+i}) - y||^2 + beta sum_g ||u_g||`` for (2P, d) blocks ``U``."""
    P = D.shape[1]
    pred = np.sum(D * (X @ (U[:P] - U[P:]).T), axis=1)
    return 0.5 * float(np.sum((pred - y) ** 2)) + beta * float(np.sum(np.linalg.norm(U, axis=1)))


def fast_admm(X: np.ndarray, y: np.ndarray, D: np.ndarray, beta: float, *, rho: float = 10.0,
              rho_ratio: float = 1.0, eps_abs: float = 0.0, eps_rel: float = 1e-7, max_iter: int = 100000,
              check_every: int = 10, adapt: bool = True, mu: float = 5.0, max_rho_changes: int = 20,
              polish_at: float | None = 1e-3, gap_tol: float = 1e-6, violation_tol: float = 1e-9,
              pre: Setup | None = None, polish_method: str = "ipm", slsqp_after: int = 2) -> FastResult:
    """Solve the convex ReLU program over patterns ``D`` by ADMM with residual balancing, from zero.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
    D : ndarray of shape (n, P)
        0/1 activation patterns.
    beta : float
        Group-penalty weight.
    rho : float
        Initial ``rho_v`` (default 10, the default of :func:`~theorylab.convex_relu.admm.admm_relu`);
        ``rho_s = rho_ratio * rho_v`` throughout; residual balancing moves both.
    rho_ratio : float
        Fixed ratio of the cone penalty to the consensus penalty.
    eps_abs, eps_rel : float
        Tolerances of the residual stopping rule (module docstring).
    max_iter : int
    check_every : int
        Residuals are computed (and the rule and balancing applied) every ``check_every`` iterations.
    adapt : bool
        Residual balancing on (``False``: fixed penalties).
    mu : float
        Balancing threshold on the ratio of relative residuals.
    max_rho_changes : int
        Penalty updates allowed in a run.
    polish_at : float or None
        When both relative residuals are below this level, :func:`polish` the iterate; the run stops
        at the first polished point whose certified relative gap is ``<= gap_tol`` and whose cone
        violation is ``<= violation_tol`` (status ``"certified"``); after a failed attempt the level
        is divided by 4. ``None``: residual rule only.
    gap_tol, violation_tol : float
        Acceptance of a polished point.
    pre : Setup, optional
        Reuse a :func:`setup` of the same ``X, y, D``.
    polish_method : {"ipm", "slsqp"}
        ``"ipm"`` (default): :func:`theorylab.convex_relu.polish.ipm_polish`, an interior-point solve of
        the restricted program; after ``slsqp_after`` attempts whose certificate failed, each further
        attempt also tries the SLSQP :func:`polish` on the same iterate if the interior-point one fails.
        ``"slsqp"``: :func:`polish` only (the earlier behaviour).
    slsqp_after : int
        Failed interior-point attempts before the SLSQP fallback joins.

    Returns
    -------
    FastResult
    """
    X = np.ascontiguousarray(X, dtype=float)
    y = np.ascontiguousarray(y, dtype=float)
    D = np.ascontiguousarray(D, dtype=float)
    if not (beta > 0 and rho > 0 and rho_ratio > 0 and max_iter >= 1 and check_every >= 1 and mu > 1):
        raise ValueError("need beta, rho, rho_ratio > 0, max_iter, check_every >= 1, mu > 1")
    if polish_method not in ("ipm", "slsqp"):
        raise ValueError("polish_method must be 'ipm' or 'slsqp'")
    n, d = X.shape
    P = D.shape[1]
    start = time.perf_counter()
    st = setup(X, y, D) if pre is None else pre
    rho_v, rho_s = float(rho), float(rho * rho_ratio)
    inv_sum, inv_diff = operators(st, rho_v, rho_s)
    setup_seconds = time.perf_counter() - start
    U, V, Lam, T, V_prev = (np.zeros((2 * P, d)) for _ in range(5))
    S, Nu = np.zeros((2 * P, n)), np.zeros((2 * P, n))
    stats = np.zeros(6)
    m_pri, m_dual = 2 * P * (d + n), 2 * P * d
    history, changes, done, status = [], 0, 0, "max_iter"
    attempts, level, certified, polish_methods, zero_tried = [], polish_at, None, [], 0
    run_start = time.perf_counter()
    while done < max_iter:
        count = min(check_every, max_iter - done)
        _iterations(st.XT, st.ET, st.c, inv_sum, inv_diff, float(beta), rho_v, rho_s, count, True,
                    U, V, Lam, S, Nu, T, V_prev, stats)
        done += count
        r_pri, r_dual = np.sqrt(stats[0]), np.sqrt(stats[1])
        scale_pri = max(np.sqrt(stats[2]), np.sqrt(stats[3]))
        scale_dual = np.sqrt(stats[4])
        rel_pri, rel_dual = r_pri / max(scale_pri, 1e-300), r_dual / max(scale_dual, 1e-300)
        history.append((done, rel_pri, rel_dual, rho_v))
        if not np.isfinite(r_pri + r_dual):
            status = "diverged"
            break
        if (r_pri <= eps_abs * np.sqrt(m_pri) + eps_rel * scale_pri
                and r_dual <= eps_abs * np.sqrt(m_dual) + eps_rel * scale_dual):
            status = "converged"
            break
        # all blocks thresholded to zero: the relative residuals lose their scale (u -> 0), so the
        # zero point is polished (certified) directly, at iterations 10, 20, 40, ... at most
        all_zero = level is not None and not V.any() and done >= 2 * zero_tried
        if all_zero:
            zero_tried = done
        if level is not None and (max(rel_pri, rel_dual) <= level or all_zero):
            methods = ["slsqp"] if polish_method == "slsqp" else (
                ["ipm", "slsqp"] if len(attempts) >= slsqp_after else ["ipm"])
            for method in methods:
                if method == "ipm":
                    pol = ipm_polish(X, y, D, float(beta), st, U, V, S, Nu, rho_s=rho_s)
                else:
                    pol = polish(X, y, D, float(beta), st, U, V, S, Nu)
                attempts.append((done, pol.gap, pol.violation, pol.seconds))
                polish_methods.append(method)
                if pol.gap <= gap_tol and pol.violation <= violation_tol:
                    certified, status = pol, "certified"
                    break
            if certified is not None:
                break
            if not all_zero:
                level /= 4.0
        if adapt and changes < max_rho_changes and rel_dual > 0 and rel_pri > 0:
            ratio = rel_pri / rel_dual
            if ratio > mu or ratio < 1.0 / mu:
                factor = np.sqrt(ratio)
                Lam /= factor                       # scaled duals: lam = y_v / rho_v
                Nu /= factor
                T[:, :] = 0.0
                rho_v *= factor
                rho_s *= factor
                inv_sum, inv_diff = operators(st, rho_v, rho_s)
                # T = X^T(e (s - nu)) for the rescaled nu
                E = st.ET
                for g in range(2 * P):
                    T[g] = st.XT @ (E[g % P] * (S[g] - Nu[g]))
                changes += 1
    run = time.perf_counter() - run_start
    if certified is not None:
        return FastResult(certified.U, certified.U.copy(), done, status, certified.primal, certified.violation,
                          rho_v, rho_s, changes, setup_seconds, run, history, certified.gap, attempts,
                          polish_methods)
    return FastResult(U.copy(), V.copy(), done, status, objective_value(X, y, D, U, beta), float(stats[5]),
                      rho_v, rho_s, changes, setup_seconds, run, history, float("nan"), attempts, polish_methods)


# ----------------------------------------------------------------------------- polish + certificate
@dataclass
class Polished:
    """A polished point and its duality-gap certificate (see :func:`polish`)."""

    U: np.ndarray
    primal: float
    dual: float
    gap: float          # (primal - dual) / |dual|: relative suboptimality bound when feasible
    violation: float    # max(0, -G u) over every block and sample
    groups: int
    seconds: float


def certificate(X, y, D, beta, U, candidates) -> tuple[float, float, float]:
    """Primal value at ``U``, a dual lower bound, and the cone violation.

    Dual of the program (squared loss): ``max -||lam||^2 / 2 - lam^T y`` over ``mu >= 0`` with
    ``||F_g^T lam - G_g^T mu_g|| <= beta`` for every block g. Here ``lam = F u - y``; ``mu_g`` is
    the non-negative least-squares fit of ``F_g^T lam + beta u_g / ||u_g||`` (blocks with ``u_g != 0``)
    or of ``F_g^T lam`` (``u_g = 0``) by ``G_g^T mu`` over the rows ``candidates[g]``; then ``(lam, mu)``
    is scaled by ``t = min(1, beta / max_g ||F_g^T lam - G_g^T mu_g||)`` into the dual feasible set.
    Weak duality makes the value a lower bound on p* whatever the candidate rows are.
    """
    from scipy.optimize import nnls

    P = D.shape[1]
    E = (2.0 * D - 1.0).T
    GU = np.concatenate([E, E]) * (U @ X.T)
    violation = float(max(0.0, -GU.min()))
    lam = np.sum(D * (X @ (U[:P] - U[P:]).T), axis=1) - y
    primal = 0.5 * float(lam @ lam) + beta * float(np.sum(np.linalg.norm(U, axis=1)))
    FTl = (D * lam[:, None]).T @ X
    worst = 0.0
    everything = np.arange(X.shape[0])
    for g in range(2 * P):
        i = g % P
        fg = FTl[i] if g < P else -FTl[i]
        norm = np.linalg.norm(U[g])
        target = fg + beta * U[g] / norm if norm > 0 else fg
        w = fg
        for rows in (candidates.get(g, everything), everything):
            if rows.size:
                Gi = E[i][rows, None] * X[rows]
                w = fg - Gi.T @ nnls(Gi.T, target, maxiter=50 * max(rows.size, 10))[0]
            if norm > 0 or np.linalg.norm(w) <= beta:   # zero blocks: retry on every row if needed
                break
        worst = max(worst, float(np.linalg.norm(w)))
    t = min(1.0, beta / worst) if worst > 0 else 1.0
    dual = -0.5 * t * t * float(lam @ lam) - t * float(lam @ y)
    return primal, dual, violation


def polish(X, y, D, beta, st: Setup, U, V, S, Nu, *, relative_group: float = 1e-3,
           rounds: int = 3) -> Polished:
    """Solve the program restricted to what ADMM has identified, then certify the point.

    Restriction: only the blocks with ``||v_g|| > relative_group * max ||v||`` may be non-zero,
    and only their rows with ``s = 0`` (the cone constraints ADMM holds at the boundary) are
    imposed; that problem has ``d`` variables per kept block and a few rows per block, none of
    size n, and is solved by SLSQP (scipy; an active-set SQP) from the ADMM point. Rows of the
    kept blocks that the solution violates are added and the solve repeated (``rounds`` times at
    most). The point is then certified by :func:`certificate` on all ``2P`` blocks and ``n`` rows:
    a failed identification shows up as a large gap or a violation, never as a wrong answer
    reported as converged.
    """
    from scipy import optimize

    start = time.perf_counter()
    d = X.shape[1]
    P = D.shape[1]
    E = (2.0 * D - 1.0).T
    norms = np.linalg.norm(V, axis=1)
    groups = [g for g in range(2 * P) if norms[g] > relative_group * max(norms.max(), 1e-300)]
    rows = {g: np.flatnonzero(S[g] == 0.0) for g in groups}
    k = len(groups)
    Nb = np.zeros((P * d, k * d))
    for a, g in enumerate(groups):
        Nb[(g % P) * d:(g % P + 1) * d, a * d:(a + 1) * d] = np.eye(d) if g < P else -np.eye(d)
    H = Nb.T @ st.MtM @ Nb
    b = Nb.T @ st.c.ravel()
    const = 0.5 * float(y @ y)

    def f(z):
        return 0.5 * z @ H @ z - b @ z + const + beta * np.sum(np.linalg.norm(z.reshape(k, d), axis=1))

    def grad(z):
        Z = z.reshape(k, d)
        return H @ z - b + beta * (Z / np.maximum(np.linalg.norm(Z, axis=1, keepdims=True), 1e-300)).ravel()

    z = np.concatenate([U[g] for g in groups]) if k else np.zeros(0)
    Up = np.zeros_like(U)
    for _ in range(rounds):
        if k == 0:
            break
        C = np.zeros((sum(rows[g].size for g in groups), k * d))
        r0 = 0
        for a, g in enumerate(groups):
            r = rows[g]
            C[r0:r0 + r.size, a * d:(a + 1) * d] = E[g % P][r, None] * X[r]
            r0 += r.size
        cons = [{"type": "ineq", "fun": lambda z, C=C: C @ z, "jac": lambda z, C=C: C}] if r0 else []
        z = optimize.minimize(f, z, jac=grad, method="SLSQP", constraints=cons,
                              options={"ftol": 1e-15, "maxiter": 500}).x
        added = False
        for a, g in enumerate(groups):
            Up[g] = z[a * d:(a + 1) * d]
            gu = E[g % P] * (X @ Up[g])
            bad = np.flatnonzero(gu < -1e-12 * max(np.abs(gu).max(), 1e-300))
            bad = np.setdiff1d(bad, rows[g])
            if bad.size:
                rows[g] = np.union1d(rows[g], bad)
                added = True
        if not added:
            break
    block = np.linalg.norm(Up, axis=1)
    Up[block <= 1e-8 * max(block.max(), 1e-300)] = 0.0     # blocks SLSQP drove to (numerical) zero
    candidates = {}
    for g in range(2 * P):
        if g in rows and np.any(Up[g] != 0):
            gu = E[g % P] * (X @ Up[g])
            candidates[g] = np.flatnonzero(np.abs(gu) <= 1e-7 * max(np.abs(gu).max(), 1e-300))
        else:
            candidates[g] = np.flatnonzero(Nu[g] < 0.0)      # rows where ADMM's cone multiplier is positive
    primal, dual, violation = certificate(X, y, D, beta, Up, candidates)
    return Polished(Up, primal, dual, (primal - dual) / abs(dual), violation, k, time.perf_counter() - start)


def fast_admm_reference(X: np.ndarray, y: np.ndarray, D: np.ndarray, beta: float, *, rho_v: float,
                        rho_s: float, iterations: int) -> dict[str, np.ndarray]:
    """NumPy version of the same iterations at fixed penalties (full 2dP x 2dP u-step matrix).

    Returns ``U, V, Lam`` (2P, d) and ``S, Nu`` (2P, n) after ``iterations`` steps from zero.
    """
    n, d = X.shape
    P = D.shape[1]
    E = 2.0 * D - 1.0
    M = (D[:, :, None] * X[:, None, :]).reshape(n, P * d)
    F = np.hstack([M, -M])
    G = linalg.block_diag(*([E[:, i][:, None] * X for i in range(P)] * 2))
    A = F.T @ F + rho_v * np.eye(2 * P * d) + rho_s * G.T @ G
    chol = linalg.cho_factor(A)
    u, v, lam = (np.zeros(2 * P * d) for _ in range(3))
    s, nu = np.zeros(2 * P * n), np.zeros(2 * P * n)
    for _ in range(iterations):
        u = linalg.cho_solve(chol, F.T @ y + rho_v * (v - lam) + rho_s * G.T @ (s - nu))
        b = (u + lam).reshape(2 * P, d)
        norms = np.linalg.norm(b, axis=1, keepdims=True)
        th = beta / rho_v
        v = (np.where(norms > th, 1.0 - th / np.where(norms > 0, norms, 1.0), 0.0) * b).ravel()
        lam = lam + u - v
        gu = G @ u
        s = np.maximum(0.0, gu + nu)
        nu = nu + gu - s
    return {"U": u.reshape(2 * P, d), "V": v.reshape(2 * P, d), "Lam": lam.reshape(2 * P, d),
            "S": s.reshape(2 * P, n), "Nu": nu.reshape(2 * P, n)}


# ----------------------------------------------------------------------------- the gated relaxation
@dataclass
class GatedResult:
    """Outcome of :func:`fast_gated`: blocks ``W`` (P, d), objective, certified relative gap."""

    W: np.ndarray
    iterations: int
    status: str
    objective: float
    gap: float
    newton_attempts: int
    seconds: float


def gated_certificate(X, y, D, beta, W) -> tuple[float, float]:
    """Primal value at ``W`` and a dual lower bound for the gated program
    ``min 1/2 ||sum_i D_i X w_i - y||^2 + beta sum_i ||w_i||``.

    Dual: ``max -||lam||^2 / 2 - lam^T y`` over ``||X^T D_i lam|| <= beta``; ``lam = F w - y`` scaled by
    ``t = min(1, beta / max_i ||X^T D_i lam||)`` is feasible, so the value is a lower bound on the
    optimum at any ``W`` (weak duality).
    """
    lam = np.sum(D * (X @ W.T), axis=1) - y
    primal = 0.5 * float(lam @ lam) + beta * float(np.sum(np.linalg.norm(W, axis=1)))
    worst = float(np.max(np.linalg.norm((D * lam[:, None]).T @ X, axis=1)))
    t = min(1.0, beta / worst) if worst > 0 else 1.0
    return primal, -0.5 * t * t * float(lam @ lam) - t * float(lam @ y)


def fast_gated(X: np.ndarray, y: np.ndarray, D: np.ndarray, beta: float, *, gap_tol: float = 1e-6,
               max_iter: int = 20000, check_every: int = 50, pre: Setup | None = None) -> GatedResult:
    """Solve the gated relaxation over patterns ``D`` (one free block per pattern, no cone constraints).

    Accelerated proximal gradient (FISTA with gradient-based restart) on the ``dP``-dimensional
    problem written through the kept Gram matrix ``M^T M`` (no product with the data per
    iteration); every ``check_every`` iterations the support is taken from the iterate, the problem
    restricted to it (smooth there), once the support is unchanged since the previous check, is solved by Newton steps
    (:func:`theorylab.convex_relu.polish.restricted_ipm` without rows), and the point is certified by
    :func:`gated_certificate`; the run stops at the first point whose certified relative gap is
    ``<= gap_tol`` (status ``"certified"``), from the Newton point otherwise continuing FISTA.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
    D : ndarray of shape (n, P)
    beta : float
    gap_tol : float
    max_iter : int
        Proximal-gradient iterations at most.
    check_every : int
    pre : Setup, optional
        A :func:`setup` of the same data (its ``MtM`` and ``c`` are used).

    Returns
    -------
    GatedResult
    """
    from theorylab.convex_relu.polish import restricted_ipm

    X = np.ascontiguousarray(X, dtype=float)
    y = np.ascontiguousarray(y, dtype=float)
    D = np.ascontiguousarray(D, dtype=float)
    if not (beta > 0 and max_iter >= 1 and check_every >= 1):
        raise ValueError("need beta > 0, max_iter, check_every >= 1")
    start = time.perf_counter()
    n, d = X.shape
    P = D.shape[1]
    st = setup(X, y, D) if pre is None else pre
    H, c = st.MtM, st.c.ravel()
    m = P * d
    L = float(linalg.eigvalsh(H, subset_by_index=[m - 1, m - 1])[0]) * (1 + 1e-10) + 1e-300
    const = 0.5 * float(y @ y)
    w = np.zeros(m)
    z, t = w.copy(), 1.0
    best = (np.inf, w.reshape(P, d).copy())
    done, status, attempts, previous = 0, "max_iter", 0, None

    def prox(v):
        B = v.reshape(P, d)
        norms = np.linalg.norm(B, axis=1, keepdims=True)
        shrink = np.where(norms > beta / L, 1.0 - (beta / L) / np.where(norms > 0, norms, 1.0), 0.0)
        return (shrink * B).ravel()

    while done < max_iter:
        for _ in range(min(check_every, max_iter - done)):
            w_new = prox(z - (H @ z - c) / L)
            if (z - w_new) @ (w_new - w) > 0:            # restart the momentum (O'Donoghue-Candes)
                t = 1.0
                z = w.copy()
                w_new = prox(z - (H @ z - c) / L)
            t_new = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
            z = w_new + ((t - 1.0) / t_new) * (w_new - w)
            w, t = w_new, t_new
            done += 1
        B = w.reshape(P, d)
        keep = np.flatnonzero(np.linalg.norm(B, axis=1) > 0)
        if (previous is None or not np.array_equal(keep, previous)) and done < max_iter:
            previous = keep                          # polish only a support that held for a whole check
            continue
        Wn = np.zeros((P, d))
        if keep.size:
            idx = np.concatenate([np.arange(i * d, (i + 1) * d) for i in keep])
            res = restricted_ipm(H[np.ix_(idx, idx)], c[idx], const, beta, np.zeros((0, d)),
                                 np.zeros(0, dtype=np.int64), B[keep].copy(), tol=1e-13, max_iter=50)
            Wn[keep] = res.u
        attempts += 1
        primal, dual = gated_certificate(X, y, D, beta, Wn)
        gap = (primal - dual) / abs(dual)
        if gap < best[0]:
            best = (gap, Wn, primal)
        if gap <= gap_tol:
            status = "certified"
            break
        previous = None
        if keep.size and np.isfinite(primal):     # continue from the Newton point when it is better
            fw = 0.5 * w @ H @ w - c @ w + const + beta * float(np.sum(np.linalg.norm(B, axis=1)))
            if primal < fw:
                w = Wn.ravel().copy()
                z, t = w.copy(), 1.0
    gap, W = best[0], best[1]
    obj = best[2] if len(best) > 2 else gated_certificate(X, y, D, beta, W)[0]
    return GatedResult(W, done, status, obj, gap, attempts, time.perf_counter() - start)
