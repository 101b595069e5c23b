"""A tiny experiment that exercises the lab's machinery (sweeps, executors, resume, failures).

``selftest_decay`` records a noisy geometric decay; it can sleep per run (to make a sweep last
long enough to interrupt) and raise on chosen seeds (to test failure handling). It belongs to no
paper.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import dataclass, replace

import numpy as np

from theorylab.config import require
from theorylab.registry import experiment, mutant
from theorylab.trace import Trace


@dataclass(frozen=True)
class DecayConfig:
    """rate: log-contraction per step; T: steps; noise: log-normal noise level;
    sleep_s: seconds to sleep per run; fail_seeds: seeds whose run raises; exit_seeds: seeds whose run
    kills the worker process running it (in the main process they raise instead)."""

    rate: float = -0.05
    T: int = 100
    noise: float = 0.01
    sleep_s: float = 0.0
    fail_seeds: tuple[int, ...] = ()
    exit_seeds: tuple[int, ...] = ()

    def memory_bytes(self) -> tuple[int, str]:
        """Peak memory of a run: the index and one metric of T + 1 points, 8 bytes each, twice over."""
        return 4 * 8 * (self.T + 1), "T"

    def validate(self) -> None:
        require(self.rate < 0, "rate", "a negative log-contraction", self.rate)
        require(self.T >= 1, "T", "an integer >= 1", self.T)
        require(self.noise >= 0, "noise", "a number >= 0", self.noise)
        require(self.sleep_s >= 0, "sleep_s", "a number of seconds >= 0", self.sleep_s)


class SelftestFailure(RuntimeError):
    """Raised on purpose by ``selftest_decay`` for the seeds in ``fail_seeds``."""


@experiment("selftest_decay", paper="(selftest)", config=DecayConfig)
def decay(config: DecayConfig, rng: np.random.Generator) -> Trace:
    """Noisy geometric decay, for testing sweeps and executors (no paper)."""
    seed = int(rng.bit_generator.seed_seq.entropy)
    if seed in config.fail_seeds:
        raise SelftestFailure(f"seed {seed} fails on purpose (fail_seeds={config.fail_seeds})")
    if seed in config.exit_seeds:
        if multiprocessing.parent_process() is None:
            raise SelftestFailure(f"seed {seed} would kill its worker, but runs in the main process")
        os._exit(17)  # a worker dying mid-task, as from the OOM killer or a crash in compiled code
    time.sleep(config.sleep_s)
    t = np.arange(config.T + 1)
    err = np.exp(config.rate * t + config.noise * rng.standard_normal(t.size))
    return Trace(t, {"err": err}, {"final": float(err[-1])})


@mutant("selftest_decay", "half_rate")
def decay_at_half_rate(config: DecayConfig, rng: np.random.Generator) -> Trace:
    """Decays at half the configured rate (a toy mutant for testing ``theorylab mutate``)."""
    return decay(replace(config, rate=config.rate / 2), rng)


@mutant("selftest_decay", "noisier")
def decay_with_more_noise(config: DecayConfig, rng: np.random.Generator) -> Trace:
    """Adds noise to the final value only: the rate is intact (a mutant that rate claims cannot see)."""
    trace = decay(config, rng)
    return Trace(trace.t, trace.metrics, {"final": trace.scalars["final"] * 1.5})
