"""The area profile as a PDF (issue 18, item 10): the product's own chromium print (``sdp_dash.web.pdf``)
gives at most two A4 pages for the county, an area board and a small area; its text (``pdftotext``) never
holds a withheld or small figure; and an area-board member gets it from the home page in three actions.
The PDFs are kept under tests/artifacts/ to look at."""

from __future__ import annotations

import re
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from sdp_dash import warehouse as wh
from sdp_dash.config import codes
from sdp_dash.config.months import shift_month
from sdp_dash.domain import profile as domain_profile
from sdp_dash.web import profile
from tests.support import scan

from .conftest import DESKTOP, open_page, wait_ready

pytestmark = pytest.mark.browser

FIND = "Find your area: postcode, town, village or area name"
A4 = re.compile(r"Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)")


@pytest.fixture(scope="module")
def rcon(warehouse):
    con = wh.connect(warehouse)
    yield wh.Remembering(con)  # the disclosure pattern of a period is worked out once, as on the app's cursor
    con.close()


@pytest.fixture(scope="module")
def period(rcon):
    months = wh.present_months(rcon)
    return months[-12], months[-1]


def _info(pdf: bytes) -> str:
    return subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def _pages(pdf: bytes) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", _info(pdf), re.M).group(1))


def _text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


@pytest.mark.parametrize("level", ["county", "aap", "lsoa"])
def test_the_profile_pdf_is_at_most_two_a4_pages(rcon, period, artifacts, level):
    code = codes.COUNTY if level == "county" else str(wh.areas(rcon, level)["area_code"].iloc[0])
    pdf = profile.pdf(rcon, code, *period, "all_crime", "https://example.org/explore?area=" + code, ("A caveat.",))
    (artifacts / f"profile-{level}.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    assert 1 <= _pages(pdf) <= 2, _pages(pdf)
    assert A4.search(_info(pdf)), _info(pdf)
    text = _text(pdf)
    name = str(wh.area(rcon, code)["area_name"])
    assert f"{name}: community safety profile" in " ".join(text.split()) and "Change on last year" in text
    assert "Sources and licence" in text and "https://example.org/explore?area=" + code in text.replace("\n", "")


def _withheld_rows(text: str, p: domain_profile.Profile) -> list[str]:
    """Lines of the PDF's text that show a figure the profile withholds (a table row: the measure, then a count),
    or a small count of a sensitive measure, in a row or a sentence."""
    found = []
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for r in p.against + p.types_against:
        f = r.area
        row = re.compile(re.escape(f.measure) + r" (\d[\d,]*) ")
        for line in lines:
            m = row.match(line)
            if m and not f.available:
                found.append(f"{f.measure} is withheld ({f.count_text}) but has a row: {line!r}")
            elif m and f.sensitive:  # its count, and the counts its change on last year is worked from
                counts = [m.group(1), *re.findall(r"(?:from |\(|against )(\d[\d,]*)", line[m.end() :])]
                if any(1 <= int(n.replace(",", "")) <= 4 for n in counts):
                    found.append(f"small count of {f.measure}: {line!r}")
    return found + scan.text_violations("pdf", "\n".join(lines))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=hs.data())
def test_the_profile_pdf_never_shows_a_withheld_figure(rcon, data):
    level = data.draw(hs.sampled_from(["lsoa", "lsoa", "msoa", "division_2025", "aap"]), label="level")
    code = data.draw(hs.sampled_from(list(wh.areas(rcon, level)["area_code"][:60])), label="area")
    months = wh.present_months(rcon)
    end = data.draw(hs.sampled_from(months[11:]), label="to")
    start = shift_month(end, -(data.draw(hs.sampled_from([12, 12, 3, 1]), label="months") - 1))
    measure = data.draw(hs.sampled_from(["all_crime", "violence_and_sexual_offences", "robbery"]), label="measure")
    p = domain_profile.build(rcon, code, start, end, measure)
    text = _text(profile.pdf(rcon, code, start, end, measure, "x", ()))
    assert _withheld_rows(text, p) == []


def test_an_area_board_member_gets_the_pdf_profile_in_three_actions(app_url, rcon, new_context):
    """Home page -> 'Explore an area' in the menu (1) -> their board in 'Open the profile of' (2) -> download
    the profile (3): a PDF of at most two A4 pages about that board."""
    boards = wh.areas(rcon, "aap")
    code, name = str(boards["area_code"].iloc[0]), str(boards["area_name"].iloc[0])
    page = new_context(DESKTOP).new_page()
    open_page(page, f"{app_url}/")
    page.get_by_role("link", name="Explore an area").first.click()  # action 1
    page.wait_for_function("() => location.pathname.endsWith('/explore')", timeout=30_000)
    wait_ready(page)
    page.get_by_role("combobox", name="Open the profile of").click()  # action 2: open the list and pick the board
    page.get_by_role("option", name=name, exact=True).click()
    page.wait_for_function("(code) => location.search.includes('area=' + code)", arg=code, timeout=30_000)
    wait_ready(page)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Download the area profile (PDF, 2 A4 pages)").click()  # action 3
    pdf = download.value.path().read_bytes()
    assert download.value.suggested_filename == profile.file_name(code, *wh.present_months(rcon)[-12::11])
    assert pdf.startswith(b"%PDF") and 1 <= _pages(pdf) <= 2
    assert f"{name}: community safety profile" in " ".join(_text(pdf).split())
