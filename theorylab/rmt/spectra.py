"""Extremal eigenvalues of batch Hessians, averaged over random batches at a grid of batch sizes."""

from __future__ import annotations

import numpy as np

from theorylab.rmt import hessians, lanczos

EXACT_LIMIT = 128


def top_eigenvalue(features: np.ndarray, weights: np.ndarray, ridge: float, rng: np.random.Generator, *,
                   lanczos_steps: int = 80) -> float:
    """``lambda_max(H_B)``: exact (Gram or dense ``eigvalsh``) when ``min(B, P) <= 128``, else Lanczos
    with full reorthogonalisation on the Numba Hessian-vector product, stopped when the top Ritz
    pair's relative residual is below 1e-8 (at most ``lanczos_steps`` matvecs)."""
    b, p = features.shape
    if min(b, p) <= EXACT_LIMIT:
        return hessians.extremal_eigenvalues(features, weights, ridge)[1]
    return lanczos.top_eigenvalue(hessians.batch_matvec(features, weights, ridge), p, rng, lanczos_steps)


def batch_statistics(source, rng: np.random.Generator, batch_sizes, reps: int, *, ridge: float = 0.0,
                     with_min: bool = False, lanczos_steps: int = 80) -> dict[str, np.ndarray]:
    """Mean and standard error over ``reps`` batches of the extremal eigenvalues of ``H_B``.

    Besides the raw ``lambda_max(H_B)`` it records ``lambda_max(H_B) - v_1^T H_B v_1`` with ``v_1`` the
    top eigenvector of the full Hessian. Since ``E[v_1^T H_B v_1] = lambda_1(H)`` exactly (unbiased
    batches), this has the same mean as ``lambda_max(H_B) - lambda_1(H)`` but without the
    ``O(lambda_1 / sqrt B)`` fluctuation of the outlier along ``v_1``, which otherwise swamps the ``1/B``
    excess at large ``B`` (a control variate). It is non-negative by the Rayleigh principle, which is
    also the Jensen argument behind claim C1.

    Returns
    -------
    dict of str to ndarray of shape (len(batch_sizes),)
        ``lmax_mean``, ``lmax_se``, ``excess_cv_mean``, ``excess_cv_se`` and, with ``with_min``,
        ``lmin_mean``, ``lmin_se`` (``lambda_min(H_B) = ridge`` for ``B < P``: the batch Hessian is rank-deficient).
    """
    values, vectors = np.linalg.eigh(source.hessian())
    v1 = vectors[:, -1]
    out = {name: np.empty(len(batch_sizes)) for name in ("lmax_mean", "lmax_se", "excess_cv_mean", "excess_cv_se")}
    if with_min:
        out.update(lmin_mean=np.empty(len(batch_sizes)), lmin_se=np.empty(len(batch_sizes)))
    for k, batch in enumerate(batch_sizes):
        tops, cvs, mins = np.empty(reps), np.empty(reps), np.empty(reps)
        for r in range(reps):
            features, weights = source.draw_batch(rng, int(batch))
            if with_min:
                mins[r], tops[r] = hessians.extremal_eigenvalues(features, weights, ridge)
            else:
                tops[r] = top_eigenvalue(features, weights, ridge, rng, lanczos_steps=lanczos_steps)
            cvs[r] = tops[r] - (np.mean(weights * (features @ v1) ** 2) + ridge)
        for name, sample in (("lmax", tops), ("excess_cv", cvs), ("lmin", mins)):
            if name == "lmin" and not with_min:
                continue
            out[f"{name}_mean"][k] = sample.mean()
            out[f"{name}_se"][k] = sample.std(ddof=1) / np.sqrt(reps) if reps > 1 else 0.0
    out["lambda_1"] = np.full(len(batch_sizes), values[-1])
    out["lambda_2"] = np.full(len(batch_sizes), values[-2])
    out["lambda_min_full"] = np.full(len(batch_sizes), values[0])
    return out
