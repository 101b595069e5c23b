"""ADMM-RBCD for the convex ReLU program (Bai, Gautam, Sojoudi 2023, Alg. 2, as restated in the
Feng-Shah-Abraham report, github zachary-shah/admmNN, ``writing/ADMM_NN_Paper.pdf``, sec. 2.2 and
its "Algorithm 2 Randomized Block Coordinate Descent" [3P]).

Same splitting and the same v-, s- and dual steps as Algorithm 1 (:mod:`theorylab.convex_relu.admm`),
for any smooth convex loss. The u-step, which for the squared loss is the linear solve with
``A = I + F^T F / rho + G^T G``, becomes the minimization of the augmented Lagrangian in u::

    L_u(u) = l(F u, y) + rho/2 ||u - v + lam||^2 + rho/2 ||G u - s + nu||^2

by a few passes of randomized block coordinate descent (RBCD) from the previous u (warm start).
A block is one u_g (g over the 2P blocks v_1..v_P, w_1..w_P, each of size d; the restatement draws
a pattern i in [P] and updates the pair (v_i, w_i), a block of size 2d: same cost per coordinate).
A block step with pattern i, sign sigma = +1 (v) or -1 (w):

* gradient ``grad = sigma X^T D_i l'(yhat) + rho (u_g - v_g + lam_g) + rho X^T E_i (E_i X u_g - s_g + nu_g)``,
  with ``E_i = 2 D_i - I`` and the running prediction ``yhat = F u`` (O(n d));
* direction ``-grad``, step ``t`` by backtracking (Armijo) on ``L_u`` along it: ``t = 1, 1/2, 1/4 ...``
  until ``L_u(u - t grad) <= L_u(u) - c t ||grad||^2`` (c = 1e-4; the restatement states a backtracking
  line search on the step gamma_r but not its constants: t0 = 1, halving and c are reconstructed).
  The quadratic part of ``L_u`` along the line is a closed-form quadratic in t; only the loss
  needs O(n) work per trial;
* ``u_g <- u_g - t grad`` and ``yhat <- yhat - t sigma D_i X grad`` (O(n d)).

So one block step costs O(n d) whatever P is, while the Cholesky u-step of Algorithm 1 costs
O((dP)^2 + n d P) per iteration after an O((dP)^3 + n (dP)^2) factorization (claim C13).
``yhat`` is recomputed from ``G u`` once per outer iteration, so rounding does not accumulate.

Losses (``loss`` code): 0 squared ``1/2 (z - y)^2``, 1 binary cross-entropy on the logit z with
labels y in {0, 1}: ``log(1 + e^z) - y z`` (derivative ``sigmoid(z) - y``), as
:func:`theorylab.convex_relu.programs.loss_value` with ``"bce"``.

The block order is drawn outside the kernel (``rng.integers``) and passed in, so the Numba kernel
:func:`_admm_rbcd` and the NumPy reference :func:`rbcd_reference` consume the same sequence.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numba
import numpy as np

from theorylab.convex_relu import _kernels
from theorylab.convex_relu import admm as _admm

LOSS_CODES = {"squared": 0, "bce": 1}
ARMIJO = 1e-4          # sufficient-decrease constant c
MAX_HALVINGS = 30      # t >= 2^-30 ~ 1e-9, else the block is left unchanged
# Deliberate bugs, used only by theorylab.convex_relu.mutants (0: the algorithm).
BUG_NONE, BUG_ANY_STEP, BUG_NO_MASK, BUG_NO_DUAL, BUG_FULL_PREDICTION = 0, 1, 2, 3, 4


@numba.njit(cache=True)
def _loss(z, y, loss):
    if loss == 0:
        return 0.5 * (z - y) * (z - y)
    return max(z, 0.0) + np.log1p(np.exp(-abs(z))) - y * z


@numba.njit(cache=True)
def _dloss(z, y, loss):
    if loss == 0:
        return z - y
    if z >= 0:
        return 1.0 / (1.0 + np.exp(-z)) - y
    e = np.exp(z)
    return e / (1.0 + e) - y


@numba.njit(cache=True)
def _loss_change(z, h, y, loss):
    """``loss(z + h) - loss(z)`` without cancellation: ``h (z - y) + h^2 / 2`` (squared) and
    ``log1p(sigmoid(z) expm1(h)) - y h`` (bce), so the Armijo test stays exact for tiny steps."""
    if loss == 0:
        return h * (z - y) + 0.5 * h * h
    if z >= 0:
        p = 1.0 / (1.0 + np.exp(-z))
    else:
        e = np.exp(z)
        p = e / (1.0 + e)
    if h > 0 and z + h > 30.0:                        # expm1 overflows long before the change does
        return _loss(z + h, y, loss) - _loss(z, y, loss)
    return np.log1p(p * np.expm1(h)) - y * h


@numba.njit(cache=True)
def _predict(X, D, U, yhat):
    """``yhat = sum_i D_i X (u_i - u_{P+i})`` from scratch (O(n d P))."""
    n, d = X.shape
    P = D.shape[1]
    for k in range(n):
        acc = 0.0
        for i in range(P):
            if D[k, i] > 0:
                for j in range(d):
                    acc += X[k, j] * (U[i, j] - U[P + i, j])
        yhat[k] = acc


@numba.njit(cache=True)
def _block_step(X, XT, D, ET, y, loss, rho, g, U, Vb, Lam, S, Nu, yhat, w, xd, grad, bug):
    """One RBCD step on block ``g`` of ``L_u``; returns the number of line-search trials (O(n d))."""
    n, d = X.shape
    P = D.shape[1]
    i = g % P
    sigma = 1.0 if g < P else -1.0
    # w = sigma D_i l'(yhat) + rho E_i (E_i X u_g - s_g + nu_g); c_k kept in xd for now
    for k in range(n):
        acc = 0.0
        for j in range(d):
            acc += X[k, j] * U[g, j]
        c = ET[i, k] * acc - S[g, k] + Nu[g, k]
        xd[k] = c
        mask = 1.0 if bug == BUG_NO_MASK else D[k, i]
        w[k] = sigma * mask * _dloss(yhat[k], y[k], loss) + rho * ET[i, k] * c
    gg = 0.0
    adot = 0.0
    for j in range(d):
        acc = 0.0
        for k in range(n):
            acc += XT[j, k] * w[k]
        a = U[g, j] - Vb[g, j] + Lam[g, j]
        grad[j] = acc + rho * a
        gg += grad[j] * grad[j]
    if gg == 0.0:
        return 0
    for j in range(d):
        adot += (U[g, j] - Vb[g, j] + Lam[g, j]) * grad[j]
    # along u_g - t grad: quadratic part q(t) - q(0) = -t lin + t^2 quad
    lin = rho * adot
    quad = 0.5 * rho * gg
    for k in range(n):
        acc = 0.0
        for j in range(d):
            acc += X[k, j] * grad[j]
        lin += rho * xd[k] * ET[i, k] * acc          # xd held c_k
        quad += 0.5 * rho * acc * acc
        xd[k] = acc                                  # now X grad
    t = 1.0
    trials = 0
    accepted = False
    for _ in range(MAX_HALVINGS):
        trials += 1
        if bug == BUG_ANY_STEP:
            accepted = True
            break
        change = 0.0
        for k in range(n):
            if D[k, i] > 0:
                change += _loss_change(yhat[k], -t * sigma * xd[k], y[k], loss)
        if change - t * lin + t * t * quad <= -ARMIJO * t * gg:
            accepted = True
            break
        t *= 0.5
    if not accepted:
        return trials
    for j in range(d):
        U[g, j] -= t * grad[j]
    if bug == BUG_FULL_PREDICTION:                   # a reimplementation that recomputes F u every step
        _predict(X, D, U, yhat)
    else:
        for k in range(n):
            if D[k, i] > 0:
                yhat[k] -= t * sigma * xd[k]
    return trials


@numba.njit(cache=True)
def _admm_rbcd(X, D, y, loss, beta, rho, gamma, iterations, passes, order, record_every, dense_until,
               stop_relative, bug, U, Vb, Lam, S, Nu, rec_t, rec_obj, rec_pri, rec_dual, rec_infeas):
    """ADMM-RBCD from the given state; returns (recorded points, block steps, line-search trials).

    Stops early at a recorded iteration where ``r_pri + r_dual <= stop_relative * (r_pri + r_dual at
    the first iteration)`` (``stop_relative = 0``: never)."""
    n, d = X.shape
    P = D.shape[1]
    XT = np.ascontiguousarray(X.T)
    ET = np.ascontiguousarray((2.0 * D - 1.0).T)
    yhat = np.empty(n)
    w = np.empty(n)
    xd = np.empty(n)
    grad = np.empty(d)
    GU = np.empty((2 * P, n))
    V_prev = Vb.copy()
    S_prev = S.copy()
    diff = np.empty(n)
    tmp = np.empty(d)
    threshold = beta / rho
    steps_per_iter = passes * 2 * P
    trials = 0
    recorded = 0
    done = 0
    first = -1.0
    _predict(X, D, U, yhat)
    for it in range(iterations):
        done = it + 1
        record = it < dense_until or (it + 1) % record_every == 0 or it == iterations - 1
        if record:
            V_prev[:, :] = Vb
            S_prev[:, :] = S
        for s in range(steps_per_iter):                    # u-step: RBCD passes on L_u
            trials += _block_step(X, XT, D, ET, y, loss, rho, order[it * steps_per_iter + s],
                                  U, Vb, Lam, S, Nu, yhat, w, xd, grad, bug)
        for g in range(2 * P):                             # G u
            i = g % P
            for k in range(n):
                acc = 0.0
                for j in range(d):
                    acc += X[k, j] * U[g, j]
                GU[g, k] = ET[i, k] * acc
        for k in range(n):                                 # yhat = F u from G u (no drift)
            acc = 0.0
            for i in range(P):
                acc += D[k, i] * (GU[i, k] - GU[P + i, k])
            yhat[k] = acc
        for g in range(2 * P):                             # v-step: group soft-threshold
            norm = 0.0
            for j in range(d):
                norm += (U[g, j] + Lam[g, j]) ** 2
            norm = np.sqrt(norm)
            shrink = 1.0 - threshold / norm if norm > threshold else 0.0
            for j in range(d):
                Vb[g, j] = shrink * (U[g, j] + Lam[g, j])
        for g in range(2 * P):                             # s-step and the duals
            for k in range(n):
                S[g, k] = max(0.0, GU[g, k] + Nu[g, k])
            if bug != BUG_NO_DUAL:
                for j in range(d):
                    Lam[g, j] += gamma * (U[g, j] - Vb[g, j])
                for k in range(n):
                    Nu[g, k] += gamma * (GU[g, k] - S[g, k])
        if record:
            obj = 0.0
            for k in range(n):
                obj += _loss(yhat[k], y[k], loss)
            pri = 0.0
            dual = 0.0
            infeas = 0.0
            for g in range(2 * P):
                i = g % P
                norm = 0.0
                for j in range(d):
                    norm += U[g, j] * U[g, j]
                    pri += (U[g, j] - Vb[g, j]) ** 2
                    dual += (Vb[g, j] - V_prev[g, j]) ** 2
                obj += beta * np.sqrt(norm)
                for k in range(n):
                    pri += (GU[g, k] - S[g, k]) ** 2
                    diff[k] = ET[i, k] * (S[g, k] - S_prev[g, k])
                    infeas = max(infeas, -GU[g, k])
                for j in range(d):
                    acc = 0.0
                    for k in range(n):
                        acc += XT[j, k] * diff[k]
                    tmp[j] = acc
                    dual += acc * acc
            rec_t[recorded] = it + 1
            rec_obj[recorded] = obj
            rec_pri[recorded] = np.sqrt(pri)
            rec_dual[recorded] = rho * np.sqrt(dual)
            rec_infeas[recorded] = infeas
            recorded += 1
            if not np.isfinite(obj):
                break
            total = np.sqrt(pri) + rho * np.sqrt(dual)
            if first < 0:
                first = total
            elif stop_relative > 0 and total <= stop_relative * first:
                break
    return recorded, done * steps_per_iter, trials


@dataclass
class RBCDResult:
    """Outcome of :func:`admm_rbcd`: the recorded history (objective ``f(u^k)`` of the ReLU program with
    the chosen loss, residuals as in :class:`~theorylab.convex_relu.admm.ADMMResult`, cone violation of
    u), the final group-sparse ``v`` as (d, P) arrays ``V``, ``W``, the block steps done and the
    line-search trials they took, and the loop's wall and process CPU seconds."""

    V: np.ndarray
    W: np.ndarray
    U: np.ndarray
    iterations: np.ndarray
    objective: np.ndarray
    r_primal: np.ndarray
    r_dual: np.ndarray
    infeasibility: np.ndarray
    block_steps: int
    trials: int
    run_seconds: float
    run_cpu_seconds: float


