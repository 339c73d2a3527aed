"""Source-held-out folds, their records and the length calibration fitted from them."""

import numpy as np
import pytest

from qinglang.detectors.classifier.calibration import LengthCalibration
from qinglang.evaluation import sources as src
from qinglang.training import crossfit as cf
from qinglang.training import folds as fl
from qinglang.training.calibrate import fit_length_calibration
from qinglang.training.train import TrainParams

NAMES = [s.name for s in src.SOURCES]


def test_every_trainable_source_has_a_fold_that_holds_it_out_with_a_chineseharm_part():
    plan = fl.plan(NAMES)
    singles = [f for f in plan if f.is_source_fold]
    held = [n for f in singles for n in f.held_out]
    assert sorted(held) == sorted({s.name for s in src.SOURCES if s.trainable} - {"chineseharm"})
    assert sorted(f.chineseharm_part for f in singles) == list(range(len(singles)))
    assert [f.name for f in plan[-2:]] == ["chineseharm", "all"]


def test_no_fold_trains_on_an_evaluation_source_or_on_what_it_scores():
    raw = {name: [(f"{name} 文本 {i}", "none") for i in range(30)] for name in NAMES}
    raw["chineseharm"] = [(f"违规 {i}", "porn") for i in range(60)]
    for fold in fl.plan(NAMES):
        trained = fl.training_examples(fold, raw)
        scored = fl.scored_rows(fold, raw)
        assert "telecom_fraud_texts_5" not in trained and "novel_chapters" not in trained
        seen = {t for rows in trained.values() for t, _ in rows}
        assert not seen & {t for rows in scored.values() for _, t, _ in rows}
        if "novels" in fold.held_out:
            assert {"novels", "novel_chapters"} <= set(scored)
        if fold.name == "all":
            assert set(scored) == {"telecom_fraud_texts_5"}


def test_inserted_text_keeps_the_clean_text_around_the_harmful_one():
    clean = "今天天气很好。" * 60
    text, at = fl.insert_middle(clean, "加我看福利")
    assert text[at : at + 5] == "加我看福利" and text.replace("\n加我看福利\n", "") == clean
    assert abs(at - len(clean) // 2) <= 8


def test_calibration_gives_the_same_evidence_less_weight_in_a_short_text():
    rng = np.random.default_rng(1)
    n = 4000
    lengths = np.where(np.arange(n) % 2 == 0, 3, 50)
    gold = np.where(rng.random(n) < 0.3, "porn", "none")
    signal = np.where(gold == "porn", 2.0, -2.0)
    noise = np.where(lengths == 3, 4.0, 0.5)  # short texts: the model's evidence is mostly noise
    z = np.full((n, 5), -8.0)
    z[:, 0] = signal + rng.normal(size=n) * noise
    cal = fit_length_calibration(z, lengths, gold, ("porn", "illicit_ad", "gambling", "fraud", "abuse"))
    short, medium = cal.bucket(3), cal.bucket(50)
    assert cal.slope[short] < cal.slope[medium]
    high = np.array([[3.0, 0, 0, 0, 0, 0]])  # porn logit 3 above none (last column)
    assert cal.scores(high, 5, 3)[0, 0] < cal.scores(high, 5, 50)[0, 0]


def test_calibration_round_trips_and_rejects_a_wrong_bucket_count():
    cal = LengthCalibration((4, 10), (0.5, 1.0, 1.2), (-1.0, 0.0, 0.1))
    assert LengthCalibration.from_dict(cal.to_dict()) == cal
    with pytest.raises(ValueError):
        LengthCalibration((4, 10), (1.0,), (0.0,))


def test_a_fold_is_trained_once_and_its_records_reused(tmp_path):
    raw = {
        "chineseharm": [(f"约{i}小姐姐上门", "porn") for i in range(40)] + [(f"百家乐{i}送彩金", "gambling")
                                                                         for i in range(40)],
        "cmrc2018": [("山川河流，" * 80 + str(i), "none") for i in range(20)],
        "lccc_toy": [(f"今天第{i}天去公园", "none") for i in range(60)],
    }
    fold = fl.Fold("cmrc2018", ("cmrc2018",), 0, 2)
    params = TrainParams(bits=12, max_order=2, pinyin_order=0, c=5.0, max_iter=50)
    folder = cf.run_fold(fold, raw, params, tmp_path)
    stamp = (folder / "records.npz").stat().st_mtime_ns
    assert cf.run_fold(fold, raw, params, tmp_path) == folder
    assert (folder / "records.npz").stat().st_mtime_ns == stamp
    records = cf.load_records(tmp_path, [fold])
    assert set(records.source) >= {"cmrc2018", "chineseharm"} and records.z.shape[1] == 5
    assert all(s.startswith("inserted:") for s in set(records.source) - {"cmrc2018", "chineseharm"})


def test_the_per_source_rule_holds_each_large_clean_source_to_the_budget_on_its_own():
    from qinglang.evaluation import heldout

    # clean scores of two sources of 2,000 texts and a tiny one: all 0.1, except six of "loud"'s at 0.62
    sources = np.array(["quiet"] * 2000 + ["loud"] * 2000 + ["tiny"] * 10)
    clean = np.ones(len(sources), dtype=bool)
    groups = heldout._clean_groups(sources, clean)
    assert [int(g.sum()) for g in groups] == [2000, 2000]  # the tiny source never counts on its own
    scores = np.full(len(sources), 0.1)
    scores[2000:2006] = 0.62
    # pooled, 6 of 4,010 (0.15%) reach 0.15: within the 0.2% review budget
    assert heldout._lowest(scores[clean], heldout.REVIEW_BUDGET) == 0.15
    # per source, 6 of loud's 2,000 (0.3%) do not: the threshold rises above them
    assert max(heldout._lowest(scores[g], heldout.REVIEW_BUDGET) for g in groups) == 0.65
