"""Models whose (Gauss-Newton) Hessians are sums of per-sample PSD rank-one terms.

Every model here is stored as *curvature factors*: per-sample vectors ``phi_i`` (rows of
``features``) and non-negative weights ``d_i``, so that

    H = (1/N) sum_i d_i phi_i phi_i^T + ridge * I,       H_B = (1/B) sum_{i in batch} d_i phi_i phi_i^T + ridge * I.

* least squares, ``l_i = (x_i^T w - y_i)^2 / 2``: ``phi_i = x_i``, ``d_i = 1`` (Hessian = GGN);
* logistic regression at the ridge MLE: ``phi_i = x_i``, ``d_i = s_i (1 - s_i)`` (canonical link, Hessian = GGN);
* two-layer tanh MLP with squared loss: ``phi_i = d f(x_i) / d theta`` and ``d_i = 1`` (the GGN).

Inputs come from a *spiked covariance*: ``x = z * sqrt(lam)`` with ``z ~ N(0, I_P)`` and
``lam = (spike, bulk, ..., bulk)`` (card "How to verify"). The paper is Granziol, Zohren and
Roberts, *Learning Rates as a Function of Batch Size*, JMLR 23(173), 2022.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


def spiked_spectrum(p: int, spike: float, bulk: float = 1.0, n_spikes: int = 1) -> np.ndarray:
    """Population covariance eigenvalues ``(spike, ..., spike, bulk, ..., bulk)`` of length ``p``."""
    if p < 1 or not 0 <= n_spikes <= p:
        raise ValueError(f"need p >= 1 and 0 <= n_spikes <= p, got p={p}, n_spikes={n_spikes}")
    lam = np.full(p, float(bulk))
    lam[:n_spikes] = spike
    return lam


def sample_inputs(rng: np.random.Generator, n: int, lam: np.ndarray) -> np.ndarray:
    """``n`` rows ``x = z * sqrt(lam)``, ``z ~ N(0, I)``: inputs with covariance ``diag(lam)``."""
    return rng.standard_normal((n, lam.size)) * np.sqrt(lam)


@dataclass(frozen=True)
class CurvatureModel:
    """Curvature factors of a fixed finite data set at a fixed weight vector.

    Attributes
    ----------
    features : ndarray of shape (N, P)
        ``phi_i``: the input (GLMs) or the output Jacobian ``df/dtheta`` (MLP) of sample ``i``.
    weights : ndarray of shape (N,)
        ``d_i = d^2 l / d f^2`` at the sample, non-negative.
    ridge : float
        Weight decay added to every eigenvalue.
    name : str
    theta : ndarray, optional
        The parameter vector at which the curvature factors were taken.
    batch_gradient : callable, optional
        ``(theta, index) -> gradient`` of the loss over the samples ``index`` (ridge included):
        an independent route to the Hessian (finite differences), used by :func:`hvp_fd_error`.
    batch_outputs : callable, optional
        ``(theta, index) -> f(x_index; theta)``, the model's outputs: an independent route to the
        Gauss-Newton matrix (``v^T G_B v = |J_B v|^2 / B``, ``J_B v`` by finite differences).
    """

    features: np.ndarray
    weights: np.ndarray
    ridge: float = 0.0
    name: str = ""
    theta: np.ndarray | None = None
    batch_gradient: Callable | None = None
    batch_outputs: Callable | None = None

    @property
    def n(self) -> int:
        return self.features.shape[0]

    @property
    def p(self) -> int:
        return self.features.shape[1]

    def hessian(self) -> np.ndarray:
        """The empirical (full-data) Hessian/GGN ``H_emp``, shape (P, P)."""
        scaled = self.features * np.sqrt(self.weights)[:, None]
        return scaled.T @ scaled / self.n + self.ridge * np.eye(self.p)

    def draw_batch(self, rng: np.random.Generator, batch: int) -> tuple[np.ndarray, np.ndarray]:
        """A batch of size ``batch`` drawn uniformly *with replacement*, so that ``E[H_B] = H_emp``."""
        return self.batch_at(rng.integers(0, self.n, size=batch))

    def batch_at(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The curvature factors ``(phi_i, d_i)`` of the samples ``index``."""
        return self.features[index], self.weights[index]


