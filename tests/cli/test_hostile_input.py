"""Hostile input is refused cleanly (issue 14, items 1 (names), 2 and 4).

Every case runs a memsim command from a working folder that also holds a user's own files
(notes, a thesis, a results.json memsim did not write, a results/ folder with data); the whole
folder is compared byte for byte before and after. Each case asserts the exit status (1 for a
refusal, 0 for input accepted with a note), that the message names the field, argument or file
at fault, and that it is never an "internal error" (exit 3) or a traceback.

Cases that could hang or eat memory (FIFOs, devices, alias bombs, deep nesting) run in a
subprocess under a timeout, which also reports the child's peak memory.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from cli_tools import ATT, DENSE, HOP, KV, MODERN, NTM
from click.testing import CliRunner
from memsim.cli.app import cli

# ------------------------------------------------------------------------ base scenarios -----
FILEPAT = """\
model: {kind: hopfield, max_sweeps: 10}
patterns: {source: file, path: %s}
run: {trials: 1, seed: 1}
"""
FILEKEYS = """\
model:
  kind: attention
  keys: {source: file, path: %s}
  queries: {source: keys, count: 3}
run: {trials: 1, seed: 1}
"""
FILEVALUES = """\
model:
  kind: attention
  keys: {source: random, count: 4, dim: 3}
  values: {source: file, path: %s}
  queries: {source: keys, count: 3}
run: {trials: 1, seed: 1}
"""


def laughs(levels: int = 9, inline: bool = False) -> str:
    """A "billion laughs" alias bomb: 9^levels strings from a few hundred bytes."""
    rows = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        refs = ",".join([f"*a{i - 1}"] * 9)
        rows.append(f"a{i}: &a{i} [{refs}]")
    if inline:
        return "{" + ", ".join(rows) + "}"
    return "\n".join(rows) + "\n"


def replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


# ------------------------------------------------------------------------------- helpers -----
def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data)
    return path


def npy(path: Path, a: np.ndarray) -> Path:
    np.save(path, a, allow_pickle=a.dtype == object)
    return path


def pm(p: int, n: int, seed: int = 0) -> np.ndarray:
    return np.where(np.random.default_rng(seed).random((p, n)) < 0.5, 1, -1).astype(np.int8)


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry under root: bytes of regular files, the kind of anything else (never read)."""
    out: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = str(p.relative_to(root))
            if p.is_symlink():
                out[rel] = "link -> " + os.readlink(p)
            elif p.is_dir():
                out[rel] = "dir"
            elif p.is_file():
                out[rel] = p.read_bytes()
            else:
                out[rel] = "special"
    return out


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A working folder holding a user's own files (the sentinels)."""
    w = tmp_path / "work"
    write(w / "notes.txt", "my notes\n")
    write(w / "sub" / "thesis.tex", "\\documentclass{article}\n")
    write(w / "results.json", '{"mine": "not written by memsim"}\n')
    write(w / "results" / "precious" / "data.csv", "a,b\n1,2\n")
    monkeypatch.chdir(w)
    return w


def run_in_process(args: list[str]) -> tuple[int, str]:
    r = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return r.exit_code, r.output


CHILD = r"""
import resource, sys
from memsim.cli.app import cli
code = 0
try:
    cli(sys.argv[1:], standalone_mode=True)
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else 1
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"MAXRSS_KB {rss}", file=sys.stderr)
sys.exit(code)
"""


def run_in_subprocess(args: list[str], cwd: Path) -> tuple[int, str]:
    try:
        r = subprocess.run(
            [sys.executable, "-c", CHILD, *map(str, args)],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"memsim {' '.join(map(str, args))} hung (no answer within 60 s)")
    out = r.stdout + r.stderr
    rss = re.search(r"MAXRSS_KB (\d+)", r.stderr)
    assert rss, out
    # bounded memory: the refusal happens before anything is expanded (numba + numpy + pydantic
    # alone take a few hundred MB; an expanded alias bomb would take many GB)
    assert int(rss.group(1)) < 1_500_000, f"peak memory {int(rss.group(1)) // 1024} MB"
    return r.returncode, out.replace(rss.group(0), "")


