"""The results page: a self-contained ``index.html`` in every results folder, and a page that
puts two runs side by side.

Every results folder memsim writes (``memsim recall``, ``memsim capacity``,
:meth:`memsim.results.Result.save`, :func:`memsim.results.save`) holds an ``index.html`` that
opens in any browser without a network: the plots are embedded as ``data:`` URIs (base64 PNG or
GIF), and the page shows the summary, the first rows of every table with links to the CSV
files, the resolved scenario as YAML, the package versions, the seed, the command and the date.
It is written with Jinja2 from templates shipped in ``memsim/templates`` with HTML escaping on
for every value (scenario descriptions and table cells are the user's text); it holds no script
and declares a Content-Security-Policy that lets the browser load nothing but the embedded
images and the page's own style.

The page is one of the folder's files under memsim's results-folder contract
(:mod:`memsim.folders`): it is written into the staging folder with the other files and listed
in ``memsim-manifest.json`` with its SHA-256, so ``--force`` still removes only memsim's own
files. ``memsim report DIR`` (:func:`rebuild_page`) rewrites the page of an existing results
folder and updates its manifest entry, touching nothing else; ``memsim report DIR1 DIR2``
(:func:`write_comparison`) writes a comparison page with the differing scenario fields
highlighted.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import datetime
import functools
import hashlib
import json
import os
import re
import shlex
import stat
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from memsim.errors import MemsimError

#: the page of a results folder
PAGE = "index.html"
#: rows of each table shown on the page (the CSV file holds them all)
ROWS = 20
#: images larger than this are linked instead of embedded (bytes)
MAX_EMBED = 16 * 2**20
#: what ends every comparison page memsim writes (with the SHA-256 of the text before it)
COMPARE_MARK = "memsim-compare-page"

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,200}")
_IMAGE_TYPES = {".png": "image/png", ".gif": "image/gif"}
_MAGIC = {"image/png": (b"\x89PNG\r\n\x1a\n",), "image/gif": (b"GIF87a", b"GIF89a")}
_MARK_RE = re.compile(r"<!-- " + COMPARE_MARK + r" sha256=([0-9a-f]{64}) -->\n\Z")
_MAX_JSON = 64 * 2**20
_MAX_CELL = 200
_MAX_SUMMARY_TEXT = 300


# ------------------------------------------------------------------------- small helpers ----
@functools.lru_cache(maxsize=1)
def _env():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("memsim", "templates"),
        autoescape=True,  # every value is escaped; the templates mark nothing as safe
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _plain_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def utc_date() -> str:
    """The current date and time in UTC, as results.json records the date of a run.

    Returns
    -------
    str
        ISO 8601 to the second, e.g. ``"2026-11-29T13:19:05Z"``.

    Raises
    ------
    Nothing.
    """
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _show_date(iso: str | None) -> str:
    if not iso:
        return "unknown"
    try:
        d = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ")
    except (TypeError, ValueError):
        return str(iso)
    return d.strftime("%Y-%m-%d %H:%M UTC")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(v: Any) -> str:
    """A value as a person reads it: floats to 6 significant digits, lists inline."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return "n/a" if v != v else format(v, ".6g")
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list | tuple):
        if len(v) > 12 or any(isinstance(x, dict | list | tuple) for x in v):
            return _short(json.dumps(v), _MAX_SUMMARY_TEXT)
        return "[" + ", ".join(_number(x) for x in v) + "]"
    return _short(str(v), _MAX_SUMMARY_TEXT)


_NUMBER = re.compile(r"[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?|[-+]?(inf|nan)|true|false")


def _cell(text: str) -> str:
    """A CSV cell for display: numbers with a fraction to 6 significant digits."""
    if _NUMBER.fullmatch(text) and not text.isdigit() and text[-1:].isdigit():
        with contextlib.suppress(ValueError):
            return format(float(text), ".6g")
    return _short(text, _MAX_CELL)


