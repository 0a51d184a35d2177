"""Synthetic story tasks in the spirit of bAbI tasks 1 and 2, and a scripted multi-hop reader.

Tasks (Weston et al. 2015, "Towards AI-complete question answering: a set of prerequisite toy
tasks"; generated here from scratch, not the bAbI data):

* ``"one_fact"`` (task 1, single supporting fact): people move between locations,
  ``mary went to the kitchen``; the question ``where is mary`` is answered by the last
  sentence in which Mary moved.
* ``"two_facts"`` (task 2, two supporting facts): people also pick up objects,
  ``john picked up the ball``; the question ``where is the ball`` needs two facts: who holds the
  ball, and where that person went last (before or after picking it up). Objects are picked up
  once and never dropped (bAbI's drops are left out).

Sentences are lists of lower-case words. Stories are encoded with fixed random word vectors as
bags of words with position encoding (:mod:`memsim.kv.encoding`).

Scripted reader (:func:`answer_stories`)
----------------------------------------
No training: the query updates are written by hand. A sentence is stored as
``m = sum_j l_j * e(w_j)`` (position encoding with one fixed J for all sentences). Let F be the
(V J) x d matrix of all position-weighted word vectors ``l_j * e(w)`` (row ``(w, j)``). Its
pseudo-inverses give a *query builder* ``Q = F^+`` (d x VJ: the query ``Q a`` scores
``a[(w, j)]`` against word w at position j, exactly when d >= VJ and the rows are independent)
and a *decoder* ``G = (F^T)^+`` (VJ x d: ``G m`` is the (word, position) content of m). A
word-to-word table T (VJ x VJ) becomes the linear map ``Q T G``. Below d = VJ the maps are
least-squares fits and cross-talk between random word vectors creeps in, which the key-dimension
study shows.

Vectors have 2d + 1 coordinates: the key block (d), one time coordinate, the value block (d).
Keys are ``[m_i, (i + 1) / n, 0]`` (the time coordinate is a temporal encoding T_A(i) along a
direction orthogonal to the words, Sukhbaatar et al. 2015, section 4.1), values ``[0, 0, m_i]``
(a separate value feature map, Miller et al. 2016), so ``q + o`` keeps the query and the read-out
apart and the update R can treat them differently.

* initial query ``q_1`` (the question embedding): the person or object asked about, at any
  position, scores 1; the question word "where" becomes a time component ``recency`` (prefer the
  latest sentence; ``recency < 1``).
* hop update ``R_1`` (every hop but the last): from the read-out, the person read scores 1 and
  any verb read ("picked", "got", "went", ...) becomes the word "to", which only motion sentences
  have (``motion`` gain): "now find where that person went last". The time component is kept,
  the rest of the query dropped.
* last update ``R_final``: the locations of the read-out; the answer is the location that
  matches best (Miller et al. 2016, eq. 4).
* every score is multiplied by ``beta`` (sharp attention with a plain softmax).

One hop reads the latest sentence about the person (task 1: their last move, enough) or the
sentence about the object (task 2: the pick-up, which names no location, so the answer is a
guess); the second hop follows the holder to their last move.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from memsim._checks import choice, integer, readonly, real
from memsim._rng import generator
from memsim.errors import MemsimError
from memsim.kv.encoding import (
    PE_VARIANTS,
    Vocabulary,
    encode_sentences,
    position_encoding,
    word_vectors,
)
from memsim.kv.memory import multi_hop

__all__ = [
    "LOCATIONS",
    "OBJECTS",
    "PEOPLE",
    "SENTENCE_LENGTH",
    "TASKS",
    "EncodedStories",
    "ScriptedProgram",
    "Story",
    "StoryAnswers",
    "answer_stories",
    "encode_stories",
    "generate_stories",
    "scripted_program",
    "story_ids",
    "story_vocabulary",
]

TASKS = ("one_fact", "two_facts")
PEOPLE = ("mary", "john", "sandra", "daniel", "fred", "bill", "julie", "emily")
LOCATIONS = ("kitchen", "garden", "office", "bathroom", "hallway", "bedroom", "cinema", "park")
OBJECTS = ("ball", "apple", "football", "milk", "book", "key")
MOTION_VERBS = ("went", "journeyed", "moved", "travelled")
PICK_PHRASES = (("picked", "up"), ("got",), ("grabbed",), ("took",))
PICK_WORDS = ("picked", "up", "got", "grabbed", "took")
FUNCTION_WORDS = ("to", "the", "where", "is")

_STORY_KEY = 803  # stream key of the story generator


@dataclass(frozen=True)
class Story:
    """One story with its question.

    Attributes
    ----------
    task : str
        ``"one_fact"`` or ``"two_facts"``.
    sentences : tuple of tuple of str
        The facts, oldest first.
    question : tuple of str
    answer : str
        A location.
    supporting : tuple of int
        Indices of the supporting sentences (one for one_fact, two for two_facts), ascending.
    """

    task: str
    sentences: tuple[tuple[str, ...], ...]
    question: tuple[str, ...]
    answer: str
    supporting: tuple[int, ...]

    def text(self) -> str:
        """The story in bAbI's numbered-line layout."""
        lines = [f"{i + 1} {' '.join(s)}." for i, s in enumerate(self.sentences)]
        sup = " ".join(str(i + 1) for i in self.supporting)
        lines.append(f"{len(self.sentences) + 1} {' '.join(self.question)}?\t{self.answer}\t{sup}")
        return "\n".join(lines)


