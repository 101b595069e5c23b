import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theorylab.ntk import analytic


def mc_expectations(s11, s22, s12, samples=400_000, seed=0):
    """Monte Carlo E[relu(u) relu(v)] and E[step(u) step(v)] for (u, v) ~ N(0, [[s11, s12], [s12, s22]])."""
    rng = np.random.default_rng(seed)
    L = np.linalg.cholesky(np.array([[s11, s12], [s12, s22]]))
    u, v = L @ rng.standard_normal((2, samples))
    return np.mean(np.maximum(u, 0) * np.maximum(v, 0)), np.mean((u > 0) & (v > 0))


def test_arc_cosine_step_matches_monte_carlo():
    # Depth 2, beta 0: Sigma^(2) = E[relu relu] and Theta^(2) - Sigma^(2) = Sigma^(1) E[step step].
    x = np.array([[1.0, 0.5]])
    y = np.array([[-0.3, 1.2]])
    s11, s22, s12 = (x @ x.T)[0, 0] / 2, (y @ y.T)[0, 0] / 2, (x @ y.T)[0, 0] / 2
    relu, step = mc_expectations(s11, s22, s12)
    sigma, theta = analytic.limit_kernels(x, y, depth=2, beta=0.0)
    assert sigma[0, 0] == pytest.approx(relu, abs=3e-3)
    assert (theta[0, 0] - sigma[0, 0]) / s12 == pytest.approx(step, abs=3e-3)


def test_golden_row_depth4_beta01():
    # Card 3.4, the kernel of the paper's Figure 1.
    X = analytic.circle_points(np.array([0, 0.25, 0.5, 0.75, 1.0]) * np.pi)
    theta = analytic.ntk(analytic.circle_points([0.0]), X, depth=4, beta=0.1)[0]
    np.testing.assert_allclose(theta, [0.2825, 0.16997051, 0.09270211, 0.06603643, 0.06435377], atol=5e-9)


def test_cross_kernel_agrees_with_gram_blocks():
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((4, 3)), rng.standard_normal((5, 3))
    full = analytic.ntk(np.vstack([X, Y]), depth=3, beta=0.2)
    np.testing.assert_allclose(analytic.ntk(X, Y, depth=3, beta=0.2), full[:4, 4:], atol=1e-14)


def test_beta0_diagonal_formula():
    r2 = np.array([0.5, 1.0, 4.0])
    for depth in range(1, 6):
        _, theta = analytic.diagonal(r2, 3, depth=depth, beta=0.0)
        np.testing.assert_allclose(theta, depth * r2 / (3 * 2 ** (depth - 1)), rtol=1e-14)


@pytest.mark.parametrize("bad", [dict(depth=0, beta=0.1), dict(depth=2.5, beta=0.1), dict(depth=2, beta=-1.0)])
def test_bad_arguments_raise(bad):
    with pytest.raises(ValueError):
        analytic.ntk(np.ones((2, 2)), **bad)


def test_zero_input_without_bias_is_finite():
    X = np.array([[0.0, 0.0], [1.0, 0.0]])
    assert np.all(np.isfinite(analytic.ntk(X, depth=3, beta=0.0)))


@settings(deadline=None, max_examples=40)
@given(depth=st.integers(2, 5), beta=st.floats(0.0, 2.0), n0=st.integers(2, 4), n=st.integers(2, 12),
       seed=st.integers(0, 2**31 - 1))
def test_gram_on_sphere_is_symmetric_psd_with_closed_form_diagonal(depth, beta, n0, n, seed):
    X = np.random.default_rng(seed).standard_normal((n, n0))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    sigma, theta = analytic.limit_kernels(X, depth=depth, beta=beta)
    for K in (sigma, theta):
        np.testing.assert_array_equal(K, K.T)
        lam = np.linalg.eigvalsh(K)
        assert lam[0] >= -1e-12 * max(lam[-1], 1.0)
    ds, dt = analytic.diagonal(np.ones(n), n0, depth=depth, beta=beta)
    np.testing.assert_allclose(np.diag(sigma), ds, rtol=1e-13)
    np.testing.assert_allclose(np.diag(theta), dt, rtol=1e-13)


