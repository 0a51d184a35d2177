"""Peer timings for the attention benchmarks: torch (CPU) and the entmax package.

Run by bench_attention.py and peers_attention.py in a separate process (its own venv, e.g.
/work/venv-torch) as ``python peer_attention_torch.py DATA_DIR``: reads the same .npy inputs
that memsim was timed on, times torch's ``scaled_dot_product_attention`` (scale 1, i.e.
memsim's default "dot" score), ``torch.softmax``, one modern Hopfield update as
``sdpa(Q, X, X, scale=beta)`` (optional ``modern`` entries of the spec) and the entmax
package's normalisers, and prints one JSON object ``{name: best seconds}``. Times are the best
of the given repeats after a warm-up.
"""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path

import numpy as np
from _timing import best_of

best = partial(best_of, warmup=1)  # one untimed call, then the best of the repeats


def main() -> None:
    data = Path(sys.argv[1])
    spec = json.loads((data / "spec.json").read_text())
    threads = int(spec["threads"])
    result: dict[str, float] = {}
    try:
        import torch

        torch.set_num_threads(threads)
        sdpa = torch.nn.functional.scaled_dot_product_attention
        result["torch_version"] = torch.__version__
        for name in spec["attention"]:
            q, k, v = (torch.from_numpy(np.load(data / f"{name}_{x}.npy")) for x in "qkv")
            reps, number = spec["repeats"][name]
            result[f"torch_sdpa:{name}"] = best(
                lambda q=q, k=k, v=v: sdpa(q[None], k[None], v[None], scale=1.0),
                reps,
                number=number,
            )
        for name in spec["softmax"]:
            z = torch.from_numpy(np.load(data / f"{name}.npy"))
            result[f"torch_softmax:{name}"] = best(lambda z=z: torch.softmax(z, dim=-1), 10)
        for name in spec.get("modern", []):
            # one modern Hopfield update softmax(beta Q X^T) X = sdpa(Q, X, X, scale=beta)
            x = torch.from_numpy(np.load(data / f"{name}_x.npy"))
            q = torch.from_numpy(np.load(data / f"{name}_q.npy"))
            beta = float(spec["beta"][name])
            result[f"torch_sdpa:{name}"] = best(
                lambda q=q, x=x, beta=beta: sdpa(q[None], x[None], x[None], scale=beta), 5
            )
    except ImportError as exc:
        result["torch_missing"] = str(exc)
    try:
        import entmax
        import torch

        result["entmax_version"] = getattr(entmax, "__version__", "?")
        z = torch.from_numpy(np.load(data / "entmax_z.npy"))
        result["entmax:sparsemax"] = best(lambda: entmax.sparsemax(z, dim=-1), 5)
        result["entmax:entmax15"] = best(lambda: entmax.entmax15(z, dim=-1), 5)
        result["entmax:entmax_bisect"] = best(lambda: entmax.entmax_bisect(z, alpha=1.5, dim=-1), 3)
    except ImportError as exc:
        result["entmax_missing"] = str(exc)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
