"""Model kinds: each module here defines the scenario sections of one model family.

A kind module provides ``Model`` (the ``model`` section, with ``kind: Literal[...]``),
``Capacity`` (the ``capacity`` section for ``memsim capacity``, or ``None``) and
``NEEDS_PATTERNS`` (whether the ``patterns`` section is required). Its runners live in
``memsim.experiments.<kind>`` and its plots in ``memsim.plotting.<kind>``.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Annotated, Union

from pydantic import Field

#: every model kind memsim knows, in the order they are listed to users
KINDS = ("hopfield", "dense", "modern", "attention", "ntm", "kv")


def kind_modules() -> dict[str, ModuleType]:
    """The kind modules that are present (name -> module)."""
    out = {}
    for k in KINDS:
        try:
            out[k] = importlib.import_module(f"memsim.scenario.kinds.{k}")
        except ModuleNotFoundError as exc:
            if exc.name != f"memsim.scenario.kinds.{k}":
                raise
    return out


def model_union():
    models = tuple(m.Model for m in kind_modules().values())
    return Annotated[
        Union[models] if len(models) > 1 else models[0],  # noqa: UP007
        Field(discriminator="kind"),
    ]


def capacity_union():
    caps = tuple(m.Capacity for m in kind_modules().values() if m.Capacity is not None)
    return Annotated[
        Union[caps] if len(caps) > 1 else caps[0],  # noqa: UP007
        Field(discriminator="kind"),
    ]
