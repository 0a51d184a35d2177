"""A branch-free exponential that LLVM vectorises inside Numba loops (private).

Numba's ``np.exp`` on a scalar is a call into libm, so a loop of exponentials runs one element at
a time (about 4 ns each on the development machine, against under 1 ns for numpy's SIMD
``np.exp``). :func:`exp64` and :func:`exp32` are plain arithmetic with no call and no branch:
called in a loop (LLVM inlines them) they compile to AVX2/AVX-512 code, 4-16 lanes at a time.

Method (Cody & Waite 1980, "Software manual for the elementary functions", ch. 6; the same
reduction as fdlibm's ``exp``):

* range reduction ``x = k ln 2 + r`` with ``k = round(x / ln 2)`` and ``|r| <= ln(2) / 2``; ln 2
  is split in two parts ``LN2_HI + LN2_LO`` with ``LN2_HI`` short enough that ``k * LN2_HI`` is
  exact, so ``r`` carries no cancellation error;
* ``exp(r)`` by its Taylor polynomial (Horner): degree 13 in float64 (truncation below 5e-18
  relative), degree 7 in float32 (below 6e-9); fused multiply-adds where the CPU has them;
* ``2**k`` built exactly from its IEEE-754 exponent bits, as two factors ``2**k1 * 2**k2``
  (``k1 = k >> 1``) so that results in the subnormal range are rounded once, like libm's, and
  arguments below the smallest subnormal give exactly 0.

Accuracy over the whole float range (tests/unit/test_attention_exp.py, against ``np.exp``): a
few ulp for normal results, the subnormal results within one subnormal step, 0 below
``-745.2`` (float32: ``-103.98``), ``+inf`` above ``709.8`` (float32: ``88.8``), ``exp(-inf) =
0``, ``exp(NaN) = NaN``. Both functions must be compiled without ``reassoc`` (see
:data:`memsim._jit.CONTRACT`): reassociation would fold the two parts of ln 2 together.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from memsim._jit import CONTRACT, jit

# float64: LN2_HI has 32 significant bits, so k * LN2_HI is exact for |k| < 2^21
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e00
_LO64 = -746.0  # below -745.14 the result is 0 (half the smallest subnormal)
_HI64 = 710.0  # above 709.79 the result is inf

# float32: LN2_HI has 9 significant bits, so k * LN2_HI is exact for |k| < 2^15
_LN2_HI32 = np.float32(0.693359375)
_LN2_LO32 = np.float32(-2.12194440e-4)
_INV_LN2_32 = np.float32(1.44269504)
_HALF32 = np.float32(0.5)
_LO32 = np.float32(-104.0)  # below -103.97 the result is 0
_HI32 = np.float32(89.0)  # above 88.72 the result is inf
#: exp64_scaled / exp32_scaled return exp(x) times 2 to these powers: a normal float for every
#: x down to -800 (float64) and -120 (float32), far below the point where exp(x) is 0
SCALED64 = 512
SCALED32 = 64
_LO64_SCALED = -800.0  # k = -1154: exponent field 381
_HI64_SCALED = 350.0  # k = 505: exponent field 2040
_LO32_SCALED = np.float32(-120.0)  # k = -173: exponent field 18
_HI32_SCALED = np.float32(43.0)  # k = 62: exponent field 253
_C32 = tuple(np.float32(c) for c in (1 / 5040, 1 / 720, 1 / 120, 1 / 24, 1 / 6, 0.5, 1.0, 1.0))


@intrinsic
def _f64_from_bits(typingctx, bits):
    """The float64 whose IEEE-754 bits are the int64 ``bits`` (an LLVM bitcast)."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


@intrinsic
def _f32_from_bits(typingctx, bits):
    """The float32 whose IEEE-754 bits are the int32 ``bits`` (an LLVM bitcast)."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.FloatType())

    return types.float32(types.int32), codegen


@intrinsic
def _bits_from_f64(typingctx, x):
    """The IEEE-754 bits of the float64 ``x`` as an int64 (an LLVM bitcast)."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return types.int64(types.float64), codegen


