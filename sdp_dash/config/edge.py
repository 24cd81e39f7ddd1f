"""The edge's settings, checked: the host names nginx answers and the variable parts of the Content
Security Policy (deploy/nginx/sdp.conf.template).  Each value is written into nginx's configuration,
so each is checked against a narrow pattern first: a value that could end a directive or a header
(``;``, quotes, braces, ``$``, a line break) is refused, never escaped.
"""

from __future__ import annotations

import re

from sdp_dash.config import settings

# A host name (labels of letters, digits and hyphens; a leading "*." for every subdomain) or an IPv4 address.
_HOST = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$", re.IGNORECASE)
_IPV6 = re.compile(r"^\[[0-9a-f:.]+\]$", re.IGNORECASE)
# A CSP source expression: a keyword, a scheme ("data:"), or a host source with an optional scheme,
# port and path ("https://*.example.org:443/tiles/").  No quotes but the keywords', no ';' or ','.
_KEYWORDS = frozenset({"'self'", "'none'"})
_SOURCE = re.compile(
    r"^([a-z][a-z0-9+.-]*:(//)?)?(\*|(\*\.)?[a-z0-9.-]+)?(:(\d{1,5}|\*))?(/[a-z0-9._~%!&()*+=@/-]*)?$", re.IGNORECASE
)


class EdgeSettingError(ValueError):
    """A setting that cannot go into nginx's configuration (one line: the setting and the reason)."""


def server_names() -> list[str]:
    """``SDP_SERVER_NAMES``: the host names nginx answers (any other Host gets no answer)."""
    names = settings.get("SDP_SERVER_NAMES").split()
    if not names:
        raise EdgeSettingError("SDP_SERVER_NAMES is empty: name at least one host the dashboard answers to")
    for name in names:
        if not (_HOST.match(name) or _IPV6.match(name)):
            raise EdgeSettingError(f"SDP_SERVER_NAMES: {name!r} is not a host name or an address")
    return names


def _sources(name: str, *, empty_ok: bool) -> list[str]:
    values = settings.get(name).split()
    if not values and not empty_ok:
        raise EdgeSettingError(f"{name} is empty: use 'none' (quotes included) to allow no source")
    for v in values:
        if v not in _KEYWORDS and (v.startswith("'") or not _SOURCE.match(v)):
            raise EdgeSettingError(f"{name}: {v!r} is not a Content Security Policy source (a host, scheme:, 'self' or 'none')")
    if "'none'" in values and len(values) > 1:
        raise EdgeSettingError(f"{name}: 'none' cannot be combined with other sources")
    return values


def frame_ancestors() -> str:
    """``SDP_FRAME_ANCESTORS``: who may show the dashboard in a frame (the policy's ``frame-ancestors``)."""
    return " ".join(_sources("SDP_FRAME_ANCESTORS", empty_ok=False))


def csp_sources() -> str:
    """``SDP_CSP_SOURCES``: third-party sources added to ``img-src`` and ``connect-src`` (a basemap's tiles)."""
    values = _sources("SDP_CSP_SOURCES", empty_ok=True)
    if "'none'" in values or "'self'" in values:
        raise EdgeSettingError("SDP_CSP_SOURCES lists hosts to add; 'self' is always allowed and 'none' is not meaningful here")
    return " ".join(values)


def template_values() -> dict[str, str]:
    """The template's settings, checked (the listen address, workers and paths are the caller's)."""
    return {
        "SDP_SERVER_NAMES": " ".join(server_names()),
        "SDP_FRAME_ANCESTORS": frame_ancestors(),
        "SDP_CSP_SOURCES": csp_sources(),
    }
