"""ADMM-RBCD (theorylab.convex_relu.rbcd) and its experiments: kernel vs NumPy reference, determinism,
convergence on a small BCE program, the rival, the timers, config errors and memory refusal."""

import dataclasses

import numpy as np
import pytest

from theorylab.config import ConfigError, available_memory_bytes, build_config
from theorylab.convex_relu import arrangements, data, programs, rbcd
from theorylab.convex_relu import rbcd_experiments as ex
from theorylab.convex_relu.admm import admm_relu


def _instance(seed=0, n=40, features=3, samples=5):
    rng = np.random.default_rng(seed)
    X, y = data.teacher_regression(n, features, rng)
    return X, y, (y > np.median(y)).astype(float), arrangements.sample_patterns(X, samples, rng)


@pytest.mark.parametrize("loss", ["bce", "squared"])
@pytest.mark.parametrize("seed", [0, 1])
def test_kernel_matches_the_numpy_reference(loss, seed):
    X, y, labels, D = _instance(seed)
    target = labels if loss == "bce" else y
    P = D.shape[1]
    iterations, passes = 4, 2
    order = rbcd.block_order(np.random.default_rng(7), iterations, passes, 2 * P)
    ref = rbcd.rbcd_reference(X, target, D, 0.3, order, loss=loss, rho=1.0, iterations=iterations, passes=passes)
    out = rbcd.admm_rbcd(X, target, D, 0.3, np.random.default_rng(7), loss=loss, rho=1.0, iterations=iterations,
                         passes=passes)
    assert np.allclose(out.U, ref["U"], rtol=0, atol=1e-10)
    assert np.allclose(out.V, ref["V"][:P].T, atol=1e-10) and np.allclose(out.W, ref["V"][P:].T, atol=1e-10)
    assert out.objective[-1] == pytest.approx(ref["objective"], rel=1e-10)
    assert out.block_steps == iterations * passes * 2 * P and out.trials >= out.block_steps


def test_same_seed_same_trace():
    X, _, labels, D = _instance(3)
    a = rbcd.admm_rbcd(X, labels, D, 0.3, np.random.default_rng(5), iterations=30, record_every=5)
    b = rbcd.admm_rbcd(X, labels, D, 0.3, np.random.default_rng(5), iterations=30, record_every=5)
    c = rbcd.admm_rbcd(X, labels, D, 0.3, np.random.default_rng(6), iterations=30, record_every=5)
    assert np.array_equal(a.objective, b.objective) and np.array_equal(a.U, b.U)
    assert not np.array_equal(a.U, c.U)


def test_reaches_the_clarabel_bce_optimum():
    X, _, labels, D = _instance(4, n=60)
    p_star = programs.relu_program(X, labels, D, 0.3, loss="bce").value
    out = rbcd.admm_rbcd(X, labels, D, 0.3, np.random.default_rng(0), iterations=1500, record_every=100)
    assert abs(out.objective[-1] - p_star) / p_star < 1e-3
    assert out.infeasibility[-1] < 1e-2


def test_many_passes_reproduce_algorithm_1_on_the_squared_loss():
    X, y, _, D = _instance(5)
    fast = rbcd.admm_rbcd(X, y, D, 0.5, np.random.default_rng(0), loss="squared", rho=3.0, iterations=20,
                          passes=200)
    exact = admm_relu(X, y, D, 0.5, rho=3.0, max_iter=20, record_every=20)
    assert np.allclose(fast.V, exact.V, atol=1e-6) and np.allclose(fast.W, exact.W, atol=1e-6)


def test_loss_change_is_the_difference_of_losses():
    for z, h, y in [(0.3, 1e-3, 1.0), (-4.0, 2.0, 0.0), (35.0, 10.0, 1.0), (1.0, -1e-9, 0.0)]:
        for code in (0, 1):
            exact = rbcd._loss(z + h, y, code) - rbcd._loss(z, y, code)
            assert rbcd._loss_change(z, h, y, code) == pytest.approx(exact, rel=1e-6, abs=1e-12)


