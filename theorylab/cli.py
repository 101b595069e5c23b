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
    parser.add_argument("--papers", dest="papers_dir", default=None, metavar="DIR",
                        help="a folder of your own paper modules (adds to $THEORYLAB_PAPERS)")
    parser.add_argument("--seed-start", type=int, default=0, metavar="S",
                        help="first seed index (default 0): seeds are S, S+1, ... (rerun claims on fresh seeds)")


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error (the usage is one ``--help`` away)."""

    def error(self, message: str):
        self.exit(2, f"theorylab: error: {message} (see: {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="theorylab", description=theorylab.__doc__.split("\n")[0])
    parser.add_argument("--version", action="version", version=f"theorylab {theorylab.__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    listing = commands.add_parser("list", help="papers, claims and experiments")
    listing.add_argument("papers", nargs="*", metavar="PAPER", help="only these papers")
    listing.add_argument("--json", action="store_true", help="print papers, claims and experiments as JSON")
    listing.add_argument("--papers", dest="papers_dir", default=None, metavar="DIR",
                         help="a folder of your own paper modules (adds to $THEORYLAB_PAPERS)")

    new = commands.add_parser("new", help="write a working one-file paper skeleton and its test")
    new.add_argument("slug", metavar="SLUG")
    new.add_argument("--dir", default=".", help="folder to write into (default: the current folder)")

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

    check = commands.add_parser("check", help="measure claims and print verdicts (exit 0 only if every claim agrees)")
    check.add_argument("targets", nargs="*", metavar="PAPER[:CLAIM]")
    check.add_argument("--json", action="store_true", help="print one JSON array of verdicts")
    check.add_argument("--seeds", type=int, default=None,
                       help="seeds per experiment where a claim takes the profile's count (default: the profile's)")
    _add_common(check)

    mutate = commands.add_parser("mutate", help="run each paper's claims against its mutants (deliberately wrong "
                                                 "simulators) and print the kill matrix (exit 1 if a mutant survives)")
    mutate.add_argument("papers", nargs="*", metavar="PAPER")
    mutate.add_argument("--json", action="store_true", help="print one JSON array, one kill matrix per paper")
    _add_common(mutate)

    explore = commands.add_parser("explore", help="search each claim's declared domain for a configuration where "
                                                   "it fails; shrink and store the first one (exit 1 if found)")
    explore.add_argument("targets", nargs="+", metavar="PAPER[:CLAIM]")
    explore.add_argument("--examples", type=int, default=10, help="configurations drawn per claim (default 10)")
    explore.add_argument("--seed", type=int, default=0, help="seed of the search (default 0)")
    explore.add_argument("--shrink-budget", type=int, default=20,
                         help="extra evaluations spent shrinking a counterexample (default 20)")
    explore.add_argument("--replay", action="store_true", help="rerun the stored counterexamples of the claims")
    explore.add_argument("--at", action="append", default=[], metavar="KEY=VALUE",
                         help="measure at this one configuration instead of searching (repeatable)")
    explore.add_argument("--json", action="store_true", help="print one JSON array, one exploration per claim")
    _add_common(explore)

    results = commands.add_parser("results", help="write stored runs as a tidy table (never computes)")
    results.add_argument("experiment", nargs="?", help="the experiment (omit with --list)")
    results.add_argument("--grid", action="append", default=[], metavar="KEY=V1,V2,...",
                         help="the swept parameters of the sweep to export (repeatable)")
    results.add_argument("--set", dest="assignments", action="append", default=[], metavar="KEY=VALUE",
                         help="a fixed override of the sweep (repeatable)")
    results.add_argument("--seeds", type=int, default=None, help="seeds per grid point (default: the profile's)")
    results.add_argument("--format", choices=("csv", "json", "parquet"), default="csv")
    results.add_argument("--out", default=None, help="write to this file (default: standard output)")
    results.add_argument("--list", action="store_true", help="show what the store holds")
    _add_common(results)

    report = commands.add_parser("report", help="check claims and write a static HTML report")
    report.add_argument("targets", nargs="*", metavar="PAPER[:CLAIM]")
    report.add_argument("--out", default="report", help="output folder (default: report/)")
    report.add_argument("--figures-dir", default=str(FIGURES_DIR), help="where the figures are (default: figures/)")
    report.add_argument("--mutants", action="store_true", help="also run each paper's mutants and show the kill matrices")
    _add_common(report)

    figures = commands.add_parser("figures", help="regenerate figures into figures/PAPER/")
    figures.add_argument("papers", nargs="*", metavar="PAPER")
    figures.add_argument("--out", default=str(FIGURES_DIR), help="root folder (default: figures/)")
    _add_common(figures)
    return parser


def writable_folder(path: str | Path, field: str) -> Path:
    """``path`` as a folder that exists or can be created and written, else ConfigError naming ``field``."""
    import os

    from theorylab.errors import ConfigError

    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ConfigError(field, "a folder (this is a file)", str(path))
    probe = path
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise ConfigError(field, f"a writable folder ({probe} is not writable)", str(path))
    return path


def check_common(args) -> None:
    """Validate the options every command shares, before any work starts."""
    import os

    from theorylab.errors import ConfigError
    from theorylab.parallel import check_workers, default_workers

    if getattr(args, "workers", None) is not None:
        args.workers = check_workers(args.workers)
    else:
        default_workers()  # a bad THEORYLAB_WORKERS fails here, naming the variable
    if getattr(args, "seeds", None) is not None and args.seeds < 1:
        raise ConfigError("--seeds", "an integer >= 1", args.seeds)
    if hasattr(args, "results"):
        if args.results is not None:
            writable_folder(args.results, "--results")
        elif os.environ.get("THEORYLAB_RESULTS"):
            writable_folder(os.environ["THEORYLAB_RESULTS"], "THEORYLAB_RESULTS")
        else:
            writable_folder("results", "--results")
    if getattr(args, "out", None) is not None:
        if args.command == "results":  # a file
            if Path(args.out).is_dir():
                raise ConfigError("--out", "a file to write (this is a folder)", args.out)
            writable_folder(Path(args.out).resolve().parent, "--out")
        else:
            writable_folder(args.out, "--out")
    if getattr(args, "address", None):
        from theorylab.parallel import check_dask_address

        check_dask_address(args.address)
    if getattr(args, "seed_start", 0) < 0:
        raise ConfigError("--seed-start", "an integer >= 0", args.seed_start)


def _context(args) -> theorylab.Context:
    from theorylab.parallel import make_executor
    from theorylab.store import Store

    executor = make_executor(args.backend, workers=args.workers, address=args.address)
    seeds = args.seeds if args.command == "check" else None
    return theorylab.Context(args.profile, store=Store(args.results), reuse=not args.fresh, workers=args.workers,
                             progress=not args.quiet and sys.stderr.isatty(), executor=executor,
                             seed_start=args.seed_start, seed_count=seeds)


def _parse_grid(texts: list[str], fixed: dict | None = None) -> dict:
    """``--grid KEY=V1,V2`` options as ``{key: values}``.

    A key given twice, a value repeated within a key, or a key also fixed by ``--set`` is an
    error (each would silently run something other than what was asked).
    """
    from theorylab.config import parse_assignment
    from theorylab.errors import ConfigError

    grid = {}
    for text in texts:
        key, sep, raw = text.partition("=")
        key = key.strip()
        if not sep or not key or not raw.strip():
            raise ConfigError("--grid", "KEY=V1,V2,...", text)
        if key in grid:
            raise ConfigError(f"--grid {key}", "each key once (give all its values in one --grid)", text)
        if fixed and key in fixed:
            raise ConfigError(f"--grid {key}", "a key that --set does not also fix", text)
        values = [parse_assignment(f"{key}={value}")[1] for value in raw.split(",")]
        repeated = sorted({repr(v) for v in values if values.count(v) > 1})
        if repeated:
            raise ConfigError(f"--grid {key}", f"distinct values (repeated: {', '.join(repeated)})", text)
        grid[key] = values
    return grid


def _parse_assignments(texts: list[str]) -> dict:
    """``--set KEY=VALUE`` options as a dict; a key given twice is an error."""
    from theorylab.config import parse_assignment
    from theorylab.errors import ConfigError

    fixed = {}
    for text in texts:
        key, value = parse_assignment(text)
        if key in fixed:
            raise ConfigError(f"--set {key}", "each key once", text)
        fixed[key] = value
    return fixed


def cmd_sweep(args) -> int:
    from theorylab import sweep
    from theorylab.registry import get_experiment

    get_experiment(args.experiment)
    fixed = _parse_assignments(args.assignments)
    grid = _parse_grid(args.grid, fixed)
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
    return 1 if summary.failed or summary.skipped_failed or summary.diverged else 0


def paper_listing(slugs: list[str] | None) -> dict:
    """Papers (claims, rivals, domains, mutants) and experiments, as plain data."""
    from theorylab.registry import experiments, mutants
    from theorylab.verify import paper_claims, papers

    chosen = papers(slugs or None)
    listing = []
    for slug, paper in chosen.items():
        claims = paper_claims(slug)
        listing.append({"slug": slug, "title": paper.title, "citation": paper.citation, "url": paper.url,
                        "claims": [{"id": c.id, "statement": c.statement, "source": c.source,
                                    "rivals": [law.rival for law in c.rivals],
                                    "domain": c.domain.describe() if c.domain is not None else None} for c in claims],
                        "mutants": [{"name": m.name, "description": m.description} for m in mutants(slug)]})
    known = {name: exp for name, exp in sorted(experiments(load=not slugs).items()) if not slugs or exp.paper in chosen}
    return {"papers": listing, "experiments": [{"name": name, "paper": exp.paper, "description": exp.description}
                                               for name, exp in known.items()]}


def _listing_cache_path(slugs: list[str] | None) -> Path:
    """Where the listing of this code is cached: keyed on every paper and theorylab source file."""
    import hashlib
    import os

    from theorylab.registry import paper_folders

    digest = hashlib.sha256(repr(sorted(slugs or [])).encode())
    roots = [Path(theorylab.__file__).resolve().parent, Path(theorylab.__file__).resolve().parent.parent / "paper_checks",
             *paper_folders()]
    for root in roots:
        for path in sorted(root.rglob("*.py")) if root.is_dir() else []:
            stat = path.stat()
            digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    from importlib import metadata

    digest.update(repr(sorted(str(e) for e in metadata.entry_points(group="theorylab.papers"))).encode())
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "theorylab"
    return cache / f"list-{digest.hexdigest()[:20]}.json"


def cmd_list(args) -> int:
    cache = _listing_cache_path(args.papers)
    try:
        data = json.loads(cache.read_text())
    except (OSError, ValueError):
        data = paper_listing(args.papers)  # imports the paper modules: seconds, hence the cache
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(json.dumps(data))
        except OSError:
            pass
    if args.json:
        print(json.dumps(data, indent=1))
        return 0
    for entry in data["papers"]:
        print(f"{entry['slug']}: {entry['title']}")
        print(f"  {entry['citation']}")
        for claim in entry["claims"]:
            print(f"  {claim['id']:<4} {claim['statement']}")
        if entry["mutants"]:
            print(f"  mutants: {', '.join(m['name'].partition('~')[2] for m in entry['mutants'])}")
    print("\nexperiments:")
    for exp in data["experiments"]:
        print(f"  {exp['name']:<28} [{exp['paper']}] {exp['description']}")
    return 0


def cmd_new(args) -> int:
    from theorylab.skeleton import write_skeleton

    for path in write_skeleton(args.slug, args.dir):
        print(path)
    folder = Path(args.dir).resolve()
    print(f"next: theorylab check {args.slug} --papers {folder}   (or: export THEORYLAB_PAPERS={folder})")
    return 0


def cmd_run(args) -> int:
    from theorylab.registry import get_experiment

    get_experiment(args.experiment)
    overrides = _parse_assignments(args.assignments)
    with _context(args) as ctx:
        config = ctx.config(args.experiment, **overrides)
        traces = ctx.runs(args.experiment, seeds=args.seeds, **overrides)
    print(f"{args.experiment} ({args.profile}): {config}")
    for seed, trace in zip(ctx.seeds(args.experiment, args.seeds), traces):
        status = f"DIVERGED at t={trace.diverged_at}" if trace.diverged else "ok"
        finals = ", ".join(f"{k}={v[-1]:.4g}" for k, v in trace.metrics.items() if len(v))
        scalars = ", ".join(f"{k}={v:.4g}" for k, v in trace.scalars.items() if isinstance(v, (int, float)))
        print(f"  seed {seed}: {status}; t_end={trace.t[-1] if len(trace) else '-'}; {finals}"
              + (f"; {scalars}" if scalars else ""))
    diverged = sum(t.diverged for t in traces)
    if diverged:
        print(f"{diverged} of {len(traces)} runs diverged", file=sys.stderr)
    return 1 if diverged else 0


def format_numbers(*values: float, digits: int = 4) -> list[str]:
    """Format ``values`` with the fewest significant digits (at least ``digits``, at most 12)
    that keep numerically different values apart (so 1.0000004 never prints as 1)."""
    for precision in range(digits, 13):
        texts = [f"{v:.{precision}g}" for v in values]
        if all(texts[i] != texts[j] or values[i] == values[j]
               for i in range(len(values)) for j in range(i + 1, len(values))):
            return texts
    return texts


def format_estimate(estimate) -> str:
    value, low, high = format_numbers(estimate.value, estimate.low, estimate.high)
    return f"{value} [{low}, {high}] ({estimate.seeds} seeds; {estimate.method})"


_STATE_LABEL = {"agrees": "agrees", "inconclusive": "INCONCLUSIVE", "disagrees": "DISAGREES", "error": "ERROR"}


def format_verdict(v) -> str:
    """One claim's verdict as text: state, every estimate a law reads, every law with its band and state."""
    runs = ""
    if v.runs:
        runs = f"; {v.runs.get('computed', 0)} runs computed, {v.runs.get('stored', 0)} reused"
    lines = [f"{_STATE_LABEL[v.state]:<12} {v.claim.name}  ({v.seconds:.1f}s{runs})",
             textwrap.indent(textwrap.fill(v.claim.statement, 96), "    ")]
    if v.claim.against_paper:
        lines.append(textwrap.indent(textwrap.fill(f"AGAINST THE PAPER, which says: {v.claim.against_paper}", 96), "    "))
    if v.error:
        lines.append(f"    error: {v.error.splitlines()[0]}")
        return "\n".join(lines)
    read = list(dict.fromkeys(r.law.on or next(iter(v.estimates)) for r in [*v.predicted, *v.controls]))
    for name in read:
        lines.append(f"    {name} = {format_estimate(v.estimates[name])}")
    for label, results in (("predicted", v.predicted), ("control", v.controls)):
        for r in results:
            on = f" [{r.law.on}]" if r.law.on else ""
            if label == "control":
                state = "rejected" if r.rejected else f"NOT rejected ({r.state})"
            else:
                state = r.state
            kind = "rival" if r.law.rival else label
            extra = ""
            if r.law.rival:
                sep = r.separation
                extra = f"; separation {sep:.3g}{'' if sep >= 1 else ' (< 1: flagged)'}; source: {r.law.rival}"
            lines.append(f"    {kind:<9} {r.law.describe()}{on}: {state}{extra}")
    return "\n".join(lines)


