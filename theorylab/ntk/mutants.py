"""Deliberately wrong NTK simulators (``theorylab mutate ntk``): the paper's mechanism broken the way a
buggy reimplementation would break it. Each takes its base experiment's config and returns a Trace.

* ``ntk_init_kernel~output_bias_dropped`` -- the empirical NTK without the output layer's ``beta^2``
  term (issue 18: a constant bias that the per-net error slope alone does not see);
* ``ntk_init_kernel~no_sqrt_width_scaling`` -- hidden weight gradients without the ``1/sqrt(n_l)``
  of the NTK parameterization (the standard parameterization's NTK, which grows with width);
* ``ntk_init_kernel~he_factor_in_recursion`` -- ``Theta_inf`` from a recursion with the He factor 2
  (``Sigma^(l+1) = 2 E[relu relu] + beta^2``, ``Sigma_dot`` doubled), the Arora et al. convention
  mixed into Jacot's parameterization;
* ``ntk_train~wrong_derivative_kernel`` -- the kernel prediction from a ``Theta_inf`` whose derivative
  kernel is that of ``tanh``-like odd activation, ``E[sigma'(u) sigma'(v)] = 1 - theta / pi`` (the
  ``sign`` activation's arc-cosine), instead of ReLU's ``(pi - theta) / (2 pi)``;
* ``ntk_train~lr_divided_twice`` -- the net trained with ``eta / N`` on the mean loss (the step
  divided by N twice), the kernel prediction with the right ``eta / N``;
* ``ntk_pc_dynamics~eigh_order_not_reversed`` -- the principal components in ``eigh``'s ascending
  order (the reversal forgotten), so the target moves along the second *smallest* component;
* ``ntk_init_output~he_init`` -- weights drawn N(0, 2) (He) in the NTK forward pass;
* ``ntk_limit_posterior~readout_only`` -- only the output layer trained (hidden layers frozen).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from theorylab.ntk import _kernels, analytic, dynamics, experiments, mlp
from theorylab.registry import mutant
from theorylab.trace import Trace


def _layer_ntk(net: mlp.MLP, X: np.ndarray, *, output_bias: bool = True, hidden_weight_factor: float = 1.0):
    """Empirical NTK from its layer sum, with the output ``beta^2`` optional and hidden weight terms scaled."""
    X = np.ascontiguousarray(X, dtype=float)
    Z, A, _ = _kernels.forward(X, *net.arrays(), net.beta)
    D = _kernels.backward(Z, net.W_hid, net.w_out)
    b2 = net.beta**2
    n0, n = X.shape[1], net.width
    theta = (D[0] @ D[0].T) * (X @ X.T / n0 + b2)
    for k in range(1, Z.shape[0]):
        theta += (D[k] @ D[k].T) * (hidden_weight_factor * A[k - 1] @ A[k - 1].T / n + b2)
    theta += hidden_weight_factor * A[-1] @ A[-1].T / n + (b2 if output_bias else 0.0)
    return theta


def _init_kernel_with(config, rng, kernel, limit_fn=analytic.ntk) -> Trace:
    X = analytic.equispaced_circle(config.n_points)
    limit = limit_fn(X, depth=config.depth, beta=config.beta)
    rows = []
    for width in config.widths:
        nets = [mlp.init_mlp(rng, 2, width, config.depth, config.beta) for _ in range(config.nets)]
        rows.append(experiments.kernel_errors(np.array([kernel(net, X) for net in nets]), limit))
    return Trace(np.array(config.widths), {key: np.array([row[key] for row in rows]) for key in rows[0]})


@mutant("ntk_init_kernel", "output_bias_dropped")
def output_bias_dropped(config, rng):
    """Empirical NTK without the output layer's beta^2 term: a constant bias of 7% (issue 18)."""
    return _init_kernel_with(config, rng, lambda net, X: _layer_ntk(net, X, output_bias=False))


@mutant("ntk_init_kernel", "no_sqrt_width_scaling")
def no_sqrt_width_scaling(config, rng):
    """Weight gradients of the hidden layers without the 1/sqrt(n) (standard parameterization): Theta grows like n."""
    return _init_kernel_with(config, rng, lambda net, X: _layer_ntk(net, X, hidden_weight_factor=net.width))


def limit_kernels_variant(X, *, depth: int, beta: float, gain: float = 1.0, derivative: str = "relu"):
    """The arccos recursion with a weight-variance ``gain`` (He: 2) and a choice of derivative kernel.

    ``derivative="relu"``: ``(pi - t) / (2 pi)``; ``"sign"``: ``1 - 2 t / pi`` (odd activation's).
    Plain ``arccos`` of the correlation (no precision care: mutants only).
    """
    n0 = X.shape[1]
    b2 = beta * beta
    s12 = X @ X.T / n0 + b2
    diag = np.diag(s12).copy()
    theta = s12.copy()
    for _ in range(depth - 1):
        scale = np.sqrt(np.outer(diag, diag))
        angle = np.arccos(np.clip(s12 / scale, -1.0, 1.0))
        s12 = gain * scale * (np.sin(angle) + (np.pi - angle) * np.cos(angle)) / (2 * np.pi) + b2
        dot = (np.pi - angle) / (2 * np.pi) if derivative == "relu" else 1.0 - 2.0 * angle / np.pi
        theta = gain * theta * dot + s12
        diag = gain * diag / 2 + b2
    return theta


