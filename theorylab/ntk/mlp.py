"""Finite-width fully connected ReLU nets in the NTK parameterization, and their empirical NTK.

Jacot, Gabriel, Hongler (2018), Section 2: all parameters i.i.d. N(0, 1) at initialization and

.. math::

    \\alpha^{(0)}(x) = x, \\quad \\tilde\\alpha^{(l+1)} = W^{(l)} \\alpha^{(l)} / \\sqrt{n_l} + \\beta b^{(l)},
    \\quad \\alpha^{(l)} = \\mathrm{relu}(\\tilde\\alpha^{(l)}), \\quad f_\\theta(x) = \\tilde\\alpha^{(L)}(x).

The empirical NTK is ``Theta_hat(x, x') = grad_theta f(x) . grad_theta f(x')``. The Numba kernels
avoid the ``N x P`` Jacobian: with ``D^(l) = d f / d alpha~^(l)`` (``D^(L) = 1``),
``Theta_hat = sum_l (D^(l+1) D^(l+1)^T) * (A^(l) A^(l)^T / n_l + beta^2)``. The NumPy references
here build the Jacobian explicitly, for the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theorylab.ntk import _kernels


@dataclass
class MLP:
    """Parameters of a depth-``L`` scalar-output ReLU net with equal hidden widths ``n``.

    Attributes
    ----------
    W_in : ndarray of shape (n, n0)
    W_hid : ndarray of shape (L - 2, n, n)
    w_out : ndarray of shape (n,)
    b_hid : ndarray of shape (L - 1, n)
    b_out : ndarray of shape (1,)
    beta : float
        Bias strength.
    """

    W_in: np.ndarray
    W_hid: np.ndarray
    w_out: np.ndarray
    b_hid: np.ndarray
    b_out: np.ndarray
    beta: float

    @property
    def depth(self) -> int:
        return self.b_hid.shape[0] + 1

    @property
    def width(self) -> int:
        return self.W_in.shape[0]

    @property
    def n_params(self) -> int:
        return sum(a.size for a in self.arrays())

    def arrays(self) -> tuple[np.ndarray, ...]:
        return self.W_in, self.W_hid, self.w_out, self.b_hid, self.b_out

    def copy(self) -> "MLP":
        return MLP(*(a.copy() for a in self.arrays()), beta=self.beta)


def init_mlp(rng: np.random.Generator, n0: int, width: int, depth: int, beta: float) -> MLP:
    """Draw every weight and bias i.i.d. N(0, 1) (the paper's initialization).

    Parameters
    ----------
    rng : numpy.random.Generator
    n0, width : int
        Input dimension and the width ``n`` of every hidden layer.
    depth : int
        ``L >= 2``, the number of weight matrices.
    beta : float
        Bias strength ``beta >= 0``.
    """
    if depth < 2:
        raise ValueError(f"an MLP needs depth >= 2 (one hidden layer), got {depth}")
    if n0 < 1 or width < 1:
        raise ValueError(f"n0 and width must be >= 1, got {n0} and {width}")
    if not beta >= 0:
        raise ValueError(f"beta must be >= 0, got {beta}")
    W_in = rng.standard_normal((width, n0))
    W_hid = rng.standard_normal((depth - 2, width, width))
    w_out = rng.standard_normal(width)
    b_hid = rng.standard_normal((depth - 1, width))
    b_out = rng.standard_normal(1)
    return MLP(W_in, W_hid, w_out, b_hid, b_out, float(beta))


def _points(X, net: MLP) -> np.ndarray:
    X = np.ascontiguousarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != net.W_in.shape[1]:
        raise ValueError(f"inputs must have shape (N, {net.W_in.shape[1]}), got {X.shape}")
    return X


def forward(net: MLP, X) -> np.ndarray:
    """Outputs ``f_theta(x)`` on the rows of ``X`` (shape ``(N,)``)."""
    return _kernels.forward(_points(X, net), *net.arrays(), net.beta)[2]


def empirical_ntk(net: MLP, X1, X2=None) -> np.ndarray:
    """The empirical NTK ``Theta_hat(X1, X2)`` of ``net`` (shape ``(N1, N2)``)."""
    X1 = _points(X1, net)
    X2 = X1 if X2 is None else _points(X2, net)
    return _kernels.empirical_ntk(X1, X2, *net.arrays(), net.beta)


# -- NumPy references (explicit Jacobian), used by the tests -----------------------------------
def forward_reference(net: MLP, X) -> tuple[list[np.ndarray], np.ndarray]:
    """Activations ``[alpha^(0), ..., alpha^(L-1)]`` and outputs, in plain NumPy."""
    X = np.asarray(X, dtype=float)
    weights = [net.W_in, *net.W_hid]
    acts = [X]
    for W, b in zip(weights, net.b_hid):
        acts.append(np.maximum(acts[-1] @ W.T / np.sqrt(W.shape[1]) + net.beta * b, 0.0))
    f = acts[-1] @ net.w_out / np.sqrt(net.width) + net.beta * net.b_out[0]
    return acts, f


def jacobian_reference(net: MLP, X) -> np.ndarray:
    """``d f(x_i) / d theta``, shape ``(N, P)``, ordered like :meth:`MLP.arrays` (row-major).

    Backpropagates one example at a time through the explicit layer maps.
    """
    acts, _ = forward_reference(net, X)
    weights = [net.W_in, *net.W_hid, net.w_out[None, :]]
    rows = []
    for i in range(acts[0].shape[0]):
        grads_W, grads_b = [], []
        upstream = np.ones(1)  # d f / d alpha~^(L)
        for l in range(len(weights) - 1, -1, -1):
            W = weights[l]
            a = acts[l][i]
            grads_W.append(np.outer(upstream, a) / np.sqrt(W.shape[1]))
            grads_b.append(net.beta * upstream)
            if l > 0:
                upstream = (upstream @ W / np.sqrt(W.shape[1])) * (acts[l][i] > 0)
        grads_W.reverse()
        grads_b.reverse()
        rows.append(np.concatenate([grads_W[0].ravel(), *(g.ravel() for g in grads_W[1:-1]),
                                    grads_W[-1].ravel(), *(g.ravel() for g in grads_b[:-1]), grads_b[-1]]))
    return np.array(rows)


def ntk_reference(net: MLP, X1, X2=None) -> np.ndarray:
    """``J(X1) J(X2)^T`` from the explicit Jacobian."""
    J1 = jacobian_reference(net, X1)
    J2 = J1 if X2 is None else jacobian_reference(net, X2)
    return J1 @ J2.T


def gd_step_reference(net: MLP, X, y, eta: float) -> MLP:
    """One GD step ``theta <- theta - eta grad C``, ``C = (1/2N) ||f(X) - y||^2``, via the Jacobian."""
    _, f = forward_reference(net, X)
    step = eta * jacobian_reference(net, X).T @ (f - y) / len(y)
    out = net.copy()
    offset = 0
    for array in out.arrays():
        array -= step[offset: offset + array.size].reshape(array.shape)
        offset += array.size
    return out
