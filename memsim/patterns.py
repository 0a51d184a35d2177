"""Pattern sources and cue corruption.

Patterns are rows of a P x N int8 array in {-1, +1}. Sources:

* :func:`random_patterns` -- independent random bits with a chosen mean (bias);
* :func:`letters` -- built-in 7 x 5 bitmaps of the letters A-Z (upscaled on request), the classic
  classroom demonstration of associative recall;
* :func:`load_patterns` -- a user's ``.npy`` or ``.csv`` file (values -1/+1 or 0/1);
* :func:`digits` -- scikit-learn's bundled 8 x 8 handwritten digits, binarised (or grey), a chosen
  subset of classes and samples (needs the optional ``memsim[data]``);
* :func:`images` -- PNG / JPEG files or folders via Pillow, resized, binarised by threshold or
  Floyd-Steinberg dithering (or grey values in [-1, 1] for the modern network).

Cues are stored patterns with a fraction of bits flipped and/or masked (:func:`corrupt`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from memsim._checks import _as_array, choice, real, renamed_keywords
from memsim.errors import MemsimError

# 7 rows x 5 columns per letter; '#' = +1 (ink), '.' = -1 (background).
_FONT = {
    "A": [".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"],
    "B": ["####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."],
    "C": [".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."],
    "D": ["###..", "#..#.", "#...#", "#...#", "#...#", "#..#.", "###.."],
    "E": ["#####", "#....", "#....", "####.", "#....", "#....", "#####"],
    "F": ["#####", "#....", "#....", "####.", "#....", "#....", "#...."],
    "G": [".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"],
    "H": ["#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"],
    "I": [".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."],
    "J": ["..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."],
    "K": ["#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"],
    "L": ["#....", "#....", "#....", "#....", "#....", "#....", "#####"],
    "M": ["#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"],
    "N": ["#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"],
    "O": [".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."],
    "P": ["####.", "#...#", "#...#", "####.", "#....", "#....", "#...."],
    "Q": [".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"],
    "R": ["####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"],
    "S": [".####", "#....", "#....", ".###.", "....#", "....#", "####."],
    "T": ["#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."],
    "U": ["#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."],
    "V": ["#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."],
    "W": ["#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."],
    "X": ["#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"],
    "Y": ["#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."],
    "Z": ["#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"],
}
LETTER_SHAPE = (7, 5)


class Letters(NamedTuple):
    """What :func:`letters` returns: the patterns and the picture shape.

    It unpacks as ``patterns, shape = letters("ABC")`` and also works wherever an array of
    patterns is expected (``store(letters("ABC"))``, ``np.asarray(letters("ABC"))``): it
    converts to its ``patterns``.
    """

    patterns: np.ndarray
    shape: tuple[int, int]

    def __array__(self, dtype=None, copy=None):
        return self.patterns if dtype is None else self.patterns.astype(dtype)


def letters(text: str = "ABCDE", scale: int = 2) -> Letters:
    """Built-in letter bitmaps as patterns.

    Parameters
    ----------
    text : str
        Letters A-Z (case-insensitive), one pattern each, in order.
    scale : int
        Each pixel becomes a ``scale x scale`` block (scale 2 gives 14 x 10 = 140 neurons).

    Returns
    -------
    Letters
        ``(patterns, shape)``: patterns (len(text), 7 scale * 5 scale) int8 of -1/+1, and the
        (rows, cols) of each picture; usable directly as the patterns array.

    Raises
    ------
    MemsimError
        ``text`` empty or holding characters other than A-Z; ``scale`` not an integer >= 1, or
        so large that a letter would have more than ``MAX_IMAGE_PIXELS`` pixels or the patterns
        would not fit in the available memory.

    Examples
    --------
    >>> from memsim.patterns import letters, corrupt
    >>> from memsim.hopfield import store, recall
    >>> X, shape = letters("HELLO")
    >>> out = recall(store(X), corrupt(X, flip=0.2, seed=1), targets=range(5))
    """
    if not isinstance(text, str) or not text:
        raise MemsimError(f"letters: text must be at least one letter A-Z, got {text!r}")
    from memsim import _checks

    scale = _checks.integer(scale, "scale", 1)
    n = LETTER_SHAPE[0] * LETTER_SHAPE[1] * scale * scale
    if n > MAX_IMAGE_PIXELS:
        raise MemsimError(
            f"letters: scale {scale} gives {n:,} pixels per letter; allowed: scale 1 to "
            f"{math.isqrt(MAX_IMAGE_PIXELS // (LETTER_SHAPE[0] * LETTER_SHAPE[1]))} (at most "
            f"{MAX_IMAGE_PIXELS:,} pixels)"
        )
    _checks.check_fits(2 * len(text) * n, "letters: scale", f"{len(text)} letters of {n:,} pixels")
    rows = []
    for ch in text.upper():
        if ch not in _FONT:
            raise MemsimError(f"letters: text holds {ch!r}, not a built-in letter; allowed: A-Z")
        bitmap = np.array([[1 if c == "#" else -1 for c in line] for line in _FONT[ch]], np.int8)
        big = np.kron(bitmap, np.ones((scale, scale), np.int8))
        rows.append(big.ravel())
    shape = (LETTER_SHAPE[0] * scale, LETTER_SHAPE[1] * scale)
    return Letters(np.stack(rows), shape)


#: distributions of :func:`random_patterns`
DISTRIBUTIONS = ("binary", "coin", "gaussian", "sphere")


@renamed_keywords(count="n_patterns", size="n_neurons")
def random_patterns(
    n_patterns: int,
    n_neurons: int,
    bias: float = 0.0,
    rng: np.random.Generator | None = None,
    *,
    seed: int | None = None,
    keys: tuple[int, ...] = (),
    distribution: str = "binary",
    dtype: Any = None,
) -> np.ndarray:
    """Random patterns (rows): the one pattern generator of memsim.

    ``"binary"`` (the default) gives +-1 entries with mean ``bias``, P(xi = +1) = (1 + bias) / 2;
    ``bias = 0`` gives the unbiased patterns of the Hopfield capacity theory (Amit, Gutfreund &
    Sompolinsky 1987); in terms of the mean activity ``a`` of the 0/1 formulation,
    ``bias = 2 a - 1``. ``"coin"`` gives unbiased +-1 entries drawn as integer coin flips, the
    stream of the dense (Krotov & Hopfield 2016) and modern (Ramsauer et al. 2021) capacity
    studies. ``"gaussian"`` gives N(0, 1) entries and ``"sphere"`` points uniform on the sphere
    of radius sqrt(N) (the continuous patterns of Ramsauer et al. 2021, section 3).

    The same arguments always give the same array: ``"binary"`` compares uniform draws with the
    threshold, ``"coin"`` draws bytes for an int8 result and 64-bit integers otherwise (the two
    streams the dense and modern studies have always used).

    Parameters
    ----------
    n_patterns : int >= 1
        P, the number of patterns (rows); >= 0 for ``"coin"``, ``"gaussian"`` and ``"sphere"``.
        (``count`` is a deprecated alias.)
    n_neurons : int >= 2
        N, the number of neurons (columns); >= 1 for ``"coin"``, ``"gaussian"`` and
        ``"sphere"``. (``size`` is a deprecated alias.)
    bias : float in (-1, 1)
        Mean of the entries (``"binary"`` only; the others are unbiased).
    rng : numpy.random.Generator, optional
        Source of randomness; else the keyed stream ``(seed, *keys)``, else fresh entropy.
    seed : int >= 0, optional
        Seed of memsim's keyed stream (:func:`memsim._rng.generator`).
    keys : tuple of int >= 0
        Extra stream keys, e.g. ``(N, P)``; used with ``seed``.
    distribution : {"binary", "coin", "gaussian", "sphere"}
        Distribution of the entries (see above).
    dtype : numpy dtype, optional
        Output dtype: int8 (default) or float64 for ``"binary"`` and ``"coin"``; float64 for
        ``"gaussian"`` and ``"sphere"``.

    Returns
    -------
    (n_patterns, n_neurons) array
        int8 of -1/+1 by default; float64 for ``"gaussian"``, ``"sphere"`` or
        ``dtype=float64``.

    Raises
    ------
    MemsimError
        ``n_patterns``, ``n_neurons``, ``bias``, ``seed``, a key, ``distribution`` or ``dtype``
        out of range (each named).

    References
    ----------
    Amit, D. J., Gutfreund, H. & Sompolinsky, H. (1987). Statistical mechanics of neural
    networks near saturation. Ann. Phys. 173, 30-67 (random patterns with P(xi = +-1) = 1/2).
    Ramsauer, H. et al. (2021). Hopfield networks is all you need. ICLR 2021, arXiv:2008.02217,
    section 3 (patterns on the sphere of radius sqrt(d)).
    """
    from memsim import _checks

    if not isinstance(distribution, str) or distribution not in DISTRIBUTIONS:
        raise MemsimError(
            f"unknown distribution {distribution!r}; allowed: {', '.join(DISTRIBUTIONS)}"
        )
    binary = distribution == "binary"
    n_patterns = _checks.integer(n_patterns, "n_patterns", 1 if binary else 0)
    n_neurons = _checks.integer(n_neurons, "n_neurons", 2 if binary else 1)
    if not -1.0 < bias < 1.0:
        raise MemsimError(f"bias must lie strictly between -1 and 1, got {bias}")
    if bias != 0.0 and not binary:
        raise MemsimError(f"bias must be 0 for the {distribution!r} distribution, got {bias}")
    if dtype is None:
        dtype = np.int8 if distribution in ("binary", "coin") else np.float64
    try:
        out = np.dtype(dtype)
    except TypeError:
        raise MemsimError(f"dtype must be int8 or float64, got {dtype!r}") from None
    if out not in (np.dtype(np.int8), np.dtype(np.float64)) or (
        out == np.int8 and distribution in ("gaussian", "sphere")
    ):
        raise MemsimError(f"dtype {out} is not allowed for {distribution!r} patterns")
    if rng is None and seed is not None:
        from memsim._rng import generator

        rng = generator(seed, *keys)
    rng = rng if rng is not None else np.random.default_rng()
    shape = (n_patterns, n_neurons)
    if binary:
        up = rng.random(shape) < (1.0 + bias) / 2.0
        return np.where(up, 1, -1).astype(out)
    if distribution == "coin":
        if out == np.int8:
            return (2 * rng.integers(0, 2, size=shape, dtype=np.int8) - 1).astype(np.int8)
        return (2.0 * rng.integers(0, 2, size=shape) - 1.0).astype(np.float64)
    g = rng.standard_normal(shape)
    if distribution == "sphere":
        g = g / np.linalg.norm(g, axis=1, keepdims=True) * math.sqrt(n_neurons)
    return g


def load_patterns(path: str | Path) -> np.ndarray:
    """Load patterns from ``.npy`` or ``.csv`` (one pattern per row; -1/+1 or 0/1 values).

    A 3-D ``.npy`` array (P x rows x cols) is flattened to P x (rows cols).

    Parameters
    ----------
    path : str or Path
        A ``.npy`` or ``.csv`` file (rows = patterns; -1/+1 or 0/1 values).

    Returns
    -------
    (P, N) int8 array of -1/+1

    Raises
    ------
    MemsimError
        Missing, special (FIFO, device), empty or oversized file; unreadable content; values
        other than -1/+1 or 0/1; NaN; no patterns.
    """
    from memsim._files import load_array

    p = Path(path)
    a = load_array(p, "pattern file")
    if a.ndim == 3:
        a = a.reshape(a.shape[0], -1)
    if a.ndim != 2:
        raise MemsimError(
            f"pattern file {p}: expected a 2-D array (patterns x neurons), got {a.shape}"
        )
    if a.shape[0] < 1 or a.shape[1] < 2:
        raise MemsimError(f"pattern file {p}: need at least 1 pattern of 2 neurons, got {a.shape}")
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        raise MemsimError(f"pattern file {p}: contains NaN or inf; values must be -1/+1 or 0/1")
    vals = np.unique(a)
    if np.isin(vals, (0, 1)).all() and 0 in vals:
        a = 2 * a.astype(np.int8) - 1
    elif not np.isin(vals, (-1, 1)).all():
        raise MemsimError(
            f"pattern file {p}: values must be -1/+1 or 0/1, found {vals[:5].tolist()}"
        )
    return np.ascontiguousarray(a, dtype=np.int8)


MASK_FILLS = ("random", "off", "on")


def corrupt(
    patterns: np.ndarray,
    flip: float = 0.0,
    mask: float = 0.0,
    mask_fill: str = "random",
    rng: np.random.Generator | None = None,
    return_mask: bool = False,
    seed: int | None = None,
):
    """Cues from patterns: flip a fraction of bits, then mask a fraction.

    Exactly ``round(flip N)`` distinct bits are flipped in each cue (not a binomial number), so the
    initial overlap is exactly ``1 - 2 flip`` up to rounding. Then ``round(mask N)`` distinct bits
    (chosen independently of the flipped ones) are replaced by ``mask_fill``: ``"random"`` (a fair
    coin: the bit carries no information), ``"off"`` (-1, e.g. a blanked part of a picture) or
    ``"on"`` (+1).

    With ``return_mask=True`` returns ``(cues, masked)``, ``masked`` a (B, N) boolean array of
    the masked bits (for clamping the known part of a partial cue). The randomness comes from
    ``rng``, else from ``seed`` (reproducible), else from fresh entropy.

    Parameters
    ----------
    patterns : (P, N) or (N,) array_like of -1/+1
        The patterns to corrupt (one cue per row).
    flip : float in [0, 1]
        Fraction of bits flipped in each cue (exactly round(flip N)).
    mask : float in [0, 1]
        Fraction of bits replaced by ``mask_fill``.
    mask_fill : {"random", "off", "on"}
        What a masked bit becomes.
    rng : numpy.random.Generator, optional
        Source of randomness.
    return_mask : bool
        Also return the (B, N) boolean array of masked bits.
    seed : int >= 0, optional
        Seed when no ``rng`` is given (reproducible cues).

    Returns
    -------
    (P, N) int8 array, or (cues, masked) with ``return_mask``

    Raises
    ------
    MemsimError
        ``patterns`` not a 2-D array of -1/+1; ``flip`` or ``mask`` outside [0, 1]; an unknown
        ``mask_fill``; a bad ``seed``.
    """
    raw = np.atleast_2d(_as_array(patterns, "patterns"))
    if raw.ndim != 2 or raw.dtype.kind not in "biuf" or not np.isin(raw, (-1, 1)).all():
        raise MemsimError(
            "patterns must be a (P, N) array of -1/+1 values, got "
            + (f"shape {raw.shape}" if raw.ndim != 2 else f"dtype {raw.dtype} or other values")
        )
    xi = raw.astype(np.int8)
    flip = real(flip, "flip (the fraction of bits flipped)", 0.0, 1.0)
    mask = real(mask, "mask (the fraction of bits masked)", 0.0, 1.0)
    choice(mask_fill, "mask_fill", MASK_FILLS)
    if rng is None and seed is not None:
        from memsim._rng import generator

        rng = generator(seed)
    rng = rng if rng is not None else np.random.default_rng()
    cues = xi.copy()
    b, n = cues.shape
    k_flip = int(round(flip * n))
    k_mask = int(round(mask * n))
    masked = np.zeros((b, n), dtype=bool)
    for row in range(b):
        if k_flip:
            idx = rng.choice(n, size=k_flip, replace=False)
            cues[row, idx] *= -1
        if k_mask:
            idx = rng.choice(n, size=k_mask, replace=False)
            masked[row, idx] = True
            if mask_fill == "random":
                cues[row, idx] = np.where(rng.random(k_mask) < 0.5, 1, -1)
            else:
                cues[row, idx] = 1 if mask_fill == "on" else -1
    return (cues, masked) if return_mask else cues


# ----------------------------------------------------------------------------- real data ----
# The digits and image sources. Both give pictures: rows of a P x N array plus the picture shape
# (rows, cols) and one label per pattern (the digit class, or the image file's name).


class Pictures(NamedTuple):
    """What :func:`digits` and :func:`images` return: patterns, picture shape and labels.

    ``patterns`` is (P, rows cols): int8 of -1/+1 when binarised, float64 in [-1, 1] for grey
    values; ``shape`` is (rows, cols); ``labels`` names each pattern (its digit class, or its
    image file's name). Works wherever an array of patterns is expected (it converts to its
    ``patterns``).
    """

    patterns: np.ndarray
    shape: tuple[int, int]
    labels: tuple[str, ...]

    def __array__(self, dtype=None, copy=None):
        return self.patterns if dtype is None else self.patterns.astype(dtype)


#: digits: grey levels of scikit-learn's 8 x 8 digits run from 0 (blank) to 16 (full ink)
DIGIT_LEVELS = 16
DIGIT_SHAPE = (8, 8)
DIGIT_PICKS = ("first", "random")
DIGIT_BINARISE = ("threshold", "none")

_DATA_EXTRA = 'pip install "memsim[data]"'


def _digit_data() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled digits as read-only ``(images (1797, 8, 8) float64, target)``."""
    global _DIGITS
    if _DIGITS is not None:
        return _DIGITS
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise MemsimError(
            "the digits pattern source (patterns.source: digits) needs scikit-learn, which is "
            "not installed; scikit-learn is an optional dependency of memsim: install it with "
            f"{_DATA_EXTRA} (or pip install scikit-learn); nothing is downloaded, the digits "
            "ship inside scikit-learn"
        ) from None
    except Exception as exc:  # a broken installation (e.g. built against another numpy)
        raise MemsimError(
            "the digits pattern source (patterns.source: digits) needs scikit-learn, which is "
            f"installed but could not be imported ({type(exc).__name__}: {exc}); reinstall it "
            f"to match this numpy with {_DATA_EXTRA} (or pip install --force-reinstall "
            "scikit-learn)"
        ) from None
    try:
        bunch = load_digits()
    except Exception as exc:
        raise MemsimError(
            "the digits pattern source (patterns.source: digits): scikit-learn could not read "
            f"its bundled digits ({type(exc).__name__}: {exc}); reinstall scikit-learn with "
            f"{_DATA_EXTRA}"
        ) from None
    images = np.array(bunch.images, dtype=np.float64)
    target = np.array(bunch.target, dtype=np.int64)
    images.setflags(write=False)
    target.setflags(write=False)
    _DIGITS = (images, target)
    return _DIGITS


