"""Scenario schema: typed, frozen pydantic models with unknown keys forbidden.

A scenario file has these top-level sections::

    name: hebbian_letters          # optional, defaults to the file name
    description: ...               # optional free text
    model:    {kind: hopfield, rule: hebbian, dynamics: async, order: random, max_sweeps: 50}
    patterns: {source: letters, letters: ABCDE, scale: 2}   # or random / file / digits / image
    cue:      {pattern: all, flip: 0.2, mask: 0.0, mask_fill: random}
    run:      {trials: 10, seed: 1, threads: null, retrieval_overlap: 0.95}
    capacity: {loads: [0.05, 0.1], sizes: [500]}           # for `memsim capacity`
    output:   {plots: [energy, overlap, pictures]}

Every field has a type, a range and a default; the CLI turns validation errors into one
paragraph naming the file, the field path and what is allowed.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from memsim.scenario.base import MatrixFile, Strict
from memsim.scenario.fields import Bias
from memsim.scenario.kinds import capacity_union, model_union

# ------------------------------------------------------------------------------ model kinds --
# The model and capacity sections depend on the model kind (memsim.scenario.kinds).

ModelSpec = model_union()
CapacitySpec = capacity_union()

#: a scenario name is a plain slug: it names the default results folder, so never '.', '..' or
#: anything with a path separator
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,99}")
NAME_RULE = (
    "must be a plain name: letters, digits, '_' and '-', starting with a letter or digit, at "
    "most 100 characters"
)


# ---------------------------------------------------------------------------------- patterns --


class RandomPatterns(Strict):
    """Independent random +-1 patterns; P(+1) = (1 + bias) / 2."""

    source: Literal["random"]
    count: int = Field(10, ge=1, le=10_000_000, description="number of patterns P")
    size: int = Field(100, ge=2, le=10_000_000, description="number of neurons N")
    bias: Bias = Field(0.0, description="mean of the +-1 entries")


class LetterPatterns(Strict):
    """Built-in 7 x 5 letter bitmaps, upscaled by ``scale``."""

    source: Literal["letters"]
    letters: str = Field("ABCDE", min_length=1, max_length=26, pattern=r"^[A-Za-z]+$")
    scale: int = Field(2, ge=1, le=16)


class FilePatterns(MatrixFile):
    """Patterns from a .npy or .csv file (rows = patterns), relative to the scenario file."""

    shape: tuple[int, int] | None = Field(None, description="picture shape (rows, cols)")

    @field_validator("shape")
    @classmethod
    def _positive(cls, v):
        if v is not None and (v[0] < 1 or v[1] < 1):
            raise ValueError("rows and cols must be >= 1")
        return v


class DigitPatterns(Strict):
    """scikit-learn's bundled 8 x 8 handwritten digits (Alpaydin & Kaynak 1998, UCI optdigits),
    binarised; needs the optional extra ``pip install "memsim[data]"`` (nothing is downloaded)."""

    source: Literal["digits"]
    digits: list[Annotated[int, Field(ge=0, le=9)]] = Field(
        default_factory=lambda: list(range(10)),
        min_length=1,
        max_length=10,
        description="digit classes 0-9, each at most once; patterns come class by class in "
        "this order",
    )
    per_class: int = Field(
        1, ge=1, le=183, description="samples of each class (174 to 183, depending on the class)"
    )
    pick: Literal["first", "random"] = Field(
        "first",
        description="first: the data set's first samples of each class; random: a seeded choice",
    )
    pick_seed: int = Field(0, ge=0, le=2**63 - 1, description="seed of pick: random")
    binarise: Literal["threshold", "none"] = Field(
        "threshold", description="threshold: -1/+1; none: grey values in [-1, 1] (modern only)"
    )
    threshold: int = Field(
        8, ge=1, le=16, description="grey level (0-16) from which a pixel is ink"
    )
    scale: int = Field(1, ge=1, le=16, description="each pixel becomes a scale x scale block")

    @field_validator("digits")
    @classmethod
    def _once(cls, v):
        dup = sorted({c for c in v if v.count(c) > 1})
        if dup:
            raise ValueError(f"class {dup[0]} is listed twice; give each class once")
        return v


class ImagePatterns(Strict):
    """PNG / JPEG files or folders of them (relative to the scenario file), read with Pillow,
    resized to ``shape`` and binarised (or grey values in [-1, 1] for the modern kind); dark
    pixels become +1."""

    source: Literal["image"]
    files: str | list[Annotated[str, Field(min_length=1)]] = Field(
        min_length=1,
        description="an image file or folder, or a list of them (.png, .jpg, .jpeg; a folder "
        "gives its images sorted by name, skipping hidden files and subfolders)",
    )
    shape: tuple[int, int] = Field(description="picture shape (rows, cols) after resizing")
    binarise: Literal["threshold", "dither", "none"] = Field(
        "threshold",
        description="threshold: ink where brightness < threshold; dither: Floyd-Steinberg; "
        "none: grey values in [-1, 1] (modern kind only)",
    )
    threshold: float = Field(
        0.5, gt=0.0, lt=1.0, description="brightness (0 black, 1 white) below which a pixel is ink"
    )
    invert: bool = Field(False, description="light pixels become +1 instead of dark ones")

    @field_validator("files", mode="before")
    @classmethod
    def _files(cls, v):
        allowed = (
            "must be an image file or folder path (non-empty text), or a non-empty list of them"
        )
        if isinstance(v, str):
            if not v:
                raise ValueError(f"{allowed} (an empty name is not: write '.' for this folder)")
            return v
        if not isinstance(v, list):
            raise ValueError(allowed)
        if not v:
            raise ValueError(f"{allowed} (the list is empty)")
        for i, f in enumerate(v):
            if not isinstance(f, str) or not f:
                what = "an empty name" if f == "" else f"{f!r}"
                raise ValueError(f"{allowed}; entry {i} is {what}")
        return v

    @field_validator("shape")
    @classmethod
    def _size(cls, v):
        if v[0] < 1 or v[1] < 1 or v[0] > 4096 or v[1] > 4096:
            raise ValueError("rows and cols must lie in 1..4096")
        if v[0] * v[1] < 2:
            raise ValueError("the picture needs at least 2 pixels (neurons)")
        return v


PatternSpec = Annotated[
    RandomPatterns | LetterPatterns | FilePatterns | DigitPatterns | ImagePatterns,
    Field(discriminator="source"),
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


class Output(Strict):
    """Which plots to draw (default: every plot that applies)."""

    plots: list[str] | None = Field(
        None, description="plot names; the allowed names depend on the model kind"
    )


class Scenario(Strict):
    """A complete scenario: what to store, how to cue it, how to run it, what to write."""

    name: str = Field(
        "scenario",
        description="a plain name (letters, digits, _ and -, starting with a letter or digit, "
        "at most 100 characters); the default results folders are results/<name> (recall) and "
        "results/<name>.capacity (capacity)",
    )
    description: str = ""
    model: ModelSpec
    patterns: PatternSpec | None = None
    cue: Cue = Cue()
    run: Run = Run()
    capacity: CapacitySpec | None = None
    output: Output = Output()

    def __getitem__(self, key: str):
        """Dict-style reading (``result.scenario["model"]``), kept for code written when
        ``Result.scenario`` was a plain dict; deprecated: read the typed fields instead
        (``result.scenario.model``)."""
        import warnings

        warnings.warn(
            f"scenario[{key!r}] is deprecated: Result.scenario is a typed Scenario now; "
            f"use scenario.{key}",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.model_dump(mode="json")[key]

    def get(self, key: str, default=None):
        """Dict-style ``get``, deprecated like ``scenario[key]``."""
        d = self.model_dump(mode="json")
        if key not in d:
            return default
        return self[key]

    @field_validator("name")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not NAME_RE.fullmatch(v):
            raise ValueError(NAME_RULE)
        return v

    @model_validator(mode="before")
    @classmethod
    def _capacity_kind(cls, data):
        """The capacity section's fields depend on the model kind: tag it with that kind."""
        if isinstance(data, dict):
            cap, model = data.get("capacity"), data.get("model")
            if isinstance(cap, dict) and isinstance(model, dict) and "kind" not in cap:
                data = {**data, "capacity": {"kind": model.get("kind"), **cap}}
        return data
