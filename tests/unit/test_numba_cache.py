"""Where the Numba cache goes when memsim is installed read-only (issue 14, item 4).

What is covered, honestly:

* the decision (memsim._cache.decide) with fake "writable" predicates: every branch;
* in a subprocess, ``import memsim`` from a copy of the package whose folder is reported not
  writable (os.access patched in the child before the import, because tests run as root, where
  ``chmod a-w`` does not stop writes): the per-user folder is put into NUMBA_CACHE_DIR and a
  kernel compiles and writes its cache there; and with the per-user folder unwritable too, the
  import still works, kernels run uncached and one MemsimWarning says so.

Not covered: a real read-only mount (EROFS), which needs privileges the test suite lacks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import memsim
from memsim import _cache


def test_package_folder_writable_keeps_numba_default(tmp_path):
    folder, enabled, msg = _cache.decide(tmp_path / "pkg", {}, lambda p: True)
    assert (folder, enabled, msg) == (None, True, None)


def test_read_only_package_uses_per_user_folder(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    pkg = tmp_path / "pkg"
    folder, enabled, msg = _cache.decide(pkg, env, lambda p: Path(p) != pkg)
    assert folder == str(tmp_path / "xdg" / "memsim" / "numba")
    assert enabled and msg is None


def test_nothing_writable_turns_the_cache_off_with_a_message(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    folder, enabled, msg = _cache.decide(tmp_path / "pkg", env, lambda p: False)
    assert folder is None and not enabled
    assert "without the Numba cache" in msg and "NUMBA_CACHE_DIR" in msg


def test_user_numba_cache_dir_is_respected(tmp_path):
    env = {"NUMBA_CACHE_DIR": str(tmp_path / "mine")}
    assert _cache.decide(tmp_path / "pkg", env, lambda p: True) == (None, True, None)
    folder, enabled, msg = _cache.decide(tmp_path / "pkg", env, lambda p: False)
    assert folder is None and not enabled and str(tmp_path / "mine") in msg


def test_writable_probe(tmp_path):
    assert _cache.writable(tmp_path / "new" / "folder")  # created on the way
    (tmp_path / "file").write_text("x")
    assert not _cache.writable(tmp_path / "file" / "sub")  # a file is in the way


CHILD = r"""
import os, sys, warnings
deny = sys.argv[1:]
real = os.access
os.access = lambda p, m, *a, **k: (
    False if any(str(p).startswith(d) for d in deny) else real(p, m, *a, **k)
)
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    import memsim
    import memsim._jit as j
    import numpy as np
    from memsim.hopfield import classical
    xi = np.where(np.random.default_rng(0).random((3, 40)) < 0.5, 1, -1).astype(np.int8)
    classical.recall(classical.store(xi), xi, max_sweeps=3, seed=1)
ours = [str(w.message) for w in caught if issubclass(w.category, memsim.MemsimWarning)]
print("FILE", memsim.__file__)
print("DIR", os.environ.get("NUMBA_CACHE_DIR"))
print("CACHE", j._COMMON["cache"])
print("WARNINGS", len([m for m in ours if "Numba cache" in m]))
"""


@pytest.fixture
def package_copy(tmp_path):
    src = Path(memsim.__file__).resolve().parent
    dst = tmp_path / "site" / "memsim"
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.nbi", "*.nbc"))
    return dst


def _run_child(package_copy, tmp_path, deny):
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["PYTHONPATH"] = str(package_copy.parent)
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    r = subprocess.run(
        [sys.executable, "-c", CHILD, *map(str, deny)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    out = dict(line.split(" ", 1) for line in r.stdout.splitlines() if " " in line)
    assert out["FILE"].startswith(str(package_copy)), out["FILE"]
    return out, r.stderr


def test_read_only_install_caches_in_the_user_folder(package_copy, tmp_path):
    out, _ = _run_child(package_copy, tmp_path, [package_copy])
    user = tmp_path / "xdg" / "memsim" / "numba"
    assert out["DIR"] == str(user)
    assert out["CACHE"] == "True" and out["WARNINGS"] == "0"
    assert list(user.rglob("*.nbi")), "the kernels' cache index was not written there"
    assert not list(package_copy.rglob("*.nbi")), "nothing is written beside the sources"


def test_nothing_writable_runs_uncached_and_warns_once(package_copy, tmp_path):
    out, _ = _run_child(package_copy, tmp_path, [package_copy, tmp_path / "xdg"])
    assert out["DIR"] == "None"
    assert out["CACHE"] == "False"
    assert out["WARNINGS"] == "1"
    assert not list(package_copy.rglob("*.nbi"))
