"""float32 inputs whose scores overflow float32 but not float64 (review s5, defects a and b).

Every path (any batch size of ``modern.retrieve``, every method of ``attend``, both methods of
``softmax_readout``) computes such an update in float64 and returns float32; only scores beyond
the float64 range are refused, with a message naming that range and the function called.
Results are compared with a plain numpy float64 softmax written here.
"""

from __future__ import annotations

import numpy as np
import pytest

from memsim.attention import attend, softmax_readout
from memsim.errors import MemsimError
from memsim.hopfield.modern import retrieve

F32_MAX = float(np.finfo(np.float32).max)
TOL32 = 4 * float(np.finfo(np.float32).eps)


def _softmax_read64(q, k, v, scale=1.0, mask=None):
    """softmax(scale q k^T) v in float64 (max-shifted), and the weights."""
    s = scale * (q.astype(np.float64) @ k.astype(np.float64).T)
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    e = np.exp(s - s.max(axis=1, keepdims=True))
    w = e / e.sum(axis=1, keepdims=True)
    return w @ v.astype(np.float64), w


def _sparsemax64(z):
    """Sparsemax of each row (Martins & Astudillo 2016, eq. 2), plain numpy float64; rows are
    shifted by their maximum first (sparsemax is shift-invariant)."""
    z = z - z.max(axis=1, keepdims=True)
    zs = -np.sort(-z, axis=1)
    cs = np.cumsum(zs, axis=1)
    r = np.arange(1, z.shape[1] + 1)
    support = 1 + r * zs > cs
    kk = support.sum(axis=1)
    tau = (cs[np.arange(z.shape[0]), kk - 1] - 1) / kk
    return np.maximum(z - tau[:, None], 0.0)


def _close32(got, ref):
    assert got.dtype == np.float32
    scale = max(1.0, float(np.abs(ref).max()))
    np.testing.assert_allclose(got.astype(np.float64), ref, rtol=0, atol=TOL32 * scale)


def _big_patterns(p=300, d=32, seed=1):
    rng = np.random.default_rng(seed)
    return (rng.choice([-1.0, 1.0], size=(p, d)) * 1e19).astype(np.float32)


# ------------------------------------------------------------------------------------------------
# (a) modern Hopfield retrieve
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("b", [1, 8, 10, 11, 16, 64])
def test_retrieve_float32_scores_beyond_float32_every_batch_size(b):
    x = _big_patterns()
    ref, _ = _softmax_read64(x[:b], x, x)
    s = x[:b].astype(np.float64) @ x.astype(np.float64).T
    assert np.abs(s).max() > F32_MAX and np.isfinite(s).all()  # the case under test
    out = retrieve(x, x[:b], 1.0)
    _close32(out, ref)
    assert np.array_equal(out, x[:b])  # each stored pattern is a fixed point here


@pytest.mark.parametrize("b", [4, 32])
def test_retrieve_float32_scaled_queries_beyond_float32(b):
    """beta * xi overflows float32 (1e19 * 1e20) before any score is formed."""
    x = _big_patterns(p=50, d=16, seed=2)
    q = (x[:b] * np.float32(0.5)).astype(np.float32)
    ref, _ = _softmax_read64(q, x, x, scale=1e20)
    _close32(retrieve(x, q, 1e20), ref)


@pytest.mark.parametrize("b", [1, 32])
def test_retrieve_float32_sparsemax_scores_beyond_float32(b):
    x = _big_patterns(p=40, d=16, seed=3)
    q = x[:b]
    z = q.astype(np.float64) @ x.astype(np.float64).T
    ref = _sparsemax64(z) @ x.astype(np.float64)
    _close32(retrieve(x, q, 1.0, normaliser="sparsemax"), ref)


@pytest.mark.parametrize("b", [1, 16])
def test_retrieve_float32_beyond_float64_is_refused_naming_float64(b):
    x = _big_patterns(p=20, d=8, seed=4)
    with pytest.raises(MemsimError, match="float64 range"):
        retrieve(x, x[:b], 1e300)


