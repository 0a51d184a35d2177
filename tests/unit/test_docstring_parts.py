"""Docstring sections written once (:mod:`memsim._docstrings`) reach every function that shows
them: no placeholder is left unfilled, and the functions that share sections still list each of
their parameters in a complete numpy docstring."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

import memsim
from memsim._docstrings import fill_doc, fill_text

#: a line of a docstring where a shared section goes (text may follow it on the line)
PLACEHOLDER = re.compile(r"^\s*\{[A-Za-z_]\w*\}", re.M)
#: modules without a paper to cite (file handling): no References section
NO_PAPER = {"memsim.folders"}


def _assembled_functions() -> list[tuple[str, str]]:
    """(module, name) of every module-level function whose docstring in the source holds a
    placeholder, i.e. is assembled from shared sections, in every memsim module."""
    root = Path(memsim.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        module = ".".join(("memsim", *parts[: -1 if parts[-1] == "__init__" else None]))
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            doc = isinstance(node, ast.FunctionDef) and ast.get_docstring(node, clean=False)
            if doc and PLACEHOLDER.search(doc):
                found.append((module, node.name))
    return found


CASES = _assembled_functions()


def _section(doc: str, name: str) -> str:
    m = re.search(rf"^{name}\n-+\n(.*?)(?=^\w[\w ]*\n-+\n|\Z)", doc, re.M | re.S)
    assert m, f"no {name} section"
    return m.group(1)


def test_fill_text_indents_every_line_of_a_part_like_its_placeholder_line():
    doc = "Summary.\n\n    Raises\n    ------\n    {errors}\n\n    {errors}\n"
    part = "MemsimError\n    If bad.\n\n    Really."
    want_block = "    MemsimError\n        If bad.\n\n        Really."
    assert fill_text(doc, errors=part, unused="x") == (
        f"Summary.\n\n    Raises\n    ------\n{want_block}\n\n{want_block}\n"
    )
    assert fill_text("{other}", errors=part) == "{other}"


def test_fill_doc_sets_the_docstring_and_returns_the_same_function():
    def f(x):
        """Sum.

        {p}
        """

    g = fill_doc(p="x : int\n    An x.")(f)
    assert g is f
    assert inspect.getdoc(f) == "Sum.\n\nx : int\n    An x."


def test_the_source_walk_finds_the_functions_that_share_sections():
    found = set(CASES)
    for case in [
        ("memsim.ntm.engine", "run_ntm"),
        ("memsim.experiments.studies.dense", "bit_error_rate"),
        ("memsim.attention.normalisers", "sparsemax"),
        ("memsim.folders", "read_manifest"),
        ("memsim.hopfield.modern", "association"),
    ]:
        assert case in found, f"{case} not found by the walk"
    assert ("memsim.attention.normalisers", "softmax") in found  # text follows its placeholder
    assert ("memsim.theory", "one_step_error") not in found


@pytest.mark.parametrize("module,name", CASES, ids=[f"{m}.{f}" for m, f in CASES])
def test_shared_sections_are_filled_and_list_every_parameter(module, name):
    func = getattr(importlib.import_module(module), name)
    doc = inspect.getdoc(func)
    assert not PLACEHOLDER.search(doc), f"{name}: unfilled placeholder in\n{doc}"
    params = _section(doc, "Parameters")
    entries = re.findall(r"^(\S[^:\n]*?)(?: :|$)", params, re.M)
    listed = {n.strip().lstrip("*") for e in entries for n in e.split(",")}
    for p in inspect.signature(func).parameters.values():
        assert p.name in listed, f"{name}: parameter {p.name} missing from\n{params}"
    sig = inspect.signature(func)
    wanted = ["Raises"]
    if sig.return_annotation not in (None, "None"):
        wanted.append("Returns")
    if module not in NO_PAPER:
        wanted.append("References")
    for section in wanted:
        assert _section(doc, section).strip(), f"{name}: empty {section}"
