"""theorylab: measure the rates that optimization and learning-theory papers predict.

The public face::

    import theorylab
    verdicts = theorylab.check("matrix_sensing_overparam")      # measure and judge claims
    fit = theorylab.rates.fit_power_law(t, err)                  # fit one series

Small iterative simulations run 3-30x slower with multithreaded BLAS on few cores, so BLAS
threads default to 1 here (an explicit environment setting wins; provenance records it).
"""

import os as _os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_name, "1")

__version__ = "0.1.0"

from theorylab import rates  # noqa: E402
from theorylab.claims import Claim, Paper, Verdict  # noqa: E402
from theorylab.context import Context  # noqa: E402
from theorylab.laws import Bound, Close, Geometric, Law, PowerLaw, Scaling  # noqa: E402
from theorylab.rates import Estimate  # noqa: E402
from theorylab.registry import experiment  # noqa: E402
from theorylab.trace import Trace  # noqa: E402
from theorylab.results import load  # noqa: E402
from theorylab.verify import check  # noqa: E402

__all__ = ["Bound", "Claim", "Close", "Context", "Estimate", "Geometric", "Law", "Paper", "PowerLaw",
           "Scaling", "Trace", "Verdict", "check", "experiment", "load", "rates"]
