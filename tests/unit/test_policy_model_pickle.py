"""A policy crosses to another process (a batch engine's worker) by pickle, even after its rules were compiled."""

from __future__ import annotations

import pickle

from qinglang.domain import DetectorOutcome, Signal
from qinglang.policy import default_policy, evaluate


def test_a_used_policy_pickles_and_decides_the_same_on_the_other_side():
    policy = default_policy()
    outcomes = [DetectorOutcome("lexicon", "1", "ok", (Signal("lexicon", "porn/explicit", 1.0, (), 3),)),
                DetectorOutcome("qr", "1", "failed", (), "decoder crashed")]
    here = evaluate(policy, outcomes)  # compiles every rule's condition (closures) and keeps it on the rule
    there = pickle.loads(pickle.dumps(policy))
    assert there == policy and evaluate(there, outcomes) == here
    assert here.verdict.value == "block"
