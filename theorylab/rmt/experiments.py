"""Registered experiments of ``rmt_batch_size_lr`` and its figures.

Every experiment's trace is indexed by the batch size ``B`` (``trace.t``), one run per seed:

* ``rmt_ls_spectrum`` -- least-squares batch Hessians (spiked-Wishart outlier, card F2, C3/C4);
* ``rmt_additive_spectrum`` -- the literal additive spiked-Wigner model (card F1, reconstructed, C2);
* ``rmt_logistic_spectrum`` -- logistic regression at its ridge MLE (C1);
* ``rmt_mlp_spectrum`` -- the Gauss-Newton matrix of a trained two-layer MLP (C7);
* ``rmt_ce_negative_spectrum`` -- the full, indefinite Hessian of a cross-entropy MLP away from a
  minimum (the negative-eigenvalue mirror, C8);
* ``rmt_sgd_threshold`` / ``rmt_adam_threshold`` -- measured maximal stable learning rates (C5, C6).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from theorylab import plotting
from theorylab.config import memory_terms, require
from theorylab.registry import experiment
from theorylab.rmt import crossentropy, hessians, lanczos, models, spectra, stability
from theorylab.trace import Trace, stack

PAPER = "rmt_batch_size_lr"


def _require_batches(batch_sizes: tuple[int, ...], minimum: int = 1) -> None:
    require(len(batch_sizes) >= 1 and all(b >= minimum for b in batch_sizes), "batch_sizes",
            f"a non-empty list of integers >= {minimum}", batch_sizes)
    require(list(batch_sizes) == sorted(set(batch_sizes)), "batch_sizes", "strictly increasing", batch_sizes)


def _spectrum_trace(source, rng, batch_sizes, reps, *, ridge=0.0, with_min=False, extra=None, scalars=None) -> Trace:
    stats = spectra.batch_statistics(source, rng, batch_sizes, reps, ridge=ridge, with_min=with_min)
    full = {name: float(stats.pop(key)[0]) for name, key in
            (("lambda_1", "lambda_1"), ("lambda_2", "lambda_2"), ("lambda_min", "lambda_min_full"))}
    metrics = {**stats, **(extra or {})}
    return Trace(np.asarray(batch_sizes), metrics, scalars={**full, **(scalars or {})})


# -- least squares -----------------------------------------------------------------------------
@dataclass(frozen=True)
class LeastSquaresSpectrumConfig:
    p: int = 200
    spike: float = 10.0
    bulk: float = 1.0
    batch_sizes: tuple[int, ...] = (8, 16, 32, 64, 128, 256, 512, 1024)
    reps: int = 20

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: a batch X_B (B x p) with its Gram matrix, and the p x p covariance."""
        b = max(self.batch_sizes)
        return memory_terms(batch_sizes=8 * (2 * b * self.p + min(b, self.p) ** 2), p=8 * 2 * self.p ** 2)

    def validate(self) -> None:
        require(self.p >= 2, "p", "an integer >= 2", self.p)
        require(self.bulk > 0, "bulk", "a positive bulk variance", self.bulk)
        require(self.spike > self.bulk, "spike", f"a spike above the bulk ({self.bulk})", self.spike)
        _require_batches(self.batch_sizes)
        require(self.reps >= 2, "reps", "an integer >= 2 (a standard error needs two batches)", self.reps)


@experiment("rmt_ls_spectrum", paper=PAPER, config=LeastSquaresSpectrumConfig, version=3)
def ls_spectrum(config: LeastSquaresSpectrumConfig, rng: np.random.Generator) -> Trace:
    """Least squares: lambda_max(X_B^T X_B / B) vs B for spiked Gaussian inputs, with laws F1 and F2."""
    source = models.least_squares(models.spiked_spectrum(config.p, config.spike, config.bulk))
    b = np.asarray(config.batch_sizes, dtype=float)
    extra = {"wishart_law": hessians.wishart_outlier(config.spike, config.bulk, config.p, b),
             "wigner_law": hessians.wigner_outlier(config.spike, config.bulk, config.p, b),
             "separated": hessians.wishart_separated(config.spike, config.bulk, config.p, b).astype(float)}
    return _spectrum_trace(source, rng, config.batch_sizes, config.reps, extra=extra)