@dataclass(frozen=True)
class SpikedGaussianSource:
    """Streaming least squares: every batch holds fresh ``x ~ N(0, diag(lam))``; ``H = diag(lam)``."""

    lam: np.ndarray
    name: str = "least_squares"

    @property
    def p(self) -> int:
        return self.lam.size

    def hessian(self) -> np.ndarray:
        return np.diag(self.lam)

    def draw_batch(self, rng: np.random.Generator, batch: int) -> tuple[np.ndarray, np.ndarray]:
        return sample_inputs(rng, batch, self.lam), np.ones(batch)


def least_squares(lam: np.ndarray) -> SpikedGaussianSource:
    """Population least squares with input covariance ``diag(lam)``: ``H_B = X_B^T X_B / B``."""
    return SpikedGaussianSource(np.asarray(lam, dtype=float))


def _sigmoid(u: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * u))


def logistic_regression(rng: np.random.Generator, n: int, lam: np.ndarray, *, teacher_norm: float = 0.5,
                        ridge: float = 1e-3, newton_steps: int = 30) -> CurvatureModel:
    """Logistic regression on spiked inputs, at its ridge maximum-likelihood estimate.

    Labels ``y ~ Bernoulli(sigmoid(x^T w_t))`` with a random teacher of norm ``teacher_norm``.
    Newton's method ``w <- w - (H + ridge I)^{-1} (grad + ridge w)`` reaches the ridge MLE ``w*``;
    the per-sample Hessian there is ``s_i (1 - s_i) x_i x_i^T`` with ``s_i = sigmoid(x_i^T w*)``.
    """
    x = sample_inputs(rng, n, lam)
    teacher = rng.standard_normal(lam.size)
    teacher *= teacher_norm / np.linalg.norm(teacher)
    y = (rng.random(n) < _sigmoid(x @ teacher)).astype(float)
    w = np.zeros(lam.size)
    for _ in range(newton_steps):
        s = _sigmoid(x @ w)
        grad = x.T @ (s - y) / n + ridge * w
        hess = (x * (s * (1 - s))[:, None]).T @ x / n + ridge * np.eye(lam.size)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.linalg.norm(step) < 1e-12 * (1 + np.linalg.norm(w)):
            break
    s = _sigmoid(x @ w)

    def batch_gradient(theta: np.ndarray, index: np.ndarray) -> np.ndarray:
        xb = x[index]
        return xb.T @ (_sigmoid(xb @ theta) - y[index]) / index.size + ridge * theta

    return CurvatureModel(x, s * (1 - s), ridge, "logistic", theta=w.copy(), batch_gradient=batch_gradient)


