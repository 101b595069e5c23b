"""Exceptions raised for bad input, named so users can catch them."""

from __future__ import annotations


class TheorylabError(Exception):
    """Base class of every error theorylab raises on purpose."""


class ConfigError(TheorylabError, ValueError):
    """A configuration value is missing, of the wrong type or out of range.

    Parameters
    ----------
    field : str
        Name of the offending field.
    expected : str
        What a valid value looks like.
    got : object, optional
        The value that was given.
    source : str, optional
        Where the value came from (a TOML file and table, or ``--set``).
    """

    def __init__(self, field: str, expected: str, got: object = None, *, source: str = ""):
        self.field = field
        self.expected = expected
        self.got = got
        self.source = source
        where = f"{source}: " if source else ""
        got_text = "" if got is None else f", got {got!r}"
        super().__init__(f"{where}field '{field}': expected {expected}{got_text}")

    def with_source(self, source: str) -> "ConfigError":
        """Return the same error located at ``source``."""
        return ConfigError(self.field, self.expected, self.got, source=source)


class UnknownNameError(TheorylabError, KeyError):
    """An experiment, paper or claim name that is not registered."""

    def __init__(self, kind: str, name: str, known: list[str]):
        self.kind = kind
        self.name = name
        self.known = sorted(known)
        super().__init__(name)

    def __str__(self) -> str:
        listing = ", ".join(self.known) if self.known else "(none registered)"
        return f"unknown {self.kind} '{self.name}'. Known {self.kind}s: {listing}"
