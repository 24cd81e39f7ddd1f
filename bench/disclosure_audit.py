"""How many withheld counts can be worked out from the command line's exports, with and without
complementary suppression (``sdp_dash/domain/disclosure.py``).

For every area of the county (small areas, neighbourhoods, divisions, area boards, the county) and each
period asked for, the four exports (``--by measure|type|month|lsoa``, for robbery and for violence and
sexual offences) of one area and period are read together by the attacker's solver
(``tests/support/solver.py``), which applies the sums that tie figures together until nothing more
comes out.  Counted: figures withheld, and withheld figures worked out.  Run twice: with the primary rule
alone (what the site did before) and with complementary suppression (what it does now).

    .venv/bin/python bench/disclosure_audit.py [--periods 2025-01:2025-12,2025-12:2025-12] [--write]

``--write`` puts the table in bench/RESULTS.md (section "Disclosure: what the exports give back").
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine, now, write_section  # noqa: E402
from sdp_dash import warehouse as wh  # noqa: E402
from sdp_dash.config import settings  # noqa: E402
from sdp_dash.domain import crime, disclosure  # noqa: E402
from tests.support import solver  # noqa: E402

LEVELS = ("lsoa", "msoa", "division_2013", "division_2025", "aap", "county")
MEASURES = ("robbery", "violence_and_sexual_offences")


def primary_only(self, code, measure_id, months):
    c = self._cell(code, measure_id, tuple(months))
    return bool(self.primary[c]) if c is not None else False


def audit(con, structure, periods) -> dict:
    areas = [r[0] for r in con.execute("SELECT area_code FROM areas WHERE area_type IN ? ORDER BY 1", [list(LEVELS)]).fetchall()]
    withheld = recovered = small = 0
    for start, end in periods:
        for code in areas:
            for measure in MEASURES:
                frames = [
                    (by, crime.export(con, area=code, start=start, end=end, by=by, measure_id=measure)) for by in crime.EXPORT_BY
                ]
                sent = solver.read_frames(frames, structure, solver.View(code, measure, start, end))
                got = solver.solve(sent, structure)
                withheld += len(sent.withheld)
                recovered += sum(1 for k in got if k in sent.withheld)
                small += sum(1 for k, v in got.items() if k[1] in structure.sensitive and 1 <= v <= 4)
    return {"areas": len(areas), "withheld": withheld, "recovered": recovered, "small": small}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--periods", default="2025-01:2025-12,2025-12:2025-12")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    periods = [tuple(p.split(":")) for p in args.periods.split(",")]
    raw = wh.connect(settings.get("SDP_WAREHOUSE"))
    con = wh.Remembering(raw)
    structure = solver.Structure.read(raw)
    rows = []
    for label, patch in (("primary rule only (before)", True), ("with complementary suppression (now)", False)):
        t = time.perf_counter()
        if patch:
            with mock.patch.object(disclosure.Pattern, "withheld", primary_only):
                r = audit(con, structure, periods)
        else:
            r = audit(con, structure, periods)
        r["seconds"] = time.perf_counter() - t
        rows.append((label, r))
        print(
            f"{label}: {r['recovered']} of {r['withheld']} withheld figures worked out; small sensitive counts worked out: {r['small']} ({r['seconds']:.0f} s)"
        )
    if args.write:
        lines = [
            "## Disclosure: what the exports give back",
            "",
            f"{now()}, {machine()}.",
            "",
            f"`bench/disclosure_audit.py --periods {args.periods}`: every area of the county ({rows[0][1]['areas']} areas: small areas,",
            "neighbourhoods, both division sets, area boards, the county) x each period x robbery and violence and sexual offences;",
            "the four exports of one area and period read together by the solver of `tests/support/solver.py`.",
            "",
            "| rule | withheld figures | worked out | small sensitive counts worked out |",
            "|---|---|---|---|",
        ]
        lines += [f"| {label} | {r['withheld']:,} | {r['recovered']:,} | {r['small']:,} |" for label, r in rows]
        write_section("Disclosure: what the exports give back", "\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
