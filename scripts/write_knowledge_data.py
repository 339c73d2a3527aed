"""Build qinglang's knowledge-guided training data (``data/knowledge/*.jsonl``) from its two hand-made sources.

    .venv/bin/python scripts/write_knowledge_data.py                          # rebuild the six JSONL files
    .venv/bin/python scripts/write_knowledge_data.py --refresh-overlap ../shared/data   # also re-check real data

Sources, both written for the project from the category definitions in ChineseHarm-Bench's ``knowledge.py``:

* ``data/knowledge/written/<category>.txt`` — examples written out in full, one per line, in sections headed
  ``@ <subtype> <positive|hard_negative> <register>``. They are copied as they are (``origin: written``).
* ``data/knowledge/frames/<category>.yaml`` — per sub-type and kind, slot vocabularies and sentence frames
  (``origin: generated``). ``frames/common.yaml`` holds the shared slots and the register transforms.

A frame is a string with ``{slot}`` (a random value of that slot; values may hold slots themselves),
``{a|b|c}`` (one of the alternatives; ``{|a|b}`` may also be empty), ``{slot?}`` (the slot or nothing) and
built-ins ``{@name}`` / ``{@name:a-b}`` (made-up contact handles, phone numbers, links, amounts; see
``BUILTINS``). Generated items are topped up to each section's ``target`` count; each may get one register
transform (emoji, homophone or variant spelling, split characters, pinyin initials, a contact handle,
full-width digits, punctuation noise) with the probabilities its section gives.

Everything is deterministic: each section draws from ``random.Random("<category>/<subtype>/<kind>")``, so the
same sources give byte-identical files. Items are de-duplicated within each label, exactly (after light
normalisation) and near-exactly (character 3-gram Jaccard >= 0.8, MinHash LSH then an exact check), and no
frame contributes more than its share. ``frames/real_overlap.sha256`` lists hashes of generated texts found
identical to a text in the shared real data sets (``--refresh-overlap`` recomputes it), and those are dropped
(generated or written: a one-word title such as 晚安 is in real chit-chat too),
so nothing here reproduces a real item while the build itself needs no data folder.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "data" / "knowledge"
CATEGORIES = ("fraud", "illicit_ad", "gambling", "porn", "abuse", "none")
KINDS = ("positive", "hard_negative")
OVERLAP_FILE = KNOWLEDGE / "frames" / "real_overlap.sha256"
NEAR_JACCARD = 0.8  # near-duplicates among our own items
NEAR_REAL = 0.6  # near-copies of a real text (looser: nothing here may resemble a real item that closely)
MAX_DEPTH = 6


@dataclass(slots=True)
class Item:
    text: str
    label: str
    subtype: str
    kind: str
    register: str
    origin: str
    frame: int = -1  # index of the frame a generated item came from (not written out)


# --------------------------------------------------------------------------------------------------- reading


_HEADER = re.compile(r"^@\s+(\S+)\s+(positive|hard_negative)\s+(\S+)\s*$")


def read_written(path: Path) -> Iterator[tuple[str, str, str, str]]:
    """``(subtype, kind, register, text)`` for every example line of a written file."""
    section: tuple[str, str, str] | None = None
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = _HEADER.match(line)
        if header:
            section = header.groups()  # type: ignore[assignment]
            continue
        if line.startswith("@"):
            raise SystemExit(f"{path}:{n}: malformed section header {line!r}")
        if section is None:
            raise SystemExit(f"{path}:{n}: example before the first '@ subtype kind register' header")
        yield (*section, line.replace("\\n", "\n"))


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (plain PyYAML keeps the last silently)."""


def _strict_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue  # keys merged in with << may be overridden
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise SystemExit(f"{key_node.start_mark}: key {key!r} is given twice")
        seen.add(key)
    loader.flatten_mapping(node)
    return {loader.construct_object(k, deep=True): loader.construct_object(v, deep=True) for k, v in node.value}


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _strict_mapping)