def mlp_forward(params: tuple[np.ndarray, np.ndarray], x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two-layer tanh network ``f(x) = a^T tanh(W x / sqrt(d)) / sqrt(m)``; returns ``(f, tanh(...))``."""
    w_in, a = params
    m, d = w_in.shape
    hidden = np.tanh(x @ w_in.T / np.sqrt(d))
    return hidden @ a / np.sqrt(m), hidden


def mlp_jacobian(params: tuple[np.ndarray, np.ndarray], x: np.ndarray) -> np.ndarray:
    """Per-sample Jacobian ``df/dtheta`` with ``theta = (vec(W), a)``, shape (N, m d + m)."""
    w_in, a = params
    m, d = w_in.shape
    _, hidden = mlp_forward(params, x)
    gate = (1.0 - hidden**2) * a / np.sqrt(m * d)                 # (N, m)
    d_w = (gate[:, :, None] * x[:, None, :]).reshape(x.shape[0], m * d)
    return np.hstack([d_w, hidden / np.sqrt(m)])


def mlp_ggn(rng: np.random.Generator, n: int, *, input_dim: int = 20, width: int = 16, separation: float = 1.5,
            train_steps: int = 200, learning_rate: float = 0.5) -> CurvatureModel:
    """Generalised Gauss-Newton matrix of a two-layer tanh MLP trained on a Gaussian mixture.

    Data: ``x = y mu + z`` with ``y = +-1`` equiprobable, ``|mu| = separation``, ``z ~ N(0, I)``.
    The network is trained by full-batch gradient descent on the squared loss
    ``(1/2N) sum (f(x_i) - y_i)^2`` for ``train_steps`` steps from a standard normal initialisation,
    and the GGN ``G = (1/N) sum J_i^T J_i`` (``d^2 l / d f^2 = 1``) is taken at the end point.
    """
    mu = rng.standard_normal(input_dim)
    mu *= separation / np.linalg.norm(mu)
    y = rng.choice([-1.0, 1.0], size=n)
    x = y[:, None] * mu + rng.standard_normal((n, input_dim))
    params = (rng.standard_normal((width, input_dim)), rng.standard_normal(width))
    for _ in range(train_steps):
        w_in, a = params
        f, hidden = mlp_forward(params, x)
        residual = (f - y) / n
        gate = residual[:, None] * (1.0 - hidden**2) * a / np.sqrt(width * input_dim)
        params = (w_in - learning_rate * gate.T @ x, a - learning_rate * hidden.T @ residual / np.sqrt(width))
    shape = params[0].shape

    def batch_outputs(theta: np.ndarray, index: np.ndarray) -> np.ndarray:
        w_flat, a_vec = theta[: shape[0] * shape[1]], theta[shape[0] * shape[1]:]
        return mlp_forward((w_flat.reshape(shape), a_vec), x[index])[0]

    theta = np.concatenate([params[0].ravel(), params[1]])
    return CurvatureModel(mlp_jacobian(params, x), np.ones(n), 0.0, "mlp_ggn", theta=theta, batch_outputs=batch_outputs)


def hvp_fd_error(model: CurvatureModel, rng: np.random.Generator, batch: int = 64, probes: int = 3,
                 step: float = 1e-4) -> float:
    """Largest relative error of the curvature factors' batch Hessian against finite differences.

    On a random batch (through ``model.batch_at``, so that a batch normalisation is checked too), for ``probes`` random unit vectors ``v``:

    * with ``batch_gradient``: ``|H_B v - (g(theta + h v) - g(theta - h v)) / 2h| / |H_B v|``, the
      Hessian-vector product against central differences of the batch gradient;
    * with ``batch_outputs`` (a GGN): ``|v^T G_B v - |J_B v|^2 / B| / (v^T G_B v)``, with ``J_B v`` the
      central difference of the outputs -- the quadratic form of the Gauss-Newton matrix.

    Both routes are independent of the stored ``features`` / ``weights``; central differences are
    accurate to ``O(h^2)`` (about ``1e-8`` relative at ``h = 1e-4``). NaN when the model has neither.
    """
    if model.theta is None or (model.batch_gradient is None and model.batch_outputs is None):
        return float("nan")
    index = rng.integers(0, model.n, size=batch)
    features, weights = model.batch_at(index)
    worst = 0.0
    for _ in range(probes):
        v = rng.standard_normal(model.p)
        v /= np.linalg.norm(v)
        hv = features.T @ (weights * (features @ v)) / batch + model.ridge * v
        if model.batch_gradient is not None:
            fd = (model.batch_gradient(model.theta + step * v, index)
                  - model.batch_gradient(model.theta - step * v, index)) / (2 * step)
            worst = max(worst, float(np.linalg.norm(hv - fd) / np.linalg.norm(hv)))
        else:
            jv = (model.batch_outputs(model.theta + step * v, index)
                  - model.batch_outputs(model.theta - step * v, index)) / (2 * step)
            quad = float(v @ hv)
            worst = max(worst, abs(quad - float(jv @ jv) / batch) / quad)
    return worst