@intrinsic
def _bits_from_f32(typingctx, x):
    """The IEEE-754 bits of the float32 ``x`` as an int32 (an LLVM bitcast)."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(32))

    return types.int32(types.float32), codegen


@intrinsic
def _fma32(typingctx, a, b, c):
    """``a * b + c`` for float32 numbers with a single rounding (``llvm.fma``; one instruction
    where the CPU has fused multiply-adds, vectorised in loops)."""
    sig = types.float32(types.float32, types.float32, types.float32)

    def codegen(context, builder, signature, args):
        f32 = ir.FloatType()
        fnty = ir.FunctionType(f32, [f32, f32, f32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.fma.f32")
        return builder.call(fn, args)

    return sig, codegen


@jit(fastmath=CONTRACT)
def _exp64_parts(x):
    """``(p, k)`` with ``exp(x) = p 2^k`` for a clamped float64 ``x`` (k an int64): the range
    reduction and the Taylor polynomial shared by :func:`exp64` and :func:`exp64_scaled`."""
    k = np.floor(x * _INV_LN2 + 0.5)
    r = (x - k * _LN2_HI) - k * _LN2_LO
    p = 1.0 / 6227020800.0
    p = p * r + 1.0 / 479001600.0
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    return p, np.int64(k)


@jit(fastmath=CONTRACT)
def exp64(x):
    """``exp(x)`` for a float64 ``x`` (any value; see the module docstring)."""
    # clamp keeping NaN (a comparison with NaN is false): -inf and very negative x give 0
    x = _LO64 if x < _LO64 else x
    x = _HI64 if x > _HI64 else x
    p, ki = _exp64_parts(x)
    k1 = ki >> 1
    s1 = _f64_from_bits((k1 + 1023) << 52)
    s2 = _f64_from_bits((ki - k1 + 1023) << 52)
    return (p * s1) * s2


@jit(fastmath=CONTRACT)
def exp64_scaled(x):
    """``exp(x) * 2**SCALED64`` for a float64 ``x <= 350`` (-inf and NaN included).

    One power of two instead of two: the result is a normal float64 (NaN for NaN), so no
    subnormal step is taken and none rounded; multiplying it by ``2**-SCALED64`` (times a
    factor below 2^60) rounds once, as libm's ``exp`` does. Arguments below -800 (-inf too),
    whose ``exp`` is 0 in float64, are taken as -800: a result near ``2**-642``, which gives
    exactly 0 once multiplied by ``2**-SCALED64`` (times a factor below 2^60).
    """
    x = _LO64_SCALED if x < _LO64_SCALED else x
    x = _HI64_SCALED if x > _HI64_SCALED else x
    p, ki = _exp64_parts(x)
    return p * _f64_from_bits((ki + (1023 + SCALED64)) << 52)


@jit(fastmath=CONTRACT)
def _exp32_parts(x):
    """``(p, k)`` with ``exp(x) = p 2^k`` for a clamped float32 ``x`` (k an int32), computed in
    float32: shared by :func:`exp32` and :func:`exp32_scaled`."""
    k = np.floor(x * _INV_LN2_32 + _HALF32)
    r = (x - k * _LN2_HI32) - k * _LN2_LO32
    c0, c1, c2, c3, c4, c5, c6, c7 = _C32
    p = c0 * r + c1
    p = p * r + c2
    p = p * r + c3
    p = p * r + c4
    p = p * r + c5
    p = p * r + c6
    p = p * r + c7
    return p, np.int32(k)


@jit(fastmath=CONTRACT)
def exp32(x):
    """``exp(x)`` for a float32 ``x``, computed in float32 (any value; module docstring)."""
    x = _LO32 if x < _LO32 else x
    x = _HI32 if x > _HI32 else x
    p, ki = _exp32_parts(x)
    k1 = ki >> np.int32(1)
    s1 = _f32_from_bits((k1 + np.int32(127)) << np.int32(23))
    s2 = _f32_from_bits((ki - k1 + np.int32(127)) << np.int32(23))
    return (p * s1) * s2


@jit(fastmath=CONTRACT)
def exp32_scaled(x):
    """``exp(x) * 2**SCALED32`` for a float32 ``x <= 43``, in float32 (-inf and NaN included).

    As :func:`exp64_scaled`: a normal float32 (NaN for NaN) with one power of two; arguments
    below -120 (-inf too; ``exp`` is 0 in float32) are taken as -120, a result near 1.4e-33
    that is 0 in float32 once multiplied by ``2**-SCALED32`` (times a factor below 2^60).
    """
    x = _LO32_SCALED if x < _LO32_SCALED else x
    x = _HI32_SCALED if x > _HI32_SCALED else x
    p, ki = _exp32_parts(x)
    return p * _f32_from_bits((ki + np.int32(127 + SCALED32)) << np.int32(23))
