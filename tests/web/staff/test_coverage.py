"""The coverage page as editors use it: the matrix, gaps, pictures, filters, compliance, and the CSV download."""

import csv
import io
import re
from datetime import date

import pytest
from sqlmodel import Session, delete

from directory.clock import uk_today
from directory.evidence import coverage as coverage_module
from directory.evidence.coverage import _RECENT
from directory.evidence.tallies import UnmetNeedTally
from directory.evidence.unmet import month_range
from directory.models import Answer, ImmigrationStatus, Role, ServiceArea
from directory.places.gazetteer import SUSSEX
from tests.factories import make_service, make_user, sign_in

CELL = re.compile(r'data-area="(?P<area>[^"]+)" data-need="(?P<need>[^"]+)">\s*(?P<numbers>\d+ / \d+ / \d+)')


@pytest.fixture
def directory(app):
    with Session(app.extensions["database"], expire_on_commit=False) as session:
        make_service(session, "Crawley advice", address=("1 High Street", "Crawley", "RH10 1AA"),
                     needs={"domestic-abuse": "Domestic abuse"}, languages={"pl": "Polish"},
                     immigration_status=ImmigrationStatus.OPEN_TO_ALL, nrpf_support=Answer.YES)
        make_service(session, "Hastings centre", address=("2 Sea Road", "Hastings", "TN34 1AA"),
                     needs={"domestic-abuse": "Domestic abuse"}, commissioned_by_pcc=True,
                     immigration_status=ImmigrationStatus.RESTRICTIONS, last_verified_on=date(2020, 1, 1))
        make_service(session, "National line", national_helpline=True, needs={"domestic-abuse": "Domestic abuse"})
        session.exec(delete(ServiceArea))  # each counts where it is, not across Sussex
        session.commit()
        return {role: make_user(session, role) for role in (Role.OFFICER, Role.EDITOR)}


def signed_in(client, user):
    sign_in(client, user)
    return client


def page_cells(html: str) -> dict[tuple[str, str], str]:
    return {(m["area"], m["need"]): m["numbers"] for m in CELL.finditer(html)}


def test_officers_may_not_see_coverage_and_editors_may(client, app, directory):
    assert client.get("/staff/coverage").status_code == 302  # sign in first
    officer = signed_in(app.test_client(), directory[Role.OFFICER])
    assert officer.get("/staff/coverage").status_code == 403
    assert officer.get("/staff/coverage.csv").status_code == 403
    editor = signed_in(client, directory[Role.EDITOR])
    assert editor.get("/staff/coverage").status_code == 200
    assert 'href="/staff/coverage"' in editor.get("/staff/").get_data(as_text=True)


def test_the_page_shows_the_matrix_gaps_pictures_and_compliance(client, directory):
    html = signed_in(client, directory[Role.EDITOR]).get("/staff/coverage").get_data(as_text=True)
    cells = page_cells(html)
    assert len(cells) == 16 + 2  # 16 areas, national helplines and beyond Sussex × the one need
    assert (cells[("national-helplines", "domestic-abuse")], cells[("beyond-sussex", "domestic-abuse")]) == (
        "1 / 0 / 0", "0 / 0 / 0")
    assert cells[("E07000226", "domestic-abuse")] == "1 / 1 / 1"
    assert cells[("E07000062", "domestic-abuse")] == "1 / 0 / 0"
    assert cells[("SUSSEX", "domestic-abuse")] == "2 / 1 / 1"
    assert "<caption" in html and 'scope="row"' in html and 'scope="col"' in html
    assert "Hastings</dt>" in html.replace("\n", "")
    assert "No service open regardless of immigration status for domestic abuse." in html
    assert html.count('role="img"') == 2
    for described in re.findall(r'aria-describedby="([^"]+)"', html):
        assert f'id="{described}"' in html  # each picture's text alternative is a table on the page
    assert "National line" in html and "National helpline" in html
    assert re.search(r"Hastings centre</a>\s*</td>\s*<td[^>]*>1 January 2020", html)
    assert re.search(r"Facts checked: \d+% of the 3 services counted here in the last 6 months; "
                     r"oldest check 1 January 2020\.", " ".join(html.split()))
    assert "coverage_unmet" not in html


def test_filters_narrow_the_page_and_the_download_keeps_them(client, directory):
    editor = signed_in(client, directory[Role.EDITOR])
    html = editor.get("/staff/coverage?language=pl").get_data(as_text=True)
    assert page_cells(html)[("E07000062", "domestic-abuse")] == "0 / 0 / 0"
    assert 'value="pl" selected' in html
    assert 'href="/staff/coverage.csv?language=pl"' in html


