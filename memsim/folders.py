"""The results-folder contract: memsim never deletes or overwrites a file it did not write.

One contract serves every command (``memsim recall``, ``memsim capacity``) and the Python API
(:meth:`memsim.results.Result.save`, :func:`memsim.results.save`):

1. **The target is checked first** (:func:`check_target`). An empty path, the current folder or
   any of its ancestors, the home folder and its ancestors, the filesystem root, ``/proc``,
   ``/sys`` and ``/dev``, a symbolic link (also a dangling one), a target whose parent is a file,
   an unwritable place and names too long for the file system are refused with one paragraph.
2. **memsim records what it writes.** Every results folder holds ``memsim-manifest.json``, the
   list of every file and folder memsim wrote there. ``--force`` replaces a folder only when
   everything in it is listed in its manifest; a folder holding anything else (or no manifest:
   a ``results.json`` without memsim's manifest is foreign) is refused, and the message names
   the foreign files.
3. **Runs are staged.** A run writes into a fresh hidden folder beside the target
   (``.<name>.memsim-XXXXXXXX``) and moves it into place only when it succeeded: an
   interrupted, failed or refused run leaves earlier results exactly as they were. Checkpointed
   capacity sweeps stage into ``<name>.partial`` instead (a fixed name, so ``--resume`` finds the
   checkpoint of an interrupted run there).
4. **Disk space is checked** before anything is written (:func:`check_disk`), and a write that
   fails half-way (disk full, quota) removes the staging folder and says so.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import socket
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from memsim._docstrings import fill_doc
from memsim.errors import MemsimError

#: the file listing everything memsim wrote in a results folder
MANIFEST = "memsim-manifest.json"
#: marker of a staging folder in flight (pid and host of the run that owns it)
INFLIGHT = ".memsim-inflight"
#: suffix of the staging folder of a checkpointed sweep (kept after an interruption)
PARTIAL = ".partial"
_FORMAT = 2
_STAGING_TAG = ".memsim-"
_FORBIDDEN_ROOTS = ("/proc", "/sys", "/dev")

#: the Parameters section of the functions on a results folder (the first entry where they
#: take more than the folder)
_FOLDER_PARAMETER = """Parameters
----------
folder : pathlib.Path
    A results or checkpoint folder."""


# ----------------------------------------------------------------------------- the target ----
def _describe(p: Path) -> str:
    return f"'{p}'"


def _name_max(folder: Path) -> int:
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):  # pragma: no cover - non-POSIX
        return 255


def _path_max(folder: Path) -> int:
    try:
        return int(os.pathconf(folder, "PC_PATH_MAX"))
    except (OSError, ValueError, AttributeError):  # pragma: no cover - non-POSIX
        return 4096


def _existing_ancestor(p: Path) -> Path:
    """The nearest ancestor of ``p`` (or ``p``) that exists; refuses a file on the way."""
    cur = p
    while True:
        if os.path.lexists(cur):
            if cur != p and not cur.is_dir():
                raise MemsimError(
                    f"cannot write the results folder {_describe(p)}: {_describe(cur)} on its "
                    "path is a file, not a folder; choose another --out"
                )
            return cur
        if cur.parent == cur:  # pragma: no cover - the root always exists
            return cur
        cur = cur.parent


def check_target(out: str | os.PathLike | None, *, what: str = "results folder") -> Path:
    """Check a results-folder target and return it as an absolute path.

    Parameters
    ----------
    out : str or path-like
        The folder asked for (``--out``, or ``results/<name>``).
    what : str
        How messages call it.

    Returns
    -------
    Path
        The absolute target (symbolic links in its parents resolved; the target itself is never
        a link).

    Raises
    ------
    MemsimError
        Empty path, the current folder or an ancestor, the home folder or an ancestor, the root,
        ``/proc``, ``/sys``, ``/dev``, a symbolic link, a file, a parent that is a file, an
        unwritable place, a name or path too long for the file system.
    """
    if out is not None and not isinstance(out, str | os.PathLike):
        raise MemsimError(
            f"the {what} must be a folder path (a str or pathlib.Path), got "
            f"{type(out).__name__} {out!r}"[:200]
        )
    if out is None or not str(out).strip():
        raise MemsimError(
            f"the {what} path is empty; give a folder name such as --out results/run1"
        )
    raw = os.fspath(out)
    if "\x00" in raw:
        raise MemsimError(f"the {what} path contains a NUL character; give a plain folder name")
    p = Path(raw).expanduser()
    if not p.is_absolute():
        p = Path.cwd() / p
    p = Path(os.path.normpath(p))  # '.' and '..' removed lexically
    try:
        resolved = Path(os.path.realpath(p))
    except (OSError, ValueError) as exc:  # pragma: no cover - very long or looping paths
        raise MemsimError(f"cannot use the {what} {_describe(p)}: {exc}") from None
    cwd = Path(os.path.realpath(Path.cwd()))
    home = Path(os.path.realpath(Path.home()))
    if resolved == Path(resolved.anchor):
        raise MemsimError(
            f"refusing to use the filesystem root {_describe(resolved)} as the {what}; "
            "give a new folder such as --out results/run1"
        )
    if resolved == home or home.is_relative_to(resolved):
        which = "your home folder" if resolved == home else "an ancestor of your home folder"
        raise MemsimError(
            f"refusing to use {_describe(raw)} as the {what}: it is {which} ({resolved}). Give a "
            "new folder such as --out results/run1"
        )
    if resolved == cwd or cwd.is_relative_to(resolved):
        which = "the current folder" if resolved == cwd else "an ancestor of the current folder"
        raise MemsimError(
            f"refusing to use {_describe(raw)} as the {what}: it is {which} ({resolved}), and "
            "memsim writes each run into a folder of its own. Give a new folder such as "
            "--out results/run1"
        )
    for root in _FORBIDDEN_ROOTS:
        if resolved == Path(root) or resolved.is_relative_to(root):
            raise MemsimError(
                f"refusing to write the {what} into {root} ({_describe(resolved)}): that is a "
                "system folder, not a place for files. Choose a folder of your own"
            )
    if os.path.islink(p):
        target = os.readlink(p)
        state = "" if os.path.exists(p) else " (a dangling link: its target does not exist)"
        raise MemsimError(
            f"the {what} {_describe(p)} is a symbolic link to '{target}'{state}; memsim writes "
            "only into real folders, so that replacing results never follows a link. Give the "
            "real folder, or another --out"
        )
    if os.path.lexists(p) and not p.is_dir():
        raise MemsimError(
            f"the {what} {_describe(p)} exists and is a file, not a folder; nothing was "
            "written. Choose another --out"
        )
    # symbolic links in the parents are resolved, so the staging folder and the target share
    # one real parent (the final rename stays on one file system)
    p = Path(os.path.realpath(p.parent)) / p.name
    base = _existing_ancestor(p)
    if not base.is_dir():  # pragma: no cover - _existing_ancestor refused files already
        raise MemsimError(f"cannot write the {what} {_describe(p)}")
    limit = _name_max(base) - 24  # room for the staging folder's prefix and suffix
    for part in p.relative_to(base).parts or (p.name,):
        if len(os.fsencode(part)) > limit:
            raise MemsimError(
                f"the {what} name '{part[:40]}...' is {len(os.fsencode(part))} bytes long; this "
                f"file system allows {limit + 24} bytes per name and memsim needs {24} of them "
                f"for its staging folder. Use a name of at most {limit} bytes"
            )
    if len(os.fsencode(str(p))) + 24 > _path_max(base):
        raise MemsimError(
            f"the {what} path is {len(os.fsencode(str(p)))} bytes long; this system allows "
            f"{_path_max(base)} bytes per path. Choose a shorter --out"
        )
    if not os.access(base, os.W_OK | os.X_OK):
        raise MemsimError(
            f"cannot write the {what} {_describe(p)}: the folder '{base}' is not writable (read-"
            "only file system or no permission). Choose another --out"
        )
    return p


# --------------------------------------------------------------------------- the manifest ----
def _entries(folder: Path) -> tuple[list[str], list[str]]:
    """Every file and folder below ``folder`` (relative POSIX paths; links not followed)."""
    files: list[str] = []
    dirs: list[str] = []
    for root, dnames, fnames in os.walk(folder, followlinks=False):
        r = Path(root)
        for d in list(dnames):
            full = r / d
            rel = full.relative_to(folder).as_posix()
            if full.is_symlink():  # a link to a folder is listed as a file, never entered
                dnames.remove(d)
                files.append(rel)
            else:
                dirs.append(rel)
        for f in fnames:
            files.append((r / f).relative_to(folder).as_posix())
    return sorted(files), sorted(dirs)


def _sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _record(path: Path) -> dict:
    return {"size": os.lstat(path).st_size, "sha256": _sha256(path)}


@fill_doc(folder_parameter=_FOLDER_PARAMETER)
def write_manifest(folder: Path) -> None:
    """List everything in ``folder`` in its manifest (written atomically, listing itself):
    each file with its size and SHA-256, so that a file changed since memsim wrote it counts as
    the user's (files still growing, such as a checkpoint in flight, are listed without one by
    :func:`add_to_manifest`).

    {folder_parameter}

    Raises
    ------
    OSError
        The folder cannot be written (the caller turns it into a MemsimError).
    """

    files, dirs = _entries(folder)
    names = sorted({*files, MANIFEST} - {INFLIGHT})
    listed = {}
    for rel in names:
        f = folder / rel
        if rel == MANIFEST or not _plain_file(f):
            listed[rel] = None
        else:
            listed[rel] = _record(f)
    _dump(folder, listed, dirs)


def _dump(folder: Path, files: dict, dirs) -> None:
    from memsim import __version__

    doc = {
        "memsim_manifest": _FORMAT,
        "memsim": __version__,
        "files": dict(sorted(files.items())),
        "folders": sorted(dirs),
    }
    replace_file(folder / MANIFEST, json.dumps(doc, indent=1) + "\n")


def replace_file(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` through a fresh temporary file beside it, then rename it
    into place: readers see the old or the new content, never part of it.

    The temporary name is made with O_EXCL (never an existing file, never through a link) and
    is removed again on any failure or interruption before the rename, so no file of the
    user's is ever written and nothing is left behind. The file gets the permissions of an
    ordinary new file (0666 less the umask). Characters UTF-8 cannot encode (lone surrogates
    from undecodable names) are written as '?'.

    Parameters
    ----------
    target : pathlib.Path
        The file to write or replace (its folder must exist).
    text : str
        The whole new content.

    Raises
    ------
    OSError
        The folder cannot be written (full, read-only, a name too long); ``target`` is then
        as it was.
    """
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name[:80]}.", suffix=".memsim-tmp", dir=target.parent
    )
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@fill_doc(folder_parameter=_FOLDER_PARAMETER)
def add_to_manifest(folder: Path, names) -> None:
    """Add files that grow while memsim writes them (a checkpoint) to ``folder``'s manifest,
    made if missing; they may not exist yet and are listed without a checksum.

    {folder_parameter}
    names : iterable of str
        File names relative to the folder.

    Raises
    ------
    OSError
        The folder cannot be written.
    """
    listed = read_manifest(folder)
    files = dict(listed[0]) if listed else {}
    dirs = set(listed[1]) if listed else set()
    for n in (*names, MANIFEST):
        files.setdefault(n, None)
    _dump(folder, files, dirs)