# -- additive spiked Wigner (F1, reconstructed) --------------------------------------------------
@dataclass(frozen=True)
class AdditiveSpectrumConfig:
    p: int = 400
    spike: float = 3.0
    s2: float = 1.0
    batch_sizes: tuple[int, ...] = (16, 32, 64, 128, 256, 1024)
    reps: int = 5
    lanczos_steps: int = 80

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the dense p x p batch matrix (and its Gaussian draws), the Lanczos basis."""
        return memory_terms(p=8 * 4 * self.p ** 2, lanczos_steps=8 * (self.lanczos_steps + 1) * (self.p + self.lanczos_steps))

    def validate(self) -> None:
        require(self.p >= 2, "p", "an integer >= 2", self.p)
        require(self.spike > 0, "spike", "a positive spike", self.spike)
        require(self.s2 > 0, "s2", "a positive entry variance", self.s2)
        _require_batches(self.batch_sizes)
        require(self.reps >= 2, "reps", "an integer >= 2", self.reps)
        require(self.lanczos_steps >= 2, "lanczos_steps", "an integer >= 2", self.lanczos_steps)


@experiment("rmt_additive_spectrum", paper=PAPER, config=AdditiveSpectrumConfig)
def additive_spectrum(config: AdditiveSpectrumConfig, rng: np.random.Generator) -> Trace:
    """Additive model spike e1 e1^T + Wigner(s2 / B): lambda_max vs B and the reconstructed law F1."""
    return additive_trace(config, rng, lanczos.top_ritz)


def additive_trace(config: AdditiveSpectrumConfig, rng: np.random.Generator, top_ritz) -> Trace:
    """The trace of :func:`additive_spectrum` with ``top_ritz(matvec, p, rng, steps) -> (value, residual, matvecs)``.

    Lanczos (full reorthogonalisation) stops on the top Ritz pair's relative residual, 1e-8, within
    ``lanczos_steps`` matvecs; the worst residual reached and the mean matvec count are recorded.
    """
    n = len(config.batch_sizes)
    means, ses, residuals, matvecs = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    for k, batch in enumerate(config.batch_sizes):
        tops, res, used = [], [], []
        for _ in range(config.reps):
            h = hessians.additive_batch_hessian(rng, config.p, config.spike, config.s2, batch)
            top, residual, steps = top_ritz(lambda v, h=h: h @ v, config.p, rng, config.lanczos_steps)
            tops.append(top)
            res.append(residual)
            used.append(steps)
        means[k], ses[k] = np.mean(tops), np.std(tops, ddof=1) / np.sqrt(config.reps)
        residuals[k], matvecs[k] = np.max(res), np.mean(used)
    law = hessians.wigner_outlier(config.spike, config.s2, config.p, np.asarray(config.batch_sizes, dtype=float))
    return Trace(np.asarray(config.batch_sizes), {"lmax_mean": means, "lmax_se": ses, "wigner_law": law,
                                                   "ritz_residual": residuals, "matvecs": matvecs})


# -- logistic regression -------------------------------------------------------------------------
@dataclass(frozen=True)
class LogisticSpectrumConfig:
    p: int = 100
    spike: float = 10.0
    n: int = 10000
    teacher_norm: float = 0.5
    ridge: float = 1e-3
    batch_sizes: tuple[int, ...] = (4, 8, 16, 32, 64, 128, 256, 512)
    reps: int = 40

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the n x p data and curvature features, a batch (B x p), p x p Hessians."""
        b = max(self.batch_sizes)
        return memory_terms(n=8 * 3 * self.n * self.p, batch_sizes=8 * 2 * b * self.p, p=8 * 4 * self.p ** 2)

    def validate(self) -> None:
        require(self.p >= 2, "p", "an integer >= 2", self.p)
        require(self.spike > 1, "spike", "a spike above the unit bulk", self.spike)
        require(self.n >= 2 * self.p, "n", f"at least 2 p = {2 * self.p} samples", self.n)
        require(self.teacher_norm >= 0, "teacher_norm", "a non-negative norm", self.teacher_norm)
        require(self.ridge > 0, "ridge", "a positive ridge (the MLE must exist)", self.ridge)
        _require_batches(self.batch_sizes)
        require(self.reps >= 2, "reps", "an integer >= 2", self.reps)


@experiment("rmt_logistic_spectrum", paper=PAPER, config=LogisticSpectrumConfig, version=3)
def logistic_spectrum(config: LogisticSpectrumConfig, rng: np.random.Generator) -> Trace:
    """Logistic regression at the ridge MLE: extremal eigenvalues of H_B vs B (batches with replacement)."""
    model = models.logistic_regression(rng, config.n, models.spiked_spectrum(config.p, config.spike),
                                       teacher_norm=config.teacher_norm, ridge=config.ridge)
    return logistic_trace(config, model, rng)


