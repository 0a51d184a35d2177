"""Scenario sections of the classical Hopfield network (model kind ``hopfield``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from memsim.registry import Column, Summary
from memsim.scenario import columns as col
from memsim.scenario.base import Strict
from memsim.scenario.fields import Bias, count_or_all, list_or_range, nonempty_axes
from memsim.scenario.kinds import builtin

NEEDS_PATTERNS = True


RuleName = Literal["hebbian", "storkey", "pseudoinverse", "covariance", "perceptron", "unlearning"]


class HopfieldModel(Strict):
    """Classical Hopfield network (Hopfield 1982; Amit, Gutfreund & Sompolinsky 1985)."""

    kind: Literal["hopfield"] = Field(description="model family")
    rule: RuleName = Field("hebbian", description="storage rule")
    dynamics: Literal["async", "sync"] = Field(
        "async", description="update dynamics (Glauber dynamics: either one with temperature > 0)"
    )
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
    dilution: int | None = Field(
        None,
        ge=1,
        le=10_000_000,
        description="connections kept per neuron C (None: fully connected; Derrida, Gardner & "
        "Zippelius 1987)",
    )
    dilution_kind: Literal["asymmetric", "symmetric"] = Field(
        "asymmetric",
        description="asymmetric: each neuron keeps exactly C random inputs; symmetric: each pair "
        "kept with probability C / (N - 1) both ways",
    )
    dreams: int = Field(
        100, ge=0, le=10_000_000, description="unlearning rule: number of dreams (HFP 1983)"
    )
    epsilon: float = Field(
        0.01, gt=0.0, le=100.0, description="unlearning rule: strength of each dream"
    )

    def store_options(self, rule: str | None = None) -> dict:
        """Keyword options for memsim.hopfield.store for ``rule`` (default: this model's rule),
        without dilution and seeds (the runners add those)."""
        rule = rule or self.rule
        if rule == "unlearning":
            return {"dreams": self.dreams, "epsilon": self.epsilon}
        if rule == "pseudoinverse":
            return {"zero_diagonal": self.zero_diagonal}
        if rule == "covariance":
            return {"activity": self.activity}
        if rule == "perceptron":
            return {"kappa": self.kappa, "max_epochs": self.max_epochs}
        return {}


class LoadRange(Strict):
    start: float = Field(gt=0.0, le=1000.0)
    stop: float = Field(gt=0.0, le=1000.0)
    num: int = Field(ge=1, le=10_000)


class HopfieldCapacity(Strict):
    """Load sweep for `memsim capacity`: P = round(load N) random patterns per point."""

    kind: Literal["hopfield"] = "hopfield"

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
    biases: list[Bias] | None = Field(None, description="pattern biases (default: patterns.bias)")
    flips: list[Annotated[float, Field(ge=0.0, le=1.0)]] | None = Field(
        None, description="cue noise: fractions of bits flipped (default: cue.flip)"
    )
    dilutions: list[Annotated[int, Field(ge=1, le=10_000_000)]] | None = Field(
        None, description="connections kept per neuron C (default: model.dilution)"
    )
    dreams: list[Annotated[int, Field(ge=0, le=10_000_000)]] | None = Field(
        None, description="unlearning rule: numbers of dreams (default: model.dreams)"
    )

    _pos = count_or_all("cues_per_trial")
    _nonempty = list_or_range("loads", "load")
    _nonempty_axis = nonempty_axes(
        "sizes", "rules", "temperatures", "biases", "flips", "dilutions", "dreams"
    )

    def load_values(self) -> list[float]:
        if isinstance(self.loads, LoadRange):
            import numpy as np

            return [
                float(x) for x in np.linspace(self.loads.start, self.loads.stop, self.loads.num)
            ]
        return [float(x) for x in self.loads]


Model = HopfieldModel
Capacity = HopfieldCapacity


def cross_check(sc, file: str | None, base_dir) -> None:
    """Cue indices within range, pictures only for 2-D patterns, arrays that fit in memory."""
    from memsim.scenario.load import (
        check_run_memory,
        cued_patterns,
        estimate_bytes,
        memory_budget,
    )

    p, n, n_cues = cued_patterns(sc, file, base_dir)
    _check_dilution(sc, n, file)
    # Hebbian weights without dilution are lazy (patterns kept, no N x N matrix needed)
    rules = (sc.capacity.rules if sc.capacity is not None else None) or [sc.model.rule]
    diluted = sc.model.dilution is not None or (
        sc.capacity is not None and bool(sc.capacity.dilutions)
    )
    lazy = all(r == "hebbian" for r in rules) and not diluted

    def sweep_need(cap, load: float | None = None) -> int:
        big = max(cap.sizes or [n])
        # loads are at most 1000 (schema) and sizes at most 1e7: P stays a modest integer
        p_big = int(round((max(cap.load_values()) if load is None else load) * big))
        cpt = p_big if cap.cues_per_trial == "all" else cap.cues_per_trial
        return estimate_bytes(big, p_big, cpt, sc.model.max_sweeps, lazy)

    cap = sc.capacity
    field = "capacity.sizes" if cap is not None and cap.sizes else None
    # a sweep that fits at its smallest load but not at its largest: the loads are too high
    if cap is not None and sweep_need(cap, min(cap.load_values())) <= memory_budget() < (
        sweep_need(cap)
    ):
        field = "capacity.loads"
    check_run_memory(
        sc,
        file,
        lambda k: estimate_bytes(k, p, n_cues, sc.model.max_sweeps, lazy),
        n,
        sweep_need,
        field,
    )


def _check_dilution(sc, n: int, file: str | None) -> None:
    """C connections per neuron must be below N; capacity.dreams needs the unlearning rule."""
    from memsim.errors import ScenarioError

    cap = sc.capacity
    sizes = (cap.sizes if cap is not None and cap.sizes else None) or [n]
    checks = [("model.dilution", sc.model.dilution)]
    if cap is not None and cap.dilutions:
        checks = [("capacity.dilutions", c) for c in cap.dilutions]
    for field, c in checks:
        if c is not None and c > min(sizes) - 1:
            raise ScenarioError(
                f"dilution C = {c} connections per neuron needs more than C neurons: allowed 1 "
                f"to N - 1 = {min(sizes) - 1}",
                file=file,
                field=field,
            )
    if cap is not None and cap.dreams and "unlearning" not in (cap.rules or [sc.model.rule]):
        raise ScenarioError(
            "capacity.dreams sweeps the unlearning rule: set model.rule or capacity.rules to "
            "include 'unlearning'",
            file=file,
            field="capacity.dreams",
        )


# ------------------------------------------------------------------------------ the kind ----
KIND = builtin(
    name="hopfield",
    order=0,
    description="classical Hopfield networks: Hebbian, Storkey, pseudo-inverse, covariance and "
    "perceptron storage; asynchronous, synchronous and Glauber dynamics",
    capacity_patterns="patterns: {source: random, size: 200}",
    capacity_example="capacity: {loads: [0.05, 0.1, 0.15], sizes: [200]}",
    summaries={
        "recall": Summary(
            columns=(
                Column("patterns x neurons", "{patterns} x {neurons} (load {load:.3f})"),
                col.CUES_TRIALS,
                col.INITIAL_OVERLAP,
                col.FINAL_OVERLAP,
                col.RETRIEVED.but(label="retrieved (m >= {retrieval_overlap})"),
                Column(
                    "fixed points / cycles / limit",
                    "{fraction_fixed_point:.1%} / {fraction_cycle:.1%} / {fraction_limit:.1%}",
                ),
                Column("mean sweeps", "mean_sweeps", ".2f"),
            )
        ),
        "capacity": Summary(
            table="capacity_summary",
            axes=(
                col.RULE,
                col.TEMPERATURE,
                col.BIAS,
                col.FLIP,
                col.DILUTION,
                col.DREAMS,
                col.LOAD_PER_CONNECTION,
            ),
            columns=(
                col.SIZE,
                col.LOAD,
                col.PATTERNS.but(label="P"),
                col.TRIALS,
                col.FINAL_OVERLAP.but(sem="sem_mean_final_overlap"),
                col.RETRIEVED.but(fmt=".3f"),
                Column("1-step error", "one_step_error", ".4f"),
            ),
        ),
    },
)
