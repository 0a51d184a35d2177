"""Progress reporting hook: experiments call it; the CLI supplies a rich progress bar."""

from __future__ import annotations


class Progress:
    """Silent progress reporter (the base class). Subclasses draw bars."""

    def start(self, label: str, total: int) -> None:
        """A new task of ``total`` steps begins."""

    def advance(self, steps: int = 1) -> None:
        """``steps`` more steps are done."""

    def stop(self) -> None:
        """The task is finished."""
