"""Mutants of the convex ReLU experiments: the paper's mechanisms broken as a buggy
reimplementation would break them (run by ``theorylab mutate convex_relu_admm``).

The ADMM mutants replace the Numba kernel by :func:`buggy_admm`, a vectorized NumPy loop of the
same iteration (same split factors, same recorded history) with exactly one mistake:

* ``dual_sign``       the scaled dual steps go the wrong way (``lam -= ...``, ``nu -= ...``);
* ``no_cone``         the slack step forgets the projection onto the non-negative orthant, so the
                      cone constraints ``(2 D_i - I) X v_i >= 0`` are never enforced;
* ``prox_threshold``  the group soft-threshold uses ``beta`` instead of ``beta / rho``;
* ``u_rho``           the u-step system is factored with ``2 rho`` while the rest uses ``rho``;
* ``refactor``        correct iterates, but the dP x dP system is rebuilt and refactored at every
                      iteration (a cubic step hidden inside the "quadratic" loop); the ``refactor``
                      mutant itself runs the real Numba kernel one iteration at a time, so that
                      NumPy's per-call overhead does not mask the cubic term.

Two more break the other experiments: ``radius_ignored`` trains the "robust" model with the
attack radius dropped (epsilon = 0), ``half_patterns`` enumerates only every other pattern in the
exact 2-D program; ``cone_ignored`` scores the sampled program's fresh patterns without their cone (C10).
"""

from __future__ import annotations

import contextlib
import time

import numpy as np
from scipy import linalg

from theorylab.convex_relu import _kernels
from theorylab.convex_relu import admm as _admm
from theorylab.convex_relu import experiments
from theorylab.registry import mutant

BUGS = ("dual_sign", "no_cone", "prox_threshold", "u_rho", "refactor")


def buggy_admm(X, y, D, beta, *, rho=10.0, gamma=1.0, max_iter=1000, tol=0.0, record_every=10,
               dense_until=1, bug: str = "dual_sign") -> _admm.ADMMResult:
    """NumPy ADMM for the convex ReLU program with one deliberate bug (see the module docstring).

    Same signature, recording and result type as :func:`theorylab.convex_relu.admm.admm_relu`.
    """
    if bug not in BUGS:
        raise ValueError(f"bug must be one of {BUGS}, got {bug!r}")
    X, y, D = _admm._validate(X, y, D, beta, rho, gamma)
    n, d = X.shape
    P = D.shape[1]
    start = time.perf_counter()
    fac = _admm.factor(X, D, y, 2.0 * rho if bug == "u_rho" else rho)
    setup = time.perf_counter() - start
    E = (2.0 * D - 1.0).T[None, :, :]                       # (1, P, n)
    U = np.zeros((2, P, d))
    V, lam = np.zeros_like(U), np.zeros_like(U)
    S, nu = np.zeros((2, P, n)), np.zeros((2, P, n))
    c = np.stack([fac.c, -fac.c])
    threshold = beta if bug == "prox_threshold" else beta / rho
    sign = -1.0 if bug == "dual_sign" else 1.0
    rec = {k: [] for k in ("t", "obj", "pri", "dual", "infeas")}
    status, iters = "max_iter", 0
    start, cpu = time.perf_counter(), time.process_time()
    for it in range(max_iter):
        iters = it + 1
        if bug == "refactor":
            fac = _admm.factor(X, D, y, rho)
        V_prev, S_prev = V, S
        R = c + V - lam + ((E * (S - nu)) @ X)
        sums = linalg.cho_solve((fac.Lsum, True), (R[0] + R[1]).T).T
        diff = linalg.cho_solve((fac.Ldiff, True), (R[0] - R[1]).ravel()).reshape(P, d)
        U = np.stack([0.5 * (sums + diff), 0.5 * (sums - diff)])
        XU = U @ X.T                                         # (2, P, n)
        Gu = E * XU
        blocks = U + lam
        norms = np.linalg.norm(blocks, axis=2, keepdims=True)
        V = np.where(norms > threshold, 1.0 - threshold / np.maximum(norms, 1e-300), 0.0) * blocks
        S = Gu + nu if bug == "no_cone" else np.maximum(0.0, Gu + nu)
        lam = lam + sign * gamma * (U - V)
        nu = nu + sign * gamma * (Gu - S)
        if it < dense_until or (it + 1) % record_every == 0 or it == max_iter - 1:
            yhat = np.sum(D.T * (XU[0] - XU[1]), axis=0)
            objective = 0.5 * float(np.sum((yhat - y) ** 2)) + beta * float(np.sum(np.linalg.norm(U, axis=2)))
            pri = np.sqrt(np.sum((U - V) ** 2) + np.sum((Gu - S) ** 2))
            dual = rho * np.sqrt(np.sum((V - V_prev) ** 2) + np.sum(((E * (S - S_prev)) @ X) ** 2))
            for key, value in zip(rec, (it + 1, objective, pri, dual, max(0.0, float(np.max(-Gu))))):
                rec[key].append(value)
            if not np.isfinite(objective):
                status = "diverged"
                break
            if tol > 0 and pri <= tol and dual <= tol:
                status = "converged"
                break
    run, cpu = time.perf_counter() - start, time.process_time() - cpu
    arr = {k: np.array(v, dtype=float) for k, v in rec.items()}
    m = d * P                                   # multiply-adds, counted like the kernel (+ the refactor)
    ops = m * (m + 1) + P * d * (d + 1) + 2 * P * (n * (d + 1) + n * d + 3 * d + 2 * n)
    if bug == "refactor":
        ops += n * m * m + m ** 3 / 3
    return _admm.ADMMResult(V[0].T.copy(), V[1].T.copy(), arr["t"].astype(int), arr["obj"], arr["pri"], arr["dual"],
                            arr["infeas"], iters, status, float(ops), setup, run, cpu)


