import json

import numpy as np
import pytest

from theorylab.store import Store, result_key
from theorylab.trace import Trace, stack, stop_at_divergence


def test_divergence_is_detected_and_located():
    trace = Trace(np.arange(5), {"err": [1.0, 2.0, np.inf, np.nan, 5.0]})
    cut = stop_at_divergence(trace)
    assert cut.diverged and cut.diverged_at == 2 and list(cut["err"]) == [1.0, 2.0]
    assert stop_at_divergence(Trace(np.arange(2), {"err": [1.0, 0.5]})).diverged is False


def test_metric_length_must_match_index():
    with pytest.raises(ValueError, match="metric 'err'"):
        Trace(np.arange(3), {"err": [1.0]})


def test_unknown_metric_names_the_known_ones():
    with pytest.raises(KeyError, match="loss"):
        Trace(np.arange(1), {"loss": [1.0]})["err"]


def test_stack_pads_short_runs_with_nan():
    t, values = stack([Trace(np.arange(3), {"e": [1, 2, 3]}), Trace(np.arange(2), {"e": [4, 5]})], "e")
    assert list(t) == [0, 1, 2] and np.isnan(values[1, 2])


def test_store_round_trip_is_exact_and_leaves_no_temporaries(tmp_path):
    store = Store(tmp_path)
    trace = Trace(np.arange(4), {"err": np.random.default_rng(0).random(4)}, {"x": 1.5}, meta={"seed": 3})
    key = result_key("exp", 1, {"n": 2}, 3)
    store.save("exp", key, trace)
    loaded = store.load("exp", key)
    assert np.array_equal(loaded["err"], trace["err"]) and loaded.scalars == {"x": 1.5} and loaded.meta["seed"] == 3
    assert sorted(p.name for p in (tmp_path / "exp").iterdir()) == [f"{key}.json", f"{key}.npz"]


def test_incomplete_result_counts_as_absent(tmp_path):
    store = Store(tmp_path)
    key = result_key("exp", 1, {"n": 2}, 0)
    npz, _ = store.paths("exp", key)
    npz.parent.mkdir(parents=True)
    np.savez(npz, t=np.arange(2))  # the JSON (written last) is missing: an interrupted save
    assert store.load("exp", key) is None


def test_keys_differ_by_config_seed_and_version():
    base = result_key("exp", 1, {"n": 2}, 0)
    assert len({base, result_key("exp", 1, {"n": 3}, 0), result_key("exp", 1, {"n": 2}, 1),
                result_key("exp", 2, {"n": 2}, 0)}) == 4
    assert json.dumps(base)
