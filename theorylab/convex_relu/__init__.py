"""Convex training of two-layer ReLU networks (Pilanci-Ergen programs) and its ADMM solver.

Bai, Gautam and Sojoudi, SIAM J. Math. Data Science 2023: activation patterns, the exact, sampled
and gated convex programs (cvxpy references), ADMM, the SCP method and convex adversarial training.
"""
