"""Scenario schema: typed, frozen pydantic models with unknown keys forbidden.

A scenario file has these top-level sections::

    name: hebbian_letters          # optional, defaults to the file name
    description: ...               # optional free text
    model:    {kind: hopfield, rule: hebbian, dynamics: async, order: random, max_sweeps: 50}
    patterns: {source: letters, letters: ABCDE, scale: 2}   # or random / file
    cue:      {pattern: all, flip: 0.2, mask: 0.0, mask_fill: random}
    run:      {trials: 10, seed: 1, threads: null, retrieval_overlap: 0.95}
    capacity: {loads: [0.05, 0.1], sizes: [500]}           # for `memsim capacity`
    output:   {plots: [energy, overlap, pictures]}

Every field has a type, a range and a default; the CLI turns validation errors into one
paragraph naming the file, the field path and what is allowed.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

PLOTS = (
    "energy",
    "overlap",
    "pictures",
    "animation",
    "capacity",
    "finite_size",
    "phase",
    "basins",
    "rules",
    "exact",
    "low_activity",
)


class Strict(BaseModel):
    """Base: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


# ------------------------------------------------------------------------------------- model --


RuleName = Literal["hebbian", "storkey", "pseudoinverse", "covariance", "perceptron"]


class HopfieldModel(Strict):
    """Classical Hopfield network (THEORY.md section 1)."""

    kind: Literal["hopfield"] = Field(description="model family")
    rule: RuleName = Field("hebbian", description="storage rule")
    dynamics: Literal["async", "sync"] = Field("async", description="update dynamics")
    order: Literal["random", "fixed"] = Field("random", description="async update order")
    max_sweeps: int = Field(100, ge=1, le=1_000_000, description="limit on sweeps / sync steps")
    temperature: float = Field(
        0.0, ge=0.0, le=1e6, description="Glauber temperature (0 = deterministic)"
    )
    zero_diagonal: bool = Field(
        False, description="pseudoinverse rule: zero the diagonal (breaks exact fixed points)"
    )
    activity: float | None = Field(
        None, gt=0.0, lt=1.0, description="covariance rule: pattern activity a (default: measured)"
    )
    kappa: float = Field(0.0, ge=0.0, le=100.0, description="perceptron rule: stability margin")
    max_epochs: int = Field(1000, ge=1, le=1_000_000, description="perceptron rule: epoch limit")

    def store_options(self, rule: str | None = None) -> dict:
        """Keyword options for memsim.hopfield.store for ``rule`` (default: this model's rule)."""
        rule = rule or self.rule
        if rule == "pseudoinverse":
            return {"zero_diagonal": self.zero_diagonal}
        if rule == "covariance":
            return {"activity": self.activity}
        if rule == "perceptron":
            return {"kappa": self.kappa, "max_epochs": self.max_epochs}
        return {}


ModelSpec = Annotated[HopfieldModel, Field(discriminator="kind")]


# ---------------------------------------------------------------------------------- patterns --


class RandomPatterns(Strict):
    """Independent random +-1 patterns; P(+1) = (1 + bias) / 2."""

    source: Literal["random"]
    count: int = Field(10, ge=1, le=10_000_000, description="number of patterns P")
    size: int = Field(100, ge=2, le=10_000_000, description="number of neurons N")
    bias: float = Field(0.0, gt=-1.0, lt=1.0, description="mean of the +-1 entries")


class LetterPatterns(Strict):
    """Built-in 7 x 5 letter bitmaps, upscaled by ``scale``."""

    source: Literal["letters"]
    letters: str = Field("ABCDE", min_length=1, max_length=26, pattern=r"^[A-Za-z]+$")
    scale: int = Field(2, ge=1, le=16)


class FilePatterns(Strict):
    """Patterns from a .npy or .csv file (rows = patterns), relative to the scenario file."""

    source: Literal["file"]
    path: str = Field(min_length=1)
    shape: tuple[int, int] | None = Field(None, description="picture shape (rows, cols)")

    @field_validator("path")
    @classmethod
    def _suffix(cls, v: str) -> str:
        if not v.lower().endswith((".npy", ".csv")):
            raise ValueError("must be a .npy or .csv file")
        return v

    @field_validator("shape")
    @classmethod
    def _positive(cls, v):
        if v is not None and (v[0] < 1 or v[1] < 1):
            raise ValueError("rows and cols must be >= 1")
        return v


PatternSpec = Annotated[
    RandomPatterns | LetterPatterns | FilePatterns, Field(discriminator="source")
]


# ---------------------------------------------------------------------------------- the rest --


