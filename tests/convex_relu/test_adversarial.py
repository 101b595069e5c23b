import numpy as np

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