# --------------------------------------------------------------------------------- cases -----
# Each builder writes its input files into the working folder and returns
# (argv, fragments the message must contain, expected exit status, run in a subprocess?).


def _written(
    name: str,
    text: str | bytes,
    args: list,
    fragments: list,
    status: int = 1,
    isolate: bool = False,
    data: tuple | None = None,
):
    """A case that writes ``text`` to ``name`` in the working folder (after the data file
    ``data = (name, content)``, if given), then runs ``args``."""

    def case(w):
        if data is not None:
            write(w / data[0], data[1])
        write(w / name, text)
        return list(args), fragments, status, isolate

    return case


def _made(
    template: str,
    file: str,
    make,
    command: str,
    fragments: list,
    status: int = 1,
    isolate: bool = False,
):
    """A case that makes the data file ``file`` by ``make(path)``, writes ``s.yaml`` as
    ``template % file``, then runs ``memsim COMMAND s.yaml``."""

    def case(w):
        make(w / file)
        write(w / "s.yaml", template % file)
        return [command, "s.yaml"], fragments, status, isolate

    return case


def _npy(
    template: str,
    file: str,
    a: np.ndarray,
    fragments: list,
    command: str = "validate",
    status: int = 1,
):
    """A :func:`_made` case whose data file is the array ``a`` saved as .npy."""
    return _made(template, file, lambda path: npy(path, a), command, fragments, status)


def _set(a: np.ndarray, index: tuple, value) -> np.ndarray:
    """``a`` with ``a[index] = value`` (in place)."""
    a[index] = value
    return a


def _with_data(template: str, file: str, content: str | bytes, command: str, fragments: list):
    """A :func:`_written` case: ``s.yaml`` is ``template % file`` and the data file ``file``
    holds ``content``; runs ``memsim COMMAND s.yaml``."""
    return _written("s.yaml", template % file, [command, "s.yaml"], fragments, data=(file, content))