def record_files(folder: Path, names) -> None:
    """List files memsim (re)wrote in an existing results folder in its manifest, keeping
    every other entry (used by ``memsim report`` when it rewrites ``index.html``).

    Parameters
    ----------
    folder : pathlib.Path
        A results folder with a valid manifest.
    names : iterable of str
        File names relative to the folder; each is recorded with its size and SHA-256 (the
        files must exist).

    Raises
    ------
    MemsimError
        The folder has no valid manifest.
    OSError
        A file cannot be read or the manifest cannot be written.
    """
    listed = read_manifest(folder)
    if listed is None:
        raise MemsimError(f"{folder} has no valid {MANIFEST}; memsim does not write into it")
    files, dirs = dict(listed[0]), set(listed[1])
    for n in names:
        files[n] = _record(folder / n)
    files.setdefault(MANIFEST, None)
    _dump(folder, files, dirs)


def forget_files(folder: Path, names) -> None:
    """Remove entries from a results folder's manifest (files memsim removed itself).

    Parameters
    ----------
    folder : pathlib.Path
        A results folder with a valid manifest.
    names : iterable of str
        File names relative to the folder.

    Raises
    ------
    MemsimError
        The folder has no valid manifest.
    OSError
        The manifest cannot be written.
    """
    listed = read_manifest(folder)
    if listed is None:
        raise MemsimError(f"{folder} has no valid {MANIFEST}; memsim does not write into it")
    files = {k: v for k, v in listed[0].items() if k not in set(names)}
    files.setdefault(MANIFEST, None)
    _dump(folder, files, listed[1])


