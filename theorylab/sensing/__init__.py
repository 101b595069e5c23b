"""Matrix sensing: Gaussian measurement operators and factorized gradient methods.

Public modules: :mod:`theorylab.sensing.operators` (A and its adjoint, shared by every sensing
paper), :mod:`theorylab.sensing.problems` (instances), :mod:`theorylab.sensing.algorithms`
(symmetric / asymmetric / one-step GD returning Traces).
"""
