"""The environment a claim's measurement or a figure runs in: profile, store, workers, progress."""

from __future__ import annotations

import dataclasses
import sys
from typing import Any, Sequence

from tqdm.auto import tqdm

from theorylab import parallel
from theorylab.config import build_config, load_profile
from theorylab.registry import get_experiment, run_task
from theorylab.store import Store, result_key
from theorylab.trace import Trace


class Context:
    """Runs experiments for claims and figures, reusing stored results.

    Parameters
    ----------
    profile : {"quick", "paper"}
        Which table of ``experiments/<name>.toml`` gives the base configs and seed counts.
    store : Store, False or None
        Where results are read and written; None means the default ``results/``; False keeps
        results in memory only.
    reuse : bool
        Read stored results when present (False recomputes and overwrites them).
    workers : int, optional
        Local processes; 1 runs everything in this process. Default: the number of cores.
    progress : bool
        Show progress bars on stderr.
    """

    def __init__(self, profile: str = "quick", *, store: Store | bool | None = None, reuse: bool = True,
                 workers: int | None = None, progress: bool = False):
        self.profile = profile
        self.store = Store() if store is None else (store or None)
        self.reuse = reuse
        self.workers = parallel.default_workers() if workers is None else max(1, workers)
        self.progress = progress
        self._memory: dict[str, Trace] = {}
        self._pool = None

    # -- configs -------------------------------------------------------------------------
    def config(self, experiment: str, **overrides: Any) -> Any:
        """The validated config of ``experiment`` in this profile, with ``overrides`` applied."""
        exp = get_experiment(experiment)
        values, _, source = load_profile(experiment, self.profile)
        base = build_config(exp.config, values, source=source)
        if not overrides:
            return base
        return build_config(exp.config, {**dataclasses.asdict(base), **overrides},
                            source=f"{source} with overrides {overrides}")

    def seeds(self, experiment: str, seeds: int | Sequence[int] | None = None) -> list[int]:
        """Seed indices: ``seeds`` if given (a count or a list), else the profile's count."""
        if seeds is None:
            _, count, _ = load_profile(experiment, self.profile)
            seeds = count or 1
        return list(range(seeds)) if isinstance(seeds, int) else list(seeds)

    # -- running -------------------------------------------------------------------------
    def runs(self, experiment: str, seeds: int | Sequence[int] | None = None, **overrides: Any) -> list[Trace]:
        """One trace per seed of ``experiment`` with ``overrides``."""
        return self.run_many([(experiment, overrides)], seeds)[0]

    def grid(self, experiment: str, key: str, values: Sequence[Any], seeds: int | Sequence[int] | None = None,
             **overrides: Any) -> list[list[Trace]]:
        """Traces for each value of one swept parameter: ``result[i][s]`` is value i, seed s."""
        return self.run_many([(experiment, {**overrides, key: v}) for v in values], seeds)

    def run_many(self, requests: Sequence[tuple[str, dict]], seeds: int | Sequence[int] | None = None
                 ) -> list[list[Trace]]:
        """Run several (experiment, overrides) requests over the same seeds, in one parallel batch."""
        jobs = []  # (request index, seed position, experiment, config, seed, key)
        for i, (name, overrides) in enumerate(requests):
            exp = get_experiment(name)
            config = self.config(name, **overrides)
            for j, seed in enumerate(self.seeds(name, seeds)):
                jobs.append((i, j, exp, config, seed, result_key(name, exp.version, config, seed)))
        results: list[list[Trace | None]] = [[None] * len(self.seeds(n, seeds)) for n, _ in requests]
        pending = []
        for job in jobs:
            trace = self._lookup(job[2].name, job[5])
            if trace is None:
                pending.append(job)
            else:
                results[job[0]][job[1]] = trace
        self._execute(pending, results)
        return results  # type: ignore[return-value]

    def _lookup(self, experiment: str, key: str) -> Trace | None:
        if key in self._memory:
            return self._memory[key]
        if self.reuse and self.store is not None:
            trace = self.store.load(experiment, key)
            if trace is not None:
                self._memory[key] = trace
                return trace
        return None

    def _execute(self, pending: list, results: list) -> None:
        if not pending:
            return
        tasks = [(exp.name, exp.module, config, seed) for _, _, exp, config, seed, _ in pending]
        pool = self._get_pool() if len(tasks) >= 4 else None
        label = pending[0][2].name
        with tqdm(total=len(tasks), desc=label, disable=not self.progress, file=sys.stderr, leave=False) as bar:
            for index, trace in parallel.imap(run_task, tasks, pool=pool):
                i, j, exp, _, _, key = pending[index]
                if self.store is not None:
                    self.store.save(exp.name, key, trace)
                self._memory[key] = trace
                results[i][j] = trace
                bar.update()

    def _get_pool(self):
        if self.workers <= 1:
            return None
        if self._pool is None:
            self._pool = parallel.process_pool(self.workers)
        return self._pool

    def close(self) -> None:
        """Shut the worker pool down."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self) -> "Context":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