_DIGITS: tuple[np.ndarray, np.ndarray] | None = None


def digit_counts() -> dict[int, int]:
    """How many samples of each class scikit-learn's bundled digits hold.

    Returns
    -------
    dict of int to int
        Class 0-9 to its number of 8 x 8 samples (174 to 183; 1797 in all).

    Raises
    ------
    MemsimError
        scikit-learn is not installed (it comes with ``pip install "memsim[data]"``).

    References
    ----------
    Alpaydin, E. & Kaynak, C. (1998). Optical Recognition of Handwritten Digits. UCI Machine
    Learning Repository (optdigits), as bundled by scikit-learn (``load_digits``).
    """
    _, target = _digit_data()
    return {int(c): int(n) for c, n in enumerate(np.bincount(target, minlength=10))}


def digits(
    classes=range(10),
    per_class: int = 1,
    threshold: int = 8,
    pick: str = "first",
    seed: int = 0,
    scale: int = 1,
    binarise: str = "threshold",
) -> Pictures:
    """Handwritten digits (scikit-learn's bundled 8 x 8 images), binarised, as patterns.

    Each sample is an 8 x 8 picture of grey levels 0 (blank) to 16 (full ink). A pixel becomes
    +1 (ink, drawn black) when its level is ``>= threshold``, else -1. With ``binarise="none"``
    the levels are kept as grey values ``2 level / 16 - 1`` in [-1, 1] (for the modern network,
    whose update works on real vectors). Patterns come class by class in the order of ``classes``,
    ``per_class`` samples of each. Nothing is downloaded: the digits ship with scikit-learn.

    Parameters
    ----------
    classes : iterable of int in 0..9
        The digit classes, in order, each at most once (default all ten).
    per_class : int >= 1
        Samples of each class (at most 174, the size of the smallest class).
    threshold : int in 1..16
        Smallest grey level that counts as ink.
    pick : {"first", "random"}
        ``"first"``: the first ``per_class`` samples of each class in the data set's order;
        ``"random"``: a seeded choice without replacement (kept in the data set's order).
    seed : int >= 0
        Seed of the ``"random"`` pick (ignored for ``"first"``).
    scale : int >= 1
        Each pixel becomes a ``scale x scale`` block (scale 2 gives 16 x 16 = 256 neurons); the
        patterns must fit in the available memory (checked before anything is allocated) and a
        picture may have at most ``MAX_IMAGE_PIXELS`` pixels (scale up to 883).
    binarise : {"threshold", "none"}
        ``"threshold"``: -1/+1 by ``threshold``; ``"none"``: grey values in [-1, 1] (float64).

    Returns
    -------
    Pictures
        ``(patterns, shape, labels)``: patterns (len(classes) per_class, 64 scale^2), int8
        of -1/+1 (float64 in [-1, 1] with ``binarise="none"``); shape ``(8 scale, 8 scale)``;
        labels the class of each pattern as text (``"7"``).

    Raises
    ------
    MemsimError
        scikit-learn missing (install ``memsim[data]``); a class outside 0-9 or listed twice;
        no classes; ``per_class``, ``threshold``, ``scale`` or ``seed`` out of range (``scale``
        also when the patterns would not fit in the available memory); an unknown ``pick`` or
        ``binarise``; with ``binarise="none"``, a sample whose grey values have a mean square
        below ``MIN_GREY_MEAN_SQUARE`` (nearly the zero vector).

    References
    ----------
    Alpaydin, E. & Kaynak, C. (1998). Optical Recognition of Handwritten Digits. UCI Machine
    Learning Repository (optdigits; the 8 x 8 test set of 1797 samples that scikit-learn ships as
    ``sklearn.datasets.load_digits``).

    Examples
    --------
    >>> from memsim.patterns import digits
    >>> X, shape, labels = digits([0, 1, 7], per_class=2)   # doctest: +SKIP
    >>> X.shape, shape, labels                               # doctest: +SKIP
    ((6, 64), (8, 8), ('0', '0', '1', '1', '7', '7'))
    """
    from memsim import _checks as _args

    if isinstance(classes, int | np.integer):
        classes = [classes]
    try:
        cls = [_args.integer(c, "digits: each class", 0) for c in classes]
    except TypeError:
        raise MemsimError(
            f"digits: classes must be a list of digits 0-9, got {classes!r}"
        ) from None
    if not cls:
        raise MemsimError("digits: give at least one class (allowed: 0-9)")
    bad = [c for c in cls if c > 9]
    if bad:
        raise MemsimError(f"digits: class {bad[0]} does not exist; allowed: 0-9")
    dup = sorted({c for c in cls if cls.count(c) > 1})
    if dup:
        raise MemsimError(f"digits: class {dup[0]} is listed twice; give each class once")
    per_class = _args.integer(per_class, "digits: per_class", 1)
    threshold = _args.integer(threshold, "digits: threshold", 1)
    if threshold > DIGIT_LEVELS:
        raise MemsimError(
            f"digits: threshold must lie in 1..{DIGIT_LEVELS} (grey levels run 0-16), got "
            f"{threshold}"
        )
    scale = _args.integer(scale, "digits: scale", 1)
    if pick not in DIGIT_PICKS:
        raise MemsimError(f"digits: unknown pick {pick!r}; allowed: {', '.join(DIGIT_PICKS)}")
    seed = _args.seed(seed, "digits: seed")
    if binarise not in DIGIT_BINARISE:
        raise MemsimError(
            f"digits: unknown binarise {binarise!r}; allowed: {', '.join(DIGIT_BINARISE)}"
        )
    images, target = _digit_data()
    counts = np.bincount(target, minlength=10)
    problem = per_class_problem({c: int(counts[c]) for c in cls}, per_class)
    if problem:
        raise MemsimError(f"digits: {problem}")
    n_pat, side = len(cls) * per_class, DIGIT_SHAPE[0] * scale
    if side * side > MAX_IMAGE_PIXELS:
        top = math.isqrt(MAX_IMAGE_PIXELS) // DIGIT_SHAPE[0]
        raise MemsimError(
            f"digits: scale {scale} gives {side} x {side} pixels per pattern; allowed: scale 1 "
            f"to {top} (at most {MAX_IMAGE_PIXELS:,} pixels)"
        )
    # the patterns and one copy of them while they are assembled, checked before allocating
    _args.check_fits(
        2 * n_pat * side * side * (8 if binarise == "none" else 1),
        "digits: scale",
        f"{n_pat} patterns of {side} x {side} pixels",
    )
    rng = None
    if pick == "random":
        from memsim._rng import generator

        rng = generator(seed)
    chosen = []
    for c in cls:
        where = np.flatnonzero(target == c)
        if rng is None:
            chosen.append(where[:per_class])
        else:
            chosen.append(np.sort(rng.choice(where, size=per_class, replace=False)))
    idx = np.concatenate(chosen)
    levels = images[idx]  # (P, 8, 8)
    if binarise == "none":
        pics = 2.0 * levels / DIGIT_LEVELS - 1.0
    else:
        pics = np.where(levels >= threshold, 1, -1).astype(np.int8)
    block = np.ones((scale, scale), dtype=pics.dtype)
    big = np.stack([np.kron(p, block) for p in pics])
    shape = (DIGIT_SHAPE[0] * scale, DIGIT_SHAPE[1] * scale)
    labels = tuple(str(int(target[i])) for i in idx)
    out = np.ascontiguousarray(big.reshape(len(idx), -1))
    if binarise == "none":
        names = [f"class {lab} sample {i}" for lab, i in zip(labels, idx, strict=True)]
        _check_grey(out, names, "digit")
    return Pictures(out, shape, labels)


