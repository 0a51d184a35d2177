"""What every recall and capacity runner shares, so each runner module
(``memsim.experiments.<kind>``) holds only its own engine calls and columns.

* the scenario's stored patterns and cues of a trial (:func:`stored_patterns`,
  :func:`cued_indices`, :func:`corrupted`), with the streams the runners document: stored
  patterns of trial t ``generator(seed, 1, t)``, cue corruption ``generator(seed, 2, t)``;
* stream keys of sweep values (:func:`stream_key`) and a section's settings as keyword
  options (:func:`fields`);
* the trial loop with its progress reports (:func:`trials`);
* tidy tables filled row by row, their groups and standard errors (from
  :mod:`memsim.experiments.tables`, re-exported here), and the first columns of a table of cues
  (:data:`CUE_COLUMNS`);
* the common blocks of a Result: the pattern and recall summaries (:func:`pattern_summary`,
  :func:`recall_summary`), the meta (:func:`meta`, :func:`recall_meta`) and the capacity Result
  (:func:`capacity_result`);
* the check that a capacity sweep draws random patterns (:func:`require_random_patterns`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from memsim import patterns as pat
from memsim._rng import generator
from memsim.errors import ScenarioError
from memsim.experiments.progress import Progress
from memsim.experiments.tables import Columns, concat, from_rows, groups, sem
from memsim.results import Result
from memsim.scenario.load import has_picture_shape, picture_patterns, resolve_pattern_path
from memsim.scenario.schema import Scenario

# ------------------------------------------------------------------------ patterns and cues ----


def stored_patterns(sc: Scenario, trial: int, base_dir: Path | None):
    """The stored patterns of trial ``trial`` and their picture shape (or None).

    Random patterns are drawn afresh for each trial from ``generator(seed, 1, trial)``; letters,
    digits, images and files are the same in every trial.

    Parameters
    ----------
    sc : Scenario
        The scenario (its ``patterns`` section).
    trial : int
        Trial index (>= 0).
    base_dir : Path or None
        Folder that relative pattern files are read from.

    Returns
    -------
    (ndarray, tuple or None)
        The (P, N) patterns and the (rows, columns) of a picture, or None.
    """
    src = sc.patterns
    if src.source == "random":
        rng = generator(sc.run.seed, 1, trial)
        return pat.random_patterns(src.count, src.size, src.bias, rng), None
    if src.source == "letters":
        return pat.letters(src.letters, src.scale)
    if src.source in ("digits", "image"):
        pics = picture_patterns(sc, base_dir)
        return pics.patterns, pics.shape
    xi = pat.load_patterns(resolve_pattern_path(sc, base_dir))
    return xi, (tuple(src.shape) if src.shape else None)


def cued_indices(sc: Scenario, p: int) -> np.ndarray:
    """Indices of the cued patterns (``cue.pattern``: ``all`` or a list) among ``p`` stored."""
    c = sc.cue.pattern
    if c == "all":
        return np.arange(p)
    return np.atleast_1d(np.asarray(c, dtype=np.int64))


def corrupted(
    sc: Scenario,
    rows: np.ndarray,
    *keys: int,
    flip: float | None = None,
    return_mask: bool = False,
):
    """Cues from ``rows`` with the scenario's ``cue.flip`` (or ``flip``), ``cue.mask`` and
    ``cue.mask_fill`` (:func:`memsim.patterns.corrupt`), drawn from the stream
    ``generator(seed, 2, *keys)``."""
    c = sc.cue
    rng = generator(sc.run.seed, 2, *keys)
    f = c.flip if flip is None else flip
    return pat.corrupt(rows, f, c.mask, c.mask_fill, rng, return_mask=return_mask)


def require_random_patterns(
    sc: Scenario, file: str | None, what: str = "patterns", where: str = "point"
) -> None:
    """A capacity sweep draws new random ``what`` at every ``where``: refuse other sources."""
    if sc.patterns.source != "random":
        raise ScenarioError(
            f"a capacity sweep draws new random {what} at every {where}: patterns.source must "
            "be 'random'",
            file=file,
            field="patterns.source",
        )


def stream_key(x: float) -> int:
    """A non-negative integer stream key for a sweep value (micro-units, zig-zag for signs), so
    a point's random streams are keyed by its values, not its position in the sweep."""
    k = int(round(x * 1_000_000))
    return 2 * k if k >= 0 else -2 * k - 1