def _href(path: str) -> str:
    """A relative link (each path segment percent-encoded)."""
    return "/".join(quote(part) for part in path.split("/"))


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Flatten nested mappings (and lists holding mappings) to dotted paths.

    Parameters
    ----------
    data : any
        Plain data as read from JSON or YAML (a resolved scenario, a summary).
    prefix : str
        Path of ``data`` itself (empty at the top).

    Returns
    -------
    dict of str to any
        ``{"model.kind": "hopfield", "capacity.loads": [0.05, 0.1], ...}``: mappings are
        entered (``a.b``), lists that hold a mapping are entered by index (``a.0.b``), other
        lists and scalars are leaves. An empty mapping is a leaf ``{}``.

    Raises
    ------
    Nothing.
    """
    out: dict[str, Any] = {}
    if isinstance(data, Mapping) and data:
        for k, v in data.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(data, list | tuple) and any(isinstance(x, Mapping) for x in data):
        for i, v in enumerate(data):
            out.update(flatten(v, f"{prefix}.{i}" if prefix else str(i)))
    else:
        out[prefix] = data
    return out


def diff_fields(a: Any, b: Any) -> list[str]:
    """The dotted paths where two nested structures differ (see :func:`flatten`).

    Parameters
    ----------
    a, b : any
        Plain data (two resolved scenarios, two summaries).

    Returns
    -------
    list of str
        Paths present in only one of them or holding different values (``1`` and ``1.0``
        count as equal, as do a list and a tuple of equal items), in the order of ``a`` then
        the paths only ``b`` has.

    Raises
    ------
    Nothing.
    """
    fa, fb = flatten(a), flatten(b)
    keys = list(fa) + [k for k in fb if k not in fa]
    return [k for k in keys if k not in fa or k not in fb or not _same(fa[k], fb[k])]


def _same(x: Any, y: Any) -> bool:
    if isinstance(x, list | tuple) and isinstance(y, list | tuple):
        return len(x) == len(y) and all(_same(p, q) for p, q in zip(x, y, strict=True))
    if isinstance(x, bool) or isinstance(y, bool):
        return type(x) is type(y) and x == y
    return x == y


# ----------------------------------------------------------------------- reading a folder ----
def _results_doc(folder: Path) -> dict:
    f = folder / "results.json"
    if not _plain_file(f):
        raise MemsimError(
            f"{folder} holds no results.json (or it is not a regular file), so it is not a "
            "memsim results folder; nothing was written"
        )
    try:
        if os.lstat(f).st_size > _MAX_JSON:
            raise ValueError("larger than 64 MiB")
        doc = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MemsimError(
            f"{f} cannot be read as memsim's results.json ({exc}); nothing was written"
        ) from None
    if not isinstance(doc, dict):
        raise MemsimError(f"{f} is not memsim's results.json (not a JSON object)")
    return doc


def _dict(x: Any) -> dict:
    return x if isinstance(x, dict) else {}


def _listed_files(folder: Path, doc: dict) -> list[str]:
    """File names results.json lists that are plain names of regular files in the folder (a
    name with a path, a link or a missing file is left out: the page never reads outside the
    folder)."""
    names = doc.get("files") if isinstance(doc.get("files"), list) else []
    meta = _dict(doc.get("meta"))
    plots = meta.get("plots") if isinstance(meta.get("plots"), list) else []
    seen: list[str] = []
    for n in [*names, *plots]:
        if isinstance(n, str) and _SAFE_NAME.fullmatch(n) and n not in seen:
            if n != PAGE and _plain_file(folder / n):
                seen.append(n)
    return seen


def _caption(kind: str, name: str) -> str:
    """First sentence of the plotting function's docstring ('' when unknown)."""
    try:
        from memsim.registry import get

        fn = get(kind).plots_module().PLOTTERS.get(name)
    except Exception:  # a kind that is not installed here: the file name alone
        return ""
    doc = " ".join((getattr(fn, "__doc__", None) or "").split("\n\n")[0].split())
    doc = doc.replace("``", "")
    doc = re.sub(r"\s*\(needs [^)]*\)", "", doc)
    m = re.match(r"(.+?\.)(\s|$)", doc)
    return _short(m.group(1) if m else doc, 300)


