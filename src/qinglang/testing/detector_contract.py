"""The contract every detector must pass, built-in or third-party.

A detector declares ``name`` and ``version``; its config class rejects unknown keys; ``load()`` may be called
twice; ``detect()`` is deterministic, does not depend on earlier calls, never mutates its input, and returns
well-formed ``Signal`` objects whose text evidence spans index into the ORIGINAL field text.

Use it from a plug-in's own tests, either check by check or as a pytest base class::

    from qinglang.testing.detector_contract import DetectorContract

    class TestMyDetector(DetectorContract):
        detector_class = MyDetector
        detector_config = {"threshold": 0.7}   # optional

Every ``check_*`` function raises :class:`ContractViolation` (an ``AssertionError``) naming the broken rule.
"""

from __future__ import annotations

import copy
import io
import math
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any, ClassVar

from qinglang.detectors.base import Detector, DetectorConfig, PreparedContent
from qinglang.domain import ContentItem, Evidence, ImageRef, Signal

UNKNOWN_CONFIG_KEY = "no_such_option_in_any_detector"
_WIKI = (
    "长江是亚洲第一长河，发源于青藏高原的唐古拉山脉各拉丹冬峰西南侧，干流流经青海、西藏、四川、云南、重庆、湖北、"
    "湖南、江西、安徽、江苏、上海，于崇明岛以东注入东海，全长约6300公里。"
)
_TEXTS: tuple[tuple[str, str, str], ...] = (
    ("empty", "", ""),
    ("clean", "长江", _WIKI),
    ("drainage-split", "", "加我薇 信 abc123 看 全 集"),
    ("fullwidth", "ｖｘ：ａｂｃ１２３", "详情加ｖｘ：ａｂｃ１２３，备注来意"),
    ("porn-and-contact", "今晚约吗", "裸聊 约炮 包夜服务 联系QQ 12345678，扫码进群看片"),
    ("gambling", "", "澳门皇冠 百家乐 在线赌场 充值送彩金，注册网址 www点hg888点com"),
    ("evasion", "色*情小说", "色\u200b情 小 说 免费看 ➕V❤ xyz_888 🔞看片+q ①②③④⑤⑥⑦⑧"),
    ("traditional", "", "色情網站 請加賴 LINE: abc999 看更多"),
    ("long", "第一章", (_WIKI * 12) + "文末福利：加微信 qinglang_2024 领取全集。"),
)