def _yaml_abuse():
    def billion_laughs_set(w):
        write(w / "s.yaml", HOP)
        arg = "model.max_sweeps=" + laughs(inline=True)
        return ["recall", "s.yaml", "--set", arg], ["model.max_sweeps", "aliases"], 1, True

    def billion_laughs_merge_keys(w):
        rows = ["b0: &b0 {x: 1}"]
        for i in range(1, 12):
            rows.append(f"b{i}: &b{i} {{<<: [{', '.join([f'*b{i - 1}'] * 9)}]}}")
        write(w / "merge.yaml", "\n".join(rows) + "\n" + HOP)
        return ["validate", "merge.yaml"], ["merge.yaml", "aliases"], 1, True

    def deep_nesting_set(w):
        write(w / "s.yaml", HOP)
        arg = "cue.flip=" + "{a: " * 5000 + "1" + "}" * 5000
        return ["validate", "s.yaml", "--set", arg], ["cue.flip", "deeper than"], 1, True

    def deep_set_path(w):
        write(w / "s.yaml", HOP)
        arg = ".".join(["a"] * 5000) + "=1"
        return ["validate", "s.yaml", "--set", arg], ["--set", "limit"], 1, False

    def binary_garbage(w):
        data = bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8))
        write(w / "s.yaml", b"\x00" + data)
        return ["validate", "s.yaml"], ["s.yaml"], 1, False

    def scenario_is_directory(w):
        (w / "d.yaml").mkdir()
        return ["recall", "d.yaml"], ["d.yaml", "directory"], 1, False

    def scenario_missing(w):
        return ["validate", "nope.yaml"], ["nope.yaml", "does not exist"], 1, False

    def scenario_fifo(w):
        os.mkfifo(w / "fifo.yaml")
        return ["recall", "fifo.yaml"], ["fifo.yaml", "FIFO"], 1, True

    def scenario_dev_zero(w):
        os.symlink("/dev/zero", w / "zero.yaml")
        return ["validate", "zero.yaml"], ["zero.yaml", "device"], 1, True

    return {
        "billion_laughs_file": _written(
            "bomb.yaml",
            laughs() + HOP,
            ["validate", "bomb.yaml"],
            ["bomb.yaml", "aliases"],
            isolate=True,
        ),
        "billion_laughs_set": billion_laughs_set,
        "billion_laughs_merge_keys": billion_laughs_merge_keys,
        "recursive_alias": _written(
            "s.yaml", "loop: &a [1, *a]\n" + HOP, ["validate", "s.yaml"], ["s.yaml", "recursive"]
        ),
        "deep_nesting_file": _written(
            "deep.yaml",
            "description: " + "[" * 20000 + "]" * 20000 + "\n" + HOP,
            ["validate", "deep.yaml"],
            ["deep.yaml", "deeper than"],
            isolate=True,
        ),
        "deep_nesting_set": deep_nesting_set,
        "deep_set_path": deep_set_path,
        "huge_file": _written(
            "big.yaml",
            HOP + "#" + "x" * 2_000_000 + "\n",
            ["validate", "big.yaml"],
            ["big.yaml", "limit", "1.0 MB"],
        ),
        "complex_key_list": _written(
            "s.yaml",
            "? [a, b]\n: 1\n" + HOP,
            ["validate", "s.yaml"],
            ["s.yaml", "line 1", "complex keys"],
        ),
        "complex_key_mapping": _written(
            "s.yaml",
            replace(HOP, "cue: {flip: 0.1}", "cue:\n  ? {x: 1}\n  : 2"),
            ["validate", "s.yaml"],
            ["s.yaml", "complex keys"],
        ),
        "tabs": _written(
            "s.yaml",
            "model:\n\tkind: hopfield\n",
            ["validate", "s.yaml"],
            ["s.yaml", "YAML syntax error", "line 2"],
        ),
        "binary_garbage": binary_garbage,
        "non_utf8": _written(
            "s.yaml",
            ("description: caf\xe9\n" + HOP).encode("latin-1"),
            ["validate", "s.yaml"],
            ["s.yaml", "UTF-8"],
        ),
        "nul_bytes": _written(
            "s.yaml",
            (HOP + "description: a\x00b\n").encode(),
            ["validate", "s.yaml"],
            ["s.yaml", "NUL"],
        ),
        "empty_file": _written("s.yaml", "", ["recall", "s.yaml"], ["s.yaml", "empty"]),
        "list_at_top": _written(
            "s.yaml", "- model\n- patterns\n", ["capacity", "s.yaml"], ["s.yaml", "mapping", "list"]
        ),
        "scalar_at_top": _written(
            "s.yaml", "42\n", ["validate", "s.yaml"], ["s.yaml", "mapping", "int"]
        ),
        "impossible_date": _written(
            "s.yaml", HOP + "description: 2021-13-45\n", ["validate", "s.yaml"], ["s.yaml", "month"]
        ),
        "duplicate_key": _written(
            "s.yaml",
            HOP + "run: {trials: 2}\n",
            ["validate", "s.yaml"],
            ["s.yaml", "defined twice"],
        ),
        "scenario_is_directory": scenario_is_directory,
        "scenario_missing": scenario_missing,
        "scenario_fifo": scenario_fifo,
        "scenario_dev_zero": scenario_dev_zero,
    }


