"""Every public function of memsim's model and library modules documents itself in numpy style:
Parameters (shapes, dtypes, units), Returns, Raises and, in the physics modules, References (the
paper and equation). Plot, runner and scenario-schema modules are internal (users reach them
through ``memsim recall/capacity`` and ``Result.plot``) and are not walked."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import memsim

#: physics: these also cite their source
PHYSICS = (
    "memsim.hopfield",
    "memsim.attention",
    "memsim.ntm",
    "memsim.kv",
    "memsim.sdm",
    "memsim.experiments.studies",
    "memsim.theory",
)
#: packages whose public functions are the API users' notebooks call
WALKED = (
    *PHYSICS,
    "memsim.patterns",
    "memsim.results",
    "memsim.folders",
    "memsim.registry",
    "memsim.report",
)


def _modules():
    for info in pkgutil.walk_packages(memsim.__path__, "memsim."):
        name = info.name
        if any(part.startswith("_") for part in name.split(".")[1:]):
            continue
        if name.startswith(WALKED):
            yield importlib.import_module(name)


def _public_functions():
    seen = set()
    for mod in _modules():
        names = getattr(mod, "__all__", None) or [n for n in vars(mod) if not n.startswith("_")]
        for n in names:
            obj = getattr(mod, n, None)
            if inspect.isfunction(obj) and obj.__module__ == mod.__name__ and obj not in seen:
                seen.add(obj)
                yield f"{mod.__name__}.{n}", mod.__name__, obj


FUNCTIONS = sorted(_public_functions(), key=lambda t: t[0])


def _section(doc: str, name: str) -> bool:
    return re.search(rf"^{name}\n-{{3,}}", doc, re.M) is not None


def test_the_walk_finds_the_api():
    names = {n for n, _, _ in FUNCTIONS}
    assert (
        "memsim.hopfield.classical.recall" in names and "memsim.attention.readouts.attend" in names
    )
    assert len(FUNCTIONS) > 150


@pytest.mark.parametrize("qualname,module,func", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_public_function_is_documented(qualname, module, func):
    doc = inspect.getdoc(func) or ""
    sig = inspect.signature(func)
    params = [p for p in sig.parameters.values() if p.name not in ("self", "cls")]
    missing = []
    if params and not _section(doc, "Parameters"):
        missing.append("Parameters")
    if sig.return_annotation not in (None, "None") and not (
        _section(doc, "Returns") or _section(doc, "Yields")
    ):
        missing.append("Returns")
    if params and not _section(doc, "Raises"):
        missing.append("Raises")
    if module.startswith(PHYSICS) and not _section(doc, "References"):
        missing.append("References")
    assert not missing, f"{qualname}: docstring lacks {', '.join(missing)}"
    assert "THEORY.md" not in doc, f"{qualname}: cite the paper, not THEORY.md (users lack it)"
