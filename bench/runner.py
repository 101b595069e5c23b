"""Run every benchmark and write bench/RESULTS.md.

Each domain contributes ``bench/kernels_<domain>.py`` with

* ``timings() -> list[KernelTiming]`` (required): every Numba kernel at two or three sizes against
  its NumPy reference (and a naive baseline where one is meaningful), compile time separately;
* ``peers() -> list[PeerTiming]`` (optional): the same task done by an outside tool;
* ``scaling() -> list[ScalingSeries]`` (optional): time against problem size, with the exponent
  the algorithm predicts.

Usage: ``python -m bench [--only DOMAIN ...] [--skip-check] [--out bench/RESULTS.md]``. Never part of
the test suite: timings are measurements, not assertions.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402

from bench.harness import KernelTiming, matmul_gflops, stream_triad_gbs  # noqa: E402

DOMAINS = ("sensing", "subgm", "sgd", "bilevel", "ntk", "rmt", "convex_relu")
SPEEDUP_TARGET = 5.0
BANDWIDTH_TARGET = 0.5


@dataclass
class PeerTiming:
    """Our solver and an outside one on the same task, at equal accuracy."""

    task: str
    ours: str
    ours_s: float
    peer: str
    peer_s: float
    accuracy: str = ""


@dataclass
class ScalingSeries:
    """Seconds against a size parameter; the fitted exponent is compared with ``predicted``."""

    what: str
    parameter: str
    sizes: list
    seconds: list
    predicted: float | None = None
    note: str = ""


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def machine_section(triad: float, gflops: float) -> list[str]:
    from theorylab.provenance import provenance

    info = provenance()
    return ["## Machine", "",
            f"- CPU: {info['machine']['cpu']}, {info['machine']['cores']} cores; {info['machine']['platform']}",
            f"- Versions: {json.dumps(info['versions'])}",
            f"- Threads: {json.dumps(info['machine']['threads'])}; Numba layer: {info['numba_threading_layer']}",
            f"- Git: {info['git']['sha']} (dirty: {info['git']['dirty']})",
            f"- Measured bandwidth (STREAM-style triad, 1 core, 20M doubles): **{triad:.2f} GB/s**",
            f"- Measured dense matmul (float64, n = 1024, BLAS threads as above): **{gflops:.2f} GFLOP/s**", ""]


def kernel_section(rows: list[KernelTiming], triad: float) -> list[str]:
    lines = ["| kernel | size | Numba | NumPy reference | naive Python | speedup vs NumPy | compile | GB/s (% of triad) | note |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        gbs = r.gbs()
        bw = "-" if gbs is None else f"{gbs:.2f} ({100 * gbs / triad:.0f}%)"
        lines.append(f"| {r.kernel} | {r.size} | {_fmt(r.numba_s)} | {_fmt(r.reference_s)} | {_fmt(r.naive_s)} | "
                     f"{r.speedup:.1f}x | {_fmt(r.compile_s)} | {bw} | {r.note} |")
    return lines + [""]


def targets_section(rows: list[KernelTiming], triad: float) -> list[str]:
    """Which kernels miss the targets: >= 5x NumPy at their smallest size, >= 50% bandwidth at their largest."""
    by_kernel: dict[str, list[KernelTiming]] = {}
    for r in rows:
        by_kernel.setdefault(r.kernel, []).append(r)
    lines = ["| kernel | speedup at smallest size (target >= 5x) | bandwidth at largest size (target >= 50%) | why, where missed |",
             "|---|---|---|---|"]
    for kernel, timings in by_kernel.items():
        small, large = timings[0], timings[-1]
        speed = f"{small.speedup:.1f}x " + ("met" if small.speedup >= SPEEDUP_TARGET else "**missed**")
        gbs = large.gbs()
        if gbs is None:
            bw = "-"
        elif gbs > triad:
            # Faster than DRAM can stream: the working set sits in cache, so this is no DRAM measurement.
            bw = f"{100 * gbs / triad:.0f}% (cache-resident, not a DRAM figure)"
        else:
            bw = f"{100 * gbs / triad:.0f}% " + ("met" if gbs >= BANDWIDTH_TARGET * triad else "**missed**")
        missed = "missed" in speed or "missed" in bw
        lines.append(f"| {kernel} | {speed} | {bw} | {(large.note or small.note) if missed else ''} |")
    return lines + [""]


def peers_section(peers: list[PeerTiming]) -> list[str]:
    lines = ["| task | ours | time | peer | time | ratio (peer / ours) | accuracy |", "|---|---|---|---|---|---|---|"]
    for p in peers:
        lines.append(f"| {p.task} | {p.ours} | {_fmt(p.ours_s)} | {p.peer} | {_fmt(p.peer_s)} | "
                     f"{p.peer_s / p.ours_s:.1f}x | {p.accuracy} |")
    return lines + [""]


def scaling_section(series: list[ScalingSeries]) -> list[str]:
    from theorylab.rates import fit_scaling

    lines = ["| what | sizes | seconds | fitted exponent | predicted | note |", "|---|---|---|---|---|---|"]
    for s in series:
        if len(s.sizes) >= 3:
            exponent = fit_scaling(s.sizes, s.seconds).value
        else:  # two points: the slope between them
            exponent = float(np.log(s.seconds[-1] / s.seconds[0]) / np.log(s.sizes[-1] / s.sizes[0]))
        sizes = ", ".join(f"{s.parameter}={v:g}" for v in s.sizes)
        seconds = ", ".join(_fmt(v) for v in s.seconds)
        predicted = "-" if s.predicted is None else f"{s.predicted:g}"
        lines.append(f"| {s.what} | {sizes} | {seconds} | {exponent:.2f} | {predicted} | {s.note} |")
    return lines + [""]


def sweep_throughput() -> ScalingSeries:
    """Wall time of one sweep against the number of local worker processes.

    The pool is started (and the workers' imports done) by a warm-up sweep first, so the timed
    sweep measures throughput, not process start-up.
    """
    from theorylab import sweep
    from theorylab.context import Context
    from theorylab.parallel import make_executor

    workers, seconds = [1, 2], []
    for count in workers:
        with Context("quick", store=False, workers=count, executor=make_executor("processes", workers=count)) as ctx:
            sweep.run(ctx, sweep.plan(ctx, "sensing_asym_gd", {"alpha": [0.3]}, 4, {"T": 100}))
            start = time.perf_counter()
            sweep.run(ctx, sweep.plan(ctx, "sensing_asym_gd", {"alpha": [0.1, 0.2, 0.4]}, 8, {"T": 100000,
                                                                                           "err_stop": 0.0}))
            seconds.append(time.perf_counter() - start)
    return ScalingSeries("sweep of 24 sensing_asym_gd runs (T = 1e5), warm pool", "workers", workers, seconds, -1.0,
                         "ideal: time ~ 1/workers on 2 cores")


def check_wall_time() -> tuple[float, int]:
    """Wall time of ``theorylab check`` (every paper, quick profile) on a cold store."""
    with tempfile.TemporaryDirectory() as store:
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "theorylab", "check", "--quiet", "--results", store],
                                capture_output=True, text=True)
        return time.perf_counter() - start, result.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", choices=DOMAINS, help="benchmark only these domains")
    parser.add_argument("--skip-check", action="store_true", help="do not time the whole `theorylab check`")
    parser.add_argument("--speed", action="store_true",
                        help="also run the long solver races (e.g. convex_relu's time-to-1e-6 table; ~40 min)")
    parser.add_argument("--out", default=str(Path(__file__).with_name("RESULTS.md")))
    args = parser.parse_args(argv)

    triad, gflops = stream_triad_gbs(), matmul_gflops()
    lines = ["# theorylab benchmarks", "",
             f"Generated by `python -m bench` on {datetime.date.today()}. Times are the best of 5 batches "
             "(noise on a shared machine only adds time); compile time is a fresh compile without the "
             "on-disk cache. Targets are measured here, never asserted in tests.", ""]
    lines += machine_section(triad, gflops)
    all_rows, peers, series = [], [], []
    for domain in args.only or DOMAINS:
        try:
            module = importlib.import_module(f"bench.kernels_{domain}")
        except ModuleNotFoundError:
            continue
        print(f"benchmarking {domain}...", file=sys.stderr)
        rows = module.timings()
        all_rows += rows
        lines += [f"## Kernels: {domain}", ""] + kernel_section(rows, triad)
        if args.speed and hasattr(module, "speed_section"):
            lines += module.speed_section()
        peers += getattr(module, "peers", list)()
        series += getattr(module, "scaling", list)()
    lines += ["## Targets", ""] + targets_section(all_rows, triad)
    if peers:
        lines += ["## Peers", ""] + peers_section(peers)
    series.append(sweep_throughput())
    lines += ["## Scaling", ""] + scaling_section(series)
    if not args.skip_check:
        seconds, code = check_wall_time()
        lines += ["## The whole quick check", "",
                  f"`theorylab check` (every paper, quick profile, cold store, default workers): "
                  f"**{seconds:.0f} s** wall, exit status {code} (target: under 300 s).", ""]
    Path(args.out).write_text("\n".join(lines))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0
