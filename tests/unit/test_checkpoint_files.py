"""The checkpoint writes its manifest and its rewritten rows file through fresh temporary names
(memsim.folders.replace_file), never through fixed ``.tmp`` names: a user's file that happens to
bear such a name is neither overwritten, nor renamed away, nor deleted by --force."""

from __future__ import annotations

import json

import pytest
from sweep_scenarios import hopfield_sweep

from memsim import folders
from memsim.experiments import checkpoint as ckpt
from memsim.experiments.hopfield import capacity_points, capacity_task
from memsim.scenario.load import validate

SCENARIO = hopfield_sweep("tiny_sweep", trials=2, seed=7, loads=[0.05, 0.15])

#: the fixed temporary names older versions wrote through
OLD_TEMPS = ("checkpoint.json.tmp", "checkpoint.jsonl.tmp")
USER_TEXT = b"my own notes, not memsim's\n"


@pytest.fixture
def sweep():
    sc = validate(json.loads(json.dumps(SCENARIO)))
    points = capacity_points(sc)
    rows = {i: [capacity_task(sc, pt, t) for t in range(2)] for i, pt in enumerate(points)}
    return sc, points, rows


def _user_files(folder):
    for name in OLD_TEMPS:
        (folder / name).write_bytes(USER_TEXT)


def _assert_user_files_intact(folder):
    for name in OLD_TEMPS:
        assert (folder / name).read_bytes() == USER_TEXT, name
    assert not [f.name for f in folder.iterdir() if f.name.endswith(".memsim-tmp")]


def test_manifest_write_leaves_a_file_named_like_the_old_temp(tmp_path, sweep):
    sc, points, rows = sweep
    ck = ckpt.open_checkpoint(tmp_path, sc, points)
    _user_files(tmp_path)  # appeared while the run was in flight
    ck.append(0, rows[0])  # the first append writes checkpoint.json
    ck.close()
    _assert_user_files_intact(tmp_path)
    doc = json.loads((tmp_path / ckpt.MANIFEST).read_text())
    assert doc["format"] == ckpt.FORMAT and doc["points"] == len(points)
    assert doc["scenario_hash"] == ckpt.scenario_hash(sc)


def test_rewrite_of_damaged_rows_leaves_a_file_named_like_the_old_temp(tmp_path, sweep):
    sc, points, rows = sweep
    ck = ckpt.open_checkpoint(tmp_path, sc, points)
    ck.append(0, rows[0])
    ck.append(1, rows[1])
    ck.close()
    good = (tmp_path / ckpt.ROWS).read_bytes()
    # a folder left by an older memsim lists its fixed temporary names as memsim's
    folders.add_to_manifest(tmp_path, OLD_TEMPS)
    _user_files(tmp_path)
    bad = json.loads(good.splitlines()[0])
    bad["rows"][0]["mean_final_overlap"] = 0.5  # edited by hand: the checksum no longer fits
    with open(tmp_path / ckpt.ROWS, "ab") as fh:
        fh.write(json.dumps(bad, separators=(",", ":")).encode() + b"\n")
    again = ckpt.open_checkpoint(tmp_path, sc, points, resume=True)
    again.close()
    assert [n for n, _ in again.dropped] == [3]
    assert (tmp_path / ckpt.ROWS).read_bytes() == good  # rewritten without the damaged line
    assert len((tmp_path / ckpt.DROPPED).read_bytes().splitlines()) == 1
    _assert_user_files_intact(tmp_path)
    assert set(again.done) == {(p, t) for p in (0, 1) for t in (0, 1)}


def test_force_does_not_delete_a_file_named_like_the_old_temp(tmp_path, sweep):
    sc, points, rows = sweep
    assert not [f for f in ckpt.FILES if f.endswith(".tmp")]
    ck = ckpt.open_checkpoint(tmp_path, sc, points)
    ck.append(0, rows[0])
    ck.close()
    listed = folders.read_manifest(tmp_path)[0]
    assert not set(OLD_TEMPS) & set(listed)
    _user_files(tmp_path)
    left = folders.remove_listed(tmp_path)
    assert sorted(left) == sorted(OLD_TEMPS)
    _assert_user_files_intact(tmp_path)
    assert not (tmp_path / ckpt.ROWS).exists() and not (tmp_path / ckpt.MANIFEST).exists()


def test_failed_rewrite_keeps_the_rows_file_and_leaves_no_temporary_file(
    tmp_path, sweep, monkeypatch
):
    sc, points, rows = sweep
    ck = ckpt.open_checkpoint(tmp_path, sc, points)
    ck.append(0, rows[0])
    ck.close()
    with open(tmp_path / ckpt.ROWS, "ab") as fh:
        fh.write(b"not json\n")
    before = (tmp_path / ckpt.ROWS).read_bytes()
    _user_files(tmp_path)
    folders.add_to_manifest(tmp_path, OLD_TEMPS)

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(folders.os, "replace", refuse)
    with pytest.raises(OSError):
        ckpt.open_checkpoint(tmp_path, sc, points, resume=True)
    assert (tmp_path / ckpt.ROWS).read_bytes() == before
    _assert_user_files_intact(tmp_path)