# -- precision against an independent 50-digit evaluation (mpmath) ------------------------------
def mp_kernels(x, y, depth, beta, dps=50):
    """``(Sigma, Theta)`` at one pair by the textbook arccos recursion in 50-digit arithmetic."""
    import mpmath as mp

    with mp.workdps(dps):
        x = [mp.mpf(float(v)) for v in x]
        y = [mp.mpf(float(v)) for v in y]
        b2 = mp.mpf(float(beta)) ** 2
        s11 = mp.fsum(a * a for a in x) / len(x) + b2
        s22 = mp.fsum(a * a for a in y) / len(x) + b2
        s12 = mp.fsum(a * b for a, b in zip(x, y)) / len(x) + b2
        theta = s12
        for _ in range(depth - 1):
            g = mp.sqrt(s11 * s22)
            rho = max(min(s12 / g, mp.mpf(1)), mp.mpf(-1)) if g != 0 else mp.mpf(0)
            angle = mp.acos(rho)
            s12 = g * (mp.sin(angle) + (mp.pi - angle) * mp.cos(angle)) / (2 * mp.pi) + b2
            theta = theta * (mp.pi - angle) / (2 * mp.pi) + s12
            s11, s22 = s11 / 2 + b2, s22 / 2 + b2
        return float(s12), float(theta)


def precision_points():
    """Random points, a repeated row, an antipodal pair, same direction at another norm, a near-coincident pair."""
    rng = np.random.default_rng(3)
    base = rng.standard_normal((4, 3))
    u = np.array([1.0, 2.0, -1.0])
    tilt = np.array([1.0, 2.0 + 1e-6, -1.0])
    return np.vstack([base, u, -u, 3.0 * u, 0.2 * u, tilt, base[1], base[1] / np.linalg.norm(base[1])])


def test_coincident_points_are_exact_in_both_call_forms():
    # Issue 18: x = (cos 0.3, sin 0.3), limit_kernels(x, x) gave Theta 0.40249999740 (BLAS-dependent rounding).
    X = analytic.circle_points(np.linspace(0.0, 3.0, 61))
    _, cross = analytic.limit_kernels(X, X, depth=3, beta=0.1)
    _, gram = analytic.limit_kernels(np.vstack([X, X]), depth=3, beta=0.1)
    assert np.abs(np.diag(cross) - 0.4025).max() < 1e-13
    assert np.abs(np.diag(gram[:61, 61:]) - 0.4025).max() < 1e-13  # repeated rows, off the diagonal


@pytest.mark.parametrize("beta", [0.0, 0.1, 1.0])
def test_every_entry_matches_mpmath_to_1e13(beta):
    X = precision_points()
    Y = X[::-1].copy()
    for depth in (1, 2, 3, 4, 6):
        gram = analytic.limit_kernels(X, depth=depth, beta=beta)
        cross = analytic.limit_kernels(X, Y, depth=depth, beta=beta)
        for i in range(len(X)):
            for j in range(len(X)):
                s, t = mp_kernels(X[i], X[j], depth, beta)
                assert abs(gram[0][i, j] - s) < 1e-13 and abs(gram[1][i, j] - t) < 1e-13, (depth, i, j)
                s, t = mp_kernels(X[i], Y[j], depth, beta)
                assert abs(cross[0][i, j] - s) < 1e-13 and abs(cross[1][i, j] - t) < 1e-13, (depth, i, j)


def test_circle_golden_angles_match_mpmath_to_1e13():
    x0 = analytic.circle_points([0.0])
    X = analytic.circle_points(np.linspace(-np.pi, np.pi, 9))
    sigma, theta = analytic.limit_kernels(x0, X, depth=4, beta=0.1)
    for j in range(len(X)):
        s, t = mp_kernels(x0[0], X[j], 4, 0.1)
        assert abs(sigma[0, j] - s) < 1e-13 and abs(theta[0, j] - t) < 1e-13


@pytest.mark.parametrize("depth", [1, 2, 3, 5])
@pytest.mark.parametrize("beta", [0.0, 0.1, 1.0])
def test_fused_kernel_matches_the_numpy_reference(depth, beta):
    """The one-pass Numba recursion and the layer-by-layer NumPy one agree to a few ulps, both call forms."""
    rng = np.random.default_rng(depth)
    X = np.vstack([rng.standard_normal((15, 3)), np.zeros((1, 3))])
    X = np.vstack([X, X[:3], -2 * X[3:5]])              # repeated, antipodal, zero and off-sphere rows
    Y = rng.standard_normal((7, 3))
    for args in ((X,), (X, Y), (X, X.copy())):
        fast = analytic.limit_kernels(*args, depth=depth, beta=beta)
        slow = analytic.limit_kernels_reference(*args, depth=depth, beta=beta)
        for a, b in zip(fast, slow):
            scale = max(np.abs(b).max(), 1e-300)
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-14 * scale)
    sigma, theta = analytic.limit_kernels(X, depth=depth, beta=beta)
    np.testing.assert_array_equal(theta, theta.T)
    np.testing.assert_array_equal(sigma, sigma.T)
