"""Opening files that a user named (scenarios, pattern files, key and value files).

Every user-named file goes through :func:`open_regular`: the file is opened without blocking
(``O_NONBLOCK``, so a FIFO cannot hang the open), then ``fstat`` of the open descriptor decides
(no race between check and open): only regular files are read; FIFOs, devices (also through a
symlink, e.g. to ``/dev/zero``), directories and sockets are refused before a byte is read. A
size limit is checked from the same ``fstat`` and again while reading (a file that grows).

:func:`load_array` reads a ``.npy`` or ``.csv`` matrix on top of that: empty files, ``.npy``
headers that promise more data than the file holds (a memory bomb), object arrays (pickles stay
off) and unparsable text are refused with the file's name.
"""

from __future__ import annotations

import io
import os
import stat
import warnings
from pathlib import Path

import numpy as np

from memsim.errors import MemsimError

#: largest scenario file read (a scenario is a few kB; 1 MB is plenty)
MAX_SCENARIO_BYTES = 1_000_000
#: largest pattern / key / value file read
MAX_ARRAY_BYTES = 2 * 2**30
#: largest CSV read (text is parsed into Python objects first: ~10x its size in memory)
MAX_CSV_BYTES = 200 * 2**20


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _size_text(n: int) -> str:
    if n >= 2**30:
        return f"{n / 2**30:.1f} GiB"
    if n >= 10**6:
        return f"{n / 10**6:.1f} MB"
    return f"{n} bytes"


def open_regular(path: str | Path, what: str, max_bytes: int) -> tuple[io.BufferedReader, int]:
    """Open a user-named regular file for reading; return ``(binary file, size in bytes)``.

    Raises
    ------
    MemsimError
        Naming ``what`` and the path: missing, not a regular file (directory, FIFO, device,
        socket), unreadable, or larger than ``max_bytes``.
    """
    p = str(path)
    try:
        st = os.stat(p)  # follows symlinks: a link to /dev/zero is a device
    except FileNotFoundError:
        raise MemsimError(f"{what} {p} does not exist") from None
    except OSError as exc:
        raise MemsimError(f"{what} {p} cannot be read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise MemsimError(f"{what} {p} is {_kind_of(st.st_mode)}; only regular files are read")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        raise MemsimError(f"{what} {p} cannot be read: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)  # the file actually opened (it may have been swapped since os.stat)
        if not stat.S_ISREG(st.st_mode):
            raise MemsimError(f"{what} {p} is {_kind_of(st.st_mode)}; only regular files are read")
        if st.st_size > max_bytes:
            raise MemsimError(
                f"{what} {p} is {_size_text(st.st_size)}; the limit is {_size_text(max_bytes)}"
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        f = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    return f, st.st_size


def read_bytes(path: str | Path, what: str, max_bytes: int) -> bytes:
    """All bytes of a user-named regular file of at most ``max_bytes`` (see open_regular)."""
    f, _ = open_regular(path, what, max_bytes)
    with f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise MemsimError(f"{what} {path} is larger than the limit of {_size_text(max_bytes)}")
    return data


def load_array(path: str | Path, what: str) -> np.ndarray:
    """A numeric array from a user's ``.npy`` or ``.csv`` file (rows = items).

    Refused with a :class:`MemsimError` naming ``what`` and the file: not a regular file, too
    large, empty (0 bytes or no rows), a ``.npy`` whose header does not match its size, object /
    structured / string arrays, CSV cells that are not numbers, other suffixes.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".npy", ".csv"):
        raise MemsimError(f"{what} {p}: unsupported type {suffix!r}; allowed: .npy, .csv")
    limit = MAX_ARRAY_BYTES if suffix == ".npy" else MAX_CSV_BYTES
    f, size = open_regular(p, what, limit)
    with f:
        if size == 0:
            raise MemsimError(f"{what} {p} is empty (0 bytes); it needs at least one row")
        if suffix == ".npy":
            return _load_npy(f, size, p, what)
        return _load_csv(f, p, what)


def _load_npy(f, size: int, p: Path, what: str) -> np.ndarray:
    fmt = np.lib.format
    try:
        version = fmt.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = fmt.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, fortran, dtype = fmt.read_array_header_2_0(f)
        else:
            raise ValueError(f"unsupported .npy format version {version}")
    except (ValueError, OSError, EOFError, SyntaxError, TypeError) as exc:
        why = str(exc).split(".")[0]  # numpy's advice (max_header_size=...) is not for users
        if "header" in why.lower() and "large" in why.lower():
            why = "its header is unusually large (over 10 kB), as no array memsim reads needs"
        raise MemsimError(f"{what} {p} could not be read (not a valid .npy file): {why}") from None
    if dtype.hasobject or dtype.fields is not None or dtype.kind not in "biuf":
        raise MemsimError(
            f"{what} {p}: expected an array of numbers, got dtype {dtype} (object, string and "
            "structured arrays are not read)"
        )
    count = 1
    for s in shape:
        count *= int(s)
    need = count * dtype.itemsize
    have = size - f.tell()
    if need > have:
        raise MemsimError(
            f"{what} {p}: the header promises an array of shape {tuple(shape)} "
            f"({_size_text(need)}) but the file holds only {_size_text(have)} of data"
        )
    if count == 0:
        raise MemsimError(f"{what} {p}: the array is empty (shape {tuple(shape)}); it needs rows")
    f.seek(0)
    try:
        a = np.load(f, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise MemsimError(f"{what} {p} could not be read: {exc}") from None
    return a


def _load_csv(f, p: Path, what: str) -> np.ndarray:
    try:
        text = f.read().decode("utf-8-sig")  # a byte-order mark (spreadsheet exports) is fine
    except UnicodeDecodeError as exc:
        raise MemsimError(f"{what} {p} is not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise MemsimError(f"{what} {p} is empty (no rows); it needs at least one row")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = np.loadtxt(io.StringIO(text), delimiter=",", ndmin=2)
    except (ValueError, OSError, IndexError, TypeError) as exc:
        why = str(exc)
        if "usecols" in why or "number of columns" in why.lower():
            why = "its rows do not all have the same number of columns"
        raise MemsimError(
            f"{what} {p} could not be read as comma-separated numbers: {why.split(chr(10))[0]}"
        ) from None
    if a.size == 0:
        raise MemsimError(f"{what} {p} holds no numbers; it needs at least one row")
    return a
