"""Content-addressed results: one npz (arrays) and one JSON (everything else) per run.

The key hashes the experiment's name and version, the fingerprint of the code that produced it,
its config and the seed. Files are written to a temporary name and renamed into place (atomic on
POSIX), the JSON last, so a run counts as stored only when both are complete: an interrupted sweep
loses nothing already finished and never leaves a half-written result behind.

A stored entry is served only if it is the result of the request: on every read the JSON's
request (experiment, version, code fingerprint, config, seed) is compared with the caller's, and a
checksum of the arrays with the npz. A mismatch, or a file that cannot be read, gives one
:class:`StoreWarning` naming the file, and the run is recomputed (the entry is overwritten).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from theorylab.trace import Trace


class StoreWarning(UserWarning):
    """A stored entry was unreadable or did not match its request; it is recomputed."""


def request_record(experiment: str, version: int, config: Any, seed: int, fingerprint: str = "") -> dict:
    """What a stored result must match: the request, in JSON-normal form."""
    payload = {"experiment": experiment, "version": version, "fingerprint": fingerprint, "seed": seed,
               "config": dataclasses.asdict(config) if dataclasses.is_dataclass(config) else config}
    return json.loads(json.dumps(payload, sort_keys=True, default=_json_default))


def result_key(experiment: str, version: int, config: Any, seed: int, fingerprint: str = "") -> str:
    """Stable hash of (experiment, version, code fingerprint, config, seed)."""
    text = json.dumps(request_record(experiment, version, config, seed, fingerprint), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def arrays_checksum(arrays: dict[str, np.ndarray]) -> str:
    """Hash of the names, dtypes, shapes and bytes of ``arrays``."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        values = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}|{values.dtype.str}|{values.shape}|".encode())
        digest.update(values.tobytes())
    return digest.hexdigest()[:32]


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

    def load(self, experiment: str, key: str, request: dict | None = None) -> Trace | None:
        """The stored trace, or None when it is absent, incomplete, corrupt or foreign.

        Parameters
        ----------
        experiment, key : str
        request : dict, optional
            :func:`request_record` of the caller's request; the stored one must equal it.
        """
        npz_path, json_path = self.paths(experiment, key)
        if not json_path.exists() or not npz_path.exists():
            return None
        try:
            return self._read(npz_path, json_path, request)
        except Exception as exc:  # noqa: BLE001 -- any unreadable entry is recomputed, never served
            warnings.warn(f"stored result {json_path} (and {npz_path.name}) is not usable ({exc}); recomputing",
                          StoreWarning, stacklevel=2)
            return None

    @staticmethod
    def _read(npz_path: Path, json_path: Path, request: dict | None) -> Trace:
        record = json.loads(json_path.read_text())
        if not isinstance(record, dict) or not {"scalars", "diverged", "diverged_at", "meta"} <= set(record):
            raise ValueError("the JSON record is incomplete")
        if request is not None and record.get("request") != request:
            stored = record.get("request") or {}
            differing = sorted(k for k in set(stored) | set(request) if stored.get(k) != request.get(k))
            raise ValueError(f"it was stored for another request (differs in: {', '.join(differing) or 'all'})")
        with np.load(npz_path, allow_pickle=False) as handle:
            arrays = {name: handle[name] for name in handle.files}
        if "checksum" in record and arrays_checksum(arrays) != record["checksum"]:
            raise ValueError("its arrays do not match the recorded checksum")
        t = arrays["t"]
        metrics = {name[2:]: values for name, values in arrays.items() if name.startswith("m:")}
        if t.ndim != 1 or any(v.shape != t.shape for v in metrics.values()):
            raise ValueError("its arrays have inconsistent shapes")
        return Trace(t, metrics, record["scalars"], record["diverged"], record["diverged_at"], record["meta"])

    def save(self, experiment: str, key: str, trace: Trace, request: dict | None = None) -> Path:
        """Write ``trace`` atomically (with its ``request``, checked on reads); returns the JSON path."""
        npz_path, json_path = self.paths(experiment, key)
        arrays = {"t": trace.t, **{f"m:{name}": values for name, values in trace.metrics.items()}}
        _atomic_write(npz_path, lambda handle: np.savez(handle, **arrays))
        record = {"key": key, "request": request, "checksum": arrays_checksum(arrays), "scalars": trace.scalars,
                  "diverged": trace.diverged, "diverged_at": trace.diverged_at, "meta": trace.meta}
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
        """The failure record of a run, or None (an unreadable record warns and counts as none)."""
        path = self.failure_path(experiment, key)
        if not path.exists():
            return None
        try:
            record = json.loads(path.read_text())
            if not isinstance(record, dict) or "error" not in record:
                raise ValueError("not a failure record")
            return record
        except Exception as exc:  # noqa: BLE001
            warnings.warn(f"failure record {path} is not usable ({exc}); ignoring it", StoreWarning, stacklevel=2)
            return None
