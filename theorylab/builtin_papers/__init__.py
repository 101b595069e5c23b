"""The built-in papers, importable as ``theorylab.builtin_papers.<slug>``.

Their modules live in the checkout's ``paper_checks/`` folder (beside ``experiments/``, whose TOML
profiles they use), so that no generic top-level package named ``paper_checks`` is installed into a
user's environment. They are found by :func:`theorylab.registry.paper_sources` like any other paper.
"""

from pathlib import Path

__path__ = [str(Path(__file__).resolve().parent.parent.parent / "paper_checks")]
