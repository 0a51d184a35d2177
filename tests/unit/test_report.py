"""The results page (memsim.report) through the Python API: what Result.save writes, what the
page holds (read back with the standard library's HTML parser), escaping, the manifest, the
rebuild, the comparison page and its overwrite rule."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
from html_check import Page, assert_self_contained, image_bytes

from memsim.errors import MemsimError
from memsim.folders import MANIFEST, foreign_entries, read_manifest
from memsim.report import (
    COMPARE_MARK,
    ROWS,
    diff_fields,
    flatten,
    rebuild_page,
    render_page,
    write_comparison,
)
from memsim.results import Result

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes" \'single\''


def _result(seed: int = 1, description: str = "a small test run", rows: int = 45) -> Result:
    """A hand-made Result (kind hopfield, command recall) with two tables and an array."""
    rng = np.random.default_rng(seed)
    scenario = {
        "name": "page_test",
        "description": description,
        "model": {"kind": "hopfield", "rule": "hebbian", "max_sweeps": 20},
        "patterns": {"source": "random", "count": 5, "size": 60},
        "run": {"trials": 3, "seed": seed, "threads": None},
        "output": {"plots": ["energy"]},
    }
    cues = {
        "trial": np.repeat(np.arange(rows // 5), 5),
        "overlap": rng.random(rows // 5 * 5),
        "label": np.array([f"<b>cell {i}</b>" for i in range(rows // 5 * 5)]),
    }
    return Result(
        command="recall",
        kind="hopfield",
        scenario=scenario,
        summary={"fraction_retrieved": 0.5 + 0.1 * seed, "outcomes": {"cued": 3, "other": 1}},
        tables={"cues": cues, "small": {"x": np.arange(3), "y": np.array([0.5, np.nan, 2.0])}},
        arrays={"states": np.zeros((4, 60), dtype=np.int8)},
        meta={"seed": seed, "seconds": 0.25, "warnings": ["load above capacity"]},
    )


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _listing(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# --------------------------------------------------------------------- flatten and diff ----
def test_flatten_writes_dotted_paths():
    data = {"a": {"b": 1, "c": [1, 2]}, "d": [{"e": 3}, {"e": 4}], "f": None, "g": {}}
    assert flatten(data) == {"a.b": 1, "a.c": [1, 2], "d.0.e": 3, "d.1.e": 4, "f": None, "g": {}}


def test_diff_fields_finds_changed_added_and_removed_fields():
    a = {"run": {"seed": 1, "trials": 3}, "cue": {"flip": 0.1}, "x": [1, 2], "only_a": 1}
    b = {"run": {"seed": 2, "trials": 3}, "cue": {"flip": 0.1}, "x": (1, 2), "only_b": True}
    assert diff_fields(a, b) == ["run.seed", "only_a", "only_b"]
    assert diff_fields(a, a) == []
    assert diff_fields({"v": 1}, {"v": 1.0}) == []
    assert diff_fields({"v": 1}, {"v": True}) == ["v"]  # a flag is not the number 1


# ----------------------------------------------------------------------- the saved page ----
def test_save_writes_a_listed_self_contained_page(tmp_path):
    res = _result()
    out = res.save(tmp_path / "run", plots=False)
    page = out / "index.html"
    assert page.is_file()
    files, _ = read_manifest(out)
    assert files["index.html"] == {"size": page.stat().st_size, "sha256": _sha(page)}
    assert foreign_entries(out) == []
    html = page.read_text(encoding="utf-8")
    p = Page(html)
    assert_self_contained(p)
    # the summary, the seed and the versions are on the page
    doc = json.loads((out / "results.json").read_text())
    assert "fraction_retrieved" in p.text and "0.6" in p.text
    for name in ("memsim", "numpy", "numba", "python"):
        assert doc["meta"]["versions"][name] in p.text
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", doc["meta"]["date"])
    assert doc["meta"]["date"][:10] in p.text
    assert "Python API" in p.text  # no command line: saved from Python
    assert "load above capacity" in p.text
    # every table links its CSV file
    hrefs = {a.get("href") for a in p.attrs("a")}
    assert {"cues.csv", "small.csv", "results.json", "arrays.npz"} <= hrefs
    # the array's name, shape and dtype are listed
    assert "states" in p.text and "4 × 60" in p.text and "int8" in p.text


def test_tables_show_the_first_rows_of_the_csv(tmp_path):
    out = _result(rows=45).save(tmp_path / "run", plots=False)
    p = Page((out / "index.html").read_text(encoding="utf-8"))
    with open(out / "cues.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    shown = p.table_after("table-cues.csv")["rows"]
    assert shown[0] == rows[0]  # the header
    assert len(shown) == 1 + ROWS and len(rows) == 1 + 45
    for got, want in zip(shown[1:], rows[1 : ROWS + 1], strict=True):
        assert got[0] == want[0] and got[2] == want[2]  # integers and text as in the file
        assert float(got[1]) == pytest.approx(float(want[1]), rel=1e-5)  # 6 digits shown
    assert "45 rows" in p.text
    small = p.table_after("table-small.csv")["rows"]
    assert small == [["x", "y"], ["0", "0.5"], ["1", ""], ["2", "2"]]  # NaN: empty, as in CSV


def test_hostile_text_is_escaped(tmp_path):
    out = _result(description=HOSTILE).save(tmp_path / "run", plots=False)
    html = (out / "index.html").read_text(encoding="utf-8")
    p = Page(html)
    assert_self_contained(p)  # no <script>, no onerror=, no <img src=x>
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert HOSTILE in p.text  # the reader sees the text exactly as written
    assert "<b>cell 0</b>" in p.text and "<b>cell" not in html
    for img in p.attrs("img"):
        assert img["src"].startswith("data:image/")


def test_the_page_embeds_the_plot_files(tmp_path):
    """Plots drawn by Result.save are embedded byte for byte (decoded from the data URI)."""
    import memsim

    res = memsim.run(
        Path(__file__).resolve().parents[2] / "scenarios" / "hebbian_random.yaml",
        overrides=["run.trials=1", "patterns.size=60", "patterns.count=4", "model.max_sweeps=5"],
    )
    out = res.save(tmp_path / "run", plots=["energy", "overlap"])
    p = Page((out / "index.html").read_text(encoding="utf-8"))
    assert_self_contained(p)
    imgs = p.attrs("img")
    assert len(imgs) == 2
    for img, name in zip(imgs, ("energy.png", "overlap.png"), strict=True):
        mime, data = image_bytes(img["src"])
        assert mime == "image/png" and data == (out / name).read_bytes()


# ----------------------------------------------------------------------------- rebuild ----
def test_rebuild_gives_the_same_page_and_touches_nothing_else(tmp_path):
    out = _result().save(tmp_path / "run", plots=False)
    before = _listing(out)
    (out / "index.html").unlink()  # an older folder without a page (still listed: memsim's)
    page = rebuild_page(out)
    after = _listing(out)
    assert after["index.html"] == before["index.html"]  # the page depends on the files only
    assert {k: v for k, v in after.items() if k != MANIFEST} == {
        k: v for k, v in before.items() if k != MANIFEST
    }
    files, _ = read_manifest(out)
    assert files["index.html"]["sha256"] == _sha(page)
    assert foreign_entries(out) == []


def test_rebuild_lists_a_page_the_manifest_did_not_have(tmp_path):
    from memsim.folders import forget_files

    out = _result().save(tmp_path / "run", plots=False)
    (out / "index.html").unlink()
    forget_files(out, ["index.html"])  # as written before memsim made pages
    assert "index.html" not in read_manifest(out)[0]
    rebuild_page(out)
    assert read_manifest(out)[0]["index.html"]["sha256"] == _sha(out / "index.html")
    assert foreign_entries(out) == []


def test_rebuild_keeps_the_users_other_files_and_refuses_an_edited_page(tmp_path):
    out = _result().save(tmp_path / "run", plots=False)
    (out / "my_notes.txt").write_text("mine")
    rebuild_page(out)  # a file of the user's beside: fine, it is not touched
    assert (out / "my_notes.txt").read_text() == "mine"
    (out / "index.html").write_text("<p>my own edits</p>")
    with pytest.raises(MemsimError, match="index.html was not written by memsim"):
        rebuild_page(out)
    assert (out / "index.html").read_text() == "<p>my own edits</p>"


def test_rebuild_refuses_folders_memsim_did_not_write(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "results.json").write_text('{"command": "recall"}')
    with pytest.raises(MemsimError, match="not a results folder memsim wrote") as e:
        rebuild_page(plain)
    assert "memsim-manifest.json" in str(e.value) and "Nothing was written" in str(e.value)
    assert sorted(os.listdir(plain)) == ["results.json"]
    with pytest.raises(MemsimError, match="there is no folder"):
        rebuild_page(tmp_path / "missing")
    with pytest.raises(MemsimError, match="is a file"):
        rebuild_page(plain / "results.json")


def test_rebuild_refuses_unfinished_folders(tmp_path):
    """A sweep's checkpoint folder (a manifest but no results.json yet) and a folder a run is
    still writing are not pages to rebuild."""
    from memsim.folders import INFLIGHT, add_to_manifest

    part = tmp_path / "sweep.partial"
    part.mkdir()
    (part / "checkpoint.jsonl").write_text("")
    add_to_manifest(part, ["checkpoint.jsonl"])
    with pytest.raises(MemsimError, match="lists no results.json"):
        rebuild_page(part)
    assert sorted(os.listdir(part)) == ["checkpoint.jsonl", MANIFEST]
    out = _result().save(tmp_path / "run", plots=False)
    (out / INFLIGHT).write_text("{}")
    with pytest.raises(MemsimError, match="still writing"):
        rebuild_page(out)


def test_rebuild_refuses_a_results_json_pointing_outside(tmp_path):
    """File names in results.json are only plain names inside the folder."""
    secret = tmp_path / "secret.csv"
    secret.write_text("password\nhunter2\n")
    out = _result().save(tmp_path / "run", plots=False)
    doc = json.loads((out / "results.json").read_text())
    doc["files"] += ["../secret.csv", str(secret), "link.csv"]
    (out / "results.json").write_text(json.dumps(doc))
    (out / "link.csv").symlink_to(secret)  # a link inside the folder is not followed either
    html = render_page(out)
    assert "hunter2" not in html and "secret.csv" not in html and "link.csv" not in html


# ------------------------------------------------------------------------- comparison ----
def _marked(table: dict) -> list[str]:
    """First cells of the rows with a class (the highlighted ones), without the ≠ mark."""
    rows = zip(table["rows"], table["classes"], strict=True)
    return [r[0].removeprefix("≠").strip() for r, c in rows if c]


def test_comparison_highlights_the_changed_fields(tmp_path, monkeypatch):
    a = _result(seed=1).save(tmp_path / "a", plots=False)
    b = _result(seed=2).save(tmp_path / "b", plots=False)
    monkeypatch.chdir(tmp_path)
    page = write_comparison(a, b)
    assert page == tmp_path / "compare-a-b.html"
    html = page.read_text(encoding="utf-8")
    p = Page(html)
    assert_self_contained(p)
    changed = p.table_after("changed")
    assert [r[0] for r in changed["rows"][1:]] == ["run.seed"]
    assert changed["rows"][1][1:] == ["1", "2"]
    assert _marked(p.table_after("scenario")) == ["run.seed"]
    assert _marked(p.table_after("summary")) == ["fraction_retrieved"]
    # the CSV links are relative to the page and lead to the files
    hrefs = [x["href"] for x in p.attrs("a") if x["href"].endswith("cues.csv")]
    assert sorted(hrefs) == ["a/cues.csv", "b/cues.csv"]
    assert all((tmp_path / h).is_file() for h in hrefs)
    assert re.search(COMPARE_MARK + r" sha256=[0-9a-f]{64} -->\n$", html)


def test_comparison_overwrites_only_its_own_unchanged_page(tmp_path):
    a = _result(seed=1).save(tmp_path / "a", plots=False)
    b = _result(seed=2).save(tmp_path / "b", plots=False)
    out = tmp_path / "cmp.html"
    write_comparison(a, b, out)
    write_comparison(b, a, out)  # memsim's own page: replaced
    assert re.search(r"<h1>b <span", out.read_text())  # now B is on the left
    out.write_text(out.read_text().replace("What differs", "What I changed"))
    with pytest.raises(MemsimError, match="not a comparison page memsim wrote"):
        write_comparison(a, b, out)
    assert "What I changed" in out.read_text()
    mine = tmp_path / "mine.html"
    mine.write_text("<p>mine</p>")
    with pytest.raises(MemsimError, match="never overwrites"):
        write_comparison(a, b, mine)
    assert mine.read_text() == "<p>mine</p>"
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".memsim-tmp")]


def test_comparison_refusals(tmp_path):
    a = _result(seed=1).save(tmp_path / "a", plots=False)
    b = _result(seed=2).save(tmp_path / "b", plots=False)
    with pytest.raises(MemsimError, match="two different results folders"):
        write_comparison(a, a, tmp_path / "x.html")
    with pytest.raises(MemsimError, match="inside the results folder"):
        write_comparison(a, b, a / "cmp.html")
    assert foreign_entries(a) == []
    with pytest.raises(MemsimError, match="does not exist"):
        write_comparison(a, b, tmp_path / "nowhere" / "cmp.html")
    with pytest.raises(MemsimError, match="is a folder"):
        write_comparison(a, b, tmp_path)
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(MemsimError, match="not a results folder memsim wrote"):
        write_comparison(a, plain, tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()


# ------------------------------------------------------------- hostile review (session 4) ----
def test_rebuild_never_writes_through_a_fixed_temporary_name(tmp_path):
    """The manifest used to be written through '<manifest>.tmp': a link or a user's file of that
    name was overwritten. Now every temporary name is fresh (O_EXCL)."""
    out = _result().save(tmp_path / "run", plots=False)
    precious = tmp_path / "precious.txt"
    precious.write_text("my thesis")
    (out / (MANIFEST + ".tmp")).symlink_to(precious)
    (out / ".index.html.memsim-tmp").write_text("my notes")
    rebuild_page(out)
    assert precious.read_text() == "my thesis"
    assert (out / ".index.html.memsim-tmp").read_text() == "my notes"
    assert os.path.islink(out / (MANIFEST + ".tmp"))
    assert not os.path.islink(out / MANIFEST) and read_manifest(out) is not None


def test_an_interrupted_rebuild_leaves_nothing_and_lists_nothing_unchecked(tmp_path, monkeypatch):
    out = _result().save(tmp_path / "run", plots=False)
    before = _listing(out)

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        rebuild_page(out)
    monkeypatch.undo()
    assert _listing(out) == before  # no temporary file left, manifest and page as they were
    assert all(v is not None for v in read_manifest(out)[0].values() if v is not None)
    assert None not in [read_manifest(out)[0].get("index.html")]
    # the user then edits the page: a later rebuild refuses it instead of overwriting it
    (out / "index.html").write_text("<p>MY NOTES</p>")
    with pytest.raises(MemsimError, match="never overwrites"):
        rebuild_page(out)
    assert (out / "index.html").read_text() == "<p>MY NOTES</p>"


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: json.dumps({**d, "meta": {**d["meta"], "warnings": 5}}),
        lambda d: json.dumps({**d, "meta": {**d["meta"], "notes": 7}}),
        lambda d: "[" * 5000 + "]" * 5000,
    ],
)
def test_rebuild_refuses_a_damaged_results_json_in_one_paragraph(tmp_path, damage):
    out = _result().save(tmp_path / "run", plots=False)
    doc = json.loads((out / "results.json").read_text())
    (out / "results.json").write_text(damage(doc))
    from memsim.folders import record_files

    record_files(out, ["results.json"])  # as if memsim had written it so
    page = (out / "index.html").read_bytes()
    with pytest.raises(MemsimError, match="cannot be shown"):
        rebuild_page(out)
    assert (out / "index.html").read_bytes() == page


def test_a_manifest_nested_too_deep_is_not_valid(tmp_path):
    (tmp_path / MANIFEST).write_text("[" * 100000)
    assert read_manifest(tmp_path) is None


def test_comparison_refuses_a_third_results_folder_and_too_long_names(tmp_path):
    a = _result(seed=1).save(tmp_path / "a", plots=False)
    b = _result(seed=2).save(tmp_path / "b", plots=False)
    c = _result(seed=3).save(tmp_path / "c", plots=False)
    with pytest.raises(MemsimError, match="inside the results folder"):
        write_comparison(a, b, c / "cmp.html")
    assert foreign_entries(c) == []
    with pytest.raises(MemsimError, match="cannot write"):
        write_comparison(a, b, tmp_path / ("y" * 300) / "x.html")
    with pytest.raises(MemsimError):
        write_comparison(a, b, tmp_path / ("z" * 300 + ".html"))


def test_rebuilt_page_and_manifest_keep_ordinary_permissions(tmp_path):
    """Fresh temporary files are made 0600; the files they replace must still be readable by
    others like every other file memsim writes (0666 less the umask)."""
    out = _result().save(tmp_path / "run", plots=False)
    rebuild_page(out)
    mask = os.umask(0)
    os.umask(mask)
    for name in ("index.html", MANIFEST):
        assert os.stat(out / name).st_mode & 0o777 == 0o666 & ~mask, name
