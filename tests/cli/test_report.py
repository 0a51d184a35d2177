"""The results page from the command line: every run's folder has its index.html (listed in the
manifest, self-contained), `memsim report DIR` rebuilds it, `memsim report DIR1 DIR2` compares
two runs, and headless Chromium shows every image with no console error."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest
from browser import check_page, check_pages, find_chromium
from cli_tools import invoke
from html_check import Page, assert_self_contained, image_bytes

from memsim.folders import foreign_entries, read_manifest

ROOT = Path(__file__).resolve().parents[2]
LETTERS = ROOT / "scenarios" / "hebbian_letters.yaml"

SMALL = """\
name: small_{tag}
description: {description}
model: {{kind: hopfield, rule: hebbian, dynamics: async, max_sweeps: 20}}
patterns: {{source: random, count: 5, size: 60}}
cue: {{flip: 0.1}}
run: {{trials: 2, seed: 1}}
"""

HOSTILE = "'<script>alert(1)</script><img src=x onerror=alert(2)> & <!-- done'"


def scenario(tmp_path: Path, tag: str = "a", description: str = "a small run") -> Path:
    p = tmp_path / f"{tag}.yaml"
    p.write_text(SMALL.format(tag=tag, description=description))
    return p


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _check_folder_page(out: Path) -> Page:
    """The page exists, is listed with its checksum, is self-contained and embeds every plot
    file of the folder byte for byte."""
    page = out / "index.html"
    assert page.is_file()
    assert read_manifest(out)[0]["index.html"]["sha256"] == _sha(page)
    assert foreign_entries(out) == []
    html = page.read_text(encoding="utf-8")
    p = Page(html)
    assert_self_contained(p)
    style = "".join(re.findall(r"<style>(.*?)</style>", html, re.S))
    assert "url(" not in style and "@import" not in style
    embedded = sorted(image_bytes(i["src"])[1] for i in p.attrs("img"))
    files = sorted(f.read_bytes() for f in out.iterdir() if f.suffix in (".png", ".gif"))
    assert embedded == files and files
    return p


# ----------------------------------------------------------------------- pages of runs ----
def test_recall_folder_has_its_page(tmp_path):
    out = tmp_path / "out"
    r = invoke("recall", scenario(tmp_path), "--out", out, "--quiet", "--set", "run.trials=2")
    assert r.exit_code == 0, r.output
    p = _check_folder_page(out)
    doc = json.loads((out / "results.json").read_text())
    cmd = doc["meta"]["command_line"]
    assert cmd.startswith("memsim recall ") and "--set run.trials=2" in cmd and "--quiet" in cmd
    assert cmd in p.text and "Seed" in p.text and doc["meta"]["date"][:10] in p.text
    assert {"cues.csv", "trace.csv"} <= {a.get("href") for a in p.attrs("a")}
    assert "name: small_a" in p.text  # the resolved scenario as YAML


def test_capacity_folder_has_its_page(tmp_path):
    out = tmp_path / "cap"
    r = invoke(
        "capacity",
        ROOT / "scenarios" / "hebbian_capacity.yaml",
        "--out",
        out,
        "--quiet",
        "--set",
        "run.trials=1",
        "--set",
        "capacity.sizes=[60]",
        "--set",
        "capacity.loads=[0.05,0.2]",
    )
    assert r.exit_code == 0, r.output
    p = _check_folder_page(out)
    assert "capacity.png" in p.text and "capacity_summary.csv" in p.text
    # the headline table has one row per load of the sweep
    head = p.table_after("summary")
    assert len(head["rows"]) == 1 + 2


def test_force_rerun_replaces_a_folder_with_its_page(tmp_path):
    out = tmp_path / "out"
    s = scenario(tmp_path)
    assert invoke("recall", s, "--out", out, "--quiet").exit_code == 0
    assert invoke("report", out).exit_code == 0  # a rebuilt page is still memsim's
    r = invoke("recall", s, "--out", out, "--quiet", "--force", "--seed", "5")
    assert r.exit_code == 0, r.output
    _check_folder_page(out)
    (out / "index.html").write_text("edited by hand")
    r = invoke("recall", s, "--out", out, "--quiet", "--force")
    assert r.exit_code == 1 and "index.html (changed since memsim wrote it)" in r.output
    assert (out / "index.html").read_text() == "edited by hand"


def test_hostile_description_is_escaped(tmp_path):
    out = tmp_path / "out"
    r = invoke("recall", scenario(tmp_path, description=HOSTILE), "--out", out, "--quiet")
    assert r.exit_code == 0, r.output
    html = (out / "index.html").read_text(encoding="utf-8")
    p = _check_folder_page(out)
    assert "<script" not in html and "<!-- done" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert HOSTILE.strip("'") in p.text


# ------------------------------------------------------------------------ memsim report ----
def test_report_rebuilds_the_page(tmp_path):
    out = tmp_path / "out"
    assert invoke("recall", scenario(tmp_path), "--out", out, "--quiet").exit_code == 0
    first = (out / "index.html").read_bytes()
    others = {f.name: f.read_bytes() for f in out.iterdir() if f.name != "memsim-manifest.json"}
    (out / "index.html").unlink()
    r = invoke("report", out)
    assert r.exit_code == 0, r.output
    assert f"page written: {out / 'index.html'}" in r.output
    assert (out / "index.html").read_bytes() == first
    assert {f.name: f.read_bytes() for f in out.iterdir() if f.name != "memsim-manifest.json"} == (
        others
    )
    _check_folder_page(out)


def test_report_refuses_a_folder_memsim_did_not_write(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "results.json").write_text("{}")
    (mine / "index.html").write_text("<p>my page</p>")
    r = invoke("report", mine)
    assert r.exit_code == 1
    assert "not a results folder memsim wrote" in r.output and "memsim-manifest.json" in r.output
    assert "Traceback" not in r.output
    assert sorted(os.listdir(mine)) == ["index.html", "results.json"]
    assert (mine / "index.html").read_text() == "<p>my page</p>"
    r = invoke("report", tmp_path / "missing")
    assert r.exit_code == 1 and "there is no folder" in r.output


def test_report_argument_errors(tmp_path):
    r = invoke("report", "a", "b", "c")
    assert r.exit_code == 1 and "one results folder" in r.output and "got 3" in r.output
    out = tmp_path / "out"
    assert invoke("recall", scenario(tmp_path), "--out", out, "--quiet").exit_code == 0
    r = invoke("report", out, "--out", tmp_path / "x.html")
    assert r.exit_code == 1 and "--out is for the comparison page" in r.output
    assert not (tmp_path / "x.html").exists()


def test_report_compares_two_runs(tmp_path, monkeypatch):
    s = scenario(tmp_path)
    one, two = tmp_path / "one", tmp_path / "two"
    assert invoke("recall", s, "--out", one, "--quiet").exit_code == 0
    assert invoke("recall", s, "--out", two, "--quiet", "--set", "run.seed=2").exit_code == 0
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    r = invoke("report", one, two)
    assert r.exit_code == 0, r.output
    page = work / "compare-one-two.html"
    assert page.is_file() and str(page) in r.output
    p = Page(page.read_text(encoding="utf-8"))
    assert_self_contained(p)
    changed = [row[0] for row in p.table_after("changed")["rows"][1:]]
    assert changed == ["run.seed"]
    n_plots = len([f for f in one.iterdir() if f.suffix == ".png"])
    assert len(p.attrs("img")) == 2 * n_plots  # every plot of both runs, side by side
    # run again: its own page is replaced; a file of the user's is not
    assert invoke("report", one, two).exit_code == 0
    page.write_text("<p>notes</p>")
    r = invoke("report", one, two)
    assert r.exit_code == 1 and "never overwrites it" in r.output
    assert page.read_text() == "<p>notes</p>"
    assert foreign_entries(one) == [] and foreign_entries(two) == []


# ------------------------------------------------------------------ in a real browser ----
CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed (Debian: apt-get install chromium); .ci/run "
    "installs it, so CI runs this test",
)


@needs_chromium
def test_the_browser_check_sees_broken_pages(tmp_path):
    """The check itself can fail: a broken image, a blocked network image, a console error and
    an exception are all reported."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><meta http-equiv='Content-Security-Policy' "
        "content=\"default-src 'none'; img-src data:; script-src 'unsafe-inline'\"></head><body>"
        "<img src='data:image/png;base64,AAAA'><img src='https://example.invalid/x.png'>"
        "<script>console.error('boom'); not_defined();</script></body></html>"
    )
    got = check_page(bad)
    assert [i["width"] for i in got["images"]] == [0, 0]
    text = "\n".join(got["problems"])
    assert "boom" in text and "not_defined" in text and "example.invalid" in text


