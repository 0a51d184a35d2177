"""Scenario sections of key-value attention (model kind ``attention``; Bahdanau et al. 2015;
Vaswani et al. 2017).

A batch of queries is scored against a set of keys, the scores are normalised into attention
weights (an attention map, queries x keys), and each query reads ``sum_k p_k v_k`` from the
values::

    model:
      kind: attention
      score: scaled_dot              # dot | scaled_dot | cosine | neg_sq_distance
      beta: 1.0                      # every score is multiplied by beta
      normaliser: softmax            # softmax | sparsemax | entmax15 | entmax_bisect | hard | topk
      temperature: 1.0               # softmax, topk
      keys:    {source: random, count: 40, dim: 16, distribution: gaussian}   # or {source: file}
      values:  {source: keys}        # or {source: random, dim: 8} or {source: file, path: v.npy}
      queries: {source: keys, count: 12, noise: 0.5}                          # or source: random
      compare:                       # optional: the same scores through other normalisers
        - {kind: softmax, temperature: 0.5}
        - {kind: sparsemax}
        - {kind: entmax_bisect, alpha: 1.25}

The ``general`` (``q^T W k``) and ``additive`` (``v^T tanh(W1 q + W2 k)``) scores of
:mod:`memsim.attention` need trained weight matrices; a scenario has no training step and random
matrices would make the scores unrelated to the similarity of query and key, so scenarios offer
only the parameter-free scores. Use the Python API (:func:`memsim.attention.score`) for those.

The kind has no ``patterns`` section (keys and values are described here), no ``cue`` section
(query noise is ``model.queries.noise``) and no capacity sweep.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, ClassVar, Literal

import numpy as np
from pydantic import Field, field_validator

from memsim.scenario.base import MatrixFile, Strict
from memsim.scenario.kinds import builtin
from memsim.scenario.paths import resolve_path

NEEDS_PATTERNS = False

ScoreName = Literal["dot", "scaled_dot", "cosine", "neg_sq_distance"]
NormaliserName = Literal["softmax", "sparsemax", "entmax15", "entmax_bisect", "hard", "topk"]
#: entries of random keys and values
Distribution = Annotated[
    Literal["gaussian", "binary"], Field(description="entries N(0, 1) or -1/+1")
]

#: which normalisers take which option of the model section
NORMALISER_OPTIONS = {
    "temperature": ("softmax", "topk"),
    "alpha": ("entmax_bisect",),
    "k": ("topk",),
}


# -------------------------------------------------------------------------------- keys -------
class RandomKeys(Strict):
    """Random keys: entries N(0, 1) (gaussian) or -1/+1 with equal probability (binary)."""

    source: Literal["random"]
    count: int = Field(40, ge=1, le=10_000_000, description="number of keys K")
    dim: int = Field(16, ge=1, le=100_000, description="key dimension d")
    distribution: Distribution = "gaussian"


class FileKeys(MatrixFile):
    """Keys from a .npy or .csv file (one key per row, real numbers), relative to the scenario."""

    path: str = Field(min_length=1, description="a .npy or .csv file, one key per row")


KeySpec = Annotated[RandomKeys | FileKeys, Field(discriminator="source")]


# ------------------------------------------------------------------------------ values -------
class ValuesAreKeys(Strict):
    """Each key is its own value (auto-association: the read-out is a weighted sum of keys)."""

    source: Literal["keys"]


class RandomValues(Strict):
    """Random values, one per key: entries N(0, 1) or -1/+1."""

    source: Literal["random"]
    dim: int = Field(8, ge=1, le=100_000, description="value dimension d_v")
    distribution: Distribution = "gaussian"


class FileValues(MatrixFile):
    """Values from a .npy or .csv file: one row per key, in the order of the keys."""

    path: str = Field(min_length=1, description="a .npy or .csv file, one value per row")


ValueSpec = Annotated[ValuesAreKeys | RandomValues | FileValues, Field(discriminator="source")]


# ----------------------------------------------------------------------------- queries -------
class Queries(Strict):
    """The queries: noisy copies of randomly chosen keys (each query has a target key), or
    random vectors (no target)."""

    source: Literal["keys", "random"] = Field(
        "keys", description="'keys': a chosen key plus Gaussian noise; 'random': N(0, 1) entries"
    )
    count: int = Field(12, ge=1, le=1_000_000, description="number of queries B")
    noise: float = Field(
        0.0,
        ge=0.0,
        le=1e6,
        description="standard deviation of the Gaussian noise added to each chosen key",
    )


# ------------------------------------------------------------------ normaliser specs ---------
class _Spec(Strict):
    """A normaliser of ``model.compare``: its ``kind`` (each subclass narrows it to one name),
    an optional ``label`` and the options of that normaliser."""

    kind: str
    label: str | None = Field(
        None, min_length=1, max_length=60, description="name in tables and plots"
    )
    #: the default label, a template filled from the options (``""``: the kind)
    label_format: ClassVar[str] = ""

    def options(self) -> dict:
        """The normaliser's own options (every field but ``kind`` and ``label``)."""
        return self.model_dump(exclude={"kind", "label"})

    def default_label(self) -> str:
        return self.label_format.format(**self.options()) if self.label_format else self.kind

    def display(self) -> str:
        return self.label or self.default_label()


