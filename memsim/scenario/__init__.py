"""Scenario files: schema (pydantic models), loading, ``--set`` overrides and validation."""

from memsim.scenario.load import apply_overrides, load_scenario, parse_yaml, validate
from memsim.scenario.schema import Scenario

__all__ = ["Scenario", "apply_overrides", "load_scenario", "parse_yaml", "validate"]
