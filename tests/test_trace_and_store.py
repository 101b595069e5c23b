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


def test_keys_differ_by_code_fingerprint():
    assert result_key("exp", 1, {"n": 2}, 0, "aaaa") != result_key("exp", 1, {"n": 2}, 0, "bbbb")


# -- a stored entry is served only for its own request ---------------------------------------------
REQUEST = {"experiment": "exp", "version": 1, "fingerprint": "f1", "seed": 0, "config": {"n": 2}}


def saved(tmp_path, request=REQUEST):
    from theorylab.store import request_record

    store = Store(tmp_path)
    req = request_record(request["experiment"], request["version"], request["config"], request["seed"],
                         request["fingerprint"])
    key = result_key("exp", 1, {"n": 2}, 0, "f1")
    store.save("exp", key, Trace(np.arange(4), {"err": [4.0, 3.0, 2.0, 1.0]}, {"x": 1.0}), req)
    return store, key, req


def load_warns(store, key, request, match):
    from theorylab.store import StoreWarning

    with pytest.warns(StoreWarning, match=match) as record:
        assert store.load("exp", key, request) is None
    ours = [w for w in record if issubclass(w.category, StoreWarning)]
    assert len(ours) == 1 and str(store.paths("exp", key)[1]) in str(ours[0].message)


def test_a_matching_request_is_served(tmp_path):
    store, key, req = saved(tmp_path)
    assert list(store.load("exp", key, req)["err"]) == [4.0, 3.0, 2.0, 1.0]


@pytest.mark.parametrize("field, value", [("fingerprint", "f2"), ("seed", 1), ("config", {"n": 3}), ("version", 2)])
def test_a_foreign_or_stale_entry_warns_naming_the_file_and_is_not_served(tmp_path, field, value):
    store, key, req = saved(tmp_path)
    load_warns(store, key, {**req, field: value}, f"differs in: {field}")


def corrupt(path, how):
    data = path.read_bytes()
    if how == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "flip":
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:])
    elif how == "garbage":
        path.write_bytes(b"{not json")


@pytest.mark.parametrize("target", ["npz", "json"])
@pytest.mark.parametrize("how", ["truncate", "empty", "flip", "garbage"])
def test_a_corrupt_entry_warns_naming_the_file_and_is_recomputed(tmp_path, target, how):
    store, key, req = saved(tmp_path)
    npz, js = store.paths("exp", key)
    corrupt(npz if target == "npz" else js, how)
    load_warns(store, key, req, "not usable")


def test_an_entry_with_a_missing_array_or_field_is_not_served(tmp_path):
    store, key, req = saved(tmp_path)
    npz, js = store.paths("exp", key)
    np.savez(npz, t=np.arange(4))  # the metric is gone: the checksum no longer matches
    load_warns(store, key, req, "checksum")
    record = json.loads(js.read_text())
    del record["scalars"]
    js.write_text(json.dumps(record))
    load_warns(store, key, req, "incomplete")


def test_a_malformed_failure_record_warns_and_counts_as_none(tmp_path):
    from theorylab.store import StoreWarning

    store = Store(tmp_path)
    path = store.failure_path("exp", "k")
    path.parent.mkdir(parents=True)
    path.write_text("[1, 2")
    with pytest.warns(StoreWarning, match=str(path)):
        assert store.load_failure("exp", "k") is None


def test_context_recomputes_after_a_simulator_change(tmp_path, monkeypatch):
    """Changing the code of an experiment changes its fingerprint, so old results are not served."""
    from theorylab import Context
    from theorylab.registry import get_experiment

    exp = get_experiment("selftest_decay")
    with Context("quick", store=Store(tmp_path), workers=1) as ctx:
        first = ctx.runs("selftest_decay", seeds=1)[0]
        assert ctx.counts["computed"] == 1
    stale_key = ctx.jobs("selftest_decay", 1)[0].key
    monkeypatch.setattr(type(exp), "fingerprint", property(lambda self: "changed-code"))
    with Context("quick", store=Store(tmp_path), workers=1) as ctx:
        job = ctx.jobs("selftest_decay", 1)[0]
        assert job.key != stale_key and ctx.lookup(job) is None
        again = ctx.runs("selftest_decay", seeds=1)[0]
        assert ctx.counts["computed"] == 1 and np.array_equal(first["err"], again["err"])


def test_stored_json_is_standard_and_non_finite_values_round_trip(tmp_path):
    store, key = Store(tmp_path), "k"
    trace = Trace(np.arange(2), {"err": [1.0, 0.5]}, {"nan": float("nan"), "inf": float("inf")}, meta={"x": [float("-inf")]})
    _, js = store.paths("exp", key)
    store.save("exp", key, trace)
    json.loads(js.read_text(), parse_constant=lambda token: pytest.fail(f"non-standard JSON token {token}"))
    loaded = store.load("exp", key)
    assert np.isnan(loaded.scalars["nan"]) and loaded.scalars["inf"] == np.inf and loaded.meta["x"] == [-np.inf]


def test_stored_files_follow_the_umask(tmp_path):
    import os

    old = os.umask(0o022)
    try:
        store = Store(tmp_path)
        store.save("exp", "k", Trace(np.arange(2), {"err": [1.0, 0.5]}))
    finally:
        os.umask(old)
    for path in store.paths("exp", "k"):
        assert path.stat().st_mode & 0o777 == 0o644


def test_stale_temporaries_of_killed_writers_are_removed(tmp_path):
    import os

    folder = tmp_path / "exp"
    folder.mkdir()
    stale, fresh = folder / ".k.json.abc.tmp", folder / ".j.json.def.tmp"
    stale.write_text("half")
    fresh.write_text("being written")
    os.utime(stale, (1, 1))
    Store(tmp_path).save("exp", "k", Trace(np.arange(2), {"err": [1.0, 0.5]}))
    assert not stale.exists() and fresh.exists()
