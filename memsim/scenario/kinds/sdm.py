"""Scenario sections of Kanerva's sparse distributed memory (model kind ``sdm``).

M hard locations with random addresses in {0,1}^n, counters written and read within a Hamming
radius (:mod:`memsim.sdm`; Kanerva 1988), and the read's link to softmax attention (Bricken &
Pehlevan 2021).

The kind draws its own random items (no ``patterns`` section). Of the ``cue`` section it uses
only ``cue.flip``, the fraction of address bits flipped in each read cue.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from memsim.registry import Column, Summary
from memsim.scenario import columns as col
from memsim.scenario.base import Strict
from memsim.scenario.fields import count_or_all, nonempty
from memsim.scenario.kinds import builtin

NEEDS_PATTERNS = False


class SDMModel(Strict):
    """Sparse distributed memory: ``items`` random (address, data) pairs in M hard locations."""

    kind: Literal["sdm"] = Field(description="model family")
    address_bits: int = Field(256, ge=8, le=10_000, description="address length n in bits")
    locations: int = Field(4000, ge=1, le=10_000_000, description="hard locations M")
    radius: int = Field(112, ge=0, le=10_000, description="Hamming radius of activation r")
    data: Literal["binary", "bipolar"] = Field(
        "binary", description="data words in 0/1 (binary) or -1/+1 (bipolar)"
    )
    association: Literal["auto", "hetero"] = Field(
        "auto", description="auto: each item's data is its address; hetero: random data words"
    )
    data_bits: int | None = Field(
        None, ge=1, le=100_000, description="hetero: data word length (default n)"
    )
    items: int = Field(100, ge=1, le=10_000_000, description="stored (address, data) items")
    cues: int | Literal["all"] = Field(
        "all", description="stored items read back per trial (the first ones), or 'all'"
    )

    _cues = count_or_all("cues")

    @model_validator(mode="after")
    def _check(self):
        if self.radius > self.address_bits:
            raise ValueError(
                f"radius = {self.radius} must be <= address_bits = {self.address_bits}"
            )
        if self.association == "auto" and self.data_bits not in (None, self.address_bits):
            raise ValueError("data_bits must be left out for association 'auto' (data = address)")
        return self

    @property
    def word_bits(self) -> int:
        if self.association == "auto" or self.data_bits is None:
            return self.address_bits
        return self.data_bits


class SDMCapacity(Strict):
    """Read accuracy against cue noise and load (number of stored items)."""

    kind: Literal["sdm"] = "sdm"
    items: list[Annotated[int, Field(ge=1, le=10_000_000)]] = Field(
        description="numbers of stored items (the load)"
    )
    flips: list[Annotated[float, Field(ge=0.0, le=1.0)]] | None = Field(
        None, description="cue noise: fractions of address bits flipped (default: cue.flip)"
    )

    _nonempty = nonempty("items", "flips")


Model = SDMModel
Capacity = SDMCapacity


def cross_check(sc, file: str | None, base_dir) -> None:
    """Only cue.flip of the cue section applies; memory of counters and packed addresses."""
    from memsim.scenario.load import check_drawn_items

    m = sc.model

    # counters (int32, int64 copy on read), the location bits and the items
    def need_of(items: int) -> int:
        return (
            m.locations * (m.word_bits * 12 + m.address_bits * 2)
            + items * (m.address_bits + m.word_bits) * 10
        )

    check_drawn_items(
        sc,
        file,
        ": its cues are the stored addresses with a fraction cue.flip of their bits flipped "
        "(model.cues says how many are read)",
        allowed=("flip",),
        items=m.items,
        sweep_items=lambda cap: cap.items,
        need_of=need_of,
        field="model.locations",
    )


# ------------------------------------------------------------------------------ the kind ----
KIND = builtin(
    name="sdm",
    order=8,
    description="Kanerva's sparse distributed memory: hard locations, counters, Hamming-ball "
    "reads, and their softmax-attention approximation (Bricken & Pehlevan 2021)",
    capacity_example="capacity: {items: [50, 200, 800], flips: [0.0, 0.1, 0.2]}",
    summaries={
        "recall": Summary(
            columns=(
                Column("address bits n, locations M, radius r", "{n}, {M}, {radius}"),
                Column("items stored; reads (cues x trials)", "{items}; {cues} x {trials}"),
                col.FLIP.but(label="cue flip"),
                col.ACTIVATED.but(label="activated locations (mean)"),
                col.ACTIVATED.but(label="binomial expectation M p", key="expected_activated"),
                col.BIT_ACCURACY.but(key="mean_accuracy"),
                col.EXACT.but(label="items read exactly"),
                Column("softmax beta (n, r)", "softmax_beta", ".3f"),
            )
        ),
        "capacity": Summary(
            table="capacity_summary",
            axes=(col.FLIP,),
            columns=(
                Column("items", "items"),
                col.TRIALS,
                col.BIT_ACCURACY.but(sem="sem_accuracy"),
                col.EXACT.but(fmt=".3f"),
                col.ACTIVATED,
            ),
        ),
    },
)
