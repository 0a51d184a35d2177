"""Shared test configuration.

Tests run against the *installed* memsim (pytest uses --import-mode=importlib, so the source tree
is not put on sys.path). Plain-numpy reference implementations live in tests/reference*.py and are
imported as top-level modules: this directory is added to sys.path here.
"""

import os
import sys

from hypothesis import HealthCheck, settings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

settings.register_profile(
    "memsim",
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("memsim")
