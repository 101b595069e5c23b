"""Named experiments: a config dataclass and a simulator ``simulate(config, rng) -> Trace``."""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import pkgutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from theorylab.errors import UnknownNameError
from theorylab.provenance import provenance
from theorylab.trace import Trace, stop_at_divergence

Simulator = Callable[[Any, np.random.Generator], Trace]


@dataclass(frozen=True)
class Experiment:
    """A registered simulator.

    Attributes
    ----------
    name : str
        Registry name, also the TOML file name ``experiments/<name>.toml``.
    paper : str
        Slug of the paper it serves.
    config : type
        A frozen dataclass with a ``validate()`` method raising :class:`~theorylab.errors.ConfigError`.
    simulate : callable
        ``simulate(config, rng) -> Trace``: pure, all randomness from ``rng``.
    description : str
    version : int
        Bump it when the simulator's output changes, so stored results are not reused.
    """

    name: str
    paper: str
    config: type
    simulate: Simulator
    description: str = ""
    version: int = 1
    mutant_of: str | None = None
    profiles: dict | None = None
    registered_in: str | None = None

    def profile(self, profile: str) -> tuple[dict, int | None, str]:
        """This experiment's raw values and seed count in ``profile`` (module profiles or its TOML)."""
        from theorylab.config import load_profile

        base = self.mutant_of or self.name
        tables = self.profiles if self.mutant_of is None else _EXPERIMENTS[self.mutant_of].profiles
        return load_profile(base, profile, tables=tables, extra_dirs=paper_folders())

    @property
    def module(self) -> str:
        return self.simulate.__module__

    @property
    def fingerprint(self) -> str:
        """Hash of the code that produces this experiment's results (see :func:`code_fingerprint`)."""
        modules = [self.module]
        if self.mutant_of is not None:
            modules.append(_EXPERIMENTS[self.mutant_of].module)
        if self.registered_in:
            modules.append(self.registered_in)
        return code_fingerprint(*sorted(set(modules)))


MUTANT_SEPARATOR = "~"

_EXPERIMENTS: dict[str, Experiment] = {}
_MUTANTS: dict[str, dict[str, Experiment]] = {}


_FINGERPRINT_EXCLUDES = ("figures", "plotting", "mutants")


@functools.lru_cache(maxsize=None)
def code_fingerprint(*modules: str) -> str:
    """A hash of the source that produces results of ``modules``.

    Each module's own file counts; for a module of a theorylab domain package (``theorylab/sensing``
    ...) so does every other ``.py`` file of that package (kernels, problems, algorithms), except
    figure code and mutants (files whose name contains ``figures``, ``plotting`` or ``mutants``): editing a plot or adding a
    mutant does not invalidate runs. ``theorylab/trace.py`` counts too (divergence detection shapes
    every trace). Result keys include this hash, so a changed simulator is never served results of
    the old code.
    """
    package_root = Path(__file__).resolve().parent
    files: set[Path] = {package_root / "trace.py"}
    for name in modules:
        module = sys.modules.get(name) or importlib.import_module(name)
        path = Path(getattr(module, "__file__", "") or "").resolve()
        if not path.is_file():
            continue
        files.add(path)
        if path.parent != package_root and package_root in path.parents:
            files.update(p.resolve() for p in path.parent.glob("*.py")
                         if not any(word in p.stem for word in _FINGERPRINT_EXCLUDES))
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def experiment(name: str, *, paper: str, config: type, description: str = "", version: int = 1,
               profiles: dict | None = None):
    """Decorator registering ``simulate(config, rng) -> Trace`` as experiment ``name``.

    ``profiles`` (``{"quick": {"seeds": 3, "n": 20}, "paper": {...}}``) gives the profiles in the
    module; without it they come from ``experiments/<name>.toml`` (or a TOML beside a user paper).
    """

    def register(simulate: Simulator) -> Simulator:
        existing = _EXPERIMENTS.get(name)
        if existing is not None and existing.module != simulate.__module__:
            raise ValueError(f"experiment '{name}' is registered twice ({existing.module}, {simulate.__module__})")
        text = description or (simulate.__doc__ or "").strip().split("\n")[0]
        _EXPERIMENTS[name] = Experiment(name, paper, config, simulate, text, version, profiles=profiles)
        return simulate

    return register


