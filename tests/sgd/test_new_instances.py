"""Huber and composite-linear problems, the Zamani-Glineur instances, matched linear decay, the mutants."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theorylab.config import build_config, load_profile
from theorylab.registry import get_experiment, load_paper, mutants, run_experiment
from theorylab.sgd import algorithms, problems, schedules
from theorylab.sgd import experiments as sgd


@settings(deadline=None, max_examples=30)
@given(kind=st.sampled_from(["l1", "l2", "linf"]), d=st.integers(1, 5), m=st.integers(1, 5),
       T=st.integers(1, 40), seed=st.integers(0, 2**16))
def test_nonsmooth_kernel_matches_reference(kind, d, m, T, seed):
    # rel 1e-6, not 1e-12: near x* the l2 subgradient A^T r / |r| is ill-conditioned, and the kernel's
    # loop order and NumPy's BLAS order round differently; over T steps that is amplified (seen: 2e-10)
    inst = problems.random_nonsmooth(np.random.default_rng(seed), kind, d, m)
    steps = schedules.LinearDecay(inst.R / inst.B).steps(T)
    assert algorithms.run_nonsmooth(inst, steps) == pytest.approx(algorithms.nonsmooth_reference(inst, steps),
                                                                  rel=1e-6, abs=1e-12)


@pytest.mark.parametrize("kind", ["l1", "l2", "linf"])
def test_lipschitz_constant_bounds_every_subgradient(kind):
    rng = np.random.default_rng(3)
    inst = problems.random_nonsmooth(rng, kind, 6, 4)
    norms = [np.linalg.norm(inst.subgradient(x)) for x in rng.standard_normal((500, 6))]
    assert max(norms) <= inst.B * (1 + 1e-12)
    assert max(norms) >= 0.5 * inst.B  # B is attained up to the sampling, not a loose upper bound
    assert inst.value(inst.xstar) == 0.0


def test_linear_decay_meets_explicit_constant_on_random_instances():
    config = build_config(sgd.NonSmoothConfig, {"instances": 9, "horizons": [1, 3, 20, 100]})
    trace = sgd._nonsmooth_trace(config, np.random.default_rng(0))
    assert np.all(trace["worst_ratio"] <= 1.0) and np.all(trace["mean_ratio"] > 0)


def test_matched_linear_decay_has_the_same_total_step():
    for T in (1, 7, 64, 1000):
        steps = schedules.LinearDecay(sgd.matched_linear_decay_eta(T, 2.0)).steps(T)
        assert steps.sum() == pytest.approx(2.0 * np.sum(1 / np.sqrt(np.arange(1, T + 1))), rel=1e-12)
    assert sgd.matched_linear_decay_eta(10**6, 1.0) == pytest.approx(4.0, rel=1e-2)


def test_huber_gap_and_composite_linear_optimum():
    huber = problems.StochasticProblem("huber", np.full(2, 0.5), x1=0.0)
    x = np.array([[0.25, -2.0]])
    assert huber.gap(x)[0] == pytest.approx(0.25**2 / (2 * 0.5) + (2.0 - 0.25))
    lin = problems.StochasticProblem("linear", np.array([1.0, -2.0]), mu_h=0.5)
    xstar = -lin.lam / lin.mu_h
    assert lin.gap(xstar[None, :])[0] == pytest.approx(0.0, abs=1e-12)
    assert np.all(lin.gap(np.random.default_rng(0).standard_normal((20, 2))) > 0)


def test_composite_linear_converges_at_rate_one_over_T_without_noise_bias():
    # with eta_t = 1/(mu t) the prox recursion gives (t+1) x_{t+1} = t x_t - g_t/mu exactly, so without
    # noise x_{T+1} = (x_1 - T lam/mu)/(T+1) -> x* = -lam/mu
    lin = problems.StochasticProblem("linear", np.ones(3), mu_h=0.1, x1=1.0)
    gaps = algorithms.run_sgd(lin, schedules.InverseTime(0.1), [4, 64], replicas=1, rng=np.random.default_rng(0),
                              noise="none")
    x = (1.0 - 64 * 1.0 / 0.1) / 65
    assert gaps[1, 0] == pytest.approx(0.5 * 0.1 * 3 * (x + 10.0) ** 2, rel=1e-9)


def test_largest_index_tie_breaks_the_log_factor():
    T = 256
    base = algorithms.run_harvey(problems.harvey_strongly_convex(T), schedules.InverseTime(1.0).steps(T))
    mutated = algorithms.run_harvey(problems.harvey_strongly_convex(T), schedules.InverseTime(1.0).steps(T),
                                    largest_index=True)
    assert base.last >= math.log(T) / (4 * T)
    assert mutated.last != pytest.approx(base.last, rel=1e-3)


def test_c1_window_is_chosen_from_the_problem():
    paper = load_paper("last_iterate_sgd")
    values, _, source = load_profile("sgd_smooth_convex", "quick")
    config = build_config(get_experiment("sgd_smooth_convex").config, values, source=source)
    assert paper.c1_window_start(config) == 1024
    import dataclasses
    assert paper.c1_window_start(dataclasses.replace(config, huber_eps=1.0)) == 128  # the cap binds until 100


def test_paper_has_at_least_five_mutants_each_returning_a_trace():
    load_paper("last_iterate_sgd")
    found = mutants("last_iterate_sgd")
    assert len(found) >= 5
    exp = get_experiment("sgd_high_probability")
    values, _, source = load_profile("sgd_high_probability", "quick")
    config = build_config(exp.config, {**values, "replicas": 50, "log2_T_max": 6}, source=source)
    mutant = next(m for m in found if m.name.endswith("noise_variance_doubled"))
    base, broken = run_experiment(exp, config, 0), run_experiment(mutant, config, 0)
    assert broken.t.tolist() == base.t.tolist() and set(broken.metrics) == set(base.metrics)


@settings(deadline=None, max_examples=20)
@given(d=st.integers(2, 6), T=st.integers(1, 30), seed=st.integers(0, 2**16))
def test_entropic_md_kernel_matches_reference(d, T, seed):
    rng = np.random.default_rng(seed)
    c = rng.uniform(0, 1, d)
    steps = 0.7 / np.sqrt(np.arange(1, T + 1))
    noise = rng.choice([-1.0, 1.0], size=(3, T))
    np.testing.assert_allclose(algorithms.run_entropic_md(c, steps, noise),
                               algorithms.entropic_md_reference(c, steps, noise), rtol=1e-9, atol=1e-13)


def test_entropic_md_without_noise_is_multiplicative_weights_in_closed_form():
    d, T, delta = 50, 40, 0.2
    c = np.full(d, delta)
    c[0] = 0.0
    steps = np.full(T, 0.1)
    gap = algorithms.run_entropic_md(c, steps, np.zeros((1, T)))[0]
    weight = (d - 1) * np.exp(-delta * steps.sum())
    assert gap == pytest.approx(delta * weight / (1 + weight), rel=1e-12)


@pytest.mark.parametrize("T", [3, 9])
def test_noisy_harvey_kernel_matches_reference_and_noiseless_run(T):
    inst = problems.harvey_strongly_convex(T)
    steps = schedules.InverseTime(1.0).steps(T)
    rng = np.random.default_rng(T)
    index, sign = rng.integers(0, T, (4, T)), rng.choice([-1.0, 1.0], (4, T))
    from theorylab.sgd import _kernels
    x1 = rng.uniform(-0.3, 0.3, T)
    got = _kernels.harvey_noisy_last(inst.a, inst.diag, inst.quadratic, steps, index, sign, x1)
    np.testing.assert_allclose(got, algorithms.harvey_noisy_reference(inst, steps, index, sign, x1), rtol=1e-10,
                               atol=1e-13)
    silent = _kernels.harvey_noisy_last(inst.a, inst.diag, inst.quadratic, steps, index, np.zeros((4, T)),
                                        np.zeros(T))
    np.testing.assert_allclose(silent, algorithms.run_harvey(inst, steps).last, rtol=1e-12)
