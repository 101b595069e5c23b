import numpy as np
import pytest

from theorylab.ntk import _kernels, analytic, dynamics, mlp


def small_net(depth=4, width=6, beta=0.1, n0=3, seed=0):
    return mlp.init_mlp(np.random.default_rng(seed), n0, width, depth, beta)


@pytest.mark.parametrize("depth", [2, 3, 4])
def test_forward_matches_reference(depth):
    net = small_net(depth)
    X = np.random.default_rng(1).standard_normal((5, 3))
    np.testing.assert_allclose(mlp.forward(net, X), mlp.forward_reference(net, X)[1], atol=1e-13)


@pytest.mark.parametrize("depth,beta", [(2, 0.0), (3, 0.1), (4, 1.0)])
def test_empirical_ntk_matches_explicit_jacobian(depth, beta):
    net = small_net(depth, beta=beta)
    rng = np.random.default_rng(2)
    X, Y = rng.standard_normal((5, 3)), rng.standard_normal((4, 3))
    np.testing.assert_allclose(mlp.empirical_ntk(net, X, Y), mlp.ntk_reference(net, X, Y), atol=1e-12)


def test_jacobian_reference_matches_finite_differences():
    net = small_net(3, width=4)
    X = np.random.default_rng(3).standard_normal((2, 3))
    J = mlp.jacobian_reference(net, X)
    assert J.shape == (2, net.n_params)
    eps, offset = 1e-6, 0
    numeric = np.empty_like(J)
    for array in net.arrays():
        flat = array.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            up = mlp.forward_reference(net, X)[1]
            flat[i] = old - eps
            down = mlp.forward_reference(net, X)[1]
            flat[i] = old
            numeric[:, offset + i] = (up - down) / (2 * eps)
        offset += flat.size
    np.testing.assert_allclose(J, numeric, atol=1e-6)


@pytest.mark.parametrize("depth,beta", [(2, 0.5), (3, 0.0), (4, 0.1)])
def test_gd_kernel_matches_reference_steps(depth, beta):
    net = small_net(depth, width=5, beta=beta)
    rng = np.random.default_rng(4)
    X = rng.standard_normal((6, 3))
    y = rng.standard_normal(6)
    reference = net.copy()
    for _ in range(3):
        reference = mlp.gd_step_reference(reference, X, y, 0.7)
    trained = net.copy()
    result = dynamics.train(trained, X, y, eta=0.7, steps=3)
    for a, b in zip(trained.arrays(), reference.arrays()):
        np.testing.assert_allclose(a, b, atol=1e-12)
    _, f = mlp.forward_reference(reference, X)
    assert result.loss[-1] == pytest.approx(0.5 * np.mean((f - y) ** 2), rel=1e-12)


def test_training_is_deterministic_and_records_kernels():
    X = np.random.default_rng(5).standard_normal((4, 2))
    y = X[:, 0] * X[:, 1]
    out = []
    for _ in range(2):
        net = mlp.init_mlp(np.random.default_rng(7), 2, 16, 3, 0.1)
        res = dynamics.train(net, X, y, eta=1.0, steps=10, X_kernel=X, record_every=5)
        out.append(res)
    np.testing.assert_array_equal(out[0].loss, out[1].loss)
    assert out[0].kernels.shape == (3, 4, 4)
    np.testing.assert_allclose(out[0].kernels[0], mlp.empirical_ntk(mlp.init_mlp(np.random.default_rng(7), 2, 16, 3, 0.1), X),
                               atol=1e-12)


def test_divergence_stops_the_loop():
    net = small_net(3, width=8, n0=2)
    X = 10 * np.random.default_rng(6).standard_normal((4, 2))
    result = dynamics.train(net, X, np.zeros(4), eta=1e6, steps=50)
    assert result.diverged and result.steps_done < 50


def test_wide_net_ntk_is_close_to_limit():
    X = analytic.equispaced_circle(6)
    net = mlp.init_mlp(np.random.default_rng(8), 2, 1024, 3, 0.1)
    K, limit = mlp.empirical_ntk(net, X), analytic.ntk(X, depth=3, beta=0.1)
    assert np.linalg.norm(K - limit) / np.linalg.norm(limit) < 0.2


def test_bad_shapes_raise():
    net = small_net()
    with pytest.raises(ValueError):
        mlp.forward(net, np.ones((3, 2)))
    with pytest.raises(ValueError):
        mlp.init_mlp(np.random.default_rng(0), 2, 4, 1, 0.1)
    with pytest.raises(ValueError):
        dynamics.train(net, np.ones((3, 3)), np.ones(2), eta=1.0, steps=1)