def _variant_ntk(X1, X2=None, *, depth, beta, **kw):
    X = X1 if X2 is None else np.vstack([X1, X2])
    full = limit_kernels_variant(X, depth=depth, beta=beta, **kw)
    return full if X2 is None else full[: len(X1), len(X1):]


@mutant("ntk_init_kernel", "he_factor_in_recursion")
def he_factor_in_recursion(config, rng):
    """Theta_inf from the recursion with the He factor 2 (Arora et al.'s c_sigma) in Jacot's parameterization."""
    return _init_kernel_with(config, rng, mlp.empirical_ntk,
                             limit_fn=lambda X, depth, beta: _variant_ntk(X, depth=depth, beta=beta, gain=2.0))


@mutant("ntk_train", "wrong_derivative_kernel")
def wrong_derivative_kernel(config, rng):
    """Kernel prediction from a Theta_inf whose derivative kernel is the sign activation's, not ReLU's."""
    def limit(X, depth, beta):
        return _variant_ntk(X, depth=depth, beta=beta, derivative="sign")
    return experiments.train_product_with(config, rng, limit_ntk=limit)


@mutant("ntk_train", "lr_divided_twice")
def lr_divided_twice(config, rng):
    """The net's GD step divided by N twice (eta / N on the mean loss); the kernel prediction keeps eta / N."""
    def train(net, X, y, *, eta, **kw):
        return dynamics.train(net, X, y, eta=eta / len(y), **kw)
    return experiments.train_product_with(config, rng, train=train)


@mutant("ntk_pc_dynamics", "eigh_order_not_reversed")
def eigh_order_not_reversed(config, rng):
    """Principal components in eigh's ascending order (the reversal forgotten): 'component 2' is the second smallest."""
    def problem(n_points, data_seed, depth, beta):
        X, lam, F = experiments.pc_problem(n_points, data_seed, depth, beta)
        return X, lam[::-1], F[:, ::-1]
    return experiments.pc_dynamics_with(config, rng, problem=problem)


@mutant("ntk_init_output", "he_init")
def he_init(config, rng):
    """Weights drawn N(0, 2) (He initialization) inside the NTK forward pass."""
    X = analytic.equispaced_circle(config.n_points)
    outputs = []
    for _ in range(config.nets):
        net = mlp.init_mlp(rng, 2, config.width, config.depth, config.beta)
        net = dataclasses.replace(net, W_in=np.sqrt(2) * net.W_in, W_hid=np.sqrt(2) * net.W_hid,
                                  w_out=np.sqrt(2) * net.w_out)
        outputs.append(mlp.forward(net, X))
    outputs = np.array(outputs)
    moment = outputs.T @ outputs / config.nets
    sigma = analytic.nngp(X, depth=config.depth, beta=config.beta)
    return Trace(np.array([0]), {"cov_ratio": [float(np.sum(moment * sigma) / np.sum(sigma * sigma))]},
                 scalars={"mean_output": float(outputs.mean())})


def _readout_only_train(net, X, y, *, eta, steps, X_eval=None, X_kernel=None, record_every=1):
    """GD on the output layer only (features frozen): what a 'last layer trained' reimplementation computes."""
    X = np.ascontiguousarray(X, dtype=float)
    X_eval = X if X_eval is None else np.ascontiguousarray(X_eval, dtype=float)
    features = lambda Z: np.column_stack([_kernels.forward(Z, *net.arrays(), net.beta)[1][-1] / np.sqrt(net.width),  # noqa: E731
                                          np.full(Z.shape[0], net.beta)])
    phi, phi_eval = features(X), features(X_eval)
    w = np.concatenate([net.w_out, net.b_out])
    f_eval = [phi_eval @ w]
    loss = []
    for step in range(steps + 1):
        r = phi @ w - y
        loss.append(0.5 * r @ r / len(y))
        if step == steps:
            break
        w = w - eta * phi.T @ r / len(y)
        if (step + 1) % record_every == 0:
            f_eval.append(phi_eval @ w)
    return dynamics.TrainResult(steps, np.array(loss), np.arange(0, steps + 1, record_every), np.array(f_eval),
                                np.zeros((len(f_eval), 0, 0)))


@mutant("ntk_limit_posterior", "readout_only")
def readout_only(config, rng):
    """Only the output layer trained (hidden layers frozen): the NNGP-like regression, not the NTK one."""
    return experiments.limit_posterior_with(config, rng, train=_readout_only_train)