def mutant(base: str, name: str, *, description: str = "", version: int = 1):
    """Decorator registering ``simulate(config, rng) -> Trace`` as mutant ``name`` of experiment ``base``.

    A mutant is a deliberately wrong simulator -- the paper's mechanism broken the way a buggy
    reimplementation would break it -- that takes the base experiment's config. ``theorylab
    mutate`` runs a paper's claims with the mutant in place of ``base``; the claims should fail
    (the mutant is *killed*). Mutants are stored under their own key (``base~name``) and are never
    used by ``check``. ``base`` must be registered first.
    """
    if MUTANT_SEPARATOR in name or not name:
        raise ValueError(f"mutant name must be non-empty and free of '{MUTANT_SEPARATOR}': {name!r}")

    registered_in = sys._getframe(1).f_globals.get("__name__")  # the mutants module, whatever simulate wraps

    def register(simulate: Simulator) -> Simulator:
        if base not in _EXPERIMENTS:
            raise ValueError(f"mutant '{name}' of unknown experiment '{base}' (register the experiment first)")
        exp = _EXPERIMENTS[base]
        text = description or (simulate.__doc__ or "").strip().split("\n")[0]
        _MUTANTS.setdefault(base, {})[name] = Experiment(f"{base}{MUTANT_SEPARATOR}{name}", exp.paper, exp.config,
                                                         simulate, text, version, mutant_of=base,
                                                         registered_in=registered_in)
        return simulate

    return register


def mutants(paper: str | None = None) -> list[Experiment]:
    """Registered mutants (of one paper's experiments, or of all), in registration order.

    Call after the paper's module has been loaded (:func:`load_paper`).
    """
    return [m for group in _MUTANTS.values() for m in group.values() if paper is None or m.paper == paper]


def get_mutant(base: str, name: str) -> Experiment:
    """The mutant ``name`` of experiment ``base``; the error lists that experiment's mutants."""
    get_experiment(base)
    try:
        return _MUTANTS[base][name]
    except KeyError:
        raise UnknownNameError(f"mutant of {base}", name, list(_MUTANTS.get(base, {}))) from None


def experiments(*, load: bool = True) -> dict[str, Experiment]:
    """All registered experiments (after :func:`load_papers`; only those registered so far with ``load=False``)."""
    if load:
        load_papers()
    return dict(_EXPERIMENTS)


def get_experiment(name: str) -> Experiment:
    """The experiment called ``name``; the error lists the known ones.

    Only when ``name`` is not registered yet are all paper modules imported to find it.
    """
    if name in _EXPERIMENTS:
        return _EXPERIMENTS[name]
    load_standalone_experiments()  # cheap, and needs no paper
    if name in _EXPERIMENTS:
        return _EXPERIMENTS[name]
    load_papers()
    try:
        return _EXPERIMENTS[name]
    except KeyError:
        raise UnknownNameError("experiment", name, list(_EXPERIMENTS)) from None


def seed_generator(seed: int) -> np.random.Generator:
    """The Generator of seed index ``seed``.

    It depends on the seed index only -- not on the config -- on purpose: runs that differ in one
    parameter (alpha, a noise level) then share their random draws (instance, initial direction),
    which is what makes a scaling exponent per seed meaningful. It does not depend on the backend,
    the worker count or the order of completion.
    """
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    return np.random.default_rng(np.random.SeedSequence(seed))


def run_experiment(exp: Experiment, config: Any, seed: int) -> Trace:
    """Run one (experiment, config, seed) and attach provenance to the trace."""
    start = time.perf_counter()
    trace = stop_at_divergence(exp.simulate(config, seed_generator(seed)))
    trace.meta.update({
        "experiment": exp.name,
        "experiment_version": exp.version,
        "code_fingerprint": exp.fingerprint,
        "paper": exp.paper,
        "config": asdict(config),
        "seed": seed,
        "wall_time_s": time.perf_counter() - start,
        **provenance(),
    })
    return trace


#: Entry point group through which an installed package contributes papers (name = slug, value = module).
ENTRY_POINT_GROUP = "theorylab.papers"
STANDALONE_GROUP = "theorylab.experiments"
BUILTIN_PAPERS = "theorylab.builtin_papers"


