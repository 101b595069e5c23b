"""Numba loops: the ADMM iteration for the convex ReLU program and full-batch Adam (private).

ADMM state, for P patterns and blocks g = 0..2P-1 (g < P: the v-blocks, g >= P: the w-blocks of
pattern g - P), all updated in place:

* ``U`` (2P, d): the primal iterate u; ``Vb`` (2P, d): its group-sparse copy v;
* ``S`` (2P, n): the non-negative slacks of ``G u``; ``Lam`` (2P, d), ``Nu`` (2P, n): scaled duals.

The linear system of the u-step is factored outside the loop (``Lsum``, ``Ldiff``: lower
Cholesky factors, see :func:`theorylab.convex_relu.admm.factor`); here only triangular solves.

Memory traffic per iteration (what made the wall time grow faster than n^2 once the working set
left the L2 cache): the triangular solves read only ``L`` (no transposed copy), ``G u`` is formed
one row at a time and stored only at recorded iterations, and the previous ``v``, ``s`` are copied
only before a recorded iteration. What streams each iteration is then ``L`` ((dP)^2), ``S``,
``Nu`` (2P x n each), the signs (P x n) and ``X``.
"""

from __future__ import annotations

import numba
import numpy as np

MAX_ITER, CONVERGED, DIVERGED = 0, 1, 2


@numba.njit(cache=True)
def cholesky_solve(L, LT, b, out):
    """Solve ``L L^T x = b`` for lower-triangular ``L`` (``LT`` its contiguous transpose) into ``out``.

    Both substitutions read rows, hence the transposed copy. Returns the multiply-adds done.
    """
    m = b.shape[0]
    for i in range(m):
        acc = b[i]
        for j in range(i):
            acc -= L[i, j] * out[j]
        out[i] = acc / L[i, i]
    for i in range(m - 1, -1, -1):
        acc = out[i]
        for j in range(i + 1, m):
            acc -= LT[i, j] * out[j]
        out[i] = acc / L[i, i]
    return m * (m + 1)


@numba.njit(cache=True, fastmath={"reassoc", "nsz", "arcp", "contract"})
def _row_dot(row, x, m):
    """``row[:m] . x[:m]``; reassociation allowed so LLVM vectorizes the reduction."""
    acc = 0.0
    for j in range(m):
        acc += row[j] * x[j]
    return acc


@numba.njit(cache=True)
def cholesky_solve_rows(L, b, out):
    """Solve ``L L^T x = b`` for lower-triangular ``L`` into ``out``, reading only rows of ``L``.

    Forward substitution as row dot products, back substitution in axpy form (``x_i`` is
    final once the rows below it are done: ``z[:i] -= L[i, :i] x_i``), so no transposed copy is
    needed and both loops run over contiguous memory. Returns the multiply-adds done.
    """
    m = b.shape[0]
    for i in range(m):
        out[i] = (b[i] - _row_dot(L[i], out, i)) / L[i, i]
    for i in range(m - 1, -1, -1):
        xi = out[i] / L[i, i]
        out[i] = xi
        row = L[i]
        for j in range(i):
            out[j] -= row[j] * xi
    return m * (m + 1)


@numba.njit(cache=True)
def _objective_from_gu(D, ET, y, GU, U, beta):
    """The objective of :func:`_objective` from ``G u`` (``X u_g = (2 d_i - 1) (G u)_g``, signs +-1)."""
    n, P = D.shape
    total = 0.0
    for k in range(n):
        acc = -y[k]
        for i in range(P):
            acc += D[k, i] * ET[i, k] * (GU[i, k] - GU[P + i, k])
        total += 0.5 * acc * acc
    for g in range(U.shape[0]):
        total += beta * np.sqrt(np.sum(U[g] * U[g]))
    return total


@numba.njit(cache=True)
def _objective(X, D, y, XU, U, beta):
    """``1/2 ||sum_i D_i X (u_i - z_i) - y||^2 + beta sum_g ||u_g||`` from the cached ``X u_g``."""
    n, P = D.shape
    total = 0.0
    for k in range(n):
        acc = -y[k]
        for i in range(P):
            acc += D[k, i] * (XU[i, k] - XU[P + i, k])
        total += 0.5 * acc * acc
    for g in range(U.shape[0]):
        total += beta * np.sqrt(np.sum(U[g] * U[g]))
    return total