def _image(folder: Path, name: str, kind: str) -> dict:
    mime = _IMAGE_TYPES[Path(name).suffix.lower()]
    size = os.lstat(folder / name).st_size
    item = {
        "name": name,
        "href": _href(name),
        "caption": _caption(kind, Path(name).stem),
        "size": _bytes(size),
        "src": None,
        "why": "",
        "wide": False,
    }
    if size > MAX_EMBED:
        item["why"] = f"too large to embed ({_bytes(size)}): open the file"
        return item
    data = (folder / name).read_bytes()
    if not data.startswith(_MAGIC[mime]):
        item["why"] = "not a valid image file"
        return item
    item["src"] = f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
    width, height = _image_size(data)
    item["wide"] = height > 0 and width > 2.2 * height  # a wide figure gets a whole row
    return item


def _image_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's IHDR chunk or a GIF's screen descriptor."""
    if data.startswith(b"\x89PNG") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data.startswith(b"GIF") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    return 0, 0


def _bytes(n: int) -> str:
    for unit, size in (("MB", 2**20), ("kB", 2**10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} bytes"


def _table(folder: Path, name: str) -> dict:
    """The first ROWS rows of a CSV file and its row count."""
    rows: list[list[str]] = []
    header: list[str] = []
    n = 0
    try:
        with open(folder / name, newline="", encoding="utf-8", errors="replace") as fh:
            reader = csv.reader(fh)
            header = next(reader, [])
            for row in reader:
                if n < ROWS:
                    rows.append([_cell(c) for c in row])
                n += 1
    except (OSError, csv.Error) as exc:
        return {
            "name": name,
            "href": _href(name),
            "stem": Path(name).stem,
            "error": str(exc),
            "columns": [],
            "numeric": [],
            "rows": [],
            "n_rows": 0,
            "size": "",
        }
    width = max([len(header), *(len(r) for r in rows)])
    numeric = [
        all(_NUMBER.fullmatch(r[j]) for r in rows if j < len(r) and r[j] not in ("", "n/a"))
        for j in range(width)
    ]
    return {
        "name": name,
        "href": _href(name),
        "stem": Path(name).stem,
        "columns": [_short(h, 60) for h in header],
        "numeric": numeric,
        "rows": rows,
        "n_rows": n,
        "error": "",
        "size": _bytes(os.lstat(folder / name).st_size),
    }


def _npz_arrays(path: Path) -> list[dict]:
    """Names, shapes and dtypes of the arrays in an .npz file (headers only, no data read)."""
    import numpy as np

    out = []
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist()[:200]:
                if not info.filename.endswith(".npy"):
                    continue
                with z.open(info) as fh:
                    version = np.lib.format.read_magic(fh)
                    if version == (1, 0):
                        shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
                    else:
                        shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
                out.append(
                    {
                        "name": info.filename[:-4],
                        "shape": " × ".join(str(s) for s in shape) or "scalar",
                        "dtype": str(dtype),
                    }
                )
    except (OSError, ValueError, zipfile.BadZipFile, EOFError):
        return []
    return out


def _headline(kind: str, command: str, summary: dict, folder: Path, files: list[str]) -> dict:
    """The kind's declared summary (what the command line prints): a table or label/value rows;
    empty when the kind declares none or is not installed here."""
    try:
        from memsim.registry import get

        spec = get(kind).summaries.get(command)
    except Exception:
        return {}
    if spec is None:
        return {}
    try:
        if spec.table is not None:
            if f"{spec.table}.csv" not in files:
                return {}
            with open(folder / f"{spec.table}.csv", newline="", encoding="utf-8") as fh:
                body = list(csv.DictReader(fh))[:200]
            if not body:
                return {}
            axes = [c for c in spec.axes if c.key in body[0] and len({r[c.key] for r in body}) > 1]
            cols = [*axes, *spec.columns]
            rows = []
            for r in body:
                cells = []
                for c in cols:
                    text = _fmt(r.get(c.key, ""), c.fmt)
                    if c.sem and r.get(c.sem) not in (None, ""):
                        text += f" ± {_fmt(r[c.sem], '.3f')}"
                    cells.append(text)
                rows.append(cells)
            return {"columns": [c.label for c in cols], "rows": rows, "n_axes": len(axes)}
        pairs = []
        for c in spec.columns:
            label = c.label.format(**summary) if "{" in c.label else c.label
            value = c.key.format(**summary) if "{" in c.key else _fmt(summary[c.key], c.fmt)
            pairs.append((label, value))
        return {"pairs": pairs}
    except (KeyError, ValueError, TypeError, IndexError, OSError, csv.Error):
        return {}  # a summary that does not fit the declared one: the full list below has it


def _fmt(value: Any, fmt: str) -> str:
    if isinstance(value, str):
        if value == "":
            return "n/a"
        try:
            value = float(value) if re.search(r"[.eE]|nan|inf", value) else int(value)
        except ValueError:
            return value
    if value is None:
        return "n/a"
    if isinstance(value, float) and value != value:
        return "n/a"
    if fmt == "pct":
        return f"{value:.1%}"
    return format(value, fmt) if fmt else _number(value)


def _scenario_yaml(scenario: dict) -> str:
    """The scenario as YAML: sections as blocks, lists of plain values on one line."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def seq(dumper, data):
        flow = all(not isinstance(x, dict | list | tuple) for x in data)
        return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)

    Dumper.add_representer(list, seq)
    Dumper.add_representer(tuple, seq)
    try:
        return yaml.dump(
            scenario,
            Dumper=Dumper,
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=False,
            width=96,
        )
    except yaml.YAMLError:
        return json.dumps(scenario, indent=2)


