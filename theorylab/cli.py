"""The ``theorylab`` command: list, run, sweep, check, figures, report."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

import theorylab
from theorylab.errors import TheorylabError

FIGURES_DIR = Path("figures")


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", choices=("quick", "paper"), default="quick",
                        help="which table of the experiment TOML files to use (default: quick)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: cores)")
    parser.add_argument("--backend", choices=("serial", "processes", "dask"), default="processes",
                        help="where runs execute (default: local spawned processes)")
    parser.add_argument("--address", default=None,
                        help="Dask scheduler address, e.g. tcp://host:8786 (implies --backend dask; "
                             "without it, --backend dask starts a LocalCluster)")
    parser.add_argument("--fresh", action="store_true", help="recompute instead of reusing stored results")
    parser.add_argument("--results", default=None, help="results folder (default: $THEORYLAB_RESULTS or results/)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="theorylab", description=theorylab.__doc__.split("\n")[0])
    parser.add_argument("--version", action="version", version=f"theorylab {theorylab.__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("list", help="papers, claims and experiments")

    run = commands.add_parser("run", help="run one experiment over seeds and summarize its final metrics")
    run.add_argument("experiment")
    run.add_argument("--set", dest="assignments", action="append", default=[], metavar="KEY=VALUE",
                     help="override a config field (repeatable)")
    run.add_argument("--seeds", type=int, default=None, help="number of seeds (default: the profile's)")
    _add_common(run)

    sweep = commands.add_parser("sweep", help="run an experiment over a parameter grid and seeds (resumable)")
    sweep.add_argument("experiment")
    sweep.add_argument("--grid", action="append", default=[], metavar="KEY=V1,V2,...",
                       help="a swept parameter and its values (repeatable: the product is run)")
    sweep.add_argument("--set", dest="assignments", action="append", default=[], metavar="KEY=VALUE",
                       help="a fixed override for every run (repeatable)")
    sweep.add_argument("--seeds", type=int, default=None, help="seeds per grid point (default: the profile's)")
    sweep.add_argument("--dry-run", action="store_true", help="list what would run and what is stored; run nothing")
    sweep.add_argument("--retry-failed", action="store_true", help="rerun the runs that raised in an earlier sweep")
    _add_common(sweep)

    check = commands.add_parser("check", help="measure claims and print verdicts (exit 1 if any fails)")
    check.add_argument("targets", nargs="*", metavar="PAPER[:CLAIM]")
    check.add_argument("--json", action="store_true", help="print one JSON array of verdicts")
    _add_common(check)

    report = commands.add_parser("report", help="check claims and write a static HTML report")
    report.add_argument("targets", nargs="*", metavar="PAPER[:CLAIM]")
    report.add_argument("--out", default="report", help="output folder (default: report/)")
    report.add_argument("--figures-dir", default=str(FIGURES_DIR), help="where the figures are (default: figures/)")
    _add_common(report)

    figures = commands.add_parser("figures", help="regenerate figures into figures/PAPER/")
    figures.add_argument("papers", nargs="*", metavar="PAPER")
    figures.add_argument("--out", default=str(FIGURES_DIR), help="root folder (default: figures/)")
    _add_common(figures)
    return parser


def _context(args) -> theorylab.Context:
    from theorylab.parallel import make_executor
    from theorylab.store import Store

    executor = make_executor(args.backend, workers=args.workers, address=args.address)
    return theorylab.Context(args.profile, store=Store(args.results), reuse=not args.fresh, workers=args.workers,
                             progress=not args.quiet and sys.stderr.isatty(), executor=executor)


def _parse_grid(texts: list[str]) -> dict:
    from theorylab.config import parse_assignment
    from theorylab.errors import ConfigError

    grid = {}
    for text in texts:
        key, sep, raw = text.partition("=")
        if not sep or not key.strip() or not raw.strip():
            raise ConfigError("--grid", "KEY=V1,V2,...", text)
        grid[key.strip()] = [parse_assignment(f"{key}={value}")[1] for value in raw.split(",")]
    return grid


def cmd_sweep(args) -> int:
    from theorylab import sweep
    from theorylab.config import parse_assignment
    from theorylab.registry import get_experiment

    get_experiment(args.experiment)
    grid = _parse_grid(args.grid)
    fixed = dict(parse_assignment(text) for text in args.assignments)
    with _context(args) as ctx:
        todo = sweep.plan(ctx, args.experiment, grid, args.seeds, fixed, retry_failed=args.retry_failed)
        if args.dry_run:
            stored, pending = {j.key for j in todo.stored}, {j.key for j in todo.pending}
            for job in todo.jobs:
                status = "stored" if job.key in stored else ("to run" if job.key in pending else "failed, skipped")
                print(f"{status:<16} {job.describe()}")
            print(f"{len(todo.jobs)} runs: {len(todo.stored)} stored, {len(todo.pending)} to run, "
                  f"{len(todo.failed)} failed before")
            return 0
        summary = sweep.run(ctx, todo)
    print("\n".join(summary.lines()))
    return 1 if summary.failed or summary.skipped_failed else 0


def cmd_list(args) -> int:
    from theorylab.registry import experiments
    from theorylab.verify import paper_claims, papers

    for slug, paper in papers().items():
        print(f"{slug}: {paper.title}")
        print(f"  {paper.citation}")
        for claim in paper_claims(slug):
            print(f"  {claim.id:<4} {claim.statement}")
    print("\nexperiments:")
    for name, exp in sorted(experiments().items()):
        print(f"  {name:<28} [{exp.paper}] {exp.description}")
    return 0


def cmd_run(args) -> int:
    import numpy as np

    from theorylab.config import parse_assignment
    from theorylab.registry import get_experiment

    get_experiment(args.experiment)
    overrides = dict(parse_assignment(text) for text in args.assignments)
    with _context(args) as ctx:
        config = ctx.config(args.experiment, **overrides)
        traces = ctx.runs(args.experiment, seeds=args.seeds, **overrides)
    print(f"{args.experiment} ({args.profile}): {config}")
    for seed, trace in enumerate(traces):
        status = f"DIVERGED at t={trace.diverged_at}" if trace.diverged else "ok"
        finals = ", ".join(f"{k}={v[-1]:.4g}" for k, v in trace.metrics.items() if len(v))
        scalars = ", ".join(f"{k}={v:.4g}" for k, v in trace.scalars.items() if isinstance(v, (int, float)))
        print(f"  seed {seed}: {status}; t_end={trace.t[-1] if len(trace) else '-'}; {finals}"
              + (f"; {scalars}" if scalars else ""))
    diverged = sum(t.diverged for t in traces)
    if diverged:
        print(f"{diverged} of {len(traces)} runs diverged", file=sys.stderr)
    return 1 if diverged else 0


def _format_table(verdicts) -> str:
    rows = []
    for v in verdicts:
        est = v.primary
        estimate = str(est) if est is not None else "-"
        predicted = "; ".join(r.law.describe() for r in v.predicted) or "-"
        rejected = sum(not r.agrees for r in v.controls)
        status = "agrees" if v.passed else ("ERROR" if v.error else "DISAGREES")
        rows.append((v.claim.name, v.claim.statement, estimate, predicted,
                     f"{rejected}/{len(v.controls)}", status, f"{v.seconds:.1f}s"))
    lines = []
    for name, statement, estimate, predicted, controls, status, seconds in rows:
        lines.append(f"{status:<9} {name}  ({seconds})")
        lines.append(textwrap.indent(textwrap.fill(statement, 96), "    "))
        lines.append(f"    estimate {estimate}")
        lines.append(f"    predicted {predicted}; controls rejected {controls}")
    failed = [r for r in rows if r[5] != "agrees"]
    lines.append(f"\n{len(rows) - len(failed)} of {len(rows)} claims agree"
                 + (f"; failing: {', '.join(r[0] for r in failed)}" if failed else ""))
    return "\n".join(lines)


def cmd_check(args) -> int:
    with _context(args) as ctx:
        verdicts = theorylab.check(args.targets, profile=args.profile, context=ctx, progress=ctx.progress)
    if args.json:
        print(json.dumps([v.to_dict() for v in verdicts], indent=1, default=str))
    else:
        print(_format_table(verdicts))
        for v in verdicts:
            if v.error:
                print(f"\n{v.claim.name} raised:\n{v.error}", file=sys.stderr)
    return 0 if all(v.passed for v in verdicts) else 1


def cmd_report(args) -> int:
    from theorylab.report import papers_of, write_report
    from theorylab.verify import papers

    with _context(args) as ctx:
        verdicts = theorylab.check(args.targets, profile=args.profile, context=ctx, progress=ctx.progress)
    path = write_report(verdicts, papers(papers_of(verdicts)), args.out, args.figures_dir, profile=args.profile)
    print(f"{path}: {sum(v.passed for v in verdicts)} of {len(verdicts)} claims agree")
    return 0 if all(v.passed for v in verdicts) else 1


def cmd_figures(args) -> int:
    from theorylab.verify import papers

    known = papers(args.papers or None)
    chosen = list(known)
    with _context(args) as ctx:
        for slug in chosen:
            paper = known[slug]
            if paper.figures is None:
                print(f"{slug}: no figures defined")
                continue
            for path in paper.figures(ctx, Path(args.out) / slug):
                print(path)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = {"list": cmd_list, "run": cmd_run, "sweep": cmd_sweep, "check": cmd_check,
               "report": cmd_report, "figures": cmd_figures}[args.command]
    try:
        return handler(args)
    except TheorylabError as exc:
        print(f"theorylab: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("theorylab: interrupted; finished runs are stored", file=sys.stderr)
        return 130
