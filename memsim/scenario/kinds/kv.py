"""Scenario sections of key-value memories and end-to-end memory networks (model kind ``kv``).

Two modes (Sukhbaatar et al. 2015; Miller et al. 2016):

* ``retrieval`` -- one read of a random key-value memory (Miller et al. 2016, eq. 1-4): S slots
  of unit keys (d_k) and values (d_v), queries = target key + Gaussian noise; accuracy of the
  answer ``argmax_i v_i . o``.
* ``stories`` -- the scripted multi-hop reader on bAbI-like one- and two-fact stories
  (Sukhbaatar et al. 2015, eq. 1-3 with ``u^{k+1} = u^k + o^k``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from memsim.scenario.base import Strict
from memsim.scenario.fields import nonempty_axes
from memsim.scenario.kinds import builtin

NEEDS_PATTERNS = False

NormaliserName = Literal["softmax", "sparsemax", "entmax15", "hard"]
ScoreName = Literal["dot", "scaled_dot", "cosine", "neg_sq_distance"]
TaskName = Literal["one_fact", "two_facts"]
StudyName = Literal["slots", "key_dim", "noise", "normaliser", "hops", "hashing"]


class KVModel(Strict):
    """Key-value memory (retrieval) or multi-hop story reader (stories)."""

    kind: Literal["kv"] = Field(description="model family")
    mode: Literal["retrieval", "stories"] = Field(
        "retrieval", description="retrieval: random key-value reads; stories: multi-hop reader"
    )
    # retrieval
    slots: int = Field(1000, ge=1, le=2_000_000, description="retrieval: memory slots S")
    key_dim: int = Field(32, ge=1, le=4096, description="retrieval: key dimension d_k")
    value_dim: int | None = Field(
        None, ge=1, le=4096, description="retrieval: value dimension d_v (default key_dim)"
    )
    key_noise: float = Field(
        1.0, ge=0.0, le=100.0, description="retrieval: query noise norm relative to the key norm"
    )
    score: ScoreName = Field("dot", description="retrieval: key-query score")
    normaliser: NormaliserName = Field("softmax", description="normaliser of the scores")
    temperature: float = Field(0.05, gt=0.0, le=1e6, description="retrieval: softmax temperature")
    hashing: bool = Field(False, description="retrieval: key hashing (read only candidate slots)")
    features_per_slot: int = Field(
        2, ge=1, le=64, description="retrieval, hashing: hashed features per slot"
    )
    n_features: int | None = Field(
        None, ge=1, le=10_000_000, description="retrieval, hashing: feature vocabulary size"
    )
    queries: int = Field(100, ge=1, le=100_000, description="retrieval: queries per trial")
    # stories
    task: TaskName = Field("two_facts", description="stories: bAbI-like task")
    stories: int = Field(100, ge=1, le=100_000, description="stories: stories per trial")
    hops: int = Field(2, ge=1, le=10, description="stories: hops (accuracy for 1..hops)")
    dim: int = Field(200, ge=1, le=4096, description="stories: word-vector dimension")
    sentences: int = Field(10, ge=2, le=200, description="stories: sentences per story")
    story: int = Field(0, ge=0, le=100_000, description="stories: index of the heat-map story")

    @field_validator("n_features")
    @classmethod
    def _nf(cls, v, info):
        f = info.data.get("features_per_slot", 2)
        if v is not None and v < f:
            raise ValueError(f"must be >= features_per_slot ({f})")
        return v

    def normaliser_spec(self) -> str | dict:
        """The normaliser as memsim.kv.retrieval_trial takes it (softmax with temperature)."""
        if self.normaliser == "softmax":
            return {"kind": "softmax", "temperature": self.temperature}
        return self.normaliser

    def retrieval_params(self) -> dict:
        """Keyword parameters of memsim.kv.retrieval_trial."""
        return {
            "slots": self.slots,
            "key_dim": self.key_dim,
            "value_dim": self.value_dim,
            "key_noise": self.key_noise,
            "score": self.score,
            "normaliser": self.normaliser_spec(),
            "hashing": self.hashing,
            "features_per_slot": self.features_per_slot,
            "n_features": self.n_features,
            "queries": self.queries,
        }


class NormaliserSpec(Strict):
    """One normaliser of a normaliser study."""

    name: NormaliserName = Field(description="normaliser")
    temperature: float | None = Field(
        None, gt=0.0, le=1e6, description="softmax temperature (default model.temperature)"
    )

    @field_validator("temperature")
    @classmethod
    def _softmax_only(cls, v, info):
        if v is not None and info.data.get("name") != "softmax":
            raise ValueError("temperature applies to softmax only")
        return v


class KVCapacity(Strict):
    """Studies for `memsim capacity` (one axis each; other settings from the model section)."""

    kind: Literal["kv"] = "kv"
    study: StudyName = Field(
        description="slots | key_dim | noise | normaliser (accuracy vs axis), hops (1 vs 2 "
        "vs ... hops per task), hashing (accuracy and read time vs slots, on and off)"
    )
    values: list[Annotated[float, Field(ge=0.0, le=2_000_000)]] | None = Field(
        None,
        description="axis values: slots, key_dim, key noise, hop counts, or slots for hashing "
        "(default per study)",
    )
    normalisers: list[NormaliserName | NormaliserSpec] | None = Field(
        None, description="study normaliser: names or {name, temperature}"
    )
    tasks: list[TaskName] | None = Field(
        None, description="study hops: story tasks (default one_fact and two_facts)"
    )

    _nonempty = nonempty_axes("values", "normalisers", "tasks")


Model = KVModel
Capacity = KVCapacity

#: default axis values per study
DEFAULT_VALUES: dict[str, list[float]] = {
    "slots": [100, 1000, 10_000],
    "key_dim": [4, 8, 16, 32, 64],
    "noise": [0.0, 0.5, 1.0, 1.5, 2.0, 3.0],
    "hashing": [1000, 10_000, 100_000],
    "hops": [1, 2, 3],
}
DEFAULT_NORMALISERS: tuple = (
    {"name": "softmax", "temperature": 1.0},
    {"name": "softmax", "temperature": 0.1},
    {"name": "softmax", "temperature": 0.01},
    "sparsemax",
    "hard",
)

_INTEGER_AXES = {"slots": (1, 2_000_000), "key_dim": (1, 4096), "hashing": (1, 2_000_000)}


def cross_check(sc, file: str | None, base_dir) -> None:
    """Study fields that fit the study, integer axes, sizes that fit in memory."""
    from memsim.errors import ScenarioError
    from memsim.scenario.load import check_memory

    m = sc.model
    cap = sc.capacity
    big_slots = m.slots
    if cap is not None:
        st = cap.study
        if cap.normalisers is not None and st != "normaliser":
            raise ScenarioError(
                f"normalisers apply to study 'normaliser' only (this study is {st!r})",
                file=file,
                field="capacity.normalisers",
            )
        if cap.tasks is not None and st != "hops":
            raise ScenarioError(
                f"tasks apply to study 'hops' only (this study is {st!r})",
                file=file,
                field="capacity.tasks",
            )
        if cap.values is not None and st == "normaliser":
            raise ScenarioError(
                "study 'normaliser' takes capacity.normalisers, not values",
                file=file,
                field="capacity.values",
            )
        vals = cap.values if cap.values is not None else DEFAULT_VALUES.get(st, [])
        if st in _INTEGER_AXES or st == "hops":
            lo, hi = _INTEGER_AXES.get(st, (1, 10))
            bad = [v for v in vals if v != int(v) or not lo <= v <= hi]
            if bad:
                raise ScenarioError(
                    f"study {st!r} needs whole numbers from {lo} to {hi}, got {bad[0]:g}",
                    file=file,
                    field="capacity.values",
                )
        if st in ("slots", "hashing"):
            big_slots = max(big_slots, int(max(vals)))
    if m.mode == "retrieval" or (cap is not None and cap.study != "hops"):
        dk = max(m.key_dim, int(max(vals)) if cap and cap.study == "key_dim" else 0)
        dv = m.value_dim or dk
        need = 8 * big_slots * (dk + dv) * 3 + 8 * m.queries * big_slots * 2
        grown = big_slots > m.slots or dk > m.key_dim  # the study's values set the size
        check_memory(need, file, "capacity.values" if grown else "model.slots")


# ------------------------------------------------------------------------------ the kind ----
KIND = builtin(
    name="kv",
    order=5,
    description="key-value memories and end-to-end memory networks (multi-hop reads, key hashing)",
    capacity_example="capacity: {study: slots, values: [30, 100, 300]}",
)
