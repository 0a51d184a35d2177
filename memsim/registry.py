"""The registry of model kinds: one declared object per kind, found without a shared list.

A model kind (``hopfield``, ``dense``, ``modern``, ``attention``, ``ntm``, ``kv``, ...) is a
:class:`ModelKind` declared once, as ``KIND`` in its schema module
``memsim/scenario/kinds/<kind>.py``. It names the three modules that make up the kind:

* the **schema** module (where ``KIND`` lives): ``Model`` (the ``model`` section, with
  ``kind: Literal["<kind>"]``), ``Capacity`` (the ``capacity`` section, or ``None``),
  ``NEEDS_PATTERNS`` and optionally ``cross_check(sc, file, base_dir)``;
* the **runners** module (``memsim.experiments.<kind>``): ``run_recall(sc, base_dir,
  progress) -> Result``, ``run_capacity`` when the kind has a capacity section, optionally
  ``check_recall``/``check_capacity(sc, file)``, and, for sweeps that split into independent
  (point, trial) tasks, ``capacity_points``, ``capacity_task`` and ``assemble_capacity`` (which
  give it checkpoints, ``--resume`` and the Dask backend);
* the **plots** module (``memsim.plotting.<kind>``): ``PLOTTERS``, ``RECALL_PLOTS``,
  ``CAPACITY_PLOTS`` and ``default_plots(result)``.

It also declares its summary columns (what ``memsim`` prints after a run). Everything else (the
scenario schema, the CLI, the runners, the Dask backend, the plots, validation) finds kinds
through :func:`kinds`. Kinds are discovered, never listed by hand: every module of the package
``memsim.scenario.kinds`` that defines ``KIND``, and every entry point of the group
``memsim.kinds`` (so a separate package can add a model kind). Adding a kind therefore touches
only its own files; the steps are in the docs' "how to add a model" page.

A kind that is incomplete fails loudly: the schema part and the existence of its modules are
checked when the registry is built (at import of :mod:`memsim.scenario`), the runner and plot
functions on first use and, for every kind, by ``tests/unit/test_registry.py``.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import importlib.util
import pkgutil
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

#: entry-point group through which other packages add model kinds
ENTRY_POINT_GROUP = "memsim.kinds"


class KindError(RuntimeError):
    """A model kind's declaration is incomplete or inconsistent (a bug in the kind, not in a
    user's scenario)."""


@dataclass(frozen=True)
class Column:
    """One column (or row) of a summary printed by the CLI.

    Parameters
    ----------
    label : str
        What the user sees.
    key : str
        Column of the summary table, or key of ``Result.summary``.
    fmt : str
        A format spec (``".3f"``) or ``"pct"`` (a fraction shown as a percentage); ``""``
        prints the value as it is.
    sem : str, optional
        Column holding the standard error, printed as ``value ± sem``.
    """

    label: str
    key: str
    fmt: str = ""
    sem: str | None = None

    def but(self, **changes: str | None) -> Column:
        """The same column with some fields changed (a kind's own words for a shared
        quantity of :mod:`memsim.scenario.columns`).

        Parameters
        ----------
        **changes : str or None
            New values of ``label``, ``key``, ``fmt`` or ``sem``.

        Returns
        -------
        Column
            A new column; this one is unchanged.
        """
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class Summary:
    """What the CLI prints after one command of a kind.

    Parameters
    ----------
    table : str, optional
        A table of the Result to print row by row (e.g. ``"capacity_summary"``); ``None``
        prints ``rows`` from ``Result.summary`` as label/value pairs.
    columns : tuple of Column
        The columns (for ``table``) or rows (label/value pairs from ``Result.summary``).
    axes : tuple of str
        Columns of ``table`` that distinguish its rows (the swept axes); shown first, and only
        those that take more than one value in the run.
    """

    table: str | None = None
    columns: tuple[Column, ...] = ()
    axes: tuple[Column, ...] = ()