def _schema_abuse():
    def memory_hopfield(w):
        # Storkey weights are N x N (Hebbian ones are lazy: 5 x 5000000 patterns would fit)
        text = replace(HOP, "size: 60", "size: 5000000")
        write(w / "s.yaml", replace(text, "rule: hebbian", "rule: storkey"))
        return ["recall", "s.yaml"], ["patterns.size", "memory"], 1, False

    def memory_attention(w):
        t = replace(ATT, "count: 10, dim: 4", "count: 10000000, dim: 100000")
        write(w / "s.yaml", t)
        return ["validate", "s.yaml"], ["model.keys.count", "memory"], 1, False

    def memory_kv(w):
        t = replace(KV, "slots: 50, key_dim: 8", "slots: 2000000, key_dim: 4096")
        write(w / "s.yaml", t)
        return ["validate", "s.yaml"], ["model.slots", "memory"], 1, False

    return {
        "unknown_key": _written(
            "s.yaml",
            replace(HOP, "max_sweeps: 20", "max_sweeps: 20, speed: 3"),
            ["validate", "s.yaml"],
            ["model.speed", "allowed keys"],
        ),
        "wrong_type_dense": _written(
            "s.yaml",
            replace(DENSE, "n: 3", "n: three"),
            ["validate", "s.yaml"],
            ["model.n", "integer"],
        ),
        "bool_hopfield_max_sweeps": _written(
            "s.yaml",
            replace(HOP, "max_sweeps: 20", "max_sweeps: true"),
            ["recall", "s.yaml"],
            ["model.max_sweeps", "true/false"],
        ),
        "bool_dense_n": _written(
            "s.yaml",
            replace(DENSE, "n: 3", "n: true"),
            ["validate", "s.yaml"],
            ["model.n", "true/false"],
        ),
        "bool_modern_steps": _written(
            "s.yaml",
            replace(MODERN, "steps: 5", "steps: yes"),
            ["validate", "s.yaml"],
            ["model.steps", "true/false"],
        ),
        "bool_attention_beta": _written(
            "s.yaml",
            replace(ATT, "kind: attention", "kind: attention\n  beta: true"),
            ["validate", "s.yaml"],
            ["model.beta", "true/false"],
        ),
        "bool_attention_key_count": _written(
            "s.yaml",
            replace(ATT, "count: 10", "count: true"),
            ["validate", "s.yaml"],
            ["model.keys.count", "true/false"],
        ),
        "bool_ntm_length": _written(
            "s.yaml",
            replace(NTM, "length: 4", "length: true"),
            ["validate", "s.yaml"],
            ["model.length", "true/false"],
        ),
        "bool_kv_slots": _written(
            "s.yaml",
            replace(KV, "slots: 50", "slots: on"),
            ["validate", "s.yaml"],
            ["model.slots", "true/false"],
        ),
        "bool_in_list": _written(
            "s.yaml",
            HOP + "capacity: {loads: [0.1, true], sizes: [60]}\n",
            ["capacity", "s.yaml"],
            ["capacity.loads[1]", "true/false"],
        ),
        "bool_cue_index": _written(
            "s.yaml",
            replace(HOP, "cue: {flip: 0.1}", "cue: {pattern: true}"),
            ["validate", "s.yaml"],
            ["cue.pattern", "true/false"],
        ),
        "nan_modern_beta": _written(
            "s.yaml",
            replace(MODERN, "beta: 1.0", "beta: .nan"),
            ["validate", "s.yaml"],
            ["model.beta", "finite"],
        ),
        "inf_attention_temperature": _written(
            "s.yaml",
            replace(ATT, "kind: attention", "kind: attention\n  temperature: .inf"),
            ["validate", "s.yaml"],
            ["model.temperature", "finite"],
        ),
        "minus_inf_hopfield_temperature": _written(
            "s.yaml",
            replace(HOP, "max_sweeps: 20", "max_sweeps: 20, temperature: -.inf"),
            ["validate", "s.yaml"],
            ["model.temperature", "finite"],
        ),
        "nan_in_list": _written(
            "s.yaml",
            NTM + "capacity: {lengths: [4], shift_blurs: [.nan]}\n",
            ["capacity", "s.yaml"],
            ["capacity.shift_blurs", "finite"],
        ),
        "huge_int_count": _written(
            "s.yaml",
            replace(HOP, "count: 5", f"count: {10**30}"),
            ["validate", "s.yaml"],
            ["patterns.count", "less than or equal"],
        ),
        "huge_int_ntm_slots": _written(
            "s.yaml",
            replace(NTM, "memory_slots: 16", f"memory_slots: {10**30}"),
            ["validate", "s.yaml"],
            ["model.memory_slots"],
        ),
        "negative_size": _written(
            "s.yaml",
            replace(HOP, "size: 60", "size: -5"),
            ["recall", "s.yaml"],
            ["patterns.size", "greater than or equal"],
        ),
        "negative_kv_key_dim": _written(
            "s.yaml",
            replace(KV, "key_dim: 8", "key_dim: -1"),
            ["validate", "s.yaml"],
            ["model.key_dim"],
        ),
        "out_of_range_flip": _written(
            "s.yaml", replace(HOP, "flip: 0.1", "flip: 1.5"), ["validate", "s.yaml"], ["cue.flip"]
        ),
        "memory_hopfield": memory_hopfield,
        "memory_attention": memory_attention,
        "memory_kv": memory_kv,
        "cue_index_out_of_range": _written(
            "s.yaml",
            replace(HOP, "cue: {flip: 0.1}", "cue: {pattern: 99}"),
            ["validate", "s.yaml"],
            ["cue.pattern", "does not exist"],
        ),
        "negative_seed": _written(
            "s.yaml", replace(KV, "seed: 1", "seed: -1"), ["validate", "s.yaml"], ["run.seed"]
        ),
        "wrong_kind": _written(
            "s.yaml",
            replace(HOP, "kind: hopfield", "kind: boltzmann"),
            ["validate", "s.yaml"],
            ["model.kind", "hopfield"],
        ),
    }


