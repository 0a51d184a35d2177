"""Base class for scenario sections."""

from __future__ import annotations

import typing
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from memsim.scenario.fields import matrix_file


def _accepts_bool(annotation: typing.Any) -> bool:
    """Whether ``bool`` (or ``Any``) appears anywhere in a field's type."""
    if annotation is bool or annotation is typing.Any:
        return True
    return any(_accepts_bool(a) for a in typing.get_args(annotation) if not isinstance(a, str))


def _bool_at(value: typing.Any) -> str | None:
    """Where a bool is: ``""`` (the value itself), ``"[2]"`` (in a list), or None (nowhere).

    Nested mappings are left to their own model's check."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, list | tuple):
        for i, v in enumerate(value):
            inner = _bool_at(v)
            if inner is not None:
                return f"[{i}]{inner}"
    return None


class Strict(BaseModel):
    """Base: unknown keys are errors, instances are immutable, numbers are numbers.

    Lax type conversion stays on (``"1e-3"`` from YAML is a number), but a boolean is never taken
    as a number or index (``max_sweeps: true`` is refused, not read as 1), and NaN / inf are
    refused in every float field.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _no_bool_as_number(cls, data: typing.Any) -> typing.Any:
        if isinstance(data, dict):
            for name, value in data.items():
                field = cls.model_fields.get(name) if isinstance(name, str) else None
                if field is None or _accepts_bool(field.annotation):
                    continue
                where = _bool_at(value)
                if where is not None:
                    raise PydanticCustomError(
                        "bool_not_number",
                        "true/false is not allowed here: give a number (or a name, as documented "
                        "for this field)",
                        {"field": name + where},
                    )
        return data


class MatrixFile(Strict):
    """Base of the sections that read an array from a file (``source: file``): a ``path`` to a
    ``.npy`` or ``.csv`` file, relative to the scenario file. A subclass may give ``path`` its
    own description."""

    source: Literal["file"]
    path: str = Field(min_length=1)

    _suffix = matrix_file("path")