@dataclass(frozen=True)
class ModelKind:
    """One model kind: its name and the modules that implement it.

    Parameters
    ----------
    name : str
        The value of ``model.kind`` in a scenario.
    order : int
        Position in lists shown to users (smaller first).
    description : str
        One line for listings and docs.
    schema : str
        Module with ``Model``, ``Capacity``, ``NEEDS_PATTERNS`` (and ``cross_check``).
    runners : str
        Module with ``run_recall`` (and the capacity functions).
    plots : str
        Module with ``PLOTTERS``, ``RECALL_PLOTS``, ``CAPACITY_PLOTS``, ``default_plots``.
    summaries : dict
        Command (``"recall"``, ``"capacity"``) -> :class:`Summary`; a command without one
        prints every scalar of ``Result.summary``.
    capacity_example : str
        A minimal, valid ``capacity`` section in YAML flow style (shown in hints; a test checks
        that following the hint makes ``memsim capacity`` accept a scenario of the kind).
    capacity_patterns : str
        When the kind's capacity sweep draws its own random patterns: a ``patterns`` section
        for the hint (``""``: the sweep uses the scenario's patterns as they are).
    """

    name: str
    order: int
    description: str
    schema: str
    runners: str
    plots: str
    summaries: dict[str, Summary] = field(default_factory=dict)
    capacity_example: str = ""
    capacity_patterns: str = ""

    # -- the modules -----------------------------------------------------------------------
    def schema_module(self) -> ModuleType:
        return importlib.import_module(self.schema)

    def runners_module(self) -> ModuleType:
        return importlib.import_module(self.runners)

    def plots_module(self) -> ModuleType:
        return importlib.import_module(self.plots)

    # -- the schema part -------------------------------------------------------------------
    @property
    def model(self) -> type:
        return self.schema_module().Model

    @property
    def capacity(self) -> type | None:
        return self.schema_module().Capacity

    @property
    def needs_patterns(self) -> bool:
        return bool(self.schema_module().NEEDS_PATTERNS)

    def cross_check(self) -> Callable | None:
        return getattr(self.schema_module(), "cross_check", None)

    # -- the runners -----------------------------------------------------------------------
    def runner(self, command: str) -> Callable | None:
        """``run_recall`` / ``run_capacity`` (None when the kind has no such command)."""
        fn = getattr(self.runners_module(), f"run_{command}", None)
        if command == "recall" and fn is None:
            raise KindError(f"model kind '{self.name}': {self.runners} has no run_recall")
        return fn

    def check(self, command: str) -> Callable | None:
        """The kind's ``check_<command>(sc, file)``, if any."""
        return getattr(self.runners_module(), f"check_{command}", None)

    def sweep(self) -> tuple[Callable, Callable, Callable] | None:
        """``(capacity_points, capacity_task, assemble_capacity)`` when the kind's capacity
        sweep splits into independent (point, trial) tasks, else None."""
        mod = self.runners_module()
        names = ("capacity_points", "capacity_task", "assemble_capacity")
        fns = tuple(getattr(mod, n, None) for n in names)
        if all(f is None for f in fns):
            return None
        if any(f is None for f in fns):
            missing = [n for n, f in zip(names, fns, strict=True) if f is None]
            raise KindError(
                f"model kind '{self.name}': {self.runners} defines part of a task sweep; "
                f"missing {', '.join(missing)}"
            )
        return fns  # type: ignore[return-value]

    # -- plots -----------------------------------------------------------------------------
    def plot_names(self, command: str) -> tuple[str, ...]:
        mod = self.plots_module()
        return tuple(mod.CAPACITY_PLOTS if command == "capacity" else mod.RECALL_PLOTS)

    def check_complete(self) -> None:
        """Import every module of the kind and check every required name (raises KindError)."""
        problems = []
        rmod = self.runners_module()
        if not callable(getattr(rmod, "run_recall", None)):
            problems.append(f"{self.runners}.run_recall is missing")
        if self.capacity is not None and getattr(rmod, "run_capacity", None) is None:
            problems.append(f"{self.runners}.run_capacity is missing (the kind has Capacity)")
        try:
            self.sweep()
        except KindError as exc:
            problems.append(str(exc))
        pmod = self.plots_module()
        for attr in ("PLOTTERS", "RECALL_PLOTS", "CAPACITY_PLOTS", "default_plots"):
            if not hasattr(pmod, attr):
                problems.append(f"{self.plots}.{attr} is missing")
        if not problems:
            for name in (*pmod.RECALL_PLOTS, *pmod.CAPACITY_PLOTS):
                if name not in pmod.PLOTTERS:
                    problems.append(f"plot {name!r} is listed but has no function in PLOTTERS")
        if self.capacity is not None and not self.capacity_example:
            problems.append("capacity_example is empty (the kind has a Capacity section)")
        for command, summ in self.summaries.items():
            if command not in ("recall", "capacity"):
                problems.append(f"summary for unknown command {command!r}")
            if not isinstance(summ, Summary):
                problems.append(f"summaries[{command!r}] is not a Summary")
        if problems:
            raise KindError(f"model kind '{self.name}' is incomplete: " + "; ".join(problems))


