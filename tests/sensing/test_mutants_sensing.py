"""The mutants of matrix_sensing_overparam: registered, deterministic, and broken where they claim to be."""

import dataclasses

import numpy as np
import pytest

from theorylab import rates
from theorylab.registry import get_mutant, mutants
from theorylab.sensing import experiments, mutants as sensing_mutants
from theorylab.sensing import problems

EXPECTED = {"balanced_init", "init_scale_ignored", "untransposed_residual", "one_step_skipped",
            "one_step_equalize_f", "gradient_factor_two", "double_normalized_operator"}

SMALL_ASYM = experiments.AsymmetricConfig(n=10, r=2, k=3, alpha=0.3, T=400)
SMALL_SYM = experiments.SensingConfig(n=8, r=2, k=3, alpha=0.5, T=300)


def rng(seed=0):
    return np.random.default_rng(np.random.SeedSequence(seed))


def test_at_least_five_mutants_are_registered_for_the_paper():
    names = {m.name.partition("~")[2] for m in mutants("matrix_sensing_overparam")}
    assert EXPECTED <= names and len(names) >= 5
    assert get_mutant("sensing_asym_gd", "balanced_init").mutant_of == "sensing_asym_gd"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_mutant_runs_deterministically_and_differs_from_the_base(name):
    base_name = "sensing_sym_gd" if name in ("gradient_factor_two", "double_normalized_operator") else "sensing_asym_gd"
    config = SMALL_SYM if base_name == "sensing_sym_gd" else SMALL_ASYM
    if name == "double_normalized_operator":
        config = dataclasses.replace(config, m=60)
    if name.startswith("one_step"):
        config = dataclasses.replace(config, one_step_tau=1e-3, T=2000)
    simulate = get_mutant(base_name, name).simulate
    base = experiments.sym_gd if base_name == "sensing_sym_gd" else experiments.asym_gd
    a, b = simulate(config, rng()), simulate(config, rng())
    assert np.array_equal(a["err"], b["err"])
    reference = base(config, rng())
    n = min(len(a), len(reference))
    assert not np.allclose(a["err"][:n], reference["err"][:n], rtol=1e-9, atol=0)


def test_untransposed_kernel_matches_a_numpy_reference_of_the_bug():
    r = rng(3)
    M = problems.general_target(r, 6, 6, 2, 2.0)
    F, G = problems.gaussian_factor(r, 6, 3, 0.3), problems.gaussian_factor(r, 6, 3, 0.1)
    Fr, Gr, errors = F.copy(), G.copy(), []
    for _ in range(31):
        E = Fr @ Gr.T - M
        errors.append(np.linalg.norm(E))
        Fr, Gr = Fr - 0.1 * E @ Gr, Gr - 0.1 * E @ Fr
    err, loss = np.empty(31), np.empty(31)
    count, _ = sensing_mutants._untransposed_gd(F.copy(), G.copy(), M, np.zeros((0, 36)), 0.1, 30, 0.0, -1.0, 1.0,
                                               err, loss, 0)
    np.testing.assert_allclose(err[:count], errors, rtol=1e-10)


def test_balanced_init_mutant_loses_the_linear_rate_on_the_worst_case_instance():
    config = dataclasses.replace(SMALL_ASYM, instance="worst_case", k=3, alpha=0.3, T=20000)
    real = experiments.asym_gd(config, rng())
    broken = get_mutant("sensing_asym_gd", "balanced_init").simulate(config, rng())
    assert real["err"][-1] < 1e-11 < broken["err"][-1]
    slope = rates.fit_power_law(broken.t, broken["err"]).value
    assert slope == pytest.approx(-1.0, abs=0.1)  # balanced extra directions: the symmetric 1/t law
