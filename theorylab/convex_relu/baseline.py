"""The non-convex baseline: the same two-layer ReLU net trained by full-batch Adam or GD.

Objective (weight decay beta/2 on both layers, which is what makes the convex program exact)::

    F(U, alpha) = 1/2 ||sum_j alpha_j max(0, X u_j) - y||^2 + (beta/2)(||U||_F^2 + ||alpha||^2)
"""

from __future__ import annotations

import numpy as np

from theorylab.convex_relu import _kernels


def train_nonconvex(X: np.ndarray, y: np.ndarray, width: int, beta: float, rng: np.random.Generator, *,
                    steps: int = 5000, lr: float = 1e-2, record_every: int = 100, init_scale: float = 0.5
                    ) -> dict[str, np.ndarray]:
    """Full-batch Adam (Kingma and Ba 2015) on ``F`` from ``u_j ~ N(0, init_scale^2 I / d)``,
    ``alpha_j ~ N(0, init_scale^2 / width)``.

    Returns
    -------
    dict with ``U`` (d, width), ``alpha`` (width,), ``t`` and ``objective`` (recorded history).
    """
    if width < 1 or steps < 0 or not lr > 0 or not beta >= 0:
        raise ValueError(f"need width >= 1, steps >= 0, lr > 0, beta >= 0; got {width}, {steps}, {lr}, {beta}")
    X = np.ascontiguousarray(X, dtype=float)
    y = np.ascontiguousarray(y, dtype=float)
    d = X.shape[1]
    U = init_scale * rng.standard_normal((d, width)) / np.sqrt(d)
    alpha = init_scale * rng.standard_normal(width) / np.sqrt(width)
    size = steps // record_every + 2
    rec_t, rec_obj = np.zeros(size), np.zeros(size)
    recorded = _kernels.adam(X, y, U, alpha, float(beta), float(lr), int(steps), int(record_every), rec_t, rec_obj)
    return {"U": U, "alpha": alpha, "t": rec_t[:recorded], "objective": rec_obj[:recorded]}


def objective_and_gradients_reference(X, y, U, alpha, beta):
    """NumPy reference of :func:`._kernels.network_gradients` (value, dF/dU, dF/dalpha)."""
    H = X @ U
    active = (H > 0).astype(float)
    residual = (np.maximum(H, 0.0) @ alpha) - y
    value = 0.5 * residual @ residual + 0.5 * beta * (np.sum(U * U) + alpha @ alpha)
    grad_alpha = np.maximum(H, 0.0).T @ residual + beta * alpha
    grad_U = X.T @ (active * residual[:, None] * alpha[None, :]) + beta * U
    return value, grad_U, grad_alpha


def adam_reference(X, y, U, alpha, beta, lr, steps):
    """NumPy reference of :func:`._kernels.adam` (returns the final U, alpha; inputs untouched)."""
    U, alpha = U.copy(), alpha.copy()
    moments = [np.zeros_like(U), np.zeros_like(U), np.zeros_like(alpha), np.zeros_like(alpha)]
    for t in range(1, steps + 1):
        _, gU, ga = objective_and_gradients_reference(X, y, U, alpha, beta)
        moments[0] = 0.9 * moments[0] + 0.1 * gU
        moments[1] = 0.999 * moments[1] + 0.001 * gU ** 2
        moments[2] = 0.9 * moments[2] + 0.1 * ga
        moments[3] = 0.999 * moments[3] + 0.001 * ga ** 2
        c1, c2 = 1 - 0.9 ** t, 1 - 0.999 ** t
        U = U - lr * (moments[0] / c1) / (np.sqrt(moments[1] / c2) + 1e-8)
        alpha = alpha - lr * (moments[2] / c1) / (np.sqrt(moments[3] / c2) + 1e-8)
    return U, alpha


