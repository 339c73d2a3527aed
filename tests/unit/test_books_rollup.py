"""The book roll-up: counts, the worst chapter, and the two chapter patterns, by example and by property."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qinglang.domain.books import BookFlagKind, BookRules, ChapterDecision, is_drainage, reading_order, roll_up
from qinglang.domain.model import Category, Verdict


def chapter(number, verdict="pass", category="none", porn=0.0, drainage=False):
    scores = {"porn": porn} if porn else {}
    return ChapterDecision(f"c{number}", number, Verdict(verdict), Category(category), scores, drainage)


def kinds(risk):
    return {f.kind for f in risk.flags}


def test_clean_free_chapters_and_vulgar_paid_chapters_are_flagged():
    book = [chapter(1), chapter(2), chapter(3), chapter(4, "block", "porn", 0.97), chapter(5),
            chapter(6, "review", "porn", 0.7)]
    risk = roll_up(book)
    flag = next(f for f in risk.flags if f.kind is BookFlagKind.FREE_THEN_VULGAR)
    assert flag.chapters == (4, 6)
    assert "first 3 chapters pass" in flag.explanation and "2 of the 3 later" in flag.explanation
    assert (risk.chapters, risk.flagged, risk.review, risk.block) == (6, 2, 1, 1)
    assert risk.worst_verdict is Verdict.BLOCK and risk.worst_category is Category.PORN
    assert risk.max_score == 0.97 and round(risk.flagged_share, 3) == 0.333


def test_a_flagged_free_chapter_means_the_book_is_not_hiding_anything():
    book = [chapter(1, "review", "porn", 0.6), chapter(2), chapter(3), chapter(4, "block", "porn", 0.9),
            chapter(5, "block", "porn", 0.9)]
    assert BookFlagKind.FREE_THEN_VULGAR not in kinds(roll_up(book))


def test_one_vulgar_paid_chapter_is_below_the_default_threshold():
    book = [chapter(1), chapter(2), chapter(3), chapter(4, "block", "porn", 0.9)]
    assert BookFlagKind.FREE_THEN_VULGAR not in kinds(roll_up(book))
    assert BookFlagKind.FREE_THEN_VULGAR in kinds(roll_up(book, BookRules(min_vulgar_later=1)))


def test_chapters_are_ordered_by_number_not_by_arrival():
    book = [chapter(5, "block", "porn", 0.9), chapter(4, "block", "porn", 0.9), chapter(2), chapter(1), chapter(3)]
    assert BookFlagKind.FREE_THEN_VULGAR in kinds(roll_up(book))


def test_a_high_porn_score_is_vulgar_even_when_drainage_is_the_category():
    teaser = chapter(7, "block", "illicit_ad", 0.8, drainage=True)
    risk = roll_up([chapter(1), teaser])
    flag = next(f for f in risk.flags if f.kind is BookFlagKind.TEASER_DRAINAGE)
    assert flag.chapters == (7,) and "drainage" in flag.explanation


def test_drainage_without_vulgar_text_is_no_teaser():
    risk = roll_up([chapter(1, "block", "illicit_ad", 0.1, drainage=True)])
    assert BookFlagKind.TEASER_DRAINAGE not in kinds(risk)


def test_an_empty_book_is_clean():
    risk = roll_up([])
    assert (risk.chapters, risk.flagged, risk.worst_verdict, risk.flags) == (0, 0, Verdict.PASS, ())
    assert risk.to_dict()["flagged_share"] == 0.0


def test_drainage_labels():
    assert is_drainage(["porn/vulgar", "illicit_ad/drainage"]) and is_drainage(["drainage/wechat_id"])
    assert not is_drainage(["porn/vulgar", "illicit_ad/account_trading"])


verdicts = st.sampled_from(list(Verdict))
chapters = st.lists(st.builds(ChapterDecision, content_id=st.text(max_size=3),
                              chapter=st.one_of(st.none(), st.integers(1, 60)), verdict=verdicts,
                              category=st.sampled_from(list(Category)),
                              scores=st.dictionaries(st.sampled_from(["porn", "illicit_ad", "abuse"]),
                                                     st.floats(0, 1)),
                              drainage=st.booleans()), max_size=30)


@given(chapters)
def test_counts_add_up_and_the_worst_verdict_is_the_maximum(book):
    risk = roll_up(book)
    assert risk.chapters == len(book) and risk.flagged == risk.review + risk.block
    assert 0.0 <= risk.flagged_share <= 1.0
    assert risk.worst_verdict.rank == max((c.verdict.rank for c in book), default=0)
    assert risk.max_score == max((c.max_score for c in book), default=0.0)
    assert risk.to_dict()["flags"] == [f.to_dict() for f in risk.flags]


@given(chapters, st.permutations(list(range(30))))
def test_the_roll_up_does_not_depend_on_arrival_order(book, order):
    shuffled = [book[i] for i in order if i < len(book)]
    assert roll_up(shuffled).to_dict() == roll_up(book).to_dict()


@given(chapters, st.integers(0, 6), st.integers(1, 4))
def test_free_then_vulgar_means_clean_free_chapters_and_enough_vulgar_later_ones(book, free, need):
    rules = BookRules(free_chapters=free, min_vulgar_later=need)
    numbered = sorted((c for c in book if c.chapter is not None), key=reading_order)
    flagged = BookFlagKind.FREE_THEN_VULGAR in kinds(roll_up(book, rules))
    expected = (len(numbered) > free and not any(c.flagged for c in numbered[:free])
                and sum(c.vulgar(rules) for c in numbered[free:]) >= need)
    assert flagged == expected


@given(chapters)
def test_passing_every_chapter_clears_every_flag(book):
    cleared = [ChapterDecision(c.content_id, c.chapter, Verdict.PASS, Category.NONE, {}, c.drainage) for c in book]
    assert roll_up(cleared).flags == ()