def per_class_problem(counts: dict[int, int], per_class: int) -> str | None:
    """Why ``per_class`` samples cannot be taken of each chosen digit class.

    Parameters
    ----------
    counts : dict of int to int
        Each chosen class to its number of samples (see :func:`digit_counts`).
    per_class : int
        Samples wanted of each class.

    Returns
    -------
    str or None
        One sentence naming the smallest class (the one that sets the limit) and the allowed
        range; None when every class has enough samples.

    Raises
    ------
    ValueError
        ``counts`` is empty.

    References
    ----------
    Alpaydin, E. & Kaynak, C. (1998). Optical Recognition of Handwritten Digits. UCI Machine
    Learning Repository (the class sizes of the optdigits test set that scikit-learn ships).
    """
    small = min(counts, key=lambda c: (counts[c], c))
    if counts[small] >= per_class:
        return None
    return (
        f"per_class is {per_class} but class {small} has only {counts[small]} samples, the "
        f"fewest of the classes chosen (allowed: 1 to {counts[small]} for these classes)"
    )


#: grey patterns (``binarise="none"``) whose mean square value is below this floor are refused:
#: such a pattern is nearly the zero vector (a uniform mid-grey picture), and the overlap
#: <s, x> / <x, x> that the modern network reports for grey patterns would divide by almost 0
MIN_GREY_MEAN_SQUARE = 1e-3


