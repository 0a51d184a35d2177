"""Story generator, scripted multi-hop reader and the kv studies."""

import numpy as np
import pytest
import reference_kv as ref

import memsim.kv as kv
from memsim._rng import generator
from memsim.errors import MemsimError

# ----------------------------------------------------------------- generator


@pytest.mark.parametrize("task", kv.TASKS)
def test_stories_are_seeded_and_reproducible(task):
    a = kv.generate_stories(task, 20, seed=3)
    assert a == kv.generate_stories(task, 20, seed=3)
    assert a != kv.generate_stories(task, 20, seed=4)
    assert a[:5] == kv.generate_stories(task, 5, seed=3)  # story i does not depend on count
    assert len({s.sentences for s in a}) > 15


@pytest.mark.parametrize("task", kv.TASKS)
@pytest.mark.parametrize("sentences", [2, 5, 12])
def test_answers_and_supporting_facts_replay_the_story(task, sentences):
    for st in kv.generate_stories(task, 60, seed=1, sentences=sentences, people=3, objects=2):
        assert st.task == task and len(st.sentences) == sentences
        answer, support = ref.solve_story(st.sentences, st.question)
        assert st.answer == answer and st.supporting == support
        assert len(support) == (1 if task == "one_fact" else 2)


def test_two_fact_stories_need_both_facts():
    stories = kv.generate_stories("two_facts", 200, seed=2)
    # the pick-up sentence never names the answer; the move sentence does
    for st in stories:
        pick = [i for i in st.supporting if st.sentences[i][1] not in ref.MOTION]
        move = [i for i in st.supporting if st.sentences[i][1] in ref.MOTION]
        assert len(pick) == 1 and len(move) == 1
        assert st.answer not in st.sentences[pick[0]] and st.answer == st.sentences[move[0]][-1]
    # and the holder moved after the pick-up in some stories, before it in others
    order = [
        st.supporting[0] == [i for i in st.supporting if st.sentences[i][1] in ref.MOTION][0]
        for st in stories
    ]
    assert 0 < sum(order) < len(order)


def test_story_text_and_ids():
    st = kv.generate_stories("two_facts", 3, seed=0)
    lines = st[0].text().splitlines()
    assert len(lines) == 11 and lines[-1].startswith("11 where is the ")
    ids = kv.story_ids(st, memory_size=6)
    voc = kv.story_vocabulary()
    assert ids.sentences.shape == (3, 6, 5)
    # the last 6 sentences are kept
    assert [voc.words[w] for w in ids.sentences[0, 5] if w >= 0] == list(st[0].sentences[-1])
    sup = np.array(st[0].supporting) - 4
    np.testing.assert_array_equal(ids.supporting[0], np.where(sup >= 0, sup, -1))
    assert voc.words[ids.answers[1]] == st[1].answer


def test_generator_errors():
    with pytest.raises(MemsimError, match="task"):
        kv.generate_stories("three_facts", 2)
    with pytest.raises(MemsimError, match="sentences"):
        kv.generate_stories("two_facts", 2, sentences=1)
    with pytest.raises(MemsimError, match="locations"):
        kv.generate_stories("one_fact", 2, locations=1)


# ----------------------------------------------------------------- scripted reader


def test_two_hops_beat_one_hop_on_two_fact_stories():
    stories = kv.generate_stories("two_facts", 150, seed=5)
    one = kv.answer_stories(stories, hops=1)
    two = kv.answer_stories(stories, hops=2)
    assert two.accuracy >= 0.97
    assert one.accuracy <= 0.45
    assert two.accuracy - one.accuracy >= 0.5


def test_one_hop_is_enough_for_one_fact_stories():
    stories = kv.generate_stories("one_fact", 150, seed=6)
    for h in (1, 2):
        assert kv.answer_stories(stories, hops=h).accuracy >= 0.97


def test_hops_attend_to_the_supporting_facts():
    stories = kv.generate_stories("two_facts", 60, seed=7)
    res = kv.answer_stories(stories, hops=2)
    assert res.weights.shape == (2, 60, 10)
    np.testing.assert_allclose(res.weights.sum(axis=-1), 1.0)
    for b, st in enumerate(stories):
        pick = [i for i in st.supporting if st.sentences[i][1] not in ref.MOTION][0]
        move = [i for i in st.supporting if st.sentences[i][1] in ref.MOTION][0]
        assert res.weights[0, b, pick] > 0.9
        assert res.weights[1, b, move] > 0.9


@pytest.mark.parametrize(
    "options",
    [
        {"normaliser": "hard"},
        {"normaliser": "sparsemax"},
        {"encoding": "bow"},
        {"variant": "memn2n_code"},
    ],
)
def test_scripted_reader_variants(options):
    stories = kv.generate_stories("two_facts", 60, seed=8)
    assert kv.answer_stories(stories, hops=2, **options).accuracy >= 0.95


