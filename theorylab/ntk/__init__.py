"""Neural tangent kernels (Jacot, Gabriel, Hongler 2018): the infinite-width limit kernels of deep
ReLU nets, finite-width MLPs in the NTK parameterization with their empirical NTK, and GD dynamics.

Public modules: :mod:`theorylab.ntk.analytic` (the limit kernels Sigma^(L), Theta^(L)),
:mod:`theorylab.ntk.mlp` (networks, forward pass, Jacobian, empirical NTK),
:mod:`theorylab.ntk.dynamics` (full-batch GD on the squared loss and its kernel prediction).
"""
