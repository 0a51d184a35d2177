"""The digits and image pattern sources (memsim.patterns.digits / images): values against plain
numpy references computed here from scikit-learn's data and from the pixels written, class
subsets and counts, the missing-scikit-learn message, and hostile image files (missing, special,
empty, corrupt, truncated, decompression bombs), which are only ever read."""

from __future__ import annotations

import os
import struct
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from memsim import patterns as pat
from memsim.errors import MemsimError

sklearn_datasets = pytest.importorskip("sklearn.datasets")  # installed by the test extra


def _reference_digits(classes, per_class, threshold, scale):
    """Plain reference: first per_class samples of each class, >= threshold -> +1, blocks."""
    d = sklearn_datasets.load_digits()
    rows, labels = [], []
    for c in classes:
        for i in np.flatnonzero(d.target == c)[:per_class]:
            img = np.where(d.images[i] >= threshold, 1, -1)
            img = np.repeat(np.repeat(img, scale, axis=0), scale, axis=1)
            rows.append(img.ravel())
            labels.append(str(c))
    return np.array(rows), tuple(labels)


# ------------------------------------------------------------------------------- digits ----
@pytest.mark.parametrize(
    ("classes", "per_class", "threshold", "scale"),
    [([0, 1, 7], 1, 8, 1), ([9, 3], 4, 5, 2), (list(range(10)), 2, 16, 3), ([4], 1, 1, 1)],
)
def test_digits_match_a_numpy_reference(classes, per_class, threshold, scale):
    X, shape, labels = pat.digits(classes, per_class, threshold, scale=scale)
    ref, ref_labels = _reference_digits(classes, per_class, threshold, scale)
    assert X.dtype == np.int8 and X.flags.c_contiguous
    assert X.shape == (len(classes) * per_class, 64 * scale * scale)
    assert shape == (8 * scale, 8 * scale)
    np.testing.assert_array_equal(X, ref)
    assert labels == ref_labels


def test_digit_grey_values_and_threshold_ends():
    d = sklearn_datasets.load_digits()
    first7 = d.images[np.flatnonzero(d.target == 7)[0]]
    X, _, _ = pat.digits([7], binarise="none")
    assert X.dtype == np.float64
    np.testing.assert_allclose(X[0], (2 * first7 / 16 - 1).ravel())
    assert X.min() >= -1 and X.max() <= 1
    # threshold 1: every pixel with any ink; 16: only full ink
    lo = pat.digits([7], threshold=1).patterns[0]
    hi = pat.digits([7], threshold=16).patterns[0]
    np.testing.assert_array_equal(lo == 1, first7.ravel() >= 1)
    np.testing.assert_array_equal(hi == 1, first7.ravel() == 16)


def test_digit_counts_and_random_pick():
    d = sklearn_datasets.load_digits()
    counts = pat.digit_counts()
    assert counts == {c: int((d.target == c).sum()) for c in range(10)}
    assert sum(counts.values()) == 1797
    a = pat.digits([2, 5], per_class=6, pick="random", seed=3)
    b = pat.digits([2, 5], per_class=6, pick="random", seed=3)
    c = pat.digits([2, 5], per_class=6, pick="random", seed=4)
    np.testing.assert_array_equal(a.patterns, b.patterns)
    assert not np.array_equal(a.patterns, c.patterns)
    assert a.labels == ("2",) * 6 + ("5",) * 6
    # every chosen row is a distinct sample of its class
    binar = np.where(d.images >= 8, 1, -1).reshape(len(d.target), -1)
    for row, lab in zip(a.patterns, a.labels, strict=True):
        hits = np.flatnonzero((binar == row).all(axis=1))
        assert hits.size and (d.target[hits] == int(lab)).any()
    assert len({r.tobytes() for r in a.patterns}) == 12
    # the whole smallest class can be taken
    small = min(counts, key=counts.get)
    assert pat.digits([small], per_class=counts[small]).patterns.shape[0] == counts[small]


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"classes": [10]}, ["class 10", "0-9"]),
        ({"classes": [1, 1]}, ["listed twice"]),
        ({"classes": []}, ["at least one class"]),
        ({"per_class": 175}, ["only", "samples"]),
        ({"per_class": 0}, ["per_class", ">= 1"]),
        ({"threshold": 17}, ["threshold", "1..16"]),
        ({"threshold": 0}, ["threshold"]),
        ({"pick": "best"}, ["pick", "first, random"]),
        ({"binarise": "dither"}, ["binarise", "threshold, none"]),
        ({"scale": 0}, ["scale"]),
    ],
)
def test_digit_arguments_refused(kwargs, words):
    with pytest.raises(MemsimError) as e:
        pat.digits(**kwargs)
    for w in words:
        assert w in str(e.value)


