import numpy as np
import pytest

from theorylab.convex_relu import data


def test_standardize_with_bias_uses_train_statistics_only():
    rng = np.random.default_rng(0)
    X, _, Xt, _ = data.correlated_classification(50, 30, 5, rng)
    A, B = data.standardize_with_bias(X, Xt)
    assert A.shape == X.shape and B.shape == Xt.shape
    assert np.allclose(np.linalg.norm(A, axis=0), 1.0)                 # unit-norm train columns
    assert np.allclose(A[:, :-1].mean(axis=0), 0.0, atol=1e-12)        # centred features
    assert np.allclose(A[:, -1], A[0, -1]) and np.allclose(B[:, -1], A[0, -1])   # bias stays constant
    # the test split goes through the same affine map: a train row placed in the test set maps identically
    A2, B2 = data.standardize_with_bias(X, np.vstack([Xt, X[:3]]))
    assert np.allclose(A2, A) and np.allclose(B2[-3:], A[:3]) and np.allclose(B2[:-3], B)


def test_standardize_with_bias_rejects_mismatched_shapes():
    with pytest.raises(ValueError):
        data.standardize_with_bias(np.ones((5, 3)), np.ones((5, 4)))
