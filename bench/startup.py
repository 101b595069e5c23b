"""Start-up times of the command line: ``import theorylab``, ``theorylab --help``, ``theorylab list``.

Usage: ``python -m bench.startup [--out bench/RESULTS.md]`` -- measures each command (best of 5, in
fresh processes, warm file cache) and writes the "## Startup" section of RESULTS.md in place.
Targets (issue: start fast): import < 0.3 s, --help < 0.3 s, list < 1 s.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = [
    ("import theorylab", [sys.executable, "-c", "import theorylab"], 0.3),
    ("theorylab --help", [sys.executable, "-m", "theorylab", "--help"], 0.3),
    ("theorylab list", [sys.executable, "-m", "theorylab", "list"], 1.0),
]


def best_of(command: list[str], repeats: int = 5) -> float:
    """Best wall time of ``repeats`` runs of ``command`` (after one untimed warm-up run)."""
    subprocess.run(command, capture_output=True, check=True)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def cold_list_seconds(repeats: int = 3) -> float:
    """Best time of ``theorylab list`` with an empty listing cache (every paper module imported)."""
    import os
    import tempfile

    best = float("inf")
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as cache:
            start = time.perf_counter()
            subprocess.run(COMMANDS[2][1], capture_output=True, check=True, env={**os.environ, "XDG_CACHE_HOME": cache})
            best = min(best, time.perf_counter() - start)
    return best


def section() -> str:
    lines = ["## Startup", "", "Best of 5 fresh processes, warm file cache (`python -m bench.startup`). `list` reads "
             "a cache keyed on every source file; the first `list` after a code change imports every paper "
             "(cvxpy, scipy.stats, numba) and takes seconds.", "",
             "| command | seconds | target | met |", "|---|---|---|---|"]
    for label, command, target in COMMANDS:
        seconds = best_of(command)
        lines.append(f"| `{label}` | {seconds:.2f} | < {target:g} | {'yes' if seconds < target else 'no'} |")
    lines.append(f"| `theorylab list`, empty cache | {cold_list_seconds():.2f} | - | - |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(Path(__file__).with_name("RESULTS.md")))
    out = Path(parser.parse_args().out)
    text = out.read_text() if out.exists() else ""
    new = section()
    if "## Startup" in text:
        text = re.sub(r"## Startup\n.*?(?=\n## |\Z)", new.rstrip("\n") + "\n", text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + new
    out.write_text(text)
    print(new)


if __name__ == "__main__":
    main()
