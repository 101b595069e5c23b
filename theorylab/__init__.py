"""theorylab: measure the rates that optimization and learning-theory papers predict.

The public face::

    import theorylab
    verdicts = theorylab.check("matrix_sensing_overparam")      # measure and judge claims
    fit = theorylab.rates.fit_power_law(t, err)                  # fit one series

Names are imported on first use, so ``import theorylab`` (and ``theorylab --help``) stay fast: SciPy,
Numba and cvxpy load only when a command needs them.

Small iterative simulations run 3-30x slower with multithreaded BLAS on few cores, so BLAS
threads default to 1 here (an explicit environment setting wins; provenance records it).
"""

import importlib as _importlib
import os as _os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_name, "1")

__version__ = "0.1.0"

#: public name -> the module that defines it
_LAZY = {
    "rates": "theorylab.rates",
    "Claim": "theorylab.claims", "Paper": "theorylab.claims", "Verdict": "theorylab.claims",
    "Context": "theorylab.context",
    "Bound": "theorylab.laws", "Close": "theorylab.laws", "Geometric": "theorylab.laws", "Law": "theorylab.laws",
    "PowerLaw": "theorylab.laws", "Scaling": "theorylab.laws",
    "Estimate": "theorylab.rates",
    "experiment": "theorylab.registry", "mutant": "theorylab.registry",
    "Trace": "theorylab.trace",
    "load": "theorylab.results",
    "check": "theorylab.verify",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'theorylab' has no attribute {name!r}")
    module = _importlib.import_module(_LAZY[name])
    value = module if name == "rates" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + list(_LAZY))
