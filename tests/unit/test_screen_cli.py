"""``qinglang screen``: the batch contract end to end through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import ClassVar

import pytest
from click.testing import CliRunner

from qinglang.cli.main import cli
from qinglang.detectors import registry
from qinglang.detectors.base import Detector, PreparedContent
from qinglang.domain import Evidence, Signal


class FakeLexicon(Detector):
    name: ClassVar[str] = "lexicon"
    version: ClassVar[str] = "test"

    def detect(self, content: PreparedContent) -> list[Signal]:
        text = content.fields["text"]
        i = text.find("裸聊")
        return [Signal("lexicon", "porn/explicit", 0.95, (Evidence("text_span", "text", i, i + 2, "裸聊"),), 3)] \
            if i >= 0 else []


@pytest.fixture
def fake_detectors(monkeypatch):
    monkeypatch.setattr(registry, "create_detector", lambda name, config=None: {"lexicon": FakeLexicon}[name]())


def run(args: list[str], stdin: bytes = b""):
    return CliRunner().invoke(cli, ["screen", *args], input=stdin)


def lines_of(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_stdin_to_stdout_one_line_per_input_line_in_order(fake_detectors):
    stdin = "\n".join([
        json.dumps({"id": "a", "text": "来裸聊吧"}, ensure_ascii=False),
        "not json",
        json.dumps({"id": "b", "title": "北京", "html": "<p>北京是首都。</p>"}, ensure_ascii=False),
        json.dumps({"id": "c", "colour": "red"}),
    ]).encode() + b"\n"
    result = run(["--input", "-", "--output", "-", "--detectors", "lexicon"], stdin)
    out = lines_of(result)
    assert result.exit_code == 0
    assert [o["id"] for o in out] == ["a", None, "b", "c"]
    assert (out[0]["verdict"], out[0]["category"]) == ("block", "porn")
    assert out[0]["labels"][0]["evidence"][0] == {"kind": "text_span", "field": "text", "start": 1, "end": 3,
                                                  "text": "裸聊"}
    assert out[1]["error"].startswith("invalid_json: ") and out[3]["error"].startswith("unknown_field: ")
    assert out[2]["verdict"] == "pass" and out[2]["scores"]["none"] == 1.0
    assert result.stderr.strip() == "screened 4 lines: pass 1, review 0, block 1, error 2"


def test_invalid_utf8_line_does_not_stop_the_run(fake_detectors, tmp_path):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(b'{"id": "1", "text": "ok"}\n{"id": "2", "text": "\xff\xfe"}\r\n\n{"id": "3"}')
    result = run(["--input", str(source), "--output", str(target), "--detectors", "lexicon"])
    out = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    assert result.exit_code == 0 and len(out) == 4
    assert out[1] == {"id": None, "error": out[1]["error"]} and out[1]["error"].startswith("invalid_utf8: ")
    assert out[2]["error"].startswith("invalid_json: ") and out[3]["verdict"] == "pass"


def test_policy_option_replaces_the_default_policy(fake_detectors, tmp_path):
    policy = tmp_path / "lenient.yaml"
    policy.write_text("id: lenient\nversion: 1\nrules:\n  - id: porn-review\n    when: {signal: lexicon.porn}\n"
                      "    then: {verdict: review, category: porn}\n", "utf-8")
    result = run(["--input", "-", "--output", "-", "--detectors", "lexicon", "--policy", str(policy)],
                 '{"id": "a", "text": "裸聊"}\n'.encode())
    assert lines_of(result)[0]["verdict"] == "review"


def test_invalid_policy_file_stops_before_screening_with_file_and_line(fake_detectors, tmp_path):
    policy = tmp_path / "bad.yaml"
    policy.write_text("id: bad\nversion: 1\nrules:\n  - id: x\n    when: {signal: lexicon.porn}\n"
                      "    then: {verdict: deny}\n", "utf-8")
    result = run(["--input", "-", "--output", "-", "--detectors", "lexicon", "--policy", str(policy)], b'{"id": "a"}\n')
    assert result.exit_code == 1 and f"{policy}:6: unknown verdict 'deny'" in result.stderr
    assert result.stdout == ""


def test_unknown_detector_is_a_clear_error():
    result = run(["--input", "-", "--output", "-", "--detectors", "nope"], b'{"id": "a"}\n')
    assert result.exit_code == 1 and "unknown_detector: unknown detector 'nope'" in result.stderr


def test_worker_pool_keeps_input_order():
    lines = [json.dumps({"id": f"i{n}", "text": "x"}) if n % 7 else "{broken" for n in range(60)]
    result = run(["--input", "-", "--output", "-", "--detectors", "", "--workers", "2"],
                 ("\n".join(lines) + "\n").encode())
    out = lines_of(result)
    assert result.exit_code == 0
    assert [o["id"] for o in out] == [f"i{n}" if n % 7 else None for n in range(60)]
    assert result.stderr.strip() == "screened 60 lines: pass 51, review 0, block 0, error 9"


def test_screen_runs_as_a_real_process_over_pipes():
    proc = subprocess.run(
        [sys.executable, "-m", "qinglang.cli.main", "screen", "--input", "-", "--output", "-", "--detectors", ""],
        input='{"id": "w", "text": "北京是中华人民共和国的首都。"}\n'.encode(), capture_output=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["verdict"] == "pass"
    assert b"\r" not in proc.stderr  # no progress bar when stderr is not a terminal


def test_shipped_detectors_report_disguised_drainage_and_pass_clean_text():
    pytest.importorskip("qinglang.detectors.contacts.detector")
    pytest.importorskip("qinglang.detectors.lexicon.detector")
    stdin = '{"id":"a","text":"加我薇 信 abc123 看 全 集"}\n{"id":"w","text":"北京是中华人民共和国的首都，位于华北平原北部。"}\n'
    result = run(["--input", "-", "--output", "-", "--detectors", "lexicon,contacts"], stdin.encode())
    drainage, clean = lines_of(result)
    assert (drainage["verdict"], drainage["category"]) == ("block", "illicit_ad")
    assert drainage["labels"][0]["label"] == "illicit_ad/drainage"
    handle = drainage["contacts"][0]
    assert handle["value"] == "abc123" and handle["evidence"][0]["start"] == 6 and handle["evidence"][0]["end"] == 12
    assert clean["verdict"] == "pass" and clean["category"] == "none"


def test_progress_bar_only_on_a_terminal(monkeypatch):
    import io

    from qinglang.cli import screen as screen_cli

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert screen_cli._progress() is None
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    bar = screen_cli._progress()
    bar.update()
    bar.close()
    assert "screening" in terminal.getvalue() and "1item" in terminal.getvalue().replace(" ", "")
