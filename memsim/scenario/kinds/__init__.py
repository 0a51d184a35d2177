"""Model kinds: each module here defines the scenario sections of one model family and
declares the kind (``KIND``, a :class:`memsim.registry.ModelKind`).

A kind module provides ``Model`` (the ``model`` section, with ``kind: Literal[...]``),
``Capacity`` (the ``capacity`` section for ``memsim capacity``, or ``None``),
``NEEDS_PATTERNS`` (whether the ``patterns`` section is required), optionally
``cross_check(sc, file, base_dir)``, and ``KIND``, which names its runners and plots modules and
its summary columns (the kinds shipped with memsim declare it with :func:`builtin`). Kinds are
discovered by :mod:`memsim.registry`: nothing lists them by hand. Checks and validators that
several kinds share live in :mod:`memsim.scenario.fields` and :mod:`memsim.scenario.load`.
"""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field

from memsim.registry import ModelKind


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


def builtin(name: str, **declared) -> ModelKind:
    """The declaration of a model kind shipped with memsim, whose three modules follow the
    package layout: ``memsim.scenario.kinds.<name>`` (schema), ``memsim.experiments.<name>``
    (runners) and ``memsim.plotting.<name>`` (plots).

    Parameters
    ----------
    name : str
        The kind (``model.kind``), also the name of its three modules.
    **declared
        The other fields of :class:`memsim.registry.ModelKind` (``order``, ``description``,
        ``summaries``, ``capacity_example``, ``capacity_patterns``).

    Returns
    -------
    ModelKind
        The registry checks that the three modules exist when it is built.
    """
    return ModelKind(
        name=name,
        schema=f"{__name__}.{name}",
        runners=f"memsim.experiments.{name}",
        plots=f"memsim.plotting.{name}",
        **declared,
    )
