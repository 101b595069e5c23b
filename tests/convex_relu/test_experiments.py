import dataclasses

import numpy as np
import pytest

from theorylab.config import build_config
from theorylab.convex_relu import experiments as ex
from theorylab.errors import ConfigError
from theorylab.registry import seed_generator


@pytest.mark.parametrize("config, field, value", [
    (ex.ADMMConfig, "gamma", 1.5), (ex.ADMMConfig, "rho_grid", []), (ex.CostConfig, "iterations", 1),
    (ex.Exact2DConfig, "sample_sizes", [10, 5]), (ex.AdversarialConfig, "attack_grid", [0.0, 0.1]),
    (ex.GatedConfig, "loss", "absolute"), (ex.SCPConfig, "neurons", [100, 50]),
    (ex.EarlyAccuracyConfig, "max_early", 0), (ex.EarlyAccuracyConfig, "converged_iterations", 5),
    (ex.ExactADMMConfig, "rho_ratio", 0.0), (ex.ExactADMMConfig, "eps_rel", 1.0),
    (ex.ExactADMMConfig, "sample_directions", 0),
])
def test_bad_values_name_their_field(config, field, value):
    with pytest.raises(ConfigError) as info:
        build_config(config, {field: value})
    assert info.value.field == field


def test_small_runs_are_deterministic_and_well_formed():
    config = ex.ADMMConfig(n=30, samples=4, iterations=200, record_every=10)
    a, b = (ex.admm_rate(config, seed_generator(0)) for _ in range(2))
    assert np.array_equal(a["residual"], b["residual"]) and a.t[0] == 1 and a.t[-1] == 200
    gated = ex.gated_gap(ex.GatedConfig(n=20, samples=4), seed_generator(1))
    assert gated.scalars["p_gated"] <= gated.scalars["p_relu"] * (1 + 1e-8)
    cost = ex.iteration_cost(dataclasses.replace(ex.CostConfig(), n=60, iterations=5, repetitions=1),
                             seed_generator(0))
    assert cost["ops_per_iter"][0] > 0 and cost.t[0] == 60


def test_scp_violation_run_reports_rates_and_the_bound():
    trace = ex.scp_violation(ex.SCPConfig(n=20, neurons=(10, 40), fresh=500), seed_generator(0))
    assert np.all((trace["violation"] >= 0) & (trace["violation"] <= 1))
    assert np.allclose(trace["scenario_bound"], 20 / (np.array([10, 40]) + 1))


def test_early_accuracy_run_scores_iterates_from_the_empty_net():
    config = ex.EarlyAccuracyConfig(n_train=60, n_test=200, features=6, samples=6, max_early=3,
                                    converged_iterations=300, cvxpy_reference=True)
    a, b = (ex.early_accuracy(config, seed_generator(0)) for _ in range(2))
    assert np.array_equal(a["accuracy"], b["accuracy"]) and list(a.t) == [0, 1, 2, 3]
    assert a["accuracy"][0] == 0.0 and a["train_accuracy"][0] == 0.0      # v^0 = 0: output 0 counts wrong
    assert np.all((a["accuracy"] >= 0) & (a["accuracy"] <= 1))
    sc = a.scalars
    assert 0.5 < sc["converged_accuracy"] <= 1 and 0 <= sc["linear_accuracy"] <= 1
    assert sc["converged_relative_residual"] < 1e-2
    assert abs(sc["cvxpy_accuracy"] - sc["converged_accuracy"]) <= 0.05


def test_robust_certificate_holds_with_robust_cones_only():
    config = ex.CertificateConfig(n_train=40, features=4, samples=6, pgd_steps=20)
    trace = ex.robust_certificate(config, seed_generator(0))
    assert trace.scalars["robust_excess"] <= 1e-6
    assert np.isfinite(trace.scalars["nominal_excess"]) and trace.scalars["robust_neurons"] >= 1


def test_certificate_config_names_bad_fields():
    with pytest.raises(ConfigError) as info:
        build_config(ex.CertificateConfig, {"epsilon": 0.0})
    assert info.value.field == "epsilon"


def test_rate_run_stops_on_its_own_relative_residual():
    import numpy as np

    from theorylab.convex_relu import experiments as ex

    config = ex.ADMMConfig(n=40, features=2, samples=4, iterations=50000, record_every=10, stop_relative=1e-8)
    trace = ex.admm_rate(config, np.random.default_rng(0))
    tol = 0.5e-8 * trace["residual"][0]
    met = (trace["r_primal"] <= tol) & (trace["r_dual"] <= tol)
    assert trace.scalars["iterations_run"] < config.iterations
    assert met[-1] and not met[:-1].any()                  # stopped at the first recorded iteration that met it
    assert trace["residual"][-1] / trace["residual"][0] <= 1e-8


def test_experiments_do_not_import_the_figures():
    """One-directional imports: figures import experiments, never the reverse (issue 16, section 1)."""
    import ast
    import inspect

    from theorylab.convex_relu import experiments as ex

    tree = ast.parse(inspect.getsource(ex))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "figures" not in imported and not any("figures" in name for name in imported)


def test_exact_admm_run_reaches_the_exact_optimum_and_is_certified():
    config = ex.ExactADMMConfig(n=20, sample_directions=10, fixed_iterations=200)
    a, b = (ex.exact_admm(config, seed_generator(0)) for _ in range(2))
    assert np.array_equal(a["relative_residual"], b["relative_residual"]) and a.scalars == b.scalars
    s = a.scalars
    assert s["admm_converged"] == 1 and abs(s["admm_rel"]) <= 1e-6 and s["mapped_rel_err"] <= 1e-6
    assert s["dual_excess"] <= 1e-6 < s["sampled_dual_excess"]     # the certificate sees the missing patterns
    assert s["sampled_admm_rel"] >= -1e-6 and s["patterns_sampled"] < s["patterns_exact"]