def _check_grey(pats: np.ndarray, names, what: str) -> None:
    """Refuse grey patterns too close to the zero vector (see ``MIN_GREY_MEAN_SQUARE``)."""
    ms = np.einsum("pd,pd->p", pats, pats) / pats.shape[1]
    low = np.flatnonzero(ms < MIN_GREY_MEAN_SQUARE)
    if low.size:
        i = int(low[0])
        raise MemsimError(
            f"{what} {names[i]}: its grey values (binarise 'none') are all close to mid-grey "
            f"(mean square {ms[i]:.2g}, below memsim's floor {MIN_GREY_MEAN_SQUARE:g}); such a "
            "pattern is nearly the zero vector and its overlap <s, x> / <x, x> is not defined: "
            "use binarise 'threshold' or 'dither', or a picture with more contrast"
        )


#: image files read by :func:`images` (by suffix, case-insensitive)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
IMAGE_BINARISE = ("threshold", "dither", "none")
#: largest image file read
MAX_IMAGE_BYTES = 64 * 2**20
#: most pixels of an image before it is resized (a small file that decodes to a huge picture,
#: a "decompression bomb", is refused before it is decoded)
MAX_IMAGE_PIXELS = 50_000_000
#: most images one source reads
MAX_IMAGES = 10_000