# ------------------------------------------------------------------------------------------------
# (b) attend / softmax_readout
# ------------------------------------------------------------------------------------------------


def _tied_keys(b=4, k=6, d=8, seed=0):
    """Queries and keys all 1e19 (every score 8e38 > float32 max: uniform weights) and random
    float32 values, so the answer is the mean of the values, not one value."""
    rng = np.random.default_rng(seed)
    q = np.full((b, d), 1e19, np.float32)
    keys = np.full((k, d), 1e19, np.float32)
    v = rng.standard_normal((k, 5)).astype(np.float32)
    return q, keys, v


@pytest.mark.parametrize("method", ["auto", "matrix", "chunked", "fused"])
def test_attend_float32_scores_beyond_float32_every_method(method):
    q, k, v = _tied_keys()
    ref, _ = _softmax_read64(q, k, v)
    _close32(attend(q, k, v, method=method), ref)


@pytest.mark.parametrize("method", ["chunked", "fused"])
def test_softmax_readout_float32_scores_beyond_float32(method):
    x = _big_patterns(p=64, d=32, seed=5)
    rng = np.random.default_rng(6)
    v = rng.standard_normal((64, 3)).astype(np.float32)
    ref, _ = _softmax_read64(x[:20], x, v)
    _close32(softmax_readout(x[:20], x, v, method=method), ref)


def test_attend_float32_overflow_with_mask_weights_and_one_query():
    q, k, v = _tied_keys(b=3, k=7)
    mask = np.ones((3, 7), bool)
    mask[0, :4] = False
    mask[2, 1::2] = False
    ref, w_ref = _softmax_read64(q, k, v, mask=mask)
    read, w = attend(q, k, v, mask=mask, return_weights=True)
    _close32(read, ref)
    _close32(w, w_ref)
    one = attend(q[0], k, v[:, 0], mask=mask[0])  # 1-D query and 1-D values
    assert one.shape == ()
    _close32(np.atleast_1d(one), ref[0:1, 0])


@pytest.mark.parametrize("method", ["auto", "chunked", "fused"])
def test_attend_float32_cosine_with_beta_beyond_float32(method):
    rng = np.random.default_rng(7)
    q = rng.standard_normal((5, 6)).astype(np.float32)
    k = rng.standard_normal((9, 6)).astype(np.float32)
    v = rng.standard_normal((9, 4)).astype(np.float32)
    qn = q.astype(np.float64) / np.linalg.norm(q.astype(np.float64), axis=1, keepdims=True)
    kn = k.astype(np.float64) / np.linalg.norm(k.astype(np.float64), axis=1, keepdims=True)
    ref, _ = _softmax_read64(qn, kn, v, scale=1e39)
    _close32(attend(q, k, v, "cosine", method=method, beta=1e39), ref)


@pytest.mark.parametrize("method", ["auto", "matrix", "chunked", "fused"])
def test_float32_beyond_float64_refused_by_every_method_naming_the_caller(method):
    q, k, v = _tied_keys()
    with pytest.raises(MemsimError) as e:
        attend(q, k, v, method=method, beta=1e300)
    assert str(e.value).startswith("attend:"), str(e.value)
    if method in ("chunked", "fused"):
        with pytest.raises(MemsimError) as e:
            softmax_readout(q, k, v, method=method, beta=1e300)
        assert str(e.value).startswith("softmax_readout:"), str(e.value)


@pytest.mark.parametrize("method", ["auto", "matrix", "chunked", "fused"])
def test_attend_float32_stays_float32_every_method(method):
    rng = np.random.default_rng(0)
    q = rng.normal(size=(4, 8)).astype(np.float32)
    k = rng.normal(size=(6, 8)).astype(np.float32)
    ref, _ = _softmax_read64(q, k, k)
    _close32(attend(q, k, k, method=method), ref)
    _close32(softmax_readout(q, k, k, method="fused"), ref)
