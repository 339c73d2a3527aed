"""Build the seed of the domain register shipped as ``src/qinglang/data/known_bad_domains.txt``.

Source: konsheng/Sensitive-lexicon ``Vocabulary/非法网址.txt`` (MIT), a list of illegal/porn/gambling hosts.
Curation (deterministic, rerun to rebuild):
- normalise: lower-case, strip scheme, path, port, trailing dots and a leading "www.";
- drop malformed entries (empty, no dot, characters outside [a-z0-9.-], labels starting/ending with '-',
  labels over 63 characters, bare top-level domains, entries with a non-alphabetic TLD);
- drop every entry whose registrable domain is a major legitimate site (search engines, portals, app stores,
  hosting giants: the list below), and government/education hosts (gov.cn, edu.cn: compromised institutional
  sites, not drainage targets);
- keep the rest at host level: entries on dynamic-DNS and free-hosting domains (3322.org, co.cc, fc2.com)
  block that host and its sub-hosts only, never the provider.

Usage: python scripts/build_domain_seed.py [SOURCE] [OUT]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from qinglang.links.canonical import registrable_domain

DEFAULT_SOURCE = Path(__file__).resolve().parents[2] / "shared" / "data" / "lexicon_konsheng" / "非法网址.txt"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src/qinglang/data/known_bad_domains.txt"
MAJOR_SITES = frozenset(
    """
    baidu.com qq.com weixin.qq.com tencent.com sina.com.cn sina.com weibo.com 163.com 126.com 126.net sohu.com
    taobao.com tmall.com alibaba.com alipay.com aliyun.com jd.com 360.cn so.com sogou.com youku.com tudou.com
    iqiyi.com bilibili.com douyin.com toutiao.com zhihu.com douban.com ifeng.com xinhuanet.com people.com.cn
    cctv.com 21cn.com hao123.com google.com youtube.com facebook.com twitter.com x.com instagram.com
    wikipedia.org github.com microsoft.com live.com hotmail.com outlook.com msn.com apple.com icloud.com
    amazon.com yahoo.com bing.com cloudflare.com mozilla.org w3.org bankofamerica.com paypal.com ebay.com
    """.split()
)
BLOCKED_SUFFIXES = ("gov.cn", "edu.cn", "mil.cn")
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def normalise(entry: str) -> str | None:
    host = entry.strip().lower()
    host = re.sub(r"^[a-z]+://", "", host).split("/")[0].split(":")[0].strip(".")
    host = host.removeprefix("www.")  # www.x.com names the site x.com
    labels = host.split(".")
    if len(labels) < 2 or not labels[-1].isalpha() or len(labels[-1]) < 2:
        return None
    if not all(_LABEL.match(label) for label in labels) or len(host) > 253:
        return None
    return host


def keep(host: str) -> bool:
    if registrable_domain(host) in MAJOR_SITES or host.endswith(BLOCKED_SUFFIXES):
        return False
    return not any(host == s or host.endswith("." + s) for s in MAJOR_SITES)


def build(source: Path) -> tuple[list[str], dict[str, int]]:
    raw = source.read_text(encoding="utf-8").splitlines()
    hosts = [normalise(line) for line in raw]
    valid = [h for h in hosts if h]
    unique = set(valid)
    kept = sorted(h for h in unique if keep(h))
    stats = {"source_lines": len(raw), "malformed": len(raw) - len(valid), "duplicates": len(valid) - len(unique)}
    return kept, {**stats, "dropped_legitimate": len(unique) - len(kept), "kept": len(kept)}


def main(argv: list[str]) -> None:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    kept, stats = build(source)
    header = [
        "# qinglang built-in known-bad domains (hosts; a host matches itself and its sub-hosts).",
        "# Source: konsheng/Sensitive-lexicon Vocabulary/非法网址.txt, commit 5a8da94c, MIT licence.",
        "# Curated by scripts/build_domain_seed.py: malformed entries, major legitimate sites and",
        "# gov/edu hosts dropped. " + ", ".join(f"{k}={v}" for k, v in stats.items()),
    ]
    out.write_text("\n".join(header + kept) + "\n", encoding="utf-8")
    print(stats)


if __name__ == "__main__":
    main(sys.argv)
