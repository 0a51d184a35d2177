"""Hostile results folders, interruptions and damaged checkpoints: nothing the user has is lost.

Every case runs with the current folder holding a sentinel set of user files (notes, a thesis in
a subfolder, a foreign ``results.json`` and ``checkpoint.json``) whose bytes are compared before
and after; every case asserts the exit code and the message, and that no "internal error" or
traceback was printed. Signals are sent to real ``memsim`` processes.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_tools import flat
from click.testing import CliRunner
from memsim.cli.app import cli
from sweep_scenarios import as_yaml, hopfield_sweep

from memsim.errors import MemsimError

TINY = """\
name: tiny
model: {kind: hopfield, rule: hebbian, dynamics: async, max_sweeps: 20}
patterns: {source: random, count: 4, size: 40}
cue: {flip: 0.1}
run: {trials: 2, seed: 1}
"""

SWEEP = as_yaml(hopfield_sweep("sweep", trials=3, seed=11, loads=[0.05, 0.15, 0.3], sizes=[30, 40]))

USER_FILES = {
    "notes.txt": b"my notes\n",
    "sub/thesis.tex": b"\\section{precious}\n",
    "old/results.json": b'{"mine": true}\n',
    "old/checkpoint.json": b'{"also": "mine"}\n',
    "data.npy": b"\x93NUMPY not really",
}


def snapshot(root: Path) -> dict[str, bytes]:
    return {rel: (root / rel).read_bytes() for rel in USER_FILES}


@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    """A current folder with user files; HOME is a separate folder."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    w = home / "project"
    for rel, data in USER_FILES.items():
        f = w / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(data)
    (w / "s.yaml").write_text(TINY)
    (w / "sweep.yaml").write_text(SWEEP)
    monkeypatch.chdir(w)
    before = snapshot(w)
    yield w
    assert snapshot(w) == before, "a user file changed"


def run(*args, expect: int, fragment: str | tuple[str, ...] = ()):
    r = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    out = flat(r.output)
    assert r.exit_code == expect, out
    assert "internal error" not in out and "Traceback" not in r.output, out
    for f in (fragment,) if isinstance(fragment, str) else fragment:
        assert f in out, out
    return out


def refused(command, scenario, out, flag: str, fragment, *extra: str) -> str:
    """``memsim COMMAND SCENARIO --out OUT FLAG -q [EXTRA]`` must refuse (exit 1), naming
    ``fragment``."""
    return run(command, scenario, "--out", out, flag, "-q", *extra, expect=1, fragment=fragment)


def interrupted_sweep_says(fragment: tuple[str, ...], *extra: str) -> str:
    """``memsim capacity sweep.yaml --out cut [EXTRA]`` is interrupted: exit 130, naming
    ``fragment``."""
    return run("capacity", "sweep.yaml", "--out", "cut", *extra, expect=130, fragment=fragment)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        f.relative_to(folder).as_posix(): f.read_bytes()
        for f in sorted(folder.rglob("*"))
        if f.is_file()
    }


def no_staging(parent: Path) -> None:
    left = [d.name for d in parent.iterdir() if ".memsim-" in d.name]
    assert not left, left


# ---------------------------------------------------------------------- refused targets ----
@pytest.mark.parametrize(
    "out,fragment",
    [
        ("", "path is empty"),
        (" ", "path is empty"),
        (".", "it is the current folder"),
        ("./", "it is the current folder"),
        ("..", "your home folder"),
        ("../..", "an ancestor of your home folder"),
        ("results/..", "it is the current folder"),
        ("sub/..", "it is the current folder"),
        ("/", "filesystem root"),
        ("~", "your home folder"),
        ("/proc/memsim", "system folder"),
        ("/sys/memsim", "system folder"),
        ("/dev/memsim", "system folder"),
        ("notes.txt", "exists and is a file"),
        ("notes.txt/inside", "is a file, not a folder"),
        ("a" * 250, "bytes long"),
    ],
)
@pytest.mark.parametrize("command", ["recall", "capacity"])
def test_refused_targets(work, out, fragment, command):
    scen = "s.yaml" if command == "recall" else "sweep.yaml"
    run(command, scen, "--out", out, "--force", "-q", expect=1, fragment=fragment)


def test_ancestor_of_home_refused(work):
    refused("recall", "s.yaml", work.parent.parent, "--force", "an ancestor of")


def test_symlinked_target_refused(work, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "keep.txt").write_text("x")
    os.symlink(real, work / "link")
    refused("recall", "s.yaml", "link", "--force", "is a symbolic link")
    assert (real / "keep.txt").read_text() == "x"


