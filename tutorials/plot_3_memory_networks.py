r"""
Lesson 3: memory networks and multi-hop reads
=============================================

A memory network stores facts in slots and answers a question by *reading the memory several
times*. Each read (a **hop**) is the key-value attention of lesson 2; between hops the query
is updated with what was read (Miller et al. 2016, eqs. 1-3; Sukhbaatar et al. 2015, section 2.2):

.. math::

    p_j = \mathrm{softmax}(q_j \cdot k_i), \qquad o_j = \sum_i p_{j,i}\, v_i, \qquad
    q_{j+1} = R_j\,(q_j + o_j) .

After H hops the answer is the candidate :math:`y` that best matches :math:`q_{H+1}`. One hop
finds a fact that mentions the question's subject; the second hop can follow what that fact said
to a fact the question never mentioned. This lesson builds a chain that needs k hops, then runs
memsim's scripted reader on bAbI-like stories.

Sources: Weston, Chopra & Bordes (2015), "Memory networks", ICLR; Sukhbaatar, Szlam, Weston &
Fergus (2015), "End-to-end memory networks", NeurIPS; Miller et al. (2016), "Key-value memory
networks for directly reading documents", EMNLP; Weston et al. (2015), "Towards AI-complete
question answering" (the bAbI tasks).
"""

# %%
# A chain of facts
# ----------------
# Eight people; fact i says "person i passed the message to person i+1". Each person has a
# fixed random unit vector e(name) in d = 32 dimensions. A vector of the memory has two blocks,
# ``[key part | value part]``: the key of fact i is ``[e(person i), 0]`` and its value
# ``[0, e(person i+1)]``. The query update ``R`` copies the value part into the key part and
# drops the rest: after each hop the query asks about the person just read. The question
# "who has the message after 3 passes, starting from Ann?" needs 3 hops.
import matplotlib.pyplot as plt
import numpy as np

from memsim import kv

names = ["Ann", "Ben", "Cat", "Dan", "Eve", "Fay", "Gus", "Hal"]
d = 32
rng = np.random.default_rng(3)
emb = rng.normal(size=(len(names), d))
emb /= np.linalg.norm(emb, axis=1, keepdims=True)

zeros = np.zeros((len(names) - 1, d))
keys = np.hstack([emb[:-1], zeros])  # fact i: about person i ...
values = np.hstack([zeros, emb[1:]])  # ... who passed it to person i + 1
R = np.zeros((2 * d, 2 * d))
R[:d, d:] = np.eye(d)  # new key part = old value part; old key part dropped
answers = np.hstack([emb, np.zeros_like(emb)])  # candidate answers: every person, as a key

query = np.concatenate([emb[0], np.zeros(d)])  # "starting from Ann"
hops = 4
res = kv.multi_hop(
    query, keys, values, hops=hops, R=R, answers=answers, temperature=0.1, return_weights=True
)
print("answer after", hops, "hops:", names[int(res.answers[0])])

# %%
# Each hop moves the attention one fact along the chain. Hop j reads fact j: the query was
# rewritten by ``R`` to ask about the person read in the previous hop.
fig, ax = plt.subplots(figsize=(7.5, 3.2))
im = ax.imshow(res.weights.reshape(hops, -1), cmap="viridis", vmin=0, vmax=1, aspect="auto")
ax.set_xticks(range(len(names) - 1), [f"{a}->{b}" for a, b in zip(names, names[1:], strict=False)])
ax.set_yticks(range(hops), [f"hop {j + 1}" for j in range(hops)])
ax.set_xlabel("memory slot (fact)")
ax.set_title("Attention over the facts at each hop (softmax, beta = 10)")
fig.colorbar(im, ax=ax, label="weight p_j,i")
fig.tight_layout()

