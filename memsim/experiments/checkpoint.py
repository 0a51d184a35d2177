"""Checkpoints of a sweep in its results folder, so an interrupted run can be resumed.

Two files sit beside the result tables::

    checkpoint.json    manifest: command, hash of the resolved scenario, the scenario itself,
                       the sweep size and memsim's version (written atomically, once)
    checkpoint.jsonl   one JSON line per finished task: the point index, its values and the
                       rows of its trials (appended with one write + fsync per task)

A row depends only on the scenario, the point values and the trial index (see
:func:`memsim.experiments.hopfield.capacity_task`), and JSON round-trips Python floats exactly,
so rows read back from the checkpoint are bit for bit the rows an uninterrupted run computes;
the final tables are therefore identical whatever was resumed, on whatever backend.

The scenario hash leaves out what cannot change a number: ``run.threads`` (results do not depend
on the thread count), ``output`` (plots), ``name`` and ``description``. A resume with any other
difference (seed, trials, loads, ...) is refused with the list of fields that differ.

A crash can leave the last line half-written; it is ignored (and cut off before the next append),
so at most one task is computed again. While a checkpoint is open its folder is locked (``flock``),
so a second run on the same folder is refused instead of mixing its lines into the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
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
FORMAT = 1

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


class Checkpoint:
    """The checkpoint of one sweep in a results folder.

    Use :func:`open_checkpoint` to create or reopen one. ``done`` maps ``(point index, trial)`` to
    the finished row; :meth:`append` records a finished task.
    """

    def __init__(self, folder: Path, sc: Scenario, command: str, points: Sequence[dict]):
        self.folder = Path(folder)
        self.command = command
        self.scenario_hash = scenario_hash(sc)
        self._sc = sc
        self._points = [dict(p) for p in points]
        self.done: dict[tuple[int, int], dict] = {}
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
        tmp = self.manifest_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(doc, indent=2) + "\n")
        os.replace(tmp, self.manifest_path)

    def append(self, point: int, rows: Sequence[dict]) -> None:
        """Record the finished rows of one task (one point, some trials): one line, fsynced."""
        if not self.manifest_path.exists():
            self._write_manifest()
        line = json.dumps(
            {"point": point, "values": self._points[point], "rows": list(rows)},
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

    # -- reading ---------------------------------------------------------------------------
    def _read(self) -> None:
        with open(self.manifest_path) as fh:
            try:
                doc = json.load(fh)
            except json.JSONDecodeError as exc:
                raise MemsimError(
                    f"the checkpoint manifest {self.manifest_path} is damaged ({exc}); "
                    "start over with --force"
                ) from None
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
        if not self.rows_path.exists():
            return
        raw = self.rows_path.read_bytes()
        pos = 0
        for lineno, line in enumerate(raw.splitlines(keepends=True), 1):
            if not line.endswith(b"\n"):
                break  # half-written last line: dropped, recomputed
            try:
                rec = json.loads(line)
                point, values, rows = rec["point"], rec["values"], rec["rows"]
            except (json.JSONDecodeError, KeyError, TypeError):
                raise MemsimError(
                    f"line {lineno} of {self.rows_path} is damaged; start over with --force"
                ) from None
            if not (0 <= point < len(self._points)) or values != self._points[point]:
                raise MemsimError(
                    f"line {lineno} of {self.rows_path} is for point {values}, which is not "
                    f"point {point} of this sweep; start over with --force"
                )
            for r in rows:
                self.done.setdefault((point, int(r["trial"])), r)
            pos += len(line)
        self._good_bytes = pos


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


def _clean_json_manifest(folder: Path) -> bool:
    """True if ``folder`` holds a readable memsim checkpoint manifest."""
    try:
        doc = json.loads((folder / MANIFEST).read_text())
    except (OSError, json.JSONDecodeError):
        return False
    return isinstance(doc, dict) and doc.get("format") == FORMAT and "scenario_hash" in doc


def open_checkpoint(
    folder: str | Path,
    sc: Scenario,
    points: Sequence[dict],
    *,
    command: str = "capacity",
    resume: bool = False,
    force: bool = False,
) -> Checkpoint:
    """Prepare a results folder for a checkpointed sweep and return its :class:`Checkpoint`.

    * ``resume=False``: the folder must be missing or empty; with ``force`` an existing memsim
      results folder (``results.json``) or unfinished run (``checkpoint.json``) is deleted first.
    * ``resume=True``: an existing checkpoint is reopened (refused if the scenario differs) and
      kept; a missing or empty folder starts a fresh run. ``force`` is refused (it would delete
      what is to be resumed).

    Parameters
    ----------
    folder : str or Path
        The results folder.
    sc : Scenario
        The resolved scenario.
    points : sequence of dict
        The sweep points (as :func:`memsim.experiments.hopfield.capacity_points`).
    command, resume, force
        See above.

    Raises
    ------
    MemsimError
        Folder not usable, scenario differs from the checkpoint, damaged checkpoint.
    """
    p = Path(folder)
    if p.exists() and not p.is_dir():
        raise MemsimError(f"the output path {p} exists and is a file, not a folder")
    nonempty = p.is_dir() and any(p.iterdir())
    has_ckpt = (p / MANIFEST).exists()
    ck = Checkpoint(p, sc, command, points)
    if resume:
        if force:
            raise MemsimError(
                "--resume and --force contradict each other: --resume continues the run in the "
                "results folder, --force deletes it. Give one of them"
            )
        if not nonempty:
            p.mkdir(parents=True, exist_ok=True)
            ck._lock()
            return ck
        if not has_ckpt:
            what = (
                "a finished run without a checkpoint"
                if (p / "results.json").exists()
                else "files that are not a memsim checkpoint"
            )
            raise MemsimError(
                f"cannot resume: the folder {p} holds {what} (no {MANIFEST}). Use --force to "
                "start over (memsim results folders only), or choose another --out"
            )
        ck._lock()
        try:
            ck._read()
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
        if not ((p / "results.json").exists() or _clean_json_manifest(p)):
            raise MemsimError(
                f"the folder {p} is not empty and does not look like a memsim results folder "
                f"(no results.json or {MANIFEST}); refusing to delete it even with --force. "
                "Choose another --out"
            )
        fd = _try_lock(p)  # not while another run writes there
        try:
            shutil.rmtree(p)
        finally:
            if fd is not None:
                os.close(fd)
    p.mkdir(parents=True, exist_ok=True)
    ck._lock()
    return ck


__all__ = ["MANIFEST", "ROWS", "Checkpoint", "hashed_scenario", "open_checkpoint", "scenario_hash"]