def least_squares_accuracy(X: np.ndarray, y: np.ndarray, X_test: np.ndarray, y_test: np.ndarray) -> float:
    """Test accuracy of the linear least-squares classifier ``sign(x^T w)``, ``w = argmin ||X w - y||``.

    The network-free baseline on the same features (bias included as a column of ``X``) and the
    same squared loss on +-1 labels; an output of exactly 0 counts as wrong, as in
    :func:`~theorylab.convex_relu.adversarial.accuracy`.
    """
    w = np.linalg.lstsq(np.asarray(X, dtype=float), np.asarray(y, dtype=float), rcond=None)[0]
    return float(np.mean(np.sign(np.asarray(X_test, dtype=float) @ w) == y_test))


def hinge_objective_and_gradients(X, y, U, alpha, beta):
    """``sum_k max(0, 1 - y_k f(x_k)) + (beta/2)(||U||^2 + ||alpha||^2)`` and its (sub)gradients."""
    H = X @ U
    active = H > 0
    f = np.maximum(H, 0.0) @ alpha
    margin = 1.0 - y * f
    g = np.where(margin > 0, -y, 0.0)                       # d loss / d f
    value = float(np.sum(np.maximum(margin, 0.0))) + 0.5 * beta * float(np.sum(U * U) + alpha @ alpha)
    grad_alpha = np.maximum(H, 0.0).T @ g + beta * alpha
    grad_U = X.T @ (active * g[:, None] * alpha[None, :]) + beta * U
    return value, grad_U, grad_alpha


def train_adversarial_hinge(X: np.ndarray, y: np.ndarray, width: int, beta: float, epsilon: float,
                            rng: np.random.Generator, *, steps: int = 1000, lr: float = 1e-2, pgd_steps: int = 7,
                            init_scale: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """PGD adversarial training (Madry et al. 2018) of the non-convex two-layer ReLU net, hinge loss.

    Each full-batch Adam step first replaces the training inputs by a PGD attack of radius
    ``epsilon`` (``pgd_steps`` sign steps of ``epsilon / 4``, box [0, 1], bias never perturbed;
    :func:`~theorylab.convex_relu.adversarial.pgd`) on the current net, then takes the gradient of
    the hinge objective there. Same initialization as :func:`train_nonconvex`.

    Returns
    -------
    U : ndarray of shape (d, width)
    alpha : ndarray of shape (width,)
    """
    from theorylab.convex_relu import adversarial

    if width < 1 or steps < 0 or not lr > 0 or not beta >= 0 or not epsilon >= 0:
        raise ValueError(f"need width >= 1, steps >= 0, lr > 0, beta >= 0, epsilon >= 0; got "
                         f"{width}, {steps}, {lr}, {beta}, {epsilon}")
    d = X.shape[1]
    U = init_scale * rng.standard_normal((d, width)) / np.sqrt(d)
    alpha = init_scale * rng.standard_normal(width) / np.sqrt(width)
    moments = [np.zeros_like(U), np.zeros_like(U), np.zeros_like(alpha), np.zeros_like(alpha)]
    for t in range(1, steps + 1):
        X_adv = adversarial.pgd(X, y, U, alpha, epsilon, rng, steps=pgd_steps) if epsilon > 0 else X
        _, gU, ga = hinge_objective_and_gradients(X_adv, y, U, alpha, beta)
        moments[0] = 0.9 * moments[0] + 0.1 * gU
        moments[1] = 0.999 * moments[1] + 0.001 * gU ** 2
        moments[2] = 0.9 * moments[2] + 0.1 * ga
        moments[3] = 0.999 * moments[3] + 0.001 * ga ** 2
        c1, c2 = 1 - 0.9 ** t, 1 - 0.999 ** t
        U = U - lr * (moments[0] / c1) / (np.sqrt(moments[1] / c2) + 1e-8)
        alpha = alpha - lr * (moments[2] / c1) / (np.sqrt(moments[3] / c2) + 1e-8)
    return U, alpha
