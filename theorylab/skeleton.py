"""``theorylab new SLUG``: write a working one-file paper (simulator, claim with its rival, domain, mutant) and its test."""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from theorylab.errors import ConfigError

PAPER_TEMPLATE = Template('''"""$slug: a theorylab paper in one file (written by `theorylab new`; edit it into your own claim).

The example: GD with step 1/L on an L-smooth, mu-strongly convex quadratic converges at rate 1 - mu/L,
against the nearest rival, the accelerated rate 1 - sqrt(mu/L). Run `theorylab check $slug`,
`theorylab mutate $slug`, `theorylab explore $slug` with THEORYLAB_PAPERS (or --papers) naming this folder.
"""

import math
from dataclasses import dataclass, replace

import numpy as np

from theorylab import Claim, Geometric, Paper, Trace, experiment, rates
from theorylab.config import param
from theorylab.domains import Assume, Domain, Range
from theorylab.registry import mutant

SLUG = "$slug"
PAPER = Paper(SLUG, "GD on strongly convex quadratics", "textbook (e.g. Nesterov 2004, Thm 2.1.15)")


@dataclass(frozen=True)
class QuadraticGD:
    d: int = param(20, lambda v: v >= 2, "an integer >= 2")
    mu: float = param(1.0, lambda v: v > 0, "a positive strong convexity constant")
    L: float = param(10.0, lambda v: v > 0, "a positive smoothness constant")
    T: int = param(200, lambda v: v >= 10, "an integer >= 10")
    step_scale: float = param(1.0, lambda v: 0 < v < 2, "a step multiplier in (0, 2)")


def run_gd(config, rng, step):
    """GD on f(x) = 1/2 sum_i h_i x_i^2, curvatures h in [mu, L] with both ends present."""
    h = np.concatenate([[config.mu, config.L], rng.uniform(config.mu, config.L, config.d - 2)])
    x = rng.standard_normal(config.d)
    err = np.empty(config.T + 1)
    for t in range(config.T + 1):
        err[t] = np.linalg.norm(x)
        x = x - step * h * x
    return Trace(np.arange(config.T + 1), {"err": err})


@experiment("${slug}_run", paper=SLUG, config=QuadraticGD,
            profiles={"quick": {"seeds": 4}, "paper": {"seeds": 10, "d": 100, "T": 400}})
def simulate(config, rng):
    """GD with step step_scale / L on a random quadratic."""
    return run_gd(config, rng, config.step_scale / config.L)


@mutant("${slug}_run", "half_step")
def half_step(config, rng):
    """Takes step 1/(2L): a constant off by two in the step rule."""
    return run_gd(config, rng, 0.5 * config.step_scale / config.L)


def measure(ctx):
    traces = ctx.runs("${slug}_run")
    return rates.estimate_from_fits([rates.fit_geometric(t.t, t["err"]) for t in traces])


CLAIMS = [
    Claim(SLUG, "C1", "GD with step 1/L contracts ||x_t|| at rate 1 - mu/L", "Nesterov 2004, Thm 2.1.15",
          measure,
          predicted=Geometric(lambda c: math.log(1 - c.mu / c.L), rtol=0.02),
          controls=[Geometric(lambda c: math.log(1 - math.sqrt(c.mu / c.L)), rtol=0.02,
                              rival="the accelerated rate 1 - sqrt(mu/L) (Nesterov 1983), which GD does not reach")],
          rationale="the slowest mode (curvature mu) sets the rate; fitted on the second half of the points above 1e-11",
          domain=Domain("${slug}_run", {"mu": Range(0.1, 2.0), "L": Range(5.0, 50.0)},
                        [Assume(lambda c: c["mu"] < c["L"], "mu < L", "strong convexity below smoothness")])),
]
''')

TEST_TEMPLATE = Template('''"""Checks of the paper $slug (run with pytest from this folder)."""

import os
from pathlib import Path

_here = str(Path(__file__).resolve().parent)
os.environ["THEORYLAB_PAPERS"] = os.pathsep.join(filter(None, [_here, os.environ.get("THEORYLAB_PAPERS")]))

import theorylab  # noqa: E402
from theorylab.store import Store  # noqa: E402


def test_every_claim_agrees(tmp_path):
    with theorylab.Context("quick", store=Store(tmp_path), workers=1) as ctx:
        verdicts = theorylab.check("$slug", context=ctx)
    assert [v.state for v in verdicts] == ["agrees"] * len(verdicts)
    assert all(v.separation >= 1 for v in verdicts)
''')

_SLUG = re.compile(r"^[a-z][a-z0-9_]{1,40}$")


def write_skeleton(slug: str, folder: str | Path = ".") -> list[Path]:
    """Write ``<folder>/<slug>.py`` and ``<folder>/test_<slug>.py``; refuses to overwrite."""
    if not _SLUG.match(slug):
        raise ConfigError("SLUG", "a lower-case Python identifier of 2-41 characters (letters, digits, _)", slug)
    folder = Path(folder)
    paths = [folder / f"{slug}.py", folder / f"test_{slug}.py"]
    for path in paths:
        if path.exists():
            raise ConfigError("SLUG", f"a paper that does not exist yet ({path} does)", slug)
    folder.mkdir(parents=True, exist_ok=True)
    paths[0].write_text(PAPER_TEMPLATE.substitute(slug=slug), encoding="utf-8")
    paths[1].write_text(TEST_TEMPLATE.substitute(slug=slug), encoding="utf-8")
    return paths