@numba.njit(cache=True)
def admm(X, D, y, c, Lsum, Ldiff, beta, rho, gamma, max_iter, record_every, dense_until, tol,
         U, Vb, Lam, S, Nu, rec_t, rec_obj, rec_pri, rec_dual, rec_infeas):
    """Run up to ``max_iter`` ADMM iterations; returns (recorded points, iterations, status, multiply-adds).

    One iteration (scaled form, card 4.1):
    ``u = A^{-1}(c + v - lam + G^T(s - nu))``, ``v_g = max(0, 1 - (beta/rho)/||u_g + lam_g||)(u_g + lam_g)``,
    ``s = max(0, G u + nu)``, ``lam += gamma (u - v)``, ``nu += gamma (G u - s)``.
    Recorded: every iteration up to ``dense_until``, then every ``record_every``-th, and the last.
    Residuals (Boyd et al.) are taken at recorded iterations: ``r_pri = ||(u - v, G u - s)||``,
    ``r_dual = rho ||(v - v_prev, G^T (s - s_prev))||``; the run stops when both are <= ``tol``.
    The multiply-add count covers the iteration itself, not the recording.
    """
    n, d = X.shape
    P = D.shape[1]
    m = d * P
    ET = np.ascontiguousarray((2.0 * D - 1.0).T)      # row i: the signs of pattern i
    XT = np.ascontiguousarray(X.T)
    R = np.empty((2 * P, d))
    tmp = np.empty(n)
    gu = np.empty(n)
    psum = np.empty(d)
    sol = np.empty(d)
    q = np.empty(m)
    qsol = np.empty(m)
    GU = np.empty((2 * P, n))                         # G u, stored only at recorded iterations
    V_prev = Vb.copy()
    S_prev = S.copy()
    threshold = beta / rho
    ops = 0
    recorded = 0
    status = MAX_ITER
    iters = 0
    for it in range(max_iter):
        iters = it + 1
        record = it < dense_until or (it + 1) % record_every == 0 or it == max_iter - 1
        if record:                                    # the previous v and s enter only the residuals
            V_prev[:, :] = Vb
            S_prev[:, :] = S
        # right-hand side c + v - lam + G^T (s - nu)
        for g in range(2 * P):
            i = g % P
            sign = 1.0 if g < P else -1.0
            for k in range(n):
                tmp[k] = ET[i, k] * (S[g, k] - Nu[g, k])
            # X^T tmp through BLAS (gemv): without fastmath, LLVM keeps a hand-written dot
            # product scalar, and this product is half of the O(n d P) work.
            Xt_tmp = np.dot(XT, tmp)
            for j in range(d):
                R[g, j] = sign * c[i, j] + Vb[g, j] - Lam[g, j] + Xt_tmp[j]
            ops += n * (d + 1)
        # u-step through the sum/difference split of the fixed system
        for i in range(P):
            for j in range(d):
                psum[j] = R[i, j] + R[P + i, j]
                q[i * d + j] = R[i, j] - R[P + i, j]
            ops += cholesky_solve_rows(Lsum, psum, sol)
            for j in range(d):
                U[i, j] = 0.5 * sol[j]
                U[P + i, j] = 0.5 * sol[j]
        ops += cholesky_solve_rows(Ldiff, q, qsol)
        for i in range(P):
            for j in range(d):
                U[i, j] += 0.5 * qsol[i * d + j]
                U[P + i, j] -= 0.5 * qsol[i * d + j]
        # G u row by row, then the v-, s- and dual steps
        for g in range(2 * P):
            i = g % P
            for k in range(n):
                gu[k] = 0.0
            for j in range(d):                      # axpy order: the k loop vectorizes
                coef = U[g, j]
                for k in range(n):
                    gu[k] += coef * XT[j, k]
            for k in range(n):
                gu[k] *= ET[i, k]
            ops += n * d
            norm = 0.0
            for j in range(d):
                norm += (U[g, j] + Lam[g, j]) ** 2
            norm = np.sqrt(norm)
            shrink = 1.0 - threshold / norm if norm > threshold else 0.0
            for j in range(d):
                Vb[g, j] = shrink * (U[g, j] + Lam[g, j])
                Lam[g, j] += gamma * (U[g, j] - Vb[g, j])
            for k in range(n):
                S[g, k] = max(0.0, gu[k] + Nu[g, k])
                Nu[g, k] += gamma * (gu[k] - S[g, k])
            if record:
                for k in range(n):
                    GU[g, k] = gu[k]
            ops += 3 * d + 2 * n
        if record:
            pri = 0.0
            dual = 0.0
            infeas = 0.0
            for g in range(2 * P):
                i = g % P
                for j in range(d):
                    pri += (U[g, j] - Vb[g, j]) ** 2
                    dual += (Vb[g, j] - V_prev[g, j]) ** 2
                for k in range(n):
                    pri += (GU[g, k] - S[g, k]) ** 2
                    tmp[k] = ET[i, k] * (S[g, k] - S_prev[g, k])
                    infeas = max(infeas, -GU[g, k])
                for j in range(d):
                    acc = 0.0
                    for k in range(n):
                        acc += XT[j, k] * tmp[k]
                    dual += acc * acc
            objective = _objective_from_gu(D, ET, y, GU, U, beta)
            rec_t[recorded] = it + 1
            rec_obj[recorded] = objective
            rec_pri[recorded] = np.sqrt(pri)
            rec_dual[recorded] = rho * np.sqrt(dual)
            rec_infeas[recorded] = infeas
            recorded += 1
            if not np.isfinite(objective):
                status = DIVERGED
                break
            if tol > 0 and rec_pri[recorded - 1] <= tol and rec_dual[recorded - 1] <= tol:
                status = CONVERGED
                break
    return recorded, iters, status, ops


