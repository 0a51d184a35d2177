"""Studies: sweeps over random pattern sets, sizes and parameters, one module per engine.

Engines (:mod:`memsim.hopfield`, :mod:`memsim.ntm`, :mod:`memsim.kv`, ...) hold the physics;
the studies here call their public API many times and tabulate the results. The scenario
runners of :mod:`memsim.experiments` call these studies, and so can a notebook::

    from memsim.experiments.studies.dense import capacity_table
    table = capacity_table([100, 200], orders=(2, 3))

The former homes (``memsim.hopfield.dense.measure_capacity`` and the like) still work.
"""
