"""Tidy CSV (issue 18, part 9): one row per figure, numbers as numbers, empty where withheld, a status
saying why, the area and the period in columns of their own; the on-screen table stays words."""

from __future__ import annotations

import io

import pandas as pd

from sdp_dash.domain import crime
from sdp_dash.domain.figure import STATUSES, TIDY_COLUMNS, Figure, Period, csv_bytes, with_csv


def _fig(measure_id: str, count: int | None, *, sensitive: bool = False, withheld: bool = False, missing=()) -> Figure:
    return Figure(
        measure_id=measure_id,
        measure=measure_id.title(),
        area_code="E06000047",
        area_name="County Durham",
        period=Period("2025-01", "2025-12", tuple(missing)),
        count=count,
        population=522044,
        sensitive=sensitive,
        withheld=withheld,
    )


FIGS = [
    _fig("all_crime", 48409),
    _fig("robbery", 3, sensitive=True),
    _fig("burglary", 120, withheld=True),
    _fig("drugs", None, missing=tuple(f"2025-{m:02d}" for m in range(1, 13))),
    _fig("shoplifting", 0),
]


def _read(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def test_columns_and_statuses():
    df = crime.tidy(FIGS)
    assert tuple(df.columns) == TIDY_COLUMNS
    assert list(df["status"]) == ["shown", "fewer than 5", "withheld", "no data", "shown"]
    assert set(df["status"]) <= set(STATUSES)


def test_numbers_are_plain_and_withheld_ones_empty():
    csv = _read(crime.tidy(FIGS).to_csv(index=False))
    assert list(csv["count"]) == ["48409", "", "", "", "0"]
    assert list(csv["residents"]) == ["522044"] * 5
    for col in ("rate", "lower", "upper"):
        assert csv.loc[0, col] and all(csv.loc[i, col] == "" for i in (1, 2, 3))
        float(csv.loc[0, col])
    assert not any("," in v for col in ("count", "residents", "rate", "lower", "upper") for v in csv[col])
    assert list(csv["period_from"]) == ["2025-01"] * 5 and list(csv["period_to"]) == ["2025-12"] * 5
    assert list(csv["months_with_data"]) == ["12", "12", "12", "0", "12"]


def test_the_table_stays_words_and_its_download_is_tidy():
    table = crime.table(FIGS, drop=("Area", "Period"))
    assert list(table["Count"]) == ["48,409", "fewer than 5", "withheld", "no data", "0"]
    assert "Area" not in table.columns
    download = _read(csv_bytes(table).decode("utf-8"))
    assert tuple(download.columns) == TIDY_COLUMNS, "the download keeps the area and period the table leaves out"
    assert list(download["area_code"]) == ["E06000047"] * 5


def test_trend_table_download_is_tidy():
    months = [_fig("robbery", n, sensitive=True) for n in (2, 10)]
    table = crime.trend_table(months)
    assert "Month" in table.columns
    assert tuple(_read(csv_bytes(table).decode("utf-8")).columns) == TIDY_COLUMNS


def test_a_table_without_a_tidy_twin_is_written_as_it_is():
    df = pd.DataFrame({"a": [1]})
    assert csv_bytes(df) == b"a\n1\n"
    assert csv_bytes(with_csv(df, pd.DataFrame({"b": [2]}))) == b"b\n2\n"


def test_chart_frame_is_the_tidy_columns_and_the_count_as_words():
    df = crime.frame(FIGS)
    assert tuple(df.columns) == (*TIDY_COLUMNS, "count_shown")
    assert df["count"].dtype == "Int64"