def test_dangling_symlink_refused(work):
    os.symlink(work / "nowhere", work / "dangling")
    run("recall", "s.yaml", "--out", "dangling", "-q", expect=1, fragment="dangling link")
    assert not (work / "nowhere").exists()


def test_unwritable_parent_refused(work, monkeypatch):
    import memsim.folders as folders

    real_access = os.access
    locked = (work / "locked").resolve()
    locked.mkdir()
    monkeypatch.setattr(
        folders.os, "access", lambda p, m: False if Path(p) == locked else real_access(p, m)
    )
    run("recall", "s.yaml", "--out", "locked/run", "-q", expect=1, fragment="is not writable")
    assert list(locked.iterdir()) == []


# ------------------------------------------------------------------ names that escape ----
@pytest.mark.parametrize("name", ["..", ".", "../escape", "/tmp/x", "a/b"])
def test_scenario_names_never_leave_results(work, name):
    run("recall", "s.yaml", "-q", expect=0)
    first = tree(work / "results" / "tiny")
    r = CliRunner().invoke(cli, ["recall", "s.yaml", "-q", "--force", "--set", f"name={name}"])
    assert r.exit_code == 1, r.output
    assert "internal error" not in r.output and "Traceback" not in r.output
    assert "name" in r.output or "folder" in r.output
    assert tree(work / "results" / "tiny") == first


# ------------------------------------------------------------------ --force and manifests ----
def test_force_replaces_only_memsims_own_folder(work):
    run("recall", "s.yaml", "-q", expect=0)
    folder = work / "results" / "tiny"
    listed = json.loads((folder / "memsim-manifest.json").read_text())["files"]
    assert sorted(listed) == sorted(p.name for p in folder.iterdir())
    run("recall", "s.yaml", "-q", "--seed", "5", expect=1, fragment="--force")
    run("recall", "s.yaml", "-q", "--seed", "5", "--force", expect=0)
    assert json.loads((folder / "results.json").read_text())["scenario"]["run"]["seed"] == 5
    no_staging(folder.parent)


@pytest.mark.parametrize(
    "extra", ["notes.txt", "sub/thesis.tex", "emptydir/"], ids=["file", "nested", "folder"]
)
def test_force_refuses_folder_with_foreign_files(work, extra):
    run("recall", "s.yaml", "-q", expect=0)
    folder = work / "results" / "tiny"
    target = folder / extra
    if extra.endswith("/"):
        target.mkdir()
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("mine")
    before = tree(folder)
    run(
        "recall",
        "s.yaml",
        "-q",
        "--force",
        expect=1,
        fragment=("did not write", extra.split("/")[0]),
    )
    assert tree(folder) == before and target.exists()


@pytest.mark.parametrize("command", ["recall", "capacity"])
def test_force_refuses_results_json_without_manifest(work, command):
    """The folder 'old' holds results.json and checkpoint.json, but they are not memsim's."""
    scen = "s.yaml" if command == "recall" else "sweep.yaml"
    refused(
        command,
        scen,
        "old",
        "--force",
        ("does not look like a memsim results folder", "results.json"),
    )


def test_manifest_that_lies_about_its_folder_is_not_trusted(work):
    folder = work / "results" / "tiny"
    folder.mkdir(parents=True)
    (folder / "thesis.tex").write_text("mine")
    (folder / "memsim-manifest.json").write_text(
        json.dumps({"memsim_manifest": 1, "files": ["../notes.txt", "thesis.tex"], "folders": []})
    )
    run("recall", "s.yaml", "-q", "--force", expect=1, fragment="does not look like")
    assert (folder / "thesis.tex").read_text() == "mine"


def test_name_dot_with_force_keeps_other_scenarios(work):
    run("recall", "s.yaml", "-q", expect=0)
    first = tree(work / "results" / "tiny")
    r = CliRunner().invoke(cli, ["recall", "s.yaml", "-q", "--force", "--out", "results"])
    assert r.exit_code == 1 and "does not look like" in flat(r.output)
    assert tree(work / "results" / "tiny") == first


def test_empty_existing_folder_is_used(work):
    (work / "fresh").mkdir()
    run("recall", "s.yaml", "--out", "fresh", "-q", expect=0)
    assert (work / "fresh" / "results.json").exists()


def test_results_folder_has_ordinary_permissions(work):
    run("recall", "s.yaml", "-q", expect=0)
    mode = (work / "results" / "tiny").stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o777 & ~umask


