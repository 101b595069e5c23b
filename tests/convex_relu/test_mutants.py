import numpy as np
import pytest

from theorylab.convex_relu import admm, arrangements, data, mutants


def _instance(seed=0, n=30, features=3, samples=4):
    rng = np.random.default_rng(seed)
    X, y = data.teacher_regression(n, features, rng)
    return X, y, arrangements.sample_patterns(X, samples, rng)


def test_refactor_bug_keeps_the_correct_iterates():
    X, y, D = _instance()
    ref = admm.admm_reference(X, y, D, 0.5, rho=3.0, iterations=15)
    out = mutants.buggy_admm(X, y, D, 0.5, rho=3.0, max_iter=15, record_every=15, bug="refactor")
    P = D.shape[1]
    assert np.allclose(out.V, ref["V"][:P].T, atol=1e-10) and np.allclose(out.W, ref["V"][P:].T, atol=1e-10)


def test_numpy_loop_records_like_the_kernel():
    X, y, D = _instance(1)
    fast = admm.admm_relu(X, y, D, 0.5, rho=3.0, max_iter=40, record_every=10, dense_until=3)
    slow = mutants.buggy_admm(X, y, D, 0.5, rho=3.0, max_iter=40, record_every=10, dense_until=3, bug="refactor")
    assert np.array_equal(fast.iterations, slow.iterations)
    for name in ("objective", "r_primal", "r_dual", "infeasibility"):
        assert np.allclose(getattr(fast, name), getattr(slow, name), rtol=1e-8, atol=1e-12), name


@pytest.mark.parametrize("bug", ["dual_sign", "no_cone", "prox_threshold", "u_rho"])
def test_each_bug_changes_the_iterates(bug):
    X, y, D = _instance(2)
    good = admm.admm_relu(X, y, D, 0.5, rho=3.0, max_iter=200, record_every=200)
    bad = mutants.buggy_admm(X, y, D, 0.5, rho=3.0, max_iter=200, record_every=200, bug=bug)
    assert not np.allclose(np.nan_to_num(bad.V), good.V, atol=1e-6) or not np.allclose(bad.objective, good.objective)


def test_unknown_bug_is_refused():
    X, y, D = _instance()
    with pytest.raises(ValueError):
        mutants.buggy_admm(X, y, D, 0.5, bug="none")


def test_refactoring_kernel_keeps_the_iterates_of_the_real_kernel():
    X, y, D = _instance(3)
    good = admm.admm_relu(X, y, D, 0.5, rho=3.0, max_iter=30, record_every=30)
    slow = mutants.refactoring_kernel(X, y, D, 0.5, rho=3.0, max_iter=30, record_every=30)
    assert np.allclose(slow.V, good.V, atol=1e-12) and np.allclose(slow.W, good.W, atol=1e-12)
    assert slow.ops_per_iter > good.ops_per_iter


def test_mutants_are_registered_for_the_paper():
    from theorylab.registry import load_paper, mutants as registered

    load_paper("convex_relu_admm")
    names = {m.name for m in registered("convex_relu_admm")}
    assert len(names) >= 5 and any(name.endswith("refactor") for name in names)
