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
import socket
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


#: A temporary file older than this is a leftover of a killed writer and is removed.
STALE_TEMPORARY_S = 3600.0


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o666 & ~_umask())  # NamedTemporaryFile makes 0600; a shared store needs the umask's
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


_NON_FINITE = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def _standard_json(value: Any) -> Any:
    """``value`` with non-finite floats as the strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"``
    (standard JSON has no such tokens; :func:`_restore_non_finite` undoes it)."""
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, dict):
        return {k: _standard_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_standard_json(v) for v in value]
    if isinstance(value, np.ndarray):
        return _standard_json(value.tolist())
    if isinstance(value, np.generic):
        return _standard_json(value.item())
    return value


def _restore_non_finite(value: Any) -> Any:
    if isinstance(value, str) and value in _NON_FINITE:
        return _NON_FINITE[value]
    if isinstance(value, dict):
        return {k: _restore_non_finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore_non_finite(v) for v in value]
    return value


def _dumps(record: dict) -> str:
    return json.dumps(_standard_json(record), indent=1, sort_keys=True, default=_json_default, allow_nan=False)


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, tuple):
        return list(value)
    return repr(value)


def remove_stale_temporaries(folder: Path, older_than_s: float = STALE_TEMPORARY_S) -> int:
    """Delete ``.*.tmp`` files left in ``folder`` by writers killed mid-write; returns how many."""
    import time

    removed = 0
    if not folder.is_dir():
        return 0
    cutoff = time.time() - older_than_s
    for path in folder.glob(".*.tmp"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            pass
    return removed


#: A lease older than this is taken over (a holder on another host that died without cleaning up).
LEASE_TIMEOUT_S = 6 * 3600.0


def _lease_record() -> dict:
    import time

    return {"pid": os.getpid(), "host": socket.gethostname(), "start": time.time()}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lease_is_stale(path: Path) -> bool:
    import time

    try:
        record = json.loads(path.read_text())
        pid, host, start = int(record["pid"]), str(record["host"]), float(record["start"])
    except FileNotFoundError:
        return True
    except (OSError, ValueError, KeyError, TypeError):
        try:
            return time.time() - path.stat().st_mtime > 60
        except OSError:
            return True
    if host == socket.gethostname() and not _pid_alive(pid):
        return True
    return time.time() - start > LEASE_TIMEOUT_S


class Store:
    """Results under ``root`` (default ``$THEORYLAB_RESULTS`` or ``./results``)."""

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root or os.environ.get("THEORYLAB_RESULTS", "results"))
        self._swept: set[Path] = set()

    def paths(self, experiment: str, key: str) -> tuple[Path, Path]:
        folder = self.root / experiment
        if folder not in self._swept:
            self._swept.add(folder)
            remove_stale_temporaries(folder)
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
        return Trace(t, metrics, _restore_non_finite(record["scalars"]), record["diverged"], record["diverged_at"],
                     _restore_non_finite(record["meta"]))

    def save(self, experiment: str, key: str, trace: Trace, request: dict | None = None) -> Path:
        """Write ``trace`` atomically (with its ``request``, checked on reads); returns the JSON path."""
        npz_path, json_path = self.paths(experiment, key)
        arrays = {"t": trace.t, **{f"m:{name}": values for name, values in trace.metrics.items()}}
        _atomic_write(npz_path, lambda handle: np.savez(handle, **arrays))
        record = {"key": key, "request": request, "checksum": arrays_checksum(arrays), "scalars": trace.scalars,
                  "diverged": trace.diverged, "diverged_at": trace.diverged_at, "meta": trace.meta}
        text = _dumps(record)
        _atomic_write(json_path, lambda handle: handle.write(text.encode()))
        self.failure_path(experiment, key).unlink(missing_ok=True)
        return json_path

    # -- leases: a run in progress somewhere ------------------------------------------
    def lease_path(self, experiment: str, key: str) -> Path:
        return self.root / experiment / f"{key}.lease"

    def acquire_lease(self, experiment: str, key: str) -> bool:
        """Mark the run as in progress here; False when a live holder elsewhere has it.

        A lease holds the holder's pid, host and start time. It is stale -- and taken over -- when
        its holder is a dead process on this host, when it is older than :data:`LEASE_TIMEOUT_S`,
        or when it is unreadable and older than a minute.
        """
        path = self.lease_path(experiment, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
            except FileExistsError:
                if not _lease_is_stale(path):
                    return False
                path.unlink(missing_ok=True)
                continue
            with os.fdopen(fd, "w") as handle:
                json.dump(_lease_record(), handle)
            return True
        return False

    def release_lease(self, experiment: str, key: str) -> None:
        """Remove this process's lease of the run (a lease of another holder is left alone)."""
        path = self.lease_path(experiment, key)
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            return
        if record.get("pid") == os.getpid() and record.get("host") == socket.gethostname():
            path.unlink(missing_ok=True)

    def leased(self, experiment: str, key: str) -> bool:
        """True while a live holder elsewhere has the run's lease."""
        path = self.lease_path(experiment, key)
        return path.exists() and not _lease_is_stale(path)

    # -- failures ------------------------------------------------------------------------
    def failure_path(self, experiment: str, key: str) -> Path:
        return self.root / experiment / f"{key}.error.json"

    def save_failure(self, experiment: str, key: str, error: str, details: dict[str, Any]) -> Path:
        """Record that a run raised ``error`` (kept until the run succeeds)."""
        path = self.failure_path(experiment, key)
        text = _dumps({"key": key, "error": error, **details})
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
