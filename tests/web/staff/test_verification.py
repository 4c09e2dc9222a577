"""Marking one listing as verified (which conditions were confirmed, by whom) and confirming before unpublishing."""

import re
from datetime import date

import pytest
from sqlmodel import select

from directory.history import field_changes
from directory.listings import editing as listings
from directory.models import Answer, ChangeRecord, ImmigrationStatus
from tests.factories import make_service, page_form

CHECKED_LAST_YEAR = date(2025, 3, 4)


@pytest.fixture
def listing(session, reindex):
    service = make_service(session, "Harbour advice line", immigration_status=ImmigrationStatus.OPEN_TO_ALL,
                           immigration_status_checked_on=CHECKED_LAST_YEAR, free=Answer.YES,
                           free_checked_on=CHECKED_LAST_YEAR, interpreters=Answer.NO,
                           interpreters_checked_on=CHECKED_LAST_YEAR, last_verified_on=CHECKED_LAST_YEAR,
                           last_verified_by="Sam Checker")
    reindex()
    return service


def reloaded(session, service_id):
    session.expire_all()
    return listings.load_service(session, service_id)


def checkboxes(html: str) -> dict[str, str]:
    """Each condition's checkbox on the verify page: its value → its hint (current answer, last checked)."""
    found = {}
    for value, hint in re.findall(r'name="conditions" type="checkbox" value="([a-z_]+)".*?'
                                  r'class="govuk-hint govuk-checkboxes__hint">([^<]+)<', html, re.S):
        found[value] = hint
    return found


def verify(client, service_id, conditions: list[str]):
    form = page_form(client.get(f"/staff/services/{service_id}/verify").get_data(as_text=True))
    form.setlist("conditions", conditions)
    return client.post(f"/staff/services/{service_id}/verify", data=form)


def test_the_verify_page_offers_each_known_answer_with_its_value_and_last_check(editor_client, listing):
    html = editor_client.get(f"/staff/services/{listing.id}/verify").get_data(as_text=True)

    offered = checkboxes(html)
    assert offered == {
        "immigration_status": "Now: Yes: open to everyone whatever their status. Last checked: 4 March 2025.",
        "interpreters": "Now: No. Last checked: 4 March 2025.",
        "free": "Now: Yes. Last checked: 4 March 2025.",
    }
    not_known = html[html.index("Not known, so nothing to confirm"):]
    assert "Supports people with no recourse to public funds (NRPF)" in not_known
    assert "Last verified: 4 March 2025 by Sam Checker" in html


def test_verifying_dates_only_the_conditions_ticked_and_the_history_says_which_and_who(editor_client, session,
                                                                                      listing):
    response = verify(editor_client, listing.id, ["immigration_status", "free"])

    assert response.status_code == 302
    service = reloaded(session, listing.id)
    today = date.today()
    assert (service.last_verified_on, service.last_verified_by) == (today, "Edie Editor")
    assert (service.immigration_status_checked_on, service.free_checked_on) == (today, today)
    assert service.interpreters_checked_on == CHECKED_LAST_YEAR  # not ticked: its old date stays
    assert service.nrpf_support_checked_on is None  # not known: never dated
    change = session.exec(select(ChangeRecord).where(ChangeRecord.entity_id == listing.id)).one()
    assert (change.action, change.user_name) == ("verified", "Edie Editor")
    assert change.note == ("Confirmed with the service: Helps people whatever their immigration status: "
                           "Yes: open to everyone whatever their status; Free of charge: Yes")
    assert [c.field for c in field_changes(change.before, change.after)] == [
        "Service: last verified on", "Service: last verified by", "Service: immigration status checked on",
        "Service: free checked on"]
    banner = editor_client.get(f"/staff/services/{listing.id}").get_data(as_text=True)
    assert "Marked as verified today, with 2 access conditions confirmed." in banner


def test_an_answer_not_known_cannot_be_confirmed(editor_client, session, listing):
    response = verify(editor_client, listing.id, ["nrpf_support"])

    assert response.status_code == 200
    assert "is not a valid choice" in response.get_data(as_text=True)
    service = reloaded(session, listing.id)
    assert service.nrpf_support_checked_on is None and service.last_verified_on == CHECKED_LAST_YEAR


def test_verifying_a_listing_with_a_draft_keeps_the_draft_publishable_and_the_new_dates(app, editor_client, session,
                                                                                       listing):
    form = page_form(editor_client.get(f"/staff/services/{listing.id}/all").get_data(as_text=True))
    form["name"], form["interpreters"], form["save_draft"] = "Harbour advice", "yes", "y"
    editor_client.post(f"/staff/services/{listing.id}/all", data=form)
    assert reloaded(session, listing.id).draft is not None

    page = editor_client.get(f"/staff/services/{listing.id}/verify").get_data(as_text=True)
    assert "interpreters" not in checkboxes(page)  # the draft changes it
    assert "Interpreters available" in page[page.index("Changed in the unpublished draft"):]
    verify(editor_client, listing.id, ["free"])

    service = reloaded(session, listing.id)
    assert not listings.draft_is_outdated(service)
    assert service.draft["service"]["free_checked_on"] == date.today().isoformat()
    form = page_form(editor_client.get(f"/staff/services/{listing.id}").get_data(as_text=True))
    editor_client.post(f"/staff/services/{listing.id}/publish",
                       data={"csrf_token": form["csrf_token"], "version": form["version"]})
    published = reloaded(session, listing.id)
    assert (published.name, published.draft) == ("Harbour advice", None)
    assert published.free_checked_on == date.today()  # publishing the draft did not turn the clock back


def test_the_listing_page_asks_before_unpublishing_and_says_what_the_public_will_see(app, editor_client, session,
                                                                                    listing):
    editor = editor_client.get(f"/staff/services/{listing.id}").get_data(as_text=True)
    assert f'action="/staff/services/{listing.id}/unpublish"' not in editor
    assert f'href="/staff/services/{listing.id}/unpublish"' in editor

    confirm = editor_client.get(f"/staff/services/{listing.id}/unpublish")
    html = confirm.get_data(as_text=True)
    assert "Are you sure you want to unpublish Harbour advice line?" in html
    assert "its page will say \"Page not found\"" in html and "it leaves the search results" in html
    assert reloaded(session, listing.id).published  # asking changed nothing
    assert app.test_client().get(f"/services/{listing.id}").status_code == 200

    editor_client.post(f"/staff/services/{listing.id}/unpublish", data=page_form(html))
    assert not reloaded(session, listing.id).published
    assert app.test_client().get(f"/services/{listing.id}").status_code == 404


def test_asking_to_unpublish_a_listing_that_is_not_published_says_so(editor_client, session):
    hidden = make_service(session, "Quiet draft", published=False)
    session.commit()

    html = editor_client.get(f"/staff/services/{hidden.id}/unpublish").get_data(as_text=True)

    assert "Quiet draft is not published" in html and "Yes, unpublish it" not in html
