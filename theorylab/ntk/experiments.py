"""Registered NTK experiments (Jacot, Gabriel, Hongler 2018) and the paper's figures.

* ``ntk_init_output`` -- covariance of the output at initialization vs Sigma^(L) (C2);
* ``ntk_init_kernel`` -- empirical NTK at initialization vs the limit, across widths (C3);
* ``ntk_train`` -- GD on a regression task: kernel change and growth, net vs kernel prediction (C4, C6, C8);
* ``ntk_pc_dynamics`` -- residual along one kernel principal component (C7, Fig. 3 logic);
* ``ntk_kernel_circle`` -- ``Theta(x0, x)`` around the circle before and after training (Fig. 1);
* ``ntk_circle_fit`` -- the trained function around the circle vs the limit (Fig. 2).

All nets: ReLU, equal hidden widths, scalar output, NTK parameterization, full-batch GD with
``C = (1/2N) sum (f - y)^2``. The regression task of Figs. 1 and C4/C6 is the paper's
``f*(x) = x1 x2`` on ``N(0, I_2)`` inputs; the number of inputs (16) is our choice [card: not
stated in the paper].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theorylab.config import require
from theorylab.ntk import analytic, dynamics, mlp
from theorylab.registry import experiment
from theorylab.trace import Trace

PAPER = "ntk"


def _validate_net(config) -> None:
    require(config.depth >= 2, "depth", "an integer >= 2 (weight matrices of the net)", config.depth)
    require(config.beta >= 0, "beta", "a bias strength >= 0", config.beta)


def _validate_training(config) -> None:
    require(config.eta > 0, "eta", "a positive learning rate", config.eta)
    require(config.steps >= 1, "steps", "an integer >= 1", config.steps)


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    """``||a - b|| / ||b||`` (Frobenius)."""
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


# -- C3: the NTK at initialization ------------------------------------------------------------
@dataclass(frozen=True)
class InitKernelConfig:
    depth: int = 4
    beta: float = 0.1
    n_points: int = 16
    widths: tuple[int, ...] = (64, 128, 256, 512)
    nets: int = 16

    def validate(self) -> None:
        _validate_net(self)
        require(self.n_points >= 2, "n_points", "an integer >= 2", self.n_points)
        require(len(self.widths) >= 3 and all(w >= 1 for w in self.widths)
                and list(self.widths) == sorted(set(self.widths)), "widths",
                "at least 3 increasing positive widths", self.widths)
        require(self.nets >= 1, "nets", "an integer >= 1 (networks averaged per width)", self.nets)


@experiment("ntk_init_kernel", paper=PAPER, config=InitKernelConfig)
def init_kernel(config: InitKernelConfig, rng: np.random.Generator) -> Trace:
    """Empirical NTK at init vs Theta_inf on the circle; the index t is the width."""
    X = analytic.equispaced_circle(config.n_points)
    limit = analytic.ntk(X, depth=config.depth, beta=config.beta)
    rel_err = np.empty(len(config.widths))
    diag_err = np.empty(len(config.widths))
    for w, width in enumerate(config.widths):
        errors, diagonal = [], []
        for _ in range(config.nets):
            net = mlp.init_mlp(rng, 2, width, config.depth, config.beta)
            K = mlp.empirical_ntk(net, X)
            errors.append(_rel(K, limit))
            diagonal.append(abs(K[0, 0] - limit[0, 0]) / limit[0, 0])
        rel_err[w] = np.mean(errors)
        diag_err[w] = np.mean(diagonal)
    return Trace(np.array(config.widths), {"rel_err": rel_err, "diag_rel_err": diag_err})


# -- C2: the output at initialization ----------------------------------------------------------
@dataclass(frozen=True)
class InitOutputConfig:
    depth: int = 4
    beta: float = 0.1
    n_points: int = 8
    width: int = 128
    nets: int = 200

    def validate(self) -> None:
        _validate_net(self)
        require(self.n_points >= 1, "n_points", "an integer >= 1", self.n_points)
        require(self.width >= 1, "width", "an integer >= 1", self.width)
        require(self.nets >= 2, "nets", "an integer >= 2 (networks per seed)", self.nets)


@experiment("ntk_init_output", paper=PAPER, config=InitOutputConfig)
def init_output(config: InitOutputConfig, rng: np.random.Generator) -> Trace:
    """Second moments of f_theta at init over `nets` draws, projected on Sigma^(L) (one point, t = 0)."""
    X = analytic.equispaced_circle(config.n_points)
    outputs = np.array([mlp.forward(mlp.init_mlp(rng, 2, config.width, config.depth, config.beta), X)
                        for _ in range(config.nets)])
    # The mean is exactly 0 (symmetric weights), so the uncentred second moment estimates the covariance.
    moment = outputs.T @ outputs / config.nets
    sigma = analytic.nngp(X, depth=config.depth, beta=config.beta)
    ratio = float(np.sum(moment * sigma) / np.sum(sigma * sigma))
    return Trace(np.array([0]), {"cov_ratio": [ratio]}, scalars={"mean_output": float(outputs.mean())})


# -- C4 / C6: training on the x1 * x2 task -----------------------------------------------------
@dataclass(frozen=True)
class TrainConfig:
    depth: int = 4
    beta: float = 0.1
    width: int = 256
    n_train: int = 16
    n_test: int = 16
    steps: int = 200
    eta: float = 1.0
    record_every: int = 20

    def validate(self) -> None:
        _validate_net(self)
        _validate_training(self)
        require(self.width >= 1, "width", "an integer >= 1", self.width)
        require(self.n_train >= 1, "n_train", "an integer >= 1", self.n_train)
        require(self.n_test >= 1, "n_test", "an integer >= 1", self.n_test)
        require(1 <= self.record_every <= self.steps and self.steps % self.record_every == 0, "record_every",
                f"a divisor of steps = {self.steps}", self.record_every)


def product_task(rng: np.random.Generator, n_train: int) -> tuple[np.ndarray, np.ndarray]:
    """The paper's Fig. 1 task: ``x ~ N(0, I_2)``, ``f*(x) = x1 x2``."""
    X = rng.standard_normal((n_train, 2))
    return X, X[:, 0] * X[:, 1]


