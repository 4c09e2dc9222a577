"""The coverage page and its spreadsheet: the matrix, its gaps in words, compliance and the filters' choices.

The page and the CSV are made from the same `CoverageReport`, so their numbers always agree. No Flask here.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from directory.evidence.coverage import (
    ComplianceIssue,
    Coverage,
    CoverageFilters,
    commissioning_compliance,
    coverage,
    filters_in_words,
    gaps_in_words,
    rows_for_export,
)
from directory.exchange.datapackage import spreadsheet_safe
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
)


@dataclass
class CoverageReport:
    today: date
    coverage: Coverage
    gaps: list
    compliance: list[ComplianceIssue]
    languages: list[TermChoice]
    delivery: list[TermChoice]
    described_filters: str


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
    """Everything the coverage page shows, for the filters asked for."""
    languages, delivery = spoken_languages(session), terms_in(session, DELIVERY_TAXONOMY)
    filters = known_filters(filters, languages, delivery)
    result = coverage(session, gazetteer, today, review_months, filters)
    described = filters_in_words(filters, {c.code: c.name for c in languages}, {c.code: c.name for c in delivery})
    return CoverageReport(today, result, gaps_in_words(result), commissioning_compliance(session, today, review_months),
                          languages, delivery, described)


def _gap(cell) -> str:
    if cell.no_open_service:
        return "no service open regardless of status"
    return "none supporting NRPF" if cell.no_nrpf_service else ""


def coverage_csv(report: CoverageReport) -> str:
    """One row per area and need, with the page's filters: the same numbers as the page's matrix."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for area, need, cell in rows_for_export(report.coverage):
        row = (area.name, area.code, area.kind, need.name, need.code, cell.services, cell.open_to_all,
               cell.with_nrpf, _gap(cell), report.described_filters, report.today.isoformat())
        writer.writerow([spreadsheet_safe(str(value)) for value in row])
    return out.getvalue()
