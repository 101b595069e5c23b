import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from theorylab.convex_relu import arrangements


def test_enumeration_in_2d_gives_2n_patterns_and_contains_every_sampled_one():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((15, 2))
    D = arrangements.enumerate_patterns_2d(X)
    assert D.shape == (15, 30)
    sampled = arrangements.patterns_from_directions(X, rng.standard_normal((2, 5000)))
    known = {col.tobytes() for col in D.T.astype(bool)}
    assert all(col.tobytes() in known for col in sampled.T.astype(bool) if col.any())


@settings(deadline=None, max_examples=20)
@given(st.integers(3, 25), st.integers(0, 10_000))
def test_enumerated_patterns_are_distinct_non_zero_and_realizable(n, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 2))
    D = arrangements.enumerate_patterns_2d(X)
    assert D.shape[1] <= 2 * n
    assert np.all(D.sum(axis=0) > 0)
    assert len({col.tobytes() for col in D.T}) == D.shape[1]


def test_unique_patterns_keeps_first_occurrences_so_prefixes_nest():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((30, 3))
    raw = arrangements.patterns_from_directions(X, rng.standard_normal((3, 40)))
    raw[:, 5] = raw[:, 2]
    raw[:, 7] = 0.0
    full, kept = arrangements.unique_patterns(raw)
    assert 5 not in kept and 7 not in kept
    small = arrangements.unique_patterns(raw[:, :20])[0]
    assert np.array_equal(full[:, : small.shape[1]], small)


def test_sampling_through_data_splits_points_and_validates():
    rng = np.random.default_rng(2)
    X = np.hstack([rng.uniform(size=(40, 5)), np.ones((40, 1))])
    D = arrangements.sample_patterns_through_data(X, 20, rng)
    assert 0 < D.shape[1] <= 20
    with pytest.raises(ValueError):
        arrangements.sample_patterns(X, 0, rng)
    with pytest.raises(ValueError):
        arrangements.enumerate_patterns_2d(np.ones((4, 3)))
