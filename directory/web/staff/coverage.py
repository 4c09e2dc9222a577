"""The coverage page (editors): where specialist help open to migrant victims is missing, to print or download."""

from flask import Response, current_app, render_template, request
from markupsafe import Markup

from directory.clock import uk_today
from directory.evidence.coverage import CoverageFilters
from directory.evidence.picture import district_tiles, heat_map, needs_met
from directory.evidence.report import APART_AREAS, coverage_csv, coverage_report
from directory.models import Role
from directory.web.context import get_indexer, get_session
from directory.web.staff import staff
from directory.web.staff.access import requires

MATRIX_TABLE, TILES_TABLE = "coverage-matrix", "coverage-by-district"


def _asked_filters() -> CoverageFilters:
    args = request.args
    return CoverageFilters(language=args.get("language", "")[:16], led_by_and_for=args.get("led_by_and_for") == "yes",
                           delivery=tuple(code[:32] for code in args.getlist("delivery")[:8]),
                           commissioned=args.get("commissioned") == "yes")


def _report():
    return coverage_report(get_session(), get_indexer().gazetteer, uk_today(),
                           current_app.config["REVIEW_PERIOD_MONTHS"], _asked_filters())


@staff.get("/staff/coverage")
@requires(Role.EDITOR)
def coverage():
    report = _report()
    return render_template("staff/coverage.html", report=report, result=report.coverage, needs_met=needs_met,
                           unmet=report.unmet, apart_codes={kind: code for kind, (code, _) in APART_AREAS.items()},
                           matrix_table=MATRIX_TABLE, tiles_table=TILES_TABLE,
                           heat_map=Markup(heat_map(report.coverage, described_by=MATRIX_TABLE)),
                           tiles=Markup(district_tiles(report.coverage, described_by=TILES_TABLE)))


@staff.get("/staff/coverage.csv")
@requires(Role.EDITOR)
def coverage_spreadsheet():
    # With a byte-order mark, so spreadsheet programs read the text as UTF-8.
    response = Response(coverage_csv(_report()).encode("utf-8-sig"), mimetype="text/csv")
    response.headers.set("Content-Disposition", "attachment",
                         filename=f"safe-space-directory-coverage-{uk_today().isoformat()}.csv")
    return response
