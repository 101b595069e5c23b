"""Factorized gradient descent for matrix sensing: symmetric, asymmetric, and the one-step fix.

Setting (Xiong, Ding and Du, ICLR 2024): recover a rank-``r`` matrix ``M*`` from linear
measurements ``y = A(M*)`` by gradient descent on a factorization with ``k >= r`` columns.
Convention: the step carries no factor 2, i.e. ``eta`` here is the paper's ``2 eta`` for the
symmetric loss ``1/2 ||A(X X^T) - y||^2`` (card pitfall 5; exponents are unaffected).
"""

from __future__ import annotations

import numpy as np

from theorylab.sensing import _kernels
from theorylab.trace import Trace


def _check_operator(operator: np.ndarray | None, n1: int, n2: int) -> np.ndarray:
    if operator is None:
        return np.zeros((0, n1 * n2))
    operator = np.ascontiguousarray(operator, dtype=float)
    if operator.ndim != 2 or operator.shape[1] != n1 * n2:
        raise ValueError(f"operator must have shape (m, {n1 * n2}) for {n1}x{n2} matrices, got {operator.shape}")
    return operator


def _check_run(eta: float, T: int) -> None:
    if not eta > 0:
        raise ValueError(f"step size eta must be positive, got {eta}")
    if T < 0:
        raise ValueError(f"number of iterations T must be >= 0, got {T}")


def symmetric_gd(M_star: np.ndarray, X0: np.ndarray, *, eta: float, T: int, operator: np.ndarray | None = None,
                 err_stop: float = 0.0) -> Trace:
    """Symmetric GD ``X_{t+1} = X_t - eta A*(A(X_t X_t^T) - y) X_t`` (algorithm A1 of the card).

    Parameters
    ----------
    M_star : ndarray of shape (n, n)
        Symmetric target.
    X0 : ndarray of shape (n, k)
        Initial factor.
    eta : float
        Step size (no factor 2, see the module docstring).
    T : int
        Number of iterations.
    operator : ndarray of shape (m, n * n), optional
        Scaled symmetric Gaussian measurements; None for the population operator ``A* A = I``.
    err_stop : float
        Stop once ``||X X^T - M*||_F <= err_stop`` (the round-off floor).

    Returns
    -------
    Trace
        Metrics ``err`` (``||X_t X_t^T - M*||_F``) and ``loss`` at t = 0, 1, ...
    """
    M_star = np.ascontiguousarray(M_star, dtype=float)
    X = np.array(X0, dtype=float, order="C")
    n = M_star.shape[0]
    if M_star.shape != (n, n) or X.shape[0] != n:
        raise ValueError(f"M_star must be square and X0 must have {n} rows, got {M_star.shape} and {X.shape}")
    _check_run(eta, T)
    A = _check_operator(operator, n, n)
    err, loss = np.empty(T + 1), np.empty(T + 1)
    count, _ = _kernels.symmetric_gd(X, M_star, A, float(eta), int(T), float(err_stop), err, loss)
    return Trace(np.arange(count), {"err": err[:count], "loss": loss[:count]})


def imbalance(F: np.ndarray, G: np.ndarray) -> np.ndarray:
    """``Delta = F^T F - G^T G`` (k x k), conserved by gradient flow."""
    return F.T @ F - G.T @ G


def lambda_perp(F: np.ndarray, G: np.ndarray, r: int) -> float:
    """``lambda_min(N^T Delta N)`` with ``N`` the ``k - r`` smallest right singular vectors of ``G``.

    The card's [D] prediction: the late-time log-contraction of asymmetric GD with ``k > r`` is
    ``log(1 - eta * lambda_perp)``.
    """
    k = F.shape[1]
    if k <= r:
        return float("nan")
    _, _, vt = np.linalg.svd(G)
    null = vt[r:k].T
    return float(np.linalg.eigvalsh(null.T @ imbalance(F, G) @ null).min())


