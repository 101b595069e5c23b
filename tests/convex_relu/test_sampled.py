"""The exact 2-D dual check of the sampled program (theorylab.convex_relu.sampled)."""

import numpy as np

from theorylab.convex_relu import arrangements, data, experiments, mutants, programs, sampled


def _grid_max(G, start, stop, points=4001):
    """NumPy reference: max(0, max_phi g^T h(phi)) on a dense grid of each arc."""
    out = np.empty(G.shape[0])
    for j, (g, a, b) in enumerate(zip(G, start, stop)):
        phi = np.linspace(a, b, points)
        out[j] = max(0.0, float(np.max(g[0] * np.cos(phi) + g[1] * np.sin(phi))))
    return out


def test_sector_max_matches_a_dense_grid():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((15, 2))
    _, start, stop = sampled.arcs_2d(X)
    G = rng.standard_normal((start.size, 2))
    np.testing.assert_allclose(sampled.sector_max(G, start, stop), _grid_max(G, start, stop), atol=1e-5)


def test_arcs_carry_every_enumerated_pattern():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((20, 2))
    D, start, stop = sampled.arcs_2d(X)
    assert np.isclose(np.sum(stop - start), 2 * np.pi)
    keys = lambda A: {np.packbits(A[:, j].astype(bool)).tobytes() for j in range(A.shape[1]) if A[:, j].any()}
    assert keys(D) == keys(arrangements.enumerate_patterns_2d(X))


def test_exact_optimum_violates_nothing_and_sampled_optimum_respects_its_own_patterns():
    rng = np.random.default_rng(2)
    X, y = data.planar_regression(30, rng)
    beta = 1.0
    D_all = arrangements.enumerate_patterns_2d(X)
    exact = programs.relu_program(X, y, D_all, beta)
    r = y - programs.convex_output(X, D_all, exact.V, exact.W)
    assert sampled.violation_probability(X, r, beta, D_all) [0] == 0.0
    D_s = arrangements.sample_patterns(X, 4, rng)
    sol = programs.relu_program(X, y, D_s, beta)
    r = y - programs.convex_output(X, D_s, sol.V, sol.W)
    D, start, stop = sampled.arcs_2d(X)
    values = sampled.dual_values(X, r, D, start, stop)
    inside = {np.packbits(D_s[:, j].astype(bool)).tobytes() for j in range(D_s.shape[1])}
    mask = np.array([np.packbits(D[:, j].astype(bool)).tobytes() in inside for j in range(D.shape[1])])
    assert np.all(values[mask] <= beta * (1 + 1e-4))          # KKT on the sampled patterns
    probability, fraction = sampled.violation_probability(X, r, beta, D_s)
    assert 0 < probability <= 1 and 0 < fraction <= 1         # four patterns do not fit this target


def test_samples_needed_inverts_a_power_law():
    t = np.array([10.0, 20.0, 40.0, 80.0])
    assert np.isclose(sampled.samples_needed(t, 4.0 / t, 0.1), 40.0)
    assert np.isclose(sampled.samples_needed(t, 3.0 / t, 0.1), 30.0)
    assert np.isnan(sampled.samples_needed(t, 100.0 / t, 0.1))
    assert np.isnan(sampled.samples_needed(t, 0.5 / t, 0.1))


def test_experiment_and_cone_mutant():
    config = experiments.SampledQualityConfig(n=40, sample_sizes=(5, 20), draws=2)
    good = experiments.sampled_quality(config, np.random.default_rng(3))
    bad = mutants.cone_ignored(config, np.random.default_rng(3))
    assert good["violation"][1] < good["violation"][0]
    assert np.all(bad["violation"] >= good["violation"]) and bad["violation"][1] > good["violation"][1]