def test_scripted_reader_degrades_below_the_exact_dimension():
    stories = kv.generate_stories("two_facts", 100, seed=9)
    small = kv.answer_stories(stories, hops=2, dim=24).accuracy
    assert small < 0.9


def test_empty_story_slots_get_no_attention():
    stories = kv.generate_stories("one_fact", 5, seed=1, sentences=3) + kv.generate_stories(
        "one_fact", 5, seed=1, sentences=8
    )
    res = kv.answer_stories(stories, hops=2)
    assert res.present.shape == (10, 8)
    assert (res.weights[:, :5, 3:] == 0).all()
    assert res.accuracy == 1.0


# ----------------------------------------------------------------- studies


def test_retrieval_trial_matches_a_reference_computation():
    row = kv.retrieval_trial(
        seed=3,
        trial=1,
        slots=80,
        key_dim=6,
        key_noise=0.8,
        queries=30,
        normaliser={"kind": "softmax", "temperature": 0.2},
    )
    mem = kv.random_memory(80, 6, 6, seed=3, trial=1, features_per_slot=2, n_features=2)
    rng = generator(3, 805, 1, 80, 6)
    targets = rng.choice(80, size=30, replace=False)
    q = mem.keys[targets] + rng.standard_normal((30, 6)) * (0.8 / np.sqrt(6))
    reads, _ = ref.read(q, mem.keys, mem.values, None, "dot", "softmax", temperature=0.2)
    answers = [int(np.argmax([np.dot(v, r) for v in mem.values])) for r in reads]
    assert row["accuracy"] == pytest.approx(np.mean(np.array(answers) == targets))
    assert 0.0 < row["accuracy"] < 1.0
    assert row["normaliser"] == "softmax(temperature=0.2)" and row["temperature"] == 0.2


def test_retrieval_sweeps_rows_and_trends():
    rows = kv.accuracy_vs_noise(key_noise=[0.0, 3.0], trials=2, slots=200, key_dim=16)
    assert len(rows) == 4 and {r["trial"] for r in rows} == {0, 1}
    acc = {r["key_noise"]: [] for r in rows}
    for r in rows:
        acc[r["key_noise"]].append(r["accuracy"])
    assert np.mean(acc[0.0]) == 1.0 and np.mean(acc[3.0]) < 0.7
    rows = kv.accuracy_vs_normaliser(
        [{"kind": "softmax", "temperature": 1.0}, "hard"], trials=1, slots=300, key_dim=16
    )
    by = {r["normaliser"]: r for r in rows}
    assert by["hard"]["accuracy"] > by["softmax(temperature=1.0)"]["accuracy"]
    assert by["hard"]["mean_cosine"] > by["softmax(temperature=1.0)"]["mean_cosine"]
    again = kv.accuracy_vs_normaliser(
        [{"kind": "softmax", "temperature": 1.0}, "hard"], trials=1, slots=300, key_dim=16
    )

    def untimed(r):
        return {k: v for k, v in r.items() if "seconds" not in k}

    assert [untimed(r) for r in rows] == [untimed(r) for r in again]


def test_hashing_study_reads_fewer_slots_with_paired_trials():
    rows = kv.hashing_study(slots=[2000], trials=1, key_noise=1.5, key_dim=16)
    off, on = rows
    assert off["hashing"] is False and on["hashing"] is True
    assert on["mean_candidates"] < 0.2 * off["mean_candidates"]
    assert off["mean_candidates"] == 2000
    assert on["accuracy"] >= off["accuracy"]  # fewer distractors, target always a candidate


def test_sweep_errors():
    with pytest.raises(MemsimError, match="unknown retrieval parameter"):
        kv.retrieval_sweep({"slot": [1]})
    with pytest.raises(MemsimError, match="both in grid and as fixed"):
        kv.retrieval_sweep({"slots": [10]}, slots=5)
    with pytest.raises(MemsimError, match="list of values"):
        kv.retrieval_sweep({"slots": 10})
    with pytest.raises(MemsimError, match="kind"):
        kv.retrieval_sweep({"normaliser": [{"temperature": 1.0}]})


def test_hops_study_and_story_attention():
    rows = kv.hops_study(hops=[1, 2], stories=40)
    by = {(r["task"], r["hops"]): r for r in rows}
    assert by[("two_facts", 2)]["accuracy"] > by[("two_facts", 1)]["accuracy"] + 0.5
    assert by[("one_fact", 1)]["accuracy"] >= 0.95
    assert by[("two_facts", 2)]["support_weight"] > 0.9
    sa = kv.story_attention("two_facts", index=3, hops=2)
    st = kv.generate_stories("two_facts", 4)[3]
    assert sa.sentences == tuple(" ".join(s) for s in st.sentences)
    assert sa.weights.shape == (2, 10) and sa.predicted == sa.answer == st.answer
    np.testing.assert_allclose(sa.weights.sum(axis=1), 1.0)
    tidy = sa.rows()
    assert len(tidy) == 20 and sum(r["supporting"] for r in tidy) == 4