class SoftmaxSpec(_Spec):
    kind: Literal["softmax"]
    temperature: float = Field(1.0, gt=0.0, le=1e6, description="softmax temperature T")
    label_format: ClassVar[str] = "softmax T={temperature:g}"


class SparsemaxSpec(_Spec):
    kind: Literal["sparsemax"]


class Entmax15Spec(_Spec):
    kind: Literal["entmax15"]


class EntmaxBisectSpec(_Spec):
    kind: Literal["entmax_bisect"]
    alpha: float = Field(ge=1.0, le=100.0, description="entmax alpha (1 = softmax, 2 = sparsemax)")
    label_format: ClassVar[str] = "entmax alpha={alpha:g}"


class HardSpec(_Spec):
    kind: Literal["hard"]


class TopkSpec(_Spec):
    kind: Literal["topk"]
    k: int = Field(ge=1, le=10_000_000, description="number of keys kept")
    temperature: float = Field(1.0, gt=0.0, le=1e6, description="softmax temperature among them")

    def default_label(self) -> str:
        t = "" if self.temperature == 1.0 else f" T={self.temperature:g}"
        return f"top-{self.k}{t}"


NormaliserSpec = Annotated[
    SoftmaxSpec | SparsemaxSpec | Entmax15Spec | EntmaxBisectSpec | HardSpec | TopkSpec,
    Field(discriminator="kind"),
]

_SPEC_CLASSES = {
    "softmax": SoftmaxSpec,
    "sparsemax": SparsemaxSpec,
    "entmax15": Entmax15Spec,
    "entmax_bisect": EntmaxBisectSpec,
    "hard": HardSpec,
    "topk": TopkSpec,
}


# ------------------------------------------------------------------------------- model -------
class AttentionModel(Strict):
    """Key-value attention: scores, a normaliser, read-outs (Vaswani et al. 2017; Martins &
    Astudillo 2016; Peters et al. 2019)."""

    kind: Literal["attention"] = Field(description="model family")
    score: ScoreName = Field(
        "scaled_dot",
        description="score s(q, k): dot, scaled_dot (/sqrt(d), Vaswani et al. 2017), cosine, "
        "neg_sq_distance",
    )
    beta: float = Field(1.0, ge=0.0, le=1e6, description="strength: every score times beta")
    normaliser: NormaliserName = Field("softmax", description="maps scores to weights")
    temperature: float = Field(1.0, gt=0.0, le=1e6, description="softmax / topk temperature")
    alpha: float = Field(1.5, ge=1.0, le=100.0, description="entmax_bisect alpha")
    k: int = Field(3, ge=1, le=10_000_000, description="topk: number of keys kept")
    keys: KeySpec = Field(RandomKeys(source="random"), description="the keys")
    values: ValueSpec = Field(ValuesAreKeys(source="keys"), description="the values")
    queries: Queries = Field(Queries(), description="the queries")
    compare: list[NormaliserSpec] = Field(
        default_factory=list,
        description="other normalisers applied to the same scores (empty = no comparison)",
    )

    @field_validator("compare", mode="before")
    @classmethod
    def _kinds_given(cls, v):
        if isinstance(v, list):
            v = [{"kind": item} if isinstance(item, str) else item for item in v]
            for i, item in enumerate(v):
                if not isinstance(item, dict) or "kind" not in item:
                    raise ValueError(
                        f"entry {i} needs a 'kind' (one of {', '.join(map(repr, _SPEC_CLASSES))}), "
                        "e.g. {kind: softmax, temperature: 0.5} or just sparsemax"
                    )
        return v

    def main_spec(self):
        """The model's own normaliser as a spec (kind, options, label)."""
        opts = {
            o: getattr(self, o)
            for o, users in NORMALISER_OPTIONS.items()
            if self.normaliser in users
        }
        return _SPEC_CLASSES[self.normaliser](kind=self.normaliser, **opts)


Model = AttentionModel
Capacity = None