def logistic_trace(config: LogisticSpectrumConfig, model: models.CurvatureModel, rng: np.random.Generator) -> Trace:
    """The trace of :func:`logistic_spectrum` for a given model (its curvature factors and gradient).

    Scalar ``hvp_fd_error``: the batch Hessian-vector product of the curvature factors against
    central differences of the batch gradient (:func:`~theorylab.rmt.models.hvp_fd_error`).
    """
    b = np.asarray(config.batch_sizes, dtype=float)
    extra = {"perturbative_law": hessians.perturbative_outlier(model.features, model.weights, b, model.ridge)}
    trace = _spectrum_trace(model, rng, config.batch_sizes, config.reps, ridge=model.ridge, with_min=True, extra=extra)
    trace.scalars["hvp_fd_error"] = models.hvp_fd_error(model, rng)
    return trace


# -- two-layer MLP, Gauss-Newton matrix -----------------------------------------------------------
@dataclass(frozen=True)
class MLPSpectrumConfig:
    n: int = 4000
    input_dim: int = 20
    width: int = 16
    separation: float = 1.5
    train_steps: int = 200
    learning_rate: float = 0.5
    batch_sizes: tuple[int, ...] = (4, 8, 16, 32, 64, 128, 256, 512, 1024)
    reps: int = 20

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: per-sample Jacobians (n x P, P = (input_dim + 1) width), a batch of them, P x P GGNs."""
        p = (self.input_dim + 1) * self.width
        b = max(self.batch_sizes)
        return memory_terms(n=8 * 3 * self.n * (p + self.input_dim), batch_sizes=8 * 2 * b * p, width=8 * 4 * p * p)

    def validate(self) -> None:
        require(self.input_dim >= 1, "input_dim", "an integer >= 1", self.input_dim)
        require(self.width >= 1, "width", "an integer >= 1", self.width)
        require(self.n >= 2, "n", "an integer >= 2", self.n)
        require(self.separation >= 0, "separation", "a non-negative mean separation", self.separation)
        require(self.train_steps >= 0, "train_steps", "an integer >= 0", self.train_steps)
        require(self.learning_rate > 0, "learning_rate", "a positive step size", self.learning_rate)
        _require_batches(self.batch_sizes)
        require(self.reps >= 2, "reps", "an integer >= 2", self.reps)


@experiment("rmt_mlp_spectrum", paper=PAPER, config=MLPSpectrumConfig, version=3)
def mlp_spectrum(config: MLPSpectrumConfig, rng: np.random.Generator) -> Trace:
    """Two-layer tanh MLP on a Gaussian mixture: lambda_max of the batch GGN vs B, perturbative law."""
    model = models.mlp_ggn(rng, config.n, input_dim=config.input_dim, width=config.width,
                           separation=config.separation, train_steps=config.train_steps,
                           learning_rate=config.learning_rate)
    return mlp_trace(config, model, rng)


def mlp_trace(config: MLPSpectrumConfig, model: models.CurvatureModel, rng: np.random.Generator) -> Trace:
    """The trace of :func:`mlp_spectrum` for a given model; scalar ``hvp_fd_error`` checks its GGN
    quadratic form against central differences of the network's outputs."""
    b = np.asarray(config.batch_sizes, dtype=float)
    extra = {"perturbative_law": hessians.perturbative_outlier(model.features, model.weights, b)}
    trace = _spectrum_trace(model, rng, config.batch_sizes, config.reps, extra=extra, scalars={"p": model.p})
    trace.scalars["hvp_fd_error"] = models.hvp_fd_error(model, rng)
    return trace


# -- cross-entropy MLP, full Hessian (negative eigenvalues) ----------------------------------------
@dataclass(frozen=True)
class NegativeSpectrumConfig:
    n: int = 4000
    input_dim: int = 10
    width: int = 8
    separation: float = 1.5
    train_steps: int = 5
    learning_rate: float = 0.5
    batch_sizes: tuple[int, ...] = (8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192)
    reps: int = 20

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: per-sample Jacobians and HVPs (n x P), a batch's Jacobian (B x P), P x P Hessians."""
        p = (self.input_dim + 1) * self.width
        b = max(self.batch_sizes)
        return memory_terms(n=8 * 3 * self.n * (p + self.input_dim), batch_sizes=8 * 3 * b * (p + self.input_dim),
                            width=8 * 4 * p * p)

    def validate(self) -> None:
        require(self.input_dim >= 1, "input_dim", "an integer >= 1", self.input_dim)
        require(self.width >= 1, "width", "an integer >= 1", self.width)
        require(self.n >= 2, "n", "an integer >= 2", self.n)
        require(self.separation >= 0, "separation", "a non-negative mean separation", self.separation)
        require(self.train_steps >= 0, "train_steps", "an integer >= 0", self.train_steps)
        require(self.learning_rate > 0, "learning_rate", "a positive step size", self.learning_rate)
        _require_batches(self.batch_sizes)
        require(self.reps >= 2, "reps", "an integer >= 2", self.reps)


