"""Sign-RIP: kernel against NumPy reference, the scaling function, and the expectation formula
checked by Monte Carlo (a Hypothesis property over noise models and matrices)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theorylab.errors import ConfigError
from theorylab.sensing import _subgm_kernels as kernels
from theorylab.sensing import subgm_experiments as ex
from theorylab.sensing.sign_rip import deviations, monte_carlo_sign_rip, scaling_function, sign_sum_reference


def test_sign_sum_kernel_matches_reference():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((200, 16))
    s = rng.standard_normal(200)
    x = rng.standard_normal(16)
    np.testing.assert_allclose(kernels.sign_sum(A, s, x), sign_sum_reference(A, s, x), rtol=1e-12, atol=1e-12)


def test_sign_zero_contributes_nothing():
    A = np.eye(3)
    np.testing.assert_array_equal(kernels.sign_sum(A, np.array([1.0, 0.0, -1.0]), np.array([1.0, 0.0, 0.0])),
                                  [0.0, 0.0, 1.0])


def test_scaling_function_limits():
    root = math.sqrt(2 / math.pi)
    assert scaling_function(0.7) == pytest.approx(root)
    assert scaling_function(0.7, p=0.3, outlier_std=1e12) == pytest.approx(root * 0.7)
    assert scaling_function(0.3, nu=0.4) == pytest.approx(root * 0.3 / 0.5)
    # outlier model: bounded below by sqrt(2/pi)(1 - p) whatever the outliers' size
    assert scaling_function(1e-3, p=0.6, outlier_std=5.0) >= root * 0.4
    # Gaussian model: phi -> 0 with ||X||
    assert scaling_function(1e-6, nu=1.0) < 1e-5
    with pytest.raises(ValueError):
        scaling_function(0.0)
    with pytest.raises(ValueError):
        scaling_function(1.0, p=1.5)


def test_rank_k_deviation_is_the_best_rank_k_inner_product():
    rng = np.random.default_rng(4)
    Q = rng.standard_normal((5, 5))
    X = rng.standard_normal((5, 2)) @ rng.standard_normal((2, 5))
    phi = 0.6
    inner, op, rank_k = deviations(Q, X, phi, 2)
    M = Q - phi * X / np.linalg.norm(X)
    u, sv, vt = np.linalg.svd(M)
    Y = (u[:, :2] * sv[:2]) @ vt[:2]
    Y /= np.linalg.norm(Y)
    assert rank_k == pytest.approx(np.sum(M * Y))
    assert op == pytest.approx(sv[0])
    assert inner == pytest.approx(np.sum(Q * X) / np.linalg.norm(X))
    for _ in range(20):  # no random rank-2 unit Y does better
        Z = rng.standard_normal((5, 2)) @ rng.standard_normal((2, 5))
        assert np.sum(M * Z) / np.linalg.norm(Z) <= rank_k + 1e-12


def test_monte_carlo_is_deterministic_per_seed():
    X = np.diag([1.0, -0.5, 0.0])
    first = monte_carlo_sign_rip(np.random.default_rng(1), X, 3000, p=0.2, outlier_std=2.0, chunk=700)
    second = monte_carlo_sign_rip(np.random.default_rng(1), X, 3000, p=0.2, outlier_std=2.0, chunk=700)
    np.testing.assert_array_equal(first.Q, second.Q)
    assert first.delta == pytest.approx(first.deviation_rank_k / first.phi)


@settings(deadline=None, max_examples=25)
@given(seed=st.integers(0, 2**31 - 1), d=st.integers(2, 6), rank=st.integers(1, 3),
       x_norm=st.floats(0.05, 3.0), p=st.floats(0.0, 0.9), outlier_std=st.floats(0.0, 5.0),
       nu=st.floats(0.0, 2.0), symmetric=st.booleans())
def test_expectation_formula_matches_monte_carlo(seed, d, rank, x_norm, p, outlier_std, nu, symmetric):
    # E[(1/m) sum Sign(<A_i, X> - s_i) A_i] = phi(X) X / ||X||_F for any X, any noise independent of A.
    rng = np.random.default_rng(seed)
    G = rng.standard_normal((d, min(rank, d)))
    X = G @ G.T if symmetric else G @ rng.standard_normal((min(rank, d), d))
    X *= x_norm / np.linalg.norm(X)
    m = 20000
    est = monte_carlo_sign_rip(rng, X, m, p=p, outlier_std=outlier_std, nu=nu, chunk=5000)
    assert est.phi == pytest.approx(scaling_function(x_norm, p=p, outlier_std=outlier_std, nu=nu))
    # <Sign(z - s) A, X/||X||> = Sign(z - s) z / ||X|| has variance <= 1: 5 standard errors.
    assert abs(est.inner - est.phi) <= 5.0 / math.sqrt(m)
    # Each entry of the mean has variance <= 1/m; the operator norm of the error stays O(sqrt(d/m)).
    assert est.deviation_op <= 4.0 * math.sqrt(d / m)


def test_registered_monte_carlo_experiment():
    trace = ex.subgm_sign_rip_mc(ex.SignRIPConfig(m=20000, p=0.4), np.random.default_rng(0))
    assert trace["phi"][0] == pytest.approx(scaling_function(0.3, p=0.4, outlier_std=1.0))
    assert abs(trace["inner"][0] - trace["phi"][0]) < 5 / math.sqrt(20000)


@pytest.mark.parametrize("field, value", [("rank_x", 0), ("x_norm", 0.0), ("p", 1.2), ("m", 0), ("chunk", 0),
                                          ("nu", -1.0)])
def test_sign_rip_config_errors_name_the_field(field, value):
    with pytest.raises(ConfigError) as info:
        ex.SignRIPConfig(**{field: value}).validate()
    assert info.value.field == field


def test_uniform_sign_rip_constant_decays_with_m_and_is_nested():
    from theorylab.registry import seed_generator
    from theorylab.sensing import subgm_experiments as ex

    small = ex.subgm_sign_rip_uniform(ex.UniformSignRIPConfig(m=500, n_x=5), seed_generator(0))
    large = ex.subgm_sign_rip_uniform(ex.UniformSignRIPConfig(m=8000, n_x=5), seed_generator(0))
    assert large["delta_sup"][0] < 0.5 * small["delta_sup"][0]  # sqrt(16) = 4 expected
    assert small["delta_median"][0] <= small["delta_sup"][0]


def test_noise_ignored_mutant_loses_the_noise_factor():
    import math

    from theorylab.registry import seed_generator
    from theorylab.sensing import subgm_experiments as ex
    from theorylab.sensing import subgm_mutants as mut

    config = ex.SignRIPConfig(m=40000, p=0.4, outlier_std=1.0)
    assert mut.noise_ignored_in_sign(config, seed_generator(0))["inner"][0] == pytest.approx(
        math.sqrt(2 / math.pi), rel=0.03)


def test_phi_without_noise_mutant_leaves_a_bias_that_does_not_decay():
    from theorylab.registry import seed_generator
    from theorylab.sensing import subgm_experiments as ex
    from theorylab.sensing import subgm_mutants as mut

    config = ex.UniformSignRIPConfig(m=32000, n_x=5)
    good = ex.subgm_sign_rip_uniform(config, seed_generator(0))["delta_sup"][0]
    bad = mut.phi_without_noise(config, seed_generator(0))["delta_sup"][0]
    assert bad > 2 * good