def story_vocabulary() -> Vocabulary:
    """The fixed vocabulary of every generated story (same order whatever the task).

    Returns
    -------
    Vocabulary
        35 words: people, locations, objects, motion verbs, pick-up words, function words.

    References
    ----------
    Weston, Bordes, Chopra, Rush, van Merrienboer, Joulin & Mikolov (2015), "Towards AI-complete
    question answering: a set of prerequisite toy tasks", tasks 1 and 2 (the vocabulary is modelled
    on theirs).
    """
    return Vocabulary(PEOPLE + LOCATIONS + OBJECTS + MOTION_VERBS + PICK_WORDS + FUNCTION_WORDS)


def _one_story(
    task: str,
    rng: np.random.Generator,
    n: int,
    people: int,
    locations: int,
    objects: int,
    pick_probability: float,
) -> Story | None:
    where: dict[str, str] = {}
    last_move: dict[str, int] = {}
    holder: dict[str, tuple[str, int]] = {}
    sentences = []
    for i in range(n):
        unpicked = [o for o in OBJECTS[:objects] if o not in holder]
        person = PEOPLE[int(rng.integers(people))]
        if task == "two_facts" and unpicked and rng.random() < pick_probability:
            obj = unpicked[int(rng.integers(len(unpicked)))]
            phrase = PICK_PHRASES[int(rng.integers(len(PICK_PHRASES)))]
            sentences.append((person, *phrase, "the", obj))
            holder[obj] = (person, i)
            continue
        options = [loc for loc in LOCATIONS[:locations] if loc != where.get(person)]
        loc = options[int(rng.integers(len(options)))]
        verb = MOTION_VERBS[int(rng.integers(len(MOTION_VERBS)))]
        sentences.append((person, verb, "to", "the", loc))
        where[person] = loc
        last_move[person] = i
    if task == "one_fact":
        movers = sorted(where, key=PEOPLE.index)
        if not movers:
            return None
        person = movers[int(rng.integers(len(movers)))]
        return Story(
            task, tuple(sentences), ("where", "is", person), where[person], (last_move[person],)
        )
    askable = sorted((o for o, (p, _) in holder.items() if p in where), key=OBJECTS.index)
    if not askable:
        return None
    obj = askable[int(rng.integers(len(askable)))]
    person, pick = holder[obj]
    return Story(
        task,
        tuple(sentences),
        ("where", "is", "the", obj),
        where[person],
        tuple(sorted((pick, last_move[person]))),
    )


