"""The server's allocator settings (sdp_dash/web/process.py): applied on glibc, trimmed at most
every so often, and harmless where they do not apply."""

from __future__ import annotations

import platform

import pytest

from sdp_dash.web import process

glibc = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc only")


@glibc
def test_arenas_are_limited_on_glibc():
    assert process.limit_arenas() is True


@glibc
def test_trim_runs_at_most_once_per_interval(monkeypatch):
    monkeypatch.setattr(process, "_last_trim", float("-inf"))
    assert process.trim_now_and_then(every_s=3600) is True
    assert process.trim_now_and_then(every_s=3600) is False


def test_without_glibc_nothing_is_done(monkeypatch):
    monkeypatch.setattr(process, "_libc", False)
    assert process.limit_arenas() is False and process.trim_now_and_then(every_s=0) is False