def format_summary(verdicts) -> str:
    counts = {state: sum(v.state == state for v in verdicts) for state in _STATE_LABEL}
    failing = [v.claim.name for v in verdicts if v.state != "agrees"]
    text = f"{counts['agrees']} of {len(verdicts)} claims agree"
    others = ", ".join(f"{n} {state}" for state, n in counts.items() if n and state != "agrees")
    weak = [v.claim.name for v in verdicts if v.state == "agrees" and not v.separation >= 1]
    against = [v.claim.name for v in verdicts if v.claim.against_paper]
    return (text + (f" ({others}); not agreeing: {', '.join(failing)}" if failing else "")
            + (f"\nseparation from the nearest rival < 1: {', '.join(weak)}" if weak else "")
            + (f"\nfindings against the paper (the paper's statement is the rejected rival): {', '.join(against)}"
               if against else ""))


def cmd_check(args) -> int:
    def show(verdict) -> None:
        if not args.json:
            print(format_verdict(verdict), flush=True)

    with _context(args) as ctx:
        verdicts = theorylab.check(args.targets, profile=args.profile, context=ctx, progress=ctx.progress,
                                   on_verdict=show)
    if args.json:
        import datetime

        from theorylab.provenance import git_state

        git = git_state()
        stamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        context = {"profile": args.profile, "commit": git.get("sha"), "dirty": git.get("dirty"), "timestamp": stamp,
                   "seed_start": args.seed_start}
        print(json.dumps([{**v.to_dict(), **context} for v in verdicts], indent=1, default=str))
    else:
        print("\n" + format_summary(verdicts))
        for v in verdicts:
            if v.error:
                print(f"\n{v.claim.name} raised:\n{v.error}", file=sys.stderr)
    return 0 if all(v.passed for v in verdicts) else 1


