"""Mutants of ``rmt_batch_size_lr``: its mechanisms broken the way a buggy reimplementation would break them.

Each mutant takes its experiment's config and returns a Trace of the same shape, with one piece of
the mechanism wrong. ``theorylab mutate rmt_batch_size_lr`` runs the paper's claims on each and
expects at least one claim to stop agreeing (the mutant is *killed*).

* ``rmt_logistic_spectrum~curvature_weights_s`` -- the logistic curvature weight ``s (1 - s)``
  written as ``s``: the Hessian is wrong, but every spectral law is built from the same wrong
  matrices; only the finite-difference check of the Hessian-vector product sees it.
* ``rmt_logistic_spectrum~full_sample_normalisation`` -- the batch Hessian divided by the data
  set size ``N`` instead of the batch size ``B``.
* ``rmt_mlp_spectrum~jacobian_missing_fan_in`` -- the first-layer Jacobian of the MLP without its
  ``1/sqrt(d)`` fan-in factor: a GGN that is not the network's.
* ``rmt_additive_spectrum~lanczos_shifted_beta`` -- Lanczos whose tridiagonal matrix takes its
  off-diagonal from the next step (``beta_{k+1}`` where ``beta_k`` belongs).
* ``rmt_ce_negative_spectrum~hessian_without_residual`` -- the cross-entropy Hessian without its
  residual term ``l' grad^2 f`` (the Gauss-Newton matrix passed off as the Hessian).
* ``rmt_adam_threshold~no_second_moment`` -- Adam without its second moment: the step is
  ``alpha m_hat`` (no ``1/sqrt(v_hat)`` preconditioning), ``v`` is only tracked.
* ``rmt_sgd_threshold~rule_one_over_lambda`` -- the curvature rule ``1 / lambda_max(H_B)`` instead of
  ``2 / lambda_max(H_B)`` (the stability threshold of gradient descent on a quadratic is ``2/lambda``).
* ``rmt_sgd_threshold~secular_one_over_lambda`` -- the mean-square threshold solved with ``1``
  where the secular equation has ``2`` (a stability threshold ``1/lambda`` per direction).
"""

from __future__ import annotations

import dataclasses

import numba
import numpy as np
from scipy.linalg import eigh_tridiagonal
from scipy.optimize import brentq

from theorylab.registry import mutant
from theorylab.rmt import experiments as rmt
from theorylab.rmt import crossentropy, models


# -- logistic regression --------------------------------------------------------------------------
def _logistic_model(config, rng):
    return models.logistic_regression(rng, config.n, models.spiked_spectrum(config.p, config.spike),
                                      teacher_norm=config.teacher_norm, ridge=config.ridge)


@mutant("rmt_logistic_spectrum", "curvature_weights_s")
def curvature_weights_s(config, rng):
    """Logistic curvature weights s instead of s (1 - s): a Hessian that is not the loss's."""
    model = _logistic_model(config, rng)
    s = 0.5 * (1.0 + np.tanh(0.5 * model.features @ model.theta))
    return rmt.logistic_trace(config, dataclasses.replace(model, weights=s), rng)


class _FullSampleNormalised(models.CurvatureModel):
    """Batch curvature factors scaled by B / N: H_B = (1/N) sum_{i in batch} d_i phi_i phi_i^T."""

    def batch_at(self, index):
        features, weights = super().batch_at(index)
        return features, weights * (index.size / self.n)


@mutant("rmt_logistic_spectrum", "full_sample_normalisation")
def full_sample_normalisation(config, rng):
    """The batch Hessian normalised by the full sample size N instead of the batch size B."""
    model = _logistic_model(config, rng)
    fields = {f.name: getattr(model, f.name) for f in dataclasses.fields(model)}
    return rmt.logistic_trace(config, _FullSampleNormalised(**fields), rng)


# -- MLP Gauss-Newton -------------------------------------------------------------------------------
@mutant("rmt_mlp_spectrum", "jacobian_missing_fan_in")
def jacobian_missing_fan_in(config, rng):
    """First-layer Jacobian of the MLP without its 1/sqrt(d) fan-in factor."""
    model = models.mlp_ggn(rng, config.n, input_dim=config.input_dim, width=config.width,
                           separation=config.separation, train_steps=config.train_steps,
                           learning_rate=config.learning_rate)
    features = model.features.copy()
    first = config.width * config.input_dim
    features[:, :first] *= np.sqrt(config.input_dim)
    return rmt.mlp_trace(config, dataclasses.replace(model, features=features), rng)


# -- cross-entropy Hessian ---------------------------------------------------------------------------
class _GaussNewtonOnly(crossentropy.CrossEntropyMLP):
    """The full Hessian with its residual term l' grad^2 f dropped: l'' J J^T only."""

    def hessian(self, index=None):
        index = np.arange(self.n) if index is None else np.asarray(index)
        _, _, _, _, second, jac = self._pieces(index)
        return (jac * second[:, None]).T @ jac / index.size

    def sample_hvps(self, u):
        _, _, _, _, second, jac = self._pieces(np.arange(self.n))
        return (second * (jac @ u))[:, None] * jac