@needs_chromium
def test_pages_load_in_chromium(tmp_path, monkeypatch):
    """A letters run (PNG plots and an animated GIF), a run with a hostile description (one
    plot) and the comparison of the two: every image decodes, nothing is logged as an error,
    no script runs."""
    one, two = tmp_path / "letters", tmp_path / "hostile"
    r = invoke("recall", LETTERS, "--out", one, "--quiet", "--set", "run.trials=2")
    assert r.exit_code == 0, r.output
    hostile = tmp_path / "h.yaml"
    hostile.write_text(
        re.sub(r"(?m)^description:.*$", "description: " + HOSTILE, LETTERS.read_text())
    )
    r = invoke(
        "recall",
        hostile,
        "--out",
        two,
        "--quiet",
        "--set",
        "run.trials=1",
        "--set",
        "output.plots=[energy]",
    )
    assert r.exit_code == 0, r.output
    monkeypatch.chdir(tmp_path)
    assert invoke("report", one, two).exit_code == 0
    pages = [one / "index.html", two / "index.html", tmp_path / "compare-letters-hostile.html"]
    results = check_pages(pages)
    for page, got in zip(pages, results, strict=True):
        assert got["problems"] == [], (page, got["problems"])
        assert got["scripts"] == 0
        assert got["images"], page
        for img in got["images"]:
            assert img["complete"] and img["width"] > 0 and img["height"] > 0, (page, img)
    n_files = len([f for f in one.iterdir() if f.suffix in (".png", ".gif")])
    assert n_files >= 4  # energy, overlap, pictures, animation
    assert len(results[0]["images"]) == n_files
    assert len(results[1]["images"]) == 1
    assert len(results[2]["images"]) == n_files + 1  # A's plots beside B's energy plot