def _final_name(folder: Path) -> str:
    """The results folder's own name, also while memsim writes it into a staging folder
    (``.<name>.memsim-XXXXXXXX``) or a sweep's ``<name>.partial`` (see memsim.folders)."""
    from memsim.folders import PARTIAL

    m = re.fullmatch(r"\.(.+)\.memsim-[A-Za-z0-9_]{8}", folder.name)
    if m:
        return m.group(1)
    if folder.name.endswith(PARTIAL) and len(folder.name) > len(PARTIAL):
        return folder.name[: -len(PARTIAL)]
    return folder.name


def _run_view(folder: Path) -> dict:
    """Everything the run page shows, read from the folder's files."""
    doc = _results_doc(folder)
    scenario, summary, meta = (_dict(doc.get(k)) for k in ("scenario", "summary", "meta"))
    kind = str(doc.get("kind", "?"))
    command = str(doc.get("command", "?"))
    files = _listed_files(folder, doc)
    images = [_image(folder, f, kind) for f in files if Path(f).suffix.lower() in _IMAGE_TYPES]
    tables = [_table(folder, f) for f in files if f.endswith(".csv")]
    others = []
    for f in files:
        if f.endswith(".csv") or Path(f).suffix.lower() in _IMAGE_TYPES:
            continue
        arrays = _npz_arrays(folder / f) if f.endswith(".npz") else []
        others.append(
            {
                "name": f,
                "href": _href(f),
                "size": _bytes(os.lstat(folder / f).st_size),
                "arrays": arrays,
            }
        )
    warnings: dict[str, int] = {}
    for w in meta.get("warnings") or []:
        warnings[str(w)] = warnings.get(str(w), 0) + 1
    date = meta.get("date")
    if not isinstance(date, str):  # folders written before the date was recorded
        with contextlib.suppress(OSError):
            mtime = os.lstat(folder / "results.json").st_mtime
            date = datetime.datetime.fromtimestamp(mtime, datetime.timezone.utc).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            )
    versions = {str(k): str(v) for k, v in _dict(meta.get("versions")).items()}
    seed = meta.get("seed", _dict(scenario.get("run")).get("seed"))
    seconds = meta.get("seconds")
    command_line = meta.get("command_line")
    return {
        "folder": str(folder.parent / _final_name(folder)),
        "folder_name": _final_name(folder),
        "rebuild": shlex.join(["memsim", "report", _final_name(folder)]),
        "name": str(scenario.get("name") or _final_name(folder)),
        "description": str(scenario.get("description") or ""),
        "kind": kind,
        "command": command,
        "seed": "n/a" if seed is None else str(seed),
        "seconds": f"{seconds:.2f} s" if isinstance(seconds, int | float) else "n/a",
        "date": _show_date(date if isinstance(date, str) else None),
        "command_line": str(command_line) if command_line else "",
        "versions": versions,
        "memsim_version": versions.get("memsim", "?"),
        "headline": _headline(kind, command, summary, folder, files),
        "summary": [(k, _number(v)) for k, v in flatten(summary).items()],
        "summary_raw": summary,
        "scenario": scenario,
        "scenario_yaml": _scenario_yaml(scenario),
        "images": images,
        "tables": tables,
        "others": others,
        "warnings": [(w, n) for w, n in warnings.items()],
        "notes": [str(x) for x in meta.get("notes") or []],
        "rows_shown": ROWS,
    }


