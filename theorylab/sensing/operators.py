"""Gaussian measurement operators ``A: R^{n1 x n2} -> R^m`` and their adjoints.

The operator is stored as an ``(m, n1 * n2)`` array already scaled by ``m^{-1/2}``, so that
``A(M) = A @ vec(M)`` and ``A*(v) = reshape(A^T v)`` with ``A* A ~ identity`` (``vec`` is the
row-major flattening). Symmetric sensing uses ``A_i = (B_i + B_i^T) / 2``.

The Numba kernels are memory-bound matrix-vector products. They call BLAS (``np.dot``) from
inside Numba: a hand-written loop was 2-3x slower, because its dot-product reduction cannot be
vectorized without ``fastmath`` (bench/RESULTS.md), while calling it from Numba keeps the GD loops
free of Python overhead. Each has a NumPy reference that the tests compare it with.
"""

from __future__ import annotations

import numba
import numpy as np


def gaussian_operator(rng: np.random.Generator, m: int, n1: int, n2: int | None = None, *,
                      symmetric: bool = False) -> np.ndarray:
    """Draw ``m`` Gaussian sensing matrices, scaled by ``m^{-1/2}``.

    Parameters
    ----------
    rng : numpy.random.Generator
    m : int
        Number of measurements.
    n1, n2 : int
        Matrix shape (``n2`` defaults to ``n1``).
    symmetric : bool
        Symmetrize each matrix, ``(B + B^T) / 2`` (requires ``n1 == n2``).

    Returns
    -------
    ndarray of shape (m, n1 * n2)
    """
    n2 = n1 if n2 is None else n2
    if m < 1 or n1 < 1 or n2 < 1:
        raise ValueError(f"operator sizes must be positive, got m={m}, n1={n1}, n2={n2}")
    B = rng.standard_normal((m, n1, n2))
    if symmetric:
        if n1 != n2:
            raise ValueError("a symmetric operator needs square matrices")
        B = 0.5 * (B + B.transpose(0, 2, 1))
    return np.ascontiguousarray(B.reshape(m, n1 * n2) / np.sqrt(m))


@numba.njit(cache=True)
def apply_operator(A: np.ndarray, M: np.ndarray) -> np.ndarray:
    """``A(M)``: the ``m`` inner products ``<A_i, M>`` (scaled). ``M`` must be C-contiguous."""
    return np.dot(A, M.ravel())


@numba.njit(cache=True)
def apply_adjoint(A: np.ndarray, v: np.ndarray, n1: int, n2: int) -> np.ndarray:
    """``A*(v) = sum_i v_i A_i`` (scaled), as an ``(n1, n2)`` matrix."""
    return np.dot(A.T, v).reshape((n1, n2))


def apply_operator_reference(A: np.ndarray, M: np.ndarray) -> np.ndarray:
    """NumPy reference of :func:`apply_operator`."""
    return A @ M.ravel()


def apply_adjoint_reference(A: np.ndarray, v: np.ndarray, n1: int, n2: int) -> np.ndarray:
    """NumPy reference of :func:`apply_adjoint`."""
    return (A.T @ v).reshape(n1, n2)
