"""The coverage matrix on a small directory with known answers: who counts where, gaps, filters, compliance."""

from datetime import date

import pytest
from sqlmodel import delete, select

from directory.evidence.compliance import commissioning_compliance
from directory.evidence.coverage import (
    _FACTS,
    _RECENT,
    Cell,
    CoverageFilters,
    coverage,
)
from directory.evidence.gaps import gaps_in_words
from directory.evidence.picture import district_tiles, heat_map
from directory.evidence.report import coverage_csv, coverage_report
from directory.listings.queries import DELIVERY_TAXONOMY
from directory.models import Answer, ImmigrationStatus, Service, ServiceArea, ServiceAtLocation, ServiceStatus, utc_now
from tests.factories import make_service, term

TODAY = date(2026, 11, 1)
MONTHS = 6
CRAWLEY, WORTHING, HASTINGS, EASTBOURNE, BRIGHTON = "E07000226", "E07000229", "E07000062", "E07000061", "E06000043"
WEST_SUSSEX, EAST_SUSSEX, SUSSEX = "E10000032", "E10000011", "SUSSEX"
DOMESTIC_ABUSE = {"domestic-abuse": "Domestic abuse"}
OPEN = {"immigration_status": ImmigrationStatus.OPEN_TO_ALL}


def service(session, name, *, areas=(), **fields):
    """A service whose service areas are exactly `areas` (names, as editors type them)."""
    made = make_service(session, name, **fields)
    session.exec(delete(ServiceArea).where(ServiceArea.service_id == made.id))
    for area in areas:
        session.add(ServiceArea(service_id=made.id, name=area))
    session.flush()
    return made


@pytest.fixture
def directory(session):
    """Services with known answers: one located in Crawley, one covering West Sussex by its service area, a
    restricted one in Hastings, a confidential refuge in Eastbourne, a national helpline, one covering England and
    Wales only, and two that must never count (unpublished, closed)."""
    term(session, DELIVERY_TAXONOMY, "phone", "By phone")
    term(session, DELIVERY_TAXONOMY, "in-person", "In person")
    service(session, "Crawley advice", address=("1 High Street", "Crawley", "RH10 1AA"), needs=DOMESTIC_ABUSE,
            languages={"pl": "Polish"}, delivery=("in-person",), commissioned_by_pcc=True,
            nrpf_support=Answer.YES, **OPEN)
    service(session, "West Sussex outreach", areas=("West Sussex",), delivery=("phone",),
            needs={**DOMESTIC_ABUSE, "harmful-practices": "Harmful practices"}, led_by_and_for=Answer.YES, **OPEN)
    service(session, "Hastings centre", address=("2 Sea Road", "Hastings", "TN34 1AA"), needs=DOMESTIC_ABUSE,
            delivery=("in-person",), immigration_status=ImmigrationStatus.RESTRICTIONS, commissioned_by_pcc=True)
    service(session, "Safe house", address=("3 Hidden Road", "Eastbourne", "BN21 1EH"), areas=("East Sussex",),
            needs={"housing-refuge": "Housing and refuge"}, confidential_location=True, nrpf_support=Answer.YES, **OPEN)
    service(session, "National line", areas=("United Kingdom",), national_helpline=True, needs=DOMESTIC_ABUSE,
            nrpf_support=Answer.YES, **OPEN)
    service(session, "England and Wales online", areas=("England and Wales",), needs=DOMESTIC_ABUSE, **OPEN)
    service(session, "Unpublished draft", address=("4 High Street", "Crawley", "RH10 1AB"), needs=DOMESTIC_ABUSE,
            published=False, **OPEN)
    service(session, "Closed service", areas=("Sussex",), needs=DOMESTIC_ABUSE, status=ServiceStatus.INACTIVE,
            **OPEN)
    service(session, "Old check", areas=("Crawley",), needs={"fraud": "Fraud and scams"}, commissioned_by_pcc=True,
            last_verified_on=date(2025, 1, 6), nrpf_support=Answer.YES, **OPEN)
    session.commit()
    return session


@pytest.fixture
def gazetteer(app):
    return app.extensions["indexer"].gazetteer


def matrix(session, gazetteer, **filters):
    return coverage(session, gazetteer, TODAY, MONTHS, CoverageFilters(**filters))


def cell(result, area_code, need_code):
    area = next(area for area in result.areas if area.code == area_code)
    need = next(need for need in result.needs if need.code == need_code)
    return result.cell(area, need)


