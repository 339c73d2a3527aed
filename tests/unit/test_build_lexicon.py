"""The lexicon build's keep and grade rules (scripts/build_lexicon.py), on hand-made hit counts."""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("build_lexicon", ROOT / "scripts" / "build_lexicon.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_lexicon"] = module
    spec.loader.exec_module(module)
    return module


def _term(build, term, licence=None, sublabel="drainage"):
    return build.Candidate(term, "illicit_ad", sublabel, "test", licence or build.HOUBB)


def test_a_term_never_seen_in_its_category_but_seen_in_everyday_text_is_dropped(build):
    term = _term(build, "上门服务啦")
    assert build.keep(term, build.Stats(clean=0, own=0, other=0, wider=0))
    assert not build.keep(term, build.Stats(clean=0, own=0, other=0, wider=2))
    # seen in its category too: kept, graded 1 because everyday text uses it
    kept = build.Stats(clean=0, own=3, other=0, wider=2)
    assert build.keep(term, kept) and build.severity(term, kept) == 1


def test_an_unverified_hand_written_seed_is_graded_1_whatever_its_length(build):
    seed = _term(build, "免费领取", licence=build.OURS)
    upstream = _term(build, "免费领取")
    unseen, seen = build.Stats(0, 0, 0), build.Stats(0, 2, 0)
    assert build.severity(seed, unseen) == 1
    assert build.severity(seed, seen) == 2
    assert build.severity(upstream, unseen) == 2  # a long upstream term keeps its grade
