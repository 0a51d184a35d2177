"""Docstring sections written once and shown by several functions.

Sibling public functions often share a numpy docstring section word for word (the same
parameters, the same errors, the same paper). :func:`fill_doc` lets the section live in one
constant: each function's docstring holds a placeholder ``{name}`` where the section goes, and the
decorator substitutes the text at import, so ``help()``, :func:`inspect.getdoc` and the Sphinx API
pages show the complete docstring.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)


def fill_text(doc: str, **parts: str) -> str:
    """``doc`` with every placeholder ``{name}`` replaced by ``parts[name]``.

    A multi-line part is dedented text; its lines after the first are indented like the line that
    holds the placeholder, so a part fits a docstring at any indent. Parts without a placeholder
    are left out; a placeholder without a part stays as it is.
    """
    for name, text in parts.items():
        key = "{" + name + "}"
        at = doc.find(key)
        while at >= 0:
            line_start = doc.rfind("\n", 0, at) + 1
            line = doc[line_start:at]
            indent = line[: len(line) - len(line.lstrip(" "))]
            lines = text.strip("\n").split("\n")
            body = ("\n" + indent).join(lines).replace(indent + "\n", "\n")
            doc = doc[:at] + body + doc[at + len(key) :]
            at = doc.find(key, at + len(body))
    return doc


def fill_doc(**parts: str) -> Callable[[F], F]:
    """Decorator: fill the placeholders ``{name}`` of the function's docstring with ``parts``
    (see :func:`fill_text`), so that several functions can show one section written once."""

    def deco(f: F) -> F:
        f.__doc__ = fill_text(f.__doc__ or "", **parts)
        return f

    return deco
