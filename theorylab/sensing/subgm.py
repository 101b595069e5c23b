"""Sub-gradient method with small initialization for robust low-rank matrix recovery.

Ma & Fattahi, *Global Convergence of Sub-gradient Method for Robust Matrix Recovery: Small
Initialization, Noisy Measurements, and Over-parameterization*, JMLR 24 (2023), arXiv:2202.08788.

Problem: recover a rank-``r`` PSD ``X*`` (``d x d``) from ``y = A(X*) + s`` with
``A(X)_i = <A_i, X>`` (``A_i`` with i.i.d. N(0, 1) entries, no ``m^{-1/2}`` factor) by minimizing
the nonsmooth, nonconvex loss ``f(U) = (1/m) ||y - A(U U^T)||_1`` over ``U`` of width ``r' >= r``.

What comes from the paper card (``/shared/papers/subgm_sign_rip.md``) and how sure it is:

* loss, setting, small initialization, outlier and Gaussian noise models: stated in the abstract;
* the geometric step ``eta_t = eta0 * rho^t`` with an unnormalized sub-gradient, and the outlier
  model's details (Bernoulli(p) support, values independent of ``A``): **inferred**, the card's
  recollection of the paper body, not confirmed against the PDF;
* the init normalization ``U_0 = alpha * B``, ``B`` with N(0, 1/d) entries: **inferred** (card's choice).

Public functions return :class:`~theorylab.trace.Trace` objects; :func:`subgm_reference` and
:func:`l2_gd_reference` are the NumPy versions the tests compare the kernel with.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theorylab.sensing import _subgm_kernels as kernels
from theorylab.trace import Trace


@dataclass(frozen=True)
class RobustInstance:
    """One robust-sensing instance ``y = A(X*) + s``.

    Attributes
    ----------
    A : ndarray of shape (m, d*d)
        Rows ``vec(A_i)`` (row-major), i.i.d. N(0, 1) entries.
    y : ndarray of shape (m,)
    X_star : ndarray of shape (d, d)
        The rank-``r`` PSD target.
    noise : ndarray of shape (m,)
        The noise ``s`` actually added.
    B : ndarray of shape (d, d)
        Initial direction, N(0, 1/d) entries; a width-``r'`` run starts at ``alpha * B[:, :r']``.
    """

    A: np.ndarray
    y: np.ndarray
    X_star: np.ndarray
    noise: np.ndarray
    B: np.ndarray


@dataclass(frozen=True)
class InstanceDraws:
    """The raw random draws of one instance, before the noise model is applied.

    Each comes from its own child stream of the seed's generator, so every draw is **nested in
    m**: the instance with ``m`` measurements is the first ``m`` rows of the one with more.
    ``U`` are the uniforms behind the outlier support (``U_i < p``: nested in ``p`` too).
    """

    Q: np.ndarray
    A: np.ndarray
    U: np.ndarray
    outliers: np.ndarray
    dense: np.ndarray
    B: np.ndarray


def instance_draws(rng: np.random.Generator, *, d: int, r: int, m: int) -> InstanceDraws:
    """Draw ``Q`` (``d x r``), ``A`` (``m x d^2``, N(0, 1)), the support uniforms, the unit
    outlier and dense-noise values (``m`` each) and the init direction ``B`` (N(0, 1/d))."""
    streams = rng.spawn(6)
    return InstanceDraws(Q=streams[0].standard_normal((d, r)),
                         A=streams[1].standard_normal((m, d * d)),  # unscaled: no m^{-1/2} (the paper's)
                         U=streams[2].random(m), outliers=streams[3].standard_normal(m),
                         dense=streams[4].standard_normal(m),
                         B=streams[5].standard_normal((d, d)) / np.sqrt(d))


def target(Q: np.ndarray, kappa: float) -> np.ndarray:
    """``X* = Q' diag(sigma) Q'^T`` with ``Q'`` the orthonormalized ``Q`` and ``sigma`` geometric
    from 1 down to ``1 / kappa``."""
    Qo, _ = np.linalg.qr(Q)
    r = Q.shape[1]
    sigma = kappa ** (-np.arange(r) / max(r - 1, 1))
    return (Qo * sigma) @ Qo.T


def robust_instance(rng: np.random.Generator, *, d: int, r: int, m: int, kappa: float = 2.0,
                    p: float = 0.0, outlier_std: float = 100.0, nu: float = 0.0) -> RobustInstance:
    """Draw ``X* = Q diag(sigma) Q^T``, Gaussian ``A``, noise ``s`` and an initial direction.

    ``sigma`` is geometric from 1 down to ``1 / kappa`` (``kappa = 2, r = 2`` gives the card's
    ``diag(1, 0.5)``). The noise is ``s_i = b_i o_i + nu g_i`` with ``b_i ~ Bernoulli(p)``,
    ``o_i ~ N(0, outlier_std^2)`` and ``g_i ~ N(0, 1)``, all independent of ``A`` (``nu = 0``: the
    outlier model; ``p = 0``: the dense Gaussian model).

    The draws (:func:`instance_draws`) do not depend on ``p``, ``nu``, ``alpha`` or ``r'``, and are
    nested in ``m``: runs of one seed share ``A`` (up to its first ``m`` rows), ``X*``, the outlier
    positions (nested in ``p``), the noise shape and the initial direction.
    """
    draws = instance_draws(rng, d=d, r=r, m=m)
    X_star = target(draws.Q, kappa)
    noise = np.where(draws.U < p, outlier_std * draws.outliers, 0.0) + nu * draws.dense
    y = draws.A @ X_star.ravel() + noise
    return RobustInstance(draws.A, y, X_star, noise, draws.B)


def geometric_steps(eta0: float, rho: float, T: int) -> np.ndarray:
    """The schedule ``eta_t = eta0 * rho^t``, ``t = 0..T-1`` (``rho = 1``: constant step)."""
    return eta0 * rho ** np.arange(T, dtype=float)


def _check(A: np.ndarray, y: np.ndarray, U0: np.ndarray, X_star: np.ndarray, eta: np.ndarray) -> None:
    m, p = A.shape
    d = U0.shape[0]
    if U0.ndim != 2 or d * d != p:
        raise ValueError(f"U0 must be (d, r') with d*d = A.shape[1] = {p}, got {U0.shape}")
    if y.shape != (m,):
        raise ValueError(f"y must have shape ({m},), got {y.shape}")
    if X_star.shape != (d, d):
        raise ValueError(f"X_star must be ({d}, {d}), got {X_star.shape}")
    if eta.ndim != 1 or np.any(eta <= 0):
        raise ValueError("eta must be a 1-d array of positive step sizes")


def _descent(A, y, U0, X_star, eta, loss_kind) -> Trace:
    A = np.ascontiguousarray(A, dtype=float)
    y = np.ascontiguousarray(y, dtype=float)
    U0 = np.ascontiguousarray(U0, dtype=float)
    X_star = np.ascontiguousarray(X_star, dtype=float)
    eta = np.ascontiguousarray(eta, dtype=float)
    _check(A, y, U0, X_star, eta)
    err = np.empty(eta.size + 1)
    loss = np.empty(eta.size + 1)
    P, rows, cols = kernels.pack_symmetric(A, U0.shape[0])
    n = kernels.factored_descent(P, rows, cols, y, U0, X_star, eta, loss_kind, err, loss)
    return Trace(np.arange(n), {"err": err[:n], "loss": loss[:n]})


def subgm(A: np.ndarray, y: np.ndarray, U0: np.ndarray, X_star: np.ndarray, eta: np.ndarray) -> Trace:
    """Sub-gradient method on ``f(U) = (1/m) ||y - A(U U^T)||_1`` (Ma & Fattahi 2023).

    Update, for ``t = 0..T-1``::

        R_t     = A(U_t U_t^T) - y
        S_t     = (1/m) sum_i sign(R_{t,i}) A_i
        U_{t+1} = U_t - eta_t (S_t + S_t^T) U_t

    ``(S_t + S_t^T) U_t`` is a sub-gradient of ``f`` at ``U_t`` (``sign(0) = 0``). The paper's
    schedule (inferred, see the module docstring) is ``eta_t = eta0 rho^t``, from
    :func:`geometric_steps`, started at a small ``U_0 = alpha B``.

    Parameters
    ----------
    A : ndarray of shape (m, d*d)
        Unscaled sensing matrices, one ``vec(A_i)`` per row.
    y : ndarray of shape (m,)
    U0 : ndarray of shape (d, r')
    X_star : ndarray of shape (d, d)
        Only used for the error metric.
    eta : ndarray of shape (T,)
        Step sizes.

    Returns
    -------
    Trace
        ``err`` = ``||U_t U_t^T - X*||_F / ||X*||_F`` and ``loss`` = ``f(U_t)`` at ``t = 0..T``.
    """
    return _descent(A, y, U0, X_star, eta, kernels.L1_LOSS)


def l2_gd(A: np.ndarray, y: np.ndarray, U0: np.ndarray, X_star: np.ndarray, eta: np.ndarray) -> Trace:
    """Gradient descent on the l2 loss ``f_2(U) = (1/(2m)) ||y - A(U U^T)||^2`` (baseline).

    Update: ``U_{t+1} = U_t - eta_t (S_t + S_t^T) U_t`` with ``S_t = (1/m) sum_i R_{t,i} A_i``
    and ``R_t = A(U_t U_t^T) - y``. Same arguments and metrics as :func:`subgm`
    (``loss`` is ``f_2``).
    """
    return _descent(A, y, U0, X_star, eta, kernels.L2_LOSS)


def _reference(A, y, U0, X_star, eta, weight) -> tuple[np.ndarray, np.ndarray]:
    m = A.shape[0]
    d = U0.shape[0]
    U = U0.copy()
    err, loss = [], []
    for t in range(eta.size + 1):
        residual = A @ (U @ U.T).ravel() - y
        err.append(np.linalg.norm(U @ U.T - X_star) / np.linalg.norm(X_star))
        weights, value = weight(residual)
        loss.append(value / m)
        if t < eta.size:
            S = (A.T @ weights).reshape(d, d) / m
            U = U - eta[t] * (S + S.T) @ U
    return np.array(err), np.array(loss)


def subgm_reference(A, y, U0, X_star, eta) -> tuple[np.ndarray, np.ndarray]:
    """NumPy reference of :func:`subgm`: ``(err, loss)`` at ``t = 0..T``."""
    return _reference(A, y, U0, X_star, eta, lambda R: (np.sign(R), np.abs(R).sum()))


def l2_gd_reference(A, y, U0, X_star, eta) -> tuple[np.ndarray, np.ndarray]:
    """NumPy reference of :func:`l2_gd`: ``(err, loss)`` at ``t = 0..T``."""
    return _reference(A, y, U0, X_star, eta, lambda R: (R, 0.5 * (R * R).sum()))


def l1_loss(A: np.ndarray, y: np.ndarray, X: np.ndarray) -> float:
    """``(1/m) ||y - A(X)||_1`` at a ``d x d`` matrix ``X``."""
    return float(np.mean(np.abs(y - A @ np.ravel(X))))


def convex_l1_psd(A: np.ndarray, y: np.ndarray, d: int, *, solver: str = "CLARABEL") -> np.ndarray:
    """A global minimizer of the l1 loss over the PSD cone, ``argmin_{X >= 0} (1/m) ||y - A(X)||_1``.

    With ``r' = d`` every PSD ``X`` is some ``U U^T``, so this is a global minimizer of the
    factorized problem SubGM runs on: the answer a method without implicit regularization
    would reach (the rival of the under-determined claim). Solved with cvxpy (an SDP with
    ``m`` absolute values; Clarabel's interior point by default).

    Parameters
    ----------
    A : ndarray of shape (m, d*d)
        Sensing matrices, one row-major ``vec(A_i)`` per row.
    y : ndarray of shape (m,)
    d : int
    solver : str
        A cvxpy solver name.

    Returns
    -------
    ndarray of shape (d, d)
        The (symmetrized) minimizer.
    """
    import cvxpy as cp

    m = A.shape[0]
    if A.shape[1] != d * d or y.shape != (m,):
        raise ValueError(f"A must be (m, {d * d}) and y (m,), got {A.shape} and {y.shape}")
    X = cp.Variable((d, d), PSD=True)
    residual = y - A @ cp.vec(X, order="C")
    cp.Problem(cp.Minimize(cp.norm1(residual) / m)).solve(solver=solver)
    if X.value is None:
        raise RuntimeError(f"cvxpy ({solver}) returned no solution")
    return 0.5 * (X.value + X.value.T)
