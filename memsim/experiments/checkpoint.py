"""Checkpoints of a sweep in its results folder, so an interrupted run can be resumed.

Two files sit beside the result tables::

    checkpoint.json    manifest: format, command, hash of the resolved scenario, the scenario
                       itself, the sweep size and memsim's version (written atomically, once)
    checkpoint.jsonl   one JSON line per finished task: the point index, its values, the rows of
                       its trials and a SHA-256 checksum of the three (appended with one write +
                       fsync per task)

A row depends only on the scenario, the point values and the trial index (see
:func:`memsim.experiments.hopfield.capacity_task`), and JSON round-trips Python floats exactly,
so rows read back from the checkpoint are bit for bit the rows an uninterrupted run computes;
the final tables are therefore identical whatever was resumed, on whatever backend.

The scenario hash leaves out what cannot change a number: ``run.threads`` (results do not depend
on the thread count), ``output`` (plots), ``name`` and ``description``. A resume with any other
difference (seed, trials, loads, ...) is refused with the list of fields that differ.

Every line is checked when a checkpoint is reopened: JSON, the schema (types, a known point with
its values, trial indices in range, plain values), and the checksum, so a line edited by hand is
detected. A damaged line is dropped with its line number and reason (kept for inspection in
``checkpoint.dropped.jsonl``) and its trials are computed again; a crash that left the last line
half-written costs at most that one task. While a checkpoint is open its folder is locked
(``flock``), so a second run on the same folder is refused instead of mixing its lines in.

The command line keeps the checkpoint of a run in flight in ``<results folder>.partial`` and
moves that folder into place when the sweep finished (see :mod:`memsim.folders`).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import stat
from collections.abc import Sequence

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no folder lock
    fcntl = None
from pathlib import Path

from memsim.errors import MemsimError
from memsim.scenario.schema import Scenario

MANIFEST = "checkpoint.json"
ROWS = "checkpoint.jsonl"
DROPPED = "checkpoint.dropped.jsonl"
FORMAT = 2
#: every file a checkpoint may leave in its folder (listed in the folder's memsim manifest); the
#: manifest and a rewritten rows file go through :func:`memsim.folders.replace_file`, whose
#: temporary files have fresh names and never stay behind
FILES = (MANIFEST, ROWS, DROPPED)
#: the largest rows file read back (a sweep of 10^6 trials writes about 300 MB)
MAX_ROWS_BYTES = 4 * 2**30
_HEX64 = re.compile(r"^[0-9a-f]{64}$")

#: scenario fields that cannot change any number of a sweep (left out of the hash)
_IGNORED = (("run", "threads"), ("output",), ("name",), ("description",))


def hashed_scenario(sc: Scenario) -> dict:
    """The resolved scenario as plain data, without the fields that cannot change a number."""
    d = sc.model_dump(mode="json")
    for path in _IGNORED:
        node = d
        for k in path[:-1]:
            node = node.get(k, {})
        node.pop(path[-1], None)
    return d


def scenario_hash(sc: Scenario) -> str:
    """SHA-256 of the canonical JSON of :func:`hashed_scenario` (hex)."""
    text = json.dumps(hashed_scenario(sc), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _differences(old: dict, new: dict, prefix: str = "") -> list[str]:
    out = []
    for k in sorted(set(old) | set(new)):
        a, b = old.get(k), new.get(k)
        name = f"{prefix}{k}"
        if isinstance(a, dict) and isinstance(b, dict):
            out.extend(_differences(a, b, name + "."))
        elif a != b:
            out.append(f"{name}: {json.dumps(a)} there, {json.dumps(b)} now")
    return out


def _line_checksum(point: int, values: dict, rows: list) -> str:
    text = json.dumps(
        {"point": point, "values": values, "rows": rows}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(v) -> bool:
    """A value a checkpoint row may hold: a finite number, a string, a bool or null."""
    if v is None or isinstance(v, bool | str | int):
        return True
    return isinstance(v, float) and math.isfinite(v)


def _regular_file(path: Path, what: str, limit: int) -> int:
    """Size of ``path`` when it is a regular file of at most ``limit`` bytes, else raise."""
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode):
        raise MemsimError(
            f"the {what} {path} is not a regular file (a link, folder, pipe or device); memsim "
            "did not write it. Start over with --force after moving it away, or choose another "
            "--out"
        )
    if st.st_size > limit:
        raise MemsimError(
            f"the {what} {path} is {st.st_size / 2**20:.0f} MiB, more than the "
            f"{limit / 2**20:.0f} MiB memsim reads back; start over with --force"
        )
    return st.st_size


class Checkpoint:
    """The checkpoint of one sweep in a results folder.

    Use :func:`open_checkpoint` to create or reopen one. ``done`` maps ``(point index, trial)`` to
    the finished row; :meth:`append` records a finished task. ``dropped`` lists
    ``(line number, reason)`` of the damaged lines left out when it was reopened.
    """

    def __init__(self, folder: Path, sc: Scenario, command: str, points: Sequence[dict]):
        self.folder = Path(folder)
        self.command = command
        self.scenario_hash = scenario_hash(sc)
        self._sc = sc
        self._points = [dict(p) for p in points]
        self.done: dict[tuple[int, int], dict] = {}
        self.dropped: list[tuple[int, str]] = []
        self._good_bytes = 0  # length of the well-formed part of the rows file
        self._lock_fd: int | None = None

    # -- one writer per folder ---------------------------------------------------------------
    def _lock(self) -> None:
        """Hold an exclusive lock on the folder (flock) while this checkpoint is open, so two
        runs cannot append to (and truncate) the same checkpoint."""
        if fcntl is None or self._lock_fd is not None:  # pragma: no cover - not POSIX
            return
        self._lock_fd = _try_lock(self.folder)

    def close(self) -> None:
        """Release the folder's lock (also done when the object is garbage-collected)."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor drops the flock
            self._lock_fd = None

    def __del__(self):
        self.close()

    @property
    def manifest_path(self) -> Path:
        return self.folder / MANIFEST

    @property
    def rows_path(self) -> Path:
        return self.folder / ROWS

    def dropped_note(self) -> str | None:
        """One line saying which damaged lines were dropped on reopening, or None."""
        if not self.dropped:
            return None
        shown = "; ".join(f"line {n}: {why}" for n, why in self.dropped[:5])
        more = f"; and {len(self.dropped) - 5} more" if len(self.dropped) > 5 else ""
        n = len(self.dropped)
        return (
            f"{n} damaged line{'s' if n > 1 else ''} of {self.rows_path} "
            f"{'were' if n > 1 else 'was'} dropped ({shown}{more}); their trials are computed "
            f"again (the lines are kept in {DROPPED})"
        )

    # -- writing ---------------------------------------------------------------------------
    def _write_manifest(self) -> None:
        from memsim import __version__

        doc = {
            "format": FORMAT,
            "command": self.command,
            "scenario_hash": self.scenario_hash,
            "memsim": __version__,
            "points": len(self._points),
            "trials": self._sc.run.trials,
            "scenario": hashed_scenario(self._sc),
        }
        from memsim.folders import replace_file

        replace_file(self.manifest_path, json.dumps(doc, indent=2) + "\n")

    def append(self, point: int, rows: Sequence[dict]) -> None:
        """Record the finished rows of one task (one point, some trials): one line, fsynced."""
        if not self.manifest_path.exists():
            self._write_manifest()
        rows = list(rows)
        values = self._points[point]
        line = json.dumps(
            {
                "point": point,
                "values": values,
                "rows": rows,
                "sha256": _line_checksum(point, values, rows),
            },
            separators=(",", ":"),
        )
        data = (line + "\n").encode()
        fd = os.open(self.rows_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            if os.fstat(fd).st_size > self._good_bytes:  # a half-written line from a crash
                os.ftruncate(fd, self._good_bytes)
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            os.fsync(fd)
        finally:
            os.close(fd)
        self._good_bytes += len(data)
        for r in rows:
            self.done.setdefault((point, int(r["trial"])), r)

    def saved_trials(self) -> int:
        """Trials whose rows are on disk (complete lines of the rows file). Read from the file,
        not from ``done``: an interrupt can land between a line's fsync and ``done``'s update.

        Returns
        -------
        int
            0 when there is no rows file.
        """
        try:
            raw = self.rows_path.read_bytes()
        except OSError:
            return 0
        n = 0
        for line in raw.splitlines(keepends=True):
            if not line.endswith(b"\n"):
                break
            try:
                n += len(json.loads(line)["rows"])
            except (ValueError, KeyError, TypeError):
                continue
        return n

    # -- reading ---------------------------------------------------------------------------
    def _read_manifest(self) -> dict:
        path = self.manifest_path
        if not os.path.lexists(path):
            raise MemsimError(
                f"the checkpoint in {self.folder} has finished trials ({ROWS}) but its manifest "
                f"{MANIFEST} is missing, so memsim cannot tell which scenario they belong to. "
                "Start over with --force"
            )
        _regular_file(path, "checkpoint manifest", 64 * 2**20)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise MemsimError(
                f"the checkpoint manifest {path} is damaged (not JSON: {exc}); memsim cannot "
                "tell which scenario it belongs to. Start over with --force"
            ) from None
        problems = []
        if not isinstance(doc, dict):
            problems.append("it is not a JSON object")
            doc = {}
        elif doc.get("format") != FORMAT:
            fmt = doc.get("format")
            raise MemsimError(
                f"the checkpoint {path} has format {fmt!r}; this memsim ({FORMAT}) reads only "
                f"format {FORMAT} (checkpoints with a checksum per line). Start over with --force"
            )
        checks = (
            ("command", lambda v: isinstance(v, str), "a command name"),
            ("scenario_hash", lambda v: isinstance(v, str) and _HEX64.match(v), "64 hex digits"),
            ("points", lambda v: type(v) is int and v >= 1, "an integer >= 1"),
            ("trials", lambda v: type(v) is int and v >= 1, "an integer >= 1"),
            ("scenario", lambda v: isinstance(v, dict), "a mapping"),
        )
        for key, ok, allowed in checks:
            if key not in doc:
                problems.append(f"'{key}' is missing")
            elif not ok(doc[key]):
                problems.append(f"'{key}' is {json.dumps(doc[key])[:40]}, not {allowed}")
        if problems:
            raise MemsimError(
                f"the checkpoint manifest {path} is damaged ({'; '.join(problems)}); start over "
                "with --force"
            )
        return doc

    def _check_line(self, rec) -> tuple[int, list] | str:
        """The point and rows of a parsed line, or the reason it is damaged."""
        if not isinstance(rec, dict):
            return "not a JSON object"
        missing = [k for k in ("point", "values", "rows", "sha256") if k not in rec]
        if missing:
            return f"'{missing[0]}' is missing"
        extra = sorted(set(rec) - {"point", "values", "rows", "sha256"})
        if extra:
            return f"unknown key '{extra[0]}'"
        point, values, rows, sha = rec["point"], rec["values"], rec["rows"], rec["sha256"]
        if type(point) is not int or not (0 <= point < len(self._points)):
            return f"point {json.dumps(point)[:30]} is not a point of this sweep"
        if values != self._points[point]:
            return f"values {json.dumps(values)[:80]} are not those of point {point}"
        if not isinstance(rows, list) or not rows:
            return "'rows' is not a non-empty list"
        trials = self._sc.run.trials
        for j, r in enumerate(rows):
            if not isinstance(r, dict) or "trial" not in r:
                return f"row {j} has no 'trial'"
            t = r["trial"]
            if type(t) is not int or not (0 <= t < trials):
                return f"row {j} has trial {json.dumps(t)[:30]}, not an integer in [0, {trials})"
            bad = [k for k, v in r.items() if not _plain(v)]
            if bad:
                return f"row {j} has a value that is not a finite number or text ('{bad[0]}')"
        if not isinstance(sha, str) or sha != _line_checksum(point, values, rows):
            return "checksum mismatch (the line was changed after memsim wrote it)"
        return point, rows

    def _read(self) -> None:
        doc = self._read_manifest()
        if doc.get("command") != self.command:
            raise MemsimError(
                f"cannot resume: {self.folder} holds a checkpoint of 'memsim "
                f"{doc.get('command')}', not of 'memsim {self.command}'"
            )
        if doc.get("scenario_hash") != self.scenario_hash:
            diffs = _differences(doc.get("scenario", {}), hashed_scenario(self._sc))
            shown = "; ".join(diffs[:5]) + (
                f"; and {len(diffs) - 5} more" if len(diffs) > 5 else ""
            )
            raise MemsimError(
                f"cannot resume: the results folder {self.folder} was started with a different "
                f"scenario ({shown or 'scenario hash differs'}). Resume with the same scenario "
                "file and --set/--seed options, or start over with --force (deletes the "
                "checkpoint) or choose another --out"
            )
        if not os.path.lexists(self.rows_path):
            return
        _regular_file(self.rows_path, "checkpoint", MAX_ROWS_BYTES)
        raw = self.rows_path.read_bytes()
        good: list[bytes] = []
        bad: list[bytes] = []
        key_set = None
        for lineno, line in enumerate(raw.splitlines(keepends=True), 1):
            if not line.endswith(b"\n"):
                break  # half-written last line of a crash: dropped silently, recomputed
            try:
                rec = json.loads(line)
            except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
                rec, why = None, "not valid JSON"
            else:
                why = None
            out = self._check_line(rec) if why is None else why
            if isinstance(out, tuple):
                point, rows = out
                keys = {frozenset(r) for r in rows}
                if key_set is None and len(keys) == 1:
                    key_set = next(iter(keys))
                if len(keys) != 1 or next(iter(keys)) != key_set:
                    out = "its rows do not have the columns of the other rows"
            if isinstance(out, str):
                self.dropped.append((lineno, out))
                bad.append(line)
                continue
            good.append(line)
            for r in rows:
                self.done.setdefault((point, r["trial"]), r)
        if bad or sum(map(len, good)) != len(raw):
            self._rewrite(good, bad)
        self._good_bytes = sum(map(len, good))

    def _rewrite(self, good: list[bytes], bad: list[bytes]) -> None:
        """Keep only the valid lines in the rows file (atomically, through
        :func:`memsim.folders.replace_file`); damaged ones go to ``checkpoint.dropped.jsonl``.

        The valid lines are memsim's JSON (ASCII), written back byte for byte; bytes that are not
        UTF-8 (only a hand-made line can have them) would be written as '?', and that line is
        then dropped at the next reopening."""
        from memsim.folders import replace_file

        if bad:
            with open(self.folder / DROPPED, "ab") as fh:
                fh.writelines(bad)
        replace_file(self.rows_path, b"".join(good).decode("utf-8", "surrogateescape"))


def _try_lock(folder: Path) -> int | None:
    if fcntl is None:  # pragma: no cover - not POSIX
        return None
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise MemsimError(
            f"another memsim run is using the results folder {folder} right now; wait for it to "
            "finish (or stop it), or choose another --out"
        ) from None
    return fd


def _refuse_resume_with_force(force: bool) -> None:
    if force:
        raise MemsimError(
            "--resume and --force contradict each other: --resume continues the run in the "
            "results folder, --force deletes it. Give one of them"
        )


def _has_checkpoint(folder: Path) -> bool:
    return os.path.lexists(folder / MANIFEST) or os.path.lexists(folder / ROWS)


def _refuse_resume_without_checkpoint(folder: Path) -> None:
    """--resume on a non-empty folder without a checkpoint: say what it holds instead."""
    what = (
        "a finished run without a checkpoint"
        if (folder / "results.json").exists()
        else "files that are not a memsim checkpoint"
    )
    raise MemsimError(
        f"cannot resume: the folder {folder} holds {what} (no {MANIFEST}). Use --force to start "
        "over (memsim results folders only), or choose another --out"
    )


def _list_checkpoint_files(folder: Path) -> None:
    """Record the checkpoint's files in the folder's memsim manifest (so --force may remove
    them later, and nothing else)."""
    from memsim.folders import add_to_manifest

    add_to_manifest(folder, FILES)


def open_checkpoint(
    folder: str | Path,
    sc: Scenario,
    points: Sequence[dict],
    *,
    command: str = "capacity",
    resume: bool = False,
    force: bool = False,
) -> Checkpoint:
    """Prepare a folder for a checkpointed sweep and return its :class:`Checkpoint`.

    * ``resume=False``: the folder must be missing or empty; with ``force`` an existing memsim
      folder is emptied first (only the files its ``memsim-manifest.json`` lists; a folder
      holding anything else is refused).
    * ``resume=True``: an existing checkpoint is reopened (refused if the scenario differs;
      damaged lines are dropped and listed in ``Checkpoint.dropped``) and kept; a missing or
      empty folder starts a fresh run. ``force`` is refused (it would delete what is to be
      resumed).

    Parameters
    ----------
    folder : str or Path
        The folder that holds the checkpoint (checked like a results folder, see
        :func:`memsim.folders.check_target`).
    sc : Scenario
        The resolved scenario.
    points : sequence of dict
        The sweep points (as :func:`memsim.experiments.hopfield.capacity_points`).
    command, resume, force
        See above.

    Raises
    ------
    MemsimError
        Folder not usable (refused path, foreign files), scenario differs from the checkpoint,
        damaged checkpoint manifest, another run holding the folder.
    """
    from memsim.folders import MANIFEST as FOLDER_MANIFEST
    from memsim.folders import check_target, foreign_entries, refuse_foreign, remove_listed

    p = check_target(folder, what="checkpoint folder")
    # a folder holding only its memsim manifest (a run that stopped before its first task)
    # counts as empty
    nonempty = p.is_dir() and any(f.name != FOLDER_MANIFEST for f in p.iterdir())
    has_ckpt = _has_checkpoint(p)
    ck = Checkpoint(p, sc, command, points)
    if resume:
        _refuse_resume_with_force(force)
        p.mkdir(parents=True, exist_ok=True)
        ck._lock()
        try:
            if nonempty and not has_ckpt:
                _refuse_resume_without_checkpoint(p)
            if nonempty:
                extra = foreign_entries(p)
                if extra is None or extra:  # no valid manifest: nothing there is known to be ours
                    refuse_foreign(p, extra, "resume in")
                ck._read()
            _list_checkpoint_files(p)
        except BaseException:
            ck.close()
            raise
        return ck
    if nonempty:
        if not force:
            hint = (
                "; it holds an unfinished run: use --resume to continue it, or --force to start "
                "over"
                if has_ckpt and not (p / "results.json").exists()
                else ". Use --force to replace it, --resume to continue its checkpoint, or --out "
                "to choose another folder"
                if has_ckpt
                else ". Use --force to replace it, or --out to choose another folder"
            )
            raise MemsimError(
                f"the results folder {p} already exists and is not empty; nothing was written{hint}"
            )
        refuse_foreign(p, foreign_entries(p), "delete")
        fd = _try_lock(p)  # not while another run writes there
        try:
            left = remove_listed(p)
        finally:
            if fd is not None:
                os.close(fd)
        if left:  # pragma: no cover - appeared between the check and the removal
            refuse_foreign(p, left, "delete")
    p.mkdir(parents=True, exist_ok=True)
    ck._lock()
    _list_checkpoint_files(p)
    return ck


def partial_folder(target: Path) -> Path:
    """Where the command line keeps the checkpoint of a sweep in flight: ``<target>.partial``."""
    from memsim.folders import PARTIAL

    return target.parent / (target.name + PARTIAL)


def open_sweep(
    target: str | Path,
    sc: Scenario,
    points: Sequence[dict],
    *,
    command: str = "capacity",
    resume: bool = False,
    force: bool = False,
) -> Checkpoint:
    """Open the checkpoint of a command-line sweep whose results go to ``target``.

    The sweep runs in ``<target>.partial`` (:func:`partial_folder`), which holds the checkpoint
    while the run is in flight and is moved to ``target`` when it finished, so an interrupted
    run never touches earlier results in ``target``.

    * ``resume=False``: ``target`` must be missing or empty, or (with ``force``) a memsim
      results folder; an unfinished run in ``<target>.partial`` is refused unless ``force``
      (then its checkpoint is deleted).
    * ``resume=True``: the unfinished run in ``<target>.partial`` is continued; without one,
      the checkpoint of a finished run in ``target`` is copied there (nothing is recomputed);
      without either, a fresh run starts.

    Raises
    ------
    MemsimError
        As :func:`open_checkpoint`, and for a target that cannot be replaced.
    """
    import shutil

    from memsim.folders import check_replaceable, check_target, foreign_entries, refuse_foreign

    target = check_target(target)
    part = check_target(partial_folder(target), what="checkpoint folder")
    part_busy = part.is_dir() and any(part.iterdir())
    if resume:
        _refuse_resume_with_force(force)
        if not part_busy and target.is_dir() and any(target.iterdir()):
            if not _has_checkpoint(target):
                _refuse_resume_without_checkpoint(target)
            refuse_foreign(target, foreign_entries(target), "resume from")
            part.mkdir(parents=True, exist_ok=True)
            _list_checkpoint_files(part)
            for name in (MANIFEST, ROWS):
                src = target / name
                if os.path.lexists(src) and stat.S_ISREG(os.lstat(src).st_mode):
                    shutil.copyfile(src, part / name, follow_symlinks=False)
        return open_checkpoint(part, sc, points, command=command, resume=True)
    check_replaceable(
        target,
        force,
        hint=". Use --force to replace it, --resume to continue its checkpoint, or --out to "
        "choose another folder"
        if _has_checkpoint(target)
        else "",
    )
    if part_busy and not force:
        raise MemsimError(
            f"the results folder {target} has an unfinished run in {part}; nothing was written. "
            "Use --resume to continue it, or --force to start over"
        )
    return open_checkpoint(part, sc, points, command=command, force=force)


def strip_outputs(folder: Path) -> None:
    """Remove what a failed final write left in a sweep's folder, keeping the checkpoint (used
    when writing the tables or plots fails after the sweep, so --resume still finds it)."""
    from memsim.folders import MANIFEST as FOLDER_MANIFEST

    keep = {*FILES, FOLDER_MANIFEST}
    for f in folder.iterdir():
        if f.name not in keep and (f.is_file() or f.is_symlink()):
            f.unlink()


__all__ = [
    "DROPPED",
    "FILES",
    "MANIFEST",
    "ROWS",
    "Checkpoint",
    "hashed_scenario",
    "open_checkpoint",
    "open_sweep",
    "partial_folder",
    "scenario_hash",
    "strip_outputs",
]