def _validate(X, y, D, beta, rho, gamma, loss, iterations, passes):
    X, y, D = _admm._validate(X, y, D, beta, rho, gamma)
    if loss not in LOSS_CODES:
        raise ValueError(f"loss must be one of {tuple(LOSS_CODES)}, got {loss!r}")
    if loss == "bce" and not np.all((y == 0.0) | (y == 1.0)):
        raise ValueError("loss 'bce' needs labels in {0, 1}")
    if iterations < 1 or passes < 1:
        raise ValueError(f"iterations and passes must be >= 1, got {iterations}, {passes}")
    return X, y, D


def block_order(rng: np.random.Generator, iterations: int, passes: int, blocks: int) -> np.ndarray:
    """The blocks visited, uniformly at random with replacement: ``passes * blocks`` per outer iteration."""
    return rng.integers(0, blocks, size=iterations * passes * blocks).astype(np.int64)


def admm_rbcd(X: np.ndarray, y: np.ndarray, D: np.ndarray, beta: float, rng: np.random.Generator, *,
              loss: str = "bce", rho: float = 1.0, gamma: float = 1.0, iterations: int = 100, passes: int = 2,
              record_every: int = 1, dense_until: int = 1, stop_relative: float = 0.0,
              _bug: int = BUG_NONE) -> RBCDResult:
    """Run ADMM-RBCD from zero on the convex ReLU program over the patterns ``D``.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
        Labels in {0, 1} (``loss="bce"``) or targets (``"squared"``).
    D : ndarray of shape (n, P)
        0/1 activation patterns.
    beta : float
        Group-penalty weight.
    rng : numpy.random.Generator
        Draws the block order.
    loss : {"bce", "squared"}
    rho, gamma : float
        ADMM penalty and dual step (scaled form, as Algorithm 1).
    iterations : int
        Outer ADMM iterations K (the cap when ``stop_relative > 0``).
    passes : int
        RBCD passes per u-step; a pass is 2P block steps.
    record_every, dense_until : int
        History every ``record_every`` iterations, and each of the first ``dense_until``.
    stop_relative : float
        Stop at a recorded iteration once ``r_pri + r_dual`` is at most this fraction of its value at
        the first iteration (ADMM's own residuals; 0: run all ``iterations``).

    Returns
    -------
    RBCDResult
    """
    X, y, D = _validate(X, y, D, beta, rho, gamma, loss, iterations, passes)
    if record_every < 1 or dense_until < 1:
        raise ValueError(f"record_every and dense_until must be >= 1, got {record_every}, {dense_until}")
    n, d = X.shape
    P = D.shape[1]
    order = block_order(rng, iterations, passes, 2 * P)
    U, Vb, Lam = (np.zeros((2 * P, d)) for _ in range(3))
    S, Nu = np.zeros((2 * P, n)), np.zeros((2 * P, n))
    size = iterations // record_every + dense_until + 2
    rec = [np.zeros(size) for _ in range(5)]
    start, cpu = time.perf_counter(), time.process_time()
    recorded, steps, trials = _admm_rbcd(X, D, y, LOSS_CODES[loss], float(beta), float(rho), float(gamma),
                                         int(iterations), int(passes), order, int(record_every), int(dense_until),
                                         float(stop_relative), int(_bug), U, Vb, Lam, S, Nu, *rec)
    run, cpu = time.perf_counter() - start, time.process_time() - cpu
    t, obj, pri, dual, infeas = (r[:recorded] for r in rec)
    return RBCDResult(Vb[:P].T.copy(), Vb[P:].T.copy(), U.copy(), t.astype(int), obj, pri, dual, infeas,
                      int(steps), int(trials), run, cpu)


