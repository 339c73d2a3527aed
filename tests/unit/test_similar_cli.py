"""``qinglang similar``: corpus and query JSONL in, one line of near-duplicates per query out, errors per line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from qinglang.cli.main import cli

PASSAGES = json.loads((Path(__file__).parent / "data" / "similarity_passages.json").read_text("utf-8"))["passages"]


def _jsonl(*objs) -> str:
    return "".join((o if isinstance(o, str) else json.dumps(o, ensure_ascii=False)) + "\n" for o in objs)


def _corpus(tmp_path: Path, *extra) -> Path:
    path = tmp_path / "corpus.jsonl"
    items = [{"id": f"c{n}", "title": f"第{n}回", "text": p} for n, p in enumerate(PASSAGES)]
    path.write_text(_jsonl(*items, *extra), "utf-8")
    return path


def run(args: list[str], stdin: str = ""):
    return CliRunner().invoke(cli, ["similar", *args], input=stdin.encode())


def test_one_line_per_query_in_order_best_first(tmp_path):
    whole = {"id": "both", "html": "<p>" + PASSAGES[1] + "</p><p>" + PASSAGES[2] + "</p>"}
    corpus = _corpus(tmp_path, whole)
    queries = _jsonl(
        {"id": "excerpt", "text": PASSAGES[2][50:450]},
        {"id": "edition", "text": PASSAGES[0].replace("，", "、").replace("。", "．").replace("马", "馬")},
        {"id": "stranger", "text": "今天天气很好，我们去公园散步，看见许多孩子在草地上放风筝。"},
        {"id": "title-only", "title": PASSAGES[3]},
    )
    result = run(["--corpus", str(corpus), "--query", "-", "--output", "-"], queries)
    assert result.exit_code == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["excerpt", "edition", "stranger", "title-only"]
    excerpt, edition, stranger, title_only = (o["matches"] for o in out)
    assert {m["id"] for m in excerpt} == {"c2", "both"} and all(m["containment"] == 1.0 for m in excerpt)
    assert excerpt[0]["similarity"] >= excerpt[1]["similarity"]  # containment ties, similarity decides
    assert edition == [{"id": "c0", "similarity": 1.0, "containment": 1.0}]
    assert stranger == []
    assert title_only[0]["id"] == "c3"
    assert "indexed 5 corpus items (0 skipped); 4 queries: 3 with near-duplicates, 0 errors" in result.stderr


def test_bad_query_lines_get_the_screen_contract_errors_and_never_stop_the_run(tmp_path):
    corpus = _corpus(tmp_path)
    queries = _jsonl('{"id": "a", "text": 5}', "not json", {"text": "no id"}, {"id": "b", "colour": "red"},
                     {"id": "ok", "text": PASSAGES[0]})
    result = run(["--corpus", str(corpus), "--query", "-", "--output", "-"], queries + "\n")
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["a", None, None, "b", "ok", None]
    errors = [o.get("error", "").split(":")[0] for o in out]
    assert errors == ["wrong_type", "invalid_json", "missing_id", "unknown_field", "", "invalid_json"]
    assert out[4]["matches"][0]["id"] == "c0"


def test_bad_corpus_lines_are_reported_and_skipped(tmp_path):
    corpus = _corpus(tmp_path, {"id": "c0", "text": "again"}, b"\xff\xfe".decode("latin-1"))
    corpus.write_bytes(corpus.read_bytes() + b'{"id": "bytes", "text": "\xff"}\n')
    result = run(["--corpus", str(corpus), "--query", "-", "--output", "-"], _jsonl({"id": "q", "text": PASSAGES[1]}))
    assert result.exit_code == 0
    assert "corpus line 5 skipped: duplicate_id" in result.stderr
    assert "corpus line 7 skipped: invalid_utf8" in result.stderr
    assert json.loads(result.stdout)["matches"][0]["id"] == "c1"


def test_output_file_and_corpus_from_stdin(tmp_path):
    out_path = tmp_path / "out.jsonl"
    query = tmp_path / "q.jsonl"
    query.write_text(_jsonl({"id": "q", "text": PASSAGES[3][:300]}), "utf-8")
    corpus = _jsonl({"id": "x", "text": PASSAGES[3]})
    result = run(["--corpus", "-", "--query", str(query), "--output", str(out_path)], corpus)
    assert result.exit_code == 0, result.stderr
    assert json.loads(out_path.read_text("utf-8"))["matches"][0]["id"] == "x"


def test_both_from_stdin_and_missing_files_are_usage_errors(tmp_path):
    assert run(["--corpus", "-", "--query", "-", "--output", "-"]).exit_code == 2
    result = run(["--corpus", str(tmp_path / "none.jsonl"), "--query", "-", "--output", "-"])
    assert result.exit_code == 1 and "cannot read input" in result.stderr


def test_similar_runs_as_a_real_process_without_a_progress_bar(tmp_path):
    corpus = _corpus(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "qinglang.cli.main", "similar", "--corpus", str(corpus), "--query", "-", "--output", "-"],
        input=_jsonl({"id": "q", "text": PASSAGES[2]}).encode(), capture_output=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["matches"][0] == {"id": "c2", "similarity": 1.0, "containment": 1.0}
    assert b"\r" not in proc.stderr


def test_progress_bar_only_on_a_terminal(monkeypatch):
    from qinglang.cli import similar as similar_cli

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert similar_cli._bar("querying") is None
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    bar = similar_cli._bar("querying")
    bar.update()
    bar.close()
    assert "querying" in terminal.getvalue()
