"""Penalty methods for bilevel optimization (Kwon, Kwon, Wright, Nowak, ICLR 2024).

Test problems with closed-form hyper-objectives, the value-function penalty psi_sigma, and
first-order penalty algorithms (double loop, single loop with momentum) beside an
implicit-differentiation baseline.
"""
