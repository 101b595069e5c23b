"""Results out of the store: stored traces for a request, tidy tables, and what the store holds.

Nothing here computes: a run that is not stored is reported as missing (run ``theorylab sweep`` or
``theorylab run`` first).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Sequence

from theorylab.context import Context
from theorylab.errors import TheorylabError
from theorylab.store import Store
from theorylab.trace import Trace


class MissingResults(TheorylabError):
    """Some requested runs are not in the store."""


def load(experiment: str, seeds: int | Sequence[int] | None = None, *, profile: str = "quick",
         results: str | None = None, seed_start: int = 0, **overrides: Any) -> list[Trace]:
    """The stored traces of ``experiment`` (profile config with ``overrides``), one per seed; never computes.

    Raises
    ------
    MissingResults
        Naming the seeds (and config) that are not stored.

    Examples
    --------
    >>> import theorylab
    >>> traces = theorylab.load("sensing_asym_gd", seeds=3, alpha=0.2)  # doctest: +SKIP
    """
    with Context(profile, store=Store(results), workers=1, seed_start=seed_start) as ctx:
        jobs = ctx.jobs(experiment, seeds, **overrides)
        traces = [ctx.lookup(job) for job in jobs]
    missing = [job.seed for job, trace in zip(jobs, traces) if trace is None]
    if missing:
        raise MissingResults(f"{len(missing)} of {len(jobs)} runs of {experiment} are not stored "
                             f"(seeds {missing}; config {jobs[0].config}); compute them with "
                             f"theorylab sweep/run first")
    return traces


def tidy_rows(experiment: str, traces_by_config: Sequence[tuple[dict, list[Trace]]]) -> list[dict]:
    """One row per (config, seed, t): ``experiment``, the config fields, ``seed``, ``t``, every metric
    at t, and every numeric scalar of the run (repeated on each of its rows)."""
    rows = []
    for config, traces in traces_by_config:
        for trace in traces:
            seed = trace.meta.get("seed")
            scalars = {f"scalar:{k}": v for k, v in trace.scalars.items() if isinstance(v, (int, float, bool))}
            for i, t in enumerate(trace.t.tolist()):
                row = {"experiment": experiment, **config, "seed": seed, "t": t,
                       **{name: float(values[i]) for name, values in trace.metrics.items()}, **scalars}
                rows.append(row)
    return rows


def write_table(rows: list[dict], fmt: str, out=None) -> str | None:
    """Write ``rows`` as ``csv``, ``json`` (records) or ``parquet`` (needs pyarrow); returns text for csv/json."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _cell(row.get(k)) for k in columns} for row in rows)
        return buffer.getvalue()
    if fmt == "json":
        return json.dumps(rows, default=str, allow_nan=True)
    if fmt == "parquet":
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise TheorylabError("--format parquet needs pyarrow: pip install pyarrow") from None
        if out is None:
            raise TheorylabError("--format parquet needs --out FILE")
        pq.write_table(pa.Table.from_pylist(rows), out)
        return None
    raise TheorylabError(f"unknown format {fmt!r}: csv, json or parquet")


def _cell(value):
    return json.dumps(value) if isinstance(value, (list, tuple, dict)) else value


def store_contents(results: str | None = None) -> list[dict]:
    """Per experiment folder of the store: how many results, failures and leases it holds."""
    store = Store(results)
    out = []
    if not store.root.is_dir():
        return out
    for folder in sorted(p for p in store.root.iterdir() if p.is_dir()):
        jsons = [p for p in folder.glob("*.json") if not p.name.endswith(".error.json")]
        out.append({"experiment": folder.name, "results": len(jsons),
                    "failures": len(list(folder.glob("*.error.json"))), "leases": len(list(folder.glob("*.lease")))})
    return out