def load_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_StrictLoader) or {}


# ------------------------------------------------------------------------------------------------- built-ins


_LETTERS = "abcdefghjkmnpqrstuvwxyz"


def _handle(rng: random.Random) -> str:
    """A made-up messenger handle: letters and digits in the shapes spam uses."""
    shape = rng.randrange(5)
    letters = "".join(rng.choice(_LETTERS) for _ in range(rng.randint(2, 5)))
    digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(3, 6)))
    if shape == 0:
        return letters + digits
    if shape == 1:
        return digits + letters
    if shape == 2:
        return f"{letters}_{digits}"
    if shape == 3:
        return letters + digits + rng.choice(_LETTERS)
    return f"{letters[:2]}{digits}{letters[2:]}"


def _phone(rng: random.Random) -> str:
    """Mobile-shaped number with a 0000 block, so it is visibly made up."""
    return f"1{rng.choice('3456789')}{rng.randrange(10)}0000{rng.randrange(10000):04d}"


def _qq(rng: random.Random) -> str:
    return f"{rng.randint(1, 9)}{rng.randrange(10)}000{rng.randrange(10 ** rng.randint(3, 5)):0{3}d}"


def _landline(rng: random.Random) -> str:
    return f"0{rng.choice(['10', '20', '21', '23', '25', '27', '28', '571', '755', '512', '531'])}-{rng.randint(2, 8)}000{rng.randrange(1000):03d}"


def _hotline(rng: random.Random) -> str:
    return f"{rng.choice(['400', '800'])}-000-{rng.randrange(10000):04d}"


def _short_code(rng: random.Random) -> str:
    return f"9{rng.randrange(10)}{rng.randrange(10)}{rng.randrange(10)}{rng.randrange(10)}"


def _link_slug(rng: random.Random, n: int = 5) -> str:
    return "".join(rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(n))


def _url_scam(rng: random.Random) -> str:
    host = rng.choice(["example", "example-app", "example-pay", "example-vip", "m-example", "example-kf"])
    tld = rng.choice(["com", "cn", "net", "top", "cc", "xyz", "vip", "com.cn", "site", "shop"])
    return rng.choice(
        [
            f"{host}.{tld}/{_link_slug(rng)}",
            f"http://{host}.{tld}/{_link_slug(rng, 4)}",
            f"https://{_link_slug(rng, 3).lower()}.{host}.{tld}",
            f"{host}.{tld}",
        ]
    )


def _url_gamble(rng: random.Random) -> str:
    base = "".join(rng.choice(_LETTERS) for _ in range(rng.randint(1, 3))) + str(rng.randint(10, 9999))
    tld = rng.choice(["top", "top", "vip", "vip", "cc", "one", "bet", "xyz", "app"])
    return rng.choice(
        [f"{base}.example.{tld}", f"{base}-example.{tld}", f"example{base}.{tld}", f"{base}.example点{tld}"]
    )


def _url_legit(rng: random.Random) -> str:
    host = rng.choice(["example", "example-shop", "example-edu", "example-bank", "example-news", "example-gov"])
    tld = rng.choice(["com", "cn", "com.cn", "org", "net", "gov.cn"])
    return rng.choice([f"https://www.{host}.{tld}", f"https://{host}.{tld}/{_link_slug(rng)}", f"{host}.{tld}"])


def _num(rng: random.Random, arg: str | None) -> str:
    lo, hi = (int(x) for x in (arg or "1-100").split("-"))
    return str(rng.randint(lo, hi))


