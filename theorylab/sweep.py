"""Sweeps: one experiment over the product of parameter grids and seeds, resumable.

Every finished run is stored atomically as soon as it arrives, so a sweep that is killed loses only
the runs in flight; rerunning the same command skips what is stored. A run that raises is recorded
(``<key>.error.json``) and does not stop the sweep; it is skipped by later reruns unless
``retry_failed`` is set. A run that diverges is a result like any other (stored, with
``diverged=True``) and is listed in the summary.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Sequence

from theorylab.context import Context, Job


@dataclass
class SweepPlan:
    """What a sweep would do: jobs already stored, previously failed, and still to run."""

    jobs: list[Job]
    stored: list[Job] = field(default_factory=list)
    failed: list[Job] = field(default_factory=list)
    pending: list[Job] = field(default_factory=list)


@dataclass
class SweepSummary:
    """What a sweep did."""

    total: int
    reused: int = 0
    computed: int = 0
    elsewhere: int = 0
    diverged: list[Job] = field(default_factory=list)
    failed: list[tuple[Job, str]] = field(default_factory=list)
    skipped_failed: list[Job] = field(default_factory=list)

    def lines(self) -> list[str]:
        by_other = f", {self.elsewhere} computed by another process on this store" if self.elsewhere else ""
        out = [f"{self.total} runs: {self.reused} reused from the store, {self.computed} computed{by_other}, "
               f"{len(self.failed)} failed, {len(self.diverged)} diverged"]
        out += [f"  FAILED {job.describe()}: {error.splitlines()[0]}" for job, error in self.failed]
        out += [f"  DIVERGED {job.describe()}" for job in self.diverged]
        if self.skipped_failed:
            out.append(f"  {len(self.skipped_failed)} runs failed before and were skipped; rerun them with --retry-failed")
        return out


def grid_overrides(grid: dict[str, Sequence[Any]], fixed: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The product of ``grid`` (key -> values) as a list of override dicts, each with ``fixed`` added."""
    keys = list(grid)
    return [{**(fixed or {}), **dict(zip(keys, values))} for values in itertools.product(*(grid[k] for k in keys))]


def plan(ctx: Context, experiment: str, grid: dict[str, Sequence[Any]], seeds: int | Sequence[int] | None = None,
         fixed: dict[str, Any] | None = None, *, retry_failed: bool = False) -> SweepPlan:
    """Validate every grid point and sort the jobs into stored / failed / pending."""
    jobs = [job for overrides in grid_overrides(grid, fixed) for job in ctx.jobs(experiment, seeds, **overrides)]
    result = SweepPlan(jobs)
    for job in jobs:
        if ctx.lookup(job) is not None:
            result.stored.append(job)
        elif ctx.store is not None and ctx.store.load_failure(job.experiment.name, job.key) is not None:
            result.failed.append(job)
            if retry_failed:
                result.pending.append(job)
        else:
            result.pending.append(job)
    return result


def run(ctx: Context, sweep_plan: SweepPlan) -> SweepSummary:
    """Run the pending jobs of ``sweep_plan``; failures are recorded, never raised."""
    summary = SweepSummary(total=len(sweep_plan.jobs), reused=len(sweep_plan.stored))
    summary.skipped_failed = [job for job in sweep_plan.failed if job not in sweep_plan.pending]
    for job in sweep_plan.stored:
        if ctx.lookup(job).diverged:
            summary.diverged.append(job)
    for job, outcome in ctx.execute(sweep_plan.pending):
        if outcome.ok:
            if outcome.elsewhere:
                summary.elsewhere += 1
            else:
                summary.computed += 1
            if outcome.value.diverged:
                summary.diverged.append(job)
        else:
            summary.failed.append((job, outcome.error))
    return summary
