"""Helpers shared by the plotting modules (the style itself lives in memsim.plotting.style)."""

from __future__ import annotations

from memsim.plotting.style import plt_module

__all__ = ["plt_module"]
