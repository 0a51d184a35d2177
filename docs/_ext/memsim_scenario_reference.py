"""The scenario reference, generated from the pydantic models so it cannot drift from the code.

:func:`scenario_reference` walks the model kinds of :mod:`memsim.registry` and the schema of
:mod:`memsim.scenario.schema` and returns reStructuredText: the sections every scenario shares
(``patterns``, ``cue``, ``run``, ``output``), then, per model kind, its ``model`` and ``capacity``
sections with every nested section they contain. Each section is one table with a row per field:
name, type, default, allowed values (``Literal`` choices, ``ge``/``gt``/``le``/``lt`` bounds,
lengths, patterns, also those of list items) and the field's description.

It is a plain function (no Sphinx needed), so ``tests/unit/test_docs_reference.py`` can check it;
the ``memsim-scenario-reference`` directive inserts its text into a page.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

#: the constraint attributes of pydantic / annotated-types metadata, and how they read
_BOUNDS = (
    ("ge", ">= {}"),
    ("gt", "> {}"),
    ("le", "<= {}"),
    ("lt", "< {}"),
    ("multiple_of", "multiple of {}"),
    ("min_length", "length >= {}"),
    ("max_length", "length <= {}"),
    ("pattern", "matches ``{}``"),
)


def label(context: str, model: type) -> str:
    """The Sphinx label of a section's table: ``scenario-<context>-<class name>``, lower case.

    Parameters
    ----------
    context : str
        ``"common"`` for the sections every scenario shares, else the model kind.
    model : type
        The pydantic model of the section.
    """
    return f"scenario-{context}-{model.__name__}".lower()


# ----------------------------------------------------------------------------- types ------
def _strip_annotated(tp: Any) -> tuple[Any, list]:
    """(inner type, metadata) of ``Annotated[...]`` (FieldInfo metadata flattened)."""
    meta: list = []
    while typing.get_origin(tp) is typing.Annotated:
        args = typing.get_args(tp)
        tp = args[0]
        for m in args[1:]:
            meta.extend(m.metadata if isinstance(m, FieldInfo) else [m])
    return tp, meta


def _union_args(tp: Any) -> tuple | None:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return typing.get_args(tp)
    return None


def _is_model(tp: Any) -> bool:
    return inspect.isclass(tp) and issubclass(tp, BaseModel)


def nested_models(annotation: Any) -> Iterator[type[BaseModel]]:
    """Every pydantic model inside a field's type (through unions, lists, Annotated), in order.

    Parameters
    ----------
    annotation : Any
        A field's annotation.
    """
    tp, _ = _strip_annotated(annotation)
    if _is_model(tp):
        yield tp
        return
    if typing.get_origin(tp) is typing.Literal:
        return
    for arg in typing.get_args(tp):
        if arg is Ellipsis or isinstance(arg, str):
            continue
        yield from nested_models(arg)


def _type_text(tp: Any, context: str) -> str:
    tp, _ = _strip_annotated(tp)
    if tp is type(None):
        return "null"
    if _is_model(tp):
        return f":ref:`{tp.__name__} <{label(context, tp)}>`"
    if typing.get_origin(tp) is typing.Literal:
        kinds = sorted({type(v).__name__ for v in typing.get_args(tp)})
        return " or ".join(kinds)
    union = _union_args(tp)
    if union is not None:
        parts: list[str] = []
        for a in union:
            t = _type_text(a, context)
            if t not in parts:
                parts.append(t)
        return " or ".join(parts)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (list, typing.List):  # noqa: UP006
        return f"list of {_type_text(args[0], context)}" if args else "list"
    if origin in (tuple, typing.Tuple):  # noqa: UP006
        if len(args) == 2 and args[1] is Ellipsis:
            return f"list of {_type_text(args[0], context)}"
        return "list of " + str(len(args)) + ": " + ", ".join(_type_text(a, context) for a in args)
    if origin is dict:
        return "mapping"
    if tp is typing.Any:
        return "any"
    return getattr(tp, "__name__", str(tp))


def _bounds(meta: list) -> list[str]:
    out = []
    for m in meta:
        for attr, fmt in _BOUNDS:
            v = getattr(m, attr, None)
            if v is not None:
                out.append(fmt.format(_number(v)))
    return out


def _number(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int) and v > 10**15 and (v + 1) & v == 0:
        return f"2^{v.bit_length()} - 1"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _literal(v: Any) -> str:
    if isinstance(v, str):
        return f"``{v}``"
    return f"``{_number(v)}``"


def _allowed_text(tp: Any, meta: list, item: bool = False) -> list[str]:
    """Phrases for the allowed values of a type with its constraints."""
    tp, inner = _strip_annotated(tp)
    meta = list(meta) + inner
    out: list[str] = []
    union = _union_args(tp)
    if typing.get_origin(tp) is typing.Literal:
        choices = [_literal(v) for v in typing.get_args(tp)]
        out.append(choices[0] if len(choices) == 1 else "one of " + ", ".join(choices))
    elif union is not None:
        for a in union:
            if a is type(None):
                continue
            out.extend(_allowed_text(a, []))
    elif typing.get_origin(tp) in (list, tuple):
        args = [a for a in typing.get_args(tp) if a is not Ellipsis]
        for a in args[:1] if typing.get_origin(tp) is list or len(args) == 1 else args:
            each = _allowed_text(a, [])
            if each:
                out.append("each item " + ", ".join(each))
    elif tp is bool:
        out.append("``true`` or ``false``")
    b = _bounds(meta)
    if b:
        out.append(", ".join(b))
    return out


def _default_text(field: FieldInfo, context: str) -> str:
    if field.default_factory is not None:
        try:
            value = field.default_factory()  # type: ignore[call-arg]
        except TypeError:
            return "(computed)"
    elif field.default is PydanticUndefined:
        return "**required**"
    else:
        value = field.default
    if isinstance(value, BaseModel):
        given = value.model_dump(exclude_defaults=True)
        if given:
            inner = ", ".join(f"{k}: {_yaml(v)}" for k, v in given.items())
            return f"``{{{inner}}}``"
        return "(the section's defaults)"
    return f"``{_yaml(value)}``"


def _yaml(value: Any) -> str:
    if value is None:
        return "null"
    if value == "":
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.1f}" if value.is_integer() and abs(value) < 1e6 else f"{value:g}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml(v)}" for k, v in value.items()) + "}"
    return str(value)


_RST_SPECIAL = re.compile(r"([*|\\_`])")


def _escape(text: str) -> str:
    """Text safe in a table cell: inline literals kept, other markup characters escaped."""
    parts = re.split(r"(``[^`]+``)", " ".join(text.split()))
    return "".join(p if p.startswith("``") else _RST_SPECIAL.sub(r"\\\1", p) for p in parts)


# ---------------------------------------------------------------------------- tables ------
#: fields whose type is a choice of sections depending on the model kind
_BY_KIND = {
    "model": "the section of the chosen model kind: see :ref:`the kinds <scenario-kinds>`",
    "capacity": "the capacity section of the model kind, or null: see :ref:`the kinds "
    "<scenario-kinds>`",
}


def field_rows(model: type[BaseModel], context: str) -> list[tuple[str, str, str, str, str]]:
    """One row per field of a section: (name, type, default, allowed values, description).

    Parameters
    ----------
    model : type
        The pydantic model of the section.
    context : str
        The model kind (or ``"common"``), used in links to nested sections.

    Returns
    -------
    list of tuple of str
        reStructuredText cells, in the order the fields are declared.
    """
    rows = []
    for name, f in model.model_fields.items():
        allowed = _allowed_text(f.annotation, f.metadata)
        top = context == "common" and model.__name__ == "Scenario" and name in _BY_KIND
        rows.append(
            (
                f"``{name}``",
                _BY_KIND[name] if top else _type_text(f.annotation, context),
                _default_text(f, context),
                "; ".join(allowed),
                _escape(f.description or ""),
            )
        )
    return rows


def _doc(model: type) -> str:
    doc = inspect.getdoc(model) or ""
    if not doc or doc == inspect.getdoc(BaseModel) or model.__doc__ is None:
        return ""
    return doc


def section_table(model: type[BaseModel], context: str, title: str, underline: str) -> list[str]:
    """The label, heading, docstring and field table of one section."""
    lines = [f".. _{label(context, model)}:", "", title, underline * len(title), ""]
    doc = _doc(model)
    if doc:
        lines += [doc, ""]
    lines += [
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 16 18 14 22 30",
        "   :class: memsim-fields",
        "",
        "   * - field",
        "     - type",
        "     - default",
        "     - allowed values",
        "     - description",
    ]
    for row in field_rows(model, context):
        lines.append(f"   * - {row[0]}")
        lines += [f"     - {cell}" for cell in row[1:]]
    lines.append("")
    return lines


def _walk(root: type[BaseModel]) -> list[type[BaseModel]]:
    """The root model and every model reachable from its fields, breadth first, each once."""
    seen: list[type[BaseModel]] = [root]
    i = 0
    while i < len(seen):
        for f in seen[i].model_fields.values():
            for m in nested_models(f.annotation):
                if m not in seen:
                    seen.append(m)
        i += 1
    return seen


def _section_block(context: str, section: str, root: type[BaseModel], ul: str, ul2: str):
    lines: list[str] = []
    models = _walk(root)
    for i, m in enumerate(models):
        if i == 0:
            title = f"``{section}`` section: {m.__name__}"
            lines += section_table(m, context, title, ul)
        else:
            lines += section_table(m, context, f"{m.__name__} (inside ``{section}``)", ul2)
    return lines


def _plot_names(kind) -> str:
    try:
        recall = ", ".join(f"``{n}``" for n in kind.plot_names("recall"))
        capacity = ", ".join(f"``{n}``" for n in kind.plot_names("capacity"))
    except Exception:  # a kind whose plots cannot be imported still gets its fields listed
        return ""
    text = f"``output.plots`` for ``memsim recall``: {recall or '(none)'}"
    if capacity:
        text += f"; for ``memsim capacity``: {capacity}"
    return text + "."


def scenario_reference() -> str:
    """The whole scenario reference as reStructuredText.

    Returns
    -------
    str
        The common sections, then one chapter per registered model kind (in the order of
        :func:`memsim.registry.kinds`), each with its ``model`` and ``capacity`` sections and
        the sections nested in them.
    """
    from memsim.registry import kinds
    from memsim.scenario import schema

    lines = [
        "Every section of a scenario file, generated from memsim's pydantic models when the",
        "documentation is built. Unknown keys are errors; a field left out takes its default.",
        "``memsim validate FILE`` checks a file against exactly these rules (plus checks across",
        "fields, such as a cue index that must exist, which the tables cannot show).",
        "",
        "Sections every scenario shares",
        "------------------------------",
        "",
    ]
    lines += section_table(schema.Scenario, "common", "Top level", "~")
    pattern_models = list(nested_models(schema.Scenario.model_fields["patterns"].annotation))
    for m in pattern_models:
        source = typing.get_args(_strip_annotated(m.model_fields["source"].annotation)[0])
        title = f"``patterns`` with ``source: {source[0]}``: {m.__name__}"
        lines += section_table(m, "common", title, "~")
    for section in ("cue", "run", "output"):
        root = _strip_annotated(schema.Scenario.model_fields[section].annotation)[0]
        lines += _section_block("common", section, root, "~", "~")
    lines += [
        ".. _scenario-kinds:",
        "",
        "Sections of each model kind",
        "---------------------------",
        "",
        "``model.kind`` chooses the fields of the ``model`` and ``capacity`` sections:",
        "",
    ]
    lines += [
        f"* :ref:`{name} <scenario-kind-{name}>`: {_escape(k.description)}"
        for name, k in kinds().items()
    ]
    lines.append("")
    for name, kind in kinds().items():
        title = f"Model kind ``{name}``"
        lines += [f".. _scenario-kind-{name}:", "", title, "~" * len(title), ""]
        lines += [_escape(kind.description[:1].upper() + kind.description[1:]) + ".", ""]
        needs = "requires" if kind.needs_patterns else "has no"
        article = "An" if name[0] in "aeiou" else "A"
        lines += [
            f"{article} ``{name}`` scenario {needs} ``patterns`` section. " + _plot_names(kind),
            "",
        ]
        intro = inspect.getdoc(kind.schema_module())
        if intro:  # the kind's own overview (often with a YAML example)
            lines += [".. rubric:: Overview", "", intro, ""]
        lines += _section_block(name, "model", kind.model, "^", "^")
        if kind.capacity is not None:
            lines += _section_block(name, "capacity", kind.capacity, "^", "^")
            lines += [
                f"``capacity.kind`` is filled in from ``model.kind``; a minimal section: "
                f"``{kind.capacity_example}``.",
                "",
            ]
        else:
            lines += [f"Model kind ``{name}`` has no ``capacity`` section.", ""]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- Sphinx -----
def setup(app):
    from docutils.parsers.rst import Directive
    from docutils.statemachine import StringList
    from sphinx.util.nodes import nested_parse_with_titles

    class ScenarioReference(Directive):
        has_content = False

        def run(self):
            from docutils import nodes

            env = self.state.document.settings.env
            # re-read this page whenever the schema, a kind or this generator changes
            import memsim.scenario

            for path in (
                Path(__file__),
                *Path(memsim.scenario.__file__).parent.glob("*.py"),
                *Path(memsim.scenario.__file__).parent.glob("kinds/*.py"),
            ):
                env.note_dependency(str(path))
            node = nodes.section()
            node.document = self.state.document
            text = scenario_reference()
            content = StringList(text.splitlines(), source="<memsim scenario reference>")
            nested_parse_with_titles(self.state, content, node)
            return node.children

    app.add_directive("memsim-scenario-reference", ScenarioReference)
    return {"parallel_read_safe": True, "version": "1"}
