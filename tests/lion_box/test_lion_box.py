"""lion_box: kernels vs NumPy references, exactness of the box fixed point, the Lyapunov inequality,
reference solutions, memory refusal."""

import dataclasses
import subprocess
import sys

import numpy as np
import pytest

import theorylab.builtin_papers.lion_box as m
from theorylab.config import build_config
from theorylab.errors import ConfigError
from theorylab.registry import experiments

GIB = 2**30


def problem(seed=0, n=40, d=6, scale=2.0):
    return m.least_squares(np.random.default_rng(seed), n, d, scale)


@pytest.mark.parametrize("method", m.METHODS)
def test_discrete_kernel_matches_numpy_reference(method):
    Q, q, x_ls = problem(1)
    x0 = 3.0 * np.sign(x_ls) * (1 + np.abs(np.random.default_rng(2).standard_normal(len(q))))
    kind, T = m.KIND[method], 300
    beta2 = 0.999 if method == "adamw" else 0.99
    out = m.lion_kernel(Q, q, x0, np.zeros_like(q), kind, m.NORMAL, 0.7, 0.02, 0.9, beta2, 1e-8, T, 10, 1, 0)
    ref = m.lion_reference(Q, q, x0, kind, 0.7, 0.02, 0.9, beta2, 1e-8, T)
    np.testing.assert_allclose(out[-1], ref[-1], rtol=1e-12, atol=1e-13)
    # recorded excess series against the reference iterates (every step recorded)
    if method != "lion_l2":
        excess = 0.7 * np.abs(ref).max(axis=1) - 1.0
        np.testing.assert_allclose(out[1][1:], excess, rtol=1e-10, atol=1e-12)


def test_kernel_phase1_statistics_match_reference():
    Q, q, x_ls = problem(3)
    lam, eps, T = 1.0, 0.01, 4000
    x0 = 3.0 * np.sign(x_ls) * (1 + np.abs(np.random.default_rng(4).standard_normal(len(q))))
    out = m.lion_kernel(Q, q, x0, np.zeros_like(q), 0, m.NORMAL, lam, eps, 0.9, 0.99, 1e-8, T, 10, 100, 0)
    xs = np.vstack([x0, m.lion_reference(Q, q, x0, 0, lam, eps, 0.9, 0.99, 1e-8, T)])
    e = lam * np.abs(xs) - 1.0
    rho_t = (1 - eps * lam) ** np.arange(T + 1)
    violation = (np.maximum(e, 0) - rho_t[:, None] * np.maximum(e[0], 0))[1:].max()
    assert out[4] == pytest.approx(violation, abs=1e-13)
    assert violation <= 1e-12  # the phase-1 bound holds
    prev, nxt = e[:-1], e[1:]
    factors = np.where(prev > m.FACTOR_FLOOR, nxt / np.where(prev > m.FACTOR_FLOOR, prev, 1.0), -np.inf)
    assert out[5] == pytest.approx(factors.max(), rel=1e-10)
    assert out[5] == pytest.approx(1 - eps * lam, rel=1e-9)  # attained exactly


@pytest.mark.parametrize("lam", [1.0, 0.5, 2.0, 0.8])
def test_active_coordinate_is_an_exact_fixed_point(lam):
    # x = 1/lam with the sign pushing outward: (1 - eps lam) / lam + eps = 1/lam up to one rounding
    eps = 0.01
    x = 1.0 / lam
    for _ in range(10000):
        x = x - eps * (-1.0 + lam * x)
    assert abs(lam * x - 1.0) <= 4e-16


def test_simulated_limit_puts_active_coordinates_on_the_box():
    config = build_config(m.LionBoxRun, {"eps": 0.01})
    trace = m.simulate_run(config, np.random.default_rng(np.random.SeedSequence(0)))
    assert trace.scalars["active_err"] < 1e-12
    assert trace.scalars["active_mismatch"] == 0
    assert trace.scalars["bound_violation"] <= 1e-12
    assert 0.01 * 0.1 < trace.scalars["inactive_err"] < 0.01 * 10


