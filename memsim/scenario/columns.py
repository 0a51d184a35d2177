"""The summary vocabulary: every quantity a model kind prints after a run, declared once.

A kind's ``summaries`` (see :class:`memsim.registry.Summary`) are composed from the named
:class:`memsim.registry.Column` objects of this module, so a quantity that several kinds print
(the final overlap, the fraction retrieved or read exactly, the load, the cue noise, a bit
error, ...) has one label, one result key and one format in the whole package. A kind that
shows a shared quantity under its own words keeps the key and format and changes only what
differs, with :meth:`memsim.registry.Column.but` (``RETRIEVED.but(label="pairs recalled")``);
families of columns (one final overlap per side of a pair, a measured value beside its
theory) come from the small factories below.

Formats: ``"pct"`` prints a fraction as a percentage, a format spec (``".3f"``) prints a
number, ``""`` prints the value as it is; a key holding ``{...}`` is a template filled from
``Result.summary``.
"""

from __future__ import annotations

from memsim.registry import Column

__all__ = [
    "ACTIVATED",
    "AMPLITUDE",
    "BIAS",
    "BIT_ACCURACY",
    "BIT_ERROR",
    "CUES_TRIALS",
    "DILUTION",
    "DREAMS",
    "EXACT",
    "FINAL_OVERLAP",
    "FLIP",
    "GAIN",
    "INITIAL_OVERLAP",
    "LOAD",
    "LOAD_PER_CONNECTION",
    "MEAN_OVERLAP",
    "MEMORIES",
    "NEURONS",
    "PAIRS",
    "PATTERNS",
    "RETRIEVED",
    "RULE",
    "SIZE",
    "TEMPERATURE",
    "TRIALS",
    "final_overlap_of",
    "with_theory",
]

# -- sizes of the run ---------------------------------------------------------------------
PATTERNS = Column("patterns P", "patterns")
NEURONS = Column("neurons N", "neurons")
PAIRS = Column("pairs P", "pairs")
MEMORIES = Column("memories M", "memories")
SIZE = Column("N", "size")
TRIALS = Column("trials", "trials")
CUES_TRIALS = Column("cues (trials)", "{cues} ({trials})")

# -- what is swept or set -----------------------------------------------------------------
LOAD = Column("load", "load", ".3f")
LOAD_PER_CONNECTION = Column("P/C", "load_per_connection", ".2f")
RULE = Column("rule", "rule")
TEMPERATURE = Column("T", "temperature", "g")
BIAS = Column("bias", "bias", "g")
FLIP = Column("flip", "flip", "g")
DILUTION = Column("C", "dilution")
DREAMS = Column("dreams", "dreams")
GAIN = Column("gain", "gain", ".3g")

# -- how well it recalled -----------------------------------------------------------------
INITIAL_OVERLAP = Column("initial overlap", "mean_initial_overlap", ".3f")
FINAL_OVERLAP = Column("final overlap", "mean_final_overlap", ".3f")
#: the final overlap as the capacity tables of ``sequence`` and ``continuous`` name it
MEAN_OVERLAP = FINAL_OVERLAP.but(key="mean_overlap")
RETRIEVED = Column("retrieved", "fraction_retrieved", "pct")
EXACT = Column("read exactly", "fraction_exact", "pct")
AMPLITUDE = Column("final |V|", "mean_amplitude", ".3f")
BIT_ERROR = Column("bit error", "bit_error", ".2e")
BIT_ACCURACY = Column("bit accuracy", "accuracy", ".4f")
ACTIVATED = Column("activated", "mean_activated", ".1f")


def final_overlap_of(part: str) -> Column:
    """The final overlap of one part of what is recalled (e.g. one side of a BAM pair).

    Parameters
    ----------
    part : str
        The part's name (``"x"``): the label is ``"final overlap <part>"``, the key
        ``"mean_final_overlap_<part>"``.

    Returns
    -------
    Column
        :data:`FINAL_OVERLAP` for that part, same format.
    """
    return FINAL_OVERLAP.but(
        label=f"{FINAL_OVERLAP.label} {part}", key=f"{FINAL_OVERLAP.key}_{part}"
    )


def with_theory(measured: Column, label: str | None = None) -> tuple[Column, Column]:
    """A measured quantity and, beside it, its theoretical value.

    Parameters
    ----------
    measured : Column
        The measured column (key ``k``).
    label : str, optional
        Label of the measured column when it differs from the short name used for the theory
        (``"fraction of synapses set p1"`` beside ``"p1 theory"``).

    Returns
    -------
    tuple of Column
        ``(measured, theory)``: the theory has the label ``"<measured label> theory"``, the key
        ``"<k>_theory"`` and the measured column's format.
    """
    theory = measured.but(label=f"{measured.label} theory", key=f"{measured.key}_theory")
    return (measured if label is None else measured.but(label=label)), theory
