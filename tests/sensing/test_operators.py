import numpy as np
import pytest

from theorylab.sensing.operators import (apply_adjoint, apply_adjoint_reference, apply_operator,
                                         apply_operator_reference, gaussian_operator)


@pytest.mark.parametrize("n1, n2, symmetric", [(4, 4, True), (3, 5, False)])
def test_kernels_match_numpy_reference(n1, n2, symmetric):
    rng = np.random.default_rng(1)
    A = gaussian_operator(rng, 37, n1, n2, symmetric=symmetric)
    M, v = rng.standard_normal((n1, n2)), rng.standard_normal(37)
    np.testing.assert_allclose(apply_operator(A, M), apply_operator_reference(A, M), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(apply_adjoint(A, v, n1, n2), apply_adjoint_reference(A, v, n1, n2), rtol=1e-12, atol=1e-13)


def test_adjoint_identity_and_near_isometry():
    rng = np.random.default_rng(2)
    A = gaussian_operator(rng, 4000, 5, 5)
    M, v = rng.standard_normal((5, 5)), rng.standard_normal(4000)
    assert np.dot(apply_operator(A, M), v) == pytest.approx(np.sum(M * apply_adjoint(A, v, 5, 5)))
    assert np.sum(apply_operator(A, M) ** 2) == pytest.approx(np.sum(M ** 2), rel=0.1)  # A*A ~ I


def test_symmetric_operator_gives_symmetric_matrices():
    A = gaussian_operator(np.random.default_rng(3), 5, 3, symmetric=True)
    mats = A.reshape(5, 3, 3)
    assert np.allclose(mats, mats.transpose(0, 2, 1))


def test_bad_sizes():
    with pytest.raises(ValueError, match="square"):
        gaussian_operator(np.random.default_rng(0), 3, 2, 3, symmetric=True)
    with pytest.raises(ValueError, match="positive"):
        gaussian_operator(np.random.default_rng(0), 0, 2)