def _run_mutants(args, slugs: list[str], show=None) -> list:
    from theorylab.mutate import mutate
    from theorylab.parallel import make_executor
    from theorylab.store import Store

    executor = make_executor(args.backend, workers=args.workers, address=args.address)
    store = Store(args.results)
    progress = not args.quiet and sys.stderr.isatty()

    def make_context(mutants: dict) -> theorylab.Context:
        return theorylab.Context(args.profile, store=store, reuse=not args.fresh, workers=args.workers,
                                 progress=progress, executor=executor, mutants=mutants, seed_start=args.seed_start)

    try:
        return mutate(slugs, make_context, on_result=show)
    finally:
        executor.close()


def cmd_mutate(args) -> int:
    from theorylab.errors import UnknownNameError
    from theorylab.mutate import LEGEND
    from theorylab.registry import paper_slugs

    slugs = args.papers or paper_slugs()
    for slug in slugs:
        if slug not in paper_slugs():
            raise UnknownNameError("paper", slug, paper_slugs())

    def show(slug, result) -> None:
        if not args.json:
            status = f"killed by {', '.join(result.killed_by)}" if result.killed else "SURVIVED every claim"
            print(f"{slug}~{result.name}: {status}", flush=True)

    reports = _run_mutants(args, slugs, show)
    if args.json:
        print(json.dumps([r.to_dict() for r in reports], indent=1))
    else:
        for report in reports:
            print("\n" + report.table())
            if not report.results:
                print(f"{report.paper}: no mutants registered")
        print("\n" + LEGEND)
    baseline_bad = [f"{r.paper}:{c}" for r in reports for c, s in r.baseline.items() if s != "agrees"]
    if baseline_bad:
        print(f"note: on the real simulators these claims do not agree, so their kills mean little: "
              f"{', '.join(baseline_bad)}", file=sys.stderr)
    return 1 if any(r.survivors or not r.results for r in reports) else 0


