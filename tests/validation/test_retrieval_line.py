"""The fast, cached AGS retrieval line (memsim.theory.ags_retrieval_line) against the slow
point-by-point solution T_M(alpha) (memsim.theory.ags_retrieval_boundary)."""

import numpy as np
import pytest

from memsim import theory


@pytest.mark.parametrize("alpha", [0.02, 0.08, 0.125])
def test_line_matches_the_slow_boundary(alpha):
    a, t = theory.ags_retrieval_line()
    upper = t > theory._ags_reentrance_peak()[0]
    t_fast = np.interp(alpha, a[upper][::-1], t[upper][::-1])
    assert t_fast == pytest.approx(float(theory.ags_retrieval_boundary(alpha)), abs=2e-4)


def test_line_ends():
    a, t = theory.ags_retrieval_line()
    assert a[0] == pytest.approx(theory.ags_critical_load()[0], rel=1e-9)  # T = 0: alpha_c
    assert t[-1] == 1.0 and a[-1] == pytest.approx(0.0, abs=1e-12)
    assert not a.flags.writeable
