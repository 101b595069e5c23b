"""The environment a claim's measurement, a figure or a sweep runs in: profile, store, executor, progress."""

from __future__ import annotations

import dataclasses
import functools
import sys
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Sequence

from tqdm.auto import tqdm

from theorylab import parallel
from theorylab.config import build_config
from theorylab.errors import TheorylabError
from theorylab.registry import Experiment, get_experiment, get_mutant, run_task
from theorylab.store import Store, request_record, result_key
from theorylab.trace import Trace


class TaskError(TheorylabError):
    """One or more runs raised; their errors are in the message (successful runs were stored)."""


@dataclass(frozen=True)
class Job:
    """One (experiment, config, seed) to run, with its store key."""

    experiment: Experiment
    config: Any
    seed: int

    @functools.cached_property
    def request(self) -> dict:
        """What a stored result must match (see :func:`theorylab.store.request_record`)."""
        exp = self.experiment
        return request_record(exp.name, exp.version, self.config, self.seed, exp.fingerprint)

    @functools.cached_property
    def key(self) -> str:
        exp = self.experiment
        return result_key(exp.name, exp.version, self.config, self.seed, exp.fingerprint)

    def describe(self) -> str:
        return f"{self.experiment.name} seed={self.seed} {dataclasses.asdict(self.config)}"