@experiment("rmt_ce_negative_spectrum", paper=PAPER, config=NegativeSpectrumConfig)
def ce_negative_spectrum(config: NegativeSpectrumConfig, rng: np.random.Generator) -> Trace:
    """Cross-entropy tanh MLP away from a minimum: lambda_min of the full batch Hessian vs B, mirror law."""
    model = crossentropy.cross_entropy_mlp(rng, config.n, input_dim=config.input_dim, width=config.width,
                                           separation=config.separation, train_steps=config.train_steps,
                                           learning_rate=config.learning_rate)
    return negative_trace(config, model, rng)


def negative_trace(config: NegativeSpectrumConfig, model, rng: np.random.Generator) -> Trace:
    """The trace of :func:`ce_negative_spectrum` for a given model (``hessian(index)``, ``gradient``).

    Per B: mean and standard error over ``reps`` batches (with replacement) of ``lambda_min(H_B)`` and
    of the control variate ``u_1^T H_B u_1 - lambda_min(H_B)`` (``u_1`` the full Hessian's bottom
    eigenvector; unbiased for ``lambda_min(H) - E lambda_min(H_B)``, non-negative by Rayleigh), the
    perturbative mirror law, and the scalar ``hvp_fd_error`` (H_B v against central differences of
    the batch gradient).
    """
    b = np.asarray(config.batch_sizes, dtype=float)
    law, values, u = crossentropy.perturbative_minimum(model, b)
    n = len(config.batch_sizes)
    out = {name: np.empty(n) for name in ("lmin_mean", "lmin_se", "deficit_cv_mean", "deficit_cv_se")}
    for k, batch in enumerate(config.batch_sizes):
        mins, cvs = np.empty(config.reps), np.empty(config.reps)
        for r in range(config.reps):
            h = model.hessian(rng.integers(0, model.n, size=int(batch)))
            mins[r] = np.linalg.eigvalsh(h)[0]
            cvs[r] = u @ h @ u - mins[r]
        for name, sample in (("lmin", mins), ("deficit_cv", cvs)):
            out[f"{name}_mean"][k] = sample.mean()
            out[f"{name}_se"][k] = sample.std(ddof=1) / np.sqrt(config.reps)
    index = rng.integers(0, model.n, size=64)
    v = rng.standard_normal(model.p)
    v /= np.linalg.norm(v)
    hv = model.hessian(index) @ v
    fd = (model.gradient(model.theta + 1e-4 * v, index) - model.gradient(model.theta - 1e-4 * v, index)) / 2e-4
    scalars = {"lambda_min": float(values[0]), "lambda_min_2": float(values[1]), "lambda_max": float(values[-1]),
               "negative_count": float((values < 0).sum()), "p": float(model.p),
               "hvp_fd_error": float(np.linalg.norm(hv - fd) / np.linalg.norm(hv))}
    return Trace(np.asarray(config.batch_sizes), {**out, "perturbative_law": law}, scalars=scalars)


