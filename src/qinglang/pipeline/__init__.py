"""The screening pipeline: prepare content, run detectors, the register stage and the policy."""

from qinglang.pipeline.contract import screen_line, to_contract
from qinglang.pipeline.prepare import html_to_text, prepare
from qinglang.pipeline.register import RegisterEntry, RegisterSnapshot
from qinglang.pipeline.screener import Screener, ScreeningResult, run_detector

__all__ = [
    "RegisterEntry",
    "RegisterSnapshot",
    "Screener",
    "ScreeningResult",
    "html_to_text",
    "prepare",
    "run_detector",
    "screen_line",
    "to_contract",
]
