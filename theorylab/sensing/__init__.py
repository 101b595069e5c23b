"""Matrix sensing: Gaussian measurement operators and factorized gradient methods.

Public modules: :mod:`theorylab.sensing.operators` (A and its adjoint, shared by every sensing
paper); for ``matrix_sensing_overparam`` :mod:`~theorylab.sensing.problems` (instances) and
:mod:`~theorylab.sensing.algorithms` (symmetric / asymmetric / one-step GD); for
``subgm_sign_rip`` :mod:`~theorylab.sensing.subgm` (SubGM and the l2 baseline) and
:mod:`~theorylab.sensing.sign_rip` (the Sign-RIP expectation and its Monte-Carlo estimate).
"""
