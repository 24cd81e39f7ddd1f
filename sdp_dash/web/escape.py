"""The one place text from users and data files is made safe to show.  No Streamlit here.

- ``clean``: Unicode bidi overrides/isolates and other control characters removed (so a link's
  text cannot reverse a sentence), white space folded, optionally shortened;
- ``md``: cleaned text with every markdown and HTML character escaped, for ``st.markdown``;
- ``html``: cleaned text HTML-escaped, for our own ``unsafe_allow_html`` blocks;
- ``link``: a markdown link, only for http(s) URLs, with the URL's brackets and spaces encoded
  (a ``)`` in a URL from a data file cannot end the link early and add another).
"""

from __future__ import annotations

import html as _html
import re
import unicodedata
from urllib.parse import quote, urlsplit

_SPACES = re.compile(r"\s+")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:\"'=])")


def clean(text: object, limit: int | None = None) -> str:
    """Text without control or bidi-formatting characters, white space folded, at most ``limit`` characters."""
    s = str(text)
    if not (s.isascii() and s.isprintable()):  # most text is plain ASCII: only the rest is looked at per character
        s = "".join(" " if ch.isspace() else ch for ch in s if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf"))
    s = _SPACES.sub(" ", s).strip()
    if limit and len(s) > limit:
        s = s[:limit] + "…"
    return s


def md(text: object, limit: int | None = None) -> str:
    """Text made safe for st.markdown: markdown and HTML characters escaped."""
    return _MD_SPECIAL.sub(r"\\\1", clean(text, limit))


def html(text: object) -> str:
    """HTML-escaped text for unsafe_allow_html blocks (which only ever contain our own markup)."""
    return _html.escape(clean(text), quote=True)


def safe_url(url: object) -> str | None:
    """The URL if it is a well-formed http(s) address, with characters that could break markdown encoded."""
    u = clean(url)
    try:
        parts = urlsplit(u)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return quote(u, safe=":/?#&=%+,;@~!$*'-._")


def link(title: object, url: object) -> str:
    """A markdown link to an http(s) URL; just the (escaped) title when the URL is not one."""
    u = safe_url(url)
    return f"[{md(title)}]({u})" if u else md(title)
