"""Editing a listing a section at a time: the summary, each section's short form, drafts and publishing from it."""

from datetime import date

import pytest
from sqlmodel import select
from wtforms.fields.core import UnboundField

from directory.listings import editing as listings
from directory.listings.review import months_before
from directory.models import Answer, ChangeRecord, ImmigrationStatus, Role, Service
from directory.web.staff.listing_forms import ServiceForm
from directory.web.staff.listing_sections import SECTIONS
from tests.factories import make_service, make_user, page_form, sign_in
from tests.pages import ChangeTables, SummaryRows, TaskList

OVERDUE = months_before(date.today(), 7)  # checked longer ago than the review period (6 months)


@pytest.fixture
def listing(session, reindex):
    service = make_service(session, "Harbour advice line", address=("1 Quay Street", "Newhaven", "BN9 9AA"),
                           point=(50.79, 0.05), immigration_status=ImmigrationStatus.OPEN_TO_ALL,
                           immigration_status_checked_on=OVERDUE, nrpf_support=Answer.YES,
                           nrpf_support_checked_on=date.today(), no_id_needed=Answer.NO,
                           self_referral=Answer.YES, self_referral_checked_on=date.today())
    reindex()
    return service


def summary(client, service_id) -> dict[str, dict]:
    response = client.get(f"/staff/services/{service_id}")
    assert response.status_code == 200
    return TaskList(response.get_data(as_text=True)).rows


def section_page(client, service_id, slug: str):
    return client.get(f"/staff/services/{service_id}/sections/{slug}")


def save_section(client, service_id, slug: str, **values):
    """Open a section, change some fields as a person would, and press Save."""
    form = page_form(section_page(client, service_id, slug).get_data(as_text=True))
    for key, value in values.items():
        form.setlist(key, value) if isinstance(value, list) else form.__setitem__(key, value)
    return client.post(f"/staff/services/{service_id}/sections/{slug}", data={**form.to_dict(flat=False), "save": "y"})


def reloaded(session, service_id) -> Service:
    session.expire_all()
    return listings.load_service(session, service_id)


def test_every_field_of_the_long_form_is_in_exactly_one_section():
    buttons = {"version", "save_draft", "publish"}
    fields = {name for name, value in vars(ServiceForm).items() if isinstance(value, UnboundField)} - buttons
    in_sections = [name for section in SECTIONS for name in section.field_names - buttons
                   if not name.startswith("add_") or name in fields]
    assert sorted(in_sections) == sorted(fields)


def test_the_summary_shows_each_section_with_how_it_stands_and_a_link_to_change_it(editor_client, listing):
    rows = summary(editor_client, listing.id)
    assert list(rows) == [section.title for section in SECTIONS]
    assert rows["About the service"] == {"title": "About the service", "hint": None, "status": "Completed",
                                         "href": f"/staff/services/{listing.id}/sections/about"}
    # Immigration status checked seven months ago; "No ID needed" answered but never dated; NRPF checked today.
    who = rows["Who it is for"]
    assert (who["status"], who["tag"], who["hint"]) == ("2 not checked for over 6 months", "govuk-tag--yellow",
                                                        "5 not known")
    assert (rows["How to get help"]["status"], rows["How to get help"]["hint"]) == ("Completed", "5 not known")
    answers = SummaryRows(editor_client.get(f"/staff/services/{listing.id}").get_data(as_text=True)).rows
    assert answers["Helps people whatever their immigration status"] == [
        "Yes: open to everyone whatever their status", f"Checked on {OVERDUE.day} {OVERDUE:%B %Y}",
        "Due to be checked again"]
    assert answers["No ID or proof of address needed"] == ["No", "Due to be checked again"]
    assert answers["Supports people with no recourse to public funds (NRPF)"][-1].startswith("Checked on")
    page = editor_client.get(f"/staff/services/{listing.id}").get_data(as_text=True)
    assert f'href="/staff/services/{listing.id}/all"' in page and "Edit all on one page" in page


def test_a_saved_value_the_editor_would_refuse_marks_its_section_and_shows_on_opening_it(editor_client, session,
                                                                                        listing):
    service = session.get(Service, listing.id)
    service.url = "javascript:alert(document.domain)"  # stored before the editor checked web addresses
    session.commit()
    rows = summary(editor_client, listing.id)
    assert (rows["Contact details"]["status"], rows["Contact details"]["tag"]) == ("Has errors", "govuk-tag--red")
    assert rows["About the service"]["status"] == "Completed"
    page = section_page(editor_client, listing.id, "contact").get_data(as_text=True)
    assert "govuk-error-summary" in page and "Enter a web address, like https://example.org" in page


