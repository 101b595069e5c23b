"""SubGM and the l2 baseline: kernel against NumPy reference, instances, configs, divergence."""

import numpy as np
import pytest

from theorylab.errors import ConfigError
from theorylab.registry import seed_generator
from theorylab.sensing import subgm_experiments as ex
from theorylab.sensing.subgm import (geometric_steps, l2_gd, l2_gd_reference, robust_instance, subgm,
                                     subgm_reference)
from theorylab.trace import stop_at_divergence


def small_instance(seed=0, p=0.2, nu=0.0, d=4, r=2, m=60):
    return robust_instance(np.random.default_rng(seed), d=d, r=r, m=m, p=p, outlier_std=10.0, nu=nu)


@pytest.mark.parametrize("rank", [2, 4])
@pytest.mark.parametrize("alpha", [1e-3, 1.0])
def test_subgm_kernel_matches_reference(rank, alpha):
    inst = small_instance()
    U0 = alpha * inst.B[:, :rank]
    eta = geometric_steps(0.05, 0.97, 40)
    trace = subgm(inst.A, inst.y, U0, inst.X_star, eta)
    err, loss = subgm_reference(inst.A, inst.y, U0, inst.X_star, eta)
    assert len(trace) == 41
    np.testing.assert_allclose(trace["err"], err, rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(trace["loss"], loss, rtol=1e-9, atol=1e-13)


@pytest.mark.parametrize("rank", [2, 3])
def test_l2_kernel_matches_reference(rank):
    inst = small_instance(p=0.0, nu=0.1)
    U0 = 0.5 * inst.B[:, :rank]
    eta = np.full(30, 0.02)
    trace = l2_gd(inst.A, inst.y, U0, inst.X_star, eta)
    err, loss = l2_gd_reference(inst.A, inst.y, U0, inst.X_star, eta)
    np.testing.assert_allclose(trace["err"], err, rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(trace["loss"], loss, rtol=1e-9, atol=1e-13)


def test_subgm_step_is_a_subgradient_step():
    # One step by hand: D = (S + S^T) U with S = (1/m) sum sign(R_i) A_i, A_i unscaled.
    inst = small_instance(seed=3)
    U0 = 0.1 * inst.B[:, :3]
    d, m = U0.shape[0], inst.A.shape[0]
    residual = inst.A @ (U0 @ U0.T).ravel() - inst.y
    S = sum(np.sign(residual[i]) * inst.A[i].reshape(d, d) for i in range(m)) / m
    U1 = U0 - 0.1 * (S + S.T) @ U0
    trace = subgm(inst.A, inst.y, U0, inst.X_star, np.array([0.1]))
    expected = np.linalg.norm(U1 @ U1.T - inst.X_star) / np.linalg.norm(inst.X_star)
    assert trace["err"][1] == pytest.approx(expected, rel=1e-12)
    assert trace["loss"][0] == pytest.approx(np.abs(residual).mean(), rel=1e-12)


def test_instance_shares_draws_across_noise_and_width():
    base = small_instance(seed=5, p=0.0)
    heavy = small_instance(seed=5, p=0.5)
    noisy = small_instance(seed=5, p=0.0, nu=0.3)
    np.testing.assert_array_equal(base.A, heavy.A)
    np.testing.assert_array_equal(base.B, noisy.B)
    np.testing.assert_array_equal(base.X_star, heavy.X_star)
    assert np.all(base.noise == 0.0)
    assert np.all(np.isin(np.flatnonzero(small_instance(seed=5, p=0.2).noise),
                          np.flatnonzero(heavy.noise)))  # outlier positions are nested in p
    np.testing.assert_allclose(noisy.noise, 2 * small_instance(seed=5, p=0.0, nu=0.15).noise)


def test_instance_target_is_psd_rank_r_with_condition_kappa():
    inst = robust_instance(np.random.default_rng(1), d=6, r=3, m=10, kappa=4.0)
    eigenvalues = np.sort(np.linalg.eigvalsh(inst.X_star))[::-1]
    np.testing.assert_allclose(eigenvalues[:3], [1.0, 0.5, 0.25], atol=1e-12)
    np.testing.assert_allclose(eigenvalues[3:], 0.0, atol=1e-12)
    np.testing.assert_allclose(inst.y, inst.A @ inst.X_star.ravel() + inst.noise)


def test_subgm_recovers_with_outliers_from_small_init():
    inst = robust_instance(np.random.default_rng(2), d=5, r=1, m=300, p=0.3, outlier_std=100.0)
    trace = subgm(inst.A, inst.y, 1e-4 * inst.B[:, :3], inst.X_star, geometric_steps(0.2, 0.99, 1500))
    assert trace["err"][-100:].min() < 1e-4


def test_l2_gd_divergence_is_reported():
    inst = small_instance(p=0.5)
    trace = stop_at_divergence(l2_gd(inst.A, inst.y, inst.B[:, :2], inst.X_star, np.full(500, 10.0)))
    assert trace.diverged and trace.diverged_at is not None
    assert np.all(np.isfinite(trace["err"]))


def test_registered_experiment_is_deterministic():
    # (called directly, not through get_experiment, which imports every paper module)
    config = ex.SubGMConfig(d=4, r=1, m=80, rank=2, T=250, p=0.2)
    first, second = (ex.subgm_recovery(config, seed_generator(3)) for _ in range(2))
    np.testing.assert_array_equal(first["err"], second["err"])
    assert first.scalars["final_err"] == np.min(first["err"][-ex.FINAL_WINDOW:])


def test_block_minima_and_floor():
    from theorylab.trace import Trace

    err = np.exp(-0.01 * np.arange(101)) * (1 + 0.5 * (np.arange(101) % 2))
    t, mins = ex.block_minima(Trace(np.arange(101), {"err": err}), block=10)
    assert t.tolist() == list(range(0, 100, 10))
    np.testing.assert_allclose(mins, err[8:100:10])  # the last even iterate is each block's minimum
    assert ex.noise_floor(Trace(np.arange(101), {"err": err}), last=5) == pytest.approx(err[100])


@pytest.mark.parametrize("field, value", [("rank", 1), ("rank", 11), ("p", 1.0), ("rho", 0.0), ("rho", 1.5),
                                          ("alpha", 0.0), ("eta0", -1.0), ("T", 100), ("kappa", 0.5),
                                          ("nu", -0.1), ("outlier_std", -1.0), ("r", 0), ("m", 0)])
def test_subgm_config_errors_name_the_field(field, value):
    with pytest.raises(ConfigError) as info:
        ex.SubGMConfig(**{field: value}).validate()
    assert info.value.field == field


@pytest.mark.parametrize("field, value", [("eta", 0.0), ("rank", 1), ("T", 0)])
def test_l2_config_errors_name_the_field(field, value):
    with pytest.raises(ConfigError) as info:
        ex.L2GDConfig(**{field: value}).validate()
    assert info.value.field == field


def test_bad_arrays_raise():
    inst = small_instance()
    with pytest.raises(ValueError, match="U0"):
        subgm(inst.A, inst.y, np.ones((3, 2)), inst.X_star, np.ones(3))
    with pytest.raises(ValueError, match="eta"):
        subgm(inst.A, inst.y, inst.B[:, :2], inst.X_star, np.array([0.1, -0.1]))


def test_packed_operator_gives_the_same_measurements_and_adjoint():
    from theorylab.sensing._subgm_kernels import pack_symmetric

    inst = small_instance(seed=7, d=5)
    P, rows, cols = pack_symmetric(inst.A, 5)
    G = np.random.default_rng(0).standard_normal((5, 3))
    X = G @ G.T
    weights = np.where(rows == cols, 1.0, 2.0)
    np.testing.assert_allclose(P @ (weights * X[rows, cols]), inst.A @ X.ravel(), rtol=1e-12)
    w = np.random.default_rng(1).standard_normal(inst.A.shape[0])
    S = (inst.A.T @ w).reshape(5, 5)
    packed = np.zeros((5, 5))
    packed[rows, cols] = 2 * P.T @ w
    packed[cols, rows] = 2 * P.T @ w
    np.testing.assert_allclose(packed, S + S.T, rtol=1e-12, atol=1e-12)


def test_instance_is_nested_in_m():
    small = robust_instance(seed_generator(4), d=4, r=2, m=30, p=0.3, nu=0.1)
    large = robust_instance(seed_generator(4), d=4, r=2, m=90, p=0.3, nu=0.1)
    np.testing.assert_array_equal(small.A, large.A[:30])
    np.testing.assert_array_equal(small.noise, large.noise[:30])
    np.testing.assert_array_equal(small.X_star, large.X_star)
    np.testing.assert_array_equal(small.B, large.B)


def test_convex_l1_psd_recovers_without_noise_and_beats_x_star_with_outliers():
    from theorylab.sensing.subgm import convex_l1_psd, l1_loss

    clean = robust_instance(seed_generator(0), d=4, r=1, m=40)
    X_hat = convex_l1_psd(clean.A, clean.y, 4)
    assert np.linalg.norm(X_hat - clean.X_star) < 1e-4
    assert np.all(np.linalg.eigvalsh(X_hat) > -1e-7)
    # under-determined (m < d(d+1)/2 = 21) with outliers: the minimizer's loss is <= f(X*)
    dirty = robust_instance(seed_generator(1), d=6, r=1, m=18, p=0.3)
    X_hat = convex_l1_psd(dirty.A, dirty.y, 6)
    assert l1_loss(dirty.A, dirty.y, X_hat) <= l1_loss(dirty.A, dirty.y, dirty.X_star) + 1e-6


def test_convex_experiment_shares_the_subgm_instance():
    config = ex.ConvexL1Config(d=4, r=1, m=40)
    trace = ex.subgm_convex_l1(config, seed_generator(2))
    inst = config.instance(seed_generator(2))
    assert trace.scalars["loss_star"] == pytest.approx(np.abs(inst.y - inst.A @ inst.X_star.ravel()).mean())
    assert trace.scalars["final_err"] < 1e-4


def test_tracking_rate_of_a_diverged_run_is_nan():
    from theorylab.trace import Trace

    err = np.full(200, np.inf)
    assert np.isnan(ex.tracking_log_rate(Trace(np.arange(200), {"err": err}), (0, 200)))


def test_mutants_break_what_they_claim_to_break():
    from theorylab.sensing import subgm_mutants as mut

    config = ex.SubGMConfig(d=5, r=1, m=300, rank=3, T=1500, rho=0.99, p=0.3, alpha=1e-4)
    base = ex.subgm_recovery(config, seed_generator(0))
    assert base.scalars["final_err"] < 1e-4
    assert mut.outlier_mask_inverted(config, seed_generator(0)).scalars["final_err"] > 1e-2
    assert mut.alpha_ignored(config, seed_generator(0))["err"][0] > 0.5
    assert mut.l2_gradient(config, seed_generator(0)).scalars["best_err"] > 0.5
    squared = mut.rho_squared(config, seed_generator(0))
    window = (300, 700)
    ratio = ex.tracking_log_rate(squared, window) / ex.tracking_log_rate(base, window)
    assert 1.6 < ratio < 2.4  # the error tracks eta0 rho^(2t): twice the schedule's log-rate
    noisy = ex.SubGMConfig(d=5, r=1, m=300, rank=1, T=1500, rho=0.99, nu=0.1)
    floor = ex.subgm_recovery(noisy, seed_generator(0)).scalars["final_err"]
    assert mut.nu_as_variance(noisy, seed_generator(0)).scalars["final_err"] < 0.3 * floor


def test_tracking_rate_below_the_floor_is_nan():
    from theorylab.trace import Trace

    assert np.isnan(ex.tracking_log_rate(Trace(np.arange(200), {"err": np.zeros(200)}), (0, 200)))
