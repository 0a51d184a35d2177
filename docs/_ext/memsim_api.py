"""Write the API reference pages (one per public module of memsim) before Sphinx reads the sources.

The list of modules is found by walking the package, never typed by hand: every module whose
dotted name has no part starting with ``_``, except the internal packages (the plotting modules,
the scenario schema -- documented as the scenario reference instead --, the bundled data and the
per-kind runner modules of :mod:`memsim.experiments`, which users reach through ``memsim
recall/capacity`` and :func:`memsim.run`).

A module's page documents the objects defined in it. A package that re-exports names from its
submodules (``memsim.hopfield.store`` is ``memsim.hopfield.classical.store``) gets a table of
those names linking to where they are documented, so nothing is documented twice.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

#: packages (and their submodules) left out of the API reference, with the reason
INTERNAL = {
    "memsim.plotting": "plots are drawn by Result.plot and the CLI",
    "memsim.scenario": "documented field by field in the scenario reference",
    "memsim.data": "bundled data files",
    "memsim.cli": "documented in the command-line reference",
}
#: modules of memsim.experiments kept in the reference (the rest are per-kind runners)
EXPERIMENTS_PUBLIC = {
    "memsim.experiments",
    "memsim.experiments.checkpoint",
    "memsim.experiments.distributed",
    "memsim.experiments.progress",
}

#: how the reference groups the modules: (title, prefix or tuple of prefixes)
GROUPS = (
    ("Hopfield networks", "memsim.hopfield"),
    ("Attention", "memsim.attention"),
    ("Neural Turing Machines and DNC", "memsim.ntm"),
    ("Key-value memories and memory networks", "memsim.kv"),
    ("Sparse distributed memory", "memsim.sdm"),
    ("Theory curves", "memsim.theory"),
    ("Patterns and cues", "memsim.patterns"),
    ("Running scenarios", "memsim.experiments"),
    ("Results and their folders", ("memsim.results", "memsim.folders")),
    ("Model kinds", "memsim.registry"),
    ("Errors and warnings", "memsim.errors"),
)


def public_modules() -> list[str]:
    """Dotted names of the modules in the API reference, the top-level package first."""
    import memsim

    names = ["memsim"]
    for info in pkgutil.walk_packages(memsim.__path__, "memsim."):
        name = info.name
        if any(part.startswith("_") for part in name.split(".")[1:]):
            continue
        if any(name == p or name.startswith(p + ".") for p in INTERNAL):
            continue
        studies = name.startswith("memsim.experiments.studies")
        if name.startswith("memsim.experiments") and name not in EXPERIMENTS_PUBLIC and not studies:
            continue
        names.append(name)
    return names


def _public_names(mod) -> list[str]:
    names = getattr(mod, "__all__", None)
    if names is None:
        names = [n for n in vars(mod) if not n.startswith("_")]
    return list(names)


def _defined_here(mod, name: str) -> bool:
    obj = getattr(mod, name, None)
    if inspect.ismodule(obj):
        return False
    if inspect.isclass(obj) or inspect.isfunction(obj):
        return obj.__module__ == mod.__name__
    return False


def _reexported(mod) -> list[tuple[str, str]]:
    """(name, documented target) of functions and classes a module re-exports from elsewhere."""
    out = []
    for name in _public_names(mod):
        obj = getattr(mod, name, None)
        if (inspect.isclass(obj) or inspect.isfunction(obj)) and obj.__module__ != mod.__name__:
            private = obj.__module__.split(".")[-1].startswith("_")
            if obj.__module__.startswith("memsim.") and not private:
                out.append((name, f"{obj.__module__}.{obj.__qualname__}"))
    return out


def module_page(name: str) -> str:
    """The reStructuredText of one module's page."""
    mod = importlib.import_module(name)
    title = f"``{name}``"
    lines = [title, "=" * len(title), "", f".. automodule:: {name}"]
    members = [n for n in _public_names(mod) if _defined_here(mod, n)]
    if name == "memsim":
        members = ["run", "load_scenario"]
    if members:
        lines.append("   :members: " + ", ".join(members))
        lines.append("   :show-inheritance:")
    lines.append("")
    if name == "memsim":
        lines += [
            "The model modules load on first use: ``import memsim`` then ``memsim.hopfield``.",
            "",
        ]
    reexp = [(n, t) for n, t in _reexported(mod) if t.rsplit(".", 1)[0] in public_modules()]
    if reexp:
        lines += [
            "Names re-exported here",
            "----------------------",
            "",
            f"These are importable from ``{name}`` and documented in their own modules.",
            "",
            ".. list-table::",
            "   :header-rows: 1",
            "   :widths: 30 70",
            "",
            "   * - name",
            "     - documented as",
        ]
        for n, t in reexp:
            lines += [f"   * - ``{n}``", f"     - :py:obj:`{t}`"]
        lines.append("")
    return "\n".join(lines) + "\n"


def write_pages(outdir: Path) -> list[str]:
    """Write ``<module>.rst`` for every public module and ``index.rst`` into ``outdir``.

    Returns the module names. Files are rewritten only when their text changes (Sphinx then
    re-reads only what changed).
    """
    outdir.mkdir(parents=True, exist_ok=True)
    names = public_modules()
    pages = {f"{n}.rst": module_page(n) for n in names}
    index = [
        "API reference",
        "=============",
        "",
        "Every public module of memsim, generated from its docstrings (numpy style: parameters",
        "with shapes and dtypes, returns, raises, and the paper and equation each function",
        "implements). Start at the package pages: they list what each package re-exports.",
        "",
        ".. toctree::",
        "   :maxdepth: 1",
        "   :caption: memsim",
        "",
        "   memsim",
        "",
    ]
    done = {"memsim"}
    for title, prefixes in GROUPS:
        prefixes = (prefixes,) if isinstance(prefixes, str) else prefixes
        group = [
            n
            for n in names
            if any(n == p or n.startswith(p + ".") for p in prefixes) and n not in done
        ]
        if not group:
            continue
        index += [".. toctree::", "   :maxdepth: 1", f"   :caption: {title}", ""]
        index += [f"   {n}" for n in group]
        index.append("")
        done.update(group)
    rest = [n for n in names if n not in done]
    if rest:
        index += [".. toctree::", "   :maxdepth: 1", "   :caption: Other modules", ""]
        index += [f"   {n}" for n in rest]
        index.append("")
    pages["index.rst"] = "\n".join(index)
    for fname, text in pages.items():
        path = outdir / fname
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    for stale in outdir.glob("*.rst"):
        if stale.name not in pages:
            stale.unlink()
    return names


def _on_builder_inited(app) -> None:
    write_pages(Path(app.srcdir) / "gen" / "api")


def setup(app):
    app.connect("builder-inited", _on_builder_inited)
    return {"parallel_read_safe": True, "version": "1"}