def test_missing_scikit_learn_gives_one_clear_paragraph(monkeypatch):
    monkeypatch.setattr(pat, "_DIGITS", None)
    monkeypatch.setitem(sys.modules, "sklearn", None)  # import sklearn... raises ImportError
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(MemsimError) as e:
        pat.digits([1])
    msg = str(e.value)
    assert 'pip install "memsim[data]"' in msg and "patterns.source: digits" in msg
    assert "\n" not in msg


# ------------------------------------------------------------------------------- images ----
def _png(path: Path, grey: np.ndarray) -> Path:
    Image.fromarray(np.asarray(grey, dtype=np.uint8)).save(path)
    return path


@pytest.fixture
def grey_pixels():
    """Random 8-bit grey levels, as int64 (arithmetic on them must not wrap around)."""
    rng = np.random.default_rng(7)
    return rng.integers(0, 256, size=(6, 9))


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8])
@pytest.mark.parametrize("invert", [False, True])
def test_image_threshold_matches_numpy(tmp_path, grey_pixels, threshold, invert):
    f = _png(tmp_path / "a.png", grey_pixels)
    X, shape, labels = pat.images(f, (6, 9), "threshold", threshold, invert)
    ink = grey_pixels / 255.0 < threshold
    ref = np.where(ink != invert, 1, -1)
    assert X.dtype == np.int8 and shape == (6, 9) and labels == ("a.png",)
    np.testing.assert_array_equal(X[0], ref.ravel())


def test_image_grey_values_match_numpy(tmp_path, grey_pixels):
    f = _png(tmp_path / "a.png", grey_pixels)
    X = pat.images([f], (6, 9), "none").patterns
    assert X.dtype == np.float64
    np.testing.assert_allclose(X[0], (1 - 2 * grey_pixels / 255.0).ravel(), atol=1e-12)
    Xi = pat.images([f], (6, 9), "none", invert=True).patterns
    np.testing.assert_allclose(Xi, -X)


def test_image_resize_is_the_block_mean(tmp_path):
    """Shrinking a picture made of k x k blocks gives each block's value back (box filter)."""
    rng = np.random.default_rng(1)
    small = rng.integers(0, 256, size=(5, 4))
    big = np.kron(small, np.ones((4, 4), np.int64))
    f = _png(tmp_path / "big.png", big)
    X = pat.images(f, (5, 4), "none").patterns[0]
    np.testing.assert_allclose(X, (1 - 2 * small / 255.0).ravel(), atol=1 / 255)
    # and a cropped-looking aspect change still gives the requested shape
    assert pat.images(f, (3, 7)).patterns.shape == (1, 21)


@pytest.mark.parametrize("level", [40, 128, 200])
def test_dither_keeps_the_grey_level_as_ink_density(tmp_path, level):
    """Floyd-Steinberg turns a uniform grey into +1 pixels at density 1 - level/255 (the error
    diffusion conserves the mean), where a threshold gives all or nothing."""
    f = _png(tmp_path / "g.png", np.full((40, 40), level))
    X = pat.images(f, (40, 40), "dither").patterns[0]
    assert set(np.unique(X)) <= {-1, 1}
    assert abs(np.mean(X == 1) - (1 - level / 255)) < 0.03
    t = pat.images(f, (40, 40), "threshold").patterns[0]
    assert len(np.unique(t)) == 1


