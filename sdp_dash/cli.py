"""Command line: ``python -m sdp_dash {build,fetch,refresh,coverage,export}``.

Bad input ends with one line on stderr (``error: <file>: <problem>``) and exit status 2.  ``refresh``
prints exactly one line on stdout, for monitoring (``refresh: ok, ...`` or ``refresh: failed, ...``),
and exits 0, or 2 when it failed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sdp_dash.config import settings
from sdp_dash.errors import SourceError


def _month(text: str) -> str:
    from sdp_dash.pipeline.sources.common import MONTH

    if not MONTH.match(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a month like 2025-01")
    return text


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sdp_dash", description="Community safety dashboard data tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (_add_build, _add_fetch, _add_refresh, _add_coverage, _add_export):
        add(sub)
    return parser


def _add_build(sub) -> None:
    p_build = sub.add_parser("build", help="build or update the DuckDB warehouse from the source folder")
    p_build.add_argument("--source", type=Path, help="source folder (default: SDP_MIRROR, else SDP_DOWNLOADS)")
    p_build.add_argument("--warehouse", type=Path, help="warehouse file (default: SDP_WAREHOUSE)")
    p_build.add_argument("--full", action="store_true", help="rebuild everything even if nothing changed")
    p_build.add_argument("--quiet", action="store_true", help="no progress bar")
    p_build.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another build to finish (default: refuse at once)",
    )


def _add_fetch(sub) -> None:
    p_fetch = sub.add_parser("fetch", help="download the publishers' files into the download folder")
    p_fetch.add_argument("--from", dest="start", type=_month, required=True, help="first month, YYYY-MM")
    p_fetch.add_argument("--to", dest="end", type=_month, required=True, help="last month, YYYY-MM")
    p_fetch.add_argument("--forces", default="", help="comma-separated force slugs (default: all in data/sources.toml)")
    p_fetch.add_argument("--dest", type=Path, help="download folder (default: SDP_DOWNLOADS)")
    p_fetch.add_argument("--quiet", action="store_true")


def _add_refresh(sub) -> None:
    p_ref = sub.add_parser(
        "refresh",
        help="fetch the police.uk months published since the last download (none with SDP_MIRROR), then build",
    )
    p_ref.add_argument("--warehouse", type=Path, help="warehouse file (default: SDP_WAREHOUSE)")
    p_ref.add_argument(
        "--from",
        dest="start",
        type=_month,
        help="first month when nothing is downloaded yet (default: the 12 months to the latest published)",
    )
    p_ref.add_argument(
        "--wait", type=float, default=0.0, metavar="SECONDS", help="wait this long for a build or refresh to finish"
    )


def _add_coverage(sub) -> None:
    p_cov = sub.add_parser("coverage", help="months present per force, the gaps, and the last build's report")
    p_cov.add_argument("--warehouse", type=Path)


def _add_export(sub) -> None:
    p_exp = sub.add_parser(
        "export",
        help="print figures as tidy CSV: the same columns as the pages' downloads (see About the data's data dictionary)",
    )
    p_exp.add_argument("what", choices=["crime", "outcomes", "deprivation", "longview"])
    p_exp.add_argument("--area", help="area code, e.g. the partnership's own (SDP_PARTNERSHIP); not needed for longview")
    p_exp.add_argument("--from", dest="start", type=_month, help="first month, YYYY-MM (not needed for longview)")
    p_exp.add_argument("--to", dest="end", type=_month, help="last month, YYYY-MM (not needed for longview)")
    p_exp.add_argument(
        "--by",
        choices=["measure", "type", "month", "lsoa", "group", "decile", "ratio"],
        help="crime: measure (default), type, month, lsoa; outcomes: group (default), month; "
        "deprivation: decile (default), ratio, lsoa",
    )
    p_exp.add_argument(
        "--measure",
        default=None,
        help="measure for crime --by month/lsoa, outcomes and deprivation (default all_crime); longview: the measure's "
        "ONS series (default: every series)",
    )
    p_exp.add_argument("--warehouse", type=Path)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "refresh":
        return _refresh(args)
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "fetch":
            return _fetch(args)
        if args.command == "coverage":
            return _coverage(args)
        if args.command == "export":
            return _export(args)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, LookupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # disk full, read-only or missing folder, permissions: one line, no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or type(exc).__name__}", file=sys.stderr)
        return 2
    return 1


def _warehouse(args) -> Path:
    return args.warehouse or settings.path("SDP_WAREHOUSE")


def _build(args) -> int:
    from sdp_dash.pipeline.build import build

    root = args.source or settings.source_root()
    t0 = time.perf_counter()
    report = build(root, _warehouse(args), force_full=args.full, progress=not args.quiet, lock_wait=max(args.wait, 0.0))
    took = time.perf_counter() - t0
    for msg in report.messages:
        print(msg, file=sys.stderr)
    print(
        f"{report.mode}: {report.warehouse} ({report.files_read} files read, {report.police_rows:,} police.uk rows, {took:.1f} s)",
        file=sys.stderr,
    )
    return 0


def _refresh(args) -> int:
    """One line whatever happens: monitoring reads it (and the exit status)."""
    from sdp_dash.pipeline.refresh import refresh

    t0 = time.perf_counter()
    try:
        result = refresh(
            _warehouse(args),
            mirror=settings.mirror(),
            downloads=settings.path("SDP_DOWNLOADS"),
            first=args.start,
            lock_wait=max(args.wait, 0.0),
        )
    except Exception as exc:  # noqa: BLE001 - every failure is the one line and a non-zero exit
        if isinstance(exc, OSError):
            why = f"{exc.filename}: {exc.strerror}" if exc.filename else (exc.strerror or type(exc).__name__)
        elif isinstance(exc, (SourceError, ValueError, LookupError)):
            why = str(exc)
        else:
            why = f"unexpected {type(exc).__name__}: {exc}"
        why = " ".join(why.split())[:400]
        print(f"refresh: failed, {why}, {time.perf_counter() - t0:.1f} s", flush=True)
        return 2
    print(result.line(), flush=True)
    return 0


def _fetch(args) -> int:
    from sdp_dash.pipeline.fetch import fetch

    forces = [f for f in args.forces.split(",") if f] or None
    dest = args.dest or settings.path("SDP_DOWNLOADS")
    got = fetch(dest, args.start, args.end, forces=forces, progress=not args.quiet)
    print(f"fetched {len(got)} file(s) into {dest}", file=sys.stderr)
    return 0


def _connect(args):
    from sdp_dash.warehouse import connect

    return connect(_warehouse(args))


def _coverage(args) -> int:
    import duckdb

    from sdp_dash import warehouse
    from sdp_dash.pipeline.build import last_refusal, report_lines

    path = _warehouse(args)
    refused = last_refusal(path)
    if refused:
        print(f"The last build was refused, and the warehouse below is the one before it: {refused}\n")
    if not path.is_file():
        raise SourceError(path, "no warehouse here (run `python -m sdp_dash build`)")
    try:
        with _connect(args) as con:
            for row in warehouse.coverage_summary(con).itertuples():
                gaps = row.missing_months or "none"
                print(
                    f"{row.force_name}: {row.months_present} months present, {row.first_month}..{row.last_month}; missing: {gaps}"
                )
            print("\nBuild report (rows per file; police.uk rows are never dropped, some are not counted in any area):")
            for line in report_lines(con):
                print(f"  {line}")
    except duckdb.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise SourceError(path, f"not a readable warehouse ({first[:120]})") from None
    return 0


def _export(args) -> int:
    from sdp_dash.domain import crime, inequality, long_view, outcomes

    if args.what != "longview" and not (args.area and args.start and args.end):
        raise ValueError(f"export {args.what} needs --area, --from and --to")
    measure = args.measure or "all_crime"
    with _connect(args) as con:
        if args.what == "crime":
            df = crime.export(con, area=args.area, start=args.start, end=args.end, by=args.by or "measure", measure_id=measure)
        elif args.what == "outcomes":
            df = outcomes.export(con, area=args.area, start=args.start, end=args.end, measure_id=measure, by=args.by or "group")
        elif args.what == "deprivation":
            df = inequality.export(
                con, area=args.area, start=args.start, end=args.end, measure_id=measure, by=args.by or "decile"
            )
        else:
            df = long_view.export(con, measure_id=args.measure)
    try:
        df.to_csv(sys.stdout, index=False)
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
    return 0