def generate_stories(
    task: str,
    count: int,
    *,
    seed: int = 0,
    sentences: int = 10,
    people: int = 4,
    locations: int = 6,
    objects: int = 4,
    pick_probability: float = 0.3,
) -> tuple[Story, ...]:
    """Seeded synthetic stories for ``task`` in ``TASKS``.

    Story i is drawn from the stream ``(seed, 803, task index, i)`` (redrawn within that stream
    until it has an answerable question), so it does not depend on ``count``.

    Parameters
    ----------
    task : {"one_fact", "two_facts"}
    count : int >= 0
    seed : int
    sentences : int
        Sentences per story (>= 1; >= 2 for two_facts).
    people, locations, objects : int
        How many of :data:`PEOPLE` (<= 8), :data:`LOCATIONS` (2 .. 8), :data:`OBJECTS` (<= 6)
        appear.
    pick_probability : float in [0, 1)
        two_facts: chance that a sentence is a pick-up (while unpicked objects remain).

    Returns
    -------
    tuple of Story

    Raises
    ------
    MemsimError
        If ``task`` is not ``"one_fact"`` or ``"two_facts"``; ``count`` is not an integer
        >= 0; ``sentences`` is not an integer >= 1 (>= 2 for two_facts); ``people`` is not an
        integer in 1..8, ``locations`` in 2..8, ``objects`` in 1..6; ``pick_probability`` is
        not a real in [0, 1] (in (0, 1) for two_facts); ``seed`` is not an integer >= 0; or
        no answerable story is found in 10000 draws.

    References
    ----------
    Weston, Bordes, Chopra, Rush, van Merrienboer, Joulin & Mikolov (2015), "Towards AI-complete
    question answering: a set of prerequisite toy tasks", task 1 (single supporting fact) and task 2
    (two supporting facts).
    """
    choice(task, "task", TASKS)
    n_st = integer(count, "count", low=0)
    n = integer(sentences, "sentences", low=2 if task == "two_facts" else 1)
    pe = integer(people, "people", low=1, high=len(PEOPLE))
    lo = integer(locations, "locations", low=2, high=len(LOCATIONS))
    ob = integer(objects, "objects", low=1, high=len(OBJECTS))
    pp = real(pick_probability, "pick_probability", low=0.0, high=1.0)
    if task == "two_facts" and not 0.0 < pp < 1.0:
        raise MemsimError(f"pick_probability must be in (0, 1) for two_facts, got {pp}")
    s = integer(seed, "seed")
    out = []
    for i in range(n_st):
        rng = generator(s, _STORY_KEY, TASKS.index(task), i)
        for _ in range(10_000):
            st = _one_story(task, rng, n, pe, lo, ob, pp)
            if st is not None:
                out.append(st)
                break
        else:  # pragma: no cover - needs absurd settings
            raise MemsimError("could not generate an answerable story; use more sentences")
    return tuple(out)


# --------------------------------------------------------------------------- encoding


@dataclass(frozen=True)
class EncodedStories:
    """Stories as padded word-id arrays (read-only).

    Attributes
    ----------
    sentences : (n, M, J) int64
        Word ids, -1 = padding; slot i of a story is its i-th kept sentence (oldest first).
    present : (n, M) bool
        False = empty slot (the story is shorter than M).
    questions : (n, J_q) int64
    answers : (n,) int64
        Word id of the answer.
    supporting : (n, 2) int64
        Slots of the supporting sentences (-1 = none; one_fact has one).
    """

    sentences: np.ndarray
    present: np.ndarray
    questions: np.ndarray
    answers: np.ndarray
    supporting: np.ndarray


