"""Full-batch GD on the squared loss, for a finite net and for its infinite-width kernel prediction.

Jacot, Gabriel, Hongler (2018), Section 5. The cost is ``C(f) = (1/2N) sum_i (f(x_i) - y_i)^2``.
GD on the parameters with step ``eta``,
``theta_{k+1} = theta_k - (eta / N) sum_i (f_k(x_i) - y_i) grad_theta f_k(x_i)``,
is, to first order, GD in function space with the NTK ``K``:

.. math::

    f_{k+1}(x) = f_k(x) - \\frac{\\eta}{N} \\sum_i K(x, x_i) (f_k(x_i) - y_i).

On the training set the residual ``r_k = f_k(X) - y`` obeys ``r_{k+1} = (I - eta K / N) r_k``, so
along the kernel's principal component ``i`` (eigenvalue ``lambda_i`` of ``Pi = K / N``) it
decays like ``(1 - eta lambda_i)^k``. The continuous version (the paper's ODE) is
``f_t = f* + exp(-t Pi) (f_0 - f*)`` on the data. The discrete recursion is the linearization of
GD on the parameters [card: derived, not in the paper].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theorylab.ntk import _kernels
from theorylab.ntk.mlp import MLP, _points


@dataclass
class TrainResult:
    """What :func:`train` records.

    Attributes
    ----------
    steps_done : int
        Last step with a finite loss (``steps`` unless the run diverged).
    loss : ndarray of shape (steps + 1,)
        ``C(f_k)`` at every step (NaN after a divergence).
    record_steps : ndarray of shape (R,)
        ``0, record_every, 2 record_every, ...``
    f_eval : ndarray of shape (R, N_eval)
        Outputs on the evaluation points at the recorded steps.
    kernels : ndarray of shape (R, M, M)
        Empirical NTK on the kernel points at the recorded steps (``M = 0`` when none were asked).
    """

    steps_done: int
    loss: np.ndarray
    record_steps: np.ndarray
    f_eval: np.ndarray
    kernels: np.ndarray

    @property
    def diverged(self) -> bool:
        return not np.all(np.isfinite(self.loss))


def train(net: MLP, X, y, *, eta: float, steps: int, X_eval=None, X_kernel=None,
          record_every: int = 1) -> TrainResult:
    """Full-batch GD on ``(1/2N) ||f(X) - y||^2``; ``net`` is updated in place.

    The update is ``theta <- theta - (eta / N) J(X)^T (f(X) - y)`` (Jacot et al. 2018, Sec. 5,
    with learning rate ``eta``; the paper's experiments use ``eta = 1``).

    Parameters
    ----------
    net : MLP
    X : array_like of shape (N, n0)
    y : array_like of shape (N,)
    eta : float
        Step size ``> 0``.
    steps : int
        Number of GD steps ``>= 0``.
    X_eval : array_like of shape (N_eval, n0), optional
        Points where the outputs are recorded (default ``X``).
    X_kernel : array_like of shape (M, n0), optional
        Points where the empirical NTK is recorded (default: none).
    record_every : int
        Record outputs and kernels every this many steps.
    """
    X = _points(X, net)
    y = np.ascontiguousarray(y, dtype=float).ravel()
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have one target per input, got {y.shape[0]} for {X.shape[0]} inputs")
    if not eta > 0 or steps < 0 or record_every < 1:
        raise ValueError(f"need eta > 0, steps >= 0, record_every >= 1; got {eta}, {steps}, {record_every}")
    X_eval = X if X_eval is None else _points(X_eval, net)
    X_kernel = np.zeros((0, X.shape[1])) if X_kernel is None else _points(X_kernel, net)
    done, loss, f_eval, kernels = _kernels.gd_train(X, y, X_eval, X_kernel, *net.arrays(), net.beta,
                                                    float(eta), int(steps), int(record_every))
    record_steps = np.arange(0, steps + 1, record_every)
    return TrainResult(int(done), loss, record_steps, f_eval, kernels)


def kernel_gd(K_train, K_eval_train, f0_train, f0_eval, y, *, eta: float, steps: int,
              record_every: int = 1) -> np.ndarray:
    """Outputs of GD in function space with a fixed kernel, from the network's actual ``f_0``.

    ``r_{k+1} = (I - eta K(X, X) / N) r_k`` with ``r_k = f_k(X) - y`` and, at any evaluation
    point, ``f_{k+1}(x) = f_k(x) - (eta / N) K(x, X) r_k``.

    Parameters
    ----------
    K_train : ndarray of shape (N, N)
    K_eval_train : ndarray of shape (N_eval, N)
    f0_train, f0_eval : ndarray
        Outputs of the network at initialization on the training and evaluation points.
    y : ndarray of shape (N,)

    Returns
    -------
    ndarray of shape (R, N_eval)
        Predicted outputs at steps ``0, record_every, ...`` (as :func:`train` records them).
    """
    N = len(y)
    r = np.asarray(f0_train, dtype=float) - y
    f = np.array(f0_eval, dtype=float)
    out = [f.copy()]
    for step in range(1, steps + 1):
        f -= (eta / N) * K_eval_train @ r
        r = r - (eta / N) * K_train @ r
        if step % record_every == 0:
            out.append(f.copy())
    return np.array(out)


def kernel_flow(K_train, f0_train, y, t) -> np.ndarray:
    """The paper's kernel gradient flow on the data: ``f_t = y + exp(-t K / N) (f_0 - y)``.

    Parameters
    ----------
    K_train : ndarray of shape (N, N)
        Symmetric PSD Gram matrix.
    f0_train, y : ndarray of shape (N,)
    t : array_like of shape (T,)
        Times (``t = steps * eta``).

    Returns
    -------
    ndarray of shape (T, N)
    """
    lam, V = np.linalg.eigh(np.asarray(K_train, dtype=float) / len(y))
    coeff = V.T @ (np.asarray(f0_train, dtype=float) - y)
    t = np.atleast_1d(np.asarray(t, dtype=float))
    return y + (np.exp(-np.outer(t, lam)) * coeff) @ V.T


def limit_posterior(K_train, K_eval_train, S_train, S_eval_train, S_eval_diag, y):
    """Mean and standard deviation of ``f_inf(x)`` over initializations, in the infinite-width limit.

    ``f_inf(x) = k_x^T K^{-1} y + (f_0(x) - k_x^T K^{-1} f_0(X))`` with ``f_0 ~ GP(0, Sigma)``
    (Jacot et al. 2018, Sec. 5): the mean is kernel regression with ridge -> 0 and the variance is
    ``Sigma(x, x) - 2 k_x^T K^{-1} Sigma(X, x) + k_x^T K^{-1} Sigma(X, X) K^{-1} k_x``.
    """
    A = np.linalg.solve(K_train, K_eval_train.T).T  # rows k_x^T K^{-1}
    mean = A @ y
    var = S_eval_diag - 2 * np.einsum("ij,ij->i", A, S_eval_train) + np.einsum("ij,jk,ik->i", A, S_train, A)
    return mean, np.sqrt(np.maximum(var, 0.0))