# ---------------------------------------------------------------------------- run page ----
def render_page(folder: str | os.PathLike) -> str:
    """The HTML of a results folder's page (not written anywhere).

    Parameters
    ----------
    folder : str or path-like
        A results folder written by memsim (its ``results.json``, CSV tables, ``arrays.npz``
        and plots are read; only plain file names listed in ``results.json`` are opened).

    Returns
    -------
    str
        A complete, self-contained HTML document: plots as ``data:`` URIs, every value
        escaped, no script, no external resource.

    Raises
    ------
    MemsimError
        The folder holds no readable ``results.json``.
    """
    view = _run_view(Path(folder))
    from memsim import __version__

    return _env().get_template("run.html.j2").render(run=view, generator=__version__)


def write_page(folder: str | os.PathLike) -> Path:
    """Write ``index.html`` into a folder memsim is writing (a staging folder: the manifest,
    written when the folder is committed, lists it; see :mod:`memsim.folders`).

    Parameters
    ----------
    folder : str or path-like
        A staging results folder that already holds ``results.json`` and the other files.

    Returns
    -------
    pathlib.Path
        The page.

    Raises
    ------
    MemsimError
        The folder holds no readable ``results.json``.
    OSError
        The page cannot be written (the staging contract removes the folder).
    """
    p = Path(folder) / PAGE
    # errors="replace": a lone surrogate in a description or path (from undecodable bytes) is
    # shown as '?' instead of failing the whole run after it has computed
    p.write_text(render_page(folder), encoding="utf-8", errors="replace")
    return p


def _readable(folder: Path, render):
    """``render(folder)``, with a damaged or hand-edited ``results.json`` or ``arrays.npz``
    (wrong types, nesting too deep, encrypted or unknown zip entries) refused in one paragraph
    instead of an internal error."""
    try:
        return render(folder)
    except MemsimError:
        raise
    except (
        TypeError,
        ValueError,
        KeyError,
        AttributeError,
        RecursionError,
        RuntimeError,
        NotImplementedError,
        zipfile.BadZipFile,
        EOFError,
    ) as exc:
        raise MemsimError(
            f"the results in {folder} cannot be shown: results.json or arrays.npz was changed "
            f"or damaged since memsim wrote it ({type(exc).__name__}: {exc}). Nothing was "
            "written; run the scenario again to rebuild the folder"
        ) from None


def _refuse_not_ours(folder: Path, why: str) -> MemsimError:
    return MemsimError(
        f"{folder} is not a results folder memsim wrote ({why}). memsim writes a "
        "memsim-manifest.json listing its own files into every results folder it makes, and "
        "`memsim report` only rebuilds the page of such a folder: it never writes into other "
        "folders. Nothing was written. Give a folder made by `memsim recall`, `memsim "
        "capacity` or Result.save"
    )


