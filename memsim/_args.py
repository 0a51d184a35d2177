"""Checks of public-API arguments that name the argument in their MemsimError.

``recall(W, cues, seed=-1)`` must say ``seed`` (issue 14): the shared checks of seeds, counts and
sizes live here so every engine words them the same way.
"""

from __future__ import annotations

import functools
import math
import numbers
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from memsim.errors import MemsimError


def integer(value, name: str, minimum: int | None = 0) -> int:
    """``value`` as an int (integral floats allowed, bools and text refused), ``>= minimum``."""
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not ok and isinstance(value, numbers.Real) and not isinstance(value, bool):
        ok = math.isfinite(value) and float(value).is_integer()
    if not ok:
        raise MemsimError(f"{name} must be an integer, got {value!r}")
    v = int(value)
    if minimum is not None and v < minimum:
        raise MemsimError(f"{name} must be an integer >= {minimum}, got {v}")
    return v


def seed(value, name: str = "seed") -> int:
    """A random seed: an integer >= 0."""
    return integer(value, name, 0)


def stream_keys(keys) -> tuple[int, ...]:
    """Keys of a random stream (sizes, counts, indices): integers >= 0."""
    out = []
    for k in keys:
        try:
            out.append(integer(k, "random stream key", 0))
        except MemsimError:
            raise MemsimError(
                f"a size, count or index used to derive a random stream is {k!r}; they must be "
                "integers >= 0"
            ) from None
    return tuple(out)


def available_memory() -> int:
    """Bytes this process may still allocate: the free physical memory, capped by the process's
    address-space and data limits (``ulimit -v``/``-d``) where they are set."""
    import os

    try:
        avail = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        avail = 8 * 2**30
    try:
        import resource

        for lim in (resource.RLIMIT_AS, getattr(resource, "RLIMIT_DATA", None)):
            if lim is None:
                continue
            soft, _ = resource.getrlimit(lim)
            if soft != resource.RLIM_INFINITY and soft > 0:
                # the limit covers what is mapped already (libraries, numba, numpy)
                used = _mapped_bytes() if lim == resource.RLIMIT_AS else 0
                avail = min(avail, max(soft - used, 0))
    except (ImportError, ValueError, OSError):  # pragma: no cover - non-POSIX
        pass
    return int(avail)


def _mapped_bytes() -> int:
    try:
        with open("/proc/self/statm") as fh:
            import os

            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):  # pragma: no cover - not Linux
        return 0


def check_fits(nbytes: int, name: str, what: str) -> None:
    """Refuse an allocation of ``nbytes`` that would not fit in memory, naming the argument
    ``name`` that sets its size (``what`` says what would be allocated)."""
    avail = available_memory()
    if nbytes > 0.8 * avail:
        raise MemsimError(
            f"{name}: {what} would need about {nbytes / 2**30:.2f} GiB of memory but only "
            f"{avail / 2**30:.2f} GiB are available; make {name} smaller"
        )


_F = TypeVar("_F", bound=Callable[..., Any])


def renamed_keywords(**renames: str) -> Callable[[_F], _F]:
    """Decorator keeping old keyword names of a public function working after a rename.

    ``@renamed_keywords(size="n_neurons")`` lets ``f(size=100)`` call ``f(n_neurons=100)`` with
    a :class:`DeprecationWarning` naming both; giving both names is a MemsimError. Positional
    calls are untouched, so the numbers never change.
    """

    def wrap(func: _F) -> _F:
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise MemsimError(
                            f"{func.__name__}: give {new} only ({old} is its deprecated old name)"
                        )
                    warnings.warn(
                        f"{func.__name__}: the keyword {old}= is deprecated; use {new}=",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        return inner  # type: ignore[return-value]

    return wrap
