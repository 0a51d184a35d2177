"""Scenario sections of Willshaw's sparse binary associative memory (model kind ``willshaw``).

Clipped Hebbian synapses ``W_ij = min(1, sum_mu y_i^mu x_j^mu)`` between K-of-N binary patterns,
auto- or hetero-associative, one-step recall with a threshold strategy
(:mod:`memsim.hopfield.willshaw`; Willshaw, Buneman & Longuet-Higgins 1969; Palm 1980).

The kind draws its own sparse patterns (no ``patterns`` section) and describes its cues in the
``model`` section (``cue_missing``, ``cue_added``): the ``cue`` section's bit flips and masks are
for +-1 patterns and are refused here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from memsim.registry import Column, Summary
from memsim.scenario import columns as col
from memsim.scenario.base import Strict
from memsim.scenario.fields import count_or_all, list_or_range
from memsim.scenario.kinds import builtin

NEEDS_PATTERNS = False

Threshold = Literal["active", "max", "kwta"]


class WillshawModel(Strict):
    """Willshaw network: M random associations of K_in-of-N_in to K_out-of-N_out patterns."""

    kind: Literal["willshaw"] = Field(description="model family")
    association: Literal["hetero", "auto"] = Field(
        "hetero", description="hetero: x -> y with separate output patterns; auto: x -> x"
    )
    n_in: int = Field(1000, ge=2, le=200_000, description="input units N_in")
    k_in: int = Field(10, ge=1, le=200_000, description="active units per input pattern K_in")
    n_out: int | None = Field(
        None, ge=2, le=200_000, description="output units N_out (default N_in; auto: N_in)"
    )
    k_out: int | None = Field(
        None, ge=1, le=200_000, description="active units per output pattern K_out (default K_in)"
    )
    memories: int = Field(1000, ge=1, le=10_000_000, description="stored associations M")
    threshold: Threshold | Annotated[float, Field(ge=0.0, le=1e9)] = Field(
        "active",
        description="active (theta = active cue units), max (largest dendritic sum), kwta "
        "(the k_out largest sums) or a fixed number",
    )
    cues: int | Literal["all"] = Field(
        200, description="stored associations cued per trial (the first ones), or 'all'"
    )
    cue_missing: float = Field(
        0.0, ge=0.0, lt=1.0, description="fraction of the K_in active cue units silenced"
    )
    cue_added: float = Field(
        0.0, ge=0.0, le=100.0, description="spurious active cue units, as a fraction of K_in"
    )

    _cues = count_or_all("cues")

    @model_validator(mode="after")
    def _sizes(self):
        if self.k_in > self.n_in:
            raise ValueError(f"k_in = {self.k_in} must be <= n_in = {self.n_in}")
        if self.association == "auto":
            for f in ("n_out", "k_out"):
                v = getattr(self, f)
                ref = self.n_in if f == "n_out" else self.k_in
                if v is not None and v != ref:
                    raise ValueError(
                        f"{f} must be left out (or equal {ref}) for association 'auto'"
                    )
        if self.k_out_value > self.n_out_value:
            raise ValueError(f"k_out = {self.k_out_value} must be <= n_out = {self.n_out_value}")
        return self

    @property
    def n_out_value(self) -> int:
        return self.n_in if self.n_out is None else self.n_out

    @property
    def k_out_value(self) -> int:
        return self.k_in if self.k_out is None else self.k_out

    def recall_threshold(self) -> tuple[str | float, int | None]:
        """``(threshold, k)`` for :func:`memsim.hopfield.willshaw.recall`."""
        if self.threshold == "kwta":
            return "kwta", self.k_out_value
        return self.threshold, None


class MemoryRange(Strict):
    start: int = Field(ge=1, le=10_000_000)
    stop: int = Field(ge=1, le=10_000_000)
    num: int = Field(ge=1, le=1000)
    spacing: Literal["log", "linear"] = "log"


class WillshawCapacity(Strict):
    """Sweep over the number of stored associations M: p1, false positives, information."""

    kind: Literal["willshaw"] = "willshaw"
    memories: list[Annotated[int, Field(ge=1, le=10_000_000)]] | MemoryRange = Field(
        description="numbers of stored associations M: a list, or {start, stop, num, spacing}"
    )

    _nonempty = list_or_range("memories", "number of memories")

    def memory_values(self) -> list[int]:
        """The distinct values of M, ascending."""
        import numpy as np

        v = self.memories
        if isinstance(v, MemoryRange):
            f = np.geomspace if v.spacing == "log" else np.linspace
            vals = np.rint(f(v.start, v.stop, v.num)).astype(int)
        else:
            vals = np.asarray(v, dtype=int)
        return sorted({int(x) for x in vals})


Model = WillshawModel
Capacity = WillshawCapacity


def cross_check(sc, file: str | None, base_dir) -> None:
    """The cue section is not used (the model section describes sparse cues); memory."""
    from memsim.scenario.load import check_drawn_items

    m = sc.model

    # patterns (uint8) and their float32 copies for storage, float32 counts, uint8 weights
    def need_of(memories: int) -> int:
        n_out = m.n_out_value
        return memories * (m.n_in + n_out) * 5 + n_out * m.n_in * 6

    check_drawn_items(
        sc,
        file,
        " (flips and masks of +-1 patterns); describe cues with model.cues, model.cue_missing "
        "(fraction of the active cue units silenced) and model.cue_added (spurious active "
        "units, as a fraction of K_in)",
        items=m.memories,
        sweep_items=lambda cap: cap.memory_values(),
        need_of=need_of,
        field="model.memories",
        sweep_field="capacity.memories",
    )


# ------------------------------------------------------------------------------ the kind ----
#: the kind's own quantities (measured beside theory; rates of wrong and missing output bits)
P1 = Column("p1", "p1", ".4f")
FALSE_POSITIVE = col.BIT_ERROR.but(label="false pos.", key="false_positive")
MISSES = col.BIT_ERROR.but(label="misses", key="misses")

KIND = builtin(
    name="willshaw",
    order=7,
    description="Willshaw's sparse binary associative memory (Willshaw et al. 1969, Palm "
    "1980): clipped Hebbian synapses, K-of-N patterns, threshold strategies",
    capacity_example="capacity: {memories: [100, 1000, 5000]}",
    summaries={
        "recall": Summary(
            columns=(
                Column("N_in, K_in -> N_out, K_out", "{n_in}, {k_in} -> {n_out}, {k_out}"),
                col.MEMORIES,
                col.CUES_TRIALS,
                *col.with_theory(P1, label="fraction of synapses set p1"),
                FALSE_POSITIVE.but(label="false-positive rate", key="false_positive_rate"),
                FALSE_POSITIVE.but(
                    label="theory p1^(active cue units)", key="false_positive_theory_cue"
                ),
                MISSES.but(label="miss rate", key="miss_rate"),
                col.EXACT.but(label="cues recalled exactly"),
            )
        ),
        "capacity": Summary(
            table="capacity_summary",
            columns=(
                col.MEMORIES.but(label="M"),
                col.TRIALS,
                *col.with_theory(P1),
                *col.with_theory(FALSE_POSITIVE),
                MISSES,
                *col.with_theory(Column("bits/synapse", "info", ".4f")),
            ),
        ),
    },
)
