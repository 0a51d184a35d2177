"""Paths written in a scenario: relative ones are read from the scenario file's folder."""

from __future__ import annotations

from pathlib import Path


def resolve_path(path: str, base_dir: Path | None) -> Path:
    """A path from a scenario, with ``~`` expanded and a relative path taken from ``base_dir``.

    Parameters
    ----------
    path : str
        The path as written in the scenario.
    base_dir : Path or None
        The scenario file's folder (``None``: relative paths stay relative to the current
        folder).

    Returns
    -------
    Path
    """
    p = Path(path).expanduser()
    if not p.is_absolute() and base_dir is not None:
        p = base_dir / p
    return p