def lambda_perp_initial(F0: np.ndarray, G0: np.ndarray, U: np.ndarray, V: np.ndarray) -> float:
    """Prediction of :func:`lambda_perp` from the initialization alone (t = 0; derived [D]).

    With a small initialization, GD first grows ``(F, G)`` along the top singular pairs of ``M*``
    (the linear phase ``F <- F + eta M* G``, ``G <- G + eta M*^T F``), so the ``r``-dimensional part of
    the ``k``-dimensional column space that ends up carrying the signal is the row space of
    ``U^T F0 + V^T G0`` (``U``, ``V``: the target's singular vectors). Its orthogonal complement ``N0``
    becomes the near-null right space of ``G``; the imbalance is conserved to first order, so
    ``lambda_perp ~ lambda_min(N0^T Delta_0 N0)``. Exact in the limit alpha -> 0; O(alpha^2)
    corrections otherwise.

    Parameters
    ----------
    F0, G0 : ndarray of shape (n1, k), (n2, k)
        The initial factors.
    U, V : ndarray of shape (n1, r), (n2, r)
        Left and right singular vectors of the target.
    """
    r, k = U.shape[1], F0.shape[1]
    if k <= r:
        return float("nan")
    _, _, vt = np.linalg.svd(U.T @ F0 + V.T @ G0)
    null = vt[r:k].T
    return float(np.linalg.eigvalsh(null.T @ imbalance(F0, G0) @ null).min())


