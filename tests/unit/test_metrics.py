from hypothesis import given
from hypothesis import strategies as st

from qinglang.evaluation.datasets import CATEGORIES
from qinglang.evaluation.metrics import evaluate, format_report


def test_perfect_predictions_score_one():
    gold = ["porn", "none", "abuse"]
    report = evaluate(gold, gold)
    assert report.macro_f1 == 1.0
    assert report.accuracy == 1.0


def test_per_class_precision_recall_f1_by_hand():
    gold = ["porn", "porn", "none", "none"]
    pred = ["porn", "none", "porn", "none"]
    report = evaluate(gold, pred)
    porn = next(c for c in report.per_class if c.label == "porn")
    assert (porn.precision, porn.recall, porn.f1) == (0.5, 0.5, 0.5)
    assert report.confusion[0][0] == 1 and report.confusion[0][5] == 1
    assert report.macro_f1 == 0.5  # classes never seen nor predicted are left out


def test_a_predicted_class_with_no_gold_counts_as_zero():
    report = evaluate(["none", "none"], ["none", "fraud"])
    assert 0 < report.macro_f1 < 1
    assert next(c for c in report.per_class if c.label == "fraud").f1 == 0.0


@given(st.lists(st.tuples(st.sampled_from(CATEGORIES), st.sampled_from(CATEGORIES)), min_size=1))
def test_confusion_matrix_counts_every_item_once(pairs):
    gold, pred = zip(*pairs, strict=True)
    report = evaluate(list(gold), list(pred))
    assert sum(map(sum, report.confusion)) == len(pairs)
    assert 0.0 <= report.macro_f1 <= 1.0


def test_table_lists_classes_macro_and_confusion():
    text = format_report(evaluate(["porn", "none"], ["porn", "porn"]))
    assert "macro-F1" in text and "confusion" in text and "illicit_ad" in text
    assert evaluate(["porn"], ["porn"]).to_dict()["per_class"]["porn"]["f1"] == 1.0
