"""Exact, vectorized sampling of one input's output over many random nets at initialization.

For a single input ``x``, a Gaussian weight matrix independent of the activation ``a`` gives
``W a / sqrt(n) ~ N(0, (||a||^2 / n) I)``: each layer's pre-activations are a fresh standard normal
vector scaled by ``||a|| / sqrt(n)``, plus ``beta b``. Drawing ``n`` normals per layer instead of an
``n x n`` matrix makes ~10^5 nets per second possible (Jacot et al. 2018, Prop. 1: the output
tends to a centred Gaussian of variance ``Sigma^(L)(x, x)``; its excess kurtosis is ``O(1/n)``).
"""

from __future__ import annotations

import numpy as np

CHUNK = 32768  # nets drawn at a time: memory ~3 x CHUNK x width floats per layer (one chunk at quick)


def single_input_outputs(rng: np.random.Generator, x, *, width: int, depth: int, beta: float,
                         samples: int) -> np.ndarray:
    """``f_theta(x)`` for ``samples`` independent nets (NTK parameterization, all parameters N(0, 1)).

    Parameters
    ----------
    rng : numpy.random.Generator
    x : array_like of shape (n0,)
    width, depth : int
        Hidden width ``n`` and number of weight matrices ``L >= 2``.
    beta : float
        Bias strength.
    samples : int

    Returns
    -------
    ndarray of shape (samples,)
        Same distribution as ``mlp.forward(mlp.init_mlp(...), x[None])[0]`` over fresh nets.
    """
    x = np.asarray(x, dtype=float).ravel()
    if depth < 2 or width < 1 or samples < 1:
        raise ValueError(f"need depth >= 2, width >= 1, samples >= 1; got {depth}, {width}, {samples}")
    out = np.empty(samples)
    for start in range(0, samples, CHUNK):   # CHUNK nets at a time bounds the memory
        m = min(CHUNK, samples - start)
        scale = np.full(m, np.linalg.norm(x) / np.sqrt(x.size))
        for _ in range(depth - 1):
            z = rng.standard_normal((m, width))
            z *= scale[:, None]
            z += beta * rng.standard_normal((m, width))
            a = np.maximum(z, 0.0, out=z)
            scale = np.sqrt(np.einsum("ij,ij->i", a, a) / width)
        out[start:start + m] = scale * rng.standard_normal(m) + beta * rng.standard_normal(m)
    return out


def excess_kurtosis(values) -> float:
    """``m4 / m2^2 - 3`` of the sample (central moments): 0 for a Gaussian."""
    v = np.asarray(values, dtype=float)
    v = v - v.mean()
    m2 = np.mean(v * v)
    return float(np.mean(v**4) / (m2 * m2) - 3.0)