def _set_abuse():
    return {
        "set_bool_max_sweeps": _written(
            "s.yaml",
            HOP,
            ["recall", "s.yaml", "--set", "model.max_sweeps=true"],
            ["model.max_sweeps"],
        ),
        "set_bool_flip": _written(
            "s.yaml",
            HOP,
            ["recall", "s.yaml", "--set", "cue.flip=false"],
            ["cue.flip", "true/false"],
        ),
        "set_bool_modern": _written(
            "s.yaml", MODERN, ["recall", "s.yaml", "--set", "model.beta=true"], ["model.beta"]
        ),
        "set_nan_ntm": _written(
            "s.yaml", NTM, ["recall", "s.yaml", "--set", "model.gamma=.nan"], ["model.gamma"]
        ),
        "set_no_equals": _written(
            "s.yaml",
            HOP,
            ["validate", "s.yaml", "--set", "model.max_sweeps"],
            ["--set", "field.path"],
        ),
        "set_into_value": _written(
            "s.yaml",
            HOP,
            ["validate", "s.yaml", "--set", "model.kind.x=1"],
            ["model.kind", "value"],
        ),
        "set_empty_field": _written(
            "s.yaml", HOP, ["validate", "s.yaml", "--set", "model..x=1"], ["--set", "empty field"]
        ),
        "set_section_to_list": _written(
            "s.yaml", KV, ["validate", "s.yaml", "--set", "model=[1, 2]"], ["model"]
        ),
        "cli_negative_seed": _written(
            "s.yaml", DENSE, ["recall", "s.yaml", "--seed", "-1"], ["run.seed"]
        ),
        "set_threads_zero": _written(
            "s.yaml", ATT, ["recall", "s.yaml", "--set", "run.threads=0"], ["run.threads"]
        ),
    }


def _name_abuse():
    return {
        "name_dotdot_in_file": _written(
            "s.yaml", "name: '..'\n" + HOP, ["recall", "s.yaml"], ["field 'name'", "plain name"]
        ),
        "name_dot_in_file": _written(
            "s.yaml", "name: .\n" + KV, ["validate", "s.yaml"], ["field 'name'", "plain name"]
        ),
        "name_traversal_set": _written(
            "s.yaml", HOP, ["recall", "s.yaml", "--set", "name=../../x"], ["field 'name'"]
        ),
        "name_set_dotdot": _written(
            "s.yaml", NTM, ["recall", "s.yaml", "--set", "name=.."], ["field 'name'"]
        ),
        "name_with_slash": _written(
            "s.yaml", "name: a/b\n" + MODERN, ["validate", "s.yaml"], ["field 'name'"]
        ),
        "name_too_long": _written(
            "s.yaml",
            "name: " + "a" * 101 + "\n" + ATT,
            ["validate", "s.yaml"],
            ["field 'name'", "100 characters"],
        ),
        "name_from_dots_file": _written(
            "...yaml", HOP, ["recall", "...yaml"], ["field 'name'", "name:"]
        ),
        "name_from_hidden_file": _written(
            ".yaml", DENSE, ["validate", ".yaml"], ["field 'name'", "name:"]
        ),
        "name_derived_from_odd_file": _written(
            "my scenario (v2).yaml",
            KV,
            ["validate", "my scenario (v2).yaml"],
            ["name my_scenario__v2_"],
            status=0,
        ),
    }