def image_files(paths) -> list[Path]:
    """The image files that ``paths`` name: files as given, folders as their images in sorted
    order of file name.

    A folder gives its files ending in ``.png``, ``.jpg`` or ``.jpeg`` (any case); hidden
    files (names starting with ``.``, such as the ``._name.png`` files macOS leaves on shared
    drives) and subfolders (whatever their names) are skipped, and subfolders are not entered.

    Parameters
    ----------
    paths : str, Path or list of them
        PNG / JPEG files (suffix ``.png``, ``.jpg`` or ``.jpeg``, any case) and folders.

    Returns
    -------
    list of Path
        The files, in the order given (each folder's images sorted by name).

    Raises
    ------
    MemsimError
        ``paths`` not a path or a list of paths; an empty path or one holding a NUL character;
        a path that does not exist; a file with another suffix; a folder without images; more
        than ``MAX_IMAGES`` images; no paths at all.
    """
    import os
    import stat

    allowed = "a file or folder path (non-empty text), or a list of them"
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    elif isinstance(paths, bytes) or not hasattr(paths, "__iter__"):
        raise MemsimError(f"images: files must be {allowed}, got {paths!r}")
    out: list[Path] = []
    for raw in paths:
        if not isinstance(raw, str | os.PathLike):
            raise MemsimError(f"images: files must be {allowed}; one entry is {raw!r}")
        text = os.fspath(raw)
        if not isinstance(text, str) or not text:
            raise MemsimError(
                f"images: files holds an empty name ({raw!r}); give {allowed} (an empty name "
                "would mean the current folder: write '.' for that)"
            )
        if "\x00" in text:
            raise MemsimError(f"images: file name {text!r} holds a NUL character; give {allowed}")
        p = Path(text).expanduser()
        try:
            st = os.stat(p)
        except FileNotFoundError:
            raise MemsimError(f"image path {p} does not exist") from None
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise MemsimError(f"image path {p} cannot be read: {reason}") from None
        if stat.S_ISDIR(st.st_mode):
            try:
                names = sorted(
                    e.name
                    for e in os.scandir(p)
                    if e.name.lower().endswith(IMAGE_SUFFIXES)
                    and not e.name.startswith(".")
                    and not e.is_dir()
                )
            except OSError as exc:
                raise MemsimError(
                    f"image folder {p} cannot be listed: {exc.strerror or exc}"
                ) from None
            if not names:
                raise MemsimError(
                    f"image folder {p} holds no images (files ending in "
                    f"{', '.join(IMAGE_SUFFIXES)}, hidden files and subfolders skipped); it "
                    "needs at least one"
                )
            out.extend(p / n for n in names)
        elif not p.name.lower().endswith(IMAGE_SUFFIXES):
            raise MemsimError(
                f"image file {p}: unsupported type {p.suffix or '(no suffix)'!r}; allowed: "
                f"{', '.join(IMAGE_SUFFIXES)} files or a folder of them"
            )
        else:
            out.append(p)
        if len(out) > MAX_IMAGES:
            where = "image folder" if stat.S_ISDIR(st.st_mode) else "image file"
            raise MemsimError(
                f"more than {MAX_IMAGES} images with {where} {p}; memsim reads at most that many "
                "(give fewer files or folders)"
            )
    if not out:
        raise MemsimError("no image files given: name at least one file or folder")
    return out


