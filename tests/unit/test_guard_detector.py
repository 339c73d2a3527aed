"""The optional guard detector: a tiny ONNX model built here, a canned OpenAI-compatible server on loopback."""

from __future__ import annotations

import json
import math
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from pydantic import ValidationError

from qinglang.detectors.base import PreparedContent
from qinglang.detectors.guard.detector import CLASSES, GuardDetector
from qinglang.detectors.guard.onnx_model import encode
from qinglang.detectors.registry import create_detector
from qinglang.domain import ContentItem
from qinglang.errors import ConfigError, DetectorFailed
from qinglang.testing.detector_contract import run_contract

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

WIKI = "长江是亚洲第一长河，发源于青藏高原的唐古拉山脉各拉丹冬峰西南侧，全长约6300公里。"
VOCAB = 65536
PUSH = 6.0  # how far the chosen character moves its class's logit


def build_model(path, pushes: dict[str, int], *, bias_none: float = 1.0) -> str:
    """Gather embedding -> ReduceMean over the sequence -> MatMul + Add; character ``pushes[c]`` adds to class c."""
    emb = np.zeros((VOCAB, len(CLASSES)), dtype=np.float32)
    for label, char in pushes.items():
        emb[ord(char), CLASSES.index(label)] = PUSH
    weight = np.eye(len(CLASSES), dtype=np.float32)
    bias = np.zeros(len(CLASSES), dtype=np.float32)
    bias[CLASSES.index("none")] = bias_none
    nodes = [
        helper.make_node("Gather", ["emb", "input_ids"], ["vecs"]),
        helper.make_node("ReduceMean", ["vecs"], ["pooled"], axes=[1], keepdims=0),
        helper.make_node("MatMul", ["pooled", "weight"], ["mm"]),
        helper.make_node("Add", ["mm", "bias"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_guard",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", len(CLASSES)])],
        initializer=[numpy_helper.from_array(a, n) for n, a in (("emb", emb), ("weight", weight), ("bias", bias))],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return str(path)


def content(text: str, title: str = "") -> PreparedContent:
    fields = {"title": title, "text": text}
    return PreparedContent(ContentItem(id="t1", title=title, text=text), fields)


class CountingBackend:
    def __init__(self, inner):
        self.inner, self.backend, self.calls = inner, inner.backend, []

    def scores(self, text):
        self.calls.append(text)
        return self.inner.scores(text)


def loaded(config: dict) -> tuple[GuardDetector, CountingBackend]:
    detector = GuardDetector(config)
    detector.ensure_loaded()
    spy = CountingBackend(detector.backend)
    detector.backend = spy
    return detector, spy


@pytest.fixture
def porn_model(tmp_path):
    return build_model(tmp_path / "guard.onnx", {"porn": "甲", "gambling": "乙"})


# --- ONNX backend -------------------------------------------------------------------------------------------------


def test_onnx_backend_matches_hand_computed_softmax(porn_model):
    detector, _ = loaded({"model_path": porn_model, "band_low": 0.0, "band_high": 1.0})
    got = detector.backend.scores("甲乙丙丁")  # mean embedding: porn 6/4, gambling 6/4; none bias 1
    logits = {"porn": 1.5, "illicit_ad": 0.0, "gambling": 1.5, "fraud": 0.0, "abuse": 0.0, "none": 1.0}
    total = sum(math.exp(v) for v in logits.values())
    for label, value in logits.items():
        assert got[label] == pytest.approx(math.exp(value) / total, abs=1e-6)


def test_onnx_input_is_clipped_normalised_code_points():
    ids = encode("ＡBxyz", max_chars=3, vocab_size=99)  # folded to "abxyz", cut to "abx", x (120) clipped to 98
    assert ids.dtype == np.int64
    assert ids.tolist() == [[97, 98, 98]]
    assert encode("", 4, 100).tolist() == [[0]]


def test_in_band_text_signals_the_backend_category(porn_model):
    detector, spy = loaded({"model_path": porn_model, "band_low": 0.0, "band_high": 1.0})
    signals = detector.detect(content("甲甲好看"))
    assert len(spy.calls) == 1
    (signal,) = signals
    assert (signal.detector, signal.label) == ("guard", "porn")
    assert signal.attrs["backend"] == "onnx" and set(signal.attrs["scores"]) == set(CLASSES)
    assert signal.score == signal.attrs["scores"]["porn"] > 0.5
    (evidence,) = signal.evidence
    assert evidence.kind == "text_span" and "甲甲好看"[evidence.start : evidence.end] == evidence.text


def test_backend_answering_none_gives_no_signal(porn_model):
    detector, spy = loaded({"model_path": porn_model, "band_low": 0.0, "band_high": 1.0})
    assert detector.detect(content("丙丁戊己")) == []
    assert len(spy.calls) == 1


def test_only_the_uncertain_band_reaches_the_backend(porn_model):
    probe = GuardDetector({"model_path": porn_model, "band_low": 0.0, "band_high": 1.0})
    probe.ensure_loaded()
    band_score = probe.uncertain_window(content("这个妹子身材真好"))[0]
    low, high = max(band_score - 0.01, 0.0), min(band_score + 0.01, 1.0)
    inside, inside_spy = loaded({"model_path": porn_model, "band_low": low, "band_high": high})
    inside.detect(content("这个妹子身材真好"))
    assert len(inside_spy.calls) == 1
    above, above_spy = loaded({"model_path": porn_model, "band_low": low, "band_high": band_score})
    below, below_spy = loaded({"model_path": porn_model, "band_low": high, "band_high": 1.0})
    assert above.detect(content("这个妹子身材真好")) == [] and below.detect(content("这个妹子身材真好")) == []
    assert above_spy.calls == [] and below_spy.calls == []