@mutant("rmt_ce_negative_spectrum", "hessian_without_residual")
def hessian_without_residual(config, rng):
    """The cross-entropy Hessian without its residual term l' grad^2 f (the GGN in its place)."""
    model = crossentropy.cross_entropy_mlp(rng, config.n, input_dim=config.input_dim, width=config.width,
                                           separation=config.separation, train_steps=config.train_steps,
                                           learning_rate=config.learning_rate)
    wrong = _GaussNewtonOnly(model.x, model.y, model.theta, model.width)
    return rmt.negative_trace(config, wrong, rng)


# -- Lanczos ----------------------------------------------------------------------------------------
def _lanczos_shifted_top(matvec, p, rng, steps):
    """Top Ritz value of a fixed-length Lanczos run whose tridiagonal matrix uses beta_{k+1} in place of beta_k."""
    steps = int(min(steps, p))
    q = rng.standard_normal(p)
    q /= np.linalg.norm(q)
    basis, alphas, betas = np.zeros((steps, p)), np.zeros(steps), np.zeros(steps)
    for k in range(steps):
        basis[k] = q
        w = matvec(q)
        alphas[k] = q @ w
        for _ in range(2):
            w -= basis[: k + 1].T @ (basis[: k + 1] @ w)
        betas[k] = np.linalg.norm(w)
        q = w / betas[k]
    values, vectors = eigh_tridiagonal(alphas, betas[1:])
    return float(values[-1]), float(betas[-1] * abs(vectors[-1, -1]) / abs(values[-1])), steps


@mutant("rmt_additive_spectrum", "lanczos_shifted_beta", version=3)
def lanczos_shifted_beta(config, rng):
    """Lanczos with an off-by-one off-diagonal in its tridiagonal matrix."""
    return rmt.additive_trace(config, rng, _lanczos_shifted_top)


# -- Adam -------------------------------------------------------------------------------------------
@numba.njit(cache=True)
def _adam_without_v(e, m, v, sqrt_lam, z, xi, tau, alpha, beta1, beta2, eps, t0, v_noise, limit, ratios, losses):
    """The Adam kernel of ``_kernels.adam_ls`` with the step ``alpha m_hat`` (v tracked, never used)."""
    steps, b, p = z.shape
    u = np.empty(p)
    r = np.empty(b)
    for s in range(steps):
        t = t0 + s + 1
        c1 = 1.0 - beta1**t
        c2 = 1.0 - beta2**t
        for j in range(p):
            u[j] = sqrt_lam[j] * e[j]
        for i in range(b):
            acc = 0.0
            for j in range(p):
                acc += z[s, i, j] * u[j]
            r[i] = acc - tau * xi[s, i]
        ratio = 0.0
        loss = 0.0
        for j in range(p):
            acc = 0.0
            for i in range(b):
                acc += z[s, i, j] * r[i]
            g = sqrt_lam[j] * acc / b
            m[j] = beta1 * m[j] + (1.0 - beta1) * g
            v[j] = beta2 * v[j] + (1.0 - beta2) * g * g
            e[j] -= alpha * (m[j] / c1)
            ratio += (v[j] / c2) / v_noise[j]
            loss += sqrt_lam[j] * sqrt_lam[j] * e[j] * e[j]
        ratios[s] = ratio / p
        losses[s] = loss
        if not np.isfinite(loss) or loss > limit:
            return s + 1
    return steps


@mutant("rmt_adam_threshold", "no_second_moment")
def no_second_moment(config, rng):
    """Adam without its second moment: the step is alpha m_hat, not alpha m_hat / (sqrt(v_hat) + eps)."""
    return rmt.adam_trace(config, rng, kernel=_adam_without_v)


# -- SGD --------------------------------------------------------------------------------------------
@mutant("rmt_sgd_threshold", "rule_one_over_lambda")
def rule_one_over_lambda(config, rng):
    """The curvature rule 1 / lambda_max(H_B) instead of 2 / lambda_max(H_B)."""
    return rmt.sgd_trace(config, rng, rule_numerator=1.0)


def _secular_with_one(lam, batch):
    lam = np.asarray(lam, dtype=float)
    factor = 1.0 + 1.0 / batch
    upper = 1.0 / (factor * lam.max())
    return float(brentq(lambda a: a / batch * np.sum(lam / (1.0 - a * lam * factor)) - 1.0,
                        1e-15 * upper, upper * (1 - 1e-13), xtol=1e-15, rtol=1e-12))


@mutant("rmt_sgd_threshold", "secular_one_over_lambda")
def secular_one_over_lambda(config, rng):
    """The mean-square threshold's secular equation with 1 where 2 belongs (threshold 1/lambda per direction)."""
    return rmt.sgd_trace(config, rng, threshold=_secular_with_one)