class ContractViolation(AssertionError):
    """A detector broke a rule of the detector contract."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ContractViolation(message)


# --- sample content --------------------------------------------------------------------------------------------


@cache
def sample_images() -> tuple[ImageRef, ...]:
    """Small in-memory PNGs: a plain gradient and a QR code (when zxing-cpp can draw one)."""
    from PIL import Image

    gradient = Image.new("RGB", (96, 64))
    gradient.putdata([(x * 2, y * 3, 128) for y in range(64) for x in range(96)])
    images = [ImageRef(ref="contract-gradient.png", data=_png(gradient))]
    try:
        import numpy as np
        import zxingcpp

        code = zxingcpp.create_barcode("https://weixin.qq.com/g/ContractSample", zxingcpp.BarcodeFormat.QRCode)
        qr = Image.fromarray(np.asarray(code.to_image(scale=4))).convert("RGB")
        images.append(ImageRef(ref="contract-qr.png", data=_png(qr)))
    except Exception:  # an older zxing-cpp cannot draw codes; the gradient is enough then
        pass
    return tuple(images)


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def prepare(item: ContentItem) -> PreparedContent:
    """The fields a detector scans, for the plain-text samples used here (title and text, as given)."""
    return PreparedContent(item=item, fields={"title": item.title, "text": item.text})


def sample_contents() -> tuple[PreparedContent, ...]:
    """Prepared samples: empty, clean, evasive drainage, porn, gambling, traditional, long, and images."""
    items = [ContentItem(id=f"contract-{key}", title=title, text=text) for key, title, text in _TEXTS]
    items.append(
        ContentItem(
            id="contract-images-and-links",
            title="扫码加群",
            text="长按识别二维码，阅读原文了解更多",
            images=sample_images(),
            links=("https://weixin.qq.com/g/ContractSample", "http://example.com/a?utm_source=x"),
            original_link="http://example.com/read-more",
            account_id="contract-account",
        )
    )
    return tuple(prepare(item) for item in items)


# --- the checks --------------------------------------------------------------------------------------------------


def make_detector(cls: type[Detector], config: Mapping[str, Any] | None = None) -> Detector:
    detector = cls(dict(config) if config is not None else None)
    detector.load()
    return detector


def check_declares_name_and_version(cls: type[Detector], config=None, samples=()) -> None:
    name, version = getattr(cls, "name", None), getattr(cls, "version", None)
    _require(isinstance(name, str) and name.strip() == name and name != "", f"{cls.__name__}.name must be a non-empty string")
    _require(" " not in name and "." not in name, f"{cls.__name__}.name {name!r} must not contain spaces or dots")
    _require(isinstance(version, str) and version != "", f"{cls.__name__}.version must be a non-empty string")


def check_config_rejects_unknown_keys(cls: type[Detector], config=None, samples=()) -> None:
    from pydantic import ValidationError

    from qinglang.errors import QinglangError

    _require(issubclass(cls.config_class, DetectorConfig), f"{cls.__name__}.config_class must subclass DetectorConfig")
    cls.config_class()  # the defaults must be valid on their own
    try:
        cls({**(config or {}), UNKNOWN_CONFIG_KEY: 1})
    except (ValidationError, QinglangError):
        return
    raise ContractViolation(f"{cls.__name__} accepted the unknown config key {UNKNOWN_CONFIG_KEY!r}")


def check_load_is_idempotent(cls: type[Detector], config=None, samples=()) -> None:
    detector = make_detector(cls, config)
    probe = list(samples or sample_contents())
    before = [detector.detect(content) for content in probe]
    detector.load()
    detector.ensure_loaded()
    after = [detector.detect(content) for content in probe]
    _require(before == after, f"{cls.__name__}: a second load() changed what detect() returns")


def check_detect_is_deterministic(cls: type[Detector], config=None, samples=()) -> None:
    probe = list(samples or sample_contents())
    first = make_detector(cls, config)
    forward = [first.detect(content) for content in probe]
    again = [first.detect(content) for content in probe]
    _require(forward == again, f"{cls.__name__}: detect() gave different signals for the same input")
    fresh = make_detector(cls, config)
    backward = [fresh.detect(content) for content in reversed(probe)][::-1]
    _require(forward == backward, f"{cls.__name__}: detect() depends on which items it saw before")


def check_detect_does_not_mutate_input(cls: type[Detector], config=None, samples=()) -> None:
    detector = make_detector(cls, config)
    for content in samples or sample_contents():
        snapshot = copy.deepcopy(content)
        detector.detect(content)
        _require(content == snapshot, f"{cls.__name__}: detect() changed its input {content.item.id!r}")


def check_signals_are_well_formed(cls: type[Detector], config=None, samples=()) -> None:
    detector = make_detector(cls, config)
    for content in samples or sample_contents():
        signals = detector.detect(content)
        _require(isinstance(signals, list), f"{cls.__name__}: detect() must return a list, got {type(signals).__name__}")
        for signal in signals:
            check_signal(cls.name, signal, content)


def check_signal(detector_name: str, signal: Signal, content: PreparedContent) -> None:
    """One signal: right detector name, a label, a score in [0, 1], severity 0..3, evidence that indexes
    into the original field text."""
    where = f"{detector_name} on {content.item.id!r}"
    _require(isinstance(signal, Signal), f"{where}: detect() returned {type(signal).__name__}, not Signal")
    _require(signal.detector == detector_name, f"{where}: signal.detector is {signal.detector!r}")
    _require(isinstance(signal.label, str) and signal.label.strip() != "" and " " not in signal.label,
             f"{where}: signal label {signal.label!r} must be a non-empty word")
    score = signal.score
    _require(isinstance(score, int | float) and not math.isnan(score) and 0.0 <= score <= 1.0,
             f"{where}: score {score!r} of {signal.label!r} must be within [0, 1]")
    _require(signal.severity in (0, 1, 2, 3), f"{where}: severity {signal.severity!r} must be 0..3")
    for evidence in signal.evidence:
        check_evidence(where, evidence, content)


def check_evidence(where: str, evidence: Evidence, content: PreparedContent) -> None:
    _require(isinstance(evidence, Evidence), f"{where}: evidence must be Evidence, got {type(evidence).__name__}")
    _require(bool(evidence.kind), f"{where}: evidence needs a kind")
    if evidence.start is None and evidence.end is None:
        return
    _require(evidence.field in content.fields, f"{where}: evidence field {evidence.field!r} is not a field of the content")
    original = content.fields[evidence.field]
    start, end = evidence.start, evidence.end
    _require(isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(original),
             f"{where}: span {start}..{end} does not lie inside field {evidence.field!r} ({len(original)} chars)")
    if evidence.text:
        _require(original[start:end] == evidence.text,
                 f"{where}: evidence text {evidence.text!r} is not the original text {original[start:end]!r} at "
                 f"{start}..{end}; put normalised forms in evidence.detail")


_NOISE_PALETTE = (
    "加我薇信vxVX微亻言扣QQqq约炮裸聊色情赌博彩金澳门百家乐看片全集群扫码二维码网址点com"
    "０１２３４５６７８９①②③零一二三四五六七八九abcxyz_-.@:/ "
    "\u200b\u200c\u200d\ufeff\u00ad\u0301\u0308❤♥✿★☆️🔞💋👉➕＋＊*·•|｜\n\t"
    "ＡＢＣｖｘ色\u3000丶乀亻氵"
)


_LURES = ("加我薇信abc123", "QQ 12345678", "约炮", "www.hg888.com", "电话13912345678", "裸聊", "扫码进群",
          "vx: qinglang_88", "百家乐充值送彩金")


def noisy_texts(count: int = 150, seed: int = 1234) -> list[str]:
    """Seeded random strings mixing lure words, full-width and circled digits, zero-width characters,
    combining marks, emoji and separators: what evasive text looks like to a normaliser."""
    import random

    rng = random.Random(seed)
    texts = []
    for i in range(count):
        noise = "".join(rng.choices(_NOISE_PALETTE, k=rng.randint(1, 120)))
        if i % 2:
            texts.append(noise + _split(rng.choice(_LURES), rng) + noise[: rng.randint(0, 40)])
        else:
            texts.append(noise)
    return texts


def _split(lure: str, rng) -> str:
    """The lure with separators, zero-width characters or full-width forms slipped between its characters."""
    fillers = (" ", "*", ".", "\u200b", "\u3000", "·", "|", "-", "❤")
    return "".join(ch + (rng.choice(fillers) if rng.random() < 0.4 else "") for ch in lure)


def check_spans_hold_on_noisy_text(cls: type[Detector], config=None, samples=()) -> None:
    """Evasive, noisy text never crashes ``detect()`` and every span still indexes the original text."""
    detector = make_detector(cls, config)
    for i, text in enumerate(noisy_texts()):
        content = prepare(ContentItem(id=f"noise-{i}", title=text[:20], text=text))
        for signal in detector.detect(content):
            check_signal(cls.name, signal, content)


CHECKS: dict[str, Callable[..., None]] = {
    "declares_name_and_version": check_declares_name_and_version,
    "config_rejects_unknown_keys": check_config_rejects_unknown_keys,
    "load_is_idempotent": check_load_is_idempotent,
    "detect_is_deterministic": check_detect_is_deterministic,
    "detect_does_not_mutate_input": check_detect_does_not_mutate_input,
    "signals_are_well_formed": check_signals_are_well_formed,
    "spans_hold_on_noisy_text": check_spans_hold_on_noisy_text,
}


def run_contract(cls: type[Detector], config: Mapping[str, Any] | None = None,
                 samples: Sequence[PreparedContent] = ()) -> None:
    """Run every check; raises the first :class:`ContractViolation`."""
    for check in CHECKS.values():
        check(cls, config, samples)


class DetectorContract:
    """pytest base class: subclass it in a ``Test...`` class and set ``detector_class``."""

    detector_class: ClassVar[type[Detector]]
    detector_config: ClassVar[Mapping[str, Any] | None] = None
    extra_samples: ClassVar[Sequence[PreparedContent]] = ()

    def _run(self, name: str) -> None:
        samples = (*sample_contents(), *self.extra_samples)
        CHECKS[name](self.detector_class, self.detector_config, samples)

    def test_declares_name_and_version(self) -> None:
        self._run("declares_name_and_version")

    def test_config_rejects_unknown_keys(self) -> None:
        self._run("config_rejects_unknown_keys")

    def test_load_is_idempotent(self) -> None:
        self._run("load_is_idempotent")

    def test_detect_is_deterministic(self) -> None:
        self._run("detect_is_deterministic")

    def test_detect_does_not_mutate_input(self) -> None:
        self._run("detect_does_not_mutate_input")

    def test_signals_are_well_formed(self) -> None:
        self._run("signals_are_well_formed")

    def test_spans_hold_on_noisy_text(self) -> None:
        self._run("spans_hold_on_noisy_text")