def check_results_folder(folder: str | os.PathLike) -> Path:
    """Check that a folder is a complete results folder memsim wrote.

    Parameters
    ----------
    folder : str or path-like
        The folder given to ``memsim report``.

    Returns
    -------
    pathlib.Path
        The folder as an absolute path.

    Raises
    ------
    MemsimError
        Missing, a file, a symbolic link, a staging folder still being written, no valid
        ``memsim-manifest.json``, or a ``results.json`` the manifest does not list.
    """
    from memsim.folders import INFLIGHT, MANIFEST, read_manifest

    raw = os.fspath(folder)
    p = Path(os.path.abspath(Path(raw).expanduser()))
    if os.path.islink(p):
        raise MemsimError(
            f"{p} is a symbolic link; memsim report works on the real results folder only (so "
            "that it never writes through a link). Give the folder it points to"
        )
    if not os.path.lexists(p):
        raise MemsimError(
            f"there is no folder {p}; give a results folder written by memsim, such as "
            "results/<scenario name>"
        )
    if not p.is_dir():
        raise MemsimError(f"{p} is a file, not a results folder; give the folder memsim wrote")
    if read_manifest(p) is None:
        raise _refuse_not_ours(p, f"it has no valid {MANIFEST}")
    if os.path.lexists(p / INFLIGHT):
        raise MemsimError(
            f"{p} is a folder memsim is still writing (it holds {INFLIGHT}); wait until that "
            "run has finished and give its results folder"
        )
    files = read_manifest(p)[0]
    if "results.json" not in files or not _plain_file(p / "results.json"):
        raise _refuse_not_ours(p, f"its {MANIFEST} lists no results.json: not a finished run")
    return p


def rebuild_page(folder: str | os.PathLike) -> Path:
    """Rewrite the page of an existing results folder (``memsim report DIR``) and record it in
    the folder's manifest; no other file is touched.

    Parameters
    ----------
    folder : str or path-like
        A results folder memsim wrote (it has a valid ``memsim-manifest.json`` listing
        ``results.json``).

    Returns
    -------
    pathlib.Path
        The page, ``<folder>/index.html``.

    Raises
    ------
    MemsimError
        Not a results folder memsim wrote (see :func:`check_results_folder`); an
        ``index.html`` memsim did not write or that was changed since (it is never
        overwritten); the page cannot be written (disk full, read-only).
    """
    from memsim.folders import is_memsims, record_files, replace_file

    p = check_results_folder(folder)
    if os.path.lexists(p / PAGE) and not is_memsims(p, PAGE):
        raise MemsimError(
            f"{p / PAGE} was not written by memsim, or was changed since (it is not listed "
            "with this content in memsim-manifest.json); memsim never overwrites it. Move "
            "it away and run `memsim report` again"
        )
    html = _readable(p, render_page)
    # The page replaces index.html through a fresh temporary file (folders.replace_file) and
    # only then is recorded, so nothing is ever listed without a checksum. Interrupted between
    # the two, the page counts as changed: later runs refuse it, never lose it.
    try:
        replace_file(p / PAGE, html)
        record_files(p, [PAGE])
    except OSError as exc:
        raise MemsimError(
            f"writing {p / PAGE} failed ({exc.strerror or exc}); the other files of {p} were "
            "not touched"
        ) from None
    return p / PAGE


# ----------------------------------------------------------------------- comparison page ----
def _slug(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_.\-]+", "_", name).strip("._") or "run"
    return s[:60]


def default_comparison_path(folder_a: str | os.PathLike, folder_b: str | os.PathLike) -> Path:
    """Where ``memsim report DIR1 DIR2`` writes without ``--out``.

    Parameters
    ----------
    folder_a, folder_b : str or path-like
        The two results folders.

    Returns
    -------
    pathlib.Path
        ``compare-<name of DIR1>-<name of DIR2>.html`` in the current folder (names reduced to
        letters, digits, ``_``, ``.`` and ``-``).

    Raises
    ------
    Nothing.
    """
    a = Path(os.path.abspath(folder_a)).name
    b = Path(os.path.abspath(folder_b)).name
    return Path.cwd() / f"compare-{_slug(a)}-{_slug(b)}.html"