def rbcd_reference(X: np.ndarray, y: np.ndarray, D: np.ndarray, beta: float, order: np.ndarray, *,
                   loss: str = "bce", rho: float = 1.0, gamma: float = 1.0, iterations: int = 3,
                   passes: int = 2) -> dict[str, np.ndarray]:
    """NumPy version of the same ADMM-RBCD iterations over the block sequence ``order`` (tests).

    Each block step is written from the definitions: the gradient of ``L_u`` restricted to the
    block, and the line search evaluates ``L_u`` itself at the trial points (no closed-form
    quadratic), so tests also check the kernel's bookkeeping.

    Returns
    -------
    dict with ``U``, ``V``, ``lam`` (2P, d), ``S``, ``nu`` (2P, n) and the objective ``f(u)``.
    """
    X, y, D = _validate(X, y, D, beta, rho, gamma, loss, iterations, passes)
    n, d = X.shape
    P = D.shape[1]
    E = (2.0 * D - 1.0).T                                  # (P, n)
    sig = np.concatenate([np.ones(P), -np.ones(P)])
    pat = np.concatenate([np.arange(P), np.arange(P)])

    def ell(z):
        return 0.5 * (z - y) ** 2 if loss == "squared" else np.logaddexp(0.0, z) - y * z

    def dell(z):
        return z - y if loss == "squared" else 1.0 / (1.0 + np.exp(-z)) - y

    def predict(U):
        return np.sum(D.T * (U[:P] @ X.T - U[P:] @ X.T), axis=0)

    def lagrangian(U, V, lam, S, nu):
        GU = E[pat] * (U @ X.T)
        return (float(np.sum(ell(predict(U)))) + 0.5 * rho * float(np.sum((U - V + lam) ** 2))
                + 0.5 * rho * float(np.sum((GU - S + nu) ** 2)))

    U, V, lam = (np.zeros((2 * P, d)) for _ in range(3))
    S, nu = np.zeros((2 * P, n)), np.zeros((2 * P, n))
    steps = passes * 2 * P
    for it in range(iterations):
        for g in order[it * steps:(it + 1) * steps]:
            i = pat[g]
            yhat = predict(U)
            c = E[i] * (X @ U[g]) - S[g] + nu[g]
            grad = sig[g] * X.T @ (D[:, i] * dell(yhat)) + rho * (U[g] - V[g] + lam[g]) + rho * X.T @ (E[i] * c)
            gg = float(grad @ grad)
            if gg == 0.0:
                continue
            base = lagrangian(U, V, lam, S, nu)
            t = 1.0
            for _ in range(MAX_HALVINGS):
                trial = U.copy()
                trial[g] = U[g] - t * grad
                if lagrangian(trial, V, lam, S, nu) - base <= -ARMIJO * t * gg:
                    U = trial
                    break
                t *= 0.5
        GU = E[pat] * (U @ X.T)
        blocks = U + lam
        norms = np.linalg.norm(blocks, axis=1, keepdims=True)
        V = np.where(norms > beta / rho, 1.0 - (beta / rho) / np.where(norms > 0, norms, 1.0), 0.0) * blocks
        S = np.maximum(0.0, GU + nu)
        lam = lam + gamma * (U - V)
        nu = nu + gamma * (GU - S)
    objective = float(np.sum(ell(predict(U)))) + beta * float(np.sum(np.linalg.norm(U, axis=1)))
    return {"U": U, "V": V, "lam": lam, "S": S, "nu": nu, "objective": objective}


