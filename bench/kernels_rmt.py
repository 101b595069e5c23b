"""Batch-Hessian / streaming least-squares kernels (Granziol et al., JMLR 2022): the batch
Hessian-vector product and the SGD / Adam stability loops, against ``theorylab.rmt._reference``;
scipy's eigsh against our Lanczos on the same Hessian-vector product."""

from __future__ import annotations

import numpy as np

from bench.harness import KernelTiming, compile_seconds, time_call
from theorylab.rmt import _kernels, _reference, hessians, lanczos, models

# rmt_ls_spectrum (quick): p = 200, spike 10, B up to 1024; the HVP (Lanczos) route is taken when
# min(B, p) > 128. rmt_sgd_threshold / rmt_adam_threshold (quick): p = 100, spike 5; B < p runs the
# direct kernel (chunks of 2^20 draws), B >= p the Bartlett kernel.
_CHUNK_DRAWS = 1 << 20


def _naive_hvp(features, weights, v, ridge):
    b = len(features)
    out = [ridge * vj for vj in v]
    for row, w in zip(features, weights):
        scale = w * sum(a * c for a, c in zip(row, v)) / b
        out = [o + scale * a for o, a in zip(out, row)]
    return out


def hvp_timings() -> list[KernelTiming]:
    """batch_hvp: one pass over the (B, P) features (each row reused from cache for the second product)."""
    out = []
    rng = np.random.default_rng(0)
    for b, p in ((256, 200), (1024, 200), (4096, 1000)):
        features, weights = models.sample_inputs(rng, b, models.spiked_spectrum(p, 10.0)), rng.random(b)
        v, buf = rng.standard_normal(p), np.empty(p)
        naive = None
        if b == 256:
            lists = (features.tolist(), weights.tolist(), v.tolist(), 1e-3)
            naive = time_call(lambda: _naive_hvp(*lists), min_time=0.05, repeats=2)
        out.append(KernelTiming("rmt batch_hvp", f"B={b}, P={p}",
                                time_call(lambda: _kernels.batch_hvp(features, weights, v, 1e-3, buf)),
                                time_call(lambda: _reference.batch_hvp(features, weights, v, 1e-3)), naive,
                                compile_seconds(_kernels.batch_hvp, features, weights, v, 1e-3, buf) if b == 256 else None,
                                features.nbytes + weights.nbytes,
                                "reference: _reference.batch_hvp; both are the same two BLAS dgemv calls (the kernel calls BLAS from Numba), so only call overhead differs"))
    return out


