import numpy as np

from theorylab.context import Context
from theorylab.store import Store


def test_processes_and_serial_give_identical_traces(tmp_path):
    overrides = {"T": 300, "alpha": 0.3}
    with Context("quick", store=False, workers=1) as serial:
        expected = serial.runs("sensing_asym_gd", seeds=4, **overrides)
    with Context("quick", store=Store(tmp_path), workers=2) as parallel:
        got = parallel.runs("sensing_asym_gd", seeds=4, **overrides)
    for a, b in zip(expected, got):
        assert np.array_equal(a["err"], b["err"]) and a.meta["seed"] == b.meta["seed"]


def test_same_seed_same_draws_across_a_swept_parameter():
    with Context("quick", store=False, workers=1) as ctx:
        small, large = ctx.grid("sensing_asym_gd", "alpha", [0.1, 0.2], seeds=[3], T=1)
    # Initial imbalance scales exactly with alpha^2 when the draws are shared.
    assert np.isclose(small[0].scalars["imbalance_min0"] * 4, large[0].scalars["imbalance_min0"], rtol=1e-12)


def test_provenance_is_attached():
    with Context("quick", store=False, workers=1) as ctx:
        trace = ctx.runs("sensing_sym_gd", seeds=1, T=5)[0]
    assert {"experiment", "config", "seed", "versions", "git", "numba_threading_layer", "wall_time_s",
            "machine"} <= set(trace.meta)
    assert trace.meta["config"]["T"] == 5
