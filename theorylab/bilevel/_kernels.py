"""Numba loops of the penalty algorithms on the quadratic-lower-level family (P1, P2).

The problem is passed as plain arrays: ``g = y^T H y / 2 - y^T J x + x^T K x / 2`` and
``f = ||y - C x - e||^2 / 2 + beta sum phi(x)`` with ``phi = cos`` (``ul_kind = 0``) or the Huber
function of width 1 (``ul_kind = 1``: ``phi(t) = t^2 / 2`` for ``|t| <= 1``, ``|t| - 1/2`` beyond);
``G, P, HpJ`` give the closed-form ``grad psi``
(see :class:`theorylab.bilevel.problems.QuadraticBilevel`), used only to *record* stationarity,
never by the algorithms. One oracle call is one evaluation of ``grad f`` or of ``grad g`` at one
point (a Hessian-vector product is counted separately). Each kernel writes into preallocated
arrays, stops at the first non-finite or blown-up value (recorded as inf, so that the registry marks the run
as diverged) and returns how many points it recorded; the NumPy references in
``algorithms.py`` mirror them step by step.
"""

from __future__ import annotations

import numba
import numpy as np

# ||grad psi|| beyond this counts as divergence: recorded as inf so the registry flags the run, and
# the loop stops instead of spending its inner-iteration budget on astronomically large iterates.
BLOWUP = 1e12


@numba.njit(cache=True)
def _finite(value, y, z):
    return value <= BLOWUP and np.all(np.isfinite(y)) and np.all(np.isfinite(z))


@numba.njit(cache=True)
def ul_grad(x, beta, ul_kind):
    """Gradient of the upper-level term ``beta sum phi(x_i)``: ``-beta sin x`` or ``beta clip(x, -1, 1)``."""
    if ul_kind == 1:
        return beta * np.minimum(np.maximum(x, -1.0), 1.0)
    return -beta * np.sin(x)


@numba.njit(cache=True)
def grad_psi_norm(x, beta, ul_kind, C, e, G, P, HpJ):
    """``||grad psi(x)||`` in closed form for the quadratic family."""
    r = P @ (C @ x + e) - HpJ @ x
    return np.sqrt(np.sum((ul_grad(x, beta, ul_kind) + G.T @ r) ** 2))


@numba.njit(cache=True)
def _norm(v):
    return np.sqrt(np.sum(v * v))


@numba.njit(cache=True)
def penalty_double_loop(H, J, K, C, e, beta, ul_kind, G, P, HpJ, x0, y0, z0, sigma, alpha, gamma_y, gamma_z,
                        tol_y, tol_z, eps, max_outer, max_inner, penalty_sign, Minv, calls_out, gpsi_out, x_out,
                        err_out):
    """Deterministic double loop: inner GD on ``h_sigma`` and on ``g`` to tolerance, then an x-step.

    ``penalty_sign`` multiplies the penalty term of the x-gradient (+1; -1 only in a mutant).
    ``Minv = (sigma I + H)^{-1}`` gives the exact ``grad psi_sigma(x_k)`` (never used by the
    algorithm): ``err_out[k]`` records the error of the x-step's gradient estimate against it.
    Returns ``(n_recorded, reached, capped)``: points written, whether ``||grad psi|| <= eps`` was
    reached, and how many inner loops stopped at ``max_inner`` instead of their tolerance.
    """
    x, y, z = x0.copy(), y0.copy(), z0.copy()
    calls = 0
    capped = 0
    for k in range(max_outer + 1):
        gpsi = grad_psi_norm(x, beta, ul_kind, C, e, G, P, HpJ)
        calls_out[k] = calls
        gpsi_out[k] = gpsi
        x_out[k] = x
        if not _finite(gpsi, y, z):
            gpsi_out[k] = np.inf
            return k + 1, False, capped
        if gpsi <= eps or k == max_outer:
            return k + 1, gpsi <= eps, capped
        # inner loop on y: minimize h_sigma = sigma f + g  (2 calls per gradient: grad f, grad g)
        for it in range(max_inner + 1):
            gy = sigma * (y - C @ x - e) + H @ y - J @ x
            calls += 2
            if not _norm(gy) > tol_y:  # also stops on NaN
                break
            if it == max_inner:
                capped += 1
                break
            y = y - gamma_y * gy
        # inner loop on z: minimize g  (1 call per gradient)
        for it in range(max_inner + 1):
            gz = H @ z - J @ x
            calls += 1
            if not _norm(gz) > tol_z:  # also stops on NaN
                break
            if it == max_inner:
                capped += 1
                break
            z = z - gamma_z * gz
        # x-step on the penalty gradient (grad f at y, grad g at y and at z: 3 calls)
        gx = -C.T @ (y - C @ x - e) + ul_grad(x, beta, ul_kind) + penalty_sign * (-J.T @ y + J.T @ z) / sigma
        calls += 3
        d = Minv @ (C @ x + e - HpJ @ x)  # exact y_sigma = HpJ x + sigma d (recording only)
        exact = -C.T @ (HpJ @ x + sigma * d - C @ x - e) + ul_grad(x, beta, ul_kind) - J.T @ d
        err_out[k] = _norm(gx - exact)
        x = x - alpha * gx
    return max_outer + 1, False, capped


