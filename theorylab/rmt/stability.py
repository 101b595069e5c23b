"""Maximal stable learning rates of SGD and Adam as a function of the batch size B.

Setting (card F3, R2, R3): streaming least squares ``y = x^T w* + tau xi`` with fresh inputs
``x ~ N(0, diag(lam))`` every step; the error ``e = w - w*`` of SGD follows
``e <- (I - alpha H_B) e + alpha tau X_B^T xi / B`` with ``H_B = X_B^T X_B / B``.

* :func:`sgd_threshold` is the exact mean-square threshold (a secular equation, [D]);
* :func:`adam_frozen_v_threshold` is the same for RMSProp with its second moment frozen at the
  noise level (the sqrt(B) mechanism, [D]);
* :func:`sgd_max_lr` and :func:`adam_max_lr` *measure* the threshold by bisection over
  ``log alpha`` on simulated runs.

Why the naive divergence test fails for Adam: Adam's step per coordinate is bounded by about
``alpha`` (``|m_hat| / sqrt(v_hat) <= ~1``), and when the iterate starts to grow the gradients grow,
``v`` inflates and the effective step ``alpha / sqrt(v)`` shrinks. Adam therefore settles at a
larger error instead of diverging, and "the loss blew up" fires only far above the
linear-stability threshold (the card's pilot: ~10x, with a B-exponent of only 0.25-0.35). The
instability shows instead as an inflation of ``v`` above its noise level ``tau^2 lam_j / B``:
that is the criterion used here (card R3).
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from scipy.optimize import brentq

from theorylab.rmt import _kernels

_DRAWS_PER_CHUNK = 1 << 20


def sgd_threshold(lam: np.ndarray, batch: float) -> float:
    """Exact mean-square stability threshold of SGD on streaming Gaussian least squares [D].

    ``E[H_B S H_B] = Sigma S Sigma + (Sigma S Sigma + tr(S Sigma) Sigma) / B`` for Gaussian inputs, so the
    second moment of ``e`` is stable iff ``alpha < alpha_c``, the root of

        (alpha / B) sum_i lam_i / (2 - alpha lam_i (1 + 1/B)) = 1   on   alpha < 2 / ((1 + 1/B) lam_max).

    Limits: ``2 B / tr(Sigma)`` for ``B << tr(Sigma) / lam_max`` (linear scaling) and ``2 / lam_max`` as
    ``B -> infinity`` (saturation). Label noise does not move it.
    """
    lam = np.asarray(lam, dtype=float)
    factor = 1.0 + 1.0 / batch
    upper = 2.0 / (factor * lam.max())

    def excess(alpha: float) -> float:
        return alpha / batch * np.sum(lam / (2.0 - alpha * lam * factor)) - 1.0

    return float(brentq(excess, 1e-15 * upper, upper * (1 - 1e-13), xtol=1e-15, rtol=1e-12))


def adam_frozen_v_threshold(lam: np.ndarray, batch: float, tau: float) -> float:
    """Threshold of RMSProp (``beta1 = 0``, no damping) with ``v_j`` frozen at ``tau^2 lam_j / B`` [D].

    The preconditioned iteration is SGD on inputs with covariance ``lam_tilde = sqrt(B lam) / tau``,
    so the threshold is :func:`sgd_threshold` of ``lam_tilde``; for small B it is about
    ``2 tau sqrt(B) / sum_i sqrt(lam_i)`` -- the square-root scaling.
    """
    lam = np.asarray(lam, dtype=float)
    return sgd_threshold(np.sqrt(batch * lam) / tau, batch)


def bisect_log(stable: Callable[[float], bool], low: float, high: float, halvings: int) -> float:
    """Largest stable ``alpha`` in ``[low, high]`` by bisection on ``log alpha``.

    Assumes stability is monotone in ``alpha``. Returns the geometric midpoint of the final
    bracket; ``low`` if ``low`` is already unstable and ``high`` if ``high`` is stable.
    """
    if not stable(low):
        return low
    if stable(high):
        return high
    for _ in range(halvings):
        middle = np.sqrt(low * high)
        if stable(middle):
            low = middle
        else:
            high = middle
    return float(np.sqrt(low * high))


def sgd_diverges(lam: np.ndarray, batch: int, alpha: float, stream_seed: int, *, steps: int = 1500,
                 growth: float = 1e4) -> bool:
    """Whether SGD on streaming least squares (no label noise) blows up within ``steps``.

    ``e_0 ~ N(0, I / P)``; "diverged" means ``|e_t|^2 > growth |e_0|^2`` (or non-finite) for some
    ``t <= steps``. ``stream_seed`` fixes ``e_0`` and the whole batch stream, so that runs at different
    ``alpha`` see the same batches. For ``B >= P`` the batch Gram matrix is drawn by the Bartlett
    decomposition (same law, ``O(P^2)`` draws a step).
    """
    rng = np.random.default_rng(stream_seed)
    p = lam.size
    sqrt_lam = np.sqrt(lam)
    e = rng.standard_normal(p) / np.sqrt(p)
    limit = growth * float(e @ e)
    bartlett = batch >= p
    chunk = max(1, _DRAWS_PER_CHUNK // (p * ((p + 1) // 2 if bartlett else batch)))
    done = 0
    while done < steps:
        n = min(chunk, steps - done)
        norms = np.empty(n)
        if bartlett:
            lower = rng.standard_normal((n, p * (p - 1) // 2))
            chi2 = rng.chisquare(batch - np.arange(p), size=(n, p))
            completed = _kernels.sgd_ls_bartlett(e, sqrt_lam, lower, chi2, batch, alpha, limit, norms)
        else:
            completed = _kernels.sgd_ls_direct(e, sqrt_lam, rng.standard_normal((n, batch, p)), alpha, limit, norms)
        if completed < n or not np.isfinite(norms[-1]) or norms[-1] > limit:
            return True
        done += n
    return False


def sgd_max_lr(lam: np.ndarray, batch: int, stream_seed: int, *, steps: int = 1500, growth: float = 1e4,
               low: float = 1e-4, high: float = 1.0, halvings: int = 10) -> float:
    """Measured maximal stable SGD learning rate at batch size ``batch`` (bisection on ``log alpha``)."""
    return bisect_log(lambda a: not sgd_diverges(lam, batch, a, stream_seed, steps=steps, growth=growth),
                      low, high, halvings)


def adam_unstable(lam: np.ndarray, batch: int, alpha: float, stream_seed: int, *, tau: float = 1.0,
                  beta1: float = 0.0, beta2: float = 0.99, eps: float = 1e-8, steps: int = 1500,
                  inflation: float = 2.0, kernel=None, criterion: str = "v_inflation",
                  blow_up: float = 100.0) -> bool:
    """Whether Adam on streaming least squares with label noise is unstable at ``alpha``.

    Starts at the optimum (``e_0 = 0``) so that gradients are pure noise and
    ``v_j ~ tau^2 lam_j / B``. Unstable when the average over the second half of the run of
    ``mean_j v_hat_j / (tau^2 lam_j / B)`` exceeds ``inflation`` (card R3), or when the loss goes
    non-finite. ``kernel`` (default :func:`theorylab.rmt._kernels.adam_ls`) is the step kernel.

    ``criterion="blow_up"`` is the naive alternative (card R3 pilot): unstable when the loss
    ``e^T diag(lam) e`` exceeds ``blow_up * tau^2`` at some step. Adam's bounded step makes it fire
    far above the linear-stability threshold, with a flatter B-dependence.
    """
    if criterion not in ("v_inflation", "blow_up"):
        raise ValueError(f"criterion must be 'v_inflation' or 'blow_up', got {criterion!r}")
    limit = blow_up * tau**2 if criterion == "blow_up" else np.inf
    kernel = _kernels.adam_ls if kernel is None else kernel
    rng = np.random.default_rng(stream_seed)
    p = lam.size
    sqrt_lam = np.sqrt(lam)
    e, m, v = np.zeros(p), np.zeros(p), np.zeros(p)
    v_noise = tau**2 * lam / batch
    ratios, losses = np.empty(steps), np.empty(steps)
    chunk = max(1, _DRAWS_PER_CHUNK // (p * batch))
    done = 0
    while done < steps:
        n = min(chunk, steps - done)
        z = rng.standard_normal((n, batch, p))
        xi = rng.standard_normal((n, batch))
        completed = kernel(e, m, v, sqrt_lam, z, xi, tau, alpha, beta1, beta2, eps, done, v_noise,
                           limit, ratios[done:done + n], losses[done:done + n])
        if completed < n:
            return True
        done += n
    if criterion == "blow_up":
        return False
    return bool(np.mean(ratios[steps // 2:]) > inflation)


def adam_max_lr(lam: np.ndarray, batch: int, stream_seed: int, *, low: float = 1e-5, high: float = 2.0,
                halvings: int = 10, **options) -> float:
    """Measured maximal stable Adam learning rate at batch size ``batch`` (v-inflation criterion)."""
    return bisect_log(lambda a: not adam_unstable(lam, batch, a, stream_seed, **options), low, high, halvings)
