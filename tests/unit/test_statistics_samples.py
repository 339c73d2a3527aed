"""Exact duration samples: nearest-rank quantiles, and periods' quantiles from merged samples."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qinglang.statistics.samples import DurationSample, merge_all

durations = st.lists(st.integers(min_value=0, max_value=10 * 86400), max_size=60)
quantiles = st.floats(min_value=0.01, max_value=1.0)


@given(durations, quantiles)
def test_quantile_is_the_nearest_rank_observation(values, p):
    q = DurationSample.of(values).quantile(p)
    if not values:
        assert q is None
        return
    n = len(values)
    # nearest rank: at least p*n observations are <= q, and fewer than p*n are < q
    assert sum(v <= q for v in values) >= math.ceil(p * n)
    assert sum(v < q for v in values) < math.ceil(p * n)
    assert q in values


@given(st.lists(durations, max_size=8), quantiles)
def test_merged_days_give_the_quantile_of_every_observation(days, p):
    merged = merge_all(DurationSample.of(d) for d in days)
    everything = DurationSample.of(v for d in days for v in d)
    assert merged == everything
    assert merged.quantile(p) == everything.quantile(p)


def test_a_period_median_is_not_the_median_of_daily_medians():
    quiet_day = DurationSample.of([10, 20])  # two reports handled fast
    busy_day = DurationSample.of([3600] * 9)  # nine handled in an hour
    third_day = DurationSample.of([30])
    medians = sorted(d.median for d in (quiet_day, busy_day, third_day))
    assert medians[1] == 30  # the median of the daily medians says half a minute
    assert merge_all([quiet_day, busy_day, third_day]).median == 3600  # the period's median says an hour


def test_even_sample_median_is_its_lower_middle_value_and_p90_an_observation():
    sample = DurationSample.of([40, 10, 30, 20])
    assert sample.seconds == (10, 20, 30, 40)
    assert sample.median == 20
    assert sample.p90 == 40


def test_fractions_round_to_whole_seconds_and_bad_values_are_refused():
    assert DurationSample.of([1.4, 1.6]).seconds == (1, 2)
    with pytest.raises(ValueError, match="sorted"):
        DurationSample((3, 1))
    with pytest.raises(ValueError, match="whole seconds"):
        DurationSample((-1,))
    with pytest.raises(ValueError, match="0 < p <= 1"):
        DurationSample.of([1]).quantile(0)