def story_ids(
    stories: Sequence[Story], vocabulary: Vocabulary | None = None, memory_size: int | None = None
) -> EncodedStories:
    """Word ids of stories, padded to a common memory size M and sentence length J.

    A story longer than ``memory_size`` keeps its last M sentences (as the released MemN2N code
    does); supporting facts that fall out become -1.

    Parameters
    ----------
    stories : sequence of Story
        From :func:`generate_stories`.
    vocabulary : Vocabulary, optional
        Word ids; default :func:`story_vocabulary`.
    memory_size : int >= 1, optional
        M; default the longest story.

    Returns
    -------
    EncodedStories
        int64 sentence ids (n, M, J), present (n, M), question ids (n, J_q), answer ids (n,)
        and supporting slots (n, 2), read-only.

    Raises
    ------
    MemsimError
        If ``stories`` is not a sequence of :class:`Story`; ``memory_size`` is not an integer
        >= 1; or a word of a story is not in ``vocabulary``.

    References
    ----------
    Weston, Bordes, Chopra, Rush, van Merrienboer, Joulin & Mikolov (2015), "Towards AI-complete
    question answering: a set of prerequisite toy tasks", tasks 1-2. Sukhbaatar, Szlam, Weston &
    Fergus (2015), "End-to-end memory networks", section 4.2 (a memory that holds only the most
    recent sentences).
    """
    voc = story_vocabulary() if vocabulary is None else vocabulary
    if not isinstance(stories, Sequence) or not all(isinstance(s, Story) for s in stories):
        raise MemsimError("stories must be a sequence of Story (see generate_stories)")
    longest = max((len(s.sentences) for s in stories), default=0)
    m = longest if memory_size is None else integer(memory_size, "memory_size", low=1)
    j = max((len(w) for s in stories for w in s.sentences), default=1)
    jq = max((len(s.question) for s in stories), default=1)
    n = len(stories)
    sent = np.full((n, m, j), -1, dtype=np.int64)
    present = np.zeros((n, m), dtype=bool)
    ques = np.full((n, jq), -1, dtype=np.int64)
    ans = np.zeros(n, dtype=np.int64)
    sup = np.full((n, 2), -1, dtype=np.int64)
    for b, st in enumerate(stories):
        offset = max(0, len(st.sentences) - m)
        kept = st.sentences[offset:]
        for i, words in enumerate(kept):
            sent[b, i, : len(words)] = voc.ids(words)
            present[b, i] = True
        ques[b, : len(st.question)] = voc.ids(st.question)
        ans[b] = voc.index(st.answer)
        for t, i in enumerate(st.supporting[:2]):
            sup[b, t] = i - offset if i >= offset else -1
    readonly(sent, present, ques, ans, sup)
    return EncodedStories(sent, present, ques, ans, sup)


