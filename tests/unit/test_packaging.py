"""Every folder of the memsim package is listed in pyproject.toml's ``packages``, so that a plain
``pip install .`` (not only an editable one) ships it: a new subpackage missing there made every
command fail with ModuleNotFoundError after a normal install, while an editable install passed."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _listed_packages() -> set[str]:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r"^packages = \[(.*?)^\]", text, flags=re.S | re.M)
    assert block is not None, "pyproject.toml has no [tool.setuptools] packages list"
    return set(re.findall(r'"([\w.]+)"', block.group(1)))


def _package_folders() -> set[str]:
    found = set()
    for folder in [ROOT / "memsim", *(ROOT / "memsim").rglob("*")]:
        if not folder.is_dir() or "__pycache__" in folder.parts:
            continue
        if any(f.suffix in (".py", ".j2") for f in folder.iterdir() if f.is_file()):
            found.add(".".join(folder.relative_to(ROOT).parts))
    return found


def test_every_package_folder_is_installed():
    missing = _package_folders() - _listed_packages()
    assert not missing, f"add these to [tool.setuptools] packages in pyproject.toml: {missing}"


def test_the_cli_package_is_installed_as_memsim_cli():
    assert "memsim.cli" in _listed_packages()
    assert (ROOT / "cli" / "app.py").is_file()