def _module_exists(dotted: str) -> bool:
    """Whether a module can be found, without importing it or its parent packages."""
    import sys
    from importlib.machinery import PathFinder

    parts = dotted.split(".")
    top = sys.modules.get(parts[0])
    spec = top.__spec__ if top is not None else importlib.util.find_spec(parts[0])
    for i in range(1, len(parts)):
        if spec is None or not spec.submodule_search_locations:
            return False
        name = ".".join(parts[: i + 1])
        loaded = sys.modules.get(name)
        if loaded is not None:
            spec = loaded.__spec__
            continue
        spec = PathFinder.find_spec(name, list(spec.submodule_search_locations))
    return spec is not None


def _check_declaration(kind: Any, where: str) -> ModelKind:
    """Check the parts of a declaration that can be checked without importing its runners
    or plots (those pull in numba and matplotlib)."""
    if not isinstance(kind, ModelKind):
        raise KindError(f"{where}: KIND is a {type(kind).__name__}, not a memsim ModelKind")
    for attr in ("runners", "plots"):
        mod = getattr(kind, attr)
        if not _module_exists(mod):
            raise KindError(f"model kind '{kind.name}' ({where}): module {mod} does not exist")
    smod = kind.schema_module()
    for attr in ("Model", "Capacity", "NEEDS_PATTERNS"):
        if not hasattr(smod, attr):
            raise KindError(f"model kind '{kind.name}': {kind.schema}.{attr} is missing")
    tag = typing.get_args(smod.Model.model_fields["kind"].annotation)
    if tag != (kind.name,):
        raise KindError(
            f"model kind '{kind.name}': {kind.schema}.Model has kind {tag}, not ('{kind.name}',)"
        )
    cap = smod.Capacity
    if cap is not None:
        ctag = typing.get_args(cap.model_fields["kind"].annotation)
        if ctag != (kind.name,):
            raise KindError(
                f"model kind '{kind.name}': {kind.schema}.Capacity has kind {ctag}, not "
                f"('{kind.name}',)"
            )
    return kind


def _builtin() -> list[ModelKind]:
    import memsim.scenario.kinds as pkg

    found = []
    for info in pkgutil.iter_modules(pkg.__path__):
        name = f"{pkg.__name__}.{info.name}"
        mod = importlib.import_module(name)
        if hasattr(mod, "KIND"):
            kind = _check_declaration(mod.KIND, name)
            if kind.schema != name:
                raise KindError(
                    f"model kind '{kind.name}' ({name}): its schema is {kind.schema}, not the "
                    "module that declares it (name the module after the kind)"
                )
            found.append(kind)
    return found


def _plugins() -> list[ModelKind]:
    from importlib.metadata import entry_points

    found = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = ep.load()
        except Exception as exc:  # a broken plugin must say which one it is
            raise KindError(
                f"the model kind plugin '{ep.name}' ({ep.value}) cannot be loaded: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        found.append(_check_declaration(obj, f"entry point {ep.name} = {ep.value}"))
    return found


@functools.cache
def kinds() -> dict[str, ModelKind]:
    """Every model kind, by name, in the order shown to users.

    Raises
    ------
    KindError
        A kind's declaration is incomplete, or two kinds share a name.
    """
    out: dict[str, ModelKind] = {}
    for k in sorted(_builtin() + _plugins(), key=lambda k: (k.order, k.name)):
        if k.name in out:
            raise KindError(f"two model kinds are named '{k.name}'")
        out[k.name] = k
    return out


def get(name: str) -> ModelKind:
    """The kind called ``name`` (KeyError listing the known kinds otherwise).

    Parameters
    ----------
    name : str
        A model kind (``model.kind`` of a scenario).

    Returns
    -------
    ModelKind

    Raises
    ------
    KeyError
        An unknown kind, listing the known ones.
    KindError
        A kind's declaration is broken (raised while the registry is built).
    """
    reg = kinds()
    if name not in reg:
        raise KeyError(f"unknown model kind {name!r}; known: {', '.join(reg)}")
    return reg[name]


__all__ = [
    "ENTRY_POINT_GROUP",
    "Column",
    "KindError",
    "ModelKind",
    "Summary",
    "get",
    "kinds",
]
