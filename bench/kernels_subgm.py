"""Robust-sensing SubGM kernels: factored descent on the packed operator (l1 SubGM and the l2 GD
baseline) and the Monte-Carlo Sign-RIP sum, against their NumPy references."""

from __future__ import annotations

import numpy as np

from bench.harness import KernelTiming, compile_seconds, time_call
from theorylab.sensing import _subgm_kernels as kernels
from theorylab.sensing.sign_rip import sign_sum_reference
from theorylab.sensing.subgm import geometric_steps, l2_gd_reference, robust_instance, subgm_reference

# The quick instance (experiments/subgm_recovery.toml): d = 10, r = 2, width r' = d, alpha = 1e-6,
# eta_t = 0.2 * 0.995^t; C5 sweeps m over (750, 1500, 3000). T is cut from 3000 to keep each
# reference call short; the cost per iteration does not depend on T.
D, R, T = 10, 2, 300


def _descent_case(m: int, loss_kind: int, seed: int = 0):
    """Packed operator, instance and steps for one factored-descent run (the l2 case has p = 0)."""
    inst = robust_instance(np.random.default_rng(seed), d=D, r=R, m=m, p=0.2 if loss_kind == kernels.L1_LOSS else 0.0)
    U0 = 1e-6 * inst.B[:, :D]
    eta = geometric_steps(0.2, 0.995, T) if loss_kind == kernels.L1_LOSS else np.full(T, 1e-3)
    P, rows, cols = kernels.pack_symmetric(inst.A, D)
    return inst, U0, eta, P, rows, cols


def descent_timings() -> list[KernelTiming]:
    """factored_descent, one whole run of T iterations: two passes over P per iteration (P x and P^T w)."""
    out = []
    for loss_kind, name, reference, sizes in (
            (kernels.L1_LOSS, "subgm factored descent, l1 (SubGM)", subgm_reference, (750, 1500, 3000)),
            (kernels.L2_LOSS, "subgm factored descent, l2 (GD baseline)", l2_gd_reference, (750, 3000))):
        for m in sizes:
            inst, U0, eta, P, rows, cols = _descent_case(m, loss_kind)
            err, loss = np.empty(T + 1), np.empty(T + 1)
            args = (P, rows, cols, inst.y, U0, inst.X_star, eta, loss_kind, err, loss)
            written = kernels.factored_descent(*args)
            assert written == T + 1, f"{name} stopped early at m={m} ({written} points)"
            ours = time_call(lambda: kernels.factored_descent(*args))
            ref = time_call(lambda: reference(inst.A, inst.y, U0, inst.X_star, eta), min_time=0.1, repeats=3)
            # one compile covers both losses (loss_kind is a runtime argument)
            compiled = (compile_seconds(kernels.factored_descent, *args)
                        if m == sizes[0] and loss_kind == kernels.L1_LOSS else None)
            out.append(KernelTiming(name, f"d={D}, r'={D}, m={m}, T={T}", ours, ref, None, compiled,
                                    P.nbytes * (2 * T + 1),
                                    f"reference: {reference.__name__} (NumPy loop on the unpacked (m, d^2) A, "
                                    f"2x the bytes); packing not timed; P = {P.nbytes / 1e6:.2f} MB is cache-resident"))
    return out


def _naive_sign_sum(A_rows, s, x):
    total = [0.0] * len(x)
    for row, si in zip(A_rows, s):
        r = sum(a * b for a, b in zip(row, x)) - si
        sign = (r > 0) - (r < 0)
        if sign:
            total = [t + sign * a for t, a in zip(total, row)]
    return total


def sign_sum_timings() -> list[KernelTiming]:
    """sign_sum: sum_i Sign(<A_i, X> - s_i) vec(A_i), one chunk of the Monte-Carlo estimate (d = 10)."""
    out = []
    rng = np.random.default_rng(1)
    d = 10
    G = rng.standard_normal((d, 3))
    x = (0.3 * G @ G.T / np.linalg.norm(G @ G.T)).ravel()
    for m in (2000, 20000):  # 20000 = the quick profile's chunk (experiments/subgm_sign_rip_mc.toml)
        A = rng.standard_normal((m, d * d))
        s = np.where(rng.random(m) < 0.4, rng.standard_normal(m), 0.0)
        naive = None
        if m == 2000:
            rows_list, s_list, x_list = A.tolist(), s.tolist(), x.tolist()
            naive = time_call(lambda: _naive_sign_sum(rows_list, s_list, x_list), min_time=0.05, repeats=2)
        out.append(KernelTiming("subgm sign_sum (Sign-RIP MC)", f"d={d}, m={m}", time_call(lambda: kernels.sign_sum(A, s, x)),
                                time_call(lambda: sign_sum_reference(A, s, x), min_time=0.1, repeats=3), naive,
                                compile_seconds(kernels.sign_sum, A, s, x) if m == 2000 else None, 2 * A.nbytes,
                                "reference: sign_sum_reference (NumPy per-row loop); the kernel is the two BLAS "
                                "dgemv passes A x and A^T w"))
    return out


def timings() -> list[KernelTiming]:
    return descent_timings() + sign_sum_timings()


def scaling():
    """Seconds per SubGM iteration against m (d = 10, r' = 10): two passes over the (m, 55) packed P."""
    from bench.runner import ScalingSeries

    sizes, seconds, steps = [1500, 3000, 6000, 12000, 24000], [], 50
    for m in sizes:
        inst, U0, _, P, rows, cols = _descent_case(m, kernels.L1_LOSS, seed=2)
        eta = geometric_steps(0.2, 0.995, steps)
        err, loss = np.empty(steps + 1), np.empty(steps + 1)
        seconds.append(time_call(lambda: kernels.factored_descent(P, rows, cols, inst.y, U0, inst.X_star, eta,
                                                                  kernels.L1_LOSS, err, loss),
                                 min_time=0.05, repeats=3) / steps)
    return [ScalingSeries("SubGM (factored_descent, l1), one iteration, d = 10, r' = 10", "m", sizes, seconds, 1.0,
                          "work is O(m d^2): P x and P^T w over the packed operator; small m is overhead-bound")]
