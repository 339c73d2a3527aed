"""The batch engine's Ray path on a local Ray the suite starts (``local_ray``): ``qinglang similar``'s lines and
a sweep's near-duplicate search give exactly what the local pool and a single process give, on SQLite and
PostgreSQL; a stored fingerprint missing or damaged is made again on Ray and stored; an error in a task reaches
the caller; a cluster address where nothing listens is refused in seconds."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from review_support import sessions_for
from sqlalchemy import delete, select, update

from qinglang.cli.main import cli
from qinglang.config import BatchSettings, ScreeningSettings
from qinglang.domain.sweeps import SeedKind
from qinglang.engine import LocalPoolEngine, RayEngine, each, open_engine
from qinglang.errors import EngineUnavailable
from qinglang.pipeline import Screener
from qinglang.services import similarity, sweeps
from qinglang.services.contents import ContentSubmission, submit_content
from qinglang.services.screening import ScreeningService
from qinglang.similarity import fingerprint
from qinglang.similarity.batch import load_corpus, similar_lines
from qinglang.storage.db import transaction
from qinglang.storage.tables.similarity import TextFingerprintRow

DATA = Path(__file__).resolve().parents[1] / "unit" / "data" / "similarity_passages.json"
PASSAGES = json.loads(DATA.read_text("utf-8"))["passages"]
CHAPTER = PASSAGES[2] + PASSAGES[3]

RAY = BatchSettings(engine="ray", chunk_size=2)
POOL = BatchSettings(engine="local", workers=2, chunk_size=2)


def _lines() -> list[bytes]:
    items = [{"id": f"c{n}", "text": p} for n, p in enumerate(PASSAGES)]
    items += [{"id": "edition", "text": CHAPTER.replace("，", " ").replace("说", "說")},
              {"id": "teaser", "text": CHAPTER[:300]}, {"id": "c1", "text": "重复"}, {"title": "no id"}, "{"]
    return [(o if isinstance(o, str) else json.dumps(o, ensure_ascii=False)).encode() for o in items]


def _similar(engine) -> tuple[list, list]:
    load = load_corpus(_lines(), engine=engine, chunk_size=2)
    return load.errors, list(similar_lines(load.index, _lines(), engine=engine, chunk_size=2))


def test_similar_lines_are_identical_on_ray_on_the_pool_and_in_one_process(local_ray):
    alone = _similar(None)
    with LocalPoolEngine(2) as pool:
        pooled = _similar(pool)
    with RayEngine() as ray_engine:
        assert ray_engine.workers == 2  # the local Ray's CPUs
        on_ray = _similar(ray_engine)
    assert on_ray == pooled == alone
    errors, out = alone
    assert len(errors) == 3 and any(o["matches"] for o in out)
    teaser = next(o for o in out if o.get("id") == "teaser")
    assert {m["id"] for m in teaser["matches"]} >= {"c2", "edition", "teaser"}


def test_an_error_in_a_ray_task_reaches_the_caller(local_ray):
    # the function must be importable on the workers (a test module is not): int() from the standard library
    with RayEngine() as engine, pytest.raises(ValueError, match="invalid literal"):
        list(engine.map(each(int), ["1", "2", "3", "x"], chunk_size=2))


@pytest.fixture
def stored(database_url):
    """Nine stored contents: the chapter, an edited copy, a teaser, a chapter with a preface, and unrelated ones."""
    with sessions_for(database_url) as db:
        screening = ScreeningService(Screener.from_settings(ScreeningSettings(detectors=["contacts"])), db)
        texts = {"ch-a": CHAPTER, "ch-b": CHAPTER.replace("，", " ").replace("。", "！"), "teaser": CHAPTER[:400],
                 "preface": "序言：" + PASSAGES[0][:200] + CHAPTER, **{f"other-{n}": p for n, p in enumerate(PASSAGES)}}
        for content_id, text in texts.items():
            submit_content(db, screening, ContentSubmission(content_id=content_id, account_id=None, kind="chapter",
                                                            text=text), actor="platform")
        yield db


def _search(db, fp, batch) -> list[tuple[str, float, float]]:
    with transaction(db) as s:
        return [(m.key.content_id, m.similarity, m.containment) for m in similarity.near_duplicates(s, fp, batch)]


def test_a_sweeps_search_is_the_same_on_ray_on_the_pool_and_in_one_index(stored, local_ray):
    fp = fingerprint(CHAPTER[100:900])
    with transaction(stored) as s:
        one_index = [(m.key.content_id, m.similarity, m.containment) for m in similarity.corpus_index(s).search(fp)]
    assert {c for c, _, _ in one_index} == {"ch-a", "ch-b", "teaser", "preface", "other-2", "other-3"}
    assert _search(stored, fp, None) == _search(stored, fp, POOL) == _search(stored, fp, RAY) == one_index


def test_fingerprints_missing_or_damaged_are_made_on_ray_and_stored(stored, local_ray):
    fp = fingerprint(CHAPTER)
    expected = _search(stored, fp, None)
    with transaction(stored) as s:
        pks = list(s.scalars(select(TextFingerprintRow.content_version_pk).order_by(TextFingerprintRow.content_version_pk)))
        s.execute(delete(TextFingerprintRow).where(TextFingerprintRow.content_version_pk.in_(pks[:3])))
        s.execute(update(TextFingerprintRow).where(TextFingerprintRow.content_version_pk == pks[3])
                  .values(data=b"not a fingerprint"))
    assert _search(stored, fp, RAY) == expected
    with transaction(stored) as s:
        rows = {r.content_version_pk: r for r in s.scalars(select(TextFingerprintRow))}
    assert set(rows) == set(pks) and rows[pks[3]].data != b"not a fingerprint"


def test_a_sweep_preview_on_ray_finds_what_it_finds_in_one_process(stored, local_ray):
    seed = sweeps.Seed(SeedKind.TEXT, PASSAGES[3][50:600])
    on_ray = sweeps.preview(stored, seed, batch=RAY)
    assert on_ray == sweeps.preview(stored, seed)
    assert {h.content_id for h in on_ray} >= {"ch-a", "ch-b", "preface", "other-3"}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_bad_ray_address_is_refused_in_seconds_even_beside_a_running_ray(local_ray, tmp_path, monkeypatch):
    address = f"127.0.0.1:{_closed_port()}"
    started = time.monotonic()
    with pytest.raises(EngineUnavailable, match=address):
        open_engine(BatchSettings(engine="ray", ray_address=address))
    assert time.monotonic() - started < 10
    monkeypatch.setenv("QINGLANG_BATCH__ENGINE", "ray")
    monkeypatch.setenv("QINGLANG_BATCH__RAY_ADDRESS", address)
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(b"\n".join(_lines()[:2]) + b"\n")
    result = CliRunner().invoke(cli, ["similar", "--corpus", str(corpus), "--query", str(corpus), "--output", "-"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"batch_engine_unavailable: cannot reach the Ray cluster at {address}" in result.output


def test_qinglang_similar_on_ray_writes_what_it_writes_on_the_local_pool(local_ray, tmp_path, monkeypatch):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(b"\n".join(_lines()) + b"\n")
    args = ["similar", "--corpus", str(corpus), "--query", str(corpus), "--output", "-"]
    monkeypatch.setenv("QINGLANG_BATCH__CHUNK_SIZE", "2")
    pooled = CliRunner().invoke(cli, args)
    monkeypatch.setenv("QINGLANG_BATCH__ENGINE", "ray")
    on_ray = CliRunner().invoke(cli, args)
    assert pooled.exit_code == on_ray.exit_code == 0, on_ray.output
    assert on_ray.stdout == pooled.stdout and len(on_ray.stdout.splitlines()) == len(_lines())