@experiment("ntk_train", paper=PAPER, config=TrainConfig, version=2)
def train_product(config: TrainConfig, rng: np.random.Generator) -> Trace:
    """GD on x1*x2: kernel change and growth, kernel error, gap to the Theta_inf prediction."""
    X, y = product_task(rng, config.n_train)
    X_test = analytic.equispaced_circle(config.n_test)
    X_kernel = np.vstack([X_test, X])
    net = mlp.init_mlp(rng, 2, config.width, config.depth, config.beta)
    result = dynamics.train(net, X, y, eta=config.eta, steps=config.steps, X_eval=np.vstack([X_test, X]),
                            X_kernel=X_kernel, record_every=config.record_every)
    limit = analytic.ntk(X_kernel, depth=config.depth, beta=config.beta)
    nt = config.n_test
    f0 = result.f_eval[0]
    predicted = dynamics.kernel_gd(limit[nt:, nt:], limit[:nt, nt:], f0[nt:], f0[:nt], y, eta=config.eta,
                                   steps=config.steps, record_every=config.record_every)
    kernel_change = [_rel(K, result.kernels[0]) for K in result.kernels]
    kernel_err = [_rel(K, limit) for K in result.kernels]
    gap = [_rel(f[:nt], p) for f, p in zip(result.f_eval, predicted)]
    start = np.diag(result.kernels[0])
    growth = [float(np.mean(np.diag(K) / start) - 1) for K in result.kernels]
    loss = result.loss[result.record_steps]
    return Trace(result.record_steps, {"loss": loss, "kernel_change": kernel_change, "kernel_err": kernel_err,
                                       "gap": gap, "diag_growth": growth})


# -- C7: dynamics along a kernel principal component ------------------------------------------
@dataclass(frozen=True)
class PCConfig:
    depth: int = 4
    beta: float = 0.1
    width: int = 256
    n_points: int = 16
    data_seed: int = 0
    component: int = 2
    amplitude: float = 0.5
    steps: int = 100
    eta: float = 1.0

    def validate(self) -> None:
        _validate_net(self)
        _validate_training(self)
        require(self.width >= 1, "width", "an integer >= 1", self.width)
        require(self.n_points >= 2, "n_points", "an integer >= 2", self.n_points)
        require(self.data_seed >= 0, "data_seed", "an integer >= 0", self.data_seed)
        require(1 <= self.component <= self.n_points, "component",
                f"an eigenvector index in 1..n_points = {self.n_points}", self.component)
        require(self.amplitude > 0, "amplitude", "a positive number", self.amplitude)


