import json

from click.testing import CliRunner

from qinglang.cli.main import cli


def _write(path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")


def test_train_on_own_labelled_file_then_eval_with_that_model(tmp_path):
    rows = [
        *[{"id": f"a{i}", "text": f"百家乐{i}号台首充送彩金", "label": "gambling"} for i in range(40)],
        *[{"文本": f"今天第{i}天去公园散步，天气不错", "标签": "不违规"} for i in range(40)],
    ]
    data, out = tmp_path / "mine.jsonl", tmp_path / "model"
    _write(data, rows)
    result = CliRunner().invoke(cli, ["model", "train", "--data", str(data), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert (out / "weights.npz").exists() and (out / "meta.json").exists()
    result = CliRunner().invoke(cli, ["model", "eval", "--data", str(data), "--model", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["macro_f1"] > 0.9


def test_train_needs_exactly_one_data_source(tmp_path):
    result = CliRunner().invoke(cli, ["model", "train", "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "--data-dir" in result.output
