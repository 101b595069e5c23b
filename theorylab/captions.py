"""Where a figure's caption lives: ``NAME.caption.txt`` beside ``NAME.png`` (no matplotlib needed)."""

from __future__ import annotations

from pathlib import Path

CAPTION_SUFFIX = ".caption.txt"


def caption_path(png: str | Path) -> Path:
    """Where the caption of the figure ``png`` is stored: ``NAME.caption.txt`` beside it."""
    png = Path(png)
    return png.with_name(png.stem + CAPTION_SUFFIX)


def read_caption(png: str | Path) -> str | None:
    """The caption written for ``png`` by its figure function, or None if it has none."""
    path = caption_path(png)
    return path.read_text(encoding="utf-8").strip() if path.is_file() else None
