"""Where Numba's on-disk cache of compiled kernels goes (decided at import, before numba loads).

Numba writes its cache into ``__pycache__`` beside each source file, or into ``NUMBA_CACHE_DIR``
when that is set. memsim installed into a read-only site-packages (a system or container
install) cannot write beside its sources; if nothing else is writable either, ``numba.njit(
cache=True)`` raises at import ("cannot cache function ... no locator available"). So, at
``import memsim``:

1. ``NUMBA_CACHE_DIR`` set by the user: used if writable, else the cache is off (warned once);
2. the package folder writable: numba's own default (``__pycache__`` beside the sources);
3. otherwise a per-user folder, ``$XDG_CACHE_HOME/memsim/numba`` (or ``~/.cache/memsim/numba``),
   is put into ``NUMBA_CACHE_DIR``;
4. if even that cannot be written, kernels are compiled without ``cache=True`` (each run
   compiles again) and a :class:`~memsim.errors.MemsimWarning` says so once.

This module must not import numba: :mod:`memsim` calls :func:`configure` before any kernel
module is imported; :mod:`memsim._jit` reads :data:`CACHE_ENABLED` and :data:`CACHE_DIR`.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path

ENV = "NUMBA_CACHE_DIR"

#: whether kernels are compiled with cache=True (set by configure)
CACHE_ENABLED = True
#: the cache folder memsim chose (None: numba's default or the user's NUMBA_CACHE_DIR)
CACHE_DIR: str | None = None


def writable(path: str | Path) -> bool:
    """Whether files can be created in ``path`` (made if missing): permission bits, then a probe
    file (read-only mounts and root-owned folders pass the first test but not the second)."""
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
        if not os.access(p, os.W_OK | os.X_OK):
            return False
        tempfile.TemporaryFile(dir=p).close()
        return True
    except OSError:
        return False


def user_cache_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """``$XDG_CACHE_HOME/memsim/numba``, or ``~/.cache/memsim/numba``."""
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "memsim" / "numba"


def decide(
    package_dir: str | Path,
    environ: Mapping[str, str] = os.environ,
    is_writable: Callable[[str | Path], bool] = writable,
) -> tuple[str | None, bool, str | None]:
    """The cache decision: ``(folder to put in NUMBA_CACHE_DIR or None, cache on, warning)``."""
    given = environ.get(ENV)
    if given:
        if is_writable(given):
            return None, True, None
        return (
            None,
            False,
            f"{ENV}={given} is not writable: memsim runs without the Numba cache (kernels are "
            "compiled again in every run); point it to a writable folder to keep them",
        )
    if is_writable(package_dir):
        return None, True, None
    try:
        user = user_cache_dir(environ)
    except (RuntimeError, KeyError, OSError):  # no home directory
        user = None
    if user is not None and is_writable(user):
        return str(user), True, None
    return (
        None,
        False,
        f"neither the memsim package folder ({package_dir}) nor a per-user cache folder "
        f"({user if user is not None else 'no home directory'}) is writable: memsim runs "
        f"without the Numba cache (kernels are compiled again in every run); set {ENV} to a "
        "writable folder to keep them",
    )


def configure() -> None:
    """Apply :func:`decide` for this process (called once by ``import memsim``); never raises."""
    global CACHE_ENABLED, CACHE_DIR
    try:
        folder, enabled, message = decide(Path(__file__).resolve().parent)
    except Exception as exc:  # noqa: BLE001 - import must not fail over a cache folder
        folder, enabled, message = None, False, f"memsim runs without the Numba cache ({exc})"
    if folder is not None:
        os.environ[ENV] = folder
        CACHE_DIR = folder
    CACHE_ENABLED = enabled
    if message:
        from memsim.errors import MemsimWarning

        warnings.warn(message, MemsimWarning, stacklevel=3)
