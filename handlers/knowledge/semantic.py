"""With embeddings, what the "I don't know" decision takes from them: nothing. The
full-text ranking alone decides whether the documentation answers, exactly as without
embeddings; the fused ranking (dense and full text) decides what is quoted when it
answers too.

Fusing the dense ranking with full text finds the answering page more often
(multilingual-e5-small, round 12 explore files: recall@5 0.958 -> 0.970, MRR 0.871 ->
0.894), but the grounding signals are counts of the question's words on the top
passages, and a passage the dense ranking alone brings up splits the top passages
between pages: judged on the fused ranking, 44 of 672 answerable explore questions
were declined against 26 on full text. Three ways of letting the dense ranking take
part were measured on the tune files (explore: dev7-10 even, dev2, dev4, dev5a,
blind3, blind4; confirm: dev7-10 odd, dev, dev3b, dev5b, blind5), as answerable
declined / unanswerable declined, against full text alone (explore 26/672, 169/181;
confirm 32/560, 136/155):
- full text answers where the fused ranking declines, if the dense ranking puts its
  page among its 5 best: explore 31, 175; confirm 45, 140 (held-out test11 33/289
  declined against 21 on full text, test10 43/329 against 30, unanswerable the same);
- the same with any page the dense ranking holds: explore 20, 170; confirm 37, 137;
- either ranking may answer: explore 18, 168; confirm 30, 133.
None declines fewer answerable questions and no fewer unanswerable ones than full text
alone on both halves. Nor did the similarity itself tell them apart (a cosine
standardised against the question's similarity to every passage, or the page's dense
rank): near misses ("does the managed warehouse have an APAC region") are as close
to their page as paraphrases are. So embeddings change the ranking and the quotes,
never whether the bot answers: a vendor who turns them on gets the same refusals as
without, and no more. Measured so (same files, e5): explore answerable declined 26 of
672, unanswerable 169 of 181, fact coverage 0.742 (full text alone 0.728, the
dense-agreement rule 0.734), MRR 0.893 (0.871 full text); confirm 32 of 560, 136 of
155, coverage 0.701 (0.681, 0.692), MRR 0.871 (0.862).

Measured again with all-MiniLM-L6-v2 (bench/embeddings_server.py) on the tune halves
of issue 13's last rounds (explore: dev7-20 even, dev2, dev4, dev5a, blind3, blind4;
confirm: dev7-20 odd, dev, dev3b, dev5b, blind5). Fusion lifts MRR@10 0.846 -> 0.874
(explore) and 0.845 -> 0.873 (confirm); counting the dense rank 1.5 or 0.6 times
instead of once does no better. Letting either ranking answer declines fewer
answerable questions (explore 60 -> 56 of 1427, confirm 73 -> 56 of 1315) and fewer
unanswerable ones too (367 -> 353 of 411, 312 -> 305 of 385): full text still decides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.knowledge.search import Retrieval


def deciding(retrieval: Retrieval) -> Retrieval:
    """The retrieval whose passages decide whether to answer: the full-text ranking
    alone when embeddings were fused in, else `retrieval` itself."""
    return retrieval.full_text or retrieval
