"""Bilevel test problems whose hyper-objective is known in closed form.

Every problem is ``min_x psi(x)``, ``psi(x) = min_{y in S(x)} f(x, y)``, ``S(x) = argmin_y g(x, y)``
(optimistic selection when ``S(x)`` is not a singleton), with ``X = R^dx`` and ``Y = R^dy``. The
penalty (value-function) relaxation of Kwon, Kwon, Wright & Nowak (ICLR 2024) is

    psi_sigma(x) = min_y { f(x, y) + (g(x, y) - g*(x)) / sigma },   g*(x) = min_y g(x, y).

The five problems follow the paper card ``bilevel_penalty`` (P1-P5). They are our constructions
for testing the paper's statements, not problems from the paper (which has no experiments):

* P1 :func:`make_p1` -- strongly convex quadratic lower level, nonconvex upper level.
* P2 :func:`make_p2` -- affine lower-level solution set of dimension ``dy - m``.
* P3 :class:`CircleBilevel` -- nonconvex lower level whose solution set is the unit circle.
* P4 :class:`PBGDToy` -- PL nonconvex lower level (the toy of Shen & Chen's PBGD code, with
  gradients derived here from ``f`` and ``g`` themselves).
* P5 :class:`DegenerateBilevel` -- the error-bound modulus ``mu(x) = x^2`` vanishes at ``x = 0``.

Each problem solves its penalized inner problem ``min_y sigma f + g`` to near machine precision
(a linear solve, a cubic root, or a scan followed by Newton's method), because the x-gradient of
``psi_sigma`` amplifies inner errors by ``1 / sigma``. ``g - g*`` is always computed in a reduced
form (never as a difference of two values of ``g``) so that ``psi_sigma`` keeps its digits as
``sigma -> 0``.
"""

from __future__ import annotations

import numpy as np

UL_KINDS = {"cos": 0, "huber": 1}  # upper-level nonlinearity of the quadratic family (kernel code)
PINV_RCOND = 1e-10  # lower-level Hessians are singular by design (P2, P3): truncate round-off eigenvalues


class BilevelProblem:
    """Interface shared by the test problems (all arrays are float64 vectors).

    Subclasses define the oracles ``f, g, grad_x_f, grad_y_f, grad_x_g, grad_y_g``, the Hessian
    blocks ``hess_yy_g`` (dy x dy) and ``hess_xy_g`` (dx x dy, entries d^2 g / dx_i dy_j), the
    closed forms ``psi`` and ``grad_psi``, the lower-level solutions ``f_minimal_solution`` (the
    optimistic selection ``y*``) and ``other_solution`` (an element of ``S(x)`` that is *not*
    f-minimal, for controls), ``g_excess = g - g*`` in reduced form, and ``penalty_solution``, a
    global minimizer of ``sigma f + g`` in ``y``.
    """

    name = "problem"
    dx = 1
    dy = 1

    def g_excess(self, x: np.ndarray, y: np.ndarray) -> float:
        raise NotImplementedError

    def penalty_solution(self, x: np.ndarray, sigma: float) -> np.ndarray:
        raise NotImplementedError


