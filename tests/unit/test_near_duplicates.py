"""`./staff faq check`'s near-duplicate search finds exactly the pairs a comparison of every
pair finds (clinic_staff/faq/check.py counts shared words with a sparse product)."""

import random
from itertools import combinations

from clinic_staff.faq.check import _pairs_sharing_most_words, similarity


def test_the_sparse_search_finds_the_same_pairs_as_comparing_every_pair():
    rng = random.Random(3)
    found = 0
    vocabulary = [f"w{i}" for i in range(12)]
    for _ in range(100):
        words = [
            (None, "", frozenset(rng.sample(vocabulary, rng.randint(3, 8)))) for _ in range(40)
        ]
        for threshold in (0.5, 0.6, 0.85):
            every_pair = [
                (i, j)
                for i, j in combinations(range(len(words)), 2)
                if similarity(words[i][2], words[j][2]) >= threshold
            ]
            found += len(every_pair)
            assert _pairs_sharing_most_words(words, threshold, block=7) == every_pair
    assert found > 100  # the random sets hold close pairs to find