def _files():
    def dev_zero(path):
        os.symlink("/dev/zero", path)

    P, K, V = FILEPAT, FILEKEYS, FILEVALUES
    ppath, kpath = "patterns.path", "model.keys.path"
    pattern_fifo = _made(P, "p.npy", os.mkfifo, "recall", [ppath, "FIFO"], isolate=True)
    pattern_dev_zero = _made(P, "p.npy", dev_zero, "validate", [ppath, "device"], isolate=True)
    pattern_directory = _made(P, "p.csv", Path.mkdir, "validate", [ppath, "directory"])
    npy_zero_patterns = _npy(P, "p.npy", np.zeros((0, 10), np.int8), [ppath, "p.npy", "empty"])
    npy_object_dtype = _npy(
        P, "p.npy", np.array([[1, -1], [-1, 1]], dtype=object), [ppath, "object"]
    )
    npy_nan = _npy(P, "p.npy", _set(pm(3, 10).astype(float), (1, 2), np.nan), [ppath, "NaN"])
    npy_4d = _npy(P, "p.npy", pm(2, 16).reshape(2, 2, 2, 4), [ppath, "2-D"])
    npy_3d_accepted = _npy(P, "p.npy", pm(3, 20).reshape(3, 4, 5), ["valid"], status=0)
    npy_value_two = _npy(P, "p.npy", _set(pm(3, 10), (0, 0), 2), [ppath, "-1/+1 or 0/1"])
    npy_value_half = _npy(
        P, "p.npy", _set(pm(3, 10).astype(float), (2, 3), 0.5), [ppath, "-1/+1 or 0/1"], "recall"
    )

    def npy_header_lies(w):
        # a valid header promising 10^12 entries, followed by 80 bytes: must not allocate
        hdr = b"{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }"
        hdr = hdr + b" " * (118 - len(hdr)) + b"\n"
        write(w / "p.npy", b"\x93NUMPY\x01\x00" + len(hdr).to_bytes(2, "little") + hdr + b"\0" * 80)
        write(w / "s.yaml", FILEPAT % "p.npy")
        return ["validate", "s.yaml"], ["patterns.path", "header promises"], 1, False

    keys_fifo = _made(K, "k.csv", os.mkfifo, "recall", [kpath, "FIFO"], isolate=True)
    keys_3d = _npy(K, "k.npy", np.ones((2, 3, 4)), [kpath, "2-D"])
    keys_inf = _npy(K, "k.npy", _set(np.ones((4, 3)), (0, 0), np.inf), [kpath, "inf"])
    keys_object = _npy(K, "k.npy", np.array([[1.0, {"x": 1}]], dtype=object), [kpath, "object"])
    values_dev_zero = _made(
        V, "v.npy", dev_zero, "validate", ["model.values.path", "device"], isolate=True
    )

    return {
        "pattern_fifo": pattern_fifo,
        "pattern_dev_zero": pattern_dev_zero,
        "pattern_directory": pattern_directory,
        "pattern_missing": _written(
            "s.yaml",
            FILEPAT % "gone.npy",
            ["validate", "s.yaml"],
            ["patterns.path", "gone.npy", "does not exist"],
        ),
        "empty_npy": _with_data(
            FILEPAT, "p.npy", b"", "validate", ["patterns.path", "p.npy", "empty"]
        ),
        "empty_csv": _with_data(
            FILEPAT, "p.csv", b"", "recall", ["patterns.path", "p.csv", "empty"]
        ),
        "blank_csv": _with_data(
            FILEPAT, "p.csv", "\n\n  \n", "validate", ["patterns.path", "p.csv", "empty"]
        ),
        "npy_zero_patterns": npy_zero_patterns,
        "npy_object_dtype": npy_object_dtype,
        "npy_nan": npy_nan,
        "npy_4d": npy_4d,
        "npy_3d_accepted": npy_3d_accepted,
        "npy_value_two": npy_value_two,
        "npy_value_half": npy_value_half,
        "npy_header_lies": npy_header_lies,
        "npy_not_npy": _with_data(
            FILEPAT,
            "p.npy",
            "this is not numpy\n",
            "validate",
            ["patterns.path", "could not be read"],
        ),
        "csv_with_text": _with_data(
            FILEPAT,
            "p.csv",
            "1,-1,1\n-1,one,1\n",
            "validate",
            ["patterns.path", "p.csv", "numbers"],
        ),
        "csv_ragged": _with_data(
            FILEPAT, "p.csv", "1,-1,1\n-1,1\n", "validate", ["patterns.path", "p.csv"]
        ),
        "pattern_wrong_suffix": _with_data(
            FILEPAT, "p.txt", "1,-1\n", "validate", ["patterns.path", ".npy or .csv"]
        ),
        "keys_fifo": keys_fifo,
        "keys_3d": keys_3d,
        "keys_inf": keys_inf,
        "keys_object": keys_object,
        "values_empty_csv": _with_data(
            FILEVALUES, "v.csv", b"", "validate", ["model.values.path", "empty"]
        ),
        "values_dev_zero": values_dev_zero,
    }


