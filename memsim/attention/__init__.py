"""Attention library: scores, normalisers, read-outs and the rest of the attention taxonomy.

Shapes: queries are rows (B x d_q, or one d_q-vector), keys rows (K x d_k), values rows
(K x d_v); weights (attention maps) are B x K. ``-inf`` scores and ``False`` mask entries mark
masked keys (weight exactly 0). Sources: Bahdanau, Cho & Bengio (2015); Luong, Pham & Manning
(2015); Vaswani et al. (2017), eq. 1; Martins & Astudillo (2016); Peters, Niculae & Martins (2019).

Scores (:mod:`memsim.attention.scores`)
    :func:`score`, registry :data:`SCORES` (dot, scaled_dot, cosine, general, additive,
    neg_sq_distance).
Normalisers (:mod:`memsim.attention.normalisers`)
    :func:`softmax`, :func:`sparsemax`, :func:`entmax15`, :func:`entmax_bisect`, :func:`hard`,
    :func:`topk`, :func:`normalise`, registry :data:`NORMALISERS`, :func:`compare_normalisers`.
Read-outs (:mod:`memsim.attention.readouts`)
    :func:`attend` (key-value attention), :func:`soft_attention`, :func:`softmax_readout`
    (fused Numba kernel, no B x K matrix), :func:`global_attention`, :func:`local_attention`,
    :func:`predict_positions`, :func:`multi_head_attention`, :func:`random_multi_head_weights`,
    :func:`self_attention`, :func:`causal_mask`, :func:`pointer_attention`.
Taxonomy (:mod:`memsim.attention.taxonomy`)
    :func:`sinusoidal_position_encoding`, :func:`hierarchical_attention_pool`,
    :func:`multidimensional_attention`, :func:`co_attention`.
"""

from memsim.attention.normalisers import (
    NORMALISERS,
    NormaliserOutcome,
    compare_normalisers,
    entmax15,
    entmax_bisect,
    hard,
    normalise,
    softmax,
    sparsemax,
    topk,
)
from memsim.attention.readouts import (
    attend,
    causal_mask,
    global_attention,
    local_attention,
    multi_head_attention,
    pointer_attention,
    predict_positions,
    random_multi_head_weights,
    self_attention,
    soft_attention,
    softmax_readout,
)
from memsim.attention.scores import SCORES, score
from memsim.attention.taxonomy import (
    CoAttention,
    HierarchicalPooling,
    co_attention,
    hierarchical_attention_pool,
    multidimensional_attention,
    sinusoidal_position_encoding,
)

__all__ = [
    "NORMALISERS",
    "SCORES",
    "CoAttention",
    "HierarchicalPooling",
    "NormaliserOutcome",
    "attend",
    "causal_mask",
    "co_attention",
    "compare_normalisers",
    "entmax15",
    "entmax_bisect",
    "global_attention",
    "hard",
    "hierarchical_attention_pool",
    "local_attention",
    "multi_head_attention",
    "multidimensional_attention",
    "normalise",
    "pointer_attention",
    "predict_positions",
    "random_multi_head_weights",
    "score",
    "self_attention",
    "soft_attention",
    "softmax",
    "softmax_readout",
    "sinusoidal_position_encoding",
    "sparsemax",
    "topk",
]
