import numpy as np
import pytest

from theorylab.convex_relu import adversarial, arrangements, data, programs


def _data(seed=0):
    rng = np.random.default_rng(seed)
    X, y, Xt, yt = data.correlated_classification(40, 60, 6, rng, gap=0.3)
    return X, y, Xt, yt, arrangements.sample_patterns(X, 6, rng), rng


def test_zero_radius_is_the_standard_program():
    X, y, _, _, D, _ = _data()
    robust = adversarial.robust_relu_program(X, y, D, 0.05, 0.0, loss="hinge")
    standard = programs.relu_program(X, y, D, 0.05, loss="hinge")
    assert abs(robust.value - standard.value) <= 1e-6 * standard.value


def test_robust_program_certifies_its_training_loss_against_attacks():
    X, y, _, _, D, rng = _data(1)
    eps, beta = 0.05, 0.05
    for loss in ("hinge", "squared"):
        sol = adversarial.robust_relu_program(X, y, D, beta, eps, loss=loss)
        U, alpha = programs.network_from_convex(sol.V, sol.W)
        penalty = beta * (np.linalg.norm(sol.V, axis=0).sum() + np.linalg.norm(sol.W, axis=0).sum())
        for X_adv in (adversarial.fgsm(X, y, U, alpha, eps, clip=None),
                      adversarial.pgd(X, y, U, alpha, eps, rng, clip=None)):
            attacked = programs.loss_value(programs.network_output(X_adv, U, alpha), y, loss)
            assert attacked <= sol.value - penalty + 1e-6 * sol.value


def test_attacks_stay_in_the_ball_and_box_and_never_move_the_bias():
    X, y, Xt, yt, D, rng = _data(2)
    sol = programs.relu_program(X, y, D, 0.05, loss="hinge")
    U, alpha = programs.network_from_convex(sol.V, sol.W)
    for X_adv in (adversarial.fgsm(Xt, yt, U, alpha, 0.1), adversarial.pgd(Xt, yt, U, alpha, 0.1, rng)):
        assert np.max(np.abs(X_adv - Xt)) <= 0.1 + 1e-12
        assert np.all(X_adv[:, :-1] >= 0) and np.all(X_adv[:, :-1] <= 1)
        assert np.array_equal(X_adv[:, -1], Xt[:, -1])
    clean = adversarial.accuracy(Xt, yt, U, alpha)
    assert adversarial.accuracy(adversarial.pgd(Xt, yt, U, alpha, 0.1, rng), yt, U, alpha) <= clean


def test_linear_attack_is_the_exact_worst_case():
    import itertools

    from theorylab.convex_relu import adversarial

    rng = np.random.default_rng(3)
    X = np.hstack([rng.uniform(0.1, 0.9, (25, 3)), np.ones((25, 1))])
    y = np.where(rng.standard_normal(25) > 0, 1.0, -1.0)
    w = rng.standard_normal(4)
    eps = 0.08
    worst = []
    for k in range(25):                                   # brute force over the box's vertices
        margins = [y[k] * (np.append(X[k, :3] + eps * np.array(s), 1.0) @ w)
                   for s in itertools.product((-1, 1), repeat=3)]
        worst.append(min(margins) > 0)
    assert adversarial.linear_attack_accuracy(X, y, w, eps) == pytest.approx(np.mean(worst))


def test_robust_linear_program_certifies_its_training_margin():
    from theorylab.convex_relu import adversarial, data

    rng = np.random.default_rng(0)
    X, y, _, _ = data.correlated_classification(60, 10, 4, rng, gap=0.3)
    w = adversarial.robust_linear_program(X, y, 1e-2, 0.05)
    assert adversarial.linear_attack_accuracy(X, y, w, 0.05) <= np.mean(np.sign(X @ w) == y)