class Context:
    """Runs experiments for claims, figures and sweeps, reusing stored results.

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
        Local processes for the default executor; 1 runs everything in this process.
    progress : bool
        Show progress bars on stderr.
    executor : parallel.Executor, optional
        Overrides the default (local spawned processes); the context closes it.
    seed_start : int
        Added to every seed index (0: seeds 0, 1, ...); rerun claims on fresh seeds with e.g. 1000.
    seed_count : int, optional
        Replaces the profile's seed count where a request does not give one.
    base_overrides : mapping of str to mapping, optional
        ``{experiment: {field: value}}`` replacing the profile's values (as a profile table would;
        a request's own overrides still win). ``theorylab explore`` uses it for drawn configurations.
    mutants : mapping of str to str, optional
        ``{experiment: mutant}``: run that mutant wherever the experiment is requested (for
        ``theorylab mutate``; the configs still come from the experiment's profile).

    Attributes
    ----------
    counts : Counter
        ``computed`` and ``stored`` (reused) runs so far, for reporting what a verdict rests on.
    requested : set of str
        The experiments requested so far (before mutant substitution).
    """

    def __init__(self, profile: str = "quick", *, store: Store | bool | None = None, reuse: bool = True,
                 workers: int | None = None, progress: bool = False, executor: parallel.Executor | None = None,
                 mutants: Mapping[str, str] | None = None, seed_start: int = 0, seed_count: int | None = None,
                 base_overrides: Mapping[str, Mapping[str, Any]] | None = None):
        self.profile = profile
        self.store = Store() if store is None else (store or None)
        self.reuse = reuse
        self.workers = parallel.default_workers() if workers is None else max(1, workers)
        self.progress = progress
        self._executor = executor
        self._memory: dict[str, Trace] = {}
        self.mutants = {base: get_mutant(base, name) for base, name in (mutants or {}).items()}
        self.counts: Counter = Counter()
        self.sources: Counter = Counter()  # (experiment, commit, dirty, fingerprint) of every trace served
        if seed_start < 0 or (seed_count is not None and seed_count < 1):
            raise ValueError(f"seed_start must be >= 0 and seed_count >= 1, got {seed_start}, {seed_count}")
        self.seed_start, self.seed_count = seed_start, seed_count
        self.base_overrides = {name: dict(values) for name, values in (base_overrides or {}).items()}
        self.requested: set[str] = set()

    @property
    def executor(self) -> parallel.Executor:
        if self._executor is None:
            self._executor = parallel.make_executor("processes", workers=self.workers)
        return self._executor

    # -- configs -------------------------------------------------------------------------
    def config(self, experiment: str, **overrides: Any) -> Any:
        """The validated config of ``experiment`` in this profile, with ``overrides`` applied."""
        exp = get_experiment(experiment)
        values, _, source = exp.profile(self.profile)
        if experiment in self.base_overrides:
            values = {**values, **self.base_overrides[experiment]}
            source = f"{source} with explored values {self.base_overrides[experiment]}"
        base = build_config(exp.config, values, source=source)
        if not overrides:
            return base
        return build_config(exp.config, {**dataclasses.asdict(base), **overrides},
                            source=f"{source} with overrides {overrides}")

    def seeds(self, experiment: str, seeds: int | Sequence[int] | None = None) -> list[int]:
        """Seed indices: ``seeds`` if given (a count or a list), else the profile's count; shifted by ``seed_start``."""
        if seeds is None:
            _, count, _ = get_experiment(experiment).profile(self.profile)
            seeds = self.seed_count or count or 1
        indices = range(seeds) if isinstance(seeds, int) else seeds
        return [self.seed_start + int(s) for s in indices]

    def jobs(self, experiment: str, seeds: int | Sequence[int] | None = None, **overrides: Any) -> list[Job]:
        """The jobs of one (experiment, overrides) request, one per seed."""
        exp = self.mutants.get(experiment) or get_experiment(experiment)
        self.requested.add(experiment)
        config = self.config(experiment, **overrides)
        return [Job(exp, config, seed) for seed in self.seeds(experiment, seeds)]

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
        """Run several (experiment, overrides) requests over the same seeds, in one parallel batch.

        Raises
        ------
        TaskError
            If any run raised (the others are still stored).
        """
        groups = [self.jobs(name, seeds, **overrides) for name, overrides in requests]
        traces = {job.key: self.lookup(job) for group in groups for job in group}
        pending = list({job.key: job for group in groups for job in group if traces[job.key] is None}.values())
        self.counts["stored"] += sum(trace is not None for trace in traces.values())
        self.counts["computed"] += len(pending)
        errors = []
        for job, outcome in self.execute(pending):
            if outcome.ok:
                traces[job.key] = outcome.value
            else:
                errors.append(f"{job.describe()}:\n{outcome.error}")
        if errors:
            raise TaskError(f"{len(errors)} of {len(pending)} runs failed; first: {errors[0]}")
        for trace in traces.values():
            meta = trace.meta
            git = meta.get("git") or {}
            self.sources[(meta.get("experiment"), git.get("sha"), git.get("dirty"), meta.get("code_fingerprint"))] += 1
        return [[traces[job.key] for job in group] for group in groups]

    def lookup(self, job: Job) -> Trace | None:
        """The stored (or already computed) trace of ``job``, if any."""
        if job.key in self._memory:
            return self._memory[job.key]
        if self.reuse and self.store is not None:
            trace = self.store.load(job.experiment.name, job.key, job.request)
            if trace is not None:
                self._memory[job.key] = trace
                return trace
        return None

    #: Seconds between looks at the store while waiting for runs in progress elsewhere.
    POLL_S = 0.25

    def execute(self, jobs: Sequence[Job]) -> Iterator[tuple[Job, parallel.Outcome]]:
        """Run ``jobs`` on the executor, storing each result (or its failure) as it arrives.

        With a store, each run is leased first (``<key>.lease``): a run that another process is
        computing on the same store is not started again; its result is awaited and yielded
        (``Outcome.elsewhere``), and if that process dies the run is taken over.
        """
        if not jobs:
            return
        mine, theirs = self._lease(jobs)
        yield from self._run(mine)
        while theirs:
            time.sleep(self.POLL_S)
            waiting, takeover = [], []
            for job in theirs:
                trace = self.store.load(job.experiment.name, job.key, job.request)
                failure = None if trace is not None else self.store.load_failure(job.experiment.name, job.key)
                if trace is not None:
                    self._memory[job.key] = trace
                    yield job, parallel.Outcome(trace, elsewhere=True)
                elif failure is not None and not self.store.leased(job.experiment.name, job.key):
                    yield job, parallel.Outcome(error=str(failure.get("error")), elsewhere=True)
                elif self.store.leased(job.experiment.name, job.key):
                    waiting.append(job)
                else:
                    takeover.append(job)
            mine, again = self._lease(takeover)
            theirs = waiting + again
            yield from self._run(mine)

    def _lease(self, jobs: Sequence[Job]) -> tuple[list[Job], list[Job]]:
        if self.store is None:
            return list(jobs), []
        mine, theirs = [], []
        for job in jobs:
            (mine if self.store.acquire_lease(job.experiment.name, job.key) else theirs).append(job)
        return mine, theirs

    def _run(self, jobs: Sequence[Job]) -> Iterator[tuple[Job, parallel.Outcome]]:
        if not jobs:
            return
        tasks = [(job.experiment.name, job.experiment.module, job.config, job.seed) for job in jobs]
        label = jobs[0].experiment.name
        try:
            with tqdm(total=len(tasks), desc=label, disable=not self.progress, file=sys.stderr, leave=False) as bar:
                for index, outcome in self.executor.imap(run_task, tasks):
                    job = jobs[index]
                    if self.store is not None:
                        if outcome.ok:
                            self.store.save(job.experiment.name, job.key, outcome.value, job.request)
                        else:
                            self.store.save_failure(job.experiment.name, job.key, outcome.error,
                                                    {"config": dataclasses.asdict(job.config), "seed": job.seed})
                        self.store.release_lease(job.experiment.name, job.key)
                    if outcome.ok:
                        self._memory[job.key] = outcome.value
                    bar.update()
                    yield job, outcome
        finally:
            if self.store is not None:
                for job in jobs:
                    self.store.release_lease(job.experiment.name, job.key)

    def close(self) -> None:
        """Shut the executor's workers down."""
        if self._executor is not None:
            self._executor.close()
            self._executor = None

    def __enter__(self) -> "Context":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