class Cue(Strict):
    """Which stored patterns are cued and how each cue is corrupted."""

    pattern: Literal["all"] | int | list[int] = Field(
        "all", description="'all', one pattern index, or a list of indices"
    )
    flip: float = Field(0.1, ge=0.0, le=1.0, description="fraction of bits flipped")
    mask: float = Field(0.0, ge=0.0, le=1.0, description="fraction of bits masked")
    mask_fill: Literal["random", "off", "on"] = Field("random", description="value of masked bits")
    clamp: Literal["none", "unmasked"] = Field(
        "none", description="'unmasked': hold the bits that were not masked at their cue values"
    )

    @field_validator("pattern")
    @classmethod
    def _nonneg(cls, v):
        idx = [v] if isinstance(v, int) else (v if isinstance(v, list) else [])
        if isinstance(v, list) and not v:
            raise ValueError("the list of pattern indices is empty")
        if any(i < 0 for i in idx):
            raise ValueError("pattern indices must be >= 0")
        return v


class Run(Strict):
    """Trials, seed and parallelism."""

    trials: int = Field(1, ge=1, le=1_000_000)
    seed: int = Field(0, ge=0, le=2**63 - 1)
    threads: int | None = Field(None, ge=1, le=1024)
    retrieval_overlap: float = Field(
        0.95, gt=-1.0, le=1.0, description="final overlap counted as a successful retrieval"
    )
    order_repeats: int = Field(
        0, ge=0, le=1000, description="re-run each cue under this many random orders (0 = off)"
    )

    @field_validator("order_repeats")
    @classmethod
    def _repeats(cls, v):
        if v == 1:
            raise ValueError("must be 0 (off) or at least 2 to compare update orders")
        return v


class LoadRange(Strict):
    start: float = Field(gt=0.0)
    stop: float = Field(gt=0.0)
    num: int = Field(ge=1, le=10_000)


class Capacity(Strict):
    """Load sweep for `memsim capacity`: P = round(load N) random patterns per point."""

    loads: list[Annotated[float, Field(gt=0.0, le=1000.0)]] | LoadRange = Field(
        description="list of loads P/N, or {start, stop, num}"
    )
    sizes: list[Annotated[int, Field(ge=2, le=10_000_000)]] | None = Field(
        None, description="network sizes N (default: patterns.size)"
    )
    cues_per_trial: int | Literal["all"] = Field(
        "all", description="how many stored patterns to cue in each trial"
    )
    rules: list[RuleName] | None = Field(None, description="storage rules (default: model.rule)")
    temperatures: list[Annotated[float, Field(ge=0.0, le=1e6)]] | None = Field(
        None, description="Glauber temperatures (default: model.temperature)"
    )
    biases: list[Annotated[float, Field(gt=-1.0, lt=1.0)]] | None = Field(
        None, description="pattern biases (default: patterns.bias)"
    )
    flips: list[Annotated[float, Field(ge=0.0, le=1.0)]] | None = Field(
        None, description="cue noise: fractions of bits flipped (default: cue.flip)"
    )

    @field_validator("cues_per_trial")
    @classmethod
    def _pos(cls, v):
        if isinstance(v, int) and v < 1:
            raise ValueError("must be >= 1 or 'all'")
        return v

    @field_validator("loads")
    @classmethod
    def _nonempty(cls, v):
        if isinstance(v, list) and not v:
            raise ValueError("give at least one load")
        if isinstance(v, LoadRange) and v.stop < v.start:
            raise ValueError("stop must be >= start")
        return v

    @field_validator("sizes", "rules", "temperatures", "biases", "flips")
    @classmethod
    def _nonempty_axis(cls, v):
        if v is not None and not v:
            raise ValueError("give at least one value (or leave the field out)")
        return v

    def load_values(self) -> list[float]:
        if isinstance(self.loads, LoadRange):
            import numpy as np

            return [
                float(x) for x in np.linspace(self.loads.start, self.loads.stop, self.loads.num)
            ]
        return [float(x) for x in self.loads]


class Output(Strict):
    """Which plots to draw (default: every plot that applies)."""

    plots: list[Literal[PLOTS]] | None = None  # type: ignore[valid-type]


class Scenario(Strict):
    """A complete scenario: what to store, how to cue it, how to run it, what to write."""

    name: str = Field("scenario", min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.\-]+$")
    description: str = ""
    model: ModelSpec
    patterns: PatternSpec
    cue: Cue = Cue()
    run: Run = Run()
    capacity: Capacity | None = None
    output: Output = Output()
