"""Pattern sources and cue corruption.

Patterns are rows of a P x N int8 array in {-1, +1}. Sources:

* :func:`random_patterns` -- independent random bits with a chosen mean (bias);
* :func:`letters` -- built-in 7 x 5 bitmaps of the letters A-Z (upscaled on request), the classic
  classroom demonstration of associative recall;
* :func:`load_patterns` -- a user's ``.npy`` or ``.csv`` file (values -1/+1 or 0/1).

Cues are stored patterns with a fraction of bits flipped and/or masked (:func:`corrupt`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from memsim._checks import renamed_keywords
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
        ``text`` empty or holding characters other than A-Z; ``scale`` not an integer >= 1.

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
    raw = np.atleast_2d(np.asarray(patterns))
    if raw.ndim != 2 or raw.dtype.kind not in "biuf" or not np.isin(raw, (-1, 1)).all():
        raise MemsimError(
            "patterns must be a (P, N) array of -1/+1 values, got "
            + (f"shape {raw.shape}" if raw.ndim != 2 else f"dtype {raw.dtype} or other values")
        )
    xi = raw.astype(np.int8)
    if not 0.0 <= flip <= 1.0:
        raise MemsimError(f"flip (the fraction of bits flipped) must be within [0, 1], got {flip}")
    if not 0.0 <= mask <= 1.0:
        raise MemsimError(f"mask (the fraction of bits masked) must be within [0, 1], got {mask}")
    if mask_fill not in MASK_FILLS:
        raise MemsimError(f"unknown mask_fill {mask_fill!r}; allowed: {', '.join(MASK_FILLS)}")
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
