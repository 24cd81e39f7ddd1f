"""The staleness note (issue 19): the site says so when its newest month is more than two months old."""

from __future__ import annotations

from datetime import date

import pytest

from sdp_dash.domain import words


@pytest.mark.parametrize(
    ("newest", "today", "stale"),
    [
        ("2026-10", date(2026, 12, 2), False),  # two months: police.uk's normal lag
        ("2026-09", date(2026, 12, 2), True),
        ("2025-12", date(2026, 12, 2), True),
        ("2025-12", date(2026, 2, 28), False),
        ("2025-11", date(2026, 2, 1), True),
    ],
)
def test_a_note_only_when_the_newest_month_is_more_than_two_months_old(newest, today, stale):
    assert (words.staleness(newest, today) is not None) is stale


def test_the_note_names_the_month_and_its_age():
    note = words.staleness("2025-12", date(2026, 12, 2))
    assert "December 2025" in note and "12 months ago" in note
