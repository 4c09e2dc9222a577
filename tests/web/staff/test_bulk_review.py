"""The review dashboard's filters, and what it does with several listings at once: mark their unchanged
conditions as checked today (after a confirmation), or print sheets for their organisations to confirm."""

from datetime import date
from urllib.parse import urlencode

import pytest
from sqlmodel import select

from directory.listings import editing as listings
from directory.listings.review import ReviewFilters, review_due
from directory.models import Answer, ChangeRecord, ImmigrationStatus, ServiceArea
from tests.factories import make_organization, make_service, page_form

LONG_AGO = date(2024, 5, 6)
TODAY = date(2026, 8, 31)
HASTINGS, LEWES = "E07000062", "E07000063"


def serving_only(session, service, area: str):
    """The listing's service area (make_service gives all of Sussex) becomes `area` alone."""
    session.exec(select(ServiceArea).where(ServiceArea.service_id == service.id)).one().name = area
    session.flush()


@pytest.fixture
def due(session):
    """Three listings due for review, from two organisations, in different places."""
    refuge, trust = make_organization(session, "Refuge Sussex"), make_organization(session, "Sussex Support Trust")
    harbour = make_service(session, "Harbour advice line", organization=trust, last_verified_on=LONG_AGO,
                           immigration_status=ImmigrationStatus.OPEN_TO_ALL, immigration_status_checked_on=LONG_AGO,
                           free=Answer.YES, free_checked_on=TODAY, interpreters=Answer.NO,
                           interpreters_checked_on=LONG_AGO, address=("1 Quay Street", "Newhaven", "BN9 9AA"))
    serving_only(session, harbour, "England and Wales")
    hastings = make_service(session, "Hastings outreach", organization=trust, last_verified_on=None,
                            free=Answer.YES, free_checked_on=LONG_AGO)
    serving_only(session, hastings, "Hastings")
    refuge_line = make_service(session, "Refuge helpline", organization=refuge, last_verified_on=LONG_AGO,
                               confidential_location=True, address=("9 Secret Road", "Lewes", "BN7 1AA"))
    session.commit()
    return {"harbour": harbour, "hastings": hastings, "refuge": refuge_line, "trust": trust}


def due_names(session, app, **filters) -> list[str]:
    gazetteer = app.extensions["indexer"].gazetteer
    return [s.name for s in review_due(session, TODAY, 6, ReviewFilters(**filters), gazetteer)]


def test_the_due_listings_narrow_to_an_organisation_a_district_or_an_unconfirmed_condition(app, session, due):
    assert due_names(session, app) == ["Hastings outreach", "Harbour advice line", "Refuge helpline"]
    assert due_names(session, app, organisation=due["trust"].id) == ["Hastings outreach", "Harbour advice line"]
    # Hastings: its area names the district; Lewes: a place there (Newhaven, BN9), or Sussex-wide.
    assert due_names(session, app, district=HASTINGS) == ["Hastings outreach", "Refuge helpline"]
    assert due_names(session, app, district=LEWES) == ["Harbour advice line", "Refuge helpline"]
    # Free: checked today for the harbour line; long ago for Hastings; not known for the refuge line.
    assert due_names(session, app, condition="free") == ["Hastings outreach", "Refuge helpline"]
    assert due_names(session, app, organisation=due["trust"].id, condition="free") == ["Hastings outreach"]


def test_the_dashboard_filters_come_from_the_address(editor_client, due):
    html = editor_client.get("/staff/review?" + urlencode({"district": HASTINGS, "condition": "free"})
                             ).get_data(as_text=True)

    assert "2 listings due of those chosen" in html
    assert "Hastings outreach" in html and "Refuge helpline" in html and "Harbour advice line" not in html
    assert f'<option value="{HASTINGS}" selected>Hastings</option>' in html
    everything = editor_client.get("/staff/review?district=nowhere&condition=made_up").get_data(as_text=True)
    assert "3 listings due," in everything


def test_each_due_listing_can_be_selected_for_both_bulk_actions(editor_client, due):
    form = page_form(editor_client.get("/staff/review").get_data(as_text=True))

    assert "service" not in form  # nothing ticked until a person ticks it
    html = editor_client.get("/staff/review").get_data(as_text=True)
    for service in due.values():
        if service is not due["trust"]:
            assert f'name="service" type="checkbox" value="{service.id}"' in html
    assert 'action="/staff/review/mark-checked"' in html and 'formaction="/staff/review/confirmation-sheets"' in html


