"""Last-iterate SGD kernels: the Harvey instance run and the batched replica SGD step."""

from __future__ import annotations

import numpy as np

from bench.harness import KernelTiming, compile_seconds, time_call
from theorylab.sgd import _kernels, algorithms, problems, schedules


def timings() -> list[KernelTiming]:
    rows = []
    for T in (64, 256, 1024):
        instance = problems.harvey_strongly_convex(T)
        steps = schedules.InverseTime(1.0).steps(T)
        store = np.zeros((0, 0))
        run = lambda: _kernels.harvey_run(instance.a, instance.diag, instance.quadratic, steps, T // 2 + 1, store)  # noqa: E731
        ref = lambda: algorithms.harvey_reference(instance, steps)  # noqa: E731
        compiled = compile_seconds(_kernels.harvey_run, instance.a, instance.diag, instance.quadratic, steps,
                                   T // 2 + 1, store) if T == 64 else None
        rows.append(KernelTiming("sgd Harvey run (strongly convex)", f"T={T}", time_call(run), time_call(ref),
                                 None, compiled, note="reference writes the (T+1) x T piece matrix"))
    rng = np.random.default_rng(0)
    for replicas, d, T in ((100, 10, 200), (1000, 10, 200), (1000, 100, 50)):
        problem = problems.StochasticProblem("quadratic", np.linspace(0.1, 1.0, d), radius=0.0)
        x0 = np.ones((replicas, d))
        noise = rng.standard_normal((replicas, T, d))
        steps = schedules.InverseTime(1.0).steps(T) * 0.5
        run = lambda: _kernels.sgd_advance(x0.copy(), noise, steps, problem.code, problem.lam, 0.0, 0.0)  # noqa: E731
        ref = lambda: algorithms.sgd_reference(problem, steps, x0, noise)  # noqa: E731
        compiled = compile_seconds(_kernels.sgd_advance, x0.copy(), noise, steps, problem.code, problem.lam, 0.0,
                                   0.0) if replicas == 100 else None
        rows.append(KernelTiming("sgd replica steps (quadratic)", f"R={replicas}, d={d}, T={T}", time_call(run),
                                 time_call(ref), None, compiled, noise.nbytes + 2 * x0.nbytes * T))
    return rows
