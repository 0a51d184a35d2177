"""Docstring sections written once (:mod:`memsim._docstrings`) reach every function that shows
them: no placeholder is left unfilled, and the functions that share sections still list each of
their parameters in a complete numpy docstring."""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

from memsim._docstrings import fill_doc, fill_text

#: functions whose docstrings are assembled from shared sections
SHARED = {
    "memsim.ntm.interface": ["softplus", "oneplus", "sigmoid"],
    "memsim.ntm.addressing": [
        "shift_to_canonical",
        "shift_from_canonical",
        "cosine_similarity",
        "content_weighting",
    ],
    "memsim.ntm.dnc": ["allocation"],
    "memsim.ntm.engine": [
        "run_ntm",
        "run_ntm_batch",
        "run_dnc",
        "run_dnc_batch",
        "allocation_history",
    ],
    "memsim.ntm.tasks": ["run_task", "run_trials"],
    "memsim.kv.memn2n": ["adjacent_weights", "layerwise_weights"],
    "memsim.experiments.studies.dense": ["bit_error_rate", "retrieval_rate"],
    "memsim.experiments.studies.kv": [
        "accuracy_vs_slots",
        "accuracy_vs_key_dim",
        "accuracy_vs_noise",
        "accuracy_vs_normaliser",
        "hashing_study",
    ],
    "memsim.theory": ["mceliece_capacity", "storkey_capacity", "pseudoinverse_capacity"],
    "memsim.folders": [
        "write_manifest",
        "add_to_manifest",
        "read_manifest",
        "foreign_entries",
        "refuse_foreign",
        "remove_listed",
        "check_replaceable",
    ],
    "memsim.attention.normalisers": [
        "softmax",
        "sparsemax",
        "entmax15",
        "entmax_bisect",
        "hard",
        "topk",
        "normalise",
        "compare_normalisers",
    ],
    "memsim.attention.readouts": ["attend", "global_attention"],
    "memsim.hopfield.modern": ["energy", "association"],
}
#: modules without a paper to cite (file handling): no References section
NO_PAPER = {"memsim.folders"}
CASES = [(m, f) for m, names in SHARED.items() for f in names]
PLACEHOLDER = re.compile(r"^\s*\{[A-Za-z_]\w*\}", re.M)  # a part starts its line


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