def test_image_modes_rgb_rgba_16bit_and_jpeg(tmp_path):
    # RGB: luminance L = (299 R + 587 G + 114 B) / 1000 (ITU-R 601-2, Pillow's convert("L"))
    # (the bottom row black: a uniform mid-grey picture is refused as nearly the zero vector)
    rgb = np.zeros((4, 4, 3), np.uint8)
    rgb[:3, :, 0], rgb[:3, :, 1], rgb[:3, :, 2] = 200, 100, 50
    Image.fromarray(rgb).save(tmp_path / "c.png")
    lum = (299 * 200 + 587 * 100 + 114 * 50) / 1000
    X = pat.images(tmp_path / "c.png", (4, 4), "none").patterns[0]
    np.testing.assert_allclose(X[:12], 1 - 2 * lum / 255, atol=1.5 / 255)
    np.testing.assert_allclose(X[12:], 1.0)
    # fully transparent pixels count as white background, opaque black as ink
    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[:2, :, 3] = 255  # top half opaque black, bottom half transparent (black but alpha 0)
    Image.fromarray(rgba, "RGBA").save(tmp_path / "t.png")
    T = pat.images(tmp_path / "t.png", (4, 4)).patterns[0].reshape(4, 4)
    np.testing.assert_array_equal(T, np.r_[np.ones((2, 4)), -np.ones((2, 4))])
    # 16-bit grey: 0..65535 scaled onto black..white
    g16 = np.array([[0, 65535], [32768, 16384]], dtype=np.uint16)
    Image.fromarray(g16).save(tmp_path / "s.png")
    S = pat.images(tmp_path / "s.png", (2, 2), "none").patterns[0]
    np.testing.assert_allclose(S, 1 - 2 * g16.ravel().astype(float) / 65535, atol=1 / 255)
    # JPEG (lossy, so a flat picture compared with a tolerance)
    Image.fromarray(np.full((16, 16), 60, np.uint8)).save(tmp_path / "j.jpg", quality=95)
    J = pat.images(tmp_path / "j.jpg", (16, 16), "none").patterns[0]
    np.testing.assert_allclose(J, 1 - 2 * 60 / 255, atol=3 / 255)


def test_folder_gives_sorted_images_and_files_are_not_modified(tmp_path):
    d = tmp_path / "pics"
    d.mkdir()
    for name, v in (("b.png", 0), ("a.PNG", 255), ("c.jpeg", 0)):
        img = Image.fromarray(np.full((3, 3), v, np.uint8))
        img.save(d / name, format="JPEG" if name.endswith("jpeg") else "PNG")
    (d / "notes.txt").write_text("not an image")
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in d.iterdir()}
    X, shape, labels = pat.images(d, (3, 3))
    assert labels == ("a.PNG", "b.png", "c.jpeg")
    np.testing.assert_array_equal(X[:, 0], [-1, 1, 1])
    # files and folders mixed, in the order given
    assert pat.images([d / "c.jpeg", d], (3, 3)).labels == ("c.jpeg", "a.PNG", "b.png", "c.jpeg")
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in d.iterdir()}
    assert after == before


def _bomb_png(path: Path, width: int, height: int) -> Path:
    """A tiny PNG whose header promises width x height pixels (no real data follows)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1000)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    p = tmp_path / "pipe.png"
    os.mkfifo(p)
    return p


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda t: t / "missing.png", ["missing.png", "does not exist"]),
        (lambda t: _write(t / "x.gif", b"GIF89a"), ["unsupported", ".png"]),
        (lambda t: _write(t / "e.png", b""), ["empty"]),
        (lambda t: _write(t / "n.png", b"hello"), ["not a PNG or JPEG"]),
        (lambda t: _bomb_png(t / "bomb.png", 100_000, 100_000), ["decompression bomb"]),
        (_fifo, ["FIFO", "only regular files"]),
        (lambda t: (t / "empty_dir").mkdir() or t / "empty_dir", ["holds no images"]),
    ],
    ids=["missing", "suffix", "empty", "not-image", "bomb", "fifo", "empty-folder"],
)
def test_bad_image_files_refused_clearly(tmp_path, make, words):
    target = make(tmp_path)
    with pytest.raises(MemsimError) as e:
        pat.images(target, (4, 4))
    msg = str(e.value)
    for w in words:
        assert w in msg, msg
    assert "\n" not in msg


def test_truncated_png_refused(tmp_path):
    f = _png(tmp_path / "full.png", np.random.default_rng(0).integers(0, 256, (64, 64)))
    data = f.read_bytes()
    cut = tmp_path / "cut.png"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(MemsimError, match="could not be decoded|truncated"):
        pat.images(cut, (8, 8))


def test_pixel_limits_are_memsims_own(tmp_path, monkeypatch):
    """memsim's limit holds even when a program raised Pillow's (or Pillow's own check fires)."""
    f = _png(tmp_path / "p.png", np.zeros((20, 20)))
    monkeypatch.setattr(pat, "MAX_IMAGE_PIXELS", 399)
    with pytest.raises(MemsimError, match="decompression bomb.*20 x 20"):
        pat.images(f, (4, 4))
    monkeypatch.setattr(pat, "MAX_IMAGE_PIXELS", 10**9)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 50)  # Pillow warns above 50, errors above 100
    with pytest.raises(MemsimError, match="decompression bomb"):
        pat.images(f, (4, 4))