def paper_folders() -> list[Path]:
    """Folders of user paper modules: ``$THEORYLAB_PAPERS`` (``os.pathsep``-separated; ``--papers``)."""
    import os

    from theorylab.errors import ConfigError

    folders = []
    for text in filter(None, os.environ.get("THEORYLAB_PAPERS", "").split(os.pathsep)):
        folder = Path(text).expanduser().resolve()
        if not folder.is_dir():
            raise ConfigError("THEORYLAB_PAPERS", "folders of paper modules", text)
        folders.append(folder)
    return folders


def _use_paper_folders() -> list[Path]:
    """Put the paper folders on ``sys.path`` (workers call this too, so they can import user modules)."""
    folders = paper_folders()
    for folder in folders:
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
    return folders


def _is_paper_file(name: str) -> bool:
    return not name.startswith(("_", "test_", "conftest", "."))


def paper_sources() -> dict[str, str]:
    """Every known paper: ``{slug: module name}``, found without importing any paper.

    Three sources, all loaded the same way (a module defining ``PAPER`` and ``CLAIMS``): the
    built-in papers (``theorylab.builtin_papers``: the modules of ``paper_checks/``), installed packages' entry points in the group
    ``theorylab.papers`` (name = slug, value = module), and the ``.py`` files of the folders in
    ``$THEORYLAB_PAPERS`` (module name = file name; experiment TOMLs may sit beside them). A slug
    found twice keeps its first source.
    """
    from importlib import metadata

    sources: dict[str, str] = {}
    builtin = importlib.import_module(BUILTIN_PAPERS)  # cheap: it only points __path__ at paper_checks/
    if Path(builtin.__path__[0]).is_dir():
        for info in pkgutil.iter_modules(builtin.__path__):
            if _is_paper_file(info.name):
                sources.setdefault(info.name, f"{BUILTIN_PAPERS}.{info.name}")
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        sources.setdefault(entry.name, entry.value.partition(":")[0])
    for folder in _use_paper_folders():
        for path in sorted(folder.glob("*.py")):
            if _is_paper_file(path.stem):
                sources.setdefault(path.stem, path.stem)
    return sources


def paper_slugs() -> list[str]:
    """Slugs of every known paper (nothing is imported)."""
    return sorted(paper_sources())


def paper_modules() -> list[str]:
    """Module names of the papers, one per slug."""
    sources = paper_sources()
    return [sources[slug] for slug in sorted(sources)]


def load_paper(slug: str):
    """Import one paper's module (registering its experiments) and return it."""
    sources = paper_sources()
    if slug not in sources:
        raise UnknownNameError("paper", slug, sorted(sources))
    module = _import_paper(slug, sources[slug])
    for name in ("PAPER", "CLAIMS"):
        if not hasattr(module, name):
            from theorylab.errors import TheorylabError

            raise TheorylabError(f"paper module {module.__name__} ({getattr(module, '__file__', '?')}) "
                                 f"defines no {name}")
    return module


_LOADED = False


def load_standalone_experiments() -> None:
    """Import the modules of experiments that belong to no paper (entry point group
    ``theorylab.experiments``; theorylab's own is ``theorylab.selftest``)."""
    from importlib import metadata

    for entry in metadata.entry_points(group=STANDALONE_GROUP):
        importlib.import_module(entry.value.partition(":")[0])


def load_papers() -> None:
    """Import every paper module, which registers its experiments and claims."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    load_standalone_experiments()
    for slug, module in sorted(paper_sources().items()):
        _import_paper(slug, module)


def _import_paper(slug: str, module: str):
    """Import a paper module; an error inside it becomes one TheorylabError naming the paper and file."""
    from theorylab.errors import TheorylabError

    if module in sys.modules:
        return sys.modules[module]
    try:
        return importlib.import_module(module)
    except Exception as exc:  # noqa: BLE001 -- reported as one line naming the module
        spec = importlib.util.find_spec(module)
        where = spec.origin if spec is not None else module
        raise TheorylabError(f"paper '{slug}' ({where}) failed to import: {type(exc).__name__}: {exc}") from exc


def _registered(name: str) -> Experiment | None:
    base, sep, variant = name.partition(MUTANT_SEPARATOR)
    return _MUTANTS.get(base, {}).get(variant) if sep else _EXPERIMENTS.get(name)


def run_task(name: str, module: str, config: Any, seed: int) -> Trace:
    """Worker entry point: import only the experiment's own module, then run it (``name`` may be a mutant's)."""
    if _registered(name) is None:
        _use_paper_folders()
        importlib.import_module(module)
    return run_experiment(_registered(name), config, seed)
