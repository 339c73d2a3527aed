"""The batch engine: chunks in, one result per chunk out in the chunks' order, on this process or a local pool;
the engine the settings name, and the clear error when Ray is asked for but not installed (an unreachable
cluster: tests/integration/test_ray_engine.py)."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from qinglang.cli.main import cli
from qinglang.config import BatchSettings, load_settings
from qinglang.engine import LocalPoolEngine, chunked, each, inline_engine, open_engine
from qinglang.errors import ConfigError
from qinglang.similarity.batch import load_corpus, similar_lines

PASSAGES = json.loads((Path(__file__).parent / "data" / "similarity_passages.json").read_text("utf-8"))["passages"]


def slow_first(chunk: list[int]) -> list[int]:
    """Squares, the chunk holding 0 taking longest: a pool finishes later chunks first."""
    if 0 in chunk:
        time.sleep(0.5)
    return [n * n for n in chunk]


def pid_of(_chunk: list) -> int:
    return os.getpid()


def fails_on_three(chunk: list[int]) -> list[int]:
    if 3 in chunk:
        raise ValueError("three is not allowed")
    return chunk


def test_chunked_cuts_a_stream_lazily_into_lists():
    stream = iter(range(7))
    chunks = chunked(stream, 3)
    assert next(chunks) == [0, 1, 2]
    assert next(stream) == 3  # nothing past the first chunk was read
    assert list(chunks) == [[4, 5, 6]]
    with pytest.raises(ValueError):
        list(chunked([1], 0))


def test_the_pool_returns_results_in_chunk_order_although_the_first_finishes_last():
    with LocalPoolEngine(2) as engine:
        assert list(engine.map(slow_first, range(10), chunk_size=2)) == [n * n for n in range(10)]


def test_one_chunk_or_one_worker_runs_in_this_process_and_more_runs_on_workers():
    with LocalPoolEngine(2) as engine:
        assert list(engine.map_chunks(pid_of, [[1, 2]])) == [os.getpid()]
        pids = list(engine.map_chunks(pid_of, [[n] for n in range(6)]))
    assert os.getpid() not in pids
    assert list(inline_engine().map_chunks(pid_of, [[1], [2], [3]])) == [os.getpid()] * 3


def test_an_error_in_a_chunk_reaches_the_caller():
    with LocalPoolEngine(2) as engine, pytest.raises(ValueError, match="three"):
        list(engine.map(fails_on_three, range(8), chunk_size=2))


def test_each_maps_an_item_function_over_a_chunk():
    with LocalPoolEngine(2) as engine:
        assert list(engine.map(each(abs), [-3, 2, -1, 0], chunk_size=1)) == [3, 2, 1, 0]


def _lines() -> list[bytes]:
    items = [{"id": f"c{n}", "text": p} for n, p in enumerate(PASSAGES)]
    items += [{"id": "excerpt-0", "text": PASSAGES[0][100:400]}, {"id": "c1", "text": "重复的编号"}, "not json", {}]
    return [(json.dumps(o, ensure_ascii=False) if not isinstance(o, str) else o).encode() for o in items]


def _similar(engine, chunk_size: int) -> tuple[list, list]:
    load = load_corpus(_lines(), engine=engine, chunk_size=chunk_size)
    out = list(similar_lines(load.index, _lines(), engine=engine, chunk_size=chunk_size))
    return load.errors, out


def test_the_pool_and_this_process_give_identical_similar_output():
    alone = _similar(None, 500)
    with LocalPoolEngine(2) as engine:
        pooled = _similar(engine, 1)
    assert pooled == alone
    errors, out = alone
    assert [n for n, _ in errors] == [6, 7, 8] and "duplicate_id" in errors[0][1]["error"]
    assert [m["id"] for m in out[4]["matches"]] == ["excerpt-0", "c0"]  # itself, then the passage it was cut from


def test_settings_name_the_engine_and_refuse_what_cannot_work():
    assert load_settings().batch == BatchSettings()
    assert open_engine(BatchSettings(workers=3)).workers == 3
    with pytest.raises(ConfigError, match="batch.engine"):
        load_settings(batch={"engine": "spark"})
    with pytest.raises(ConfigError, match="has no port"):
        load_settings(batch={"engine": "ray", "ray_address": "ray-head.internal"})


def test_ray_engine_without_ray_installed_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails as if it were not installed
    with pytest.raises(ConfigError) as caught:
        open_engine(BatchSettings(engine="ray"))
    assert caught.value.code == "missing_dependency" and "pip install 'qinglang[ray]'" in caught.value.message


def test_similar_with_ray_missing_is_one_line_not_a_traceback(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)
    monkeypatch.setenv("QINGLANG_BATCH__ENGINE", "ray")
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(b"\n".join(_lines()[:2]) + b"\n")
    result = CliRunner().invoke(cli, ["similar", "--corpus", str(corpus), "--query", str(corpus), "--output", "-"])
    assert result.exit_code == 1
    assert "missing_dependency: batch.engine is 'ray' but Ray is not installed" in result.output
    assert "Traceback" not in result.output
