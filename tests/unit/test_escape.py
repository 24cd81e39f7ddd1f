"""Text hygiene: the one escaping helper for text and URLs from users and data files."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as hs

from sdp_dash.web import escape

BIDI_AND_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\x00\x07\x1b"


@given(hs.text(max_size=200))
def test_clean_never_keeps_bidi_or_control_characters(text):
    out = escape.clean(text)
    assert not set(out) & set(BIDI_AND_CONTROLS)
    assert "  " not in out and out == out.strip()


def test_white_space_is_folded_not_dropped():
    assert escape.clean("a\u202eb\nc\td  e") == "ab c d e"
    assert escape.clean("x" * 50, limit=10) == "x" * 10 + "…"


def test_markdown_and_html_are_escaped():
    assert escape.md("*bold* [x](y) <b>") == r"\*bold\* \[x\]\(y\) \<b\>"
    assert escape.html("<script>\u202e") == "&lt;script&gt;"


def test_only_http_links_and_brackets_encoded():
    assert escape.link("T", "https://example.org/a(b)") == "[T](https://example.org/a%28b%29)"
    assert escape.link("T", "javascript:alert(1)") == "T"
    assert escape.link("T", "mailto:x@y") == "T"
    assert escape.link("T", "https://") == "T"
