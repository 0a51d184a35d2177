"""The generated scenario reference (docs/_ext/memsim_scenario_reference.py) lists every field of
every section of every registered model kind, with its choices and bounds.

The sections are found here by a walk of our own over the pydantic models (model_fields and the
types inside them), not by the generator's walk, and compared with the tables parsed out of the
generator's reStructuredText. Sphinx is not needed: the generator is a plain function."""

from __future__ import annotations

import importlib.util
import inspect
import re
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from memsim.registry import kinds
from memsim.scenario import schema

GENERATOR = Path(__file__).resolve().parents[2] / "docs" / "_ext" / "memsim_scenario_reference.py"


@pytest.fixture(scope="module")
def reference_text() -> str:
    if not GENERATOR.exists():
        pytest.fail(f"the scenario reference generator is missing: {GENERATOR}")
    spec = importlib.util.spec_from_file_location("memsim_scenario_reference", GENERATOR)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.scenario_reference()


def _tables(text: str) -> dict[str, dict[str, str]]:
    """label -> {field name: the whole row's text}, parsed from the list-tables."""
    out: dict[str, dict[str, str]] = {}
    current = None
    row_name = None
    for line in text.splitlines():
        m = re.fullmatch(r"\.\. _(scenario-[a-z0-9_-]+):", line)
        if m:
            current = m.group(1)
            out.setdefault(current, {})
            row_name = None
            continue
        m = re.fullmatch(r"   \* - ``([A-Za-z0-9_]+)``", line)
        if m and current is not None:
            row_name = m.group(1)
            out[current][row_name] = ""
            continue
        if row_name is not None and line.startswith("     - "):
            out[current][row_name] += line[len("     - ") :] + "\n"
    return out


def _models_in(tp) -> list[type[BaseModel]]:
    """Our own walk: pydantic models inside a type, through Annotated, unions and containers."""
    found = []
    if inspect.isclass(tp) and issubclass(tp, BaseModel):
        return [tp]
    if typing.get_origin(tp) is typing.Literal:
        return []
    for arg in typing.get_args(tp):
        if isinstance(arg, FieldInfo) or arg is Ellipsis or isinstance(arg, str):
            continue
        found += _models_in(arg)
    return found


def _reachable(root: type[BaseModel]) -> set[type[BaseModel]]:
    todo, seen = [root], set()
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        for f in m.model_fields.values():
            todo += _models_in(f.annotation)
    return seen


def _expected() -> dict[str, type[BaseModel]]:
    """label -> model, for the shared sections and every kind's model and capacity sections."""
    out: dict[str, type[BaseModel]] = {}
    common = _reachable(schema.Scenario)
    for name, kind in kinds().items():
        roots = [kind.model] + ([kind.capacity] if kind.capacity is not None else [])
        for root in roots:
            for m in _reachable(root):
                out[f"scenario-{name}-{m.__name__.lower()}"] = m
                common.discard(m)
    for m in common:
        out[f"scenario-common-{m.__name__.lower()}"] = m
    return out


def _bounds(f: FieldInfo) -> list:
    found = []

    def visit(meta):
        for m in meta:
            if isinstance(m, FieldInfo):
                visit(m.metadata)
            for attr in ("ge", "gt", "le", "lt", "min_length", "max_length"):
                v = getattr(m, attr, None)
                if v is not None and not isinstance(v, bool):
                    found.append(v)

    def walk(tp):
        if typing.get_origin(tp) is typing.Annotated:
            args = typing.get_args(tp)
            visit(args[1:])
            walk(args[0])
        elif typing.get_origin(tp) is not typing.Literal:
            for a in typing.get_args(tp):
                if not isinstance(a, str) and a is not Ellipsis:
                    walk(a)

    visit(f.metadata)
    walk(f.annotation)
    return found


def _literals(tp) -> list:
    if typing.get_origin(tp) is typing.Literal:
        return list(typing.get_args(tp))
    out = []
    for a in typing.get_args(tp):
        if not isinstance(a, str | FieldInfo) and a is not Ellipsis:
            out += _literals(a)
    return out


def test_every_kind_has_a_chapter(reference_text):
    for name in kinds():
        assert f".. _scenario-kind-{name}:" in reference_text, name


def test_every_section_of_every_kind_lists_exactly_its_fields(reference_text):
    tables = _tables(reference_text)
    expected = _expected()
    assert len(expected) > len(kinds()) * 2  # the walk found nested sections too
    for label, model in expected.items():
        assert label in tables, f"no table for {model.__name__} ({label})"
        assert list(tables[label]) == list(model.model_fields), label


def test_rows_show_choices_bounds_and_descriptions(reference_text):
    tables = _tables(reference_text)
    checked = 0
    for label, model in _expected().items():
        for name, f in model.model_fields.items():
            row = tables[label][name]
            for choice in _literals(f.annotation):
                assert f"``{choice}``" in row, (label, name, choice)
            for bound in _bounds(f):
                shown = f"{bound:g}" if isinstance(bound, float) else str(bound)
                if isinstance(bound, int) and bound > 10**15:
                    shown = f"2^{bound.bit_length()} - 1"
                assert shown in row, (label, name, bound)
            if f.description:
                words = re.findall(r"[A-Za-z]{4,}", f.description)
                assert all(w in row for w in words), (label, name)
            if f.is_required():
                assert "required" in row, (label, name)
            checked += 1
    assert checked > 100


def test_union_of_types_reads_as_alternatives():
    """A type is shown as its alternatives (e.g. ``int or null``), not as a Python repr."""
    spec = importlib.util.spec_from_file_location("memsim_scenario_reference", GENERATOR)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rows = {r[0]: r for r in mod.field_rows(schema.Run, "common")}
    assert rows["``threads``"][1] == "int or null"
    assert rows["``threads``"][2] == "``null``"
    assert "typing" not in "".join("".join(r) for r in rows.values())


def test_api_reference_covers_every_public_module():
    """The API pages are generated for every public module users import (docs/_ext/memsim_api.py),
    each page naming its module in an automodule directive."""
    path = GENERATOR.parent / "memsim_api.py"
    spec = importlib.util.spec_from_file_location("memsim_api", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    names = mod.public_modules()
    required = [
        "memsim",
        *(
            f"memsim.hopfield.{m}"
            for m in (
                "classical",
                "rules",
                "analysis",
                "dense",
                "modern",
                "sequence",
                "bam",
                "continuous",
                "willshaw",
                "dilution",
            )
        ),
        "memsim.hopfield",
        "memsim.attention",
        "memsim.ntm",
        "memsim.kv",
        "memsim.sdm",
        "memsim.theory",
        "memsim.patterns",
        "memsim.results",
        "memsim.experiments",
        "memsim.registry",
        "memsim.folders",
        "memsim.errors",
    ]
    missing = [m for m in required if m not in names]
    assert not missing, missing
    assert not [n for n in names if any(p.startswith("_") for p in n.split("."))]
    page = mod.module_page("memsim.hopfield.rules")
    assert ".. automodule:: memsim.hopfield.rules" in page
    assert "storkey_weights" in page  # the module's own functions are listed as members