# -- maximal stable learning rates ----------------------------------------------------------------
@dataclass(frozen=True)
class SGDThresholdConfig:
    p: int = 100
    spike: float = 5.0
    batch_sizes: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 128, 512)
    steps: int = 1500
    growth: float = 1e4
    low: float = 1e-4
    high: float = 1.0
    halvings: int = 10
    curvature_reps: int = 50

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: a batch X_B (B x p) per step and for the curvature rule, its Gram matrix."""
        b = max(self.batch_sizes)
        return memory_terms(batch_sizes=8 * (3 * b * self.p + min(b, self.p) ** 2), p=8 * 4 * self.p)

    def validate(self) -> None:
        require(self.p >= 2, "p", "an integer >= 2", self.p)
        require(self.spike >= 1, "spike", "a spike >= the unit bulk", self.spike)
        _require_batches(self.batch_sizes)
        require(self.steps >= 10, "steps", "an integer >= 10", self.steps)
        require(self.growth > 1, "growth", "a blow-up factor > 1", self.growth)
        require(0 < self.low < self.high, "low", f"0 < low < high = {self.high}", self.low)
        require(self.halvings >= 1, "halvings", "an integer >= 1", self.halvings)
        require(self.curvature_reps >= 1, "curvature_reps", "an integer >= 1", self.curvature_reps)


@experiment("rmt_sgd_threshold", paper=PAPER, config=SGDThresholdConfig)
def sgd_threshold(config: SGDThresholdConfig, rng: np.random.Generator) -> Trace:
    """SGD max stable learning rate vs B (bisection), the mean-square threshold and the Lanczos rule 2/lambda_max(H_B)."""
    return sgd_trace(config, rng)


def sgd_trace(config: SGDThresholdConfig, rng: np.random.Generator, *, rule_numerator: float = 2.0,
              threshold=stability.sgd_threshold) -> Trace:
    """The trace of :func:`sgd_threshold`; ``rule_numerator`` is the 2 of the stability rule 2 / lambda_max(H_B)
    and ``threshold(lam, B)`` the exact mean-square threshold (both replaceable for mutants)."""
    lam = models.spiked_spectrum(config.p, config.spike)
    source = models.least_squares(lam)
    measured, mean_square, curvature = (np.empty(len(config.batch_sizes)) for _ in range(3))
    for k, batch in enumerate(config.batch_sizes):
        stream = int(rng.integers(2**62))
        measured[k] = stability.sgd_max_lr(lam, batch, stream, steps=config.steps, growth=config.growth,
                                           low=config.low, high=config.high, halvings=config.halvings)
        mean_square[k] = threshold(lam, batch)
        tops = [spectra.top_eigenvalue(*source.draw_batch(rng, batch), 0.0, rng) for _ in range(config.curvature_reps)]
        curvature[k] = rule_numerator / np.mean(tops)
    return Trace(np.asarray(config.batch_sizes), {"alpha_max": measured, "alpha_mean_square": mean_square,
                                                   "alpha_curvature": curvature},
                 scalars={"lambda_max": float(lam.max()), "trace": float(lam.sum())})


@dataclass(frozen=True)
class AdamThresholdConfig:
    p: int = 100
    spike: float = 5.0
    batch_sizes: tuple[int, ...] = (1, 2, 4, 8)
    tau: float = 1.0
    beta1: float = 0.0
    beta2: float = 0.99
    eps: float = 1e-8
    steps: int = 1500
    inflation: float = 2.0
    criterion: str = "v_inflation"
    blow_up: float = 100.0
    low: float = 1e-5
    high: float = 2.0
    halvings: int = 10

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: a batch X_B (B x p) per step and Adam's state vectors."""
        b = max(self.batch_sizes)
        return memory_terms(batch_sizes=8 * 3 * b * self.p, p=8 * 8 * self.p)

    def validate(self) -> None:
        require(self.p >= 2, "p", "an integer >= 2", self.p)
        require(self.spike >= 1, "spike", "a spike >= the unit bulk", self.spike)
        _require_batches(self.batch_sizes)
        require(self.tau > 0, "tau", "a positive label-noise level (the criterion is relative to it)", self.tau)
        require(0 <= self.beta1 < 1, "beta1", "a number in [0, 1)", self.beta1)
        require(0 < self.beta2 < 1, "beta2", "a number in (0, 1)", self.beta2)
        require(self.eps >= 0, "eps", "a non-negative damping", self.eps)
        require(self.steps >= 10 / (1 - self.beta2), "steps",
                f"at least 10 / (1 - beta2) = {10 / (1 - self.beta2):g} (bias correction transient)", self.steps)
        require(self.inflation > 1, "inflation", "a factor > 1", self.inflation)
        require(self.criterion in ("v_inflation", "blow_up"), "criterion", "'v_inflation' or 'blow_up'", self.criterion)
        require(self.blow_up > 0, "blow_up", "a positive loss level (in units of tau^2)", self.blow_up)
        require(0 < self.low < self.high, "low", f"0 < low < high = {self.high}", self.low)
        require(self.halvings >= 1, "halvings", "an integer >= 1", self.halvings)


@experiment("rmt_adam_threshold", paper=PAPER, config=AdamThresholdConfig)
def adam_threshold(config: AdamThresholdConfig, rng: np.random.Generator) -> Trace:
    """Adam max stable learning rate vs B (v-inflation criterion) and the frozen-v RMSProp threshold."""
    return adam_trace(config, rng)


