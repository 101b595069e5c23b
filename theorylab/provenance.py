"""What produced a result: package versions, git state, threading, machine."""

from __future__ import annotations

import functools
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

_PACKAGES = ("theorylab", "numpy", "scipy", "numba", "cvxpy", "matplotlib")
_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")


@functools.lru_cache(maxsize=1)
def package_versions() -> dict[str, str]:
    """Versions of Python and of the packages a result depends on."""
    versions = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@functools.lru_cache(maxsize=1)
def git_state() -> dict[str, object]:
    """Commit SHA and dirty flag of the checkout theorylab runs from (None outside git)."""
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    sha = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    # Untracked source under the package and paper folders changes results too (a new simulator).
    untracked = git("ls-files", "--others", "--exclude-standard", "--", "theorylab", "paper_checks", "experiments")
    untracked_files = [line for line in (untracked or "").splitlines() if line.strip()]
    dirty = None if status is None else bool(status) or bool(untracked_files)
    return {"sha": sha, "dirty": dirty, "untracked": len(untracked_files)}


def numba_threading_layer() -> str:
    """The threading layer Numba uses (or the configured one before any parallel kernel ran)."""
    import numba

    try:
        return numba.threading_layer()
    except ValueError:
        return f"not yet chosen (configured: {numba.config.THREADING_LAYER})"


@functools.lru_cache(maxsize=1)
def machine() -> dict[str, object]:
    """CPU model, core count and the thread-count environment variables."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    threads = {name: os.environ.get(name) for name in _THREAD_VARIABLES}
    return {"cpu": cpu, "cores": os.cpu_count(), "platform": platform.platform(), "threads": threads}


def provenance() -> dict[str, object]:
    """Everything above in one JSON-serializable dictionary."""
    return {
        "versions": package_versions(),
        "git": git_state(),
        "numba_threading_layer": numba_threading_layer(),
        "machine": machine(),
    }
