"""Batch Hessians and learning rates as a function of batch size (Granziol, Zohren, Roberts, JMLR 2022).

Modules: :mod:`~theorylab.rmt.models` (curvature factors of least squares, logistic regression and a
two-layer MLP's Gauss-Newton matrix), :mod:`~theorylab.rmt.hessians` (batch Hessians, extremal
eigenvalues, outlier laws), :mod:`~theorylab.rmt.lanczos` (Lanczos and stochastic Lanczos
quadrature), :mod:`~theorylab.rmt.stability` (maximal stable learning rates of SGD and Adam),
:mod:`~theorylab.rmt.crossentropy` (the indefinite cross-entropy Hessian of a tanh MLP) and
:mod:`~theorylab.rmt.mutants` (deliberately wrong simulators for ``theorylab mutate``).
"""