def test_image_arguments_refused(tmp_path, grey_pixels):
    f = _png(tmp_path / "a.png", grey_pixels)
    for kwargs, word in (
        ({"shape": (1, 1)}, "fewer than 2"),
        ({"shape": (0, 4)}, "shape"),
        ({"shape": (4, 4), "binarise": "halftone"}, "threshold, dither, none"),
        ({"shape": (4, 4), "threshold": 1.0}, "between 0 and 1"),
    ):
        with pytest.raises(MemsimError, match=word):
            pat.images(f, **kwargs)
    with pytest.raises(MemsimError, match="no image files"):
        pat.images([], (4, 4))


def test_jpeg_exif_orientation_is_applied(tmp_path):
    """A photo stored sideways with EXIF orientation 6 (shown rotated 90 degrees clockwise) is
    read as it is displayed."""
    stored = np.full((16, 32), 255, np.uint8)
    stored[:, :16] = 0  # left half black as stored
    im = Image.fromarray(stored)
    exif = im.getexif()
    exif[0x0112] = 6
    im.save(tmp_path / "photo.jpg", exif=exif, quality=95)
    X = pat.images(tmp_path / "photo.jpg", (32, 16)).patterns[0].reshape(32, 16)
    shown = np.rot90(stored, k=-1)  # clockwise: the stored left half ends on top
    np.testing.assert_array_equal(X, np.where(shown < 128, 1, -1))


@pytest.mark.parametrize(("flip", "mask", "fill"), [(0.2, 0.0, "random"), (0.1, 0.5, "off")])
def test_grey_cues_corrupt_like_binary_cues(flip, mask, fill):
    """The modern recall's cues for grey patterns make the same random draws as
    memsim.patterns.corrupt: for -1/+1 patterns given as floats (the grey path) they are exactly
    corrupt's cues; for grey patterns the flipped components are negated and the masked ones
    hold the fill."""
    from memsim.experiments.modern import _cues_with_mask
    from memsim.scenario.load import validate

    sc = validate(
        {
            "model": {"kind": "modern"},
            "patterns": {"source": "random", "count": 6, "size": 50},
            "cue": {"flip": flip, "mask": mask, "mask_fill": fill},
            "run": {"seed": 11},
        }
    )
    xi = pat.random_patterns(6, 50, seed=2)
    idx = np.array([0, 2, 5])
    from memsim._rng import generator

    want, want_mask = pat.corrupt(xi[idx], flip, mask, fill, generator(11, 2, 3), return_mask=True)
    got, got_mask = _cues_with_mask(sc, xi.astype(np.float64), idx, 3)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got_mask, want_mask)
    grey = xi.astype(np.float64) * np.linspace(0.1, 1.0, 50)  # same signs, grey magnitudes
    g, g_mask = _cues_with_mask(sc, grey, idx, 3)
    np.testing.assert_array_equal(g_mask, want_mask)
    flipped = (want != xi[idx]) & ~want_mask
    np.testing.assert_allclose(g[flipped], -grey[idx][flipped])
    kept = (want == xi[idx]) & ~want_mask
    np.testing.assert_allclose(g[kept], grey[idx][kept])
    np.testing.assert_array_equal(g[want_mask], want[want_mask])


