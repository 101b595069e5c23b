"""Polish of an ADMM point of the convex ReLU program: a small interior-point solve on the identified support.

Once ADMM (:mod:`theorylab.convex_relu.fast_admm`) has found which blocks are non-zero and which cone
rows of those blocks sit at the boundary (``s = 0``), the program restricted to them,

    min_u  1/2 u^T H u - b^T u + ||y||^2 / 2 + beta sum_a ||u_a||    s.t.  C_a u_a >= 0  (candidate rows),

has ``d`` variables per kept block and a few dozen rows per block, no dimension of size n (``H`` and
``b`` are read from the kept Gram matrix ``M^T M`` and ``F^T y``). On the support every ``u_a`` is non-zero,
so the objective is smooth there, and the restricted problem is solved by a primal-dual interior-point
method (Mehrotra predictor-corrector; each Newton step one Cholesky factorization of the
``(#blocks d)``-square matrix ``H + diag_a(beta/||u_a|| (I - u_a u_a^T/||u_a||^2) + C_a^T (z/s) C_a)``).
Rows of the kept blocks that the solution violates are then added and the solve repeated from the
current point; the point is finally certified by :func:`theorylab.convex_relu.fast_admm.certificate` on
all ``2P`` blocks and ``n`` rows. A wrong identification (a block missing from the support, a needed
row missing) shows up as a large gap or a violation there, never as a wrong answer reported as
converged: the caller then continues ADMM.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy import linalg


@dataclass
class IPMResult:
    """Outcome of :func:`restricted_ipm`: the point ``u`` (k, d), slacks ``s`` and multipliers ``z`` (m,)."""

    u: np.ndarray
    s: np.ndarray
    z: np.ndarray
    iterations: int
    converged: bool
    objective: float


def _objective(H, b, const, beta, u):
    x = u.ravel()
    return 0.5 * float(x @ H @ x) - float(b @ x) + const + beta * float(np.sum(np.linalg.norm(u, axis=1)))


def _max_step(v, dv):
    """Largest ``a <= 1`` with ``v + a dv >= 0`` (``v > 0``)."""
    neg = dv < 0
    if not np.any(neg):
        return 1.0
    return float(min(1.0, np.min(-v[neg] / dv[neg])))


def restricted_ipm(H: np.ndarray, b: np.ndarray, const: float, beta: float, C: np.ndarray, block: np.ndarray,
                   u0: np.ndarray, z0: np.ndarray | None = None, *, tol: float = 1e-12,
                   max_iter: int = 80) -> IPMResult:
    """Primal-dual interior-point solve of ``min 1/2 x^T H x - b^T x + const + beta sum_a ||u_a||``
    subject to ``C[r] . u[block[r]] >= 0`` for every row r.

    Parameters
    ----------
    H : ndarray of shape (k d, k d)
        Hessian of the quadratic part (positive semi-definite).
    b : ndarray of shape (k d,)
    const : float
    beta : float
        Weight of the block norms.
    C : ndarray of shape (m, d)
        Constraint rows; row r constrains block ``block[r]``.
    block : ndarray of shape (m,), int
    u0 : ndarray of shape (k, d)
        Starting point (need not be feasible; the slacks start at ``max(C u0, floor)``).
    z0 : ndarray of shape (m,), optional
        Starting multipliers (positive); default from the starting slacks.
    tol : float
        Stop when the complementarity ``s^T z`` and the primal and dual residuals, relative to the
        objective's scale, are below ``tol``.
    max_iter : int

    Returns
    -------
    IPMResult
    """
    k, d = u0.shape
    m = C.shape[0]
    u = u0.copy()
    gu = np.einsum("rd,rd->r", C, u[block]) if m else np.zeros(0)
    scale_g = float(np.max(np.abs(gu))) if m else 1.0
    floor = 1e-3 * max(scale_g, 1e-12)
    s = np.maximum(gu, floor)
    if z0 is not None and m:
        z = np.maximum(z0, 1e-3 * max(float(np.max(z0)), 1e-12))
    else:
        z = np.full(m, max(1e-12, float(np.mean(s))) if m else 1.0)
    sizes = np.bincount(block, minlength=k) if m else np.zeros(k, dtype=int)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    order = np.argsort(block, kind="stable") if m else np.zeros(0, dtype=int)
    if m and not np.all(order == np.arange(m)):
        raise ValueError("rows must be sorted by block")

    def ct(v):                       # C^T v as (k, d)
        out = np.zeros((k, d))
        np.add.at(out, block, C * v[:, None])
        return out

    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        norms = np.linalg.norm(u, axis=1)
        if np.any(norms <= 0):
            break
        x = u.ravel()
        unit = u / norms[:, None]
        grad = (H @ x - b).reshape(k, d) + beta * unit
        rd = grad - (ct(z) if m else 0.0)
        gu = np.einsum("rd,rd->r", C, u[block]) if m else np.zeros(0)
        rp = gu - s
        mu = float(s @ z) / max(m, 1)
        f_scale = max(1.0, abs(_objective(H, b, const, beta, u)))
        g_scale = max(1.0, float(np.max(np.abs(b))) if b.size else 1.0)
        if (m * mu <= tol * f_scale and float(np.max(np.abs(rd))) <= tol * g_scale
                and (not m or float(np.max(np.abs(rp))) <= tol * max(scale_g, 1e-300))):
            converged = True
            break
        K = H.copy()
        w = z / s if m else np.zeros(0)
        for a in range(k):
            sl = slice(a * d, (a + 1) * d)
            K[sl, sl] += (beta / norms[a]) * (np.eye(d) - np.outer(unit[a], unit[a]))
            if sizes[a]:
                Ca = C[starts[a]:starts[a + 1]]
                K[sl, sl] += Ca.T @ (w[starts[a]:starts[a + 1], None] * Ca)
        try:
            fac = linalg.cho_factor(K, lower=True, check_finite=False)
        except linalg.LinAlgError:
            ridge = 1e-12 * max(1.0, float(np.max(np.abs(np.diag(K)))))
            fac = linalg.cho_factor(K + ridge * np.eye(k * d), lower=True, check_finite=False)

        def direction(rc):
            rhs = -rd - (ct((rc + z * rp) / s) if m else 0.0)
            du = linalg.cho_solve(fac, rhs.ravel(), check_finite=False).reshape(k, d)
            if not m:
                return du, np.zeros(0), np.zeros(0)
            ds = np.einsum("rd,rd->r", C, du[block]) + rp
            dz = -(rc + z * ds) / s
            return du, ds, dz

        if m:
            du, ds, dz = direction(s * z)
            a_aff = min(_max_step(s, ds), _max_step(z, dz))
            mu_aff = float((s + a_aff * ds) @ (z + a_aff * dz)) / m
            sigma = (mu_aff / mu) ** 3 if mu > 0 else 0.0
            du, ds, dz = direction(s * z + ds * dz - sigma * mu)
            alpha = min(1.0, 0.99 * min(_max_step(s, ds) if np.any(ds < 0) else 1e300,
                                        _max_step(z, dz) if np.any(dz < 0) else 1e300))
            alpha = min(alpha, 1.0)
        else:
            du, ds, dz = direction(np.zeros(0))
            alpha = 1.0
        # safeguard: a block norm must stay positive (the objective is smooth only there)
        new = u + alpha * du
        while np.any(np.linalg.norm(new, axis=1) <= 1e-3 * norms) and alpha > 1e-8:
            alpha *= 0.5
            new = u + alpha * du
        u = new
        if m:
            s = s + alpha * ds
            z = z + alpha * dz
    return IPMResult(u, s, z, it, converged, _objective(H, b, const, beta, u))


def _restricted_data(st, groups, P, d):
    """``H``, ``b`` of the program restricted to ``groups`` from the kept ``M^T M`` and ``F^T y``."""
    idx = np.concatenate([np.arange((g % P) * d, (g % P + 1) * d) for g in groups])
    sig = np.repeat([1.0 if g < P else -1.0 for g in groups], d)
    H = sig[:, None] * sig[None, :] * st.MtM[np.ix_(idx, idx)]
    b = sig * st.c.ravel()[idx]
    return H, b


def ipm_polish(X, y, D, beta, st, U, V, S, Nu, *, rho_s: float = 1.0, relative_group: float = 1e-3,
               rounds: int = 4, tol: float = 1e-12, max_iter: int = 80):
    """Solve the program restricted to what ADMM has identified by :func:`restricted_ipm`, then certify.

    Restriction: only the blocks with ``||v_g|| > relative_group * max ||v||`` may be non-zero, and only
    their rows with ``s = 0`` (the cone constraints ADMM holds at the boundary) are imposed, with
    starting multipliers ``-rho_s nu`` from ADMM's scaled duals. Rows of the kept blocks that the
    solution violates are added and the solve repeated (``rounds`` times at most). Blocks the solve
    drives to (numerical) zero are set to zero. The result is certified by
    :func:`theorylab.convex_relu.fast_admm.certificate` (all blocks, all rows).

    Returns
    -------
    theorylab.convex_relu.fast_admm.Polished
        ``gap`` is the certified relative gap; ``groups`` the number of kept blocks.
    """
    from theorylab.convex_relu.fast_admm import Polished, certificate

    start = time.perf_counter()
    n, d = X.shape
    P = D.shape[1]
    E = (2.0 * D - 1.0).T
    norms = np.linalg.norm(V, axis=1)
    groups = [g for g in range(2 * P) if norms[g] > relative_group * max(norms.max(), 1e-300)]
    rows = {g: np.flatnonzero(S[g] == 0.0) for g in groups}
    k = len(groups)
    Up = np.zeros_like(U)
    z_rows = {}
    if k:
        H, b = _restricted_data(st, groups, P, d)
        const = 0.5 * float(y @ y)
        u = np.array([U[g] for g in groups])
        zs = {g: np.maximum(-rho_s * Nu[g][rows[g]], 0.0) for g in groups}
        for _ in range(rounds):
            C = np.concatenate([E[g % P][rows[g], None] * X[rows[g]] for g in groups]) if k else np.zeros((0, d))
            block = np.concatenate([np.full(rows[g].size, a) for a, g in enumerate(groups)]).astype(np.int64)
            z0 = np.concatenate([zs[g] for g in groups])
            res = restricted_ipm(H, b, const, beta, C, block, u, z0 if z0.size and z0.max() > 0 else None,
                                 tol=tol, max_iter=max_iter)
            u = res.u
            r0 = 0
            added = False
            for a, g in enumerate(groups):
                cnt = rows[g].size
                z_rows[g] = (res.s[r0:r0 + cnt], res.z[r0:r0 + cnt])
                zs[g] = res.z[r0:r0 + cnt]
                r0 += cnt
                gu = E[g % P] * (X @ u[a])
                bad = np.setdiff1d(np.flatnonzero(gu < -1e-12 * max(np.abs(gu).max(), 1e-300)), rows[g])
                if bad.size:
                    merged = np.union1d(rows[g], bad)
                    znew = np.zeros(merged.size)
                    znew[np.searchsorted(merged, rows[g])] = zs[g]
                    znew[np.searchsorted(merged, bad)] = np.mean(zs[g]) if zs[g].size else 1.0
                    rows[g], zs[g] = merged, znew
                    added = True
            if not added:
                break
        for a, g in enumerate(groups):
            Up[g] = u[a]
    block_norms = np.linalg.norm(Up, axis=1)
    Up[block_norms <= 1e-8 * max(block_norms.max(), 1e-300)] = 0.0
    candidates = {}
    for g in range(2 * P):
        if g in z_rows and np.any(Up[g] != 0):
            s_g, z_g = z_rows[g]
            candidates[g] = rows[g][z_g >= s_g] if rows[g].size == s_g.size else rows[g]
        else:
            candidates[g] = np.flatnonzero(Nu[g] < 0.0)
    primal, dual, violation = certificate(X, y, D, beta, Up, candidates)
    return Polished(Up, primal, dual, (primal - dual) / abs(dual), violation, k, time.perf_counter() - start)