@fill_doc(folder_parameter=_FOLDER_PARAMETER)
def read_manifest(folder: Path) -> tuple[dict[str, dict | None], set[str]] | None:
    """The files (name -> {size, sha256} or None) and folders a results folder's manifest
    lists, or None without a valid one.

    {folder_parameter}

    Returns
    -------
    tuple (dict, set) or None
        The listed files (name -> ``{"size", "sha256"}`` or None for growing files) and
        folders; None when the manifest is missing, not a regular file, too large, not JSON or
        not of this format.

    Raises
    ------
    Nothing: an unreadable manifest is reported as None.
    """
    m = folder / MANIFEST
    try:
        st = os.lstat(m)
        if not stat.S_ISREG(st.st_mode) or st.st_size > 16 * 2**20:
            return None
        doc = json.loads(m.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: '[' nested 10^5 deep
        return None
    if not isinstance(doc, dict) or doc.get("memsim_manifest") != _FORMAT:
        return None
    files, dirs = doc.get("files"), doc.get("folders")
    if not isinstance(files, dict) or not isinstance(dirs, list):
        return None
    if not all(isinstance(x, str) and _safe_rel(x) for x in [*files, *dirs]):
        return None
    for rec in files.values():
        ok = rec is None or (
            isinstance(rec, dict)
            and isinstance(rec.get("size"), int)
            and isinstance(rec.get("sha256"), str)
        )
        if not ok:
            return None
    return files, set(dirs)


def _safe_rel(rel: str) -> bool:
    parts = Path(rel).parts
    return bool(parts) and not Path(rel).is_absolute() and ".." not in parts and "" not in parts


def _plain_file(path: Path) -> bool:
    """A regular file (not a link, FIFO, device, ...)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _inside(folder: Path, rel: str) -> bool:
    """True when no component of ``rel`` below ``folder`` (but the last) is a link: the path
    stays inside the folder without following any link."""
    cur = folder
    for part in Path(rel).parts[:-1]:
        cur = cur / part
        try:
            if stat.S_ISLNK(os.lstat(cur).st_mode):
                return False
        except OSError:
            return False
    return True


def _is_ours(folder: Path, rel: str, rec: dict | None) -> bool:
    """A listed file is memsim's when it is still a regular file reached without links and,
    where the manifest has its checksum, unchanged."""
    f = folder / rel
    if not _inside(folder, rel) or not _plain_file(f):
        return False
    if rec is None:
        return True
    return os.lstat(f).st_size == rec["size"] and _sha256(f) == rec["sha256"]


def is_memsims(folder: Path, rel: str) -> bool:
    """Whether one file of a results folder is memsim's: listed in its manifest, a regular file
    reached without links and, where the manifest has its checksum, unchanged since.

    Parameters
    ----------
    folder : pathlib.Path
        A results folder.
    rel : str
        A file name relative to the folder.

    Returns
    -------
    bool
        False also when the folder has no valid manifest.

    Raises
    ------
    OSError
        The file cannot be read for its checksum.
    """
    listed = read_manifest(folder)
    if listed is None or rel not in listed[0]:
        return False
    return _is_ours(folder, rel, listed[0][rel])


@fill_doc(folder_parameter=_FOLDER_PARAMETER)
def foreign_entries(folder: Path) -> list[str] | None:
    """What in ``folder`` memsim did not write: None when there is no valid manifest (then
    everything is foreign), else the entries its manifest does not list, links, special files
    and files changed since memsim wrote them (empty: all memsim's).

    {folder_parameter}

    Returns
    -------
    list of str or None
        Relative paths that are not memsim's (folders end in '/'); None without a valid
        manifest.

    Raises
    ------
    OSError
        The folder cannot be listed or a file cannot be read for its checksum.
    """
    listed = read_manifest(folder)
    if listed is None:
        return None
    files, dirs = _entries(folder)
    lfiles, ldirs = listed
    extra = []
    for f in files:
        if f == INFLIGHT:
            continue
        if f not in lfiles:
            extra.append(f)
        elif f != MANIFEST and not _is_ours(folder, f, lfiles[f]):
            extra.append(f + " (changed since memsim wrote it)")
    extra += [d + "/" for d in dirs if d not in ldirs or (folder / d).is_symlink()]
    return extra


@fill_doc(folder_parameter=_FOLDER_PARAMETER)
def refuse_foreign(folder: Path, extra: list[str] | None, action: str) -> None:
    """Refuse to touch a folder that holds anything memsim did not write.

    {folder_parameter}
    extra : list of str or None
        What :func:`foreign_entries` returned (None: no valid manifest).
    action : str
        The verb for the message ('replace', 'delete', 'resume in').

    Raises
    ------
    MemsimError
        When ``extra`` is None or not empty, naming the foreign files.
    """
    if extra is None:
        content = sorted(x.name for x in folder.iterdir())
        more = f" and {len(content) - 6} more" if len(content) > 6 else ""
        shown = ", ".join(content[:6]) + more
        raise MemsimError(
            f"the folder {folder} is not empty and does not look like a memsim results folder "
            f"(no valid {MANIFEST}; it holds {shown}); memsim never {_verb(action)} it, with or "
            "without --force. Choose another folder (--out)"
        )
    if extra:
        shown = ", ".join(extra[:6]) + (f" and {len(extra) - 6} more" if len(extra) > 6 else "")
        raise MemsimError(
            f"the results folder {folder} holds files memsim did not write ({shown}); memsim "
            f"never {_verb(action)} it, with or without --force, so that they are not lost. "
            "Move them away, or choose another folder (--out)"
        )


def _verb(action: str) -> str:
    """'replace' -> 'replaces', 'resume in' -> 'resumes in'."""
    head, _, tail = action.partition(" ")
    return f"{head}s" + (f" {tail}" if tail else "")


@fill_doc(folder_parameter=_FOLDER_PARAMETER)
def remove_listed(folder: Path) -> list[str]:
    """Delete what ``folder``'s manifest lists and is still memsim's (see
    :func:`foreign_entries`), then the folder if it is empty.

    Never follows a link: a listed path that passes through a link, or is one, is left alone.
    Returns what was left; nothing else is touched.

    {folder_parameter}

    Returns
    -------
    list of str
        Names left in the folder (empty when the folder itself was removed).

    Raises
    ------
    OSError
        A listed file cannot be removed.
    """
    listed = read_manifest(folder)
    if listed is None:
        return [x.name for x in folder.iterdir()]
    files, dirs = listed
    for rel, rec in files.items():
        if rel != MANIFEST and _is_ours(folder, rel, rec):
            with contextlib.suppress(FileNotFoundError):
                (folder / rel).unlink()
    for rel in sorted(dirs, key=lambda r: -len(Path(r).parts)):
        d = folder / rel
        if _inside(folder, rel) and d.is_dir() and not d.is_symlink():
            with contextlib.suppress(OSError):
                d.rmdir()  # only when empty
    with contextlib.suppress(FileNotFoundError):
        (folder / INFLIGHT).unlink()
    left = [x.name for x in folder.iterdir() if x.name != MANIFEST]
    if not left:
        (folder / MANIFEST).unlink(missing_ok=True)
        folder.rmdir()
    return left


@fill_doc(folder_parameter=_FOLDER_PARAMETER)
def check_replaceable(folder: Path, force: bool, *, hint: str = "") -> bool:
    """Whether an existing target may be replaced; raises when it may not.

    Returns True when ``folder`` exists with content to replace (all memsim's, ``force`` given),
    False when it is missing or empty.

    {folder_parameter}
    force : bool
        Whether the user allowed replacing memsim's own results (--force).
    hint : str
        What to suggest in the message instead of --force.

    Returns
    -------
    bool
        True when the folder exists with content that may be replaced.

    Raises
    ------
    MemsimError
        A non-empty folder without ``force``, or one holding files memsim did not write.
    """
    if not folder.is_dir():
        return False
    if not any(folder.iterdir()):
        return False
    extra = foreign_entries(folder)
    if not force and not extra and extra is not None:
        raise MemsimError(
            f"the results folder {folder} already exists and is not empty; nothing was written"
            + (
                hint
                or ". Use --force (force=True in Python) to replace it, or choose another "
                "folder (--out)"
            )
        )
    refuse_foreign(folder, extra, "replace")
    return True


# ---------------------------------------------------------------------------- disk space ----
def check_disk(folder: Path, need: int, *, what: str = "this run") -> None:
    """Refuse when the file system of ``folder`` has less than ``need`` bytes (+10%) free.

    Parameters
    ----------
    folder : pathlib.Path
        A results or checkpoint folder. It may not exist yet (its nearest existing parent is
        measured).
    need : int
        Bytes the run will write.
    what : str
        How the message names the writer.

    Raises
    ------
    MemsimError
        Less than ``need`` + 10 % + 1 MiB free.
    """
    base = _existing_ancestor(folder)
    try:
        free = shutil.disk_usage(base).free
    except OSError:  # pragma: no cover - unusual file systems: let the write report it
        return
    need = int(need * 1.1) + 2**20
    if free < need:
        raise MemsimError(
            f"{what} would write about {need / 2**20:.1f} MiB into {folder} but only "
            f"{free / 2**20:.1f} MiB are free on that disk; nothing was written. Free some space "
            "or choose another --out on a larger disk"
        )


def _disk_error(exc: OSError, folder: Path) -> MemsimError:
    reason = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.ENAMETOOLONG: "a name is too long for the file system",
    }.get(exc.errno, exc.strerror or str(exc))
    return MemsimError(
        f"writing the results into {folder} failed ({reason}); the partial output was removed "
        "and any earlier results there are unchanged"
    )


# ---------------------------------------------------------------------------- staging ----
def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's process
        return True
    return True


def _mark_inflight(folder: Path) -> None:
    (folder / INFLIGHT).write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname()}))


def _stale(folder: Path) -> bool:
    """A staging folder left by a killed run on this host (its process is gone)."""
    try:
        doc = json.loads((folder / INFLIGHT).read_text())
        pid, host = int(doc["pid"]), str(doc["host"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return host == socket.gethostname() and pid != os.getpid() and not _pid_alive(pid)


def _clean_stale(target: Path) -> None:
    """Remove hidden staging folders of ``target`` left behind by killed runs (memsim's own:
    named by memsim, marked with the dead run's pid)."""
    parent = target.parent
    if not parent.is_dir():
        return
    prefix = f".{target.name}{_STAGING_TAG}"
    with contextlib.suppress(OSError):
        for d in parent.iterdir():
            if d.name.startswith(prefix) and d.is_dir() and not d.is_symlink() and _stale(d):
                shutil.rmtree(d, ignore_errors=True)


def new_staging(target: Path) -> Path:
    """A fresh hidden staging folder beside ``target`` (parents created as needed).

    Parameters
    ----------
    target : pathlib.Path
        The checked results folder (see :func:`check_target`).

    Returns
    -------
    pathlib.Path
        A new empty hidden folder ``.<name>.memsim-XXXXXXXX`` beside ``target``, marked with
        this process's pid.

    Raises
    ------
    OSError
        The parent cannot be created or written.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    _clean_stale(target)
    d = Path(tempfile.mkdtemp(prefix=f".{target.name}{_STAGING_TAG}", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(d, 0o777 & ~umask)  # mkdtemp makes 0700; a results folder is an ordinary folder
    _mark_inflight(d)
    return d


def discard(staging: Path) -> None:
    """Remove a staging folder memsim made (everything in it is memsim's).

    Parameters
    ----------
    staging : pathlib.Path
        A folder made by :func:`new_staging` (or a sweep's .partial folder).

    Raises
    ------
    Nothing: errors while removing are ignored (the folder is memsim's own).
    """
    if staging.is_dir() and not staging.is_symlink():
        shutil.rmtree(staging, ignore_errors=True)


def commit(staging: Path, target: Path, force: bool) -> None:
    """Move a finished staging folder into place; the old results (memsim's only) go after.

    Parameters
    ----------
    staging : pathlib.Path
        The finished staging folder.
    target : pathlib.Path
        The results folder.
    force : bool
        Replace an existing results folder of memsim's.

    Raises
    ------
    MemsimError
        The target changed meanwhile and now holds foreign files (nothing is replaced).
    """
    with contextlib.suppress(FileNotFoundError):
        (staging / INFLIGHT).unlink()
    write_manifest(staging)
    old = None
    if check_replaceable(target, force):
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.memsim-old-", dir=target.parent))
        os.rename(target, old / "r")  # atomic on one file system
    try:
        if target.is_dir():  # an empty folder (ours to replace: it holds nothing)
            target.rmdir()
        os.rename(staging, target)
    except BaseException:
        if old is not None and not os.path.lexists(target):
            os.rename(old / "r", target)  # put the old results back
            old.rmdir()
        raise
    if old is not None:
        left = remove_listed(old / "r")
        if not left:
            old.rmdir()


@contextlib.contextmanager
def staged(
    target: str | os.PathLike, force: bool = False, *, expected_bytes: int = 0
) -> Iterator[Path]:
    """Stage a results folder: yields a fresh folder to write into, moved to ``target`` on
    success, removed on any failure or interruption (earlier results are left as they were).

    Parameters
    ----------
    target : path
        The results folder (checked by :func:`check_target`).
    force : bool
        Replace an existing results folder (memsim's files only).
    expected_bytes : int
        What the run will write, for the disk check.

    Yields
    ------
    pathlib.Path
        The staging folder to write into.

    Raises
    ------
    MemsimError
        Refused target (see :func:`check_target`), existing folder without ``force``, foreign
        files, too little disk space, a write that failed.
    """
    p = check_target(target)
    check_replaceable(p, force)
    check_disk(p, expected_bytes)
    staging = new_staging(p)
    try:
        yield staging
        commit(staging, p, force)
    except OSError as exc:
        discard(staging)
        raise _disk_error(exc, p) from None
    except BaseException:
        discard(staging)
        raise


__all__ = [
    "INFLIGHT",
    "MANIFEST",
    "add_to_manifest",
    "PARTIAL",
    "check_disk",
    "check_replaceable",
    "check_target",
    "commit",
    "discard",
    "foreign_entries",
    "is_memsims",
    "refuse_foreign",
    "new_staging",
    "read_manifest",
    "record_files",
    "replace_file",
    "forget_files",
    "remove_listed",
    "staged",
    "write_manifest",
]