# ------------------------------------------------------------------ hardening (hostile review) --
@pytest.mark.parametrize("bits", [8, 16])
def test_mid_grey_picture_refused_for_grey_values(tmp_path, bits):
    """A uniform mid-grey picture is nearly the zero vector with binarise 'none' (mean square
    about 1e-5 for 8-bit 128, 2e-10 for 16-bit 32768): refused, naming the file and binarise,
    instead of an overlap <s, x> / <x, x> divided by almost 0."""
    grey = np.full((8, 8), 128 if bits == 8 else 32768, np.uint8 if bits == 8 else np.uint16)
    Image.fromarray(grey).save(tmp_path / "grey.png")
    with pytest.raises(MemsimError) as e:
        pat.images(tmp_path / "grey.png", (8, 8), "none")
    msg = str(e.value)
    assert "grey.png" in msg and "binarise" in msg and "mean square" in msg
    assert str(pat.MIN_GREY_MEAN_SQUARE) in msg or f"{pat.MIN_GREY_MEAN_SQUARE:g}" in msg
    # the same picture binarised is fine (a threshold decides every pixel)
    assert pat.images(tmp_path / "grey.png", (8, 8), "threshold").patterns.shape == (1, 64)
    # a picture just above the floor is kept: mean square of (1 - 2 b) with b = 0.45 is 0.01
    Image.fromarray(np.full((8, 8), round(0.45 * 255), np.uint8)).save(tmp_path / "ok.png")
    X = pat.images(tmp_path / "ok.png", (8, 8), "none").patterns
    assert np.mean(X**2) > pat.MIN_GREY_MEAN_SQUARE


def test_grey_digits_pass_the_floor():
    X = pat.digits(list(range(10)), per_class=5, binarise="none").patterns
    assert (np.mean(X**2, axis=1) >= pat.MIN_GREY_MEAN_SQUARE).all()


def test_broken_scikit_learn_gives_a_clean_message(monkeypatch):
    """scikit-learn built against another numpy raises ValueError on import, not ImportError."""
    import types

    class Broken(types.ModuleType):
        def __getattr__(self, name):
            raise ValueError("numpy.dtype size changed, may indicate binary incompatibility")

    monkeypatch.setattr(pat, "_DIGITS", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", Broken("sklearn.datasets"))
    with pytest.raises(MemsimError) as e:
        pat.digits([1])
    msg = str(e.value)
    assert "numpy.dtype size changed" in msg and "ValueError" in msg
    assert 'pip install "memsim[data]"' in msg and "patterns.source: digits" in msg


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"threshold": "x"}, ["threshold", "'x'", "between 0 and 1"]),
        ({"threshold": None}, ["threshold", "None"]),
        ({"files": None}, ["files", "None", "file or folder path"]),
        ({"files": 5}, ["files", "5", "file or folder path"]),
        ({"files": "a\x00.png"}, ["NUL"]),
        ({"files": ""}, ["empty name"]),
        ({"files": [""]}, ["empty name"]),
        ({"files": [3]}, ["files", "3"]),
        ({"shape": (2**40, 2)}, ["shape", "pixels", "allowed"]),
        ({"shape": (100_000, 100_000)}, ["shape", "pixels", "allowed"]),
        ({"shape": (30_000, 30_000)}, ["shape", "pixels", "allowed"]),
    ],
)
def test_image_api_errors_name_the_argument(tmp_path, monkeypatch, grey_pixels, kwargs, words):
    monkeypatch.chdir(tmp_path)
    _png(tmp_path / "a.png", grey_pixels)  # the current folder holds a good image
    args = {"files": tmp_path / "a.png", "shape": (4, 4), **kwargs}
    with pytest.raises(MemsimError) as e:
        pat.images(**args)
    for w in words:
        assert w in str(e.value), str(e.value)


def test_sizes_checked_against_memory_before_allocating(tmp_path, monkeypatch, grey_pixels):
    """With 1 MiB available, 3000 x 3000 pictures (digits at scale 200, letters at 300) are
    refused naming the argument, before any array is made; digits at scale 10**4 or 2**40 are
    beyond the pixel limit whatever the memory."""
    from memsim import _checks

    f = _png(tmp_path / "a.png", grey_pixels)
    monkeypatch.setattr(_checks, "available_memory", lambda: 2**20)
    with pytest.raises(MemsimError, match="images: shape.*GiB.*available"):
        pat.images(f, (3000, 3000))
    with pytest.raises(MemsimError, match="digits: scale.*available"):
        pat.digits([1], scale=200)
    for scale in (10**4, 2**40):  # beyond the pixel limit (MemoryError, ValueError before)
        with pytest.raises(MemsimError, match="digits: scale.*allowed: scale 1 to 883"):
            pat.digits([1], scale=scale)
    with pytest.raises(MemsimError, match="letters: scale.*available"):
        pat.letters("AB", scale=300)
    # beyond MAX_IMAGE_PIXELS per picture whatever the memory: the allowed range named
    monkeypatch.setattr(_checks, "available_memory", lambda: 2**60)
    with pytest.raises(MemsimError, match=r"digits: scale 884 .*allowed: scale 1 to 883"):
        pat.digits([1], scale=884)
    with pytest.raises(MemsimError, match=r"letters: scale 2000 .*allowed: scale 1 to 1195"):
        pat.letters("A", scale=2000)
    monkeypatch.setattr(_checks, "available_memory", lambda: 2**20)
    # small sizes still pass under the same limit
    assert pat.images(f, (4, 4)).patterns.shape == (1, 16)
    assert pat.digits([1], scale=2).patterns.shape == (1, 256)