@pytest.mark.parametrize("query", ["", "?language=pl", "?commissioned=yes"])
def test_the_csv_has_the_same_numbers_as_the_page(client, directory, query):
    editor = signed_in(client, directory[Role.EDITOR])
    cells = page_cells(editor.get(f"/staff/coverage{query}").get_data(as_text=True))
    response = editor.get(f"/staff/coverage.csv{query}")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == len(cells)
    for row in rows:
        numbers = " / ".join(row[column] for column in list(row)[5:8])
        assert cells[(row["Area code (ONS)"], row["Need code"])] == numbers


def test_the_coverage_page_also_shows_the_unmet_need_of_the_last_twelve_months(client, session):
    client.get("/search", query_string={"q": "qwzx frobnicate", "where": "Crawley"})  # finds nothing: counted
    sign_in(client, make_user(session, Role.EDITOR, "coverage-unmet@example.org", "Cora Coverage"))
    html = client.get("/staff/coverage").get_data(as_text=True)
    assert 'id="unmet-need-heading"' in html and "never the words or the place typed" in html
    assert "No unmet need was counted in these months." not in html


def unmet_grid(html: str) -> dict[tuple[str, str], str]:
    """The coverage page's unmet-need table: every number by (need, place) label, "Total" for the totals."""
    table = re.search(r'id="unmet-need-caption".*?</table>', html, re.S).group(0)
    places = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', table)[1:]
    grid = {}
    for need, cells in re.findall(r'<th scope="row"[^>]*>([^<]+)</th>(.*?)</tr>', table, re.S):
        grid |= {(need, place): value for place, value in zip(places, re.findall(r">([^<>]+)</td>", cells))}
    return grid


def test_the_csv_has_the_unmet_need_of_the_page_every_number_as_shown(client, directory, app):
    month = date.today().strftime("%Y-%m")
    with Session(app.extensions["database"]) as session:
        for need, district, count in (("domestic-abuse", "E07000226", 9), ("domestic-abuse", "E07000061", 2),
                                      ("unrecognised", "E07000226", 6), ("unrecognised", "outside", 3),
                                      ("domestic-abuse", "E10000032", 7)):  # Crawley, Eastbourne, …, West Sussex
            session.add(UnmetNeedTally(month=month, source="search", need=need, district=district, conditions="",
                                       harm="", count=count))
        session.commit()
    editor = signed_in(client, directory[Role.EDITOR])
    grid = unmet_grid(editor.get("/staff/coverage").get_data(as_text=True))
    assert grid[("Domestic abuse", "Eastbourne")] == "hidden" and grid[("Total", "Total")] == "27"
    rows = list(csv.DictReader(io.StringIO(editor.get("/staff/coverage.csv").get_data(as_text=True).lstrip("\ufeff"))))
    unmet_column = next(column for column in rows[0] if column.startswith("Unmet need: "))
    by_label = {(row["Need"].replace("All needs", "Total"), row["Area"].replace("All places", "Total")):
                row[unmet_column] for row in rows}
    assert {key: by_label[key] for key in grid} == grid  # every number on the page, as the page shows it
    # The matrix's rows carry the unmet need counted there, as the page shows it: none from Hastings; Sussex as a
    # whole has no such column on the page, so none here either.
    kind = "Area type (district, county or Sussex)"
    matrix = {(row["Area code (ONS)"], row["Need code"]): row[unmet_column] for row in rows if row[kind]}
    assert (matrix["E07000062", "domestic-abuse"], matrix["E07000061", "domestic-abuse"]) == ("0", "hidden")
    assert matrix["E10000032", "domestic-abuse"] == grid[("Domestic abuse", "West Sussex")]
    assert matrix[SUSSEX, "domestic-abuse"] == ""
    first, last = month_range(None, None, uk_today())
    assert {row["Unmet need counted in"] for row in rows} == {f"{first} to {last}"}


def test_a_long_list_of_services_apart_names_the_first_and_counts_them_all(client, directory, app, monkeypatch):
    with Session(app.extensions["database"]) as session:
        make_service(session, "Zebra line", national_helpline=True, needs={"domestic-abuse": "Domestic abuse"},
                     immigration_status=ImmigrationStatus.OPEN_TO_ALL)
        session.commit()
    editor = signed_in(client, directory[Role.EDITOR])
    html = " ".join(editor.get("/staff/coverage").get_data(as_text=True).split())
    assert "2 services not counted in the districts, by need" in html and ">Each of them</caption>" in html
    monkeypatch.setattr(coverage_module, "APART_LISTED", 1)
    _RECENT.clear()
    html = " ".join(editor.get("/staff/coverage").get_data(as_text=True).split())
    assert ">The first 1 of them, national helplines first</caption>" in html
    assert "National line</a>" in html and "Zebra line</a>" not in html
    assert page_cells(html)[("national-helplines", "domestic-abuse")] == "2 / 1 / 0"  # both still counted