def test_the_rows_are_the_thirteen_districts_their_counties_and_sussex(directory, gazetteer):
    result = matrix(directory, gazetteer)
    assert len(result.districts) == 13
    names = [area.name for area in result.areas]
    assert names[0] == "Brighton and Hove"  # a unitary authority, in neither county
    assert names[-1] == "Sussex"
    assert names.index("East Sussex") == names.index("Wealden") + 1
    assert names.index("West Sussex") == names.index("Worthing") + 1
    assert len(result.areas) == 16


def test_a_service_counts_where_it_is_and_where_its_area_covers(directory, gazetteer):
    result = matrix(directory, gazetteer)
    # Crawley advice is in Crawley; the outreach covers every West Sussex district by its area.
    assert cell(result, CRAWLEY, "domestic-abuse") == Cell(services=2, open_to_all=2, with_nrpf=1)
    assert cell(result, WORTHING, "domestic-abuse") == Cell(services=1, open_to_all=1, with_nrpf=0)
    assert cell(result, WORTHING, "harmful-practices") == Cell(1, 1, 0)
    assert cell(result, HASTINGS, "domestic-abuse") == Cell(1, 0, 0)
    assert cell(result, BRIGHTON, "domestic-abuse") == Cell(0, 0, 0)
    # A county's row and Sussex's count each service once.
    assert cell(result, WEST_SUSSEX, "domestic-abuse") == Cell(2, 2, 1)
    assert cell(result, EAST_SUSSEX, "domestic-abuse") == Cell(1, 0, 0)
    assert cell(result, SUSSEX, "domestic-abuse") == Cell(3, 2, 1)


def test_a_refuge_counts_where_it_is_and_across_the_area_it_serves(directory, gazetteer):
    result = matrix(directory, gazetteer)
    assert cell(result, EASTBOURNE, "housing-refuge") == Cell(1, 1, 1)
    assert cell(result, HASTINGS, "housing-refuge") == Cell(1, 1, 1)  # it serves East Sussex
    assert cell(result, CRAWLEY, "housing-refuge") == Cell(0, 0, 0)


def test_national_helplines_and_services_beyond_sussex_are_shown_apart_never_in_a_district(directory, gazetteer):
    result = matrix(directory, gazetteer)
    assert [(s.name, s.helpline) for s in result.apart] == [("National line", True),
                                                            ("England and Wales online", False)]
    assert cell(result, SUSSEX, "domestic-abuse").services == 3


def test_unpublished_and_closed_services_never_count(directory, gazetteer):
    result = matrix(directory, gazetteer)
    assert result.checks.services == 7
    assert cell(result, CRAWLEY, "domestic-abuse").services == 2


def test_gaps_are_marked_and_said_in_words(directory, gazetteer):
    result = matrix(directory, gazetteer)
    assert cell(result, HASTINGS, "domestic-abuse").is_gap and cell(result, WORTHING, "domestic-abuse").is_gap
    assert not cell(result, CRAWLEY, "domestic-abuse").is_gap
    said = {area.name: sentences for area, sentences in gaps_in_words(result)}
    assert ("Services open regardless of status, but none supporting people with no recourse to public funds, "
            "for domestic abuse (one service) and harmful practices (one service).") in said["Worthing"]
    assert said["Hastings"][0].startswith("No service open regardless of immigration status for domestic abuse, ")
    assert "Only one service open regardless of status for housing and refuge." in said["Eastbourne"]
    assert "Crawley" in said  # fraud there has only one service open regardless of status


@pytest.mark.parametrize(("filters", "crawley", "worthing"), [
    ({"language": "pl"}, Cell(1, 1, 1), Cell(0, 0, 0)),
    ({"led_by_and_for": True}, Cell(1, 1, 0), Cell(1, 1, 0)),
    ({"delivery": ("phone",)}, Cell(1, 1, 0), Cell(1, 1, 0)),
    ({"delivery": ("phone", "in-person")}, Cell(2, 2, 1), Cell(1, 1, 0)),
    ({"commissioned": True}, Cell(1, 1, 1), Cell(0, 0, 0)),
])
def test_filters_narrow_the_services_counted(directory, gazetteer, filters, crawley, worthing):
    result = matrix(directory, gazetteer, **filters)
    assert cell(result, CRAWLEY, "domestic-abuse") == crawley
    assert cell(result, WORTHING, "domestic-abuse") == worthing


def test_the_facts_freshness_is_counted(directory, gazetteer):
    checks = matrix(directory, gazetteer).checks
    assert (checks.services, checks.recent, checks.oldest, checks.never) == (7, 6, date(2025, 1, 6), 0)
    assert checks.percent_recent == 86