def test_corrupt_png_said_truncated_or_corrupt(tmp_path):
    """A PNG with a damaged header chunk (bad CRC) or cut inside its header is not 'not a PNG'."""
    data = _png(tmp_path / "ok.png", np.zeros((8, 8))).read_bytes()
    bad = bytearray(data)
    bad[29] ^= 0xFF  # inside the IHDR CRC
    for name, content in (("crc.png", bytes(bad)), ("cut.png", data[:20])):
        with pytest.raises(MemsimError) as e:
            pat.images(_write(tmp_path / name, content), (4, 4))
        msg = str(e.value)
        assert name in msg and "truncated or corrupt" in msg and "not a PNG" not in msg


def test_corrupt_exif_does_not_leak_warnings(tmp_path):
    """A JPEG whose EXIF block points past its end: Pillow warns 'Corrupt EXIF data'; memsim
    reads the picture as stored and shows no raw warning."""
    import warnings

    im = Image.fromarray(np.zeros((8, 8), np.uint8))
    ifd = (
        b"II*\x00\x08\x00\x00\x00\x02\x00"
        + b"\x12\x01\x03\x00\x01\x00\x00\x00\x06\x00\x00\x00"  # orientation 6
        + b"\x0f\x01\x02\x00\x40\x00\x00\x00\x00\x10\x00\x00"  # 64 bytes far past the end
    )
    im.save(tmp_path / "e.jpg", exif=b"Exif\x00\x00" + ifd)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        X = pat.images(tmp_path / "e.jpg", (8, 8)).patterns
    assert [str(w.message) for w in caught] == []
    assert (X == 1).all()  # black picture: all ink


def test_per_class_names_the_smallest_class():
    counts = pat.digit_counts()
    classes = [0, 1, 8]  # 0 is short of 180 first, 8 is the smallest
    small = min(classes, key=lambda c: (counts[c], c))
    with pytest.raises(MemsimError) as e:
        pat.digits(classes, per_class=180)
    msg = str(e.value)
    assert f"class {small} has only {counts[small]} samples" in msg
    assert f"allowed: 1 to {counts[small]}" in msg


def test_too_many_images_names_the_folder(tmp_path, monkeypatch):
    d = tmp_path / "many"
    d.mkdir()
    for i in range(4):
        _png(d / f"{i}.png", np.zeros((2, 2)))
    monkeypatch.setattr(pat, "MAX_IMAGES", 3)
    with pytest.raises(MemsimError) as e:
        pat.images(d, (2, 2))
    assert "more than 3 images" in str(e.value) and str(d) in str(e.value)


def test_folders_skip_hidden_files_and_subfolders(tmp_path):
    d = tmp_path / "pics"
    d.mkdir()
    _png(d / "a.png", np.zeros((3, 3)))
    (d / "._a.png").write_bytes(b"\x00\x05\x16\x07AppleDouble")  # macOS resource fork
    (d / ".hidden.png").write_bytes(b"junk")
    (d / "album.png").mkdir()  # a subfolder named like an image
    _png(d / "album.png" / "inner.png", np.full((3, 3), 255))
    X, _, labels = pat.images(d, (3, 3))
    assert labels == ("a.png",) and X.shape == (1, 9)


def test_16_bit_grey_transparency_is_white(tmp_path):
    """A 16-bit grey PNG with a tRNS chunk: pixels of the transparent value are laid over white
    (-1), the others scaled from 0..65535."""
    g = np.array([[0, 0], [65535, 1000]], np.uint16)
    Image.fromarray(g).save(tmp_path / "t16.png", transparency=0)
    assert Image.open(tmp_path / "t16.png").info.get("transparency") == 0
    X = pat.images(tmp_path / "t16.png", (2, 2), "none").patterns[0]
    np.testing.assert_allclose(X, [-1, -1, -1, 1 - 2 * 1000 / 65535], atol=1 / 255)