# ----------------------------------------------------------------------------- timing (C13)
@numba.njit(cache=True)
def _timed_block_steps(X, D, y, loss, rho, order, U, Vb, Lam, S, Nu, bug):
    n, d = X.shape
    XT = np.ascontiguousarray(X.T)
    ET = np.ascontiguousarray((2.0 * D - 1.0).T)
    yhat = np.empty(n)
    w = np.empty(n)
    xd = np.empty(n)
    grad = np.empty(d)
    _predict(X, D, U, yhat)
    trials = 0
    for s in range(order.shape[0]):
        trials += _block_step(X, XT, D, ET, y, loss, rho, order[s], U, Vb, Lam, S, Nu, yhat, w, xd, grad, bug)
    return trials


def _timing_state(X, D, rng):
    n, d = X.shape
    P = D.shape[1]
    U = 0.1 * rng.standard_normal((2 * P, d))
    Vb, Lam = 0.1 * rng.standard_normal((2 * P, d)), 0.01 * rng.standard_normal((2 * P, d))
    S, Nu = np.abs(0.1 * rng.standard_normal((2 * P, n))), 0.01 * rng.standard_normal((2 * P, n))
    return U, Vb, Lam, S, Nu


def block_step_seconds(X: np.ndarray, y: np.ndarray, D: np.ndarray, rng: np.random.Generator, *,
                       loss: str = "bce", rho: float = 1.0, steps: int = 2000, repetitions: int = 5,
                       _bug: int = BUG_NONE) -> tuple[float, float]:
    """Process CPU seconds per RBCD block step (best of ``repetitions`` runs of ``steps`` random
    steps, after a warm-up), from a random ADMM state; also the mean line-search trials per step."""
    X, y, D = _validate(X, y, D, 1.0, rho, 1.0, loss, 1, 1)
    P = D.shape[1]
    initial = _timing_state(X, D, rng)
    code = LOSS_CODES[loss]
    _timed_block_steps(X, D, y, code, float(rho), block_order(rng, 1, 1, 2 * P)[:4],
                       *(a.copy() for a in initial), int(_bug))
    best, trials = np.inf, 0
    for _ in range(repetitions):
        order = rng.integers(0, 2 * P, size=steps).astype(np.int64)
        state = [a.copy() for a in initial]        # the same start each time (not a converged u-step)
        start = time.process_time()
        trials = _timed_block_steps(X, D, y, code, float(rho), order, *state, int(_bug))
        best = min(best, time.process_time() - start)
    return float(best / steps), float(trials / steps)