# ------------------------------------------------------------------ failures half-way ----
def _plotting_fails(*a, **k):
    raise MemsimError("plotting failed on purpose")


def _interrupted(*a, **k):
    raise KeyboardInterrupt


def _disk_full(*a, **k):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize(
    "target,failure,extra,status,fragment",
    [
        ("memsim.plotting.make_plots", _plotting_fails, ("--seed", "7"), 1, "on purpose"),
        ("memsim.experiments.hopfield.run_recall", _interrupted, (), 130,
         "earlier results were left"),
        ("numpy.savez_compressed", _disk_full, (), 1, ("the disk is full", "unchanged")),
    ],
    ids=["failure_while_plotting", "interrupt_during_run", "disk_full_while_writing"],
)  # fmt: skip
def test_failure_half_way_leaves_previous_results(
    work, monkeypatch, target, failure, extra, status, fragment
):
    run("recall", "s.yaml", "-q", expect=0)
    folder = work / "results" / "tiny"
    before = tree(folder)
    monkeypatch.setattr(target, failure)
    run("recall", "s.yaml", "-q", "--force", *extra, expect=status, fragment=fragment)
    assert tree(folder) == before
    no_staging(folder.parent)


def test_too_little_disk_space_refused_before_writing(work, monkeypatch):
    import shutil

    import memsim.folders as folders

    usage = shutil.disk_usage(work)
    monkeypatch.setattr(folders.shutil, "disk_usage", lambda p: usage._replace(free=100_000))
    run("recall", "s.yaml", "-q", expect=1, fragment=("MiB are free", "nothing was written"))
    assert not (work / "results" / "tiny").exists()


def test_stale_staging_folders_of_killed_runs_are_cleaned(work):
    results = work / "results"
    results.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = results / ".tiny.memsim-abc123"
    stale.mkdir()
    (stale / ".memsim-inflight").write_text(
        json.dumps({"pid": dead.pid, "host": os.uname().nodename})
    )
    alive = results / ".tiny.memsim-live00"
    alive.mkdir()
    (alive / ".memsim-inflight").write_text(
        json.dumps({"pid": os.getpid(), "host": os.uname().nodename})
    )
    mine = results / ".tiny.memsim-user"  # looks alike, but has no marker: not memsim's
    mine.mkdir()
    (mine / "x.txt").write_text("keep")
    run("recall", "s.yaml", "-q", expect=0)
    assert not stale.exists() and alive.exists() and (mine / "x.txt").read_text() == "keep"


# ------------------------------------------------------------------ the Python API ----
def test_result_save_follows_the_contract(work):
    import memsim

    res = memsim.run("s.yaml")
    with pytest.raises(MemsimError, match="current folder"):
        res.save(".")
    with pytest.raises(MemsimError, match="does not look like"):
        res.save("old", force=True)
    out = res.save("api", plots=["energy"])
    assert out == (work / "api").resolve()
    assert {"results.json", "energy.png", "memsim-manifest.json"} <= set(os.listdir(out))
    with pytest.raises(MemsimError, match="already exists"):
        res.save("api")
    (out / "mine.txt").write_text("mine")
    with pytest.raises(MemsimError, match="mine.txt"):
        res.save("api", force=True)
    (out / "mine.txt").unlink()
    res.save("api", force=True)


# ------------------------------------------------------------------ checkpoints ----
@pytest.fixture
def whole(work) -> dict[str, bytes]:
    run("capacity", "sweep.yaml", "--out", "whole", "-q", "--no-plots", expect=0)
    return {t: (work / "whole" / t).read_bytes() for t in ("capacity.csv", "capacity_summary.csv")}


def interrupted_sweep(work: Path, monkeypatch, after: int = 3) -> Path:
    from memsim.cli import app

    calls = {"n": 0}

    def advance(self, steps=1):
        calls["n"] += 1
        if calls["n"] >= after:
            raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(app.RichProgress, "advance", advance)
        interrupted_sweep_says(("trials are saved", "was not touched", "--resume"), "--no-plots")
    part = work / "cut.partial"
    assert (part / "checkpoint.jsonl").exists() and not (work / "cut").exists()
    return part


def edit_line(path: Path, index: int, fn) -> None:
    lines = path.read_text().splitlines(keepends=True)
    lines[index] = fn(lines[index])
    path.write_text("".join(lines))


def _set(key, value):
    def f(line):
        rec = json.loads(line)
        rec[key] = value
        return json.dumps(rec) + "\n"

    return f


