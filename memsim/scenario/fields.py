"""Checks that several scenario sections share: one definition each, used by every section that
needs it (so a model kind's module declares only what is its own).

Each function returns a pydantic ``field_validator`` to assign in a section's class body::

    class DenseCapacity(Strict):
        sizes: list[int] = Field(description="network sizes N")
        degrees: list[int] | None = None

        _nonempty = nonempty("sizes", "degrees")

The error texts are part of the scenario format (users and tests read them): they are written
here once and must not change.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, field_validator

#: a pattern bias, the mean of +-1 entries (P(+1) = (1 + bias) / 2): the range of every bias
#: field, one value (``patterns.bias``) or a sweep (``capacity.biases``)
Bias = Annotated[float, Field(gt=-1.0, lt=1.0)]

#: the error of an empty list in a required list field (or an optional one given as ``[]``)
NO_VALUE = "give at least one value"
#: the same for an optional sweep axis, whose default is taken from another section
NO_AXIS_VALUE = "give at least one value (or leave the field out)"


def nonempty(*fields: str, message: str = NO_VALUE) -> Any:
    """A validator refusing an empty list in ``fields`` (``None``, a field left out, passes).

    Parameters
    ----------
    *fields : str
        Names of list fields of the section.
    message : str
        The error text (default :data:`NO_VALUE`).

    Returns
    -------
    pydantic field validator
        To assign to a name in the class body of the section.
    """

    def _check(cls, v):
        if v is not None and not v:
            raise ValueError(message)
        return v

    return field_validator(*fields)(_check)


def nonempty_axes(*fields: str) -> Any:
    """:func:`nonempty` for optional sweep axes: the error says the field may be left out.

    Parameters
    ----------
    *fields : str
        Names of optional list fields of a ``capacity`` section.

    Returns
    -------
    pydantic field validator
    """
    return nonempty(*fields, message=NO_AXIS_VALUE)


def count_or_all(*fields: str) -> Any:
    """A validator for fields holding a positive count or the word ``'all'``.

    Parameters
    ----------
    *fields : str
        Names of ``int | Literal["all"]`` fields.

    Returns
    -------
    pydantic field validator
        Refuses a count below 1 with "must be >= 1 or 'all'".
    """

    def _check(cls, v):
        if isinstance(v, int) and v < 1:
            raise ValueError("must be >= 1 or 'all'")
        return v

    return field_validator(*fields)(_check)


def list_or_range(field: str, what: str) -> Any:
    """A validator for a field given as a list of values or as a range ``{start, stop, ...}``.

    Parameters
    ----------
    field : str
        Name of the field (``list[...] | <range model>``).
    what : str
        What one value is, for the error of an empty list ("give at least one <what>").

    Returns
    -------
    pydantic field validator
        Refuses an empty list, and a range whose ``stop`` is below its ``start``.
    """

    def _check(cls, v):
        if isinstance(v, list):
            if not v:
                raise ValueError(f"give at least one {what}")
        elif v.stop < v.start:
            raise ValueError("stop must be >= start")
        return v

    return field_validator(field)(_check)


def matrix_file(*fields: str) -> Any:
    """A validator for paths of array files: ``.npy`` or ``.csv`` (any letter case).

    Parameters
    ----------
    *fields : str
        Names of ``str`` path fields.

    Returns
    -------
    pydantic field validator
        Refuses other suffixes with "must be a .npy or .csv file".
    """

    def _check(cls, v: str) -> str:
        if not v.lower().endswith((".npy", ".csv")):
            raise ValueError("must be a .npy or .csv file")
        return v

    return field_validator(*fields)(_check)