def test_ode_kernel_matches_numpy_reference():
    Q, q, _ = problem(5)
    rng = np.random.default_rng(6)
    x0 = 0.5 * rng.uniform(-1, 1, len(q))
    m0 = 2.0 * rng.standard_normal(len(q))
    args = (1.0, 1.0, 0.1, 1.0, 0.3)
    t, h, f, rise_h, rise_f, step_h, step_f = m.ode_kernel(Q, q, x0, m0, *args, 0.01, 500, 1, np.array([1.0, 1.0, 0.1, 0.3]))
    _, _, hs = m.ode_reference(Q, q, x0, m0, *args, 0.01, 500)
    np.testing.assert_allclose(h, hs, rtol=1e-11, atol=1e-11)
    assert rise_h == pytest.approx(np.diff(hs).max(), abs=1e-11)


def _vector_field(x, mo, Q, q, alpha, gamma, enh, lam, delta):
    dm = -alpha * (Q @ x - q) - gamma * mo
    mt = mo + enh * dm
    return mt / np.sqrt(mt * mt + delta**2) - lam * x, dm


@pytest.mark.parametrize("enh,lam,delta", [(0.1, 1.0, 0.3), (0.9, 2.0, 0.1), (0.5, 0.5, 1.0), (0.0, 1.0, 0.2)])
def test_lyapunov_derivative_is_nonpositive_pointwise(enh, lam, delta):
    """dH/dt = grad H . (x', m') <= 0 at random states inside dom K*; F alone has states where it rises."""
    Q, q, _ = problem(7, d=5)
    alpha = gamma = 1.0
    rng = np.random.default_rng(8)
    worst_h, worst_f, h = -np.inf, -np.inf, 1e-6
    for _ in range(300):
        x = rng.uniform(-0.95, 0.95, len(q)) / lam
        mo = 3.0 * rng.standard_normal(len(q)) / max(1.0 - enh * gamma, 0.05)  # so that m + enh m' is not just -grad f
        dx, dm = _vector_field(x, mo, Q, q, alpha, gamma, enh, lam, delta)
        (hp, fp), (hm, fm) = (m.lyapunov_values(x + s * h * dx, mo + s * h * dm, Q, q, alpha, gamma, enh, lam, delta)
                              for s in (1, -1))
        worst_h = max(worst_h, (hp - hm) / (2 * h))
        worst_f = max(worst_f, (fp - fm) / (2 * h))
    assert worst_h <= 1e-6
    assert worst_f > 0.1


def test_reference_solutions():
    Q, q, x_ls = problem(9, n=200, d=20)
    x_box = m.box_solution(Q, q, 1.0)
    grad = Q @ x_box - q
    projected = np.clip(x_box - grad, -1, 1) - x_box  # zero at the constrained minimizer
    assert np.abs(projected).max() < 1e-10
    assert np.abs(x_box).max() <= 1 + 1e-12 and np.abs(x_ls).max() > 1
    x_ball = m.ball_solution(Q, q, 1.0)
    x_sec = m.ball_solution_secular(Q, q, 1.0)
    assert np.linalg.norm(x_sec) == pytest.approx(1.0, abs=1e-12)
    assert np.linalg.norm(x_ball - x_sec) < 1e-9
    g = Q @ x_sec - q  # KKT: gradient antiparallel to x on the sphere
    assert np.dot(g, x_sec) / (np.linalg.norm(g) * np.linalg.norm(x_sec)) == pytest.approx(-1.0, abs=1e-10)


@pytest.mark.parametrize("name", [m.RUN, m.ODE])
def test_profiles_are_far_below_a_gibibyte(name):
    exp = experiments()[name]
    for profile in ("quick", "paper"):
        base, _, source = exp.profile(profile)
        config = build_config(exp.config, base, source=source)
        needed, field = config.memory_bytes()
        assert field in {f.name for f in dataclasses.fields(config)}
        assert 0 < needed < GIB / 100


@pytest.mark.parametrize("name,field", [(m.RUN, "points"), (m.RUN, "n"), (m.ODE, "points")])
def test_a_huge_size_is_refused_naming_it(name, field):
    exp = experiments()[name]
    base, _, source = exp.profile("quick")
    with pytest.raises(ConfigError) as error:
        build_config(exp.config, {**base, field: 10**13}, source=source)
    assert error.value.field == field


def test_run_refuses_before_any_work(tmp_path):
    out = subprocess.run([sys.executable, "-m", "theorylab", "run", m.RUN, "--set", "points=10000000000000",
                          "--results", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "points" in out.stderr and len(out.stderr.strip().splitlines()) == 1
