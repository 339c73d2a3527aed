import numpy as np
import pytest

from qinglang.detectors.classifier.features import FeatureSpec, prepare, sparse_counts
from qinglang.detectors.classifier.linear import LinearModel, load_model
from qinglang.errors import ConfigError
from qinglang.evaluation.datasets import CATEGORIES
from qinglang.training.train import TrainParams, design_matrix, fit_temperature, train

EXAMPLES = [
    *[(f"加我微信{i}号看福利视频", "illicit_ad") for i in range(12)],
    *[(f"百家乐{i}充值送彩金", "gambling") for i in range(12)],
    *[(f"刷单返利{i}先垫付后返还", "fraud") for i in range(12)],
    *[(f"你这个废物{i}去死吧", "abuse") for i in range(12)],
    *[(f"约炮{i}小姐姐上门服务", "porn") for i in range(12)],
    *[(f"今天天气不错{i}去公园散步", "none") for i in range(12)],
]
PARAMS = TrainParams(bits=14, max_order=3, c=5.0, max_iter=200)


@pytest.fixture(scope="module")
def tiny_model():
    return train(EXAMPLES, PARAMS)


def test_numpy_scoring_matches_the_training_design_matrix(tiny_model):
    texts = ["加我微信看视频", "今天去公园", "百家乐充值", ""]
    expected = design_matrix(texts, tiny_model.spec) @ tiny_model.weights.astype(np.float64) + tiny_model.bias
    got = tiny_model.logits_prepared([prepare(t) for t in texts])
    assert np.allclose(got, expected, rtol=0, atol=1e-5)  # float32 accumulation at inference
    one_by_one = np.vstack([tiny_model.logits_prepared([prepare(t)]) for t in texts])
    assert np.allclose(one_by_one, got, rtol=0, atol=1e-5)


def test_detector_scoring_feeds_the_symbol_view_the_raw_text_like_training():
    from qinglang.detectors.classifier.linear import softmax
    from qinglang.detectors.classifier.scoring import score_texts

    tiny_model = train([*EXAMPLES, *[(f"今天{i}🦌了", "porn") for i in range(12)]], PARAMS)
    texts = ["今天🦌了吗", "加我✈️看福利视频", "百家乐🎰充值", "今天天气不错"]
    assert tiny_model.spec.symbol_weight > 0
    expected = design_matrix(texts, tiny_model.spec) @ tiny_model.weights.astype(np.float64) + tiny_model.bias
    expected = softmax(expected / tiny_model.temperature)
    batched = np.vstack([s.probs for s in score_texts(tiny_model, texts)])
    one_by_one = np.vstack([score_texts(tiny_model, [t])[0].probs for t in texts])
    assert np.allclose(batched, expected, atol=1e-5) and np.allclose(one_by_one, expected, atol=1e-5)
    without_symbols = softmax((design_matrix([prepare(t) for t in texts], tiny_model.spec) @ tiny_model.weights
                               + tiny_model.bias) / tiny_model.temperature)
    assert batched[0, 0] > without_symbols[0, 0]  # 🦌 itself pushes towards porn
    assert np.allclose(batched[3], without_symbols[3])  # no symbol, no change


def test_inference_features_equal_the_training_design_matrix_exactly(tiny_model):
    texts = ["加我微信看视频", "今天去公园", "百家乐充值", ""]
    matrix = design_matrix(texts, tiny_model.spec).tocoo()
    rows, cols, values = sparse_counts([prepare(t) for t in texts], tiny_model.spec)
    order = np.lexsort((matrix.col, matrix.row))
    assert np.array_equal(matrix.row[order], rows) and np.array_equal(matrix.col[order], cols)
    assert np.array_equal(matrix.data[order], values)


def test_training_is_deterministic():
    a, b = train(EXAMPLES, PARAMS), train(EXAMPLES, PARAMS)
    assert np.array_equal(a.weights, b.weights) and a.temperature == b.temperature


def test_tiny_model_separates_its_training_classes(tiny_model):
    probs = tiny_model.predict_proba(["加我微信看福利", "百家乐充值送彩金", "今天天气不错"])
    assert [tiny_model.classes[i] for i in probs.argmax(axis=1)] == ["illicit_ad", "gambling", "none"]
    assert np.allclose(probs.sum(axis=1), 1.0)


def test_save_and_load_round_trip_without_pickle(tiny_model, tmp_path):
    tiny_model.save(tmp_path)
    loaded = load_model(tmp_path)
    with np.load(tmp_path / "weights.npz", allow_pickle=False) as arrays:
        assert arrays["weights"].dtype == np.float16
    texts = ["刷单返利先垫付", "约小姐姐"]
    assert np.allclose(loaded.predict_proba(texts), tiny_model.predict_proba(texts), atol=1e-6)
    assert loaded.classes == CATEGORIES


def test_missing_model_folder_is_an_actionable_error(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_model(tmp_path)
    assert info.value.code == "model_not_found"
    assert "qinglang model train" in info.value.message


def test_temperature_softens_overconfident_logits():
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 3, 400)
    logits = rng.normal(size=(400, 3))
    logits[np.arange(400), gold] += 1.0
    assert fit_temperature(logits * 8, gold) > 3.0


def test_weights_shape_mismatch_is_rejected(tmp_path):
    model = LinearModel(CATEGORIES, FeatureSpec(bits=4), np.zeros((16, 6), np.float32), np.zeros(6, np.float32))
    model.save(tmp_path)
    meta = (tmp_path / "meta.json").read_text().replace('"bits": 4', '"bits": 5')
    (tmp_path / "meta.json").write_text(meta)
    with pytest.raises(ConfigError, match="does not match"):
        load_model(tmp_path)


def test_pinyin_model_round_trips_its_table(tmp_path):
    model = train(EXAMPLES, TrainParams(bits=14, max_order=2, pinyin_order=2, c=5.0, max_iter=100))
    model.save(tmp_path)
    loaded = load_model(tmp_path)
    assert loaded.spec.pinyin_order == 2 and np.array_equal(loaded.spec.pinyin, model.spec.pinyin)
    assert np.allclose(loaded.predict_proba(["涩涩小姐姐"]), model.predict_proba(["涩涩小姐姐"]), atol=1e-6)


def test_texts_without_features_score_as_the_bias_alone():
    spec = FeatureSpec(bits=4, max_order=1)
    weights = np.ones((16, 6), np.float32)
    model = LinearModel(CATEGORIES, spec, weights, np.arange(6, dtype=np.float32))
    logits = model.logits_prepared(["", "ab", ""])
    assert np.allclose(logits[0], np.arange(6)) and np.allclose(logits[2], np.arange(6))
    assert np.all(logits[1] > logits[0])


def test_sublinear_setting_survives_save_and_load(tmp_path):
    model = train(EXAMPLES, TrainParams(bits=12, max_order=2, c=5.0, max_iter=100, sublinear=True))
    model.save(tmp_path)
    loaded = load_model(tmp_path)
    assert loaded.spec.sublinear is True
    texts = ["刷单返利先垫付垫付", "约小姐姐"]
    assert np.allclose(loaded.predict_proba(texts), model.predict_proba(texts), atol=1e-6)