# ----------------------------------------------------------------------------------------- P1, P2
class QuadraticBilevel(BilevelProblem):
    """Quadratic lower level, nonconvex upper level (problems P1 and P2).

    ``g(x, y) = y^T H y / 2 - y^T J x + x^T K x / 2`` with ``H`` positive semidefinite and
    ``J x`` in the range of ``H``, so ``S(x) = H^+ J x + null(H)``;
    ``f(x, y) = ||y - C x - e||^2 / 2 + beta * sum_i phi(x_i)`` with ``phi = cos`` (``ul="cos"``, the
    default) or the Huber function of width 1 (``ul="huber"``, the plateau instance :func:`make_plateau`).

    With ``P = H^+ H`` (projector on the range of ``H``) and ``z = C x + e``, the f-minimal
    solution is ``y* = H^+ J x + (I - P) z``, ``psi(x) = beta sum phi(x_i) + ||r||^2 / 2`` with
    ``r = P z - H^+ J x``, and ``grad psi = beta phi'(x) + (P C - H^+ J)^T r``.
    """

    def _ul(self, x):
        if self.ul_kind == 1:
            a = np.abs(x)
            return self.beta * float(np.sum(np.where(a <= 1.0, 0.5 * x * x, a - 0.5)))
        return self.beta * float(np.sum(np.cos(x)))

    def _ul_grad(self, x):
        if self.ul_kind == 1:
            return self.beta * np.clip(x, -1.0, 1.0)
        return -self.beta * np.sin(x)

    def __init__(self, H, J, K, C, e, beta: float, name: str, ul: str = "cos"):
        self.H, self.J, self.K, self.C, self.e = (np.ascontiguousarray(a, dtype=float) for a in (H, J, K, C, e))
        self.beta = float(beta)
        self.name = name
        if ul not in UL_KINDS:
            raise ValueError(f"ul must be one of {tuple(UL_KINDS)}, got {ul!r}")
        self.ul = ul
        self.ul_kind = UL_KINDS[ul]
        self.dy, self.dx = self.J.shape
        self.H_pinv = np.linalg.pinv(self.H, rcond=PINV_RCOND, hermitian=True)
        self.P = self.H_pinv @ self.H
        self.HpJ = self.H_pinv @ self.J
        self.G = self.P @ self.C - self.HpJ  # d r / d x

    # oracles
    def f(self, x, y):
        return 0.5 * float(np.sum((y - self.C @ x - self.e) ** 2)) + self._ul(x)

    def g(self, x, y):
        return 0.5 * float(y @ self.H @ y) - float(y @ self.J @ x) + 0.5 * float(x @ self.K @ x)

    def grad_x_f(self, x, y):
        return -self.C.T @ (y - self.C @ x - self.e) + self._ul_grad(x)

    def grad_y_f(self, x, y):
        return y - self.C @ x - self.e

    def grad_x_g(self, x, y):
        return -self.J.T @ y + self.K @ x

    def grad_y_g(self, x, y):
        return self.H @ y - self.J @ x

    def hess_yy_g(self, x, y):
        return self.H

    def hess_xy_g(self, x, y):
        return -self.J.T

    # lower level and hyper-objective
    def other_solution(self, x):
        """The minimum-norm lower-level solution ``H^+ J x`` (not f-minimal in general)."""
        return self.HpJ @ x

    def f_minimal_solution(self, x):
        z = self.C @ x + self.e
        return self.HpJ @ x + z - self.P @ z

    def g_excess(self, x, y):
        d = y - self.HpJ @ x
        return 0.5 * float(d @ self.H @ d)

    def psi(self, x):
        r = self.P @ (self.C @ x + self.e) - self.HpJ @ x
        return self._ul(x) + 0.5 * float(r @ r)

    def grad_psi(self, x):
        r = self.P @ (self.C @ x + self.e) - self.HpJ @ x
        return self._ul_grad(x) + self.G.T @ r

    def penalty_solution(self, x, sigma):
        """``argmin_y sigma f + g = (sigma I + H)^{-1} (sigma (C x + e) + J x)`` (exact linear solve)."""
        rhs = sigma * (self.C @ x + self.e) + self.J @ x
        return np.linalg.solve(self.H + sigma * np.eye(self.dy), rhs)

    def penalty_gradient_reduced(self, x, sigma):
        """``grad psi_sigma`` without the ``1 / sigma`` cancellation (exact algebra for this family).

        ``y_sigma - H^+ J x = sigma d`` with ``d = (sigma I + H)^{-1} (C x + e - H^+ J x)``, so
        ``grad psi_sigma = grad_x f(x, y_sigma) - J^T d``.
        """
        d = np.linalg.solve(self.H + sigma * np.eye(self.dy), self.C @ x + self.e - self.HpJ @ x)
        y = self.HpJ @ x + sigma * d
        return self.grad_x_f(x, y) - self.J.T @ d

    @property
    def lipschitz_g(self) -> float:
        """Largest eigenvalue of ``H`` (smoothness of ``g`` in ``y``)."""
        return float(np.linalg.eigvalsh(self.H)[-1])


