import numpy as np

from theorylab.ntk import analytic, dynamics, mlp


def problem(n=8, seed=0):
    rng = np.random.default_rng(seed)
    X = analytic.circle_points(np.sort(rng.uniform(0, 2 * np.pi, n)))
    K = analytic.ntk(X, depth=4, beta=0.1)
    return X, K, rng.standard_normal(n), rng.standard_normal(n)


def test_kernel_gd_eigencomponents_contract_at_one_minus_eta_lambda():
    X, K, f0, y = problem()
    eta, steps = 1.0, 40
    path = dynamics.kernel_gd(K, K, f0, f0, y, eta=eta, steps=steps)
    lam, V = np.linalg.eigh(K / len(y))
    coeff = (path - y) @ V
    expected = (V.T @ (f0 - y)) * (1 - eta * lam) ** np.arange(steps + 1)[:, None]
    np.testing.assert_allclose(coeff, expected, atol=1e-10)


def test_kernel_flow_is_the_small_step_limit_of_kernel_gd():
    X, K, f0, y = problem(seed=1)
    eta, steps = 1e-3, 5000
    discrete = dynamics.kernel_gd(K, K, f0, f0, y, eta=eta, steps=steps, record_every=steps)[-1]
    flow = dynamics.kernel_flow(K, f0, y, [eta * steps])[0]
    np.testing.assert_allclose(discrete, flow, atol=1e-4)
    np.testing.assert_allclose(dynamics.kernel_flow(K, f0, y, [0.0])[0], f0, atol=1e-12)


def test_wide_net_follows_its_kernel_prediction():
    X, K, _, _ = problem(6, seed=2)
    y = X[:, 0] * X[:, 1]
    net = mlp.init_mlp(np.random.default_rng(3), 2, 1024, 4, 0.1)
    f0 = mlp.forward(net, X)
    result = dynamics.train(net, X, y, eta=1.0, steps=50, record_every=50)
    predicted = dynamics.kernel_gd(K, K, f0, f0, y, eta=1.0, steps=50, record_every=50)[-1]
    assert np.linalg.norm(result.f_eval[-1] - predicted) < 0.15 * np.linalg.norm(predicted - f0)


def test_limit_posterior_interpolates_training_points():
    X, K, _, y = problem(5, seed=3)
    S = analytic.nngp(X, depth=4, beta=0.1)
    mean, sd = dynamics.limit_posterior(K, K, S, S, np.diag(S), y)
    np.testing.assert_allclose(mean, y, atol=1e-8)
    np.testing.assert_allclose(sd, 0.0, atol=1e-5)
