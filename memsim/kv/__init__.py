"""memsim.kv: key-value memory networks and end-to-end memory networks.

Sources: Sukhbaatar, Szlam, Weston & Fergus (2015), "End-to-end memory networks"; Miller et al.
(2016), "Key-value memory networks for directly reading documents".

Shapes: queries are rows (B x d, or one d-vector), keys rows (S x d_k), values rows (S x d_v);
attention over slots is B x S. Empty slots are marked by a boolean mask (True = present) and get
the score -inf, so their weight is exactly 0.

One-hop read and key-value memory (:mod:`memsim.kv.memory`)
    :func:`read` (the read everything else is built on), :class:`KeyValueMemory`,
    :func:`key_value_memory`, :func:`random_memory`, :func:`fact_memory`,
    :func:`hash_candidates` (key hashing with an inverted index), :class:`Candidates`,
    :func:`kv_read`, :func:`multi_hop`, :func:`kv_hops`, :class:`HopResult`.
Encodings (:mod:`memsim.kv.encoding`)
    :func:`position_encoding` (paper and released-code variants), :func:`word_vectors`,
    :func:`encode_sentences`, :class:`Vocabulary`.
End-to-end memory network (:mod:`memsim.kv.memn2n`)
    :func:`memn2n_forward`, :class:`MemN2NWeights`, :func:`adjacent_weights`,
    :func:`layerwise_weights`, :func:`random_memn2n`, :class:`MemN2NResult`.
Stories (:mod:`memsim.kv.stories`)
    :func:`generate_stories` (bAbI-like tasks 1 and 2), :class:`Story`, :func:`story_ids`,
    :func:`encode_stories`, :func:`story_vocabulary`, :func:`scripted_program`,
    :func:`answer_stories` (scripted multi-hop reader), :class:`StoryAnswers`.
Studies (:mod:`memsim.experiments.studies.kv`, also reachable from here), tidy rows
    :func:`retrieval_sweep`, :func:`retrieval_trial`, :func:`accuracy_vs_slots`,
    :func:`accuracy_vs_key_dim`, :func:`accuracy_vs_noise`, :func:`accuracy_vs_normaliser`,
    :func:`hashing_study`, :func:`hops_study`, :func:`story_attention`.
"""

from memsim.kv.encoding import (
    PE_VARIANTS,
    Vocabulary,
    encode_sentences,
    position_encoding,
    word_vectors,
)
from memsim.kv.memn2n import (
    TYINGS,
    MemN2NResult,
    MemN2NWeights,
    adjacent_weights,
    layerwise_weights,
    memn2n_forward,
    random_memn2n,
)
from memsim.kv.memory import (
    Candidates,
    HopResult,
    KeyValueMemory,
    fact_memory,
    hash_candidates,
    key_value_memory,
    kv_hops,
    kv_read,
    multi_hop,
    random_memory,
    read,
)
from memsim.kv.stories import (
    TASKS,
    EncodedStories,
    ScriptedProgram,
    Story,
    StoryAnswers,
    answer_stories,
    encode_stories,
    generate_stories,
    scripted_program,
    story_ids,
    story_vocabulary,
)

__all__ = [
    "PE_VARIANTS",
    "TASKS",
    "TYINGS",
    "Candidates",
    "EncodedStories",
    "HopResult",
    "KeyValueMemory",
    "MemN2NResult",
    "MemN2NWeights",
    "ScriptedProgram",
    "Story",
    "StoryAnswers",
    "StoryAttention",
    "Vocabulary",
    "accuracy_vs_key_dim",
    "accuracy_vs_noise",
    "accuracy_vs_normaliser",
    "accuracy_vs_slots",
    "adjacent_weights",
    "answer_stories",
    "encode_sentences",
    "encode_stories",
    "fact_memory",
    "generate_stories",
    "hash_candidates",
    "hashing_study",
    "hops_study",
    "key_value_memory",
    "kv_hops",
    "kv_read",
    "layerwise_weights",
    "memn2n_forward",
    "multi_hop",
    "position_encoding",
    "random_memn2n",
    "random_memory",
    "read",
    "retrieval_sweep",
    "retrieval_trial",
    "scripted_program",
    "story_attention",
    "story_ids",
    "story_vocabulary",
    "word_vectors",
]


def __getattr__(name):
    """The studies (every name of :mod:`memsim.experiments.studies.kv`'s ``__all__``), imported
    on first use."""
    if not name.startswith("__"):
        from memsim.experiments.studies import kv as studies

        if name in studies.__all__:
            return getattr(studies, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