def selection(*services) -> str:
    return urlencode([("service", str(service.id)) for service in services])


def test_marking_unchanged_conditions_asks_first_listing_what_will_be_marked(editor_client, session, due):
    response = editor_client.get(f"/staff/review/mark-checked?{selection(due['harbour'], due['hastings'])}")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    harbour = html[html.index("Harbour advice line"):html.index("Hastings outreach")]
    marked, left = harbour.split("Left as they are")
    assert "Helps people whatever their immigration status: Yes: open to everyone" in marked
    assert "Interpreters available: No" in marked and "Free of charge: Yes" in marked
    assert "Supports people with no recourse to public funds (NRPF): not known" in left
    assert "Yes, mark 2 listings as checked today" in html
    session.expire_all()
    assert due["harbour"].last_verified_on == LONG_AGO  # asking changed nothing


def test_confirming_marks_each_listings_known_answers_checked_today_with_its_history(editor_client, session, due):
    page = editor_client.get(f"/staff/review/mark-checked?{selection(due['harbour'], due['hastings'])}")

    response = editor_client.post("/staff/review/mark-checked", data=page_form(page.get_data(as_text=True)))

    assert response.headers["Location"] == "/staff/review"
    today = date.today()
    harbour = listings.load_service(session, due["harbour"].id)
    session.refresh(harbour)
    assert (harbour.last_verified_on, harbour.last_verified_by) == (today, "Edie Editor")
    assert harbour.immigration_status_checked_on == harbour.interpreters_checked_on == harbour.free_checked_on == today
    assert harbour.nrpf_support_checked_on is None
    assert due["refuge"].last_verified_on == LONG_AGO  # not selected
    notes = session.exec(select(ChangeRecord.entity_name, ChangeRecord.note).where(ChangeRecord.action == "verified")
                         .order_by(ChangeRecord.entity_name)).all()
    assert notes == [("Harbour advice line", "Confirmed with the service: Helps people whatever their immigration "
                                             "status: Yes: open to everyone whatever their status; Interpreters "
                                             "available: No; Free of charge: Yes"),
                     ("Hastings outreach", "Confirmed with the service: Free of charge: Yes")]
    banner = editor_client.get("/staff/review").get_data(as_text=True)
    assert "Marked 2 listings as checked today" in banner


def test_a_listing_changed_after_the_confirmation_page_is_left_alone_and_named(editor_client, session, due):
    page = editor_client.get(f"/staff/review/mark-checked?{selection(due['harbour'], due['hastings'])}")
    due["harbour"].version += 1  # someone else saved it meanwhile
    session.commit()

    editor_client.post("/staff/review/mark-checked", data=page_form(page.get_data(as_text=True)))

    session.expire_all()
    assert due["harbour"].last_verified_on == LONG_AGO and due["hastings"].last_verified_on == date.today()
    banner = editor_client.get("/staff/review").get_data(as_text=True)
    assert "Marked 1 listing as checked today" in banner
    assert "Not marked, as someone changed them after you opened the confirmation: Harbour advice line." in banner


def test_nothing_selected_sends_you_back_to_choose(editor_client, due):
    for path in ("/staff/review/mark-checked", "/staff/review/confirmation-sheets"):
        html = editor_client.get(f"{path}?service=not-an-id").get_data(as_text=True)
        assert "No listings selected" in html and 'href="/staff/review"' in html


def test_confirmation_sheets_show_what_is_published_one_organisation_a_sheet(editor_client, due):
    html = editor_client.get(f"/staff/review/confirmation-sheets?{selection(*(due[k] for k in ('harbour', 'refuge', 'hastings')))}"
                             ).get_data(as_text=True)

    sheets = html.split('<section class="app-sheet"')[1:]
    assert [sheet.count('class="app-sheet__listing"') for sheet in sheets] == [1, 2]
    assert "Refuge Sussex" in sheets[0] and "Sussex Support Trust" in sheets[1]
    assert sheets[1].index("Harbour advice line") < sheets[1].index("Hastings outreach")
    assert "1 Quay Street, Newhaven, BN9 9AA" in sheets[1]
    assert "Secret Road" not in html and "Not published: kept confidential" in sheets[0]
    assert "Yes, whatever your immigration status" in sheets[1]  # the public wording
    assert "Not known: ask the service" in sheets[0]
    assert "please confirm your listings" in sheets[1] and "please confirm your listing</span> Refuge Sussex" in sheets[0]