@contextlib.contextmanager
def _patched(module, name, replacement):
    original = getattr(module, name)
    setattr(module, name, replacement)
    try:
        yield
    finally:
        setattr(module, name, original)


def _with_bug(simulate, bug):
    def solver(*args, **kwargs):
        return buggy_admm(*args, bug=bug, **kwargs)

    def run(config, rng):
        with _patched(experiments, "admm_relu", solver):
            return simulate(config, rng)
    return run


@mutant("relu_admm_rate", "dual_sign")
def dual_sign(config, rng):
    """Scaled dual updates with the wrong sign (lam -= gamma (u - v), nu -= gamma (G u - s))."""
    return _with_bug(experiments.admm_rate, "dual_sign")(config, rng)


@mutant("relu_admm_gap", "no_cone")
def no_cone(config, rng):
    """The slack step s = G u + nu skips the projection onto s >= 0: no cone constraint is enforced."""
    return _with_bug(experiments.admm_gap, "no_cone")(config, rng)


@mutant("relu_admm_gap", "prox_threshold")
def prox_threshold(config, rng):
    """Group soft-threshold at beta instead of beta / rho (the prox of the wrong penalty)."""
    return _with_bug(experiments.admm_gap, "prox_threshold")(config, rng)


@mutant("relu_admm_gap", "u_rho")
def u_rho(config, rng):
    """The u-step system I + F^T F / rho + G^T G and F^T y / rho are formed with 2 rho."""
    return _with_bug(experiments.admm_gap, "u_rho")(config, rng)


def refactoring_kernel(X, y, D, beta, *, rho=10.0, gamma=1.0, max_iter=1000, tol=0.0, record_every=10,
                       dense_until=1) -> _admm.ADMMResult:
    """The real Numba kernel, one iteration per call, with the u-step system rebuilt and
    refactored before every iteration (what a reimplementation that forgets to hoist the
    factorization out of the loop does). Records only the last iteration."""
    X, y, D = _admm._validate(X, y, D, beta, rho, gamma)
    n, d = X.shape
    P = D.shape[1]
    U, Vb, Lam = (np.zeros((2 * P, d)) for _ in range(3))
    S, Nu = np.zeros((2 * P, n)), np.zeros((2 * P, n))
    rec = [np.zeros(2) for _ in range(5)]
    ops = 0.0
    m = d * P
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(max_iter):
        fac = _admm.factor(X, D, y, rho)
        ops += _kernels.admm(X, D, y, fac.c, fac.Lsum, fac.Ldiff, float(beta), float(rho), float(gamma), 1, 1, 1,
                             float(tol), U, Vb, Lam, S, Nu, *rec)[3] + n * m * m + m ** 3 / 3
    run, cpu = time.perf_counter() - start, time.process_time() - cpu
    t, obj, pri, dual, infeas = (r[:1] for r in rec)
    return _admm.ADMMResult(Vb[:P].T.copy(), Vb[P:].T.copy(), np.array([max_iter]), obj, pri, dual, infeas,
                            max_iter, "max_iter", ops / max_iter, 0.0, run, cpu)


@mutant("relu_iteration_cost", "refactor")
def refactor(config, rng):
    """Correct iterates, but the dP x dP u-step system is rebuilt and refactored every iteration."""
    with _patched(experiments, "admm_relu", refactoring_kernel):
        return experiments.iteration_cost(config, rng)


@mutant("relu_adversarial", "radius_ignored")
def radius_ignored(config, rng):
    """The robust program is trained with the attack radius dropped (epsilon = 0 in training)."""
    original = experiments.adversarial.robust_relu_program

    def nominal(X, y, D, beta, epsilon, **kwargs):
        return original(X, y, D, beta, 0.0, **kwargs)

    with _patched(experiments.adversarial, "robust_relu_program", nominal):
        return experiments.adversarial_training(config, rng)


@mutant("relu_robust_certificate", "l2_dual_norm")
def l2_dual_norm(config, rng):
    """The worst case over the l_inf ball uses ||z||_2 instead of the dual norm ||z||_1."""
    original = experiments.adversarial.robust_relu_program

    def wrong_norm(*args, **kwargs):
        return original(*args, **{**kwargs, "dual_norm": 2})

    with _patched(experiments.adversarial, "robust_relu_program", wrong_norm):
        return experiments.robust_certificate(config, rng)