def _is_comparison_page(path: Path) -> bool:
    """An unchanged comparison page memsim wrote: it ends with memsim's mark, whose checksum
    matches the text before it."""
    try:
        if not _plain_file(path) or os.lstat(path).st_size > 512 * 2**20:
            return False
        data = path.read_bytes()
    except OSError:
        return False
    tail = data[-200:].decode("ascii", errors="replace")
    m = _MARK_RE.search(tail)
    if m is None:
        return False
    body = data[: len(data) - len(m.group(0).encode("ascii"))]
    return hashlib.sha256(body).hexdigest() == m.group(1)


def _rel_link(target: Path, page_dir: Path) -> str:
    try:
        return _href(Path(os.path.relpath(target, page_dir)).as_posix())
    except ValueError:  # another drive (Windows)
        return target.as_uri()


def _pairs(a: dict, b: dict, none: str = "n/a") -> list[dict]:
    """Rows of a side-by-side table of two nested structures (flattened), differing ones
    marked; ``none`` is how a null value reads (a scenario's null is YAML's 'null')."""
    fa, fb = flatten(a), flatten(b)
    differ = set(diff_fields(a, b))
    keys = list(fa) + [k for k in fb if k not in fa]

    def show(d: dict, k: str) -> str:
        if k not in d:
            return "(absent)"
        return none if d[k] is None else _number(d[k])

    return [{"key": k, "a": show(fa, k), "b": show(fb, k), "differs": k in differ} for k in keys]


def _facts(run: dict) -> dict[str, str]:
    """The facts of a run shown in the comparison's 'Runs' table."""
    return {
        "folder": run["folder"],
        "scenario name": run["name"],
        "command": run["command"],
        "model kind": run["kind"],
        "seed": run["seed"],
        "date": run["date"],
        "run time": run["seconds"],
        "command line": run["command_line"] or "(Python API)",
        **{f"version of {k}": v for k, v in run["versions"].items()},
    }


def render_comparison(
    folder_a: str | os.PathLike, folder_b: str | os.PathLike, page_dir: str | os.PathLike
) -> str:
    """The HTML of a page putting two runs side by side (not written anywhere).

    Parameters
    ----------
    folder_a, folder_b : str or path-like
        Two results folders written by memsim.
    page_dir : str or path-like
        The folder the page will be written to (links to the CSV files are relative to it).

    Returns
    -------
    str
        A self-contained HTML document: the scenario fields that differ (flattened to dotted
        paths, see :func:`diff_fields`) highlighted, the summaries and the plots side by side.
        It ends with memsim's mark (:data:`COMPARE_MARK` and the SHA-256 of the text before
        it), by which memsim recognises an unchanged page of its own.

    Raises
    ------
    MemsimError
        A folder without a readable ``results.json``.
    """
    page_dir = Path(os.path.abspath(page_dir))
    runs = [_run_view(Path(os.path.abspath(f))) for f in (folder_a, folder_b)]
    for run, f in zip(runs, (folder_a, folder_b), strict=True):
        base = Path(os.path.abspath(f))
        run["link"] = _rel_link(base / PAGE, page_dir)
        for t in [*run["tables"], *run["others"], *run["images"]]:
            t["href"] = _rel_link(base / t["name"], page_dir)
    a, b = runs
    facts_a, facts_b = _facts(a), _facts(b)
    scenario_rows = _pairs(a["scenario"], b["scenario"], none="null")
    ia = {i["name"]: i for i in a["images"]}
    ib = {i["name"]: i for i in b["images"]}
    names = list(ia) + [n for n in ib if n not in ia]
    plots = [{"name": n, "a": ia.get(n), "b": ib.get(n)} for n in names]
    from memsim import __version__

    html = (
        _env()
        .get_template("compare.html.j2")
        .render(
            a=a,
            b=b,
            facts=[
                {"key": k, "a": facts_a.get(k, "(none)"), "b": facts_b.get(k, "(none)")}
                for k in list(facts_a) + [k for k in facts_b if k not in facts_a]
            ],
            scenario_rows=scenario_rows,
            changed=[r for r in scenario_rows if r["differs"]],
            summary_rows=_pairs(a["summary_raw"], b["summary_raw"]),
            plots=plots,
            generator=__version__,
            rebuild=shlex.join(["memsim", "report", a["folder"], b["folder"]]),
        )
    )
    if not html.endswith("\n"):
        html += "\n"
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    return html + f"<!-- {COMPARE_MARK} sha256={digest} -->\n"


