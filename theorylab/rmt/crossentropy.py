"""The full (not Gauss-Newton) Hessian of a two-layer tanh network under the cross-entropy loss.

Away from a minimum the residual term ``sum_i l'_i grad^2 f_i`` makes the Hessian indefinite, so
it has negative eigenvalues (card "Pitfalls": the C1 mirror). Per sample, with ``f`` the logit,
``l = log(1 + exp(-y f))`` for ``y = +-1``, ``l' = -y sigmoid(-y f)`` and ``l'' = sigmoid(f) (1 - sigmoid(f))``:

    H_i = l''_i J_i J_i^T + l'_i grad^2 f_i.

The network is ``f(x) = a^T tanh(W x / sqrt(d)) / sqrt(m)`` (as in :mod:`~theorylab.rmt.models`),
``theta = (vec W, a)``. ``grad^2 f`` is block-structured per hidden unit ``k``:
``d^2 f / da_k dW_kj = h'_k x_j / sqrt(m d)`` and ``d^2 f / dW_kj dW_kl = a_k h''_k x_j x_l / (d sqrt m)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theorylab.rmt import models


def _sigmoid(u):
    return 0.5 * (1.0 + np.tanh(0.5 * u))


@dataclass(frozen=True)
class CrossEntropyMLP:
    """Data ``(x, y)`` and a parameter point ``theta`` of the cross-entropy tanh network."""

    x: np.ndarray
    y: np.ndarray
    theta: np.ndarray
    width: int

    @property
    def n(self) -> int:
        return self.x.shape[0]

    @property
    def d(self) -> int:
        return self.x.shape[1]

    @property
    def p(self) -> int:
        return self.theta.size

    def _unpack(self, theta):
        m, d = self.width, self.d
        return theta[: m * d].reshape(m, d), theta[m * d:]

    def _pieces(self, index):
        w, a = self._unpack(self.theta)
        x = self.x[index]
        hidden = np.tanh(x @ w.T / np.sqrt(self.d))
        f = hidden @ a / np.sqrt(self.width)
        y = self.y[index]
        first = -y * _sigmoid(-y * f)                      # l'
        second = _sigmoid(f) * (1 - _sigmoid(f))           # l''
        jac = models.mlp_jacobian((w, a), x)
        return x, hidden, a, first, second, jac

    def gradient(self, theta: np.ndarray, index: np.ndarray) -> np.ndarray:
        """Gradient of the mean cross-entropy over the samples ``index`` at ``theta``."""
        w, a = self._unpack(theta)
        x = self.x[index]
        hidden = np.tanh(x @ w.T / np.sqrt(self.d))
        f = hidden @ a / np.sqrt(self.width)
        y = self.y[index]
        first = -y * _sigmoid(-y * f)
        return models.mlp_jacobian((w, a), x).T @ first / index.size

    def hessian(self, index: np.ndarray | None = None) -> np.ndarray:
        """Dense ``(1/|index|) sum_i H_i`` (all samples when ``index`` is None), shape (P, P)."""
        index = np.arange(self.n) if index is None else np.asarray(index)
        x, hidden, a, first, second, jac = self._pieces(index)
        b, m, d = index.size, self.width, self.d
        h = (jac * second[:, None]).T @ jac
        dh = 1.0 - hidden**2                               # h'
        ddh = -2.0 * hidden * dh                           # h''
        for k in range(m):
            rows = slice(k * d, (k + 1) * d)
            h[rows, rows] += (x * (first * a[k] * ddh[:, k])[:, None]).T @ x / (d * np.sqrt(m))
            cross = x.T @ (first * dh[:, k]) / np.sqrt(m * d)
            h[rows, m * d + k] += cross
            h[m * d + k, rows] += cross
        return h / b

    def sample_hvps(self, u: np.ndarray) -> np.ndarray:
        """Per-sample Hessian-vector products ``H_i u`` for every sample, shape (N, P)."""
        index = np.arange(self.n)
        x, hidden, a, first, second, jac = self._pieces(index)
        m, d = self.width, self.d
        v_w, c = self._unpack(u)
        xv = x @ v_w.T                                     # (N, m): x . V_k
        dh = 1.0 - hidden**2
        ddh = -2.0 * hidden * dh
        out = (second * (jac @ u))[:, None] * jac
        coeff = c * dh / np.sqrt(m * d) + a * ddh * xv / (d * np.sqrt(m))       # (N, m)
        out[:, : m * d] += first[:, None] * (coeff[:, :, None] * x[:, None, :]).reshape(self.n, m * d)
        out[:, m * d:] += first[:, None] * dh * xv / np.sqrt(m * d)
        return out


def cross_entropy_mlp(rng: np.random.Generator, n: int, *, input_dim: int = 10, width: int = 8,
                      separation: float = 1.5, train_steps: int = 20, learning_rate: float = 0.5) -> CrossEntropyMLP:
    """A tanh MLP on a two-Gaussian mixture after ``train_steps`` full-batch GD steps on the cross-entropy
    (few steps: away from a minimum, where the Hessian is indefinite)."""
    mu = rng.standard_normal(input_dim)
    mu *= separation / np.linalg.norm(mu)
    y = rng.choice([-1.0, 1.0], size=n)
    x = y[:, None] * mu + rng.standard_normal((n, input_dim))
    theta = np.concatenate([rng.standard_normal(width * input_dim), rng.standard_normal(width)])
    model = CrossEntropyMLP(x, y, theta, width)
    everything = np.arange(n)
    for _ in range(train_steps):
        theta = theta - learning_rate * model.gradient(theta, everything)
    return CrossEntropyMLP(x, y, theta, width)


def perturbative_minimum(model: CrossEntropyMLP, batch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Second-order perturbation law for ``E lambda_min(H_B)`` (sampling with replacement) [D].

    With ``H = U diag(lambda) U^T`` (ascending) and ``u_1`` the bottom eigenvector,
    ``(H_B - H)_{1j}`` has mean 0 and variance ``m_j / B`` with ``m_j = mean_i (u_1^T H_i u_j)^2``, so

        E lambda_min(H_B) ~ lambda_min - (1/B) sum_{j >= 2} m_j / (lambda_j - lambda_min),

    the mirror of :func:`~theorylab.rmt.hessians.perturbative_outlier`. Returns the law, the full
    eigenvalues and the bottom eigenvector.
    """
    values, vectors = np.linalg.eigh(model.hessian())
    coords = model.sample_hvps(vectors[:, 0]) @ vectors            # (N, P): u_1^T H_i u_j
    moments = (coords[:, 1:] ** 2).mean(axis=0)
    shift = np.sum(moments / (values[1:] - values[0]))
    return values[0] - shift / np.asarray(batch, dtype=float), values, vectors[:, 0]
