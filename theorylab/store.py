"""Content-addressed results: one npz (arrays) and one JSON (everything else) per run.

The key hashes the experiment's name and version, its config and the seed. Files are written
to a temporary name and renamed into place (atomic on POSIX), the JSON last, so a run counts as
stored only when both are complete: an interrupted sweep loses nothing already finished and
never leaves a half-written result behind.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from theorylab.trace import Trace


def result_key(experiment: str, version: int, config: Any, seed: int) -> str:
    """Stable hash of (experiment, version, config, seed)."""
    payload = {"experiment": experiment, "version": version, "seed": seed,
               "config": dataclasses.asdict(config) if dataclasses.is_dataclass(config) else config}
    text = json.dumps(payload, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, tuple):
        return list(value)
    return repr(value)


class Store:
    """Results under ``root`` (default ``$THEORYLAB_RESULTS`` or ``./results``)."""

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root or os.environ.get("THEORYLAB_RESULTS", "results"))

    def paths(self, experiment: str, key: str) -> tuple[Path, Path]:
        folder = self.root / experiment
        return folder / f"{key}.npz", folder / f"{key}.json"

    def load(self, experiment: str, key: str) -> Trace | None:
        """The stored trace, or None when it is absent or incomplete."""
        npz_path, json_path = self.paths(experiment, key)
        if not json_path.exists() or not npz_path.exists():
            return None
        record = json.loads(json_path.read_text())
        with np.load(npz_path) as arrays:
            t = arrays["t"]
            metrics = {name[2:]: arrays[name] for name in arrays.files if name.startswith("m:")}
        return Trace(t, metrics, record["scalars"], record["diverged"], record["diverged_at"], record["meta"])

    def save(self, experiment: str, key: str, trace: Trace) -> Path:
        """Write ``trace`` atomically; returns the JSON path."""
        npz_path, json_path = self.paths(experiment, key)
        arrays = {"t": trace.t, **{f"m:{name}": values for name, values in trace.metrics.items()}}
        _atomic_write(npz_path, lambda handle: np.savez(handle, **arrays))
        record = {"key": key, "scalars": trace.scalars, "diverged": trace.diverged,
                  "diverged_at": trace.diverged_at, "meta": trace.meta}
        text = json.dumps(record, indent=1, sort_keys=True, default=_json_default)
        _atomic_write(json_path, lambda handle: handle.write(text.encode()))
        self.failure_path(experiment, key).unlink(missing_ok=True)
        return json_path

    # -- failures ------------------------------------------------------------------------
    def failure_path(self, experiment: str, key: str) -> Path:
        return self.root / experiment / f"{key}.error.json"

    def save_failure(self, experiment: str, key: str, error: str, details: dict[str, Any]) -> Path:
        """Record that a run raised ``error`` (kept until the run succeeds)."""
        path = self.failure_path(experiment, key)
        text = json.dumps({"key": key, "error": error, **details}, indent=1, default=_json_default)
        _atomic_write(path, lambda handle: handle.write(text.encode()))
        return path

    def load_failure(self, experiment: str, key: str) -> dict | None:
        """The failure record of a run, or None."""
        path = self.failure_path(experiment, key)
        return json.loads(path.read_text()) if path.exists() else None
