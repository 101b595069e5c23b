"""NTK kernels: forward pass, empirical NTK, full-batch GD (vs the explicit-Jacobian NumPy references),
and the analytic NTK/NNGP Gram side by side with neural-tangents (``peers``).

The peer comparison runs each implementation in its own fresh process pinned to one CPU with one
thread (OMP/OPENBLAS/MKL/NUMBA threads 1, XLA's Eigen pool off) and reports the best of 3 calls in
CPU time (``time.process_time``), so that other load on a shared machine does not enter. Run it
alone with ``python -m bench.kernels_ntk [N ...]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

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


PEER_SIZES = (1000, 3000)
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1",
              "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
              "TF_CPP_MIN_LOG_LEVEL": "3", "JAX_PLATFORMS": "cpu"}


def _gram_points(n_points: int) -> np.ndarray:
    return analytic.circle_points(np.linspace(0, 2 * np.pi, n_points, endpoint=False))


def _neural_tangents_kernel(depth: int = 4, beta: float = 0.1):
    """neural-tangents' jitted analytic (NNGP, NTK) of Jacot's net: Dense(W_std=1, b_std=beta, 'ntk') + Relu."""
    import types

    # neural_tangents' package import pulls its TF interop (tf2jax), which is not needed for stax and
    # fails to import against jax 0.4.30; an empty stand-in keeps it out.
    sys.modules.setdefault("tf2jax", types.ModuleType("tf2jax"))
    import jax

    jax.config.update("jax_enable_x64", True)
    from neural_tangents import stax

    layers = []
    for _ in range(depth - 1):
        layers += [stax.Dense(512, W_std=1.0, b_std=beta, parameterization="ntk"), stax.Relu()]
    layers.append(stax.Dense(1, W_std=1.0, b_std=beta, parameterization="ntk"))
    kernel_fn = stax.serial(*layers)[2]
    fn = jax.jit(lambda x: kernel_fn(x, None, ("nngp", "ntk")))

    def call(X):
        sigma, theta = fn(X)
        return np.asarray(sigma.block_until_ready()), np.asarray(theta.block_until_ready())

    return call


def _time_one(which: str, n_points: int) -> dict:
    """Best of 3 calls (after a warm-up) in CPU and wall seconds; run inside a pinned one-thread process."""
    import time

    X = _gram_points(n_points)
    if which == "neural-tangents":
        call = _neural_tangents_kernel()
    elif which == "reference":
        call = lambda X: analytic.limit_kernels_reference(X, depth=4, beta=0.1)  # noqa: E731
    else:
        call = lambda X: analytic.limit_kernels(X, depth=4, beta=0.1)  # noqa: E731
    sigma, theta = call(X)
    cpu = wall = float("inf")
    for _ in range(3):
        c, w = time.process_time(), time.perf_counter()
        call(X)
        cpu, wall = min(cpu, time.process_time() - c), min(wall, time.perf_counter() - w)
    ours_sigma, ours_theta = analytic.limit_kernels(X, depth=4, beta=0.1)
    return {"cpu": cpu, "wall": wall, "dev_theta": float(np.abs(theta - ours_theta).max()),
            "dev_sigma": float(np.abs(sigma - ours_sigma).max())}


def time_in_fresh_process(which: str, n_points: int, cpu: int | None = None) -> dict | None:
    """:func:`_time_one` in a fresh interpreter pinned to one CPU, one thread; None if it cannot run."""
    env = {**os.environ, **ONE_THREAD}
    code = ("import json, os, sys; os.sched_setaffinity(0, {%d}); from bench.kernels_ntk import _time_one; "
            "print(json.dumps(_time_one(%r, %d)))" % (cpu if cpu is not None else min(os.sched_getaffinity(0)),
                                                       which, n_points))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def peers():
    """The analytic Theta^(4) / Sigma^(4) Gram against neural-tangents' jitted kernel_fn (CPU, one thread)."""
    from bench.runner import PeerTiming

    rows = []
    for n_points in PEER_SIZES:
        ours = time_in_fresh_process("theorylab", n_points)
        peer = time_in_fresh_process("neural-tangents", n_points)
        if ours is None or peer is None:
            continue
        rows.append(PeerTiming(f"analytic NTK + NNGP Gram, L=4, beta=0.1, N={n_points} circle points (CPU s, 1 thread)",
                               "theorylab (Numba, one fused pass)", ours["cpu"], "neural-tangents 0.6.5 (jax jit, x64)",
                               peer["cpu"], f"max |Theta_nt - Theta_ours| {peer['dev_theta']:.1e}, "
                                            f"|Sigma| {peer['dev_sigma']:.1e}; ours vs mpmath <= 1e-13 (tests)"))
    return rows


if __name__ == "__main__":
    for n in [int(a) for a in sys.argv[1:]] or list(PEER_SIZES):
        for which in ("theorylab", "reference", "neural-tangents"):
            print(n, which, time_in_fresh_process(which, n), flush=True)