def adam_trace(config: AdamThresholdConfig, rng: np.random.Generator, *, kernel=None) -> Trace:
    """The trace of :func:`adam_threshold`; ``kernel`` replaces the Adam step kernel (for mutants)."""
    lam = models.spiked_spectrum(config.p, config.spike)
    measured, frozen = np.empty(len(config.batch_sizes)), np.empty(len(config.batch_sizes))
    for k, batch in enumerate(config.batch_sizes):
        stream = int(rng.integers(2**62))
        measured[k] = stability.adam_max_lr(lam, batch, stream, low=config.low, high=config.high,
                                            halvings=config.halvings, tau=config.tau, beta1=config.beta1,
                                            beta2=config.beta2, eps=config.eps, steps=config.steps,
                                            inflation=config.inflation, kernel=kernel, criterion=config.criterion,
                                            blow_up=config.blow_up)
        frozen[k] = stability.adam_frozen_v_threshold(lam, batch, config.tau)
    return Trace(np.asarray(config.batch_sizes), {"alpha_max": measured, "alpha_frozen_v": frozen})


# -- figures ---------------------------------------------------------------------------------------
FIGURE_SGD_BATCHES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)


def _loglog(ax, xlabel: str, ylabel: str, subs=(1.0, 2.0, 5.0)) -> None:
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=subs))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def _average_slq(model, batch: int, rng, grid: np.ndarray, width: float, batches: int) -> tuple[np.ndarray, float]:
    """SLQ density of H_B averaged over ``batches`` batches (4 probes each), smoothed on ``grid``, and the
    mean over the same batches of the exact top eigenvalue lambda_max(H_B)."""
    total, tops = np.zeros_like(grid), []
    for _ in range(batches):
        features, weights = model.draw_batch(rng, batch)
        nodes, w = lanczos.slq(hessians.batch_matvec(features, weights), model.p, rng, steps=80, probes=4)
        total += lanczos.smoothed_density(nodes, w, grid, width)
        tops.append(spectra.top_eigenvalue(features, weights, 0.0, rng))
    return total / batches, float(np.mean(tops))


SLQ_BATCHES = 12
SLQ_WIDTH = 0.04  # Gaussian smoothing width, in units of lambda_max(H)


def _spectral_densities(ctx, outdir: Path) -> list[Path]:
    """SLQ densities of least-squares and MLP-GGN batch Hessians at several B, with the mean top
    eigenvalue of each B marked explicitly (the smoothed density alone blurs the outlier into the bulk)."""
    config = ctx.config("rmt_ls_spectrum")
    rng = np.random.default_rng(0)
    source = models.least_squares(models.spiked_spectrum(config.p, config.spike, config.bulk))
    mlp_config = ctx.config("rmt_mlp_spectrum")
    mlp = models.mlp_ggn(np.random.default_rng(0), mlp_config.n, input_dim=mlp_config.input_dim,
                         width=mlp_config.width, separation=mlp_config.separation,
                         train_steps=mlp_config.train_steps, learning_rate=mlp_config.learning_rate)
    fig, axes = plotting.figure(ncols=2)
    panels = ((axes[0, 0], source, (32, 128, 1024), 2.4, f"least squares ($P={config.p}$, spike {config.spike:g})"),
              (axes[0, 1], mlp, (16, 64, 1024), 1.8, f"MLP Gauss-Newton ($P={mlp.p}$, trained)"))
    for ax, model, batches, right, title in panels:
        full = model.hessian()
        top = np.linalg.eigvalsh(full)[-1]
        grid = np.linspace(-0.05 * top, right * top, 700)
        width = SLQ_WIDTH * top
        for color, batch in zip(("C0", "C3", "C2"), batches):
            density, mean_top = _average_slq(model, batch, rng, grid, width, SLQ_BATCHES)
            ax.plot(grid / top, np.maximum(density * top, 1e-6), color=color, label=f"$B = {batch}$")
            ax.axvline(mean_top / top, color=color, lw=1.0, ls=":")
            ax.plot([mean_top / top], [0.04], marker="^", color=color, ms=8, transform=ax.get_xaxis_transform(),
                    clip_on=False)
        nodes, w = lanczos.slq(lambda v: full @ v, model.p, rng, steps=80, probes=10)
        ax.plot(grid / top, np.maximum(lanczos.smoothed_density(nodes, w, grid, width) * top, 1e-6), "k--",
                lw=1.2, label="full Hessian $H$")
        ax.axvline(1.0, color="k", lw=0.8)
        ax.set_yscale("log")
        ax.set_ylim(1e-4, None)
        ax.set_xlabel(r"eigenvalue / $\lambda_{\max}(H)$")
        ax.set_ylabel(r"SLQ density (smoothed), $\times\,\lambda_{\max}(H)$")
        ax.set_title(title)
        ax.legend(title=r"$\blacktriangle$, dotted: mean $\lambda_{\max}(H_B)$", title_fontsize=7.5, fontsize=8)
    fig.suptitle("Batch-Hessian spectra: the top eigenvalue moves out as $B$ shrinks", fontsize=10.5)
    caption = plotting.caption(
        "Spectral density of the batch Hessian H_B (least squares, left; Gauss-Newton matrix of the trained MLP, "
        f"right) at three batch sizes, by stochastic Lanczos quadrature (80 steps, 4 Rademacher probes, averaged over "
        f"{SLQ_BATCHES} batches, Gaussian smoothing of width {SLQ_WIDTH:g} lambda_max(H)), against the full Hessian "
        "(dashed). The smoothed density spreads a single outlier over several Lanczos nodes, so each B's mean exact "
        "top eigenvalue is marked (triangle and dotted line): it sits to the right of lambda_max(H) (solid line at 1) "
        "and moves further out as B shrinks (C1, C3, C7)", profile=ctx.profile,
        seeds=f"1 data set (seed 0), {SLQ_BATCHES} batches per B")
    return plotting.save(fig, outdir, "spectral_density_vs_batch", caption=caption)