def test_a_section_saves_into_the_draft_and_publishing_from_the_summary_makes_it_public(app, editor_client, session,
                                                                                       listing):
    response = save_section(editor_client, listing.id, "contact", **{"phones-1-number": "0808 2000 247",
                                                                      "phones-1-description": "Freephone"})
    assert response.status_code == 302 and response.headers["Location"] == f"/staff/services/{listing.id}"
    banner = editor_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Draft saved. The public listing has not changed" in banner
    assert "0808 2000 247" not in app.test_client().get(f"/services/{listing.id}").get_data(as_text=True)
    assert [p["number"] for p in reloaded(session, listing.id).draft["phones"]] == ["01632 960001", "0808 2000 247"]

    # Another section saved into the same draft keeps the first one's change.
    assert save_section(editor_client, listing.id, "about", name="Harbour helpline").status_code == 302
    draft = reloaded(session, listing.id).draft
    assert (draft["service"]["name"], len(draft["phones"])) == ("Harbour helpline", 2)

    version = reloaded(session, listing.id).version
    page = editor_client.get(f"/staff/services/{listing.id}").get_data(as_text=True)
    assert "Publish the draft" in page
    editor_client.post(f"/staff/services/{listing.id}/publish",
                       data={"csrf_token": page_form(page, 0)["csrf_token"], "version": version})
    public = app.test_client().get(f"/services/{listing.id}").get_data(as_text=True)
    assert "Harbour helpline" in public and "0808 2000 247" in public


def test_each_section_save_is_in_the_history_with_only_its_change(editor_client, session, listing):
    save_section(editor_client, listing.id, "keeping-contact-safe", sends_texts="no")
    history = editor_client.get(f"/staff/services/{listing.id}/history").get_data(as_text=True)
    [change] = ChangeTables(history).changes
    assert change == [("Sends text messages", "Not known", "No"),
                      ("Sends text messages: checked on", "(empty)", date.today().strftime("%-d %B %Y"))]
    assert session.exec(select(ChangeRecord.action, ChangeRecord.user_name)
                        .where(ChangeRecord.entity_id == listing.id)).all() == [("draft saved", "Edie Editor")]


def test_a_section_refuses_what_the_long_form_refuses_and_saves_nothing(editor_client, session, listing):
    response = save_section(editor_client, listing.id, "contact", **{"phones-0-number": "12345"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "Enter a phone number that exists" in page
    assert reloaded(session, listing.id).version == 1


def test_a_section_saved_unchanged_records_nothing(editor_client, session, listing):
    response = save_section(editor_client, listing.id, "where-and-when")
    assert response.status_code == 302
    assert "Nothing was changed." in editor_client.get(response.headers["Location"]).get_data(as_text=True)
    service = reloaded(session, listing.id)
    assert (service.version, service.draft) == (1, None)
    assert session.exec(select(ChangeRecord).where(ChangeRecord.entity_id == listing.id)).all() == []


def test_add_another_in_a_section_adds_an_entry_without_saving(editor_client, session, listing):
    form = page_form(section_page(editor_client, listing.id, "languages").get_data(as_text=True))
    response = editor_client.post(f"/staff/services/{listing.id}/sections/languages",
                                  data={**form.to_dict(flat=False), "add_languages": "y"})
    again = page_form(response.get_data(as_text=True))
    assert sum(1 for key in again if key.endswith("-code")) == sum(1 for key in form if key.endswith("-code")) + 1
    assert reloaded(session, listing.id).version == 1


def test_the_second_person_to_save_a_section_sees_both_versions(app, session, listing):
    first, second = app.test_client(), app.test_client()
    sign_in(first, make_user(session, Role.EDITOR, email="ann@example.org", name="Ann"))
    sign_in(second, make_user(session, Role.EDITOR, email="bob@example.org", name="Bob"))
    form_bob = page_form(section_page(second, listing.id, "about").get_data(as_text=True))
    assert save_section(first, listing.id, "about", description="Ann's description").status_code == 302
    form_bob["description"] = "Bob's description"
    response = second.post(f"/staff/services/{listing.id}/sections/about",
                           data={**form_bob.to_dict(flat=False), "save": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This listing changed while you were editing it" in page
    assert ("Description", "Ann's description", "Bob's description") in ChangeTables(page).changes[0]


def test_an_unpublished_listing_saves_a_section_straight_into_the_listing(editor_client, session, reindex):
    service = make_service(session, "Downs night line", published=False)
    reindex()
    response = save_section(editor_client, service.id, "about", name="Downs nightline")
    assert "Changes saved. The listing is not public" in editor_client.get(response.headers["Location"]).get_data(
        as_text=True)
    service = reloaded(session, service.id)
    assert (service.name, service.draft, service.published) == ("Downs nightline", None, False)


def test_an_unknown_section_is_not_found(editor_client, listing):
    assert section_page(editor_client, listing.id, "everything").status_code == 404