def _direct_case(p: int, batch: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    sqrt_lam = np.sqrt(models.spiked_spectrum(p, 5.0))
    steps = min(1500, max(1, _CHUNK_DRAWS // (p * batch)))
    return rng.standard_normal(p) / np.sqrt(p), sqrt_lam, rng.standard_normal((steps, batch, p)), steps


def sgd_timings() -> list[KernelTiming]:
    """sgd_ls_direct (B < P) and sgd_ls_bartlett (B >= P): one chunk of streaming-least-squares SGD."""
    out = []
    for batch in (1, 8, 32):
        e0, sqrt_lam, z, steps = _direct_case(100, batch)
        alpha = 0.5 / (np.sum(sqrt_lam ** 2) / batch + 5.0)  # stable: no early stop at the limit
        norms = np.empty(steps)
        run = lambda: _kernels.sgd_ls_direct(e0.copy(), sqrt_lam, z, alpha, np.inf, norms)  # noqa: E731
        assert run() == steps
        out.append(KernelTiming("rmt sgd_ls_direct", f"P=100, B={batch}, steps={steps}", time_call(run),
                                time_call(lambda: _reference.sgd_ls_direct(e0, sqrt_lam, z, alpha), min_time=0.1,
                                          repeats=3), None,
                                compile_seconds(_kernels.sgd_ls_direct, e0.copy(), sqrt_lam, z, alpha, np.inf, norms)
                                if batch == 1 else None, z.nbytes,
                                "reference: _reference.sgd_ls_direct (NumPy loop over steps)"))
    rng = np.random.default_rng(2)
    for p, batch in ((100, 128), (100, 512), (300, 512)):
        steps = max(1, _CHUNK_DRAWS // (p * ((p + 1) // 2)))
        sqrt_lam = np.sqrt(models.spiked_spectrum(p, 5.0))
        e0 = rng.standard_normal(p) / np.sqrt(p)
        lower, chi2 = rng.standard_normal((steps, p * (p - 1) // 2)), rng.chisquare(batch - np.arange(p), size=(steps, p))
        alpha = 0.5 / (np.sum(sqrt_lam ** 2) / batch + 5.0)
        norms = np.empty(steps)
        run = lambda: _kernels.sgd_ls_bartlett(e0.copy(), sqrt_lam, lower, chi2, batch, alpha, np.inf, norms)  # noqa: E731
        assert run() == steps
        out.append(KernelTiming("rmt sgd_ls_bartlett", f"P={p}, B={batch}, steps={steps}", time_call(run),
                                time_call(lambda: _reference.sgd_ls_bartlett(e0, sqrt_lam, lower, chi2, batch, alpha),
                                          min_time=0.1, repeats=3), None,
                                compile_seconds(_kernels.sgd_ls_bartlett, e0.copy(), sqrt_lam, lower, chi2, batch,
                                                alpha, np.inf, norms) if batch == 128 else None,
                                lower.nbytes + chi2.nbytes,
                                "reference: _reference.sgd_ls_bartlett (NumPy loop, builds L and the P x P Hessian)"))
    return out


def adam_timings() -> list[KernelTiming]:
    """adam_ls: one chunk of Adam on streaming least squares with label noise, from the optimum."""
    out = []
    for batch in (1, 8):
        _, sqrt_lam, z, steps = _direct_case(100, batch, seed=3)
        xi = np.random.default_rng(4).standard_normal((steps, batch))
        v_noise = sqrt_lam ** 2 / batch
        ratios, losses = np.empty(steps), np.empty(steps)
        p = sqrt_lam.size

        def run():
            return _kernels.adam_ls(np.zeros(p), np.zeros(p), np.zeros(p), sqrt_lam, z, xi, 1.0, 1e-3, 0.0, 0.99, 1e-8,
                                    0, v_noise, np.inf, ratios, losses)

        assert run() == steps
        out.append(KernelTiming("rmt adam_ls", f"P=100, B={batch}, steps={steps}", time_call(run),
                                time_call(lambda: _reference.adam_ls(np.zeros(p), sqrt_lam, z, xi, 1.0, 1e-3, 0.0, 0.99,
                                                                     1e-8, v_noise), min_time=0.1, repeats=3), None,
                                compile_seconds(_kernels.adam_ls, np.zeros(p), np.zeros(p), np.zeros(p), sqrt_lam, z, xi,
                                                1.0, 1e-3, 0.0, 0.99, 1e-8, 0, v_noise, np.inf, ratios, losses)
                                if batch == 1 else None, z.nbytes + xi.nbytes,
                                "reference: _reference.adam_ls (NumPy loop over steps); per streamed value Adam does a square root and a division, so it is compute-bound, not bandwidth-bound"))
    return out


def timings() -> list[KernelTiming]:
    return hvp_timings() + sgd_timings() + adam_timings()


def peers():
    """lambda_max of a least-squares batch Hessian through the same Numba HVP: our Lanczos (40 steps,
    full reorthogonalisation, as spectra.top_eigenvalue) vs scipy's ARPACK eigsh (k=1, 'LA') with its
    tolerance set to the relative error our Lanczos reached."""
    from scipy.sparse.linalg import LinearOperator, eigsh

    from bench.runner import PeerTiming

    rows = []
    for b, p in ((1024, 200), (4096, 1000)):
        rng = np.random.default_rng(5)
        features, weights = models.sample_inputs(rng, b, models.spiked_spectrum(p, 10.0)), np.ones(b)
        exact = hessians.extremal_eigenvalues(features, weights)[1]
        matvec = hessians.batch_matvec(features, weights)
        counts = {"ours": 0, "eigsh": 0}

        def counted(key):
            def mv(v):
                counts[key] += 1
                return matvec(np.ravel(v))
            return mv

        start = np.random.default_rng(6).standard_normal(p)
        ours_fn = lambda: lanczos.lanczos(counted("ours"), start, 40).ritz_values[-1]  # noqa: E731
        ours_err = abs(ours_fn() - exact) / exact
        tol = max(ours_err, np.finfo(float).eps)
        operator = LinearOperator((p, p), matvec=counted("eigsh"), dtype=float)
        peer_fn = lambda: eigsh(operator, k=1, which="LA", tol=tol, v0=start, return_eigenvectors=False)[0]  # noqa: E731
        peer_err = abs(peer_fn() - exact) / exact
        counts.update(ours=0, eigsh=0)
        ours_fn(), peer_fn()
        ours_hvps, peer_hvps = counts["ours"], counts["eigsh"]
        ours_s = time_call(ours_fn, min_time=0.1, repeats=3)
        peer_s = time_call(peer_fn, min_time=0.1, repeats=3)
        rows.append(PeerTiming(f"lambda_max of a batch Hessian, B={b}, P={p} (spike 10)", "theorylab Lanczos (40 steps)",
                               ours_s, "scipy eigsh (ARPACK, k=1)", peer_s,
                               f"rel. error vs eigvalsh: ours {ours_err:.1e} ({ours_hvps} HVPs), eigsh {peer_err:.1e} "
                               f"({peer_hvps} HVPs, tol={tol:.1e})"))
    return rows


def scaling():
    """batch_hvp against B at P = 200 (rmt_ls_spectrum's P): the work is O(B P)."""
    from bench.runner import ScalingSeries

    rng = np.random.default_rng(7)
    p, sizes, seconds = 200, [256, 1024, 4096, 16384], []
    v, buf = rng.standard_normal(p), np.empty(p)
    for b in sizes:
        features, weights = rng.standard_normal((b, p)), np.ones(b)
        seconds.append(time_call(lambda: _kernels.batch_hvp(features, weights, v, 0.0, buf), min_time=0.05, repeats=3))
    return [ScalingSeries("rmt batch_hvp, one Hessian-vector product, P = 200", "B", sizes, seconds, 1.0,
                          "work and bytes are O(B P)")]