def write_comparison(
    folder_a: str | os.PathLike,
    folder_b: str | os.PathLike,
    out: str | os.PathLike | None = None,
) -> Path:
    """Write a page comparing two runs (``memsim report DIR1 DIR2``).

    The page goes to ``out``, by default ``compare-<DIR1 name>-<DIR2 name>.html`` in the
    current folder. An existing file there is replaced only when it is a comparison page
    memsim wrote and nobody changed since (memsim checks the checksum it wrote at its end);
    anything else is refused, so a file of yours is never overwritten. The page may not be
    written inside either results folder (it would be a file memsim's manifest does not list).

    Parameters
    ----------
    folder_a, folder_b : str or path-like
        Two different results folders written by memsim.
    out : str or path-like, optional
        The page to write.

    Returns
    -------
    pathlib.Path
        The page written.

    Raises
    ------
    MemsimError
        A folder memsim did not write (see :func:`check_results_folder`), the same folder
        twice, an ``out`` that is a folder, a link, a file that is not an unchanged memsim
        comparison page, inside a results folder, or in a missing or unwritable folder.
    """
    pa, pb = check_results_folder(folder_a), check_results_folder(folder_b)
    if os.path.realpath(pa) == os.path.realpath(pb):
        raise MemsimError(
            f"both folders are {pa}; give two different results folders to compare (for "
            "example the same scenario run with --set run.seed=2 --out results/seed2)"
        )
    target = default_comparison_path(pa, pb) if out is None else Path(out).expanduser()
    target = Path(os.path.abspath(target))
    what = f"the comparison page {target}"
    try:
        return _write_comparison(pa, pb, target, what)
    except OSError as exc:  # a name too long for the file system, an unreadable folder, ...
        raise MemsimError(f"cannot write {what} ({exc.strerror or exc})") from None


def _write_comparison(pa: Path, pb: Path, target: Path, what: str) -> Path:
    from memsim.folders import MANIFEST, read_manifest, replace_file

    if os.path.islink(target):
        raise MemsimError(f"{what} is a symbolic link; memsim never writes through a link")
    if target.is_dir():
        raise MemsimError(f"{what} is a folder; give a file name such as --out compare.html")
    parent = target.parent
    if not parent.is_dir():
        raise MemsimError(f"cannot write {what}: the folder {parent} does not exist")
    real_parent = Path(os.path.realpath(parent))
    for run in (pa, pb):
        rr = Path(os.path.realpath(run))
        if real_parent == rr or real_parent.is_relative_to(rr):
            raise MemsimError(
                f"{what} would be inside the results folder {run}, where it would be a file "
                "memsim's manifest does not list (and --force would then refuse to replace "
                "the folder). Write it elsewhere, e.g. --out compare.html"
            )
    if read_manifest(real_parent) is not None or os.path.lexists(real_parent / MANIFEST):
        raise MemsimError(
            f"{what} would be inside the results folder {parent} (it holds {MANIFEST}), where "
            "it would be a file memsim's manifest does not list. Write it elsewhere, e.g. "
            "--out compare.html"
        )
    if os.path.lexists(target) and not _is_comparison_page(target):
        raise MemsimError(
            f"{what} exists and is not a comparison page memsim wrote (or it was changed "
            "since); memsim never overwrites it. Choose another --out or move the file away"
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise MemsimError(f"cannot write {what}: the folder {parent} is not writable")
    html = _readable(pa, lambda _: render_comparison(pa, pb, parent))
    try:
        replace_file(target, html)
    except OSError as exc:
        raise MemsimError(f"writing {what} failed ({exc.strerror or exc})") from None
    return target


__all__ = [
    "COMPARE_MARK",
    "MAX_EMBED",
    "PAGE",
    "ROWS",
    "check_results_folder",
    "default_comparison_path",
    "diff_fields",
    "flatten",
    "rebuild_page",
    "render_comparison",
    "render_page",
    "utc_date",
    "write_comparison",
    "write_page",
]