def cmd_explore(args) -> int:
    import dataclasses

    from theorylab.claims import evaluate
    from theorylab.domains import (explore, load_counterexamples, replay_command, save_counterexample,
                                   save_exploration)
    from theorylab.errors import ConfigError
    from theorylab.parallel import make_executor
    from theorylab.store import Store
    from theorylab.verify import select_claims

    if args.examples < 1:
        raise ConfigError("--examples", "an integer >= 1", args.examples)
    if args.shrink_budget < 0:
        raise ConfigError("--shrink-budget", "an integer >= 0", args.shrink_budget)
    at = _parse_assignments(args.at)
    claims = select_claims(args.targets)
    store = Store(args.results)
    executor = make_executor(args.backend, workers=args.workers, address=args.address)
    progress = not args.quiet and sys.stderr.isatty()
    out, failing = [], []

    def evaluate_at(claim, overrides):
        ctx = theorylab.Context(args.profile, store=store, reuse=not args.fresh, workers=args.workers,
                                progress=progress, executor=executor, seed_start=args.seed_start,
                                base_overrides={claim.domain.experiment: overrides})
        return evaluate(claim, ctx)

    def say(text):
        if not args.json:
            print(text, flush=True)

    try:
        for claim in claims:
            if claim.domain is None:
                say(f"{claim.name}: no domain declared (nothing to explore)")
                failing.append(claim.name)
                out.append({"claim": claim.name, "domain": None})
                continue
            base_ctx = theorylab.Context(args.profile, store=store, executor=executor)
            base = dataclasses.asdict(base_ctx.config(claim.domain.experiment))
            say(f"{claim.name}: domain {claim.domain.describe()}")
            if at or args.replay:
                records = [{"overrides": at}] if at else load_counterexamples(store.root, [claim.name])
                if not records:
                    say("  no stored counterexample")
                for record in records:
                    verdict = evaluate_at(claim, record["overrides"])
                    say(f"  {verdict.state:<12} at {record['overrides']}")
                    out.append({"claim": claim.name, "overrides": record["overrides"], "state": verdict.state})
                    if verdict.state != "agrees":
                        failing.append(claim.name)
                continue
            found = explore(claim, claim.domain, lambda ov, claim=claim: evaluate_at(claim, ov), base,
                            examples=args.examples, seed=args.seed, shrink_budget=args.shrink_budget,
                            on_point=lambda p: say(f"  {p.state:<12} at {p.overrides}"))
            counts = found.counts()
            say(f"  {len(found.points)} points: " + ", ".join(f"{n} {k}" for k, n in counts.items() if n))
            if found.counterexample is not None:
                path = save_counterexample(store.root, found, args.profile)
                cx = found.counterexample
                say(f"  COUNTEREXAMPLE ({cx.state}, shrunk in {found.evaluations - len(found.points)} evaluations): "
                    f"{cx.overrides}\n    {cx.summary}\n    replay: "
                    f"{replay_command(claim.name, cx.overrides, args.profile)}  (stored in {path})")
                failing.append(claim.name)
            save_exploration(store.root, found, args.profile, examples=args.examples, seed=args.seed)
            out.append(found.to_dict())
    finally:
        executor.close()
    if args.json:
        print(json.dumps(out, indent=1, default=str))
    return 1 if failing else 0


