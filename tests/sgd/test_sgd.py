"""Batched projected composite SGD: kernel vs NumPy reference, noise models, schedules, divergence."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theorylab.errors import ConfigError
from theorylab.sgd import _kernels, algorithms, problems, schedules


def _advance(problem, steps, x, noise):
    x = x.copy()
    ok = _kernels.sgd_advance(x, noise, steps, problem.code, np.asarray(problem.lam, float), problem.mu_h,
                              problem.radius)
    return ok, x


@settings(deadline=None, max_examples=40)
@given(kind=st.sampled_from(["l1", "quadratic", "linear", "huber"]), d=st.integers(1, 4), replicas=st.integers(1, 3),
       steps=st.integers(1, 6), mu_h=st.sampled_from([0.0, 0.3]), radius=st.sampled_from([0.0, 0.7, 3.0]),
       seed=st.integers(0, 2**16))
def test_kernel_matches_reference(kind, d, replicas, steps, mu_h, radius, seed):
    if kind == "linear" and radius == 0.0:
        radius = 1.0
    rng = np.random.default_rng(seed)
    problem = problems.StochasticProblem(kind, rng.uniform(0.1, 2.0, d), mu_h, radius, x1=0.0)
    x = rng.uniform(-0.3, 0.3, (replicas, d)) / math.sqrt(d)
    noise = rng.standard_normal((replicas, steps, d))
    eta = rng.uniform(0.01, 1.0, steps)
    ok, fast = _advance(problem, eta, x, noise)
    assert ok
    np.testing.assert_allclose(fast, algorithms.sgd_reference(problem, eta, x, noise), rtol=1e-12, atol=1e-13)
    if radius > 0:
        assert np.all(np.linalg.norm(fast, axis=1) <= radius * (1 + 1e-12))


def test_app_g_example_is_the_mean_of_the_signs():
    # f = x^2/2, oracle x - z, eta_t = 1/t from x_1 = 0: x_{T+1} = mean(z) (Harvey et al. App. G)
    rng = np.random.default_rng(3)
    T = 50
    z = rng.choice([-1.0, 1.0], size=(4, T, 1))
    problem = problems.StochasticProblem("quadratic", np.ones(1), radius=1.0, x1=0.0)
    ok, x = _advance(problem, schedules.InverseTime(1.0).steps(T), np.zeros((4, 1)), -z)
    assert ok
    np.testing.assert_allclose(x[:, 0], z[:, :, 0].mean(axis=1), atol=1e-14)


def test_anytime_run_reads_every_horizon_and_is_deterministic():
    problem = problems.StochasticProblem("l1", np.ones(3))
    kwargs = dict(replicas=5, noise="gaussian", sigma=1.0)
    a = algorithms.run_sgd(problem, schedules.InverseSqrt(0.5), [4, 16, 64], rng=np.random.default_rng(1), **kwargs)
    b = algorithms.run_sgd(problem, schedules.InverseSqrt(0.5), [4, 16, 64], rng=np.random.default_rng(1), **kwargs)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (3, 5) and np.all(a >= 0)
    # the horizon-4 gaps of one long run are those of a run stopped at 4 (same draws first)
    short = algorithms.run_sgd(problem, schedules.InverseSqrt(0.5), [4], rng=np.random.default_rng(1), **kwargs)
    np.testing.assert_array_equal(a[0], short[0])


def test_known_horizon_schedule_restarts_per_horizon():
    problem = problems.StochasticProblem("quadratic", np.ones(2), x1=1.0)
    gaps = algorithms.run_sgd(problem, schedules.LinearDecay(1.0), [1, 2], replicas=1, rng=np.random.default_rng(0),
                              noise="none")
    # T = 1: one step of size 1 from x = 1 on x^2/2 lands on 0; T = 2: steps 2/2^1.5, 1/2^1.5
    assert gaps[0, 0] == pytest.approx(0.0, abs=1e-15)
    x = 1.0 * (1 - 2 / 2**1.5) * (1 - 1 / 2**1.5)
    assert gaps[1, 0] == pytest.approx(x * x, rel=1e-12)


def test_divergence_gives_nan_rows():
    problem = problems.StochasticProblem("quadratic", np.full(2, 10.0))
    gaps = algorithms.run_sgd(problem, schedules.InverseSqrt(500.0), [8, 1024, 2048], replicas=2,
                              rng=np.random.default_rng(0), noise="none")
    assert np.all(np.isnan(gaps[-1]))


def test_pareto_noise_tail_index():
    rng = np.random.default_rng(0)
    xi = problems.draw_noise(rng, "pareto", (400_000,), 1.0, 1.5)
    for u in (1.0, 10.0, 100.0):
        assert np.mean(np.abs(xi) > u) == pytest.approx((1 + u) ** -1.5, rel=0.1)
    assert abs(np.mean(xi > 0) - 0.5) < 0.005


@pytest.mark.parametrize("model", ["gaussian", "rademacher", "pareto", "none"])
def test_noise_is_deterministic_per_generator(model):
    draw = lambda: problems.draw_noise(np.random.default_rng(7), model, (3, 4), 2.0, 1.8)  # noqa: E731
    np.testing.assert_array_equal(draw(), draw())


def test_schedules():
    T = 10
    t = np.arange(1, T + 1)
    np.testing.assert_allclose(schedules.InverseSqrt(2.0, cap=1.0).steps(T), np.minimum(1.0, 2 / np.sqrt(t)))
    np.testing.assert_allclose(schedules.ConstantSqrtT(2.0).steps(T), np.full(T, 2 / math.sqrt(T)))
    np.testing.assert_allclose(schedules.InverseTime(0.5, 1.5, 4.0).steps(T), 1.5 / (0.5 * (t + 4)))
    np.testing.assert_allclose(schedules.LinearDecay(1.0).steps(T), (T - t + 1) / T**1.5)
    np.testing.assert_allclose(schedules.InversePower(1.0, 1.5).steps(T), t ** (-1 / 1.5))
    assert schedules.InverseSqrt().anytime and not schedules.LinearDecay().anytime
    assert not schedules.ConstantSqrtT().anytime and schedules.InversePower().anytime


@pytest.mark.parametrize("kwargs, field", [
    (dict(name="cosine", eta=1.0), "schedule"),
    (dict(name="inverse_sqrt", eta=0.0), "eta"),
    (dict(name="inverse_time", eta=1.0, mu=0.0), "mu"),
    (dict(name="inverse_power", eta=1.0, p=2.5), "p"),
    (dict(name="inverse_sqrt", eta=1.0, cap=-1.0), "cap"),
])
def test_schedule_errors_name_the_field(kwargs, field):
    name = kwargs.pop("name")
    with pytest.raises(ConfigError) as info:
        schedules.make_schedule(name, **kwargs)
    assert info.value.field == field


def test_problem_errors_name_the_field():
    with pytest.raises(ConfigError) as info:
        problems.StochasticProblem("linear", np.ones(2), radius=0.0)
    assert info.value.field == "radius"
    with pytest.raises(ConfigError) as info:
        problems.StochasticProblem("l1", np.ones(4), radius=1.0, x1=1.0)
    assert info.value.field == "x1"


def test_linear_decay_meets_the_zamani_glineur_bound():
    # deterministic subgradient method on ||x||_1 (B = sqrt(d)) from x_1 = 1 (R = sqrt(d)), eta = R/B:
    # f(x_{T+1}) - f* <= B R / sqrt(T) at every horizon (card A3, V3)
    d = 5
    horizons = [1, 2, 5, 10, 50, 200, 1000]
    gaps = algorithms.run_sgd(problems.StochasticProblem("l1", np.ones(d), x1=1.0), schedules.LinearDecay(1.0),
                              horizons, replicas=1, rng=np.random.default_rng(0), noise="none")
    assert np.all(gaps[:, 0] <= d / np.sqrt(horizons))
