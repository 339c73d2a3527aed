from qinglang.training.cv import cross_validate, fold_of, out_of_fold, parse_args
from qinglang.training.train import TrainParams

EXAMPLES = [
    *[(f"百家乐{i}充值送彩金", "gambling") for i in range(10)],
    *[(f"约炮{i}小姐姐上门服务", "porn") for i in range(10)],
    *[(f"今天天气不错{i}去公园散步", "none") for i in range(10)],
]
PARAMS = TrainParams(bits=12, max_order=2, pinyin_order=0, c=5.0, max_iter=100)


def test_folds_are_seeded_and_spread_over_every_fold():
    assigned = [fold_of(t, 3) for t, _ in EXAMPLES]
    assert assigned == [fold_of(t, 3) for t, _ in EXAMPLES]
    assert set(assigned) == {0, 1, 2}


def test_out_of_fold_predictions_come_from_models_that_never_saw_the_item():
    pred = out_of_fold(EXAMPLES, PARAMS, folds=3)
    assert len(pred) == len(EXAMPLES)
    assert sum(p == y for p, (_, y) in zip(pred, EXAMPLES, strict=True)) >= 27


def test_cross_validation_reports_only_the_short_text_sources():
    sources = {"chineseharm": EXAMPLES[:20], "novels": EXAMPLES[20:], "cold": []}
    report = cross_validate(sources, PARAMS, folds=3)
    assert report.total == 20


def test_command_line_defaults_are_the_shipped_training_parameters():
    _, params = parse_args(["--data-dir", "x"])
    assert params == TrainParams()
    _, params = parse_args(["--data-dir", "x", "--c", "5", "--raw-counts", "--symbol-weight", "0"])
    assert (params.c, params.sublinear, params.symbol_weight) == (5.0, False, 0.0)


def test_reports_never_score_project_written_porn():
    from qinglang.training.data import Corpus

    corpus = Corpus({"synthetic": [("写的", "porn"), ("日常", "none")], "chineseharm": [("真的", "porn")]})
    assert corpus.scored() == {"synthetic": [("日常", "none")], "chineseharm": [("真的", "porn")]}
    assert len(corpus.examples()) == 3  # still trained on