_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"


def _image_brightness(path: Path, shape: tuple[int, int]) -> tuple[np.ndarray, object]:
    """Brightness in [0, 1] (0 black) of a user's image resized to ``shape``, as a float64
    array, and the resized 8-bit Pillow image (for dithering). The file is opened through
    :func:`memsim._files.open_regular` and read into memory; it is never written. Pillow's
    warnings are not shown (corrupt EXIF data: the picture is used as stored)."""
    import io
    import warnings

    from PIL import Image, UnidentifiedImageError

    from memsim._files import _size_text, open_regular

    f, size = open_regular(path, "image file", MAX_IMAGE_BYTES)
    with f:
        data = f.read(MAX_IMAGE_BYTES + 1)
    if size == 0 or not data:
        raise MemsimError(f"image file {path} is empty (0 bytes)")
    if len(data) > MAX_IMAGE_BYTES:
        raise MemsimError(f"image file {path} is larger than {_size_text(MAX_IMAGE_BYTES)}")
    bomb = (
        f"image file {path} would decode to more than {MAX_IMAGE_PIXELS:,} pixels (a "
        "'decompression bomb', or simply a huge picture); memsim reads pictures up to that size: "
        "shrink it first"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Corrupt EXIF data": not shown raw
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data), formats=["PNG", "JPEG"])
            w, h = im.size
            if w * h > MAX_IMAGE_PIXELS:
                raise MemsimError(bomb + f" (it is {w} x {h})")
            im.load()
            im = _upright(im)
            im = _to_grey(im)
            rows, cols = shape
            small = im.resize((cols, rows), Image.Resampling.BOX)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise MemsimError(bomb) from None
    except UnidentifiedImageError:
        if data.startswith((_PNG_MAGIC, _JPEG_MAGIC)):
            kind = "PNG" if data.startswith(_PNG_MAGIC) else "JPEG"
            raise MemsimError(
                f"image file {path} starts like a {kind} image but cannot be read: it is "
                "truncated or corrupt"
            ) from None
        raise MemsimError(
            f"image file {path} is not a PNG or JPEG image (its content is not recognised, "
            "whatever its suffix)"
        ) from None
    except MemsimError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        raise MemsimError(
            f"image file {path} could not be decoded (truncated or corrupt?): {exc}"
        ) from None
    level = np.clip(np.asarray(small, dtype=np.float64), 0.0, 255.0)
    eight_bit = Image.fromarray(np.rint(level).astype(np.uint8))
    return level / 255.0, eight_bit


