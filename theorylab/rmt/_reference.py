"""Plain NumPy versions of the kernels in ``_kernels.py``, for equivalence tests on small inputs."""

from __future__ import annotations

import numpy as np


def batch_hvp(features, weights, v, ridge):
    return features.T @ (weights * (features @ v)) / features.shape[0] + ridge * v


def sgd_ls_direct(e, sqrt_lam, z, alpha):
    e = e.copy()
    norms = []
    for zs in z:
        x = zs * sqrt_lam
        e = e - alpha * x.T @ (x @ e) / zs.shape[0]
        norms.append(e @ e)
    return e, np.array(norms)


def bartlett_factor(lower_s, chi2_s):
    p = chi2_s.size
    factor = np.diag(np.sqrt(chi2_s))
    factor[np.tril_indices(p, -1)] = lower_s
    return factor


def sgd_ls_bartlett(e, sqrt_lam, lower, chi2, batch, alpha):
    e = e.copy()
    norms = []
    for lower_s, chi2_s in zip(lower, chi2):
        factor = bartlett_factor(lower_s, chi2_s)
        hess = sqrt_lam[:, None] * (factor @ factor.T) * sqrt_lam[None, :] / batch
        e = e - alpha * hess @ e
        norms.append(e @ e)
    return e, np.array(norms)


def adam_ls(e, sqrt_lam, z, xi, tau, alpha, beta1, beta2, eps, v_noise):
    e = e.copy()
    m = np.zeros_like(e)
    v = np.zeros_like(e)
    ratios, losses = [], []
    for t, (zs, xis) in enumerate(zip(z, xi), start=1):
        x = zs * sqrt_lam
        g = x.T @ (x @ e - tau * xis) / zs.shape[0]
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        v_hat = v / (1 - beta2**t)
        e = e - alpha * (m / (1 - beta1**t)) / (np.sqrt(v_hat) + eps)
        ratios.append(np.mean(v_hat / v_noise))
        losses.append(np.sum(sqrt_lam**2 * e**2))
    return e, np.array(ratios), np.array(losses)