@mutant("relu_exact_2d", "no_rescale")
def no_rescale(config, rng):
    """The map back to a network skips the sqrt balancing: u = v_i, alpha = +-1 (same output, wrong penalty)."""
    def unbalanced(V, W, *, rel_tol=1e-6):
        blocks = np.hstack([V, W])
        signs = np.concatenate([np.ones(V.shape[1]), -np.ones(W.shape[1])])
        norms = np.linalg.norm(blocks, axis=0)
        keep = norms > rel_tol * norms.max() if norms.size and norms.max() > 0 else np.zeros(norms.shape, bool)
        return blocks[:, keep], signs[keep]

    with _patched(experiments.programs, "network_from_convex", unbalanced):
        return experiments.exact_2d(config, rng)


@mutant("relu_exact_admm", "half_sweep")
def half_sweep(config, rng):
    """The angular sweep cuts the circle only at theta_k + pi/2 (the theta_k - pi/2 boundaries are
    forgotten), so the "exact" program misses about half of the patterns."""
    def half(X):
        theta = np.arctan2(X[:, 1], X[:, 0])
        cuts = np.sort(np.mod(theta + np.pi / 2, 2 * np.pi))
        mids = 0.5 * (cuts + np.append(cuts[1:], cuts[0] + 2 * np.pi))
        H = np.vstack([np.cos(mids), np.sin(mids)])
        return experiments.arrangements.unique_patterns(experiments.arrangements.patterns_from_directions(X, H))[0]

    with _patched(experiments.arrangements, "enumerate_patterns_2d", half):
        return experiments.exact_admm(config, rng)


@mutant("relu_exact_admm", "cone_operator")
def cone_operator(config, rng):
    """The fast path's u-step operator is built with the consensus penalty in place of the cone
    penalty (rho_s := rho_v in the matrix, not in the right-hand side): a wrong fixed point."""
    from theorylab.convex_relu import fast_admm

    original = fast_admm.operators
    with _patched(fast_admm, "operators", lambda st, rho_v, rho_s: original(st, rho_v, rho_v)):
        return experiments.exact_admm(config, rng)


@mutant("relu_sampled_quality", "cone_ignored")
def cone_ignored(config, rng):
    """The dual check drops the cone ``(2 D_j - I) X u >= 0`` and maximizes over the whole unit ball
    (``||X^T D_j r||``: the gated relaxation's constraint), so fresh patterns are scored against a
    constraint the ReLU program does not have."""
    def whole_ball(G, start, stop):
        return np.linalg.norm(G, axis=1)

    with _patched(experiments.sampled, "sector_max", whole_ball):
        return experiments.sampled_quality(config, rng)


# --------------------------------------------------------------------------- ADMM-RBCD (C12-C14)
# The RBCD mutants run the real Numba kernel with one deliberate bug switched on (rbcd.BUG_*):
# * ``any_step``         the line search accepts the first trial step t = 1 (no Armijo test);
# * ``no_mask``          the block gradient's loss term is X^T l'(yhat) instead of X^T D_i l'(yhat);
# * ``rbcd_no_dual``     the dual updates of lam and nu are dropped (a penalty method at fixed rho);
# * ``full_prediction``  every block step recomputes yhat = F u from all blocks (O(n d P) per step).
import functools  # noqa: E402

from theorylab.convex_relu import rbcd as _rbcd  # noqa: E402
from theorylab.convex_relu import rbcd_experiments  # noqa: E402


@mutant("relu_rbcd_gap", "any_step")
def any_step(config, rng):
    """The backtracking line search accepts t = 1 without testing sufficient decrease."""
    with _patched(rbcd_experiments, "admm_rbcd", functools.partial(_rbcd.admm_rbcd, _bug=_rbcd.BUG_ANY_STEP)):
        return rbcd_experiments.rbcd_gap(config, rng)


@mutant("relu_rbcd_gap", "no_mask")
def no_mask(config, rng):
    """The block gradient of the loss misses the pattern mask D_i (X^T l' instead of X^T D_i l')."""
    with _patched(rbcd_experiments, "admm_rbcd", functools.partial(_rbcd.admm_rbcd, _bug=_rbcd.BUG_NO_MASK)):
        return rbcd_experiments.rbcd_gap(config, rng)


@mutant("relu_rbcd_gap", "rbcd_no_dual")
def rbcd_no_dual(config, rng):
    """ADMM-RBCD without the dual updates (lam and nu stay zero): a quadratic penalty at fixed rho."""
    with _patched(rbcd_experiments, "admm_rbcd", functools.partial(_rbcd.admm_rbcd, _bug=_rbcd.BUG_NO_DUAL)):
        return rbcd_experiments.rbcd_gap(config, rng)


@mutant("relu_rbcd_cost", "full_prediction")
def full_prediction(config, rng):
    """Each RBCD block step recomputes the prediction F u from all 2P blocks instead of updating it."""
    with _patched(rbcd_experiments, "block_step_seconds",
                  functools.partial(_rbcd.block_step_seconds, _bug=_rbcd.BUG_FULL_PREDICTION)):
        return rbcd_experiments.rbcd_cost(config, rng)