def encode_stories(
    stories: Sequence[Story] | EncodedStories,
    vectors: np.ndarray,
    *,
    encoding: str = "position",
    variant: str = "paper",
    memory_size: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sentence and question encodings: ``(memories (n, M, d), present (n, M), questions (n, d))``.

    Bags of the word vectors (rows of ``vectors``, indexed by :func:`story_vocabulary`) with
    position encoding (``encoding="position"``, J = each sentence's own length) or without.

    Parameters
    ----------
    stories : sequence of Story, or EncodedStories
        Stories, or their ids from :func:`story_ids`.
    vectors : numpy.ndarray, (V, d)
        Word vectors, row = id in :func:`story_vocabulary`.
    encoding : {"position", "bow"}
        Position encoding or plain bag of words.
    variant : {"paper", "memn2n_code"}
        Position-encoding variant (:func:`memsim.kv.encoding.position_encoding`).
    memory_size : int >= 1, optional
        M, as in :func:`story_ids` (ignored for EncodedStories).

    Returns
    -------
    memories : numpy.ndarray
        (n, M, d) float64 sentence encodings (zero in empty slots).
    present : numpy.ndarray
        (n, M) bool, False = empty slot.
    questions : numpy.ndarray
        (n, d) float64 question encodings.

    Raises
    ------
    MemsimError
        If :func:`story_ids` rejects ``stories`` or ``memory_size``; or ``vectors`` is not 2-D or
        has fewer rows than the vocabulary, ``encoding`` is not ``"position"`` or ``"bow"``,
        ``variant`` is not ``"paper"`` or ``"memn2n_code"``.

    References
    ----------
    Sukhbaatar, Szlam, Weston & Fergus (2015), "End-to-end memory networks", section 4.1
    (bag-of-words and position encoding of sentences).
    """
    ids = stories if isinstance(stories, EncodedStories) else story_ids(stories, None, memory_size)
    mem = encode_sentences(ids.sentences, vectors, encoding=encoding, variant=variant)
    q = encode_sentences(ids.questions, vectors, encoding=encoding, variant=variant)
    return mem, ids.present, q


# --------------------------------------------------------------------------- scripted reader


@dataclass(frozen=True)
class ScriptedProgram:
    """Linear maps of the scripted reader (see the module docstring), on (2d + 1)-vectors.

    Attributes
    ----------
    question_map : (2d + 1, d)
        ``q_1 = question_map @ u`` for a question encoding u (d).
    hop_update : (2d + 1, 2d + 1)
        R_1, used after every hop but the last.
    final_update : (2d + 1, 2d + 1)
        R_final, used after the last hop.
    answers : (n_locations, 2d + 1)
        Candidate answers, one per location word.
    answer_words : tuple of str
    sentence_length : int
        The fixed J of the position encoding.
    """

    question_map: np.ndarray
    hop_update: np.ndarray
    final_update: np.ndarray
    answers: np.ndarray
    answer_words: tuple[str, ...]
    sentence_length: int

    def updates(self, hops: int) -> list[np.ndarray]:
        """R_1 .. R_H for H hops: R_1 for all but the last, R_final last."""
        return [self.hop_update] * (hops - 1) + [self.final_update]


#: The longest sentence of the generator ("john picked up the ball").
SENTENCE_LENGTH = 5


def scripted_program(
    vectors: np.ndarray,
    *,
    recency: float = 0.8,
    motion: float = 1.0,
    beta: float = 50.0,
    locations: int = len(LOCATIONS),
    encoding: str = "position",
    variant: str = "paper",
    sentence_length: int = SENTENCE_LENGTH,
) -> ScriptedProgram:
    """The scripted reader's maps for word vectors ``vectors`` (rows in story_vocabulary order).

    See the module docstring. With d >= V J (35 x 5 = 175 for the default vocabulary and J) the
    maps are exact: a key scores ``beta (matches + recency (i + 1) / n)``.

    Parameters
    ----------
    vectors : numpy.ndarray, (V, d)
        Word vectors, one row per word of :func:`story_vocabulary` (V = 35).
    recency : float >= 0
        Weight of the time coordinate in the initial query (prefer the latest sentence).
    motion : float >= 0
        Gain of the verb-to-"to" link of the hop update R_1.
    beta : float > 0
        Multiplies every score.
    locations : int in 1..8
        Number of candidate answers (the first locations of :data:`LOCATIONS`).
    encoding : {"position", "bow"}
        Sentence encoding the maps are built for.
    variant : {"paper", "memn2n_code"}
        Position-encoding variant.
    sentence_length : int >= 1
        The fixed J of the position encoding (1 with ``"bow"``).

    Returns
    -------
    ScriptedProgram
        Question map, hop updates and candidate answers, read-only.

    Raises
    ------
    MemsimError
        If ``vectors`` is not 2-D with one row per vocabulary word; ``recency`` or ``motion``
        is not a finite real >= 0; ``beta`` is not a finite real > 0; ``locations`` is not an
        integer in 1..8; ``encoding`` is not ``"position"`` or ``"bow"``;
        ``sentence_length`` is not an integer >= 1; or, with position encoding, ``variant`` is
        not ``"paper"`` or ``"memn2n_code"``.

    References
    ----------
    Miller et al. (2016), "Key-value memory networks for directly reading documents", section 3.1,
    eqs. 3-4 (query updates ``q_(j+1) = R_j (q_j + o)`` and the answer). Sukhbaatar, Szlam, Weston &
    Fergus (2015), "End-to-end memory networks", section 4.1 (position and temporal encoding).
    """
    voc = story_vocabulary()
    e = np.asarray(vectors, dtype=np.float64)
    if e.ndim != 2 or e.shape[0] != len(voc):
        raise MemsimError(
            f"vectors must have one row per word of story_vocabulary() ({len(voc)}), "
            f"got shape {e.shape}"
        )
    rec = real(recency, "recency", low=0.0)
    mot = real(motion, "motion", low=0.0)
    b = real(beta, "beta", low=0.0, low_open=True)
    nl = integer(locations, "locations", low=1, high=len(LOCATIONS))
    choice(encoding, "encoding", ("position", "bow"))
    jl = integer(sentence_length, "sentence_length", low=1)
    v, d = e.shape
    if encoding == "position":
        pe = np.asarray(position_encoding(jl, d, variant))
    else:
        jl = 1
        pe = np.ones((1, d))
    # rows (w, j) -> index w * J + j
    f = (e[:, None, :] * pe[None, :, :]).reshape(v * jl, d)
    build = np.linalg.pinv(f)  # (d, VJ)
    decode = np.linalg.pinv(f.T)  # (VJ, d)

    def lift(table: np.ndarray) -> np.ndarray:
        return build @ table @ decode  # (d, d)

    def rows(word: str) -> np.ndarray:
        w = voc.index(word)
        return np.arange(w * jl, (w + 1) * jl)

    def link(table: np.ndarray, src: str, dst: str, gain: float) -> None:
        table[np.ix_(rows(dst), rows(src))] = gain

    nvj = v * jl
    t0 = np.zeros((nvj, nvj))
    for w in PEOPLE + OBJECTS:
        link(t0, w, w, 1.0)
    qmap = np.zeros((2 * d + 1, d))
    qmap[:d] = b * lift(t0)
    qmap[d] = b * rec * decode[rows("where")].sum(axis=0)

    t1 = np.zeros((nvj, nvj))
    for w in PEOPLE:
        link(t1, w, w, 1.0)
    for w in MOTION_VERBS + PICK_WORDS:
        link(t1, w, "to", mot)
    r1 = np.zeros((2 * d + 1, 2 * d + 1))
    r1[:d, d + 1 :] = b * lift(t1)
    r1[d, d] = 1.0

    t2 = np.zeros((nvj, nvj))
    for loc in LOCATIONS[:nl]:
        link(t2, loc, loc, 1.0)
    r2 = np.zeros((2 * d + 1, 2 * d + 1))
    r2[:d, d + 1 :] = lift(t2)

    ans = np.zeros((nl, 2 * d + 1))
    ans[:, :d] = f[[rows(loc)[-1] for loc in LOCATIONS[:nl]]]
    readonly(qmap, r1, r2, ans)
    return ScriptedProgram(qmap, r1, r2, ans, LOCATIONS[:nl], jl)


@dataclass(frozen=True)
class StoryAnswers:
    """Answers of the scripted reader (read-only arrays).

    Attributes
    ----------
    predicted : tuple of str
        Predicted location per story.
    correct : (n,) bool
    accuracy : float
    weights : (H, n, M)
        Attention over the sentences (slots) at every hop; 0 on empty slots.
    present : (n, M) bool
    supporting : (n, 2) int64
        Slots of the supporting facts (-1 = none).
    hops : int
    """

    predicted: tuple[str, ...]
    correct: np.ndarray
    accuracy: float
    weights: np.ndarray
    present: np.ndarray
    supporting: np.ndarray
    hops: int


def answer_stories(
    stories: Sequence[Story],
    *,
    hops: int = 2,
    dim: int = 200,
    seed: int = 0,
    score: str = "dot",
    normaliser: str = "softmax",
    encoding: str = "position",
    variant: str = "paper",
    program: dict[str, Any] | None = None,
    **options: Any,
) -> StoryAnswers:
    """Answer story questions with the scripted multi-hop reader (no training).

    Keys ``[m_i, (i + 1) / n, 0]``, values ``[0, 0, m_i]`` (m_i = encoding of sentence i, with
    one fixed J); hops are :func:`memsim.kv.multi_hop`, ``q_{j+1} = R_j (q_j + o_j)``, with the
    maps of :func:`scripted_program` (see the module docstring).

    Parameters
    ----------
    stories : sequence of Story
    hops : int >= 1
    dim : int
        Word-vector dimension d (:func:`memsim.kv.encoding.word_vectors` with ``seed``); the
        reader is exact from d = 175 on (35 words x 5 positions).
    seed : int
    score, normaliser, **options
        As in :func:`memsim.kv.read` (the program already scales scores by its ``beta``).
    encoding, variant
        Sentence encoding (:func:`memsim.kv.encoding.encode_sentences`).
    program : dict, optional
        Options of :func:`scripted_program` (recency, motion, beta, locations).

    Returns
    -------
    StoryAnswers

    Raises
    ------
    MemsimError
        If ``hops`` or ``dim`` is not an integer >= 1; ``variant`` is not ``"paper"`` or
        ``"memn2n_code"``; ``encoding`` is not ``"position"`` or ``"bow"``; ``stories`` is not
        a sequence of :class:`Story`; ``seed`` is not an integer >= 0; ``program`` sets
        ``encoding``, ``variant`` or ``sentence_length``, or an invalid ``recency``,
        ``motion``, ``beta`` or ``locations`` (see :func:`scripted_program`); or
        :func:`memsim.kv.multi_hop` rejects ``score``, ``normaliser`` or an option, or a score
        overflows.
    TypeError
        If ``program`` has an option :func:`scripted_program` does not take.

    References
    ----------
    Weston, Bordes, Chopra, Rush, van Merrienboer, Joulin & Mikolov (2015), "Towards AI-complete
    question answering: a set of prerequisite toy tasks", tasks 1-2. Miller et al. (2016),
    "Key-value memory networks for directly reading documents", section 3.1, eqs. 1-4 (multi-hop
    key-value reads). Sukhbaatar, Szlam, Weston & Fergus (2015), "End-to-end memory networks",
    section 4.1 (position and temporal encoding).
    """
    h = integer(hops, "hops", low=1)
    d = integer(dim, "dim", low=1)
    choice(variant, "variant", PE_VARIANTS)
    choice(encoding, "encoding", ("position", "bow"))
    ids = story_ids(stories)
    jl = max(SENTENCE_LENGTH, ids.sentences.shape[-1], ids.questions.shape[-1])
    vec = word_vectors(len(story_vocabulary()), d, seed)
    opts = dict(program or {})
    for bad in ("encoding", "variant", "sentence_length"):
        if bad in opts:
            raise MemsimError(f"program option {bad!r} is set by answer_stories itself")
    prog = scripted_program(vec, encoding=encoding, variant=variant, sentence_length=jl, **opts)
    fixed = jl if encoding == "position" else None
    mem = encode_sentences(
        ids.sentences, vec, encoding=encoding, variant=variant, sentence_length=fixed
    )
    u = encode_sentences(
        ids.questions, vec, encoding=encoding, variant=variant, sentence_length=fixed
    )
    present = ids.present
    n, m = present.shape
    lengths = present.sum(axis=1)
    keys = np.zeros((n, m, 2 * d + 1))
    keys[..., :d] = mem
    slot = np.arange(1, m + 1)[None, :]
    keys[..., d] = np.where(present, slot / np.maximum(lengths, 1)[:, None], 0.0)
    values = np.zeros((n, m, 2 * d + 1))
    values[..., d + 1 :] = mem
    q1 = u @ prog.question_map.T
    res = multi_hop(
        q1,
        keys,
        values,
        hops=h,
        R=prog.updates(h),
        answers=prog.answers,
        score=score,
        normaliser=normaliser,
        mask=present,
        return_weights=True,
        **options,
    )
    voc = story_vocabulary()
    predicted = tuple(prog.answer_words[i] for i in res.answers)
    truth = [voc.words[a] for a in ids.answers]
    correct = np.array([p == t for p, t in zip(predicted, truth, strict=True)], dtype=bool)
    weights = np.array(res.weights)
    readonly(correct, weights)
    return StoryAnswers(
        predicted,
        correct,
        float(correct.mean()) if n else 0.0,
        weights,
        ids.present,
        ids.supporting,
        h,
    )