def _lambda_max_figure(ctx, outdir: Path) -> list[Path]:
    traces = ctx.runs("rmt_ls_spectrum")
    mlp = ctx.runs("rmt_mlp_spectrum")
    fig, axes = plotting.figure(ncols=2)
    ax = axes[0, 0]
    b, lmax = stack(traces, "lmax_mean")
    plotting.band(ax, b, lmax, label=r"measured mean $\lambda_{\max}(H_B)$")
    ax.plot(b, traces[0]["wishart_law"], "k--", lw=1.2, label="spiked-Wishart law F2")
    ax.plot(b, traces[0]["wigner_law"], ":", color="gray", lw=1.4, label="additive-Wigner law F1 (reconstructed)")
    ax.axhline(traces[0].scalars["lambda_1"], color="gray", lw=0.8, label=r"$\lambda_{\max}(H)$")
    _loglog(ax, "batch size $B$", r"$\lambda_{\max}(H_B)$", subs=(1.0, 1.5, 2.0, 3.0, 4.0, 6.0))
    ax.set_title(r"least squares: $\lambda_{\max}(H_B)$ vs $B$")
    ax.legend(fontsize=7.5)
    ax = axes[0, 1]
    for runs, name, law_name, color in ((traces, "least squares", "wishart_law", "C0"),
                                        (mlp, "MLP GGN", "perturbative_law", "C1")):
        b, excess = stack(runs, "excess_cv_mean")
        _, law = stack(runs, law_name)
        lam1 = np.array([t.scalars["lambda_1"] for t in runs])[:, None]
        plotting.band(ax, b, excess / lam1, label=f"{name}: measured", color=color)
        ax.plot(b, np.median(law / lam1 - 1, axis=0), "--", color="k" if color == "C0" else "C3", lw=1.2,
                label=f"{name}: {'F2' if law_name == 'wishart_law' else 'perturbative'} law")
    ref = b.astype(float)
    ax.plot(ref, 0.4 * np.sqrt(ref[0] / ref), color="gray", lw=0.8, ls="-.", label="slope $-1/2$ (bulk-edge rival)")
    _loglog(ax, "batch size $B$", r"$(\mathbb{E}\,\lambda_{\max}(H_B) - \lambda_1) / \lambda_1$")
    ax.set_title("relative excess over the full Hessian")
    ax.legend(fontsize=7)
    caption = plotting.caption(
        "Left: mean top eigenvalue of least-squares batch Hessians vs B (median over seeds of the 40-batch means) "
        "against the spiked-Wishart law F2 (dashed), the reconstructed additive-Wigner law F1 (dotted, 2-3x too low at "
        "small B) and lambda_max(H). Right: relative excess over lambda_1 (control-variate estimate) for least squares "
        "and the trained-MLP Gauss-Newton matrix, with their predicted laws; both fall like 1/B, not like the B^(-1/2) "
        "bulk-edge rival (C3, C4, C7)", profile=ctx.profile, seeds=f"{len(traces)} (least squares), {len(mlp)} (MLP)",
        band="10-90% range across seeds")
    return plotting.save(fig, outdir, "lambda_max_vs_batch", caption=caption)