@numba.njit(cache=True)
def _cholesky_usteps(X, D, c, Lsum, Ldiff, Vb, Lam, S, Nu, U, reps):
    """``reps`` u-steps of Algorithm 1: ``u = A^{-1}(c + v - lam + G^T (s - nu))`` by the split factors."""
    n, d = X.shape
    P = D.shape[1]
    m = d * P
    ET = np.ascontiguousarray((2.0 * D - 1.0).T)
    XT = np.ascontiguousarray(X.T)
    R = np.empty((2 * P, d))
    tmp = np.empty(n)
    psum = np.empty(d)
    sol = np.empty(d)
    q = np.empty(m)
    qsol = np.empty(m)
    for _ in range(reps):
        for g in range(2 * P):
            i = g % P
            sign = 1.0 if g < P else -1.0
            for k in range(n):
                tmp[k] = ET[i, k] * (S[g, k] - Nu[g, k])
            for j in range(d):
                acc = 0.0
                for k in range(n):
                    acc += XT[j, k] * tmp[k]
                R[g, j] = sign * c[i, j] + Vb[g, j] - Lam[g, j] + acc
        for i in range(P):
            for j in range(d):
                psum[j] = R[i, j] + R[P + i, j]
                q[i * d + j] = R[i, j] - R[P + i, j]
            _kernels.cholesky_solve_rows(Lsum, psum, sol)
            for j in range(d):
                U[i, j] = sol[j]
        _kernels.cholesky_solve_rows(Ldiff, q, qsol)
        for i in range(P):
            for j in range(d):
                a = U[i, j]
                U[i, j] = 0.5 * (a + qsol[i * d + j])
                U[P + i, j] = 0.5 * (a - qsol[i * d + j])
    return U[0, 0]


