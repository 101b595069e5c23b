"""NTK kernels: forward pass, empirical NTK, full-batch GD (vs the explicit-Jacobian NumPy references)."""

from __future__ import annotations

import numpy as np

from bench.harness import KernelTiming, compile_seconds, time_call
from theorylab.ntk import _kernels, analytic, mlp


def _net(width: int, depth: int = 4, seed: int = 0):
    return mlp.init_mlp(np.random.default_rng(seed), 2, width, depth, 0.1)


def timings() -> list[KernelTiming]:
    rows = []
    X = analytic.equispaced_circle(16)
    for width in (64, 256, 1024):
        net = _net(width)
        args = (X, *net.arrays(), net.beta)
        rows.append(KernelTiming("ntk forward", f"L=4, n={width}, N=16", time_call(lambda: _kernels.forward(*args)),
                                 time_call(lambda: mlp.forward_reference(net, X)), None,
                                 compile_seconds(_kernels.forward, *args) if width == 64 else None,
                                 note="reference: the same layer products in NumPy; both are BLAS matmuls, so "
                                      "only the small-size call overhead differs"))
        kernel_args = (X, X, *net.arrays(), net.beta)
        rows.append(KernelTiming("ntk empirical kernel", f"L=4, n={width}, N=16",
                                 time_call(lambda: _kernels.empirical_ntk(*kernel_args)),
                                 time_call(lambda: mlp.ntk_reference(net, X), min_time=0.05, repeats=3), None,
                                 compile_seconds(_kernels.empirical_ntk, *kernel_args) if width == 64 else None,
                                 note="reference: explicit Jacobian J J^T"))
        y = np.sin(X[:, 0] * X[:, 1])
        empty = np.zeros((0, 2))

        def train(steps=10):
            fresh = net.copy()
            return _kernels.gd_train(X, y, empty, empty, *fresh.arrays(), fresh.beta, 1.0, steps, steps)

        def reference(steps=10):
            current = net
            for _ in range(steps):
                current = mlp.gd_step_reference(current, X, y, 1.0)
            return current

        compiled = None
        if width == 64:
            fresh = net.copy()
            compiled = compile_seconds(_kernels.gd_train, X, y, empty, empty, *fresh.arrays(), fresh.beta, 1.0, 1, 1)
        rows.append(KernelTiming("ntk GD training (10 steps)", f"L=4, n={width}, N=16", time_call(train),
                                 time_call(reference, min_time=0.05, repeats=3), None, compiled,
                                 note="reference: Jacobian-based GD step"))
    return rows


def scaling():
    """The analytic kernel recursion is NumPy-vectorized over point pairs: time per Gram against N."""
    from bench.runner import ScalingSeries

    sizes, seconds = [64, 128, 256, 512], []
    for n_points in sizes:
        points = analytic.circle_points(np.linspace(0, 2 * np.pi, n_points, endpoint=False))
        seconds.append(time_call(lambda: analytic.ntk(points, depth=4, beta=0.1)))
    pairs_per_second = sizes[-1] ** 2 / seconds[-1]
    return [ScalingSeries(f"analytic Theta^(4) Gram on N circle points ({pairs_per_second:.3g} pairs/s at N = 512)",
                          "N", sizes, seconds, 2.0, "N^2 pairs, each O(L)")]