def test_rival_and_timers_run():
    X, y, labels, D = _instance(6)
    obj, viol = rbcd.block_subgradient(X, labels, D, 0.3, np.random.default_rng(0), budget=400,
                                       steps_per_check=40, mu=10.0, eta0=0.1)
    assert obj.shape == (10,) and np.all(np.isfinite(obj)) and np.all(viol >= 0)
    seconds, trials = rbcd.block_step_seconds(X, labels, D, np.random.default_rng(0), steps=50, repetitions=2)
    assert 0 < seconds < 0.01 and trials >= 1
    ustep, setup = rbcd.cholesky_ustep_seconds(X, y, D, np.random.default_rng(0), reps=3, repetitions=2)
    assert 0 < ustep < 0.01 and setup >= 0


def test_bad_inputs_are_refused():
    X, y, labels, D = _instance()
    with pytest.raises(ValueError, match="labels in"):
        rbcd.admm_rbcd(X, y, D, 0.3, np.random.default_rng(0))
    with pytest.raises(ValueError, match="loss"):
        rbcd.admm_rbcd(X, labels, D, 0.3, np.random.default_rng(0), loss="hinge")


@pytest.mark.parametrize("config_type, field, value", [
    (ex.RBCDGapConfig, "passes", 0), (ex.RBCDGapConfig, "rho", -1.0), (ex.RBCDGapConfig, "rival_mu_factor", 1.0),
    (ex.RBCDGapConfig, "record_every", 10**6), (ex.RBCDGapConfig, "rival_iterations", 10**6),
    (ex.RBCDGapConfig, "stop_relative", 1.0), (ex.RBCDCostConfig, "steps", 3), (ex.RBCDCostConfig, "kappa", 0),
    (ex.RBCDSquaredConfig, "coarse_passes", 0)])
def test_bad_config_names_the_field(config_type, field, value):
    with pytest.raises(ConfigError) as info:
        build_config(config_type, {field: value})
    assert info.value.field == field


@pytest.mark.parametrize("config_type, field", [(ex.RBCDGapConfig, "n"), (ex.RBCDGapConfig, "iterations"),
                                                (ex.RBCDCostConfig, "n"), (ex.RBCDSquaredConfig, "n")])
def test_huge_size_is_refused_naming_the_field(config_type, field):
    with pytest.raises(ConfigError) as info:
        build_config(config_type, {field: 10**12})
    assert info.value.field == field and "memory" in str(info.value)


@pytest.mark.parametrize("experiment, config_type", [("relu_rbcd_gap", ex.RBCDGapConfig),
                                                     ("relu_rbcd_cost", ex.RBCDCostConfig),
                                                     ("relu_rbcd_squared", ex.RBCDSquaredConfig)])
@pytest.mark.parametrize("profile", ["quick", "paper"])
def test_profiles_are_far_below_the_limit(experiment, config_type, profile):
    from theorylab.registry import get_experiment

    values, _, _ = get_experiment(experiment).profile(profile)
    names = {f.name for f in dataclasses.fields(config_type)}
    sizes = ex.RBCD_COST_SIZES[profile] if experiment == "relu_rbcd_cost" else [None]
    for n in sizes:
        overrides = {k: v for k, v in values.items() if k in names}
        if n is not None:
            overrides["n"] = n
        needed, _ = build_config(config_type, overrides).memory_bytes()
        assert needed < 2**30 and needed < available_memory_bytes() / 10


def test_gap_experiment_runs_small():
    config = ex.RBCDGapConfig(n=40, samples=4, iterations=3000, rival_iterations=200, rival_steps=(0.1,))
    trace = ex.rbcd_gap(config, np.random.default_rng(0))
    assert trace.scalars["final_gap"] < 1e-3 and trace.scalars["rival_final_gap"] >= 0
    assert trace.scalars["iterations_run"] < 3000          # stopped on its own residuals
    assert trace["rival_gap"].shape == trace.t.shape


def test_stop_rule_uses_the_residuals():
    X, _, labels, D = _instance(2)
    out = rbcd.admm_rbcd(X, labels, D, 0.3, np.random.default_rng(0), iterations=20000, record_every=10,
                         stop_relative=1e-6)
    total = out.r_primal + out.r_dual
    assert out.iterations[-1] < 20000 and total[-1] <= 1e-6 * total[0] and np.all(total[1:-1] > 1e-6 * total[0])
