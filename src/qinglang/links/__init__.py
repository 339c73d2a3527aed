"""Links in content: extraction from text and HTML (bare, ``www.``, obfuscated ``www点xx点com``),
canonicalisation (IDNA, lower-case host, default ports and tracking parameters stripped), registrable domains
and classification of short-link and redirect services. Pure functions, no I/O."""

from qinglang.links.canonical import canonicalize_url, host_of, registrable_domain
from qinglang.links.classify import LinkKind, classify_url, domain_suffixes
from qinglang.links.extract import FoundLink, extract_html_links, extract_text_links, html_to_text

__all__ = [
    "FoundLink",
    "LinkKind",
    "canonicalize_url",
    "classify_url",
    "domain_suffixes",
    "extract_html_links",
    "extract_text_links",
    "host_of",
    "html_to_text",
    "registrable_domain",
]
