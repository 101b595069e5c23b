"""Experiment configs: TOML profiles validated into frozen dataclasses.

``experiments/<name>.toml`` holds one table per profile::

    description = "symmetric GD"
    [quick]
    seeds = 5
    n = 20
    [paper]
    seeds = 10
    n = 50

Each table's keys are the fields of the experiment's config dataclass (plus ``seeds``, the
default number of seeds); missing fields take the dataclass defaults. Every error names the
file, the table and the field.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import typing
from pathlib import Path
from typing import Any

from theorylab.errors import ConfigError

PROFILES = ("quick", "paper")


def experiments_dir() -> Path:
    """Folder holding the TOML files (``$THEORYLAB_EXPERIMENTS`` or ``experiments/`` of the checkout)."""
    override = os.environ.get("THEORYLAB_EXPERIMENTS")
    if override and not Path(override).is_dir():
        raise ConfigError("THEORYLAB_EXPERIMENTS", "a folder of experiment TOML files", override)
    return Path(override) if override else Path(__file__).resolve().parent.parent / "experiments"


def read_toml(path: Path) -> dict[str, Any]:
    """Parse ``path``; a syntax error names the file and the line."""
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("(syntax)", f"valid TOML ({exc})", source=str(path)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError("(encoding)", f"a UTF-8 text file ({exc.reason} at byte {exc.start})", source=str(path)) from None
    except FileNotFoundError:
        raise ConfigError("(file)", "an existing TOML file", str(path)) from None
    except IsADirectoryError:
        raise ConfigError("(file)", "a TOML file, not a folder", str(path)) from None
    except PermissionError:
        raise ConfigError("(file)", "a readable TOML file", str(path)) from None


def _coerce(field: dataclasses.Field, value: Any, hint: Any) -> Any:
    """Check ``value`` against the field's type ``hint``; ints are accepted for floats."""
    origin = typing.get_origin(hint)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(field.name, "a number", value)
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(field.name, "an integer", value)
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(field.name, "true or false", value)
        return value
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(field.name, "a string", value)
        return value
    if origin is tuple:
        item = typing.get_args(hint)[0]
        if not isinstance(value, (list, tuple)):
            raise ConfigError(field.name, "a list", value)
        fake = dataclasses.field()
        fake.name = field.name
        return tuple(_coerce(fake, v, item) for v in value)
    return value


def param(default: Any, check: Any = None, expected: str = "", **options: Any) -> Any:
    """A config field with its own check, so a config class needs no hand-written ``validate``.

    ``check(value) -> bool`` is applied by :func:`build_config`; ``expected`` says what a valid
    value looks like (shown in the error, which names the field). Example::

        @dataclass(frozen=True)
        class GDConfig:
            L: float = param(10.0, lambda v: v > 0, "a positive smoothness constant")
            T: int = param(200, lambda v: v >= 1, "an integer >= 1")
    """
    metadata = dict(options.pop("metadata", {}) or {})
    if check is not None:
        metadata["check"] = (check, expected or "a valid value")
    return dataclasses.field(default=default, metadata=metadata, **options)


def build_config(config_type: type, values: dict[str, Any], *, source: str = "") -> Any:
    """Validate ``values`` into ``config_type``; unknown keys and bad values raise ConfigError."""
    fields = {f.name: f for f in dataclasses.fields(config_type)}
    hints = typing.get_type_hints(config_type)
    kwargs = {}
    try:
        for key, value in values.items():
            if key not in fields:
                raise ConfigError(key, f"one of the fields {sorted(fields)}", value)
            kwargs[key] = _coerce(fields[key], value, hints[key])
        config = config_type(**kwargs)
        for name, spec in fields.items():
            check = spec.metadata.get("check")
            if check is not None and not check[0](getattr(config, name)):
                raise ConfigError(name, check[1], getattr(config, name))
        validate = getattr(config, "validate", None)
        if validate is not None:
            validate()
        check_memory(config)
    except ConfigError as exc:
        raise exc.with_source(source) from None
    return config


def experiment_toml(name: str, extra_dirs: list[Path] | tuple = ()) -> Path:
    """``<name>.toml`` from the experiments folder, else from the first of ``extra_dirs`` holding it."""
    primary = experiments_dir() / f"{name}.toml"
    if primary.exists():
        return primary
    for folder in extra_dirs:
        candidate = Path(folder) / f"{name}.toml"
        if candidate.exists():
            return candidate
    return primary


def available_memory_bytes() -> int:
    """Memory this machine can give a run (MemAvailable, else total physical memory)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def memory_terms(**terms: float) -> tuple[int, str]:
    """A run's peak memory from its large arrays, for a config's ``memory_bytes()``.

    Give each array's size in bytes under the name of the config field that drives it
    (``memory_terms(T=8 * (self.T + 1) * self.replicas, d=8 * self.d ** 2)``); returns the total
    and the field of the largest term, which is the one an oversized config is refused for.

    Examples
    --------
    >>> memory_terms(T=8 * 10**9, d=8 * 100)
    (8000000800, 'T')
    """
    if not terms:
        raise ValueError("memory_terms needs at least one term")
    total = int(sum(max(0.0, float(v)) for v in terms.values()))
    return total, max(terms, key=lambda name: float(terms[name]))


def check_memory(config: Any) -> None:
    """Refuse a config whose run would not fit in memory, naming the field that makes it large.

    A config class opts in with ``memory_bytes(self) -> (bytes, field)``: its estimate of the
    run's peak memory and the field that drives it (:func:`memory_terms` builds one from the
    sizes of the run's large arrays). Every built-in experiment's config defines it.
    """
    estimate = getattr(config, "memory_bytes", None)
    if estimate is None:
        return
    needed, field = estimate()
    available = available_memory_bytes()
    if needed > available:
        raise ConfigError(field, f"a size whose run fits in memory (needs about {needed / 2**30:.3g} GiB, "
                                 f"{available / 2**30:.3g} GiB available)", getattr(config, field, None))


def load_profile(name: str, profile: str, *, tables: dict | None = None,
                 extra_dirs: list[Path] | tuple = ()) -> tuple[dict[str, Any], int | None, str]:
    """The raw values of ``profile``, its seed count and its source label.

    From ``tables`` (profiles given in a paper module: ``{"quick": {...}, "paper": {...}}``) when
    given, else from ``experiments/<name>.toml`` (or the same file in one of ``extra_dirs``).
    """
    if profile not in PROFILES:
        raise ConfigError("profile", f"one of {PROFILES}", profile)
    if tables is not None:
        data, label = tables, f"profiles of experiment {name}"
    else:
        path = experiment_toml(name, extra_dirs)
        data, label = read_toml(path), str(path)
    source = f"{label} [{profile}]"
    if profile not in data or not isinstance(data[profile], dict):
        raise ConfigError(profile, f"a [{profile}] table", source=label)
    values = dict(data[profile])
    seeds = values.pop("seeds", None)
    if seeds is not None and (isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1):
        raise ConfigError("seeds", "an integer >= 1", seeds, source=source)
    return values, seeds, source


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse a ``--set key=value`` override; the value is read as a TOML value when it parses."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ConfigError("--set", "key=value", text)
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key, value


def require(condition: bool, field: str, expected: str, got: Any = None) -> None:
    """Raise :class:`ConfigError` for ``field`` unless ``condition`` holds (for ``validate`` methods)."""
    if not condition:
        raise ConfigError(field, expected, got)
