"""Evaluation tooling: labelled-data loaders, the shared DEV/TRAIN split rule and metrics."""

from qinglang.evaluation.datasets import is_dev

__all__ = ["is_dev"]
