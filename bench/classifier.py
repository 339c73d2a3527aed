"""Classifier speed: short texts/s, 2 KB texts/s (one item per call and batched), load time and memory.

The measurement lives beside the model (``qinglang.evaluation.bench_classifier``) so that a retrained model can
be timed the same way; this section runs it inside ``make bench``.
"""

from __future__ import annotations


def run() -> dict:
    from qinglang.evaluation.bench_classifier import run as measure

    return measure()