def test_clean_text_never_reaches_the_backend_with_default_band(porn_model):
    detector, spy = loaded({"model_path": porn_model})
    assert detector.detect(content(WIKI, title="长江")) == []
    assert detector.detect(content("")) == []
    assert spy.calls == []


def test_missing_model_path_fails_load_with_config_error(tmp_path):
    with pytest.raises(ConfigError, match="model_path") as unset:
        GuardDetector().load()
    assert unset.value.code == "guard_model_missing"
    with pytest.raises(ConfigError, match="does not exist"):
        GuardDetector({"model_path": str(tmp_path / "nope.onnx")}).load()


def test_malformed_model_file_fails_load_with_config_error(tmp_path):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not an onnx graph")
    with pytest.raises(ConfigError, match="not a readable ONNX model") as err:
        GuardDetector({"model_path": str(bad)}).load()
    assert err.value.code == "guard_model_invalid"


def test_model_with_wrong_names_is_rejected_at_load(tmp_path):
    node = helper.make_node("Identity", ["x"], ["y"])
    graph = helper.make_graph(
        [node],
        "wrong",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, str(tmp_path / "wrong.onnx"))
    with pytest.raises(ConfigError, match="input_ids"):
        GuardDetector({"model_path": str(tmp_path / "wrong.onnx")}).load()


def test_config_rejects_unknown_keys_and_bad_band():
    with pytest.raises(ValidationError):
        GuardDetector({"model_pth": "x.onnx"})
    with pytest.raises(ValidationError):
        GuardDetector({"band_low": 0.9, "band_high": 0.1})


def test_guard_is_registered_but_not_required(porn_model):
    assert isinstance(create_detector("guard", {"model_path": porn_model}), GuardDetector)


def test_guard_with_a_tiny_model_passes_the_detector_contract(porn_model):
    run_contract(GuardDetector, {"model_path": porn_model, "band_low": 0.0, "band_high": 1.0})


# --- endpoint backend ---------------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    reply: tuple[int, str] = (200, "")
    delay_s = 0.0
    seen: list = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append((self.path, dict(self.headers), body))
        time.sleep(self.delay_s)
        status, text = self.reply
        raw = json.dumps({"choices": [{"message": {"role": "assistant", "content": text}}]}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Handler.reply, _Handler.delay_s, _Handler.seen = (200, ""), 0.0, []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield _Handler, f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def endpoint_detector(url: str, **extra) -> tuple[GuardDetector, CountingBackend]:
    return loaded({"backend": "endpoint", "endpoint_url": url, "band_low": 0.0, "band_high": 1.0, **extra})


def test_endpoint_answer_becomes_a_signal(server):
    handler, url = server
    handler.reply = (200, '好的：{"category": "gambling", "score": 0.83}')
    detector, spy = endpoint_detector(url, api_key="k-123", model="tiny-guard")
    (signal,) = detector.detect(content("这个妹子身材真好"))
    assert (signal.label, signal.score, signal.attrs["backend"]) == ("gambling", 0.83, "endpoint")
    path, headers, body = handler.seen[0]
    assert path == "/v1/chat/completions" and headers["Authorization"] == "Bearer k-123"
    assert body["model"] == "tiny-guard" and body["messages"][0]["role"] == "system"
    assert "illicit_ad" in body["messages"][0]["content"] and body["messages"][1]["content"] == "这个妹子身材真好"
    assert len(spy.calls) == 1


@pytest.mark.parametrize(
    "reply",
    [
        (500, '{"category": "none", "score": 0.9}'),
        (200, "I cannot help"),
        (200, '{"category": "spam", "score": 0.5}'),
        (200, '{"category": "porn", "score": 7}'),
    ],
)
def test_endpoint_errors_raise_instead_of_passing(server, reply):
    handler, url = server
    handler.reply = reply
    detector, _ = endpoint_detector(url)
    with pytest.raises(DetectorFailed):
        detector.detect(content("这个妹子身材真好"))


def test_endpoint_timeout_raises(server):
    handler, url = server
    handler.reply, handler.delay_s = (200, '{"category": "none", "score": 0.9}'), 1.0
    detector, _ = endpoint_detector(url, timeout_s=0.2)
    with pytest.raises(DetectorFailed, match="failed"):
        detector.detect(content("这个妹子身材真好"))


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/v1", "file:///etc/passwd", "127.0.0.1:8000"])
def test_endpoint_rejects_non_http_urls(url):
    with pytest.raises(ConfigError, match="http"):
        GuardDetector({"backend": "endpoint", "endpoint_url": url}).load()


def test_endpoint_failure_is_recorded_as_failed_by_the_pipeline(server):
    from qinglang.pipeline.screener import run_detector

    handler, url = server
    handler.reply = (503, "busy")
    detector, _ = endpoint_detector(url)
    outcome = run_detector(detector, content("这个妹子身材真好"))
    assert outcome.status == "failed" and outcome.signals == () and "DetectorFailed" in outcome.error