@numba.njit(cache=True)
def stochastic_double_loop(H, J, K, C, e, beta, ul_kind, G, P, HpJ, x0, y0, z0, sigma, alpha, gamma_y, gamma_z,
                           noise, inner_noise, fx_noise, gx_noise, calls_out, gpsi_out, x_out):
    """Stochastic double loop: ``T`` inner SGD steps on ``y`` and ``z``, then a minibatch x-step.

    Oracle noise (all standard normal draws, scaled by ``noise``): additive on ``grad f`` and on
    ``grad_y g``; multiplicative ``N_phi y`` on ``grad_x g``, with the **same** ``N_phi`` in the
    two ``grad_x g`` terms of one sample (so their difference has variance ``O(||y - z||^2)``).
    The inner ``grad_y g`` sample is also shared between ``y`` and ``z``. ``inner_noise`` has shape
    (K, T, 2, dy), ``fx_noise`` (K, M, dx), ``gx_noise`` (K, M, dx, dy).
    """
    n_outer, n_inner = inner_noise.shape[0], inner_noise.shape[1]
    batch = fx_noise.shape[1]
    x, y, z = x0.copy(), y0.copy(), z0.copy()
    calls = 0
    for k in range(n_outer + 1):
        gpsi = grad_psi_norm(x, beta, ul_kind, C, e, G, P, HpJ)
        calls_out[k] = calls
        gpsi_out[k] = gpsi
        x_out[k] = x
        if not _finite(gpsi, y, z):
            gpsi_out[k] = np.inf
            return k + 1
        if k == n_outer:
            break
        for t in range(n_inner):
            gy = sigma * (y - C @ x - e + noise * inner_noise[k, t, 0]) + H @ y - J @ x + noise * inner_noise[k, t, 1]
            gz = H @ z - J @ x + noise * inner_noise[k, t, 1]
            calls += 3
            y = y - gamma_y * gy
            z = z - gamma_z * gz
        gx = np.zeros_like(x)
        for m in range(batch):
            N = gx_noise[k, m]
            gfx = -C.T @ (y - C @ x - e) + ul_grad(x, beta, ul_kind) + noise * fx_noise[k, m]
            dgx = (-J.T @ y + noise * (N @ y)) - (-J.T @ z + noise * (N @ z))
            gx += gfx + dgx / sigma
        calls += 3 * batch
        x = x - alpha * gx / batch
    return n_outer + 1


