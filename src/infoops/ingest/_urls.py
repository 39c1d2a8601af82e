"""URL normalisation and registered domains, so that one link shared many ways matches.

Rules: lower-case scheme and host, drop ``www.``, default ports, fragments and
tracking parameters (``utm_*``, ``fbclid`` ...). Shortener links such as
``t.co`` are kept exactly as written: their target is unknown offline, and the
shortener still shows up in ``domains``.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ref_src",
        "ref_url",
        "cmpid",
        "ocid",
        "icid",
        "mkt_tok",
        "spm",
        "share",
        "smid",
        "smtyp",
        "s_cid",
        "__twitter_impression",
        "wt_mc",
    }
)
SHORTENERS = frozenset(
    {
        "t.co",
        "bit.ly",
        "goo.gl",
        "ow.ly",
        "tinyurl.com",
        "buff.ly",
        "dlvr.it",
        "ift.tt",
        "fb.me",
        "is.gd",
        "tiny.cc",
        "trib.al",
        "youtu.be",
        "j.mp",
        "lnkd.in",
        "wp.me",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


@lru_cache(maxsize=1)
def _extractor():
    """The public-suffix snapshot bundled with tldextract (no network at run time), loaded
    on first use: it costs a second of start-up that most commands do not need."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key.startswith("utm_") or key in TRACKING_PARAMS


def _quick_host(url: str) -> str | None:
    """The host of a plain ``scheme://host/...`` URL without parsing it fully; None if unsure."""
    _, sep, rest = url.partition("://")
    if not sep:
        return None
    end = len(rest)
    for mark in "/?#":
        found = rest.find(mark)
        if found != -1 and found < end:
            end = found
    host = rest[:end]
    if not host or any(ch in host for ch in "@[]:%\\"):
        return None
    return host


def normalise_url(url: str) -> str:
    """The canonical form of ``url``; an unparseable URL comes back unchanged."""
    host = _quick_host(url)
    if host is not None and host.lower() in SHORTENERS:
        return url  # the common case in tweets (t.co): nothing to parse
    return _normalise_parsed(url)


@lru_cache(maxsize=100_000)
def _normalise_parsed(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return url
    if not host:
        return url
    scheme = parts.scheme.lower() or "http"
    if host in SHORTENERS:
        return url
    host = host.removeprefix("www.")
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not _is_tracking(k)]
        if len(kept) != len(pairs):
            query = urlencode(kept)
    path = parts.path if parts.path not in ("", "/") else ""
    return urlunsplit((scheme, netloc, path, query, ""))


def url_domain(url: str) -> str | None:
    """Registered domain (eTLD+1, e.g. ``bbc.co.uk``) of a URL, or its host if it has none."""
    host = _quick_host(url)
    if host is None:
        try:
            host = (urlsplit(url).hostname or "").rstrip(".")
        except ValueError:
            return None
    host = host.lower().rstrip(".")
    return host_domain(host) if host else None


@lru_cache(maxsize=100_000)
def host_domain(host: str) -> str | None:
    """Registered domain of a host (``news.bbc.co.uk`` -> ``bbc.co.uk``); None for ``t``."""
    parts = _extractor()(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host.removeprefix("www.") if "." in host else None