def test_commissioned_services_not_confirmed_open_or_overdue_are_listed(directory):
    issues = {issue.name: issue.reasons for issue in commissioning_compliance(directory, TODAY, MONTHS)}
    assert set(issues) == {"Hastings centre", "Old check"}
    assert issues["Hastings centre"] == (
        "Open regardless of immigration status: no: there are restrictions, never checked",
        "Supports people with no recourse to public funds: not known, never checked")
    assert issues["Old check"] == ("Check with the service overdue",)
    assert list(issues)[0] == "Old check"  # the longest unchecked first


def test_unknown_filters_are_dropped(directory, gazetteer):
    report = coverage_report(directory, gazetteer, TODAY, MONTHS,
                             CoverageFilters(language="xx", delivery=("carrier-pigeon", "phone")))
    assert report.coverage.filters == CoverageFilters(delivery=("phone",))
    assert report.described_filters == "Services offering help by phone"


def test_the_spreadsheet_has_one_row_per_area_and_need_with_the_matrix_numbers(directory, gazetteer):
    report = coverage_report(directory, gazetteer, TODAY, MONTHS, CoverageFilters())
    lines = coverage_csv(report).splitlines()
    assert len(lines) == 1 + (16 + 2) * len(report.coverage.needs)  # and national helplines, beyond Sussex
    assert lines[0].startswith("Area,Area code (ONS),")
    assert ("Worthing,E07000229,district,Domestic abuse,domestic-abuse,1,1,0,none supporting NRPF,"
            "All active public services,2026-11-01,0,2025-12 to 2026-11") in lines  # no unmet need counted


def test_the_pictures_have_a_title_and_point_to_their_tables(directory, gazetteer):
    result = matrix(directory, gazetteer)
    for svg, table in ((heat_map(result, described_by="matrix"), "matrix"),
                       (district_tiles(result, described_by="tiles"), "tiles")):
        assert svg.startswith("<svg") and 'role="img"' in svg
        assert f'aria-describedby="{table}"' in svg
        title_id = svg.split('aria-labelledby="')[1].split('"')[0]
        assert f'<title id="{title_id}">' in svg
        assert "<script" not in svg


def test_the_pictures_escape_every_word(session, gazetteer):
    service(session, "A <script> service", areas=("Sussex",), needs={"odd": "Needs <b>& more</b>"})
    session.commit()
    svg = heat_map(matrix(session, gazetteer), described_by="matrix")
    assert "<b>" not in svg and "Needs &lt;b&gt;&amp; more" in svg


def test_the_matrix_is_worked_out_afresh_after_any_change_to_a_listing(directory, gazetteer):
    before = matrix(directory, gazetteer)
    assert matrix(directory, gazetteer) is before, "kept while nothing changes"
    make_service(directory, "A new advice line", immigration_status=ImmigrationStatus.OPEN_TO_ALL)
    directory.commit()
    after = matrix(directory, gazetteer)
    assert after is not before and (after.apart, after.cells) != (before.apart, before.cells)


def test_after_an_edit_the_changed_listing_and_those_sharing_its_place_are_read_again(directory, gazetteer):
    crawley_advice = directory.exec(select(Service).where(Service.name == "Crawley advice")).one()
    hastings = directory.exec(select(Service).where(Service.name == "Hastings centre")).one()
    place = crawley_advice.service_at_locations[0].location
    desk = service(directory, "Advice desk", needs=DOMESTIC_ABUSE, **OPEN)
    directory.exec(delete(ServiceAtLocation).where(ServiceAtLocation.service_id == desk.id))
    directory.add(ServiceAtLocation(service_id=desk.id, location_id=place.id))
    directory.commit()
    assert cell(matrix(directory, gazetteer), CRAWLEY, "domestic-abuse").services == 3  # with the desk
    assert cell(matrix(directory, gazetteer), HASTINGS, "domestic-abuse") == Cell(1, 0, 0)
    # Hastings centre confirms it is open to all; Crawley advice moves to Hastings, and the desk with it.
    hastings.immigration_status, hastings.last_modified = ImmigrationStatus.OPEN_TO_ALL, utc_now()
    place.addresses[0].postal_code, place.addresses[0].city = "TN34 1AB", "Hastings"
    crawley_advice.last_modified = utc_now()
    directory.commit()
    after = matrix(directory, gazetteer)
    assert cell(after, HASTINGS, "domestic-abuse") == Cell(3, 3, 1)
    assert cell(after, CRAWLEY, "domestic-abuse").services == 1  # West Sussex outreach, by its area
    # Read afresh, the same directory gives the same matrix.
    _FACTS.clear()
    _RECENT.clear()
    again = matrix(directory, gazetteer)
    assert (again.cells, again.totals, again.apart) == (after.cells, after.totals, after.apart)
