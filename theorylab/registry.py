"""Named experiments: a config dataclass and a simulator ``simulate(config, rng) -> Trace``."""

from __future__ import annotations

import importlib
import pkgutil
import time
from dataclasses import asdict, dataclass
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

    @property
    def module(self) -> str:
        return self.simulate.__module__


_EXPERIMENTS: dict[str, Experiment] = {}


def experiment(name: str, *, paper: str, config: type, description: str = "", version: int = 1):
    """Decorator registering ``simulate(config, rng) -> Trace`` as experiment ``name``."""

    def register(simulate: Simulator) -> Simulator:
        existing = _EXPERIMENTS.get(name)
        if existing is not None and existing.module != simulate.__module__:
            raise ValueError(f"experiment '{name}' is registered twice ({existing.module}, {simulate.__module__})")
        _EXPERIMENTS[name] = Experiment(name, paper, config, simulate, description or (simulate.__doc__ or "").strip().split("\n")[0], version)
        return simulate

    return register


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


def run_task(name: str, module: str, config: Any, seed: int) -> Trace:
    """Worker entry point: import only the experiment's own module, then run it."""
    if name not in _EXPERIMENTS:
        importlib.import_module(module)
    return run_experiment(_EXPERIMENTS[name], config, seed)
