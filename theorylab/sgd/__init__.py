"""Last-iterate convergence of stochastic (sub)gradient methods (Liu & Zhou, ICLR 2024).

Step schedules, stochastic problem classes with several noise models, and the Harvey et al.
(COLT 2019) hard instances on which the last iterate provably carries a log T factor.
"""