@numba.njit(cache=True)
def network_gradients(X, y, U, alpha, beta):
    """Objective ``1/2 ||f(X) - y||^2 + (beta/2)(||U||^2 + ||alpha||^2)`` and its gradients."""
    n, d = X.shape
    m = alpha.shape[0]
    H = X @ U
    residual = -y.copy()
    for k in range(n):
        for j in range(m):
            if H[k, j] > 0:
                residual[k] += alpha[j] * H[k, j]
    grad_alpha = beta * alpha.copy()
    grad_U = beta * U.copy()
    for k in range(n):
        r = residual[k]
        for j in range(m):
            if H[k, j] > 0:
                grad_alpha[j] += r * H[k, j]
                coef = r * alpha[j]
                for i in range(d):
                    grad_U[i, j] += coef * X[k, i]
    value = 0.5 * np.sum(residual * residual) + 0.5 * beta * (np.sum(U * U) + np.sum(alpha * alpha))
    return value, grad_U, grad_alpha


@numba.njit(cache=True)
def adam(X, y, U, alpha, beta, lr, steps, record_every, rec_t, rec_obj):
    """Full-batch Adam (beta1 = 0.9, beta2 = 0.999, eps = 1e-8) on the non-convex objective, in place.

    Returns the number of recorded points (stops at the first non-finite objective).
    """
    b1, b2, eps = 0.9, 0.999, 1e-8
    mU = np.zeros_like(U)
    vU = np.zeros_like(U)
    ma = np.zeros_like(alpha)
    va = np.zeros_like(alpha)
    recorded = 0
    for t in range(steps + 1):
        value, gU, ga = network_gradients(X, y, U, alpha, beta)
        if t % record_every == 0 or t == steps:
            rec_t[recorded] = t
            rec_obj[recorded] = value
            recorded += 1
        if not np.isfinite(value) or t == steps:
            break
        mU = b1 * mU + (1 - b1) * gU
        vU = b2 * vU + (1 - b2) * gU * gU
        ma = b1 * ma + (1 - b1) * ga
        va = b2 * va + (1 - b2) * ga * ga
        c1 = 1.0 - b1 ** (t + 1)
        c2 = 1.0 - b2 ** (t + 1)
        U -= lr * (mU / c1) / (np.sqrt(vU / c2) + eps)
        alpha -= lr * (ma / c1) / (np.sqrt(va / c2) + eps)
    return recorded