def fields(section, *names: str) -> dict:
    """The named settings of a scenario section (``sc.model``, ``sc.capacity``, ...) as a dict,
    to pass on as keyword options of the same names."""
    return {n: getattr(section, n) for n in names}


# ------------------------------------------------------------------------------ the loop ----


def trials(sc: Scenario, progress: Progress | None, label: str = "trials") -> Iterator[int]:
    """The trial indices ``0 .. run.trials - 1``; each finished trial advances ``progress``
    (None: no reports)."""
    progress = progress or Progress()
    progress.start(label, sc.run.trials)
    for t in range(sc.run.trials):
        yield t
        progress.advance(1)
    progress.stop()


# ----------------------------------------------------------------------------- the Result ----

#: the first columns of a recall table with one row per cue of a stored pattern
#: (:func:`recall_summary` reads ``trial``, ``initial_overlap`` and ``final_overlap``)
CUE_COLUMNS = ("trial", "cue", "pattern", "initial_overlap", "final_overlap")


def pattern_summary(stored: np.ndarray, neurons: str = "neurons") -> dict:
    """The summary's first entries: ``patterns`` P, the number of ``neurons`` N (under that
    name) and the ``load`` P / N of the (P, N) stored patterns."""
    p, n = stored.shape
    return {"patterns": int(p), neurons: int(n), "load": float(p / n)}


def recall_summary(
    sc: Scenario,
    tab: dict[str, np.ndarray],
    means: Sequence[str] = ("initial_overlap", "final_overlap"),
    fractions: Sequence[str] = ("retrieved",),
) -> dict:
    """The summary block of a recall table of cues: ``trials``, ``cues``, ``mean_<c>`` of the
    ``means`` columns, then ``fraction_<c>`` of the (boolean) ``fractions`` columns."""
    out: dict = {"trials": sc.run.trials, "cues": int(tab["trial"].size)}
    out.update({f"mean_{c}": float(tab[c].mean()) for c in means})
    out.update({f"fraction_{c}": float(tab[c].mean()) for c in fractions})
    return out


def meta(sc: Scenario, seconds: float, warnings: Iterable[str] = (), /, **extra: Any) -> dict:
    """A Result's meta: ``seed``, ``seconds``, ``warnings``, then ``extra`` (whose entries
    replace those three where it has them)."""
    return {"seed": sc.run.seed, "seconds": seconds, "warnings": list(warnings), **extra}


def recall_meta(
    sc: Scenario, seconds: float, shape, warnings: Iterable[str] = (), /, **labels: Any
) -> dict:
    """A recall Result's meta: ``seed``, ``seconds``, ``picture_shape`` (when the patterns are
    pictures), the ``labels``, then ``warnings``."""
    return {
        "seed": sc.run.seed,
        "seconds": seconds,
        "picture_shape": list(shape) if shape and has_picture_shape(sc) else None,
        **labels,
        "warnings": list(warnings),
    }


def capacity_result(sc: Scenario, summary: dict, tables: dict, meta: dict) -> Result:
    """The Result of ``memsim capacity`` (no arrays)."""
    return Result("capacity", sc.model.kind, sc, summary, tables, {}, meta)


__all__ = [
    "CUE_COLUMNS",
    "Columns",
    "capacity_result",
    "concat",
    "corrupted",
    "cued_indices",
    "fields",
    "from_rows",
    "groups",
    "meta",
    "pattern_summary",
    "recall_meta",
    "recall_summary",
    "require_random_patterns",
    "sem",
    "stored_patterns",
    "stream_key",
    "trials",
]