def _upright(im):
    """A photo turned upright by its EXIF orientation; as stored when the EXIF data are
    unreadable (corrupt EXIF does not stop the picture from being used)."""
    from PIL import ImageOps

    try:
        return ImageOps.exif_transpose(im)
    except Exception:  # noqa: BLE001 - any EXIF parsing failure: keep the stored orientation
        return im


def _to_grey(im):
    """A Pillow image as one grey channel: "L" (8 bit) or "F" (16-bit sources, 0-255 floats).
    Transparent pixels are laid over white (a drawing on a transparent background)."""
    from PIL import Image

    mode = im.mode
    if mode.startswith("I"):  # 16-bit (or 32-bit integer) grey PNG
        raw = np.asarray(im)
        full = 65535.0 if mode.startswith("I;16") or raw.max() > 255 else 255.0
        arr = raw.astype(np.float64) * (255.0 / full)
        t = im.info.get("transparency")
        if isinstance(t, int | np.integer):  # a PNG tRNS chunk: pixels of this value are clear
            arr[raw == t] = 255.0
        return Image.fromarray(arr.astype(np.float32), mode="F")
    if mode == "F":
        return im
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info:
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("L")
    return im.convert("L")


def images(
    files,
    shape: tuple[int, int],
    binarise: str = "threshold",
    threshold: float = 0.5,
    invert: bool = False,
) -> Pictures:
    """PNG / JPEG pictures (files, or folders of them) as patterns, via Pillow.

    Each picture is turned upright by its EXIF orientation (photos; as stored when the EXIF data
    are corrupt), converted to one grey channel (transparent pixels laid over white), resized
    to ``shape`` (box filter: each pixel the mean of the area it covers, no ringing) and turned
    into a pattern. Dark pixels become +1 (ink, drawn
    black in memsim's pictures) and light pixels -1, so the patterns look like the files;
    ``invert=True`` swaps them (light drawings on a dark background):

    * ``"threshold"``: +1 where the brightness b (0 black .. 1 white) is below ``threshold``;
    * ``"dither"``: Floyd-Steinberg error diffusion (Pillow's), which keeps the mean grey level
      of every region as a density of +1 pixels;
    * ``"none"``: grey values ``1 - 2 b`` in [-1, 1] (float64: -1 white, +1 black), for the
      modern network (its update ``X^T softmax(beta X xi)`` works on real vectors). A picture
      whose grey values have a mean square below ``MIN_GREY_MEAN_SQUARE`` (a uniform mid-grey:
      nearly the zero vector, whose overlap <s, x> / <x, x> is undefined) is refused.

    The files are only read (regular files up to ``MAX_IMAGE_BYTES``; pictures of more than
    ``MAX_IMAGE_PIXELS`` pixels are refused before they are decoded). Folders give their image
    files sorted by name, skipping hidden files and subfolders (see :func:`image_files`). The
    size of the patterns (images x rows x cols) is checked against the available memory before
    any picture is decoded.

    Parameters
    ----------
    files : str, Path or list of them
        Image files (``.png``, ``.jpg``, ``.jpeg``) and folders (their images, sorted by name);
        no empty names.
    shape : (int, int)
        (rows, cols) of every pattern's picture, each >= 1, rows cols from 2 to
        ``MAX_IMAGE_PIXELS``, and all the patterns within the available memory.
    binarise : {"threshold", "dither", "none"}
        How grey levels become pattern values (see above).
    threshold : float in (0, 1)
        Brightness below which a pixel is ink (``"threshold"`` only).
    invert : bool
        Light pixels become +1 instead.

    Returns
    -------
    Pictures
        ``(patterns, shape, labels)``: patterns (P, rows cols) int8 of -1/+1 (float64 in [-1, 1]
        for ``binarise="none"``), one row per image in order; the shape; labels the file names.

    Raises
    ------
    MemsimError
        Naming the file: missing, not a regular file (folder without images, FIFO, device),
        empty, too large, not a PNG / JPEG, truncated or corrupt, a decompression bomb, a
        mid-grey picture with ``binarise="none"``; naming the argument: ``files`` not paths
        (or an empty name), a bad ``shape`` (also one whose patterns would not fit in memory),
        ``binarise`` or ``threshold``.

    References
    ----------
    Floyd, R. W. & Steinberg, L. (1976). An adaptive algorithm for spatial greyscale. Proceedings
    of the Society for Information Display 17(2), 75-77 (the error-diffusion weights 7/16, 3/16,
    5/16, 1/16).
    """
    from memsim import _checks as _args

    try:
        rows, cols = (int(_args.integer(s, "images: shape", 1)) for s in shape)
    except (TypeError, ValueError):
        raise MemsimError(f"images: shape must be (rows, cols), got {shape!r}") from None
    if rows * cols < 2:
        raise MemsimError(f"images: shape {shape} has fewer than 2 pixels (neurons)")
    if rows * cols > MAX_IMAGE_PIXELS:
        raise MemsimError(
            f"images: shape {shape} has {rows * cols:,} pixels; allowed: rows x cols from 2 to "
            f"{MAX_IMAGE_PIXELS:,}"
        )
    if not isinstance(binarise, str) or binarise not in IMAGE_BINARISE:
        raise MemsimError(
            f"images: unknown binarise {binarise!r}; allowed: {', '.join(IMAGE_BINARISE)}"
        )
    try:
        if isinstance(threshold, bool):
            raise TypeError
        thr = float(threshold)
    except (TypeError, ValueError):
        raise MemsimError(
            f"images: threshold must be a number strictly between 0 and 1, got {threshold!r}"
        ) from None
    if not 0.0 < thr < 1.0:
        raise MemsimError(f"images: threshold must lie strictly between 0 and 1, got {threshold}")
    paths = image_files(files)
    grey = binarise == "none"
    # the patterns, plus one picture's working copies (float64 and 8-bit), before any decoding
    n = rows * cols
    _args.check_fits(
        len(paths) * n * (8 if grey else 1) + n * 32,
        "images: shape",
        f"{len(paths)} pictures of {rows} x {cols} pixels",
    )
    pats = np.empty((len(paths), n), dtype=np.float64 if grey else np.int8)
    for k, p in enumerate(paths):
        b, eight_bit = _image_brightness(p, (rows, cols))
        if grey:
            v = 1.0 - 2.0 * b
            pats[k] = (-v if invert else v).ravel()
            continue
        if binarise == "threshold":
            ink = b < thr
        else:
            from PIL import Image

            white = np.asarray(eight_bit.convert("1", dither=Image.Dither.FLOYDSTEINBERG), bool)
            ink = ~white
        if invert:
            ink = ~ink
        pats[k] = np.where(ink, 1, -1).ravel()
    if grey:
        _check_grey(pats, [str(p) for p in paths], "image file")
    return Pictures(pats, (rows, cols), tuple(p.name for p in paths))