def cholesky_ustep_seconds(X: np.ndarray, y: np.ndarray, D: np.ndarray, rng: np.random.Generator, *,
                           rho: float = 1.0, reps: int = 20, repetitions: int = 3) -> tuple[float, float]:
    """Process CPU seconds per u-step of Algorithm 1 (squared loss: right-hand side ``G^T (s - nu)`` and
    the two triangular solves with the factors of :func:`theorylab.convex_relu.admm.factor`), best of
    ``repetitions`` runs of ``reps`` u-steps; also the one-off factorization's CPU seconds."""
    X, y, D = _admm._validate(X, y, D, 1.0, rho, 1.0)
    start = time.process_time()
    fac = _admm.factor(X, D, y, rho)
    setup = time.process_time() - start
    U, Vb, Lam, S, Nu = _timing_state(X, D, rng)
    _cholesky_usteps(X, D, fac.c, fac.Lsum, fac.Ldiff, Vb, Lam, S, Nu, U, 1)
    best = np.inf
    for _ in range(repetitions):
        start = time.process_time()
        _cholesky_usteps(X, D, fac.c, fac.Lsum, fac.Ldiff, Vb, Lam, S, Nu, U, reps)
        best = min(best, time.process_time() - start)
    return float(best / reps), float(setup)


# ----------------------------------------------------------------------------- rival (C12)
@numba.njit(cache=True)
def _block_subgradient(X, D, y, loss, beta, mu, eta0, order, steps_per_check, U, hist_obj, hist_viol):
    """Randomized block subgradient descent on the exact-penalty form
    ``l(F u) + beta sum_g ||u_g|| + mu sum_g sum_k (-(G u_g)_k)_+`` with step ``eta0 / sqrt(1 + pass)``
    (a pass is 2P steps); after every ``steps_per_check`` steps the penalized objective and the largest
    cone violation are stored in ``hist_obj``, ``hist_viol``. Returns the number of checks stored."""
    n, d = X.shape
    P = D.shape[1]
    XT = np.ascontiguousarray(X.T)
    ET = np.ascontiguousarray((2.0 * D - 1.0).T)
    yhat = np.zeros(n)
    w = np.empty(n)
    xd = np.empty(n)
    sub = np.empty(d)
    _predict(X, D, U, yhat)
    per_pass = 2 * P
    checks = 0
    for s in range(order.shape[0]):
        g = order[s]
        i = g % P
        sigma = 1.0 if g < P else -1.0
        norm = 0.0
        for j in range(d):
            norm += U[g, j] * U[g, j]
        norm = np.sqrt(norm)
        for k in range(n):
            acc = 0.0
            for j in range(d):
                acc += X[k, j] * U[g, j]
            w[k] = sigma * D[k, i] * _dloss(yhat[k], y[k], loss) - (mu * ET[i, k] if ET[i, k] * acc < 0 else 0.0)
        for j in range(d):
            acc = 0.0
            for k in range(n):
                acc += XT[j, k] * w[k]
            sub[j] = acc + (beta * U[g, j] / norm if norm > 0 else 0.0)
        eta = eta0 / np.sqrt(1.0 + s // per_pass)
        for k in range(n):
            acc = 0.0
            for j in range(d):
                acc += X[k, j] * sub[j]
            xd[k] = acc
        for j in range(d):
            U[g, j] -= eta * sub[j]
        for k in range(n):
            if D[k, i] > 0:
                yhat[k] -= eta * sigma * xd[k]
        if (s + 1) % steps_per_check == 0:
            _predict(X, D, U, yhat)
            obj = 0.0
            viol = 0.0
            pen = 0.0
            for k in range(n):
                obj += _loss(yhat[k], y[k], loss)
            for h in range(2 * P):
                ih = h % P
                nh = 0.0
                for j in range(d):
                    nh += U[h, j] * U[h, j]
                obj += beta * np.sqrt(nh)
                for k in range(n):
                    acc = 0.0
                    for j in range(d):
                        acc += X[k, j] * U[h, j]
                    v = -ET[ih, k] * acc
                    if v > 0:
                        pen += v
                        viol = max(viol, v)
            hist_obj[checks] = obj + mu * pen
            hist_viol[checks] = viol
            checks += 1
    return checks


def block_subgradient(X: np.ndarray, y: np.ndarray, D: np.ndarray, beta: float, rng: np.random.Generator, *,
                      budget: int, steps_per_check: int, loss: str = "bce", mu: float = 1.0, eta0: float = 0.1
                      ) -> tuple[np.ndarray, np.ndarray]:
    """The rival of C12: ``budget`` randomized block subgradient steps from zero (each one block gradient,
    as one RBCD step) on the exact-penalty form of the program (exact when ``mu`` exceeds the largest
    multiplier of the cone constraints).

    Returns
    -------
    objective, violation : ndarray
        The penalized objective and the largest cone violation after every ``steps_per_check`` steps.
    """
    X, y, D = _validate(X, y, D, beta, 1.0, 1.0, loss, 1, 1)
    if budget < 1 or not 1 <= steps_per_check <= budget:
        raise ValueError(f"need budget >= 1 and 1 <= steps_per_check <= budget, got {budget}, {steps_per_check}")
    P = D.shape[1]
    U = np.zeros((2 * P, X.shape[1]))
    checks = int(budget) // int(steps_per_check)
    hist_obj, hist_viol = np.zeros(checks), np.zeros(checks)
    order = rng.integers(0, 2 * P, size=int(budget)).astype(np.int64)
    done = _block_subgradient(X, D, y, LOSS_CODES[loss], float(beta), float(mu), float(eta0), order,
                              int(steps_per_check), U, hist_obj, hist_viol)
    return hist_obj[:done], hist_viol[:done]