def _orthogonal(rng: np.random.Generator, n: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def make_p1(rng: np.random.Generator, dx: int = 3, dy: int = 5, beta: float = 1.0) -> QuadraticBilevel:
    """P1: ``g = y^T Q y / 2 - y^T B x``, ``f = ||y - b||^2 / 2 + beta sum cos x_i``.

    ``Q = U diag(linspace(1, 10, dy)) U^T`` with ``U`` Haar-orthogonal; ``B``, ``b`` standard normal.
    The lower level is strongly convex (``mu = 1``) and ``y*(x) = Q^{-1} B x``.
    """
    U = _orthogonal(rng, dy)
    Q = (U * np.linspace(1.0, 10.0, dy)) @ U.T
    Q = 0.5 * (Q + Q.T)
    B = rng.standard_normal((dy, dx))
    b = rng.standard_normal(dy)
    return QuadraticBilevel(Q, B, np.zeros((dx, dx)), np.zeros((dy, dx)), b, beta, "P1")


def make_p2(rng: np.random.Generator, dx: int = 3, dy: int = 6, m: int = 2, beta: float = 1.0) -> QuadraticBilevel:
    """P2: ``g = ||A y - M x||^2 / 2``, ``f = ||y - C x - e||^2 / 2 + beta sum cos x_i``.

    ``A`` (m x dy, full row rank), ``M``, ``C``, ``e`` standard normal. ``S(x) = {y : A y = M x}``
    is an affine set of dimension ``dy - m``, ``g* = 0``.
    """
    if not 1 <= m < dy:
        raise ValueError(f"P2 needs 1 <= m < dy, got m={m}, dy={dy}")
    A = rng.standard_normal((m, dy))
    M = rng.standard_normal((m, dx))
    C = rng.standard_normal((dy, dx))
    e = rng.standard_normal(dy)
    return QuadraticBilevel(A.T @ A, A.T @ M, M.T @ M, C, e, beta, "P2")


def make_plateau(rng: np.random.Generator, eps: float, dy: int = 5) -> tuple[QuadraticBilevel, np.ndarray]:
    """P6, the plateau instance on which the eps^-3 bound is attained by the analysis's schedule.

    P1's strongly convex lower level ``g = y^T Q y / 2 - y^T B x`` (``dx = 1``) with
    ``f = ||y - C x - e||^2 / 2 + beta * huber(x)``, ``C = Q^{-1} B``, so that ``y* - C x = 0`` and
    ``psi(x) = ||e||^2 / 2 + beta huber(x)``: the lower level is coupled to ``x`` (the penalty term
    of the hypergradient is O(1)), while ``psi`` has gradient exactly ``beta = 2 eps`` on ``x > 1``.
    The start ``x0 = 1 - ln 2 + 1 / beta`` gives a fixed drop ``psi(x0) - min psi = 1 + O(eps)`` and a
    fixed smoothness ``beta <= 1``: the problem stays in one (L, Delta) class while eps shrinks, as
    the lower-bound instances for gradient descent do (Cartis, Gould & Toint 2010). Exact gradient
    descent with step ``alpha`` reaches ``|psi'| <= eps`` after ``1 / (alpha beta^2)`` steps.

    Returns
    -------
    (problem, x0)
    """
    if not 0 < eps < 0.5:
        raise ValueError(f"the plateau instance needs 0 < eps < 0.5, got {eps}")
    U = _orthogonal(rng, dy)
    Q = (U * np.linspace(1.0, 10.0, dy)) @ U.T
    Q = 0.5 * (Q + Q.T)
    B = rng.standard_normal((dy, 1))
    e = rng.standard_normal(dy)
    beta = 2.0 * eps
    problem = QuadraticBilevel(Q, B, np.zeros((1, 1)), np.linalg.solve(Q, B), e, beta, "P6", ul="huber")
    return problem, np.array([1.0 - np.log(2.0) + 1.0 / beta])


def p2_psi_sigma_reduced(problem: QuadraticBilevel, A: np.ndarray, M: np.ndarray, x: np.ndarray,
                         sigma: float) -> float:
    """Card formula for P2: ``beta sum cos x + w^T (sigma I + A A^T)^{-1} w / 2``, ``w = A(Cx + e) - Mx``.

    Used by the tests as an independent check of :func:`penalty_value`.
    """
    w = A @ (problem.C @ x + problem.e) - M @ x
    quadratic = w @ np.linalg.solve(sigma * np.eye(len(w)) + A @ A.T, w)
    return problem.beta * float(np.sum(np.cos(x))) + 0.5 * float(quadratic)


# ---------------------------------------------------------------------------------------------- P3
class CircleBilevel(BilevelProblem):
    """P3: ``g = (||y||^2 - 1)^2 / 2`` (``S`` = unit circle), ``f = ||y - p(x)||^2 / 2``.

    ``p(x) = (2 cos x, sin x)``, ``R = ||p|| >= 1``, ``u = p / R``. The f-minimal solution is ``u``,
    ``psi = (R - 1)^2 / 2`` and ``psi' = (R - 1) p.p' / R``. The penalized minimizer is ``t u``
    with ``t`` the best nonnegative root of ``2 t^3 + (sigma - 2) t - sigma R = 0``. The proximal
    error bound holds only near the circle (``y = 0`` is a spurious stationary point of ``g``).
    """

    name = "P3"
    dx = 1
    dy = 2

    @staticmethod
    def _p(x):
        return np.array([2.0 * np.cos(x[0]), np.sin(x[0])])

    @staticmethod
    def _dp(x):
        return np.array([-2.0 * np.sin(x[0]), np.cos(x[0])])

    def f(self, x, y):
        return 0.5 * float(np.sum((y - self._p(x)) ** 2))

    def g(self, x, y):
        return 0.5 * float(y @ y - 1.0) ** 2

    def grad_x_f(self, x, y):
        return np.array([-float(self._dp(x) @ (y - self._p(x)))])

    def grad_y_f(self, x, y):
        return y - self._p(x)

    def grad_x_g(self, x, y):
        return np.zeros(1)

    def grad_y_g(self, x, y):
        return 2.0 * (y @ y - 1.0) * y

    def hess_yy_g(self, x, y):
        return 2.0 * (y @ y - 1.0) * np.eye(2) + 4.0 * np.outer(y, y)

    def hess_xy_g(self, x, y):
        return np.zeros((1, 2))

    def other_solution(self, x):
        """``-u``: on the circle, but the f-maximal point of it."""
        return -self.f_minimal_solution(x)

    def f_minimal_solution(self, x):
        p = self._p(x)
        return p / np.linalg.norm(p)

    def g_excess(self, x, y):
        return self.g(x, y)

    def psi(self, x):
        return 0.5 * (np.linalg.norm(self._p(x)) - 1.0) ** 2

    def grad_psi(self, x):
        p, dp = self._p(x), self._dp(x)
        R = np.linalg.norm(p)
        return np.array([(R - 1.0) * float(p @ dp) / R])

    def penalty_solution(self, x, sigma):
        p = self._p(x)
        R = np.linalg.norm(p)
        u = p / R
        # For a fixed radius t the best direction is u, so the 2-D problem is a 1-D one in t >= 0.
        def objective(t):
            return 0.5 * sigma * (t - R) ** 2 + 0.5 * (t * t - 1.0) ** 2
        roots = np.roots([2.0, 0.0, sigma - 2.0, -sigma * R])
        real = roots[(np.abs(roots.imag) < 1e-8) & (roots.real >= 0)].real
        t = min(real, key=objective)
        for _ in range(5):  # polish the root to machine precision
            t -= (2.0 * t ** 3 + (sigma - 2.0) * t - sigma * R) / (6.0 * t * t + sigma - 2.0)
        return t * u


# ---------------------------------------------------------------------------------------------- P4
class PBGDToy(BilevelProblem):
    """P4: ``g = (x + y)^2 + x sin^2(x + y)``, ``f = cos(4y + 2) s(x) + log((4x - 2)^2 + 1) / 2``.

    ``s(x) = 1 / (1 + exp(2 - 4x))``. For ``x > 0``, ``g >= 0`` vanishes only at ``y = -x``, so
    ``y*(x) = -x``, ``psi(x) = f(x, -x)`` and ``psi' = d_x f - d_y f`` at ``y = -x``; the lower level
    is PL but nonconvex in ``y``. ``X = [0, 3]`` in the original toy; the closeness checks use
    interior points only.
    """

    name = "P4"
    dx = 1
    dy = 1

    @staticmethod
    def _s(x):
        return 1.0 / (1.0 + np.exp(2.0 - 4.0 * x))

    def f(self, x, y):
        x, y = x[0], y[0]
        return float(np.cos(4 * y + 2) * self._s(x) + 0.5 * np.log((4 * x - 2) ** 2 + 1))

    def g(self, x, y):
        x, y = x[0], y[0]
        return float((x + y) ** 2 + x * np.sin(x + y) ** 2)

    def grad_x_f(self, x, y):
        x, y = x[0], y[0]
        s = self._s(x)
        return np.array([np.cos(4 * y + 2) * 4 * s * (1 - s) + 4 * (4 * x - 2) / ((4 * x - 2) ** 2 + 1)])

    def grad_y_f(self, x, y):
        return np.array([-4.0 * np.sin(4 * y[0] + 2) * self._s(x[0])])

    def _fyy(self, x, y):
        return -16.0 * np.cos(4 * y + 2) * self._s(x)

    def grad_x_g(self, x, y):
        x, y = x[0], y[0]
        return np.array([2 * (x + y) + np.sin(x + y) ** 2 + x * np.sin(2 * (x + y))])

    def grad_y_g(self, x, y):
        x, y = x[0], y[0]
        return np.array([2 * (x + y) + x * np.sin(2 * (x + y))])

    def hess_yy_g(self, x, y):
        return np.array([[2.0 + 2.0 * x[0] * np.cos(2 * (x[0] + y[0]))]])

    def hess_xy_g(self, x, y):
        v = 2 * (x[0] + y[0])
        return np.array([[2.0 + np.sin(v) + 2.0 * x[0] * np.cos(v)]])

    def other_solution(self, x):
        return -x.copy()  # the solution is unique: there is no other element of S(x)

    def f_minimal_solution(self, x):
        return -x.copy()

    def g_excess(self, x, y):
        return self.g(x, y)

    def psi(self, x):
        return self.f(x, -x)

    def grad_psi(self, x):
        return self.grad_x_f(x, -x) - self.grad_y_f(x, -x)

    def penalty_solution(self, x, sigma, *, scan_points: int = 1201):
        """Global minimizer of ``sigma f + g`` over ``y``: dense scan on ``[-x-3, -x+3]``, then Newton.

        Newton's method on ``d/dy (sigma f + g) = 0`` reaches machine precision, unlike a
        derivative-free refinement of the value, whose minimizer is accurate only to
        ``sqrt(machine eps)`` -- too coarse once divided by ``sigma``.
        """
        xs = x[0]
        grid = -xs + np.linspace(-3.0, 3.0, scan_points)
        s = self._s(xs)
        values = sigma * np.cos(4 * grid + 2) * s + (xs + grid) ** 2 + xs * np.sin(xs + grid) ** 2
        y = grid[int(np.argmin(values))]
        for _ in range(60):
            v = 2 * (xs + y)
            slope = sigma * (-4.0 * np.sin(4 * y + 2) * s) + v + xs * np.sin(v)
            curvature = sigma * self._fyy(xs, y) + 2.0 + 2.0 * xs * np.cos(v)
            step = slope / curvature
            y -= step
            if abs(step) <= 1e-16 * max(1.0, abs(y)):
                break
        return np.array([y])


# ---------------------------------------------------------------------------------------------- P5
class DegenerateBilevel(BilevelProblem):
    """P5: ``g = x^2 y^2 / 2``, ``f = (y - 1)^2 / 2 + x^2 / 2``; the error-bound modulus is ``mu = x^2``.

    For ``x != 0``: ``S(x) = {0}``, ``psi = x^2/2 + 1/2``, ``psi_sigma = x^2/2 + x^2 / (2 (sigma + x^2))``,
    so ``psi - psi_sigma = sigma / (2 (sigma + x^2))`` and the gradient gap is
    ``x sigma / (sigma + x^2)^2``. At ``x = 0`` every ``y`` solves the lower level and ``psi(0) = 0``:
    ``psi`` is discontinuous there.
    """

    name = "P5"
    dx = 1
    dy = 1

    def f(self, x, y):
        return 0.5 * float((y[0] - 1.0) ** 2 + x[0] ** 2)

    def g(self, x, y):
        return 0.5 * float(x[0] ** 2 * y[0] ** 2)

    def grad_x_f(self, x, y):
        return x.copy()

    def grad_y_f(self, x, y):
        return y - 1.0

    def grad_x_g(self, x, y):
        return x * y ** 2

    def grad_y_g(self, x, y):
        return x ** 2 * y

    def hess_yy_g(self, x, y):
        return np.array([[x[0] ** 2]])

    def hess_xy_g(self, x, y):
        return np.array([[2.0 * x[0] * y[0]]])

    def other_solution(self, x):
        return np.zeros(1)

    def f_minimal_solution(self, x):
        return np.zeros(1) if x[0] != 0 else np.ones(1)

    def g_excess(self, x, y):
        return self.g(x, y)

    def psi(self, x):
        return 0.5 * x[0] ** 2 + (0.5 if x[0] != 0 else 0.0)

    def grad_psi(self, x):
        return x.copy()

    def penalty_solution(self, x, sigma):
        return np.array([sigma / (sigma + x[0] ** 2)])

    @staticmethod
    def modulus(x) -> float:
        """The error-bound (and quadratic-growth) modulus ``mu(x) = x^2`` of ``g(x, .)``."""
        return float(x[0] ** 2)


# ---------------------------------------------------------------------------------------------- P8
class JumpBilevel(BilevelProblem):
    """P8, a solution set that jumps (the situation of the paper's Examples 1-2; our construction).

    ``Y = [-1, 1]``, ``g = x^2 (y^2 - 1)^2 / 4``, ``f = (y - a)^2 / 2 + x`` with ``0 < a < 1``. Then
    ``S(x) = {-1, 1}`` for ``x != 0`` and ``S(0) = [-1, 1]``, so ``psi(x) = (1 - a)^2 / 2 + x`` for
    ``x != 0`` but ``psi(0) = 0``: psi jumps at 0 and the error-bound modulus ``2 x^2`` vanishes there.
    """

    name = "P8"
    dx = 1
    dy = 1

    def __init__(self, a: float = 0.5):
        self.a = float(a)

    def f(self, x, y):
        return 0.5 * float((y[0] - self.a) ** 2) + float(x[0])

    def g(self, x, y):
        return 0.25 * float(x[0] ** 2 * (y[0] ** 2 - 1.0) ** 2)

    def grad_x_f(self, x, y):
        return np.ones(1)

    def grad_y_f(self, x, y):
        return y - self.a

    def grad_x_g(self, x, y):
        return 0.5 * x * (y ** 2 - 1.0) ** 2

    def grad_y_g(self, x, y):
        return x ** 2 * (y ** 2 - 1.0) * y

    def hess_yy_g(self, x, y):
        return np.array([[x[0] ** 2 * (3.0 * y[0] ** 2 - 1.0)]])

    def hess_xy_g(self, x, y):
        return np.array([[2.0 * x[0] * (y[0] ** 2 - 1.0) * y[0]]])

    def f_minimal_solution(self, x):
        return np.ones(1) if x[0] != 0 else np.array([self.a])

    def other_solution(self, x):
        return -np.ones(1) if x[0] != 0 else np.array([self.a])

    def g_excess(self, x, y):
        return self.g(x, y)  # g* = 0

    def psi(self, x):
        return (0.5 * (1.0 - self.a) ** 2 if x[0] != 0 else 0.0) + float(x[0])

    def grad_psi(self, x):
        return np.ones(1)  # for x != 0

    def penalty_solution(self, x, sigma, *, scan_points: int = 2001):
        """Global minimizer of ``sigma f + g`` on [-1, 1]: dense scan, then Newton on the derivative."""
        k = x[0] ** 2 / sigma
        grid = np.linspace(-1.0, 1.0, scan_points)
        y = grid[int(np.argmin(0.5 * (grid - self.a) ** 2 + 0.25 * k * (grid ** 2 - 1.0) ** 2))]
        for _ in range(60):
            slope = (y - self.a) + k * (y * y - 1.0) * y
            step = slope / (1.0 + k * (3.0 * y * y - 1.0))
            y = min(1.0, max(-1.0, y - step))
            if abs(step) <= 1e-16:
                break
        return np.array([y])


# ---------------------------------------------------------------------------------------------- P7
class BoxBilevel(BilevelProblem):
    """P7: a lower level constrained to the box ``Y = [-1, 1]^dy`` whose solution sits on its boundary.

    ``g = ||y - B x||^2 / 2`` on ``Y``, ``f = ||y - C x - e||^2 / 2 + beta sum cos x_i``. The lower-level
    solution is ``y* = clip(B x, -1, 1)``: components with ``|B x|_i > 1`` are active, with KKT
    multipliers ``lambda_i = |B x|_i - 1 > 0`` (strict complementarity). ``psi = f(x, y*)`` and
    ``grad psi = grad_x f + B^T P_free grad_y f`` (``P_free`` zeroes the active components).
    """

    name = "P7"

    def __init__(self, B, C, e, beta: float = 1.0):
        self.B, self.C, self.e = (np.ascontiguousarray(a, dtype=float) for a in (B, C, e))
        self.beta = float(beta)
        self.dy, self.dx = self.B.shape

    def f(self, x, y):
        return 0.5 * float(np.sum((y - self.C @ x - self.e) ** 2)) + self.beta * float(np.sum(np.cos(x)))

    def g(self, x, y):
        return 0.5 * float(np.sum((y - self.B @ x) ** 2))

    def grad_x_f(self, x, y):
        return -self.C.T @ (y - self.C @ x - self.e) - self.beta * np.sin(x)

    def grad_y_f(self, x, y):
        return y - self.C @ x - self.e

    def grad_x_g(self, x, y):
        return -self.B.T @ (y - self.B @ x)

    def grad_y_g(self, x, y):
        return y - self.B @ x

    def hess_yy_g(self, x, y):
        return np.eye(self.dy)

    def hess_xy_g(self, x, y):
        return -self.B.T

    def constraints(self, y):
        """``c(y) <= 0`` with ``c = (y - 1, -1 - y)`` (2 dy rows) and its Jacobian."""
        eye = np.eye(self.dy)
        return np.concatenate([y - 1.0, -1.0 - y]), np.vstack([eye, -eye])

    def f_minimal_solution(self, x):
        return np.clip(self.B @ x, -1.0, 1.0)

    def other_solution(self, x):
        return self.f_minimal_solution(x)  # the solution is unique

    def g_excess(self, x, y):
        r, r0 = y - self.B @ x, self.f_minimal_solution(x) - self.B @ x
        return 0.5 * float(r @ r - r0 @ r0)

    def psi(self, x):
        return self.f(x, self.f_minimal_solution(x))

    def grad_psi(self, x):
        y = self.f_minimal_solution(x)
        free = (np.abs(self.B @ x) < 1.0).astype(float)
        return self.grad_x_f(x, y) + self.B.T @ (free * self.grad_y_f(x, y))

    def penalty_solution(self, x, sigma):
        # sigma ||y - z||^2 / 2 + ||y - B x||^2 / 2 is isotropic: its box minimizer is a clipped average
        return np.clip((sigma * (self.C @ x + self.e) + self.B @ x) / (1.0 + sigma), -1.0, 1.0)


def make_box(rng: np.random.Generator, dx: int = 2, dy: int = 4) -> BoxBilevel:
    """P7 with ``B`` of scale 1.5 (so that some ``|B x|_i`` exceed 1 at ``x ~ U[-2, 2]^dx``), ``C``, ``e`` normal."""
    return BoxBilevel(1.5 * rng.standard_normal((dy, dx)), rng.standard_normal((dy, dx)), rng.standard_normal(dy))


def kkt_hypergradient(problem, x: np.ndarray, y: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Theorem 3.2 with lower-level constraints ``c(y) <= 0`` (card F2): the KKT-matrix form.

    ``grad psi = grad_x f - [0, grad^2_xy g] (grad^2_(lambda, y) L)^+ [0; grad_y f]`` with
    ``L = g + lambda_I^T c_I(y)`` over the active set ``I = {i : c_i(y) >= -tol}`` at ``sigma = 0``
    (constraints that do not depend on ``x`` and are affine, so ``grad^2_yy L = grad^2_yy g``).
    """
    c, jac = problem.constraints(y)
    A = jac[c >= -tol]
    H = np.atleast_2d(problem.hess_yy_g(x, y))
    k, dy = A.shape[0], H.shape[0]
    kkt = np.block([[np.zeros((k, k)), A], [A.T, H]])
    rhs = np.concatenate([np.zeros(k), problem.grad_y_f(x, y)])
    w = np.linalg.pinv(kkt, rcond=PINV_RCOND, hermitian=True) @ rhs
    cross = np.hstack([np.zeros((problem.dx, k)), problem.hess_xy_g(x, y)])
    return problem.grad_x_f(x, y) - cross @ w


def kkt_multipliers(problem, x: np.ndarray, y: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Least-squares multipliers of the active constraints: ``A_I^T lambda = -grad_y g`` (stationarity at sigma = 0)."""
    c, jac = problem.constraints(y)
    A = jac[c >= -tol]
    if A.shape[0] == 0:
        return np.zeros(0)
    return np.linalg.lstsq(A.T, -problem.grad_y_g(x, y), rcond=None)[0]


# --------------------------------------------------------------------------------- user problems
class UserBilevel(BilevelProblem):
    """A bilevel problem handed in as functions: ``f``, ``g`` and their first derivatives.

    Parameters
    ----------
    f, g : callable ``(x, y) -> float``
    grad_x_f, grad_y_f, grad_x_g, grad_y_g : callable ``(x, y) -> ndarray``
    dx, dy : int
    psi, grad_psi : callable ``x -> float / ndarray``, optional
        Closed forms of the hyper-objective. Default: ``psi(x) = f(x, z*(x))`` with ``z*`` the inner
        solution of ``min_y g`` (right when the lower-level solution is unique) and ``grad_psi`` by
        central differences of ``psi`` (step ``fd_step``).
    hess_yy_g, hess_xy_g : callable, optional
        Second derivatives, used only by Theorem 3.2's formula and the gap coefficient (default:
        central differences of ``grad_y g``).
    y0 : ndarray, optional
        Start of the inner solver (default zeros); ``bounds``: optional box for ``y`` (scipy format).
    name : str

    Notes
    -----
    The inner problems ``min_y sigma f + g`` and ``min_y g`` are solved by L-BFGS-B with the given
    gradients to a gradient tolerance of ``inner_gtol`` (then Newton steps when ``hess_yy_g`` is given):
    a local solver, so the lower level should have a unique (or error-bound) solution near ``y0``.
    ``g - g*`` is the difference of two values of ``g`` -- it loses digits once it falls near
    ``1e-16 |g|``, so keep ``sigma >= 1e-5`` for user problems.
    """

    def __init__(self, f, g, grad_x_f, grad_y_f, grad_x_g, grad_y_g, dx: int, dy: int, *, psi=None, grad_psi=None,
                 hess_yy_g=None, hess_xy_g=None, y0=None, bounds=None, name: str = "user", inner_gtol: float = 1e-13,
                 fd_step: float = 1e-5):
        self._f, self._g = f, g
        self._gxf, self._gyf, self._gxg, self._gyg = grad_x_f, grad_y_f, grad_x_g, grad_y_g
        self.dx, self.dy, self.name = int(dx), int(dy), name
        self._psi, self._grad_psi, self._hyy, self._hxy = psi, grad_psi, hess_yy_g, hess_xy_g
        self.y0 = np.zeros(self.dy) if y0 is None else np.asarray(y0, dtype=float)
        self.bounds, self.inner_gtol, self.fd_step = bounds, float(inner_gtol), float(fd_step)

    def f(self, x, y):
        return float(self._f(x, y))

    def g(self, x, y):
        return float(self._g(x, y))

    def grad_x_f(self, x, y):
        return np.asarray(self._gxf(x, y), dtype=float)

    def grad_y_f(self, x, y):
        return np.asarray(self._gyf(x, y), dtype=float)

    def grad_x_g(self, x, y):
        return np.asarray(self._gxg(x, y), dtype=float)

    def grad_y_g(self, x, y):
        return np.asarray(self._gyg(x, y), dtype=float)

    def hess_yy_g(self, x, y):
        """Given, or central differences of ``grad_y g`` in ``y`` (step 1e-6, symmetrized)."""
        if self._hyy is not None:
            return np.atleast_2d(np.asarray(self._hyy(x, y), dtype=float))
        h = 1e-6
        H = np.array([(self.grad_y_g(x, y + h * e) - self.grad_y_g(x, y - h * e)) / (2 * h) for e in np.eye(self.dy)])
        return 0.5 * (H + H.T)

    def hess_xy_g(self, x, y):
        """Given, or central differences of ``grad_y g`` in ``x`` (dx x dy, entries d^2 g / dx_i dy_j)."""
        if self._hxy is not None:
            return np.atleast_2d(np.asarray(self._hxy(x, y), dtype=float))
        h = 1e-6
        return np.array([(self.grad_y_g(x + h * e, y) - self.grad_y_g(x - h * e, y)) / (2 * h)
                         for e in np.eye(self.dx)])

    def _solve(self, x, sigma):
        """``argmin_y sigma f(x, y) + g(x, y)`` by L-BFGS-B from ``y0`` (``sigma = 0``: the lower level)."""
        from scipy.optimize import minimize

        def fun(y):
            value = self.g(x, y) + (sigma * self.f(x, y) if sigma else 0.0)
            grad = self.grad_y_g(x, y) + (sigma * self.grad_y_f(x, y) if sigma else 0.0)
            return value, grad
        res = minimize(fun, self.y0, jac=True, method="L-BFGS-B", bounds=self.bounds,
                       options={"gtol": self.inner_gtol, "ftol": 1e-16, "maxiter": 20000, "maxcor": 30})
        y = res.x
        if self.bounds is None:  # polish: Newton steps with a central-difference Hessian of the gradient
            for _ in range(3):
                grad = fun(y)[1]
                if not np.linalg.norm(grad) > 1e-15:
                    break
                h = 1e-6
                H = np.array([(fun(y + h * e)[1] - fun(y - h * e)[1]) / (2 * h) for e in np.eye(self.dy)]).T
                step = np.linalg.lstsq(0.5 * (H + H.T), grad, rcond=None)[0]
                if fun(y - step)[0] > fun(y)[0] + 1e-14 * max(1.0, abs(fun(y)[0])):
                    break
                y = y - step
        return y

    def lower_level_solution(self, x):
        return self._solve(x, 0.0)

    def f_minimal_solution(self, x):
        return self.lower_level_solution(x)

    def other_solution(self, x):
        return self.lower_level_solution(x)

    def penalty_solution(self, x, sigma):
        return self._solve(x, sigma)

    def g_excess(self, x, y):
        return self.g(x, y) - self.g(x, self.lower_level_solution(x))

    def psi(self, x):
        if self._psi is not None:
            return float(self._psi(x))
        return self.f(x, self.lower_level_solution(x))

    def grad_psi(self, x):
        if self._grad_psi is not None:
            return np.asarray(self._grad_psi(x), dtype=float)
        h = self.fd_step
        return np.array([(self.psi(x + h * e) - self.psi(x - h * e)) / (2 * h) for e in np.eye(self.dx)])


_USER_PROBLEMS: dict = {}


def register_problem(name: str, factory) -> None:
    """Make a problem available to the experiments under ``problem = name``.

    ``factory(rng)`` returns ``(problem, x)``: a :class:`BilevelProblem` (e.g. a :class:`UserBilevel`)
    and the point ``x`` where closeness is measured (also the start of the algorithms). The name
    must identify the problem (it is part of the store key); the built-in names are reserved.
    Registration lives in the process: run user problems with ``workers=1`` (or register them in a
    module that the workers import).
    """
    if name in ("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"):
        raise ValueError(f"{name!r} is a built-in problem name")
    _USER_PROBLEMS[name] = factory


def registered_problems() -> tuple[str, ...]:
    """Names of the problems handed in with :func:`register_problem`."""
    return tuple(_USER_PROBLEMS)


def build_registered(name: str, rng: np.random.Generator):
    """``(problem, x)`` of the registered problem ``name``."""
    problem, x = _USER_PROBLEMS[name](rng)
    return problem, np.asarray(x, dtype=float)


# ------------------------------------------------------------------------------- penalty quantities
def penalty_value(problem: BilevelProblem, x: np.ndarray, sigma: float) -> float:
    """``psi_sigma(x) = f(x, y_sigma) + (g(x, y_sigma) - g*(x)) / sigma`` at the inner minimizer ``y_sigma``."""
    y = problem.penalty_solution(x, sigma)
    return problem.f(x, y) + problem.g_excess(x, y) / sigma


def penalty_gradient(problem: BilevelProblem, x: np.ndarray, sigma: float) -> np.ndarray:
    """Danskin-type gradient of ``psi_sigma`` (card F1; first-order oracles only).

    ``grad psi_sigma(x) = grad_x f(x, y_sigma) + (grad_x g(x, y_sigma) - grad_x g(x, y_0)) / sigma``
    for any ``y_sigma`` in ``S_sigma(x)`` and any ``y_0`` in ``S(x)``; here ``y_0`` is
    ``other_solution`` on purpose, to exercise the "any y_0" part.
    """
    y = problem.penalty_solution(x, sigma)
    z = problem.other_solution(x)
    return problem.grad_x_f(x, y) + (problem.grad_x_g(x, y) - problem.grad_x_g(x, z)) / sigma


def inner_residual(problem: BilevelProblem, x: np.ndarray, sigma: float) -> float:
    """``||sigma grad_y f + grad_y g||`` at the computed ``y_sigma``: how well the inner problem was solved."""
    y = problem.penalty_solution(x, sigma)
    return float(np.linalg.norm(sigma * problem.grad_y_f(x, y) + problem.grad_y_g(x, y)))


def multi_solution_hypergradient(problem: BilevelProblem, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The hypergradient formula of Theorem 3.2 (card F2), unconstrained lower level.

    ``grad psi(x) = grad_x f(x, y) - grad^2_xy g(x, y) [grad^2_yy g(x, y)]^+ grad_y f(x, y)``,
    correct when ``y`` is the f-minimal element of ``S(x)`` (the limit of ``S_sigma(x)``).
    """
    H = problem.hess_yy_g(x, y)
    v = np.linalg.pinv(np.atleast_2d(H), rcond=PINV_RCOND, hermitian=True) @ problem.grad_y_f(x, y)
    return problem.grad_x_f(x, y) - problem.hess_xy_g(x, y) @ v


def gap_coefficient(problem: BilevelProblem, x: np.ndarray) -> float:
    """``grad_y f^T [grad^2_yy g]^+ grad_y f`` at the f-minimal solution (card F3, derived [D]).

    The predicted first-order gap is ``psi - psi_sigma = (sigma / 2) * gap_coefficient + O(sigma^2)``.
    """
    y = problem.f_minimal_solution(x)
    gf = problem.grad_y_f(x, y)
    H = np.atleast_2d(problem.hess_yy_g(x, y))
    return float(gf @ np.linalg.pinv(H, rcond=PINV_RCOND, hermitian=True) @ gf)


def make_problem(name: str, rng: np.random.Generator, **sizes) -> BilevelProblem:
    """Build problem ``name`` in {"p1", ..., "p5"}; P1/P2 draw their data from ``rng``."""
    if name == "p1":
        return make_p1(rng, **sizes)
    if name == "p2":
        return make_p2(rng, **sizes)
    fixed = {"p3": CircleBilevel, "p4": PBGDToy, "p5": DegenerateBilevel, "p8": JumpBilevel}
    if name not in fixed:
        raise ValueError(f"unknown problem {name!r}; expected one of p1..p5")
    return fixed[name]()


def degenerate_gaps(xs: np.ndarray, sigma: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P5 at the points ``xs``: ``(mu, psi - psi_sigma, |grad psi_sigma - grad psi|)`` via the inner solve."""
    problem = DegenerateBilevel()
    points = [np.array([x]) for x in np.asarray(xs, dtype=float)]
    gap = np.array([problem.psi(x) - penalty_value(problem, x, sigma) for x in points])
    grad_gap = np.array([abs(penalty_gradient(problem, x, sigma)[0] - problem.grad_psi(x)[0]) for x in points])
    return np.array([problem.modulus(x) for x in points]), gap, grad_gap
