"""The coverage page and its spreadsheet: the matrix, its gaps in words, compliance, unmet need and the filters'
choices.

The page and the CSV are made from the same `CoverageReport`, so their numbers always agree: the CSV has a row
per area and need with the matrix's counts and the unmet need counted there, then a row for each other number
of the unmet-need table (places not known or outside Sussex, searches for no need, the totals), hidden where
the page hides it. No Flask here.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from directory.evidence.compliance import ComplianceIssue, commissioning_compliance
from directory.evidence.coverage import (
    Coverage,
    CoverageFilters,
    coverage,
    rows_for_export,
)
from directory.evidence.gaps import filters_in_words, gaps_in_words
from directory.evidence.unmet import UnmetNeedTable, month_range, unmet_need_table
from directory.exchange.cells import spreadsheet_safe
from directory.listings.queries import DELIVERY_TAXONOMY, TermChoice, spoken_languages, terms_in
from directory.places.gazetteer import Gazetteer

# The spreadsheet's header row says what each column holds.
CSV_COLUMNS = (
    "Area",
    "Area code (ONS)",
    "Area type (district, county or Sussex)",
    "Need",
    "Need code",
    "Active public services serving the area",
    "Of those, confirmed open regardless of immigration status",
    "Of those, also confirmed supporting people with no recourse to public funds (NRPF)",
    "Gap (no service open regardless of status / none supporting NRPF)",
    "Services counted (filters)",
    "Counted on",
    "Unmet need: searches and pathways that found nothing (\"hidden\" where small)",
    "Unmet need counted in",
)
ALL_PLACES, ALL_NEEDS = ("", "All places"), ("", "All needs")
# The services not counted in the districts, as two more areas: (code, name) by whether they are national helplines.
APART_AREAS = {True: ("national-helplines", "National helplines"),
               False: ("beyond-sussex", "Covering areas beyond Sussex only")}


@dataclass
class CoverageReport:
    today: date
    coverage: Coverage
    gaps: list
    compliance: list[ComplianceIssue]
    languages: list[TermChoice]
    delivery: list[TermChoice]
    described_filters: str
    unmet: UnmetNeedTable


def known_filters(filters: CoverageFilters, languages: list[TermChoice], delivery: list[TermChoice]) -> CoverageFilters:
    """The filters with anything not on offer dropped (an old link, a changed list, a typed address)."""
    spoken = {choice.code for choice in languages}
    ways = {choice.code for choice in delivery}
    return CoverageFilters(language=filters.language if filters.language in spoken else "",
                           led_by_and_for=filters.led_by_and_for,
                           delivery=tuple(code for code in filters.delivery if code in ways),
                           commissioned=filters.commissioned)


def coverage_report(session: Session, gazetteer: Gazetteer, today: date, review_months: int,
                    filters: CoverageFilters) -> CoverageReport:
    """Everything the coverage page shows, for the filters asked for; unmet need over the last 12 months."""
    languages, delivery = spoken_languages(session), terms_in(session, DELIVERY_TAXONOMY)
    filters = known_filters(filters, languages, delivery)
    result = coverage(session, gazetteer, today, review_months, filters)
    described = filters_in_words(filters, {c.code: c.name for c in languages}, {c.code: c.name for c in delivery})
    unmet = unmet_need_table(session, gazetteer, *month_range(None, None, today))
    return CoverageReport(today, result, gaps_in_words(result), commissioning_compliance(session, today, review_months),
                          languages, delivery, described, unmet)


def _gap(cell) -> str:
    if cell.no_open_service:
        return "no service open regardless of status"
    return "none supporting NRPF" if cell.no_nrpf_service else ""


def unmet_cells(table: UnmetNeedTable) -> dict[tuple[str, str], int | None]:
    """Every number of the unmet-need table as the page shows it (None where hidden), by (need, district) code,
    "" standing for all needs or all places (the totals). None at all when nothing was counted."""
    if table.empty:
        return {}
    cells = {}
    for row, (need, _) in enumerate(table.needs):
        for column, (district, _) in enumerate(table.districts):
            cells[need, district] = table.cells[row][column]
        cells[need, ALL_PLACES[0]] = table.need_totals[row]
    for column, (district, _) in enumerate(table.districts):
        cells[ALL_NEEDS[0], district] = table.district_totals[column]
    cells[ALL_NEEDS[0], ALL_PLACES[0]] = table.total
    return cells


def _shown(value: int | None) -> str:
    return "hidden" if value is None else str(value)


def _csv_rows(report: CoverageReport):
    unmet, months = unmet_cells(report.unmet), f"{report.unmet.first_month} to {report.unmet.last_month}"
    today = report.today.isoformat()

    def counted(cell) -> tuple:
        return cell.services, cell.open_to_all, cell.with_nrpf, _gap(cell), report.described_filters, today

    written = set()
    for area, need, cell in rows_for_export(report.coverage):
        written.add((need.code, area.code))
        # Sussex as a whole has no unmet-need column on the page; a district or county with none has no column: 0.
        found_nothing = "" if area.kind == "sussex" else _shown(unmet.get((need.code, area.code), 0))
        yield (area.name, area.code, area.kind, need.name, need.code, *counted(cell), found_nothing, months)
    for helplines, (code, name) in APART_AREAS.items() if report.coverage.apart else ():  # as the page: if any
        for need in report.coverage.needs:
            yield (name, code, "apart", need.name, need.code, *counted(report.coverage.apart_cell(helplines, need)),
                   "", months)
    needs = dict(report.unmet.needs) | {ALL_NEEDS[0]: ALL_NEEDS[1]}
    places = dict(report.unmet.districts) | {ALL_PLACES[0]: ALL_PLACES[1]}
    for (need, district), number in unmet.items():
        if (need, district) not in written:
            yield (places[district], district, "", needs[need], need, "", "", "", "", "", today, _shown(number), months)


def coverage_csv(report: CoverageReport) -> str:
    """One row per area and need, with the page's filters: the same numbers as the page's matrix and unmet need."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows([spreadsheet_safe(str(value)) for value in row] for row in _csv_rows(report))
    return out.getvalue()