# %%
# Without the query update
# ------------------------
# With ``R`` the identity (the plain ``q_{j+1} = q_j + o_j`` of Sukhbaatar et al. 2015) the
# query keeps asking about Ann, and the value part it gains matches no key: every hop reads the
# same first fact. Learning ``R`` (or, in end-to-end memory networks, the embeddings) is what
# lets a network chain facts.
answers_read = []
for H in range(1, 6):
    for label, Rm in (("R: value -> key", R), ("R = identity", None)):
        r = kv.multi_hop(query, keys, values, hops=H, R=Rm, answers=answers, temperature=0.1)
        answers_read.append((label, H, int(r.answers[0])))

fig, ax = plt.subplots(figsize=(6.4, 3.6))
for label, marker in (("R: value -> key", "o"), ("R = identity", "x")):
    pts = [(H, a) for lab, H, a in answers_read if lab == label]
    ax.plot(
        *zip(*pts, strict=False), marker=marker, ms=8, ls="-" if marker == "o" else ":", label=label
    )
ax.plot(range(1, 6), range(1, 6), color="grey", lw=6, alpha=0.25, label="correct (person H)")
ax.set_yticks(range(len(names)), names)
ax.set_xticks(range(1, 6))
ax.set_xlabel("number of hops H")
ax.set_ylabel("answer: who has the message")
ax.set_title("A chain of H facts needs H hops and a query update")
ax.legend(loc="upper left")
fig.tight_layout()

# %%
# Stories that need two hops
# --------------------------
# :func:`memsim.kv.generate_stories` writes bAbI-like stories (task 2, "two supporting facts"):
# people move around and pick up objects; the question "where is the apple?" needs the fact
# "daniel grabbed the apple" *and* Daniel's last move. :func:`memsim.kv.story_attention` runs the
# scripted reader (hand-written query updates, no training, see :mod:`memsim.kv.stories`) on one
# story and returns the attention over its sentences at each hop.
att = kv.story_attention("two_facts", index=0, hops=2, seed=0)
print("question:", att.question, "| answer:", att.answer, "| predicted:", att.predicted)

fig, ax = plt.subplots(figsize=(7.5, 4.6))
im = ax.imshow(att.weights.T, cmap="viridis", vmin=0, vmax=1, aspect="auto")
ax.set_yticks(
    range(len(att.sentences)),
    [("* " if i in att.supporting else "") + s for i, s in enumerate(att.sentences)],
)
ax.set_xticks(range(att.weights.shape[0]), [f"hop {j + 1}" for j in range(att.weights.shape[0])])
ax.set_title(
    f"Q: {att.question}?  A: {att.predicted} (true: {att.answer})\n* marks the supporting facts"
)
fig.colorbar(im, ax=ax, label="attention weight")
fig.tight_layout()

# %%
# One hop is not enough for task 2
# --------------------------------
# :func:`memsim.kv.hops_study` counts correct answers on 40 stories per task. Task 1 ("where is
# mary?") needs one supporting fact and one hop; task 2 needs two hops. The single-hop reader
# finds who holds the object, but that sentence names no location, so its answer is a guess.
rows = kv.hops_study(("one_fact", "two_facts"), (1, 2), stories=40, seed=0)
fig, ax = plt.subplots(figsize=(6.4, 3.6))
width = 0.38
for k, task in enumerate(("one_fact", "two_facts")):
    sel = [r for r in rows if r["task"] == task]
    ax.bar(
        np.array([r["hops"] for r in sel]) + (k - 0.5) * width,
        [r["accuracy"] for r in sel],
        width,
        label=task,
    )
ax.set_xticks([1, 2])
ax.set_xlabel("hops H")
ax.set_ylabel("accuracy on 40 stories")
ax.set_ylim(0, 1.3)
ax.set_yticks(np.linspace(0, 1, 6))
ax.set_title("Scripted multi-hop reader on bAbI-like tasks 1 and 2")
ax.legend(loc="upper center", ncol=2)
fig.tight_layout()

# %%
# What to remember
# ----------------
# * A memory network is attention read several times, with the query updated between reads.
# * The update decides what the next hop looks for; chaining k facts needs k hops.
#
# Next: :doc:`plot_4_ntm_dnc_heads` gives the memory a *location* and lets the reader write.