def pc_problem(n_points: int, data_seed: int, depth: int, beta: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A fixed data set on the unit circle and the principal components of ``Pi = Theta_inf / N``.

    The angles are uniform draws from ``default_rng(data_seed)`` (fixed across network seeds, as
    the paper's MNIST batch is), not equispaced: equispaced points give paired eigenvalues.

    Returns
    -------
    X : ndarray of shape (N, 2)
    lam : ndarray of shape (N,)
        Eigenvalues of ``Pi``, decreasing.
    F : ndarray of shape (N, N)
        Column ``i`` is eigenfunction ``i`` on the data, normalized in ``L2(p_in)``.
    """
    angles = np.sort(np.random.default_rng(data_seed).uniform(0.0, 2 * np.pi, n_points))
    X = analytic.circle_points(angles)
    lam, V = np.linalg.eigh(analytic.ntk(X, depth=depth, beta=beta) / n_points)
    return X, lam[::-1], np.sqrt(n_points) * V[:, ::-1]


@experiment("ntk_pc_dynamics", paper=PAPER, config=PCConfig)
def pc_dynamics(config: PCConfig, rng: np.random.Generator) -> Trace:
    """Target f_0 + a f^(i): component g_t along f^(i) and deviation h_t from the straight line."""
    X, lam, F = pc_problem(config.n_points, config.data_seed, config.depth, config.beta)
    direction = F[:, config.component - 1]
    net = mlp.init_mlp(rng, 2, config.width, config.depth, config.beta)
    target = mlp.forward(net, X) + config.amplitude * direction
    result = dynamics.train(net, X, target, eta=config.eta, steps=config.steps)
    N = config.n_points
    remaining = target - result.f_eval          # f* - f_k on the data, one row per step
    g = remaining @ direction / N               # <f* - f_k, f^(i)>_pin
    h = np.linalg.norm(remaining - np.outer(g, direction), axis=1) / np.sqrt(N)
    limit = config.amplitude * (1 - config.eta * lam[config.component - 1]) ** result.record_steps
    return Trace(result.record_steps, {"g": g, "h": h, "g_limit": limit, "loss": result.loss},
                 scalars={"lambda": float(lam[config.component - 1])})


# -- Figure 1 and 2 experiments ----------------------------------------------------------------
@dataclass(frozen=True)
class KernelCircleConfig:
    depth: int = 4
    beta: float = 0.1
    width: int = 128
    n_train: int = 16
    steps: int = 200
    eta: float = 1.0
    n_angles: int = 97

    def validate(self) -> None:
        _validate_net(self)
        _validate_training(self)
        require(self.width >= 1, "width", "an integer >= 1", self.width)
        require(self.n_train >= 1, "n_train", "an integer >= 1", self.n_train)
        require(self.n_angles >= 3, "n_angles", "an integer >= 3", self.n_angles)


@experiment("ntk_kernel_circle", paper=PAPER, config=KernelCircleConfig)
def kernel_circle(config: KernelCircleConfig, rng: np.random.Generator) -> Trace:
    """Theta_hat(x0, (cos g, sin g)) at init and after GD on x1*x2; the index t is the angle's."""
    X, y = product_task(rng, config.n_train)
    gamma = np.linspace(-np.pi, np.pi, config.n_angles)
    x0 = analytic.circle_points([0.0])
    net = mlp.init_mlp(rng, 2, config.width, config.depth, config.beta)
    before = mlp.empirical_ntk(net, x0, analytic.circle_points(gamma))[0]
    result = dynamics.train(net, X, y, eta=config.eta, steps=config.steps, record_every=config.steps)
    after = mlp.empirical_ntk(net, x0, analytic.circle_points(gamma))[0]
    return Trace(np.arange(config.n_angles), {"gamma": gamma, "theta_init": before, "theta_trained": after},
                 scalars={"final_loss": float(result.loss[-1])})


@dataclass(frozen=True)
class CircleFitConfig:
    depth: int = 4
    beta: float = 0.1
    width: int = 64
    train_angles: tuple[float, ...] = (-2.0, -0.6, 0.9, 2.3)
    train_targets: tuple[float, ...] = (0.3, -0.4, 0.25, -0.2)
    steps: int = 1000
    eta: float = 1.0
    n_angles: int = 97

    def validate(self) -> None:
        _validate_net(self)
        _validate_training(self)
        require(self.width >= 1, "width", "an integer >= 1", self.width)
        require(len(self.train_angles) >= 1, "train_angles", "at least one angle", self.train_angles)
        require(len(self.train_targets) == len(self.train_angles), "train_targets",
                f"one target per training angle ({len(self.train_angles)})", self.train_targets)
        require(self.n_angles >= 3, "n_angles", "an integer >= 3", self.n_angles)


@experiment("ntk_circle_fit", paper=PAPER, config=CircleFitConfig)
def circle_fit(config: CircleFitConfig, rng: np.random.Generator) -> Trace:
    """The net after GD on 4 circle points, around the circle, and its Theta_inf prediction.

    The paper does not give the 4 training points; the angles and targets are our choice [card: unconfirmed].
    """
    X = analytic.circle_points(config.train_angles)
    y = np.array(config.train_targets)
    gamma = np.linspace(-np.pi, np.pi, config.n_angles)
    X_eval = analytic.circle_points(gamma)
    net = mlp.init_mlp(rng, 2, config.width, config.depth, config.beta)
    f0_train, f0_eval = mlp.forward(net, X), mlp.forward(net, X_eval)
    result = dynamics.train(net, X, y, eta=config.eta, steps=config.steps, X_eval=X_eval,
                            record_every=config.steps)
    K = analytic.ntk(X, depth=config.depth, beta=config.beta)
    K_eval = analytic.ntk(X_eval, X, depth=config.depth, beta=config.beta)
    predicted = dynamics.kernel_gd(K, K_eval, f0_train, f0_eval, y, eta=config.eta, steps=config.steps,
                                   record_every=config.steps)[-1]
    return Trace(np.arange(config.n_angles), {"gamma": gamma, "f_trained": result.f_eval[-1],
                                              "f_kernel": predicted, "f_init": f0_eval},
                 scalars={"final_loss": float(result.loss[-1])})


# -- figures -----------------------------------------------------------------------------------
def make_figures(ctx, outdir):
    """Analogues of the paper's Figures 1-3, plus the width scalings of C3/C4."""
    from theorylab.ntk import figures

    return figures.make_figures(ctx, outdir)
