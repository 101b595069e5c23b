"""Convex adversarial training (card 3.5 [INFERRED]) and FGSM/PGD attacks on the mapped network.

Threat model: ``||delta_k||_inf <= epsilon`` on the perturbable coordinates of each input (never
the bias column). Writing ``z_k = sum_i d_ik (v_i - w_i)``:

* robust cone constraints ``(2 d_ik - 1) x_k^T v_i >= epsilon ||v_i||_1`` (same for ``w_i``) keep
  every pattern fixed on the whole ball, so the network is linear there, ``f(x_k + delta) =
  (x_k + delta)^T z_k``, and the inner maximization is closed form:
* hinge: ``sum_k max(0, 1 - y_k x_k^T z_k + epsilon ||z_k||_1)``;
* squared: ``sum_k 1/2 (|x_k^T z_k - y_k| + epsilon ||z_k||_1)^2``;

plus ``beta sum_i (||v_i||_2 + ||w_i||_2)``. ``robust_cones=False`` keeps the nominal cones and
robustifies the loss only (a heuristic, card 3.5). Norms ``||.||_1`` run over perturbable
coordinates. Solved with cvxpy/Clarabel (same tolerances and fallbacks as :mod:`.programs`).
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from theorylab.convex_relu.programs import ConvexSolution, _check_loss, _solve


def robust_relu_program(X: np.ndarray, y: np.ndarray, D: np.ndarray, beta: float, epsilon: float, *,
                        loss: str = "hinge", perturbable: np.ndarray | None = None,
                        robust_cones: bool = True, dual_norm: float = 1) -> ConvexSolution:
    """Solve the l_inf-robust convex training program (hinge or squared loss) over patterns ``D``.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
    D : ndarray of shape (n, P)
    beta, epsilon : float
        Group-penalty weight and attack radius (``epsilon = 0`` gives the standard program).
    loss : {"hinge", "squared"}
    perturbable : bool ndarray of shape (d,), optional
        Coordinates the adversary may move; default all but the last (the bias column).
    robust_cones : bool
        Robust (certifying) cone constraints, or nominal ones.
    dual_norm : float
        The norm taken of ``z_k`` and ``v_i`` in the worst case; ``1`` (the dual of l_inf) is the
        only correct value, another one is there for the mutation tests.
    """
    _check_loss(loss)
    if epsilon < 0:
        raise ValueError(f"epsilon must be >= 0, got {epsilon}")
    d, P = X.shape[1], D.shape[1]
    mask = np.arange(d) < d - 1 if perturbable is None else np.asarray(perturbable, dtype=bool)
    V, W = cp.Variable((d, P)), cp.Variable((d, P))
    # z_k as its own variable: the l1 terms then touch d n entries instead of re-expanding
    # (V - W) D^T in every row, which cut Clarabel's constraint matrix severalfold.
    Z = cp.Variable((d, X.shape[0]))                                    # column k is z_k
    nominal = cp.sum(cp.multiply(X.T, Z), axis=0)                       # x_k^T z_k
    spread = epsilon * cp.norm(Z[mask, :], dual_norm, axis=0)           # epsilon ||z_k||_1
    if loss == "hinge":
        data_term = cp.sum(cp.pos(1 - cp.multiply(y, nominal) + spread))
    else:
        data_term = 0.5 * cp.sum_squares(cp.abs(nominal - y) + spread)
    penalty = beta * (cp.sum(cp.norm(V, 2, axis=0)) + cp.sum(cp.norm(W, 2, axis=0)))
    E = 2.0 * D - 1.0
    if robust_cones:
        row_v = cp.reshape(epsilon * cp.norm(V[mask, :], dual_norm, axis=0), (1, P), order="C")
        row_w = cp.reshape(epsilon * cp.norm(W[mask, :], dual_norm, axis=0), (1, P), order="C")
        constraints = [cp.multiply(E, X @ V) >= np.ones((X.shape[0], 1)) @ row_v,
                       cp.multiply(E, X @ W) >= np.ones((X.shape[0], 1)) @ row_w]
    else:
        constraints = [cp.multiply(E, X @ V) >= 0, cp.multiply(E, X @ W) >= 0]
    constraints.append(Z == (V - W) @ D.T)
    problem = cp.Problem(cp.Minimize(data_term + penalty), constraints)
    timing = _solve(problem)
    return ConvexSolution(np.asarray(V.value), np.asarray(W.value), float(problem.value), *timing)


def program_terms(X: np.ndarray, y: np.ndarray, D: np.ndarray, V: np.ndarray, W: np.ndarray, epsilon: float, *,
                  perturbable: np.ndarray | None = None) -> np.ndarray:
    """Each training point's term of the robust hinge program, ``max(0, 1 - y_k x_k^T z_k +
    epsilon ||z_k||_1)`` with ``z_k = sum_i d_ik (v_i - w_i)``; shape (n,)."""
    mask = _mask(X.shape[1], perturbable)
    Z = (V - W) @ D.T
    return np.maximum(0.0, 1.0 - y * np.sum(X.T * Z, axis=0) + epsilon * np.abs(Z[mask]).sum(axis=0))


def robust_linear_program(X: np.ndarray, y: np.ndarray, beta: float, epsilon: float, *,
                          perturbable: np.ndarray | None = None) -> np.ndarray:
    """l_inf-robust linear hinge classifier: ``min sum_k max(0, 1 - y_k x_k^T w + epsilon ||w||_1)
    + beta ||w||_2`` (the rival without a hidden layer; ``||.||_1`` over perturbable coordinates).

    Returns
    -------
    w : ndarray of shape (d,)
    """
    if epsilon < 0:
        raise ValueError(f"epsilon must be >= 0, got {epsilon}")
    d = X.shape[1]
    mask = _mask(d, perturbable)
    w = cp.Variable(d)
    margin = 1 - cp.multiply(y, X @ w) + epsilon * cp.norm(w[mask], 1)
    problem = cp.Problem(cp.Minimize(cp.sum(cp.pos(margin)) + beta * cp.norm(w, 2)))
    _solve(problem)
    return np.asarray(w.value)


def linear_attack_accuracy(X: np.ndarray, y: np.ndarray, w: np.ndarray, epsilon: float, *, perturbable=None,
                           clip: tuple[float, float] | None = (0.0, 1.0)) -> float:
    """Accuracy of ``sign(x^T w)`` under the exact worst-case l_inf attack (with the box).

    For a linear model the attack separates by coordinate: ``x_j - epsilon sign(y w_j)``, clipped to
    the box; so this is the robust accuracy itself, not a lower bound from a heuristic attack.
    """
    mask = _mask(X.shape[1], perturbable)
    X_adv = _project(X - epsilon * np.sign(y[:, None] * w[None, :]), X, epsilon, mask, clip)
    return float(np.mean(np.sign(X_adv @ w) == y))


def input_gradient(X: np.ndarray, U: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """``grad_x f(x) = sum_j alpha_j 1[x^T u_j > 0] u_j`` for every row of ``X``; shape (n, d)."""
    return ((X @ U > 0) * alpha) @ U.T


def accuracy(X: np.ndarray, y: np.ndarray, U: np.ndarray, alpha: np.ndarray) -> float:
    """Fraction of rows with ``sign(f(x)) == y`` (an output of exactly 0 counts as wrong)."""
    return float(np.mean(np.sign(np.maximum(X @ U, 0.0) @ alpha) == y))


def _mask(d: int, perturbable):
    return (np.arange(d) < d - 1) if perturbable is None else np.asarray(perturbable, dtype=bool)


def _project(X_adv, X, epsilon, mask, clip):
    X_adv = np.where(mask, np.clip(X_adv, X - epsilon, X + epsilon), X)
    if clip is not None:
        X_adv = np.where(mask, np.clip(X_adv, clip[0], clip[1]), X_adv)
    return X_adv


def fgsm(X: np.ndarray, y: np.ndarray, U: np.ndarray, alpha: np.ndarray, epsilon: float, *,
         perturbable=None, clip: tuple[float, float] | None = (0.0, 1.0)) -> np.ndarray:
    """Fast gradient sign attack (Goodfellow et al. 2015): ``x - epsilon sign(y grad_x f)``."""
    mask = _mask(X.shape[1], perturbable)
    step = np.sign(y[:, None] * input_gradient(X, U, alpha))
    return _project(X - epsilon * step, X, epsilon, mask, clip)


def pgd(X: np.ndarray, y: np.ndarray, U: np.ndarray, alpha: np.ndarray, epsilon: float, rng: np.random.Generator,
        *, steps: int = 30, step_size: float | None = None, perturbable=None,
        clip: tuple[float, float] | None = (0.0, 1.0)) -> np.ndarray:
    """Projected gradient (sign) attack (Madry et al. 2018) from a uniform random start in the ball.

    ``x <- Proj_{ball, box}(x - step_size sign(y grad_x f))`` for ``steps`` steps (default step
    ``epsilon / 4``); returns, per sample, the iterate with the smallest margin ``y f(x)`` seen.
    """
    mask = _mask(X.shape[1], perturbable)
    step_size = epsilon / 4 if step_size is None else step_size
    X_adv = _project(X + rng.uniform(-epsilon, epsilon, X.shape), X, epsilon, mask, clip)
    best = X_adv.copy()
    best_margin = y * (np.maximum(best @ U, 0.0) @ alpha)
    for _ in range(steps):
        X_adv = _project(X_adv - step_size * np.sign(y[:, None] * input_gradient(X_adv, U, alpha)),
                         X, epsilon, mask, clip)
        margin = y * (np.maximum(X_adv @ U, 0.0) @ alpha)
        worse = margin < best_margin
        best[worse] = X_adv[worse]
        best_margin = np.minimum(margin, best_margin)
    return best
