"""Exceptions and warnings that memsim shows to users.

``MemsimError`` is the base of every error caused by user input; the CLI prints its message as one
paragraph (no traceback unless ``--debug``) and exits with status 1. ``ScenarioError`` names the
scenario file and the field path (``model.max_sweeps``) so a user can find the mistake.
"""

from __future__ import annotations


class MemsimError(ValueError):
    """An error caused by user input (bad arguments, bad files); shown without a traceback.

    Subclasses ``ValueError`` so library callers can catch either.
    """


class ScenarioError(MemsimError):
    """A scenario file or override that is invalid.

    Parameters
    ----------
    message
        What is wrong and what is allowed.
    file
        The scenario file, if any.
    field
        Dotted field path, e.g. ``"model.max_sweeps"``.
    """

    def __init__(self, message: str, file: str | None = None, field: str | None = None):
        self.message = message
        self.file = file
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(f"in {self.file}")
        if self.field:
            where.append(f"field '{self.field}'")
        prefix = (" ".join(where) + ": ") if where else ""
        return prefix + self.message


class MemsimWarning(UserWarning):
    """Suspicious but legal settings (a load far above capacity, a huge beta, ...)."""


class ConvergenceWarning(MemsimWarning):
    """Dynamics stopped at the sweep/step limit before reaching a fixed point."""
