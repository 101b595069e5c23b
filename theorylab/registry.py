"""Named experiments: a config dataclass and a simulator ``simulate(config, rng) -> Trace``."""

from __future__ import annotations

import functools
import hashlib
import importlib
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

    @property
    def module(self) -> str:
        return self.simulate.__module__

    @property
    def fingerprint(self) -> str:
        """Hash of the code that produces this experiment's results (see :func:`code_fingerprint`)."""
        modules = [self.module]
        if self.mutant_of is not None:
            modules.append(_EXPERIMENTS[self.mutant_of].module)
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


def experiment(name: str, *, paper: str, config: type, description: str = "", version: int = 1):
    """Decorator registering ``simulate(config, rng) -> Trace`` as experiment ``name``."""

    def register(simulate: Simulator) -> Simulator:
        existing = _EXPERIMENTS.get(name)
        if existing is not None and existing.module != simulate.__module__:
            raise ValueError(f"experiment '{name}' is registered twice ({existing.module}, {simulate.__module__})")
        _EXPERIMENTS[name] = Experiment(name, paper, config, simulate, description or (simulate.__doc__ or "").strip().split("\n")[0], version)
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

    def register(simulate: Simulator) -> Simulator:
        if base not in _EXPERIMENTS:
            raise ValueError(f"mutant '{name}' of unknown experiment '{base}' (register the experiment first)")
        exp = _EXPERIMENTS[base]
        text = description or (simulate.__doc__ or "").strip().split("\n")[0]
        _MUTANTS.setdefault(base, {})[name] = Experiment(f"{base}{MUTANT_SEPARATOR}{name}", exp.paper, exp.config,
                                                         simulate, text, version, mutant_of=base)
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


def experiments() -> dict[str, Experiment]:
    """All registered experiments (after :func:`load_papers`)."""
    load_papers()
    return dict(_EXPERIMENTS)


def get_experiment(name: str) -> Experiment:
    """The experiment called ``name``; the error lists the known ones.

    Only when ``name`` is not registered yet are all paper modules imported to find it.
    """
    if name in _EXPERIMENTS:
        return _EXPERIMENTS[name]
    importlib.import_module("theorylab.selftest")  # cheap, and needs no paper
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


def paper_slugs() -> list[str]:
    """Slugs of the papers, one per module ``paper_checks/<slug>.py`` (nothing is imported)."""
    import paper_checks

    return sorted(m.name for m in pkgutil.iter_modules(paper_checks.__path__)
                  if not m.name.startswith(("_", "test_", "conftest")))


def paper_modules() -> list[str]:
    """Module names of ``paper_checks/<slug>.py``, one per paper."""
    return [f"paper_checks.{slug}" for slug in paper_slugs()]


def load_paper(slug: str):
    """Import one paper's module (registering its experiments) and return it."""
    if slug not in paper_slugs():
        raise UnknownNameError("paper", slug, paper_slugs())
    return importlib.import_module(f"paper_checks.{slug}")


_LOADED = False


def load_papers() -> None:
    """Import every paper module, which registers its experiments and claims."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    importlib.import_module("theorylab.selftest")
    for module in paper_modules():
        importlib.import_module(module)


def _registered(name: str) -> Experiment | None:
    base, sep, variant = name.partition(MUTANT_SEPARATOR)
    return _MUTANTS.get(base, {}).get(variant) if sep else _EXPERIMENTS.get(name)


def run_task(name: str, module: str, config: Any, seed: int) -> Trace:
    """Worker entry point: import only the experiment's own module, then run it (``name`` may be a mutant's)."""
    if _registered(name) is None:
        importlib.import_module(module)
    return run_experiment(_registered(name), config, seed)
