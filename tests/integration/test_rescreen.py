"""Rescreens on SQLite and PostgreSQL: a candidate lexicon term finds the stored contents it would now catch and is
measured against the cases people closed; nothing is written."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from review_support import REVIEW, make_user, sessions_for
from sqlalchemy import func, select

from qinglang.cli.main import cli
from qinglang.config import BatchSettings, ScreeningSettings
from qinglang.domain.review import CaseSource, TargetKind
from qinglang.errors import InvalidInput
from qinglang.pipeline import Screener
from qinglang.services import rescreen
from qinglang.services.contents import ContentSubmission, submit_content
from qinglang.services.review import cases, decisions, queue
from qinglang.services.screening import ScreeningService
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import AccountRow, AuditEventRow, DecisionRow

PASSAGES = json.loads((Path(__file__).resolve().parents[1] / "unit" / "data" / "similarity_passages.json")
                      .read_text("utf-8"))["passages"]
TERM = "青狼秘笈丙"  # an invented term: no stored content is caught by the live lexicon for it
LEXICON_ONLY = ScreeningSettings(detectors=["lexicon"])
# content id -> (account, has the term, what a person decided: None = never reviewed)
WORLD = {"c-1": ("acc-a", True, "take_down"), "c-2": ("acc-a", True, "pass"), "c-3": ("acc-b", True, None),
         "c-4": ("acc-b", False, "take_down"), "c-5": ("acc-b", False, None)}


def _close(db, lead, content_id: str, choice: str) -> None:
    with transaction(db) as s:
        case = cases.open_case(s, cases.NewCase(TargetKind.CONTENT, content_id, CaseSource.REPORT, "porn", 2),
                               sla_hours=REVIEW.sla_hours, actor="test")
        queue.claim_case(s, case.id, lead, lease_seconds=600)
        decisions.decide(s, case.id, lead, choice, "复核结论", review=REVIEW)


@pytest.fixture
def world(database_url):
    with sessions_for(database_url) as db:
        with transaction(db) as s:
            s.add_all([AccountRow(id="acc-a", name="a"), AccountRow(id="acc-b", name="b")])
        screening = ScreeningService(Screener.from_settings(LEXICON_ONLY), db)
        for n, (content_id, (account, has_term, _)) in enumerate(WORLD.items()):
            text = f"第{n}篇。" + PASSAGES[n % len(PASSAGES)] + (f"，{TERM}，" if has_term else "")
            submit_content(db, screening, ContentSubmission(content_id=content_id, account_id=account, text=text),
                           actor="platform")
        lead = make_user(db, "lead", "lead")
        for content_id, (_, _, choice) in WORLD.items():
            if choice is not None:
                _close(db, lead, content_id, choice)
        yield db


@pytest.fixture
def extra_terms(tmp_path) -> Path:
    path = tmp_path / "extra.tsv"
    path.write_text(f"term\tcategory\tsublabel\tseverity\tsource\n{TERM}\tporn\texplicit\t3\tcandidate\n", "utf-8")
    return path


def _counts(db) -> tuple[int, int]:
    with transaction(db) as s:
        return s.scalar(select(func.count()).select_from(DecisionRow)), \
            s.scalar(select(func.count()).select_from(AuditEventRow))


def test_a_candidate_term_finds_the_stored_items_it_would_now_catch_and_reports_precision_and_recall(
        world, extra_terms):
    before = _counts(world)
    candidate = rescreen.build_candidate(LEXICON_ONLY, extra_terms=extra_terms)
    pages = []
    tally = rescreen.rescreen(world, candidate, page_size=2, on_page=pages.append)
    body = tally.to_dict()
    assert pages == [2, 2, 1] and body["scanned"] == 5
    changed = {c["content_id"]: c for c in body["changes"]}
    assert set(changed) == {"c-1", "c-2", "c-3"} and body["changed"] == 3
    assert {c["before"]["verdict"] for c in changed.values()} == {"pass"}
    assert {(c["after"]["verdict"], c["after"]["category"]) for c in changed.values()} == {("block", "porn")}
    assert changed["c-1"]["human"] == "violation" and changed["c-2"]["human"] == "no_violation"
    assert changed["c-3"]["human"] is None
    assert body["verdicts"] == {"pass": {"before": 5, "after": 2}, "review": {"before": 0, "after": 0},
                                "block": {"before": 0, "after": 3}}
    assert body["categories"]["porn"] == {"before": 0, "after": 3}
    assert body["reviewed"] == 3  # c-1, c-2, c-4
    assert body["current"] == {"true_positive": 0, "false_positive": 0, "false_negative": 2, "true_negative": 1,
                               "precision": None, "recall": 0.0}
    assert body["candidate"] == {"true_positive": 1, "false_positive": 1, "false_negative": 1, "true_negative": 0,
                                 "precision": 0.5, "recall": 0.5}
    assert _counts(world) == before  # a rescreen writes no decision and no audit event


def test_a_rescreen_is_narrowed_by_account_and_time(world, extra_terms):
    candidate = rescreen.build_candidate(LEXICON_ONLY, extra_terms=extra_terms)
    by_account = rescreen.rescreen(world, candidate, rescreen.Scope(account_id="acc-b")).to_dict()
    assert by_account["scanned"] == 3 and [c["content_id"] for c in by_account["changes"]] == ["c-3"]
    future = rescreen.Scope(since=utcnow() + timedelta(hours=1))
    assert rescreen.rescreen(world, candidate, future).scanned == 0
    assert rescreen.count(world, rescreen.Scope(until=utcnow() + timedelta(hours=1))) == 5


def test_the_live_lexicon_alone_changes_nothing(world, tmp_path):
    same = tmp_path / "none.tsv"
    same.write_text("term\tcategory\tsublabel\tseverity\tsource\n", "utf-8")
    tally = rescreen.rescreen(world, rescreen.build_candidate(LEXICON_ONLY, extra_terms=same))
    assert (tally.scanned, tally.changed) == (5, 0)


def test_a_rescreen_without_a_candidate_is_refused():
    with pytest.raises(InvalidInput) as exc:
        rescreen.build_candidate(LEXICON_ONLY)
    assert exc.value.code == "rescreen_no_candidate"


def test_the_cli_prints_the_changes_and_the_json(world, extra_terms, database_url):
    env = {"QINGLANG_DATABASE__URL": database_url, "QINGLANG_SCREENING__DETECTORS": '["lexicon"]'}
    runner = CliRunner()
    text = runner.invoke(cli, ["rescreen", "--extra-terms", str(extra_terms)], env=env, catch_exceptions=False)
    assert text.exit_code == 0, text.output
    assert "5 contents, 3 would change" in text.output
    assert "candidate precision 0.500 recall 0.500" in text.output
    assert "c-2 v" in text.output and "pass/none -> block/porn [reviewed: no_violation]" in text.output
    out = runner.invoke(cli, ["rescreen", "--extra-terms", str(extra_terms), "--book", "none", "--json"], env=env,
                        catch_exceptions=False)
    assert json.loads(out.output)["scanned"] == 0
    refused = runner.invoke(cli, ["rescreen"], env=env)
    assert refused.exit_code == 1 and "rescreen_no_candidate" in refused.output


def test_a_candidate_policy_with_the_term_sends_the_catches_to_review(world, extra_terms, tmp_path):
    policy = tmp_path / "gentle.yaml"
    policy.write_text('id: gentle\nversion: "g1"\nrules:\n  - id: porn-to-review\n    when: {signal: lexicon.porn}\n'
                      "    then: {verdict: review, category: porn}\n", "utf-8")
    candidate = rescreen.build_candidate(LEXICON_ONLY, policy_path=policy, extra_terms=extra_terms)
    assert candidate.describe.startswith("policy gentle g1, lexicon + extra.tsv")
    body = rescreen.rescreen(world, candidate).to_dict()
    assert body["verdicts"]["review"] == {"before": 0, "after": 3}
    assert {c["after"]["rules"][0] for c in body["changes"]} == {"porn-to-review"}


def test_a_candidate_model_folder_is_loaded_once_and_a_missing_one_is_refused(world, tmp_path):
    from qinglang.detectors.classifier.linear import DEFAULT_MODEL_DIR
    from qinglang.errors import ConfigError

    candidate = rescreen.build_candidate(LEXICON_ONLY, model_dir=DEFAULT_MODEL_DIR)
    assert [d.name for d in candidate.detectors] == ["classifier"]
    tally = rescreen.rescreen(world, candidate)  # the shipped model reads these novel passages as clean
    assert (tally.scanned, tally.changed) == (5, 0)
    with pytest.raises(ConfigError) as exc:
        rescreen.build_candidate(LEXICON_ONLY, model_dir=tmp_path)
    assert exc.value.code == "model_not_found"


# --- on the batch engine --------------------------------------------------------------------------------------

POOL = BatchSettings(engine="local", workers=2)
RAY = BatchSettings(engine="ray", workers=2)


def test_a_rescreen_on_the_local_pool_tallies_what_one_process_tallies(world, extra_terms):
    candidate = rescreen.build_candidate(LEXICON_ONLY, extra_terms=extra_terms)
    here = rescreen.rescreen(world, candidate, page_size=2).to_dict()
    pages = []
    pooled = rescreen.rescreen(world, candidate, page_size=2, batch=POOL, on_page=pages.append).to_dict()
    assert pooled == here and here["changed"] == 3 and pages == [2, 2, 1]


def test_the_candidate_travels_with_its_files_so_workers_need_none_of_the_callers(world, extra_terms, tmp_path):
    """The candidate's term list and model folder are carried as contents: deleted after the candidate is built,
    fresh pool workers still build the same detectors from what the candidate carries."""
    from qinglang.detectors.classifier.linear import DEFAULT_MODEL_DIR

    model = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, model, ignore=shutil.ignore_patterns("__pycache__"))
    candidate = rescreen.build_candidate(LEXICON_ONLY, extra_terms=extra_terms)
    with_model = rescreen.build_candidate(LEXICON_ONLY, model_dir=model)
    extra_terms.unlink()
    shutil.rmtree(model)
    assert rescreen.rescreen(world, candidate, page_size=2, batch=POOL).changed == 3
    assert rescreen.rescreen(world, with_model, page_size=2, batch=POOL).to_dict()["scanned"] == 5


def test_a_rescreen_on_ray_tallies_what_one_process_tallies(world, extra_terms, local_ray):
    candidate = rescreen.build_candidate(LEXICON_ONLY, extra_terms=extra_terms)
    here = rescreen.rescreen(world, candidate, page_size=2).to_dict()
    assert rescreen.rescreen(world, candidate, page_size=2, batch=RAY).to_dict() == here
