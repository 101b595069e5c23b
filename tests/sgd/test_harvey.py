"""Harvey et al. instances: kernel vs closed-form iterates, vs the NumPy reference, and the theorems' bounds."""

import numpy as np
import pytest

from theorylab.sgd import algorithms, problems, schedules


@pytest.mark.parametrize("T", [2, 8, 64, 201])
def test_strongly_convex_iterates_match_closed_form(T):
    run = algorithms.run_harvey(problems.harvey_strongly_convex(T), schedules.InverseTime(1.0).steps(T),
                                store_iterates=True)
    np.testing.assert_allclose(run.iterates, problems.harvey_strongly_convex_iterates(T), rtol=0, atol=1e-12)


@pytest.mark.parametrize("T", [2, 8, 64, 201])
@pytest.mark.parametrize("c", [1.0, 2.0, 3.5])
def test_lipschitz_iterates_match_closed_form(T, c):
    run = algorithms.run_harvey(problems.harvey_lipschitz(T, c), schedules.InverseSqrt(c).steps(T), store_iterates=True)
    np.testing.assert_allclose(run.iterates, problems.harvey_lipschitz_iterates(T, c), rtol=0, atol=1e-12)
    assert np.all(np.linalg.norm(run.iterates, axis=1) <= 1.0 + 1e-12)


@pytest.mark.parametrize("instance, schedule", [
    (problems.harvey_strongly_convex(37), schedules.InverseTime(1.0)),
    (problems.harvey_lipschitz(37, 1.5), schedules.InverseSqrt(1.5)),
    (problems.harvey_lipschitz(37, 1.0), schedules.LinearDecay(1.0)),
    (problems.harvey_strongly_convex(16), schedules.ConstantSqrtT(3.0)),  # projections active
])
def test_kernel_matches_numpy_reference(instance, schedule):
    steps = schedule.steps(instance.T)
    fast = algorithms.run_harvey(instance, steps, store_iterates=True)
    slow = algorithms.harvey_reference(instance, steps)
    np.testing.assert_allclose(fast.values, slow.values, rtol=0, atol=1e-13)
    np.testing.assert_allclose(fast.iterates, slow.iterates, rtol=0, atol=1e-13)
    assert fast.suffix == pytest.approx(slow.suffix, abs=1e-13)
    assert fast.values[-1] == pytest.approx(instance.value(fast.iterates[-1]), abs=1e-13)


def test_optimum_is_zero_at_the_origin():
    for instance in (problems.harvey_strongly_convex(50), problems.harvey_lipschitz(50, 2.0)):
        assert instance.value(np.zeros(50)) == 0.0


@pytest.mark.parametrize("T", [16, 128, 1024])
def test_theorem_lower_bounds_hold(T):
    sc = algorithms.run_harvey(problems.harvey_strongly_convex(T), schedules.InverseTime(1.0).steps(T))
    assert sc.last > np.log(T) / (4 * T)
    for c in (1.0, 2.0):
        lip = algorithms.run_harvey(problems.harvey_lipschitz(T, c), schedules.InverseSqrt(c).steps(T))
        assert lip.last > np.log(T) / (32 * c * np.sqrt(T))


def test_lipschitz_values_increase_as_stated():
    # Thm 3.5 (c = 1): f(x_{i+1}) >= f(x_i) + 1 / (32 sqrt(T) (T - i + 1)) for i <= T; the margin is
    # ~1e-7 at T = 1024, so only round-off slack is allowed.
    T = 512
    values = algorithms.run_harvey(problems.harvey_lipschitz(T), schedules.InverseSqrt(1.0).steps(T)).values
    i = np.arange(1, T + 1)
    assert np.all(np.diff(values) - 1.0 / (32 * np.sqrt(T) * (T - i + 1)) > -1e-12)


def test_wrong_step_length_is_rejected():
    with pytest.raises(ValueError, match="steps"):
        algorithms.run_harvey(problems.harvey_strongly_convex(8), np.ones(7))