def _row(key, value):
    def f(line):
        rec = json.loads(line)
        rec["rows"][0][key] = value
        return json.dumps(rec) + "\n"

    return f


@pytest.mark.parametrize(
    "damage,reason",
    [
        (lambda line: "{not json\n", "not valid JSON"),
        (lambda line: "[1, 2]\n", "not a JSON object"),
        (_row("final_overlap", 0.123456), "checksum mismatch"),
        (_set("point", 99), "not a point of this sweep"),
        (_set("point", True), "not a point of this sweep"),
        (_set("values", {"size": 1}), "are not those of point"),
        (_row("trial", 7), "not an integer in [0, 3)"),
        (_row("trial", False), "not an integer in [0, 3)"),
        (_row("final_overlap", "NaN"), "checksum mismatch"),
        (_set("sha256", None), "checksum mismatch"),
        (_set("extra", 1), "unknown key 'extra'"),
        (
            lambda line: (
                json.dumps({k: v for k, v in json.loads(line).items() if k != "rows"}) + "\n"
            ),
            "'rows' is missing",
        ),
    ],
    ids=[
        "garbage",
        "list",
        "edited",
        "point",
        "bool-point",
        "values",
        "trial",
        "bool-trial",
        "text-value",
        "no-sum",
        "extra-key",
        "no-rows",
    ],
)
def test_damaged_checkpoint_line_is_dropped_and_recomputed(
    work, whole, monkeypatch, damage, reason
):
    part = interrupted_sweep(work, monkeypatch)
    edit_line(part / "checkpoint.jsonl", 0, damage)
    out = run(
        "capacity",
        "sweep.yaml",
        "--out",
        "cut",
        "--resume",
        "--no-plots",
        expect=0,
        fragment=("1 damaged line", "line 1:", reason, "computed again"),
    )
    assert out
    for t, data in whole.items():
        assert (work / "cut" / t).read_bytes() == data, t
    assert (work / "cut" / "checkpoint.dropped.jsonl").exists()


def test_half_written_last_line_is_recomputed(work, whole, monkeypatch):
    part = interrupted_sweep(work, monkeypatch)
    rows = part / "checkpoint.jsonl"
    rows.write_bytes(rows.read_bytes()[:-7])
    run("capacity", "sweep.yaml", "--out", "cut", "--resume", "-q", "--no-plots", expect=0)
    for t, data in whole.items():
        assert (work / "cut" / t).read_bytes() == data, t


@pytest.mark.parametrize(
    "content,fragment",
    [
        ("{broken", "not JSON"),
        ("[]", "not a JSON object"),
        ('{"format": 1}', "has format 1"),
        (
            '{"format": 2, "command": "capacity", "scenario_hash": "xyz", "points": 6, "trials": 3,'
            ' "scenario": {}}',
            "'scenario_hash' is",
        ),
        ('{"format": 2, "command": "capacity", "points": "6"}', "'scenario_hash' is missing"),
    ],
    ids=["garbage", "list", "old-format", "bad-hash", "missing"],
)
def test_damaged_checkpoint_manifest_is_refused_cleanly(work, monkeypatch, content, fragment):
    part = interrupted_sweep(work, monkeypatch)
    (part / "checkpoint.json").write_text(content)
    refused("capacity", "sweep.yaml", "cut", "--resume", (fragment, "--force"))
    # --force starts over in memsim's own folder
    run("capacity", "sweep.yaml", "--out", "cut", "--force", "-q", "--no-plots", expect=0)


@pytest.mark.parametrize("special", ["fifo", "devzero", "folder"])
def test_checkpoint_that_is_not_a_regular_file_is_never_read(work, monkeypatch, special):
    part = interrupted_sweep(work, monkeypatch)
    rows = part / "checkpoint.jsonl"
    rows.unlink()
    if special == "fifo":
        os.mkfifo(rows)
    elif special == "devzero":
        os.symlink("/dev/zero", rows)
    else:
        rows.mkdir()
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "memsim.cli.app",
            "capacity",
            "sweep.yaml",
            "--out",
            "cut",
            "--resume",
            "-q",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=work,
    )
    assert r.returncode == 1, r.stderr
    assert "not a regular file" in flat(r.stderr) or "did not write" in flat(r.stderr)
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr


