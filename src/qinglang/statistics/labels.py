"""Chinese and English names of the stored values that statistics break down by (categories, verdicts, ...).

Chinese first, as in the console. A value the tables below do not know is shown as itself, so a new action
kind or detector still appears in every report (under its stored name) instead of vanishing.
"""

from __future__ import annotations

NAMES: dict[str, dict[str, tuple[str, str]]] = {
    "category": {
        "porn": ("色情低俗", "Porn / vulgar"),
        "illicit_ad": ("黑产广告/导流", "Illicit ads / drainage"),
        "gambling": ("赌博", "Gambling"),
        "fraud": ("诈骗", "Fraud"),
        "abuse": ("谩骂引战", "Abuse"),
        "none": ("未见违规", "None"),
        "other": ("其他", "Other"),
    },
    "verdict": {
        "pass": ("通过", "Pass"),
        "review": ("转人工审核", "Sent to review"),
        "block": ("自动拦截", "Blocked automatically"),
    },
    "outcome": {
        "violation": ("违规", "Violation"),
        "no_violation": ("未违规", "No violation"),
        "merged": ("已合并", "Merged"),
        "calibration": ("校准", "Calibration"),
    },
    "source": {
        "report": ("用户举报", "Reader report"),
        "verdict": ("机器审核", "Automatic verdict"),
        "sweep": ("举一反三排查", "Sweep"),
        "strikes": ("违规积分", "Strikes"),
        "calibration": ("校准", "Calibration"),
    },
    "action": {
        "take_down": ("下架内容", "Take down"),
        "take_down_book": ("整本下架", "Take a whole book down"),
        "disable_links": ("禁用链接/二维码", "Disable links / QR"),
        "restrict": ("限制账号", "Restrict account"),
        "suspend": ("暂停账号", "Suspend account"),
        "close": ("关闭账号", "Close account"),
        "blacklist": ("列入黑名单", "Blacklist"),
        "revert": ("撤销处置", "Revert"),
    },
    "list": {
        "block": ("黑名单", "Blacklist"),
        "allow": ("白名单", "Allowlist"),
    },
    "list_kind": {
        "account": ("账号", "Account"),
        "operator": ("运营主体", "Operator"),
        "domain": ("域名", "Domain"),
        "url": ("网址", "URL"),
        "qr_payload": ("二维码内容", "QR payload"),
        "contact": ("联系方式", "Contact handle"),
        "text_fingerprint": ("文本指纹", "Text fingerprint"),
        "image_hash": ("图片指纹", "Image hash"),
        "term": ("关键词", "Term"),
    },
    "detector": {
        "lexicon": ("词库", "Lexicon"),
        "contacts": ("联系方式识别", "Contacts"),
        "classifier": ("文本分类模型", "Classifier"),
        "links": ("链接识别", "Links"),
        "qr": ("二维码识别", "QR codes"),
        "image": ("图片识别", "Images"),
        "ocr": ("图片文字识别", "OCR"),
        "phash": ("图片指纹比对", "Image hashes"),
        "register": ("黑白名单比对", "Register"),
    },
}


def name(kind: str, value: str) -> tuple[str, str]:
    """(Chinese, English) name of a stored value of ``kind``; the value itself where none is known."""
    return NAMES.get(kind, {}).get(value, (value, value))


def ordered(kind: str, values, *, complete: bool = False) -> list[str]:
    """Known values in the tables' order first (so reports list categories the same way), then the rest sorted.

    ``complete`` lists every known value even where ``values`` lacks it, so a report shows "赌博 0" rather than
    leaving the row out.
    """
    known = list(NAMES.get(kind, {}))
    present = set(values)
    return [v for v in known if complete or v in present] + sorted(present - set(known))