def one_step_rebalance(F: np.ndarray, G: np.ndarray, residual_norm: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """The first **inferred** variant of the one-step step: equalize the singular values of ``F``.

    ``F <- F P`` and ``G <- G P^{-T}`` with ``P = c (F^T F)^{-1/2}`` and ``c^2 = ||F G^T||_op``: the
    product is unchanged and every singular value of ``F`` becomes ``c``. It removes the alpha
    dependence but leaves the signal part unbalanced (``G``'s signal singular values become
    ``sigma_i / c``), so the rate after the step is ``log(1 - eta sigma_r^2 / sigma_1)``, kappa times
    slower than the exact parameterization. Kept as a mutant of the current step
    (:func:`one_step_balance_boost`); ``residual_norm`` is ignored.

    Raises
    ------
    ValueError
        If ``F^T F`` is numerically singular (its inverse square root would be meaningless).
    """
    gram = F.T @ F
    eigenvalues, vectors = np.linalg.eigh(gram)
    if eigenvalues.min() <= 1e-14 * max(eigenvalues.max(), 1e-300):
        raise ValueError(f"F^T F is numerically singular (eigenvalues {eigenvalues}); cannot rebalance")
    c = np.sqrt(np.linalg.norm(F @ G.T, 2))
    P = c * (vectors / np.sqrt(eigenvalues)) @ vectors.T
    P_inv_T = (vectors * np.sqrt(eigenvalues)) @ vectors.T / c
    return np.ascontiguousarray(F @ P), np.ascontiguousarray(G @ P_inv_T)


def one_step_balance_boost(F: np.ndarray, G: np.ndarray, residual_norm: float) -> tuple[np.ndarray, np.ndarray]:
    """The one-step modification, **derived variant** [D] (the paper's eq. (5.1) could not be read).

    Refactor the current product ``F G^T = (Q_F U_s) diag(d) (Q_G V_s)^T`` (thin QR of ``F`` and
    ``G``, SVD of the ``k x k`` core ``R_F R_G^T``) and set

    ``F <- Q_F U_s diag(f)``, ``G <- Q_G V_s diag(d / f)``, with ``f_j = sqrt(d_j)`` if
    ``d_j > 2 * residual_norm`` (a signal direction: kept balanced) and ``f_j = sqrt(d_1)`` otherwise
    (an extra direction: ``F``'s column is boosted to ``sqrt(||F G^T||_op)``, ``G``'s shrinks).

    The product is unchanged. The threshold uses only observables: by Weyl's inequality the
    ``k - r`` extra singular values of ``F G^T`` are at most ``||E||_op <= ||E||_F``, and
    ``||E||_F <= ||A(E)|| / sqrt(1 - delta)`` under RIP, so ``2 ||A(F G^T) - y||`` separates them from
    the signal values ``>= sigma_r - ||E||_op`` once the residual is small (the trigger). After the
    step the signal part is balanced (as plain GD leaves it in the exact parameterization) and the
    imbalance on the extra directions is ``sigma_1`` instead of O(alpha^2), so the local rate is the
    exact-parameterization rate ``log(1 - eta sigma_r)``.

    Parameters
    ----------
    F, G : ndarray of shape (n1, k), (n2, k)
    residual_norm : float
        ``||A(F G^T) - y||`` at the step.
    """
    qf, rf = np.linalg.qr(F)
    qg, rg = np.linalg.qr(G)
    u, d, vt = np.linalg.svd(rf @ rg.T)
    f = np.where(d > 2.0 * residual_norm, np.sqrt(d), np.sqrt(d[0]))
    return np.ascontiguousarray((qf @ u) * f), np.ascontiguousarray((qg @ vt.T) * (d / f))


def asymmetric_gd(M_star: np.ndarray, F0: np.ndarray, G0: np.ndarray, *, eta: float, T: int,
                  operator: np.ndarray | None = None, err_stop: float = 0.0,
                  one_step_tau: float | None = None, r: int | None = None,
                  special_step=one_step_balance_boost, kernel=None) -> Trace:
    """Asymmetric GD with simultaneous updates (algorithm A2), optionally with the one-step fix (A3).

    ``W_t = A*(A(F_t G_t^T) - y)``, ``F_{t+1} = F_t - eta W_t G_t``, ``G_{t+1} = G_t - eta W_t^T F_t``.

    Parameters
    ----------
    M_star : ndarray of shape (n1, n2)
    F0, G0 : ndarray of shape (n1, k), (n2, k)
    eta : float
    T : int
        Total number of iterations (the special step, if any, replaces one of them).
    operator : ndarray of shape (m, n1 * n2), optional
        Scaled Gaussian measurements; None for the population operator.
    err_stop : float
        Stop at this error (round-off floor).
    one_step_tau : float, optional
        Apply ``special_step`` once, at the first t with
        ``||A(F G^T) - y||^2 / ||y||^2 <= tau`` (observable quantities only).
    r : int, optional
        Target rank, used for the scalar ``lambda_perp``.
    special_step : callable
        ``special_step(F, G, residual_norm) -> (F, G)``, the step that replaces one GD step
        (default :func:`one_step_balance_boost`).
    kernel : callable, optional
        The GD loop, with the signature of ``_kernels.asymmetric_gd`` (default); the mutants of
        :mod:`theorylab.sensing.mutants` substitute a broken one.

    Returns
    -------
    Trace
        Metrics ``err`` and ``loss``; scalars ``imbalance_min0`` (``lambda_min(Delta_0)``),
        ``lambda_perp`` (at the end), ``trigger_t`` (-1 if the special step never ran).
    """
    M_star = np.ascontiguousarray(M_star, dtype=float)
    F, G = np.array(F0, dtype=float, order="C"), np.array(G0, dtype=float, order="C")
    n1, n2 = M_star.shape
    if F.shape[0] != n1 or G.shape[0] != n2 or F.shape[1] != G.shape[1]:
        raise ValueError(f"F0, G0 must be ({n1}, k) and ({n2}, k), got {F.shape} and {G.shape}")
    _check_run(eta, T)
    A = _check_operator(operator, n1, n2)
    y = A @ M_star.ravel() if A.shape[0] else M_star.ravel()
    scalars = {"imbalance_min0": float(np.linalg.eigvalsh(imbalance(F, G)).min()), "trigger_t": -1}
    err, loss = np.empty(T + 1), np.empty(T + 1)
    stop_ratio = -1.0 if one_step_tau is None else float(one_step_tau)
    kernel = _kernels.asymmetric_gd if kernel is None else kernel
    count, status = kernel(F, G, M_star, A, float(eta), int(T), float(err_stop), stop_ratio,
                                           float(y @ y), err, loss, 0)
    if status == _kernels.TRIGGERED and count <= T:
        scalars["trigger_t"] = count - 1
        F, G = special_step(F, G, float(np.sqrt(2.0 * loss[count - 1])))
        more, status = kernel(F, G, M_star, A, float(eta), int(T - count), float(err_stop), -1.0,
                                              float(y @ y), err, loss, count)
        count += more
    if r is not None:
        scalars["lambda_perp"] = lambda_perp(F, G, r)
    return Trace(np.arange(count), {"err": err[:count], "loss": loss[:count]}, scalars)


def symmetric_gd_reference(M_star, X0, eta, T, operator=None) -> np.ndarray:
    """NumPy reference of :func:`symmetric_gd`: the error series."""
    X, errors = np.array(X0, dtype=float), []
    for _ in range(T + 1):
        E = X @ X.T - M_star
        errors.append(np.linalg.norm(E))
        W = E if operator is None else (operator.T @ (operator @ E.ravel())).reshape(E.shape)
        X = X - eta * W @ X
    return np.array(errors)


def asymmetric_gd_reference(M_star, F0, G0, eta, T, operator=None) -> np.ndarray:
    """NumPy reference of :func:`asymmetric_gd` (without the one-step fix): the error series."""
    F, G, errors = np.array(F0, dtype=float), np.array(G0, dtype=float), []
    for _ in range(T + 1):
        E = F @ G.T - M_star
        errors.append(np.linalg.norm(E))
        W = E if operator is None else (operator.T @ (operator @ E.ravel())).reshape(E.shape)
        F, G = F - eta * W @ G, G - eta * W.T @ F
    return np.array(errors)