def _round(rng: random.Random, arg: str | None) -> str:
    """A round amount in [a, b], with 1-2 significant digits, as people write prices."""
    lo, hi = (int(x) for x in (arg or "10-1000").split("-"))
    value = rng.randint(lo, hi)
    mag = 10 ** max(0, len(str(value)) - rng.choice([1, 2]))
    return str(max(lo, value // mag * mag))


def _code(rng: random.Random, arg: str | None) -> str:
    return "".join(rng.choice("0123456789") for _ in range(int(arg or 6)))


def _order(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789") for _ in range(rng.randint(12, 18)))


def _date(rng: random.Random) -> str:
    return f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日"


def _time(rng: random.Random) -> str:
    return rng.choice([f"{rng.randint(8, 22)}:{rng.choice(['00', '30', '15', '45'])}", f"{rng.randint(1, 11)}点"])


def _issue(rng: random.Random) -> str:
    return str(rng.randint(1, 400))


BUILTINS = {
    "wx": lambda rng, arg: _handle(rng),
    "qq": lambda rng, arg: _qq(rng),
    "phone": lambda rng, arg: _phone(rng),
    "landline": lambda rng, arg: _landline(rng),
    "hotline": lambda rng, arg: _hotline(rng),
    "shortcode": lambda rng, arg: _short_code(rng),
    "url_scam": lambda rng, arg: _url_scam(rng),
    "url_gamble": lambda rng, arg: _url_gamble(rng),
    "url_legit": lambda rng, arg: _url_legit(rng),
    "num": _num,
    "round": _round,
    "code": _code,
    "order": lambda rng, arg: _order(rng),
    "date": lambda rng, arg: _date(rng),
    "time": lambda rng, arg: _time(rng),
    "issue": lambda rng, arg: _issue(rng),
}


# ------------------------------------------------------------------------------------------------- expansion


_BRACE = re.compile(r"\{([^{}]*)\}")


class Expander:
    """Expands one frame string against a section's slots (with the shared slots behind them)."""

    def __init__(self, slots: dict[str, list[str]], rng: random.Random) -> None:
        self.slots = slots
        self.rng = rng

    def expand(self, template: str, depth: int = 0) -> str:
        if depth > MAX_DEPTH:
            raise SystemExit(f"slot expansion too deep in {template!r}")
        return _BRACE.sub(lambda m: self._one(m.group(1), depth), template)

    def _one(self, body: str, depth: int) -> str:
        rng = self.rng
        if "|" in body:
            return self.expand(rng.choice(body.split("|")), depth + 1)
        if body.startswith("@"):
            name, _, arg = body[1:].partition(":")
            if name not in BUILTINS:
                raise SystemExit(f"unknown built-in {{@{name}}}")
            return BUILTINS[name](rng, arg or None)
        optional = body.endswith("?")
        name = body.rstrip("?")
        if name not in self.slots:
            raise SystemExit(f"unknown slot {{{name}}}")
        if optional and rng.random() < 0.5:
            return ""
        return self.expand(str(rng.choice(self.slots[name])), depth + 1)  # YAML may read 5 as a number


_PUNCT_RUN = re.compile(r"([，。！？、；：,.!?])[，。、；：,.]+")


def tidy(text: str) -> str:
    """Collapse doubled punctuation and spaces a frame's empty options leave behind."""
    text = _PUNCT_RUN.sub(r"\1", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"^[，。、；：,.\s]+", "", text)
    return text.strip()


# ------------------------------------------------------------------------------------------------ transforms


class Transforms:
    """Register transforms over one category's vocabularies (``frames/common.yaml`` -> ``transforms``)."""

    def __init__(self, common: dict, category: str, rng: random.Random) -> None:
        conf = common["transforms"]
        self.rng = rng
        self.emoji = conf["emoji"].get(category, conf["emoji"]["none"])
        homophones = {**conf["homophones"].get("all", {}), **conf["homophones"].get(category, {})}
        self.homophones: dict[str, list[str]] = {str(k): [str(v) for v in vs] for k, vs in homophones.items()}
        self.split_words = list(conf["split_words"].get("all", [])) + list(conf["split_words"].get(category, []))
        self.split_marks = conf["split_marks"]
        self.initials = {str(k): [str(v) for v in vs] for k, vs in conf["initials"].get(category, {}).items()}
        self.contacts = conf["contacts"].get(category, conf["contacts"]["none"])
        self.noise = conf["noise"]
        self.slots = common.get("slots", {})

    def apply(self, name: str, text: str) -> str | None:
        """The transformed text, or None when the transform does not apply to this text."""
        return getattr(self, f"_{name}")(text)

    def _emoji(self, text: str) -> str:
        rng = self.rng
        pick = lambda: "".join(_emoji_code(rng, rng.choice(self.emoji)) for _ in range(rng.choice([1, 1, 1, 2, 3])))  # noqa: E731
        where = rng.randrange(4)
        if where == 0:
            return pick() + text
        if where == 1:
            return text + pick()
        if where == 2:
            return pick() + text + pick()
        cut = _clause_cuts(text)
        if not cut:
            return text + pick()
        at = rng.choice(cut)
        return text[:at] + pick() + text[at:]

    def _homophone(self, text: str) -> str | None:
        keys = [k for k in self.homophones if k in text]
        if not keys:
            return None
        rng = self.rng
        for key in rng.sample(keys, k=min(len(keys), rng.choice([1, 1, 2]))):
            text = text.replace(key, rng.choice(self.homophones[key]), 1)
        return text

    def _split(self, text: str) -> str | None:
        words = [w for w in self.split_words if w in text and len(w) >= 2]
        if not words:
            return None
        rng = self.rng
        word = rng.choice(words)
        mark = rng.choice(self.split_marks)
        return text.replace(word, mark.join(word), 1)

    def _initials(self, text: str) -> str | None:
        keys = [k for k in self.initials if k in text]
        if not keys:
            return None
        key = self.rng.choice(keys)
        return text.replace(key, self.rng.choice(self.initials[key]), 1)

    def _contact(self, text: str) -> str:
        handle = Expander(self.slots, self.rng).expand(self.rng.choice(self.contacts))
        sep = self.rng.choice(["", " ", "，", "  ", "\n"])
        return tidy(text.rstrip("。") + sep + handle)

    def _fullwidth(self, text: str) -> str | None:
        if not re.search(r"[0-9A-Za-z]", text):
            return None
        style = self.rng.randrange(5)
        if style == 3:  # circled letters and digits, as gambling links use them
            return "".join(_circled(c) for c in text)
        if style == 4:  # mathematical / enclosed letter styles
            fancy = self.rng.choice(sorted(_FANCY))
            return "".join(_fancy(c, fancy) for c in text)
        if style == 0:  # full-width forms
            return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)
        if style == 1:  # circled digits
            return "".join(chr(0x2460 + int(c) - 1) if c in "123456789" else ("⓪" if c == "0" else c) for c in text)
        return re.sub(r"(?<=\d)(?=\d)", lambda m: self.rng.choice([" ", "", "-"]), text)  # spaced digits

    def _noise(self, text: str) -> str:
        rng = self.rng
        choice = rng.randrange(4)
        if choice == 0:
            return text.rstrip("。！!") + rng.choice(self.noise["tails"])
        if choice == 1:
            return rng.choice(self.noise["heads"]) + text
        if choice == 2:
            return re.sub(r"[，,]", lambda m: rng.choice(["，", " ", "～", "！", "  ", "。"]), text)
        return text.replace("，", rng.choice(["...", "，，", "~", " "]), 1)


def _emoji_code(rng: random.Random, emoji: str) -> str:
    """``[em]`` stands for a QQ-space emoticon code, as posts copied from QQ carry them: ``[em]e400744[/em]``."""
    if emoji != "[em]":
        return emoji
    return f"[em]e{rng.choice(['1', '4007', '4003', '1027', '73'])}{rng.randrange(100):02d}[/em]"


_FANCY = {  # (lower-case start, upper-case start, digit start) of a few Unicode letter styles spam uses
    "double": (0x1D552, 0x1D538, 0x1D7D8),
    "bold": (0x1D41A, 0x1D400, 0x1D7CE),
    "squared": (None, 0x1F130, None),
    "negative": (None, 0x1F170, None),
}


def _fancy(c: str, style: str) -> str:
    lower, upper, digit = _FANCY[style]
    if "a" <= c <= "z":
        return chr(lower + ord(c) - ord("a")) if lower else chr(upper + ord(c) - ord("a"))
    if "A" <= c <= "Z":
        return chr(upper + ord(c) - ord("A"))
    if "0" <= c <= "9" and digit:
        return chr(digit + int(c))
    if "1" <= c <= "9" and style == "negative":
        return chr(0x2776 + int(c) - 1)  # dingbat negative circled digits
    return c


def _circled(c: str) -> str:
    if "a" <= c <= "z":
        return chr(0x24D0 + ord(c) - ord("a"))
    if "A" <= c <= "Z":
        return chr(0x24B6 + ord(c) - ord("A"))
    if "1" <= c <= "9":
        return chr(0x2460 + int(c) - 1)
    return "⓪" if c == "0" else c


def _clause_cuts(text: str) -> list[int]:
    return [i + 1 for i, c in enumerate(text[:-1]) if c in "，。！？、 ,!?~"]


# -------------------------------------------------------------------------------------------- de-duplication


_STRIP = re.compile(r"[\s\u3000，。！？、；：“”‘’（）《》【】\[\]()<>,.!?;:'\"~～…·\-_/|*#@+=]+")


def exact_key(text: str) -> str:
    """Light normalisation for exact duplicates: NFKC, lower case, no spaces or punctuation."""
    return _STRIP.sub("", unicodedata.normalize("NFKC", text).lower())


def overlap_hash(text: str) -> str:
    return hashlib.sha256(exact_key(text).encode("utf-8")).hexdigest()


def shingles(key: str, n: int = 3) -> list[str]:
    if len(key) <= n:
        return [key]
    return sorted({key[i : i + n] for i in range(len(key) - n + 1)})


class Deduper:
    """Exact and near-exact duplicate filter over one label's items (MinHash LSH, then exact Jaccard)."""

    def __init__(self) -> None:
        import rensa

        self._rensa = rensa
        self.lsh = rensa.RMinHashLSH(threshold=NEAR_JACCARD, num_perm=64, num_bands=16)
        self.keys: set[str] = set()
        self.sets: list[set[str]] = []

    def add(self, text: str) -> bool:
        """Record ``text``; False (and nothing recorded) when it duplicates an item already kept."""
        key = exact_key(text)
        if not key or key in self.keys:
            return False
        grams = shingles(key)
        mh = self._rensa.RMinHash(num_perm=64, seed=7)
        mh.update(grams)
        gram_set = set(grams)
        for other in self.lsh.query(mh):
            seen = self.sets[other]
            if len(gram_set & seen) / len(gram_set | seen) >= NEAR_JACCARD:
                return False
        self.keys.add(key)
        self.lsh.insert(len(self.sets), mh)
        self.sets.append(gram_set)
        return True


# -------------------------------------------------------------------------------------------------- building


def section_rng(category: str, subtype: str, kind: str) -> random.Random:
    return random.Random(f"{category}/{subtype}/{kind}")


def label_of(category: str, kind: str) -> str:
    return category if kind == "positive" else "none"


def generate_section(
    category: str,
    subtype: str,
    kind: str,
    spec: dict,
    common: dict,
    need: int,
    accept,
) -> list[Item]:
    """Up to ``need`` generated items for one section; ``accept(text)`` says whether an item is kept."""
    rng = section_rng(category, subtype, kind)
    voice = category if kind == "positive" else "none"
    contacts = common["transforms"]["contacts"]
    slots = {"contact": contacts.get(voice, contacts["none"]), **common.get("slots", {}), **(spec.get("slots") or {})}
    expander = Expander(slots, rng)
    transforms = Transforms(common, voice, rng)
    frames = [f if isinstance(f, dict) else {"text": f} for f in spec.get("frames", [])]
    if not frames or need <= 0:
        return []
    probs = {**common["transforms"]["default_rates"].get(kind, {}), **(spec.get("transforms") or {})}
    default_register = spec.get("register", "sentence")
    cap = math.ceil(need / len(frames) * 1.6) + 2
    used: Counter[int] = Counter()
    out: list[Item] = []
    tries = 0
    while len(out) < need and tries < need * 40:
        tries += 1
        index = rng.randrange(len(frames))
        if used[index] >= cap:
            if all(used[i] >= cap for i in range(len(frames))):
                break
            continue
        frame = frames[index]
        text = tidy(expander.expand(frame["text"]))
        register = frame.get("register", default_register)
        for name, p in probs.items():
            if rng.random() < p:
                changed = transforms.apply(name, text)
                if changed is not None and changed != text:
                    text, register = tidy(changed), name
                    break
        if not 2 <= len(text) <= 400 or not accept(text):
            continue
        used[index] += 1
        out.append(Item(text, label_of(category, kind), subtype, kind, register, "generated", index))
    return out


def build(knowledge: Path = KNOWLEDGE) -> tuple[dict[str, list[Item]], dict]:
    """Every item by output file (category), plus build statistics."""
    common = load_yaml(knowledge / "frames" / "common.yaml")
    excluded = set()
    overlap = knowledge / "frames" / OVERLAP_FILE.name
    if overlap.exists():
        excluded = {h.strip() for h in overlap.read_text().split() if h.strip()}
    dedupers: dict[str, Deduper] = defaultdict(Deduper)
    label_of_key: dict[str, str] = {}
    files: dict[str, list[Item]] = {c: [] for c in CATEGORIES}
    stats: Counter[str] = Counter()

    def accept(label: str, text: str) -> bool:
        key = exact_key(text)
        if overlap_hash(text) in excluded:
            stats["dropped_real_overlap"] += 1
            return False
        if label_of_key.get(key, label) != label:
            stats["dropped_other_label"] += 1  # the same text under two labels would teach nothing
            return False
        if not dedupers[label].add(text):
            stats["dropped_duplicate"] += 1
            return False
        label_of_key[key] = label
        return True

    for category in CATEGORIES:
        written: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        path = knowledge / "written" / f"{category}.txt"
        if path.exists():
            for subtype, kind, register, text in read_written(path):
                written[(subtype, kind)].append((register, text))
        frames_path = knowledge / "frames" / f"{category}.yaml"
        frames = load_yaml(frames_path) if frames_path.exists() else {}
        order = list(dict.fromkeys([s for s, _ in written] + list(frames)))
        for subtype in order:
            for kind in KINDS:
                spec = (frames.get(subtype) or {}).get(kind) or {}
                label = label_of(category, kind)
                kept: list[Item] = []
                for register, text in written.get((subtype, kind), []):
                    if accept(label, text):
                        kept.append(Item(text, label, subtype, kind, register, "written"))
                    else:
                        stats["dropped_written"] += 1
                need = int(spec.get("target", 0)) - len(kept)
                kept += generate_section(
                    category, subtype, kind, spec, common, need, lambda t, lab=label: accept(lab, t)
                )
                files[label].extend(kept)
    return files, dict(stats)


def records(files: dict[str, list[Item]]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for label, items in files.items():
        numbers: Counter[str] = Counter()
        rows = []
        for item in items:
            numbers[item.subtype] += 1
            rows.append(
                {
                    "id": f"kn-{label}-{item.subtype}-{numbers[item.subtype]:05d}",
                    "text": item.text,
                    "label": item.label,
                    "subtype": item.subtype,
                    "kind": item.kind,
                    "register": item.register,
                    "origin": item.origin,
                }
            )
        out[label] = rows
    return out


def write(rows_by_label: dict[str, list[dict]], knowledge: Path = KNOWLEDGE) -> None:
    for label, rows in rows_by_label.items():
        path = knowledge / f"{label}.jsonl"
        if not rows:
            path.unlink(missing_ok=True)
            continue
        path.write_text(_serialised(rows), encoding="utf-8")


# ----------------------------------------------------------------------------------------------- real overlap


def real_texts(data_dir: Path) -> Iterator[tuple[str, str]]:
    """``(source, text)`` for every text of the shared real data sets (all splits present on disk)."""
    import csv

    harm = data_dir / "chineseharm_bench" / "extra_not_in_bench.json"
    for row in json.loads(harm.read_text(encoding="utf-8")):
        yield "chineseharm_extra", row["文本"]
    for name in ("train.csv", "dev.csv"):
        with (data_dir / "coldataset" / name).open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                yield f"cold_{name[:-4]}", row.get("TEXT") or ""
    csv.field_size_limit(10**8)
    for folder in sorted(p.parent for p in data_dir.glob("*/data.tsv")):
        with (folder / "data.tsv").open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                yield folder.name, row.get("text") or ""
    for row in json.loads((data_dir / "cmrc2018_contexts" / "cmrc2018_trial.json").read_text(encoding="utf-8")):
        yield "cmrc2018", row["context_text"]
    for path in sorted((data_dir / "classical_novels_pd").rglob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            yield "classical_novels", line.strip().strip("\u3000")
    for path in sorted((ROOT / "data" / "synthetic").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield "data_synthetic", json.loads(line)["text"]


def _minhash(grams: list[str]):
    import rensa

    mh = rensa.RMinHash(num_perm=64, seed=7)
    mh.update(grams)
    return mh


def overlap_report(rows_by_label: dict[str, list[dict]], data_dir: Path) -> dict:
    """Overlaps of the built items with every real data set: exact (raw text), exact after light normalisation,
    and near (character 3-gram Jaccard >= NEAR_REAL of the normalised texts)."""
    import rensa

    ours = [row for rows in rows_by_label.values() for row in rows]
    ours_raw: dict[str, list[int]] = defaultdict(list)
    ours_key: dict[str, list[int]] = defaultdict(list)
    gram_sets: list[set[str]] = []
    lsh = rensa.RMinHashLSH(threshold=NEAR_REAL, num_perm=64, num_bands=16)
    for i, row in enumerate(ours):
        key = exact_key(row["text"])
        ours_raw[row["text"]].append(i)
        ours_key[key].append(i)
        grams = shingles(key)
        gram_sets.append(set(grams))
        lsh.insert(i, _minhash(grams))
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    hits: dict[str, set[int]] = defaultdict(set)  # kind -> our row indices
    hit_rows: list[tuple[str, str, dict]] = []
    for source, text in real_texts(data_dir):
        text = text.strip()
        if not text:
            continue
        counts[source]["texts"] += 1
        key = exact_key(text)
        found: dict[str, set[int]] = {
            "exact": set(ours_raw.get(text, ())),
            "normalised": set(ours_key.get(key, ())) if key else set(),
            "near": set(),
        }
        if key and len(key) <= 400:
            grams = set(shingles(key))
            for i in lsh.query(_minhash(sorted(grams))):
                other = gram_sets[i]
                if len(grams & other) / len(grams | other) >= NEAR_REAL:
                    found["near"].add(i)
        for kind, rows in found.items():
            new = rows - hits[f"{source}/{kind}"]
            counts[source][kind] += len(new)
            hits[f"{source}/{kind}"] |= new
            if kind == "near":
                hit_rows.extend((source, text, ours[i]) for i in new)
    return {
        "sources": {s: dict(c) | {k: c[k] for k in ("exact", "normalised", "near")} for s, c in sorted(counts.items())},
        "hits": hit_rows,
    }


def refresh_overlap(data_dir: Path, rounds: int = 4) -> tuple[dict, dict]:
    """Rebuild until no item equals a real text (after light normalisation); the hashes dropped are kept in
    OVERLAP_FILE, so written lines that happen to equal a real text (a one-word title such as 晚安) are dropped too.

    Returns the overlap report before any filtering and the one after."""
    OVERLAP_FILE.write_text("")
    first = overlap_report(records(build()[0]), data_dir)
    hashes = {overlap_hash(row["text"]) for _, _, row in first["hits"]}
    report = first
    for _ in range(rounds):
        OVERLAP_FILE.write_text("".join(f"{h}\n" for h in sorted(hashes)))
        report = overlap_report(records(build()[0]), data_dir)
        new = {overlap_hash(row["text"]) for _, _, row in report["hits"]} - hashes
        if not new:
            break
        hashes |= new
    return first, report


# ------------------------------------------------------------------------------------------------------- CLI


def summary(rows_by_label: dict[str, list[dict]]) -> dict:
    table: dict[str, dict[str, int]] = defaultdict(Counter)
    for label, rows in rows_by_label.items():
        for row in rows:
            table[f"{label}/{row['subtype']}"][f"{row['kind']}:{row['origin']}"] += 1
    return {k: dict(v) for k, v in sorted(table.items())}


def markdown_table(rows_by_label: dict[str, list[dict]]) -> str:
    """Counts per category x sub-type: positives and hard negatives, each written / generated."""
    table: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for label, rows in rows_by_label.items():
        for row in rows:
            category = label if row["kind"] == "positive" else _mirrored_category(row["subtype"], rows_by_label)
            table[(category, row["subtype"])][f"{row['kind']}:{row['origin']}"] += 1
    lines = [
        "| category | sub-type | positive written | positive generated | hard neg. written | hard neg. generated |",
        "|---|---|---:|---:|---:|---:|",
    ]
    total: Counter[str] = Counter()
    order = {c: i for i, c in enumerate(CATEGORIES)}
    for (category, subtype), c in sorted(table.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
        cells = [
            c["positive:written"],
            c["positive:generated"],
            c["hard_negative:written"],
            c["hard_negative:generated"],
        ]
        total.update(c)
        lines.append(f"| {category} | {subtype} | " + " | ".join(str(x) for x in cells) + " |")
    cells = [
        total["positive:written"],
        total["positive:generated"],
        total["hard_negative:written"],
        total["hard_negative:generated"],
    ]
    lines.append("| **all** | | " + " | ".join(f"**{x}**" for x in cells) + " |")
    return "\n".join(lines)


def _mirrored_category(subtype: str, rows_by_label: dict[str, list[dict]]) -> str:
    for label, rows in rows_by_label.items():
        if label != "none" and any(r["subtype"] == subtype for r in rows):
            return label
    return "none"


def _serialised(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def _on_disk(label: str) -> str:
    path = KNOWLEDGE / f"{label}.jsonl"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refresh-overlap", metavar="DATA_DIR", help="re-check against the shared real data sets")
    parser.add_argument("--check", action="store_true", help="build in memory and fail if the files differ")
    parser.add_argument("--markdown", action="store_true", help="print the counts table of the README")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.refresh_overlap:
        first, report = refresh_overlap(Path(args.refresh_overlap))
        remaining = [(s, real, r["id"], r["text"]) for s, real, r in report["hits"]]
        dropped = [(s, real, r["id"], r["text"]) for s, real, r in first["hits"]]
        print(
            json.dumps(
                {
                    "overlap_before_filter": first["sources"],
                    "overlap_after": report["sources"],
                    "remaining": remaining,
                    "dropped": dropped,
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    files, stats = build()
    rows = records(files)
    if args.check:
        stale = [label for label, items in rows.items() if _on_disk(label) != _serialised(items)]
        if stale:
            sys.exit(f"data/knowledge files out of date: {', '.join(stale)}; run scripts/write_knowledge_data.py")
        print("data/knowledge files are up to date")
        return
    if args.markdown:
        print(markdown_table(rows))
        return
    write(rows)
    totals = {label: len(r) for label, r in rows.items()}
    print(json.dumps({"files": totals, "build": stats, "sections": summary(rows)}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