def _learning_rate_figure(ctx, outdir: Path) -> list[Path]:
    sgd = ctx.runs("rmt_sgd_threshold", batch_sizes=FIGURE_SGD_BATCHES)
    adam = ctx.runs("rmt_adam_threshold")
    damped = ctx.runs("rmt_adam_threshold", eps=100.0, low=1e-3, high=1e3)
    fig, axes = plotting.figure(ncols=2)
    ax = axes[0, 0]
    b, alpha = stack(sgd, "alpha_max")
    plotting.band(ax, b, alpha, label="measured (blow-up within $T$ steps)")
    ax.plot(b, np.median(alpha, axis=0), "o", ms=3, color="C0")
    ax.plot(b, sgd[0]["alpha_mean_square"], "k--", lw=1.2, label="mean-square threshold (secular eq.)")
    ax.plot(b, np.median(stack(sgd, "alpha_curvature")[1], axis=0), "s:", ms=3, color="C2",
            label=r"Lanczos rule $2 / \lambda_{\max}(H_B)$")
    lam_max, trace = sgd[0].scalars["lambda_max"], sgd[0].scalars["trace"]
    ax.plot(b, np.minimum(2 * b / trace, 2 / lam_max), color="C3", lw=1.0, ls="-.",
            label=r"naive $\min(2B / \mathrm{tr}\,H,\ 2 / \lambda_{\max}(H))$")
    ax.plot(b, 2 * b / (trace + lam_max * (b - 1)), color="C4", lw=1.0, ls=":",
            label=r"Ma-Bassily-Belkin $2B / (\mathrm{tr}\,H + \lambda_{\max}(B-1))$")
    ax.set_ylim(0.01, 1.0)
    _loglog(ax, "batch size $B$", r"max stable learning rate $\alpha_{\max}$")
    ax.set_title("SGD: linear, then saturating")
    ax.legend(fontsize=7)
    ax = axes[0, 1]
    b, alpha = stack(adam, "alpha_max")
    plotting.band(ax, b, alpha, label=r"Adam, $\epsilon = 10^{-8}$ ($v$-inflation test)")
    ax.plot(b, np.median(alpha, axis=0), "o", ms=3, color="C0")
    ax.plot(b, adam[0]["alpha_frozen_v"], "k--", lw=1.2, label="frozen-$v$ RMSProp threshold")
    b2, alpha2 = stack(damped, "alpha_max")
    plotting.band(ax, b2, alpha2 / 100.0, label=r"Adam, $\epsilon = 100$ (shown: $\alpha / \epsilon$)", color="C3")
    ax.plot(b2, np.median(alpha2, axis=0) / 100.0, "o", ms=3, color="C3")
    ref = b.astype(float)
    anchor = np.median(alpha[:, 0])
    ax.plot(ref, anchor * ref**0.5, color="gray", lw=0.8, ls="-.", label="slope $1/2$")
    ax.plot(ref, anchor * ref, color="gray", lw=0.8, ls=":", label="slope 1")
    _loglog(ax, "batch size $B$", r"max stable learning rate $\alpha_{\max}$")
    ax.set_title(r"Adam: $\sqrt{B}$ at small damping")
    ax.legend(fontsize=7)
    caption = plotting.caption(
        "Left: SGD's measured maximal stable learning rate on streaming least squares (median over seeds, bisection) "
        "vs B, with the exact mean-square threshold, the paper's curvature rule 2 / E lambda_max(H_B) and two rules "
        "that need no batch spectrum (naive, Ma-Bassily-Belkin): linear growth up to B* = tr H / lambda_max ~ 21, "
        "then saturation at 2 / lambda_max (C5, C5b). Right: Adam's threshold under the v-inflation criterion at "
        "eps = 1e-8 grows like sqrt(B) (slope-1/2 guide), close to the frozen-v RMSProp prediction; with eps = 100 "
        "it becomes SGD-like, slope 1 (C6)", profile=ctx.profile, seeds=f"{len(sgd)} (SGD), {len(adam)} (Adam)",
        band="10-90% range across seeds")
    return plotting.save(fig, outdir, "max_learning_rate_vs_batch", caption=caption)


def make_figures(ctx, outdir) -> list[Path]:
    """Spectral densities vs B, lambda_max vs B with the predicted curves, max learning rate vs B."""
    outdir = Path(outdir)
    return [*_spectral_densities(ctx, outdir), *_lambda_max_figure(ctx, outdir), *_learning_rate_figure(ctx, outdir)]