# --------------------------------------------------------------------------- files ----------
def load_matrix(path: Path, what: str) -> np.ndarray:
    """A 2-D float64 array of finite numbers from a .npy or .csv file (one row per item).

    Raises
    ------
    memsim.errors.MemsimError
        If the file is missing or unreadable, not 2-D (a 1-D array is one column), empty, or holds
        NaN / inf.
    """
    from memsim._files import load_array
    from memsim.errors import MemsimError

    a = load_array(path, f"{what} file")
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2:
        raise MemsimError(f"{what} file {path}: expected a 2-D array (rows x dim), got {a.shape}")
    if a.dtype == object or not (np.issubdtype(a.dtype, np.number) or a.dtype == np.bool_):
        raise MemsimError(f"{what} file {path}: expected numbers, got dtype {a.dtype}")
    if np.iscomplexobj(a):
        raise MemsimError(f"{what} file {path}: expected real numbers, got dtype {a.dtype}")
    if a.shape[0] < 1 or a.shape[1] < 1:
        raise MemsimError(f"{what} file {path}: need at least one row and column, got {a.shape}")
    a = np.ascontiguousarray(a, dtype=np.float64)
    if not np.isfinite(a).all():
        raise MemsimError(f"{what} file {path}: contains NaN or inf; only finite numbers allowed")
    return a


def key_shape(m: AttentionModel, base_dir: Path | None) -> tuple[int, int]:
    if m.keys.source == "random":
        return m.keys.count, m.keys.dim
    return load_matrix(resolve_path(m.keys.path, base_dir), "keys").shape


# ---------------------------------------------------------------------------- checks ---------
#: plots that show the comparison of normalisers (need model.compare)
COMPARE_PLOTS = ("support", "profiles", "compare_maps")


def cross_check(sc, file: str | None, base_dir) -> None:
    """Options that apply to the chosen normaliser only, sections this kind does not use,
    readable key/value files of matching sizes, unique comparison labels, plots that need a
    comparison, and memory."""
    from memsim.errors import MemsimError, ScenarioError
    from memsim.scenario.load import check_memory

    m: AttentionModel = sc.model
    if "cue" in sc.model_fields_set:
        raise ScenarioError(
            "model kind 'attention' does not use a 'cue' section; remove it (the query noise is "
            "model.queries.noise)",
            file=file,
            field="cue",
        )
    for f in ("retrieval_overlap", "order_repeats"):
        if f in sc.run.model_fields_set:
            raise ScenarioError(
                f"run.{f} does not apply to model kind 'attention' (allowed run fields: trials, "
                "seed, threads)",
                file=file,
                field=f"run.{f}",
            )
    for opt, users in NORMALISER_OPTIONS.items():
        if opt in m.model_fields_set and m.normaliser not in users:
            raise ScenarioError(
                f"{opt} applies to normaliser {' and '.join(users)} only, but the normaliser is "
                f"{m.normaliser!r}; remove it (or put other normalisers in model.compare)",
                file=file,
                field=f"model.{opt}",
            )
    if m.queries.source == "random" and "noise" in m.queries.model_fields_set:
        raise ScenarioError(
            "noise applies to queries made from keys (source: keys); random queries have no "
            "target to add noise to",
            file=file,
            field="model.queries.noise",
        )
    try:
        n_keys, d_k = key_shape(m, base_dir)
    except MemsimError as exc:
        raise ScenarioError(str(exc), file=file, field="model.keys.path") from None
    d_v = d_k
    if m.values.source == "random":
        d_v = m.values.dim
    elif m.values.source == "file":
        try:
            vals = load_matrix(resolve_path(m.values.path, base_dir), "values")
        except MemsimError as exc:
            raise ScenarioError(str(exc), file=file, field="model.values.path") from None
        if vals.shape[0] != n_keys:
            raise ScenarioError(
                f"the values file has {vals.shape[0]} rows but there are {n_keys} keys; it needs "
                "one value per key",
                file=file,
                field="model.values.path",
            )
        d_v = vals.shape[1]
    labels = [m.main_spec().display()]
    for i, spec in enumerate(m.compare):
        lab = spec.display()
        if lab in labels[1:]:
            raise ScenarioError(
                f"two normalisers in model.compare are both labelled {lab!r}; give one a "
                "different 'label'",
                file=file,
                field=f"model.compare[{i}].label",
            )
        labels.append(lab)
    for i, name in enumerate(sc.output.plots or []):
        if name in COMPARE_PLOTS and not m.compare:
            raise ScenarioError(
                f"plot {name!r} compares normalisers: it needs a model.compare list (e.g. "
                "[{kind: softmax, temperature: 0.5}, {kind: sparsemax}])",
                file=file,
                field=f"output.plots[{i}]",
            )
    rows = sc.run.trials * m.queries.count
    # per row: queries, scores, weights, read-outs, target values; per comparison: weights and
    # read-outs; per trial: keys and values
    per_row = 8 * (d_k + 3 * n_keys + 2 * d_v + len(m.compare) * (n_keys + d_v))
    need = rows * per_row + sc.run.trials * n_keys * (d_k + d_v) * 8 * 2
    big = "model.queries.count" if rows >= n_keys or m.keys.source == "file" else "model.keys.count"
    check_memory(need, file, big)


# ------------------------------------------------------------------------------ the kind ----
KIND = builtin(
    name="attention",
    order=3,
    description="attention read-outs: scores, normalisers (softmax, sparsemax, entmax, top-k, "
    "hard) and attention maps",
)
