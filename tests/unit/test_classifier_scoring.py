"""Window aggregation: the score two overlapping windows agree on, against its definition written out."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from qinglang.detectors.classifier.scoring import agreeing_max
from qinglang.detectors.classifier.windows import windows


def _by_definition(values: np.ndarray, spans: list[tuple[int, int]]) -> np.ndarray:
    """max over pairs i != j that share a character of min(v_i, v_j); a window that overlaps none is its own pair."""
    best = np.full(values.shape[1], -np.inf)
    for i, (a, b) in enumerate(spans):
        partners = [j for j, (c, d) in enumerate(spans) if j != i and c < b and a < d] or [i]
        for j in partners:
            best = np.maximum(best, np.minimum(values[i], values[j]))
    return best


spans_st = st.lists(st.tuples(st.integers(0, 400), st.integers(1, 120)).map(lambda t: (t[0], t[0] + t[1])),
                    min_size=1, max_size=40)


@given(spans_st, st.data())
def test_agreeing_max_is_its_definition(spans, data):
    values = np.array(data.draw(st.lists(st.lists(st.floats(-20, 20), min_size=3, max_size=3),
                                         min_size=len(spans), max_size=len(spans))))
    assert np.allclose(agreeing_max(values, spans), _by_definition(values, spans))


def test_one_window_is_its_own_score():
    assert agreeing_max(np.array([[0.9, 0.1]]), [(0, 10)]).tolist() == [0.9, 0.1]


def test_a_lone_high_window_is_not_agreed_on_but_two_overlapping_ones_are():
    spans = [(0, 200), (180, 380), (0, 40), (40, 80), (200, 240)]
    lone = np.array([[0.1], [0.1], [0.1], [0.95], [0.1]])  # one sentence window; the paragraph around it reads clean
    assert agreeing_max(lone, spans)[0] == 0.1
    agreed = np.array([[0.9], [0.1], [0.1], [0.95], [0.1]])  # its paragraph window agrees
    assert agreeing_max(agreed, spans)[0] == 0.9


@given(st.text(alphabet="今天天气很好我们去公园散步。！\n", min_size=301, max_size=1500))
def test_agreeing_max_on_the_windows_of_a_long_text(text):
    spans = windows(text)
    values = np.random.default_rng(len(text)).random((len(spans), 2))
    assert np.allclose(agreeing_max(values, spans), _by_definition(values, spans))