@numba.njit(cache=True)
def momentum_single_loop(H, J, K, C, e, beta, ul_kind, G, P, HpJ, x0, y0, z0, sigma, alpha, gamma_y, gamma_z, eta,
                         noise, fy_noise, fx_noise, gy_noise, gx_noise, record_every, calls_out, gpsi_out, x_out):
    """Single loop with recursive-momentum (STORM-type) estimators, one sample per iteration.

    ``d_t = G(w_t; xi_t) + (1 - eta) (d_{t-1} - G(w_{t-1}; xi_t))`` for the three directions
    ``sigma grad_y f + grad_y g`` at ``(x, y)``, ``grad_y g`` at ``(x, z)`` and
    ``grad_x f(x, y) + (grad_x g(x, y) - grad_x g(x, z)) / sigma``; the same sample is used at
    ``w_t`` and ``w_{t-1}`` (this is where mean-squared smoothness enters). Reconstructed [M]:
    the paper's exact recursion and step sizes were not retrieved. 6 oracle calls per iteration.
    """
    n_iter = fy_noise.shape[0]
    x, y, z = x0.copy(), y0.copy(), z0.copy()
    xp, yp, zp = x0.copy(), y0.copy(), z0.copy()
    dy_, dz_, dx_ = np.zeros_like(y), np.zeros_like(z), np.zeros_like(x)
    calls = 0
    rec = 0
    for t in range(n_iter + 1):
        if t % record_every == 0 or t == n_iter:
            gpsi = grad_psi_norm(x, beta, ul_kind, C, e, G, P, HpJ)
            calls_out[rec] = calls
            gpsi_out[rec] = gpsi
            x_out[rec] = x
            rec += 1
            if not _finite(gpsi, y, z):
                gpsi_out[rec - 1] = np.inf
                return rec
        if t == n_iter:
            break
        nfy, nfx, ngy, N = noise * fy_noise[t], noise * fx_noise[t], noise * gy_noise[t], noise * gx_noise[t]
        # the three sampled directions at the current point
        ay = sigma * (y - C @ x - e + nfy) + H @ y - J @ x + ngy
        az = H @ z - J @ x + ngy
        ax = (-C.T @ (y - C @ x - e) + ul_grad(x, beta, ul_kind) + nfx
              + ((-J.T @ y + N @ y) - (-J.T @ z + N @ z)) / sigma)
        calls += 3
        if t == 0:
            dy_, dz_, dx_ = ay, az, ax
        else:  # the same sample at the previous point
            by = sigma * (yp - C @ xp - e + nfy) + H @ yp - J @ xp + ngy
            bz = H @ zp - J @ xp + ngy
            bx = (-C.T @ (yp - C @ xp - e) + ul_grad(xp, beta, ul_kind) + nfx
                  + ((-J.T @ yp + N @ yp) - (-J.T @ zp + N @ zp)) / sigma)
            calls += 3
            dy_ = ay + (1.0 - eta) * (dy_ - by)
            dz_ = az + (1.0 - eta) * (dz_ - bz)
            dx_ = ax + (1.0 - eta) * (dx_ - bx)
        xp, yp, zp = x.copy(), y.copy(), z.copy()
        y = y - gamma_y * dy_
        z = z - gamma_z * dz_
        x = x - alpha * dx_
    return rec


@numba.njit(cache=True)
def implicit_differentiation(H, J, K, C, e, beta, ul_kind, G, P, HpJ, x0, y0, alpha, gamma, n_outer, n_inner, n_cg,
                             calls_out, hvp_out, gpsi_out, x_out):
    """Implicit-differentiation (second-order) baseline: AID with warm-started GD and CG.

    ``y <- y - gamma grad_y g`` (``n_inner`` steps), ``v`` solves ``grad^2_yy g v = grad_y f`` by
    ``n_cg`` conjugate-gradient steps from 0, ``x <- x - alpha (grad_x f - grad^2_xy g v)``.
    Requires an invertible ``grad^2_yy g`` (P1); with several lower-level solutions it follows
    whichever one GD returns, not the f-minimal one.
    """
    x, y = x0.copy(), y0.copy()
    calls = 0
    hvps = 0
    for k in range(n_outer + 1):
        gpsi = grad_psi_norm(x, beta, ul_kind, C, e, G, P, HpJ)
        calls_out[k] = calls
        hvp_out[k] = hvps
        gpsi_out[k] = gpsi
        x_out[k] = x
        if not _finite(gpsi, y, y):
            gpsi_out[k] = np.inf
            return k + 1
        if k == n_outer:
            break
        for t in range(n_inner):
            y = y - gamma * (H @ y - J @ x)
        calls += n_inner
        b = y - C @ x - e  # grad_y f
        calls += 1
        v = np.zeros_like(y)
        r = b.copy()
        d = r.copy()
        rr = r @ r
        for it in range(n_cg):
            if rr <= 1e-300:
                break
            Hd = H @ d
            hvps += 1
            step = rr / (d @ Hd)
            v = v + step * d
            r = r - step * Hd
            rr_new = r @ r
            d = r + (rr_new / rr) * d
            rr = rr_new
        hvps += 1  # the cross term grad^2_xy g v = -J^T v
        gx = -C.T @ (y - C @ x - e) + ul_grad(x, beta, ul_kind) + J.T @ v
        x = x - alpha * gx
    return n_outer + 1
