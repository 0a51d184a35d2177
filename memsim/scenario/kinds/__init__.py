"""Model kinds: each module here defines the scenario sections of one model family and
declares the kind (``KIND``, a :class:`memsim.registry.ModelKind`).

A kind module provides ``Model`` (the ``model`` section, with ``kind: Literal[...]``),
``Capacity`` (the ``capacity`` section for ``memsim capacity``, or ``None``),
``NEEDS_PATTERNS`` (whether the ``patterns`` section is required), optionally
``cross_check(sc, file, base_dir)``, and ``KIND``, which names its runners and plots modules and
its summary columns. Kinds are discovered by :mod:`memsim.registry`: nothing lists them by hand.
"""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field


def model_union():
    """The ``model`` section: a union of every kind's ``Model``, tagged by ``kind``."""
    from memsim.registry import kinds

    models = tuple(k.model for k in kinds().values())
    return Annotated[
        Union[models] if len(models) > 1 else models[0],  # noqa: UP007
        Field(discriminator="kind"),
    ]


def capacity_union():
    """The ``capacity`` section: a union of the kinds' ``Capacity`` models, tagged by ``kind``."""
    from memsim.registry import kinds

    caps = tuple(k.capacity for k in kinds().values() if k.capacity is not None)
    return Annotated[
        Union[caps] if len(caps) > 1 else caps[0],  # noqa: UP007
        Field(discriminator="kind"),
    ]