def _capacity():
    def capacity_load_rounded_is_noted(w):
        t = replace(HOP, "count: 5, size: 60", "count: 5, size: 100")
        write(w / "s.yaml", t + "capacity: {loads: [0.013, 0.05]}\n")
        args = ["capacity", "s.yaml", "--out", "out", "--no-plots"]
        return args, ["note", "0.013", "load_asked"], 0, False

    return {
        "capacity_kv_bool_value": _written(
            "s.yaml",
            KV + "capacity: {study: slots, values: [true]}\n",
            ["capacity", "s.yaml"],
            ["capacity.values[0]", "true/false"],
        ),
        "capacity_ntm_zero_length": _written(
            "s.yaml",
            NTM + "capacity: {lengths: [0]}\n",
            ["capacity", "s.yaml"],
            ["capacity.lengths"],
        ),
        "capacity_dense_huge_size": _written(
            "s.yaml",
            DENSE + "capacity: {sizes: [100000000]}\n",
            ["capacity", "s.yaml"],
            ["capacity.sizes"],
        ),
        "capacity_modern_inf_beta": _written(
            "s.yaml",
            MODERN + "capacity: {study: beta_sweep, betas: [1.0, .inf]}\n",
            ["capacity", "s.yaml"],
            ["capacity.betas", "finite"],
        ),
        "capacity_load_rounded_is_noted": capacity_load_rounded_is_noted,
    }


CASES = {}
for group in (_yaml_abuse, _schema_abuse, _set_abuse, _name_abuse, _files, _capacity):
    CASES.update(group())


def _clean(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_hostile_input_is_refused_cleanly(case, work):
    args, fragments, status, isolate = CASES[case](work)
    before = snapshot(work)
    code, out = run_in_subprocess(args, work) if isolate else run_in_process(args)
    text = _clean(out)
    assert "internal error" not in text, text
    assert "Traceback" not in out, out
    assert code == status, text
    for frag in fragments:
        assert frag in text, f"{frag!r} not in: {text}"
    after = snapshot(work)
    if status == 0 and "--out" in args:
        folder = args[args.index("--out") + 1]
        after = {k: v for k, v in after.items() if k != folder and not k.startswith(folder + "/")}
    assert after == before, "memsim changed the user's folder"


def test_load_actually_used_is_in_the_tables(work):
    """A load that rounds to another P: 'load' is P/N, 'load_asked' the asked value."""
    args, *_ = CASES["capacity_load_rounded_is_noted"](work)
    code, out = run_in_process([*args, "--quiet"])
    assert code == 0, out
    doc = json.loads((work / "out" / "results.json").read_text())
    assert sum("load_asked" in n for n in doc["meta"]["notes"]) == 1
    with open(work / "out" / "capacity_summary.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [float(r["load"]) for r in rows] == [0.01, 0.05]  # P = round(1.3) = 1 of N = 100
    assert [float(r["load_asked"]) for r in rows] == [0.013, 0.05]


def test_at_least_45_cases():
    assert len(CASES) >= 45
