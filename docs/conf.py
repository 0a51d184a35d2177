"""Sphinx configuration of the memsim documentation.

Build (warnings are errors)::

    pip install ".[docs]"
    sphinx-build -W --keep-going -b html docs docs/_build/html
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # the gallery, the tutorials and the plot directive draw off-screen

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import memsim  # noqa: E402

# -- project ---------------------------------------------------------------------------------
project = "memsim"
author = "the memsim developers"
copyright = "the memsim developers"  # noqa: A001
version = release = memsim.__version__

# -- extensions ------------------------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_click",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
    "matplotlib.sphinxext.plot_directive",
    "memsim_api",
    "memsim_scenario_reference",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
smartquotes = False  # keep "--resume" and quotes as typed (CLI options, code words)
exclude_patterns = [
    "_build",
    "Thumbs.db",
    ".DS_Store",
    "auto_examples/*.ipynb",
    "auto_tutorials/*.ipynb",
    "auto_examples/*.py",
    "auto_tutorials/*.py",
    "**.zip",
    "images",
]
templates_path = ["_templates"]

# -- autodoc and numpydoc --------------------------------------------------------------------
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # numpydoc's Parameters sections say the types
autodoc_preserve_defaults = True
numpydoc_show_class_members = False  # methods are documented by autodoc, not by tables
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# -- MyST ------------------------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# -- sphinx-gallery --------------------------------------------------------------------------
# Every .py file in examples/ and tutorials/ is executed at build time (their figures are part
# of the page); files run in alphabetical order, so the build is deterministic.
sphinx_gallery_conf = {
    "examples_dirs": ["../examples", "../tutorials"],
    "gallery_dirs": ["auto_examples", "auto_tutorials"],
    "filename_pattern": r".*\.py",
    "ignore_pattern": r"(__init__|conftest|_helpers?)\.py",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": True,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "reset_modules": ("matplotlib",),
    "remove_config_comments": True,
    "show_memory": False,
    "plot_gallery": os.environ.get("MEMSIM_DOCS_GALLERY", "True"),
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
    "doc_module": ("memsim",),
    "backreferences_dir": None,
    "min_reported_time": 1,
    # no Text(...)/Colorbar object reprs among the outputs: only what a script prints
    "capture_repr": (),
}

# -- plot directive (theory pages) -----------------------------------------------------------
plot_include_source = False
plot_html_show_source_link = True
plot_html_show_formats = False
plot_formats = [("png", 100)]
plot_rcparams = {"figure.figsize": (6.0, 3.6), "font.size": 10, "figure.autolayout": True}
plot_pre_code = "import numpy as np\nimport matplotlib.pyplot as plt\n"

# Formulas are typeset by MathJax, loaded from its CDN by default. For reading the site offline,
# point MEMSIM_DOCS_MATHJAX at a local MathJax (e.g. Debian's libjs-mathjax:
# /usr/share/javascript/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML).
if os.environ.get("MEMSIM_DOCS_MATHJAX"):
    mathjax_path = os.environ["MEMSIM_DOCS_MATHJAX"]
    if "config=" in mathjax_path:  # MathJax 2 (Debian): process the math spans only
        myst_update_mathjax = False
        mathjax2_config = {
            "tex2jax": {
                "inlineMath": [["\\(", "\\)"]],
                "displayMath": [["\\[", "\\]"]],
                "processClass": "math",
                "ignoreClass": "document",
            }
        }

# -- intersphinx -----------------------------------------------------------------------------
# No network at build time on CI machines is assumed: intersphinx stays off unless asked for.
intersphinx_mapping = {}
if os.environ.get("MEMSIM_DOCS_INTERSPHINX"):
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
    }

# -- HTML ------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"memsim {release}"
html_static_path = ["_static"]
html_css_files = ["memsim.css"]
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"index": [], "compare": [], "install": []}
html_show_sourcelink = False

# generated pages are not in git: docs/gen (API stubs), docs/auto_examples, docs/auto_tutorials
suppress_warnings: list[str] = []