def cmd_results(args) -> int:
    from theorylab import results as results_module
    from theorylab.errors import ConfigError
    from theorylab.sweep import grid_overrides

    if args.list:
        for entry in results_module.store_contents(args.results):
            print(f"{entry['experiment']:<40} {entry['results']:>6} results  {entry['failures']:>4} failures"
                  + (f"  {entry['leases']} in progress" if entry["leases"] else ""))
        return 0
    if not args.experiment:
        raise ConfigError("EXPERIMENT", "an experiment name (or --list)")
    fixed = _parse_assignments(args.assignments)
    grid = _parse_grid(args.grid, fixed)
    pairs = []
    for overrides in grid_overrides(grid, fixed):
        traces = results_module.load(args.experiment, args.seeds, profile=args.profile, results=args.results,
                                     seed_start=args.seed_start, **overrides)
        pairs.append((overrides, traces))
    rows = results_module.tidy_rows(args.experiment, pairs)
    if args.format != "csv" and args.format != "json" and args.out is None:
        raise ConfigError("--out", "a file for --format parquet")
    text = results_module.write_table(rows, args.format, args.out)
    if text is not None:
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    if args.out:
        print(f"{args.out}: {len(rows)} rows", file=sys.stderr)
    return 0


def cmd_report(args) -> int:
    from theorylab.domains import load_explorations
    from theorylab.report import papers_of, write_report
    from theorylab.store import Store
    from theorylab.verify import papers

    with _context(args) as ctx:
        verdicts = theorylab.check(args.targets, profile=args.profile, context=ctx, progress=ctx.progress)
    slugs = papers_of(verdicts)
    mutation = {r.paper: r.to_dict() for r in _run_mutants(args, slugs)} if args.mutants else None
    path = write_report(verdicts, papers(slugs), args.out, args.figures_dir, profile=args.profile, mutation=mutation,
                        explorations=load_explorations(Store(args.results).root))
    print(f"{path}: {format_summary(verdicts)}")
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


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Store warnings as one line naming the file; numerical warnings of simulators are muted unless asked for."""
    from theorylab.store import StoreWarning

    if issubclass(category, StoreWarning):
        print(f"theorylab: warning: {message}", file=file or sys.stderr)
    elif sys.warnoptions:  # python -W ... or PYTHONWARNINGS: show everything as usual
        _DEFAULT_SHOWWARNING(message, category, filename, lineno, file, line)


import warnings as _warnings  # noqa: E402

_DEFAULT_SHOWWARNING = _warnings.showwarning


def main(argv: list[str] | None = None) -> int:
    import warnings

    warnings.showwarning = _show_warning
    import os

    args = build_parser().parse_args(argv)
    folder = getattr(args, "papers_dir", None)
    if folder:
        os.environ["THEORYLAB_PAPERS"] = os.pathsep.join(filter(None, [str(Path(folder).resolve()),
                                                                       os.environ.get("THEORYLAB_PAPERS")]))
    try:
        check_common(args)
        from theorylab.registry import paper_folders

        paper_folders()  # a bad THEORYLAB_PAPERS fails here, naming the variable
    except TheorylabError as exc:
        print(f"theorylab: error: {exc}", file=sys.stderr)
        return 2
    handler = {"list": cmd_list, "run": cmd_run, "sweep": cmd_sweep, "check": cmd_check, "mutate": cmd_mutate, "explore": cmd_explore, "new": cmd_new, "results": cmd_results,
               "report": cmd_report, "figures": cmd_figures}[args.command]
    try:
        return handler(args)
    except TheorylabError as exc:
        print(f"theorylab: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("theorylab: interrupted; finished runs are stored", file=sys.stderr)
        return 130