def test_resume_refuses_user_files_in_the_partial_folder(work, monkeypatch):
    part = interrupted_sweep(work, monkeypatch)
    (part / "mine.txt").write_text("mine")
    refused("capacity", "sweep.yaml", "cut", "--resume", ("did not write", "mine.txt"))
    run("capacity", "sweep.yaml", "--out", "cut", "--force", "-q", expect=1, fragment="mine.txt")
    assert (part / "mine.txt").read_text() == "mine"


def test_interrupted_force_run_keeps_previous_results(work, monkeypatch):
    run("capacity", "sweep.yaml", "--out", "cut", "-q", "--no-plots", expect=0)
    before = tree(work / "cut")
    from memsim.cli import app

    def advance(self, steps=1):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(app.RichProgress, "advance", advance)
        run("capacity", "sweep.yaml", "--out", "cut", "--force", "--seed", "3", expect=130)
    assert tree(work / "cut") == before


# ------------------------------------------------------------------ real signals ----
LONG_SWEEP = as_yaml(
    hopfield_sweep(
        "long",
        trials=40,
        seed=3,
        loads=[0.02, 0.06, 0.1, 0.14],
        sizes=[200],
        size=200,
        max_sweeps=30,
    )
)


def _memsim(args, cwd):
    return subprocess.Popen(
        [sys.executable, "-m", "memsim.cli.app", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _memsim_done(args, cwd, timeout: float = 300) -> None:
    """Run ``memsim ARGS`` in its own process to the end; it must succeed."""
    r = subprocess.run(
        [sys.executable, "-m", "memsim.cli.app", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert r.returncode == 0, r.stderr


def _wait_for_lines(path: Path, n: int, proc, timeout: float = 240) -> None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if path.exists() and path.read_text().count("\n") >= n:
            return
        if proc.poll() is not None:
            pytest.fail(f"memsim ended early: {proc.stderr.read()}")
        time.sleep(0.05)
    proc.kill()
    pytest.fail("no checkpoint line appeared")


@pytest.mark.parametrize(
    "sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["SIGINT", "SIGTERM", "SIGKILL"]
)
def test_signal_during_sweep_then_resume(work, sig):
    (work / "long.yaml").write_text(LONG_SWEEP)
    # earlier results in the target survive the stopped --force run
    (work / "long.yaml").write_text(LONG_SWEEP.replace("trials: 40", "trials: 1"))
    _memsim_done(["capacity", "long.yaml", "-q", "--no-plots", "--out", "out"], work)
    earlier = tree(work / "out")
    (work / "long.yaml").write_text(LONG_SWEEP)
    p = _memsim(["capacity", "long.yaml", "-q", "--no-plots", "--out", "out", "--force"], work)
    _wait_for_lines(work / "out.partial" / "checkpoint.jsonl", 1, p)
    p.send_signal(sig)
    _, err = p.communicate(timeout=120)
    expected = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGKILL: -9}[sig]
    assert p.returncode == expected, err
    assert "Traceback" not in err and "internal error" not in err
    assert tree(work / "out") == earlier
    done = (work / "out.partial" / "checkpoint.jsonl").read_text().count("\n")
    assert done >= 1
    _memsim_done(
        ["capacity", "long.yaml", "--no-plots", "--out", "out", "--resume"], work, timeout=600
    )
    doc = json.loads((work / "out" / "results.json").read_text())
    assert doc["meta"]["resumed_trials"] > 0
    assert doc["scenario"]["run"]["trials"] == 40
    assert not (work / "out.partial").exists()


def test_sigterm_during_recall_leaves_previous_results(work):
    scen = work / "big.yaml"
    scen.write_text(
        TINY.replace("count: 4, size: 40", "count: 60, size: 1500")
        .replace("trials: 2", "trials: 400")
        .replace("name: tiny", "name: big")
    )
    (work / "small.yaml").write_text(TINY.replace("name: tiny", "name: big"))
    _memsim_done(["recall", "small.yaml", "-q"], work)
    earlier = tree(work / "results" / "big")
    p = _memsim(["recall", "big.yaml", "-q", "--force", "--no-plots"], work)
    time.sleep(6)
    assert p.poll() is None, "the run ended before the signal"
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 143, err
    assert "stopped by a signal" in flat(err) and "Traceback" not in err
    assert tree(work / "results" / "big") == earlier
    no_staging(work / "results")


def test_recall_and_capacity_keep_separate_default_folders(work):
    (work / "both.yaml").write_text(SWEEP.replace("name: sweep", "name: both"))
    run("recall", "both.yaml", "-q", "--no-plots", expect=0)
    run("capacity", "both.yaml", "-q", "--no-plots", expect=0)
    assert (work / "results" / "both" / "cues.csv").exists()
    assert (work / "results" / "both.capacity" / "capacity.csv").exists()


def test_foreign_folder_without_force_does_not_suggest_force(work):
    out = run("recall", "s.yaml", "--out", "sub", "-q", expect=1, fragment="does not look like")
    assert "Use --force" not in out


def test_interrupt_while_writing_after_a_complete_sweep(work, monkeypatch):
    import memsim.cli.app as app

    def broken(*a, **k):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(app, "_plots", broken)
        interrupted_sweep_says(("the sweep itself is complete", "--resume", "was not touched"))
    assert (work / "cut.partial" / "checkpoint.jsonl").exists() and not (work / "cut").exists()
    out = run("capacity", "sweep.yaml", "--out", "cut", "--resume", expect=0)
    assert "0 tasks left" in out
    assert (work / "cut" / "capacity.csv").exists() and not (work / "cut.partial").exists()


# ------------------------------------------------------------ forged and tampered folders ----
def _manifest(folder: Path) -> dict:
    return json.loads((folder / "memsim-manifest.json").read_text())


def test_forged_manifest_through_a_link_deletes_nothing_outside(work):
    run("recall", "s.yaml", "-q", "--no-plots", "--out", "r", expect=0)
    r = work / "r"
    os.symlink(work / "sub", r / "lk")
    doc = _manifest(r)
    doc["files"]["lk"] = None
    doc["files"]["lk/thesis.tex"] = None
    (r / "memsim-manifest.json").write_text(json.dumps(doc))
    refused("recall", "s.yaml", "r", "--force", ("did not write", "lk"), "--no-plots")
    assert (work / "sub" / "thesis.tex").exists()  # the fixture also compares its bytes


def test_force_keeps_a_listed_file_the_user_edited(work):
    run("recall", "s.yaml", "-q", "--no-plots", "--out", "r", expect=0)
    (work / "r" / "cues.csv").write_text("my edited table\n")
    refused(
        "recall",
        "s.yaml",
        "r",
        "--force",
        ("cues.csv (changed since memsim wrote it)",),
        "--no-plots",
    )
    assert (work / "r" / "cues.csv").read_text() == "my edited table\n"


def test_resume_refuses_a_partial_folder_without_manifest(work):
    run("capacity", "sweep.yaml", "--out", "c", "-q", "--no-plots", expect=0)
    part = work / "c.partial"
    part.mkdir()
    (part / "checkpoint.json").write_bytes((work / "c" / "checkpoint.json").read_bytes())
    (part / "user_n.txt").write_text("mine")
    refused("capacity", "sweep.yaml", "c", "--resume", "does not look like")
    assert (part / "user_n.txt").read_text() == "mine"
    assert not (work / "c" / "user_n.txt").exists()


def test_rows_without_their_manifest_are_a_clean_error(work, monkeypatch):
    part = interrupted_sweep(work, monkeypatch)
    (part / "checkpoint.json").unlink()
    refused("capacity", "sweep.yaml", "cut", "--resume", ("checkpoint.json is missing", "--force"))


def test_resume_does_not_follow_a_linked_checkpoint_of_a_finished_run(work):
    run("capacity", "sweep.yaml", "--out", "c", "-q", "--no-plots", expect=0)
    rows = work / "c" / "checkpoint.jsonl"
    rows.unlink()
    os.symlink(work / "notes.txt", rows)
    refused("capacity", "sweep.yaml", "c", "--resume", "checkpoint.jsonl")
    assert not (work / "c.partial").exists() or not any(
        "my notes" in f.read_text() for f in (work / "c.partial").glob("*.jsonl")
    )


def test_interrupt_right_after_a_line_is_written_keeps_the_checkpoint(work, monkeypatch):
    """Ctrl-C can land after a task's line is fsynced but before the in-memory record of it is
    updated: the partial folder (and its line) must be kept, and the count taken from disk."""
    from memsim.experiments.checkpoint import Checkpoint

    original = Checkpoint.append

    def append_then_interrupt(self, point, rows):
        original(self, point, rows)
        self.done.clear()  # as if the interrupt came before done was updated
        raise KeyboardInterrupt

    monkeypatch.setattr(Checkpoint, "append", append_then_interrupt)
    interrupted_sweep_says(("3 of 18 trials are saved", "--resume"), "--no-plots")
    assert (work / "cut.partial" / "checkpoint.jsonl").read_text().count("\n") == 1
