"""Editing listings through the real forms: drafts, publishing, validation, conflicts, history, restore."""

import re
from datetime import date

import pytest
from sqlmodel import select

from directory.history import field_changes
from directory.listings import editing as listings
from directory.models import Answer, ChangeRecord, Role, Service, ServiceAtLocation
from search import SearchRequest
from tests.conftest import _app
from tests.factories import NEEDS_TAXONOMY, make_organization, make_service, make_user, page_form, sign_in, term
from tests.pages import ChangeTables, TaskList


def search_ids(app, text: str) -> list[str]:
    return [hit.service_id for hit in app.extensions["indexer"].engine.search(SearchRequest(text=text)).hits]


@pytest.fixture
def listing(session, reindex):
    service = make_service(session, "Harbour advice line", address=("1 Quay Street", "Newhaven", "BN9 9AA"),
                           point=(50.79, 0.05))
    reindex()
    return service


def form_action(html: str) -> str:
    """Where the last form on a page posts to."""
    return re.findall(r'<form method="post" action="([^"]+)"', html)[-1]


def edit_form(client, service_id) -> dict:
    """The long form ("Edit all on one page"), as it opens."""
    response = client.get(f"/staff/services/{service_id}/all")
    assert response.status_code == 200
    return page_form(response.get_data(as_text=True))


def changed(form, **values):
    """A copy of a page's form with some fields set, as a person would fill them in."""
    form = form.copy()
    for key, value in values.items():
        if isinstance(value, list):
            form.setlist(key, value)
        else:
            form[key] = value
    return form


def save(client, service_id, form, button="publish", **values):
    return client.post(f"/staff/services/{service_id}/all", data=changed(form, **values, **{button: "y"}))


def reloaded(session, service_id) -> Service:
    session.expire_all()
    return listings.load_service(session, service_id)


def test_every_sample_listing_survives_the_editor_unchanged(tmp_path):
    """Opening and saving any bundled listing without touching it changes nothing, and its summary finds no errors."""
    app = _app(tmp_path, load_sample=True)
    from sqlmodel import Session
    with Session(app.extensions["database"], expire_on_commit=False) as session:
        client = app.test_client()
        sign_in(client, make_user(session, Role.EDITOR))
        for service_id in session.exec(select(Service.id)).all():
            before = listings.service_snapshot(listings.load_service(session, service_id))
            sections = TaskList(client.get(f"/staff/services/{service_id}").get_data(as_text=True)).rows
            assert [title for title, row in sections.items() if row["status"] == "Has errors"] == [], service_id
            response = save(client, service_id, edit_form(client, service_id))
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]
            after = listings.service_snapshot(reloaded(session, service_id))
            assert field_changes(before, after) == [], service_id
            # Same places, not copies: twelve sample places are shared by several listings.
            assert [p["id"] for p in after["locations"]] == [p["id"] for p in before["locations"]], service_id


def test_a_draft_of_a_published_listing_stays_private_until_published(app, editor_client, session, listing):
    form = edit_form(editor_client, listing.id)
    response = save(editor_client, listing.id, form, button="save_draft", name="Harbour helpline")
    assert response.status_code == 302
    assert "Harbour advice line" in editor_client.get(f"/services/{listing.id}").get_data(as_text=True)
    assert app.test_client().get(f"/services/{listing.id}").get_data(as_text=True).count("Harbour helpline") == 0
    assert search_ids(app, "helpline") == []
    assert reloaded(session, listing.id).draft["service"]["name"] == "Harbour helpline"

    # The editor reopens the draft, not the live listing.
    assert edit_form(editor_client, listing.id)["name"] == "Harbour helpline"
    version = reloaded(session, listing.id).version
    editor_client.post(f"/staff/services/{listing.id}/publish",
                       data={"csrf_token": form["csrf_token"], "version": version})
    service = reloaded(session, listing.id)
    assert (service.name, service.draft) == ("Harbour helpline", None)
    assert "Harbour helpline" in app.test_client().get(f"/services/{listing.id}").get_data(as_text=True)
    assert search_ids(app, "helpline") == [str(listing.id)]


def test_a_new_listing_saved_as_a_draft_is_not_public_until_published(app, editor_client, session):
    organisation = make_organization(session, "Downs Trust")
    session.commit()
    form = changed(page_form(editor_client.get("/staff/services/new").get_data(as_text=True)),
                   organization_id=str(organisation.id), name="Downs night line",
                   description="Support through the night.", self_referral="yes", save_draft="y",
                   **{"phones-0-number": "0808 2000 247"})
    response = editor_client.post("/staff/services/new", data=form)
    assert response.status_code == 302
    service = session.exec(select(Service).where(Service.name == "Downs night line")).one()
    assert not service.published
    assert service.self_referral == Answer.YES and service.self_referral_checked_on == date.today()
    assert app.test_client().get(f"/services/{service.id}").status_code == 404
    assert search_ids(app, "downs") == []

    form = edit_form(editor_client, service.id)
    editor_client.post(f"/staff/services/{service.id}/publish",
                       data={"csrf_token": form["csrf_token"], "version": form["version"]})
    assert app.test_client().get(f"/services/{service.id}").status_code == 200
    assert search_ids(app, "downs") == [str(service.id)]


def test_unpublishing_takes_a_listing_off_the_public_site_and_the_api(app, editor_client, session, listing):
    form = edit_form(editor_client, listing.id)
    editor_client.post(f"/staff/services/{listing.id}/unpublish",
                       data={"csrf_token": form["csrf_token"], "version": form["version"]})
    public = app.test_client()
    assert public.get(f"/services/{listing.id}").status_code == 404
    assert public.get(f"/api/services/{listing.id}").status_code == 404
    assert search_ids(app, "harbour") == []


def test_verifying_records_who_and_when(editor_client, session, listing):
    form = edit_form(editor_client, listing.id)
    editor_client.post(f"/staff/services/{listing.id}/verify",
                       data={"csrf_token": form["csrf_token"], "version": form["version"]})
    service = reloaded(session, listing.id)
    assert (service.last_verified_on, service.last_verified_by) == (date.today(), "Edie Editor")
    change = session.exec(select(ChangeRecord).where(ChangeRecord.entity_id == listing.id)).one()
    assert change.action == "verified" and change.user_name == "Edie Editor"
    assert [c.field for c in field_changes(change.before, change.after)] == ["Service: last verified on",
                                                                            "Service: last verified by"]


@pytest.mark.parametrize("field,value,message", [
    ("phones-0-number", "12345", "Enter a phone number that exists"),
    ("phones-0-number", "call us", "Enter a phone number"),
    ("email", "help@", "Enter an email address in the correct format"),
    ("url", "harbour dot org", "Enter a web address"),
    # The same values, refused with the same words, as an import refuses them (test_import_checks.py).
    ("email", "help@example.org?bcc=someone@elsewhere.example", "Enter an email address in the correct format"),
    ("url", "javascript:alert(document.domain)", "Enter a web address, like https://example.org"),
    ("url", "https://victimsupport.example.org@evil.example/", "Enter a web address, like https://example.org"),
    ("languages-0-code", "english", "Enter a 2 or 3 letter code, like pl"),
    ("contacts-0-email", "team@example.org?subject=Help&bcc=a@evil.example",
     "Enter an email address in the correct format"),
    ("locations-0-postal_code", "BN99", "Enter a full UK postcode"),
    ("minimum_age", "130", "Enter an age from 0 to 120"),
    ("name", "", "Enter the service name"),
])
def test_mistakes_get_field_level_messages_and_nothing_is_saved(editor_client, session, listing, field, value,
                                                               message):
    response = save(editor_client, listing.id, edit_form(editor_client, listing.id), **{field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in page and message in page
    assert reloaded(session, listing.id).version == 1


def test_ages_and_opening_hours_must_make_sense(editor_client, session, listing):
    form = edit_form(editor_client, listing.id)
    response = save(editor_client, listing.id, form, minimum_age="18", maximum_age="16",
                    **{"schedules-0-byday": "MO", "schedules-0-opens_at": "17:00", "schedules-0-closes_at": "09:00"})
    page = response.get_data(as_text=True)
    assert "The oldest age must be the same as or more than the youngest age" in page
    assert "Closing time must be after the opening time" in page


@pytest.mark.parametrize("number", ["116 123", "999", "111", "0808 2000 247", "+44 1273 960000"])
def test_short_and_national_numbers_are_accepted(editor_client, session, listing, number):
    response = save(editor_client, listing.id, edit_form(editor_client, listing.id), **{"phones-0-number": number})
    assert response.status_code == 302
    assert [p.number for p in reloaded(session, listing.id).phones] == [number]


def test_add_another_adds_an_entry_without_saving(editor_client, session, listing):
    form = edit_form(editor_client, listing.id)
    blanks = sum(1 for key in form if key.startswith("phones-") and key.endswith("-number"))
    response = editor_client.post(f"/staff/services/{listing.id}/all", data=changed(form, add_phones="y"))
    again = page_form(response.get_data(as_text=True))
    assert sum(1 for key in again if key.startswith("phones-") and key.endswith("-number")) == blanks + 1
    assert reloaded(session, listing.id).version == 1


def test_parts_are_added_and_removed(editor_client, session, listing):
    form = changed(edit_form(editor_client, listing.id), **{
        "phones-1-number": "0808 2000 247", "phones-1-description": "Freephone", "phones-0-remove": "y",
        "languages-1-name": "Polish", "languages-1-code": "pl", "schedules-0-byday": ["MO", "TU"],
        "schedules-0-opens_at": "09:00", "schedules-0-closes_at": "17:00"})
    assert save(editor_client, listing.id, form).status_code == 302
    service = reloaded(session, listing.id)
    assert [(p.number, p.description) for p in service.phones] == [("0808 2000 247", "Freephone")]
    assert sorted(language.code for language in service.languages) == ["en", "pl"]
    assert [(s.byday, s.opens_at, s.closes_at) for s in service.schedules] == [("MO,TU", "09:00", "17:00")]


def test_a_changed_postcode_moves_the_place(editor_client, session, listing):
    form = edit_form(editor_client, listing.id)
    save(editor_client, listing.id, form, **{"locations-0-postal_code": "rh10 1aa", "locations-0-city": "Crawley"})
    location = reloaded(session, listing.id).service_at_locations[0].location
    assert location.addresses[0].postal_code == "RH10 1AA"
    assert location.latitude > 51.0  # Crawley is north of Newhaven


def test_the_second_person_to_save_is_told_and_sees_both_versions(app, session, listing):
    first, second = app.test_client(), app.test_client()
    sign_in(first, make_user(session, Role.EDITOR, email="ann@example.org", name="Ann"))
    sign_in(second, make_user(session, Role.EDITOR, email="bob@example.org", name="Bob"))
    form_ann, form_bob = edit_form(first, listing.id), edit_form(second, listing.id)
    assert save(first, listing.id, form_ann, description="Ann's description").status_code == 302

    response = save(second, listing.id, form_bob, description="Bob's description")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This listing changed while you were editing it" in page and "Ann" in page
    assert "Ann&#39;s description" in page and "Bob&#39;s description" in page
    assert reloaded(session, listing.id).description == "Ann's description"

    # Saving again from the conflict page is a deliberate choice, and it now wins.
    assert save(second, listing.id, page_form(page), description="Bob's description").status_code == 302
    assert reloaded(session, listing.id).description == "Bob's description"


def test_a_stale_publish_button_changes_nothing(app, editor_client, session, listing):
    form = edit_form(editor_client, listing.id)
    save(editor_client, listing.id, form, name="Harbour line")
    editor_client.post(f"/staff/services/{listing.id}/unpublish",
                       data={"csrf_token": form["csrf_token"], "version": form["version"]})
    assert reloaded(session, listing.id).published


def test_history_shows_each_change_field_by_field_and_restores_an_earlier_version(app, editor_client, session,
                                                                                 listing):
    save(editor_client, listing.id, edit_form(editor_client, listing.id), name="Harbour line",
         **{"phones-0-number": "0808 2000 247"})
    save(editor_client, listing.id, edit_form(editor_client, listing.id), name="Quayside line")
    page = editor_client.get(f"/staff/services/{listing.id}/history").get_data(as_text=True)
    newest, first = ChangeTables(page).changes
    assert newest == [("Service name", "Harbour line", "Quayside line")]
    assert first == [("Service name", "Harbour advice line", "Harbour line"),
                     ("Phone number 01632 960001: Number", "01632 960001", "0808 2000 247")]
    assert "Edie Editor" in page

    changes = session.exec(select(ChangeRecord).where(ChangeRecord.entity_id == listing.id)
                           .order_by(ChangeRecord.id)).all()
    form = page_form(page, index=1)  # the first restore button is for the oldest change after the newest
    restore_first = f"/staff/services/{listing.id}/history/{changes[0].id}/restore"
    response = editor_client.post(restore_first, data={"csrf_token": form["csrf_token"], "version": form["version"]})
    assert response.status_code == 302
    service = reloaded(session, listing.id)
    assert (service.name, [p.number for p in service.phones]) == ("Harbour line", ["0808 2000 247"])
    latest = session.exec(select(ChangeRecord).order_by(ChangeRecord.id.desc())).first()
    assert latest.action == "restored" and "Edie Editor" == latest.user_name
    assert search_ids(app, "harbour") == [str(listing.id)] and search_ids(app, "quayside") == []


def test_a_failed_index_update_keeps_the_change_and_is_retried(app, editor_client, session, listing, monkeypatch):
    indexer = app.extensions["indexer"]
    working_apply = indexer.engine.index.apply
    tries = []

    def locked(*_changes):
        tries.append(1)
        raise OSError("index is locked")

    monkeypatch.setattr(indexer.engine.index, "apply", locked)
    response = save(editor_client, listing.id, edit_form(editor_client, listing.id), name="Harbour helpline")
    assert response.status_code == 302
    assert reloaded(session, listing.id).name == "Harbour helpline"
    assert len(tries) == 3 and indexer.is_behind(session)  # the change waits in the log

    monkeypatch.setattr(indexer.engine.index, "apply", working_apply)
    assert "Harbour helpline" in app.test_client().get("/search?q=helpline").get_data(as_text=True)
    assert not indexer.is_behind(session)


def test_professional_details_are_saved_but_never_public(app, editor_client, session, listing):
    save(editor_client, listing.id, edit_form(editor_client, listing.id), referral_line="01273 960123",
         secure_email="referrals@harbour.cjsm.net", referral_criteria="Police referrals need a crime number.")
    service = reloaded(session, listing.id)
    assert service.secure_email == "referrals@harbour.cjsm.net"
    public = app.test_client()
    for path in (f"/services/{listing.id}", f"/api/services/{listing.id}", "/api/services?search=harbour"):
        body = public.get(path).get_data(as_text=True)
        assert "cjsm.net" not in body and "960123" not in body and "crime number" not in body, path


def test_the_version_before_the_first_recorded_change_can_be_restored(app, editor_client, session, listing):
    save(editor_client, listing.id, edit_form(editor_client, listing.id), name="Harbour line")
    page = editor_client.get(f"/staff/services/{listing.id}/history").get_data(as_text=True)
    assert "Restore the version before this change" in page
    form = page_form(page)
    assert form["side"] == "before"
    response = editor_client.post(form_action(page), data=form)
    assert response.status_code == 302
    assert reloaded(session, listing.id).name == "Harbour advice line"


def test_publishing_a_draft_records_what_changed_on_the_public_listing(editor_client, session, listing):
    form = edit_form(editor_client, listing.id)
    save(editor_client, listing.id, form, button="save_draft", name="Harbour helpline")
    version = reloaded(session, listing.id).version
    editor_client.post(f"/staff/services/{listing.id}/publish", data={"csrf_token": form["csrf_token"],
                                                                      "version": version})
    published = session.exec(select(ChangeRecord).where(ChangeRecord.action == "published")).one()
    assert [(c.field, c.before, c.after) for c in field_changes(published.before, published.after)
            if c.field == "Service: name"] == [("Service: name", "Harbour advice line", "Harbour helpline")]


def test_a_place_two_listings_share_is_copied_not_changed_under_the_other(app, editor_client, session, listing):
    other = make_service(session, "Harbour drop-in", organization=session.get(Service, listing.id).organization)
    shared = session.get(Service, listing.id).service_at_locations[0].location_id
    session.add(ServiceAtLocation(service_id=other.id, location_id=shared))
    session.commit()

    assert save(editor_client, listing.id, edit_form(editor_client, listing.id)).status_code == 302
    assert reloaded(session, listing.id).service_at_locations[0].location_id == shared  # unchanged: still shared

    save(editor_client, listing.id, edit_form(editor_client, listing.id), **{"locations-0-postal_code": "RH10 1AA"})
    moved = reloaded(session, listing.id).service_at_locations[0].location
    assert moved.id != shared and moved.addresses[0].postal_code == "RH10 1AA"
    untouched = reloaded(session, other.id).service_at_locations[0].location
    assert untouched.id == shared and untouched.addresses[0].postal_code == "BN9 9AA"


def test_crafted_ids_and_versions_get_a_form_error_not_a_crash(app, editor_client, session, listing):
    other = make_service(session, "Harbour drop-in")
    session.commit()
    form = edit_form(editor_client, listing.id)
    assert save(editor_client, listing.id, form, version="abc").status_code == 200
    assert save(editor_client, listing.id, form, **{"phones-0-id": "not-an-id"}).status_code == 200
    del form["version"]
    assert save(editor_client, listing.id, form).status_code == 200
    form = edit_form(editor_client, listing.id)
    response = save(editor_client, listing.id, form, **{"phones-0-id": str(other.phones[0].id)})
    assert response.status_code == 302
    assert [p.number for p in reloaded(session, other.id).phones] == ["01632 960001"]


def test_a_draft_older_than_an_import_is_not_published_over_it(app, editor_client, session, listing):
    form = edit_form(editor_client, listing.id)
    save(editor_client, listing.id, form, button="save_draft", name="Harbour helpline")
    service = reloaded(session, listing.id)
    service.description = "Imported: now open on Saturdays."  # what an import does to the live listing
    service.version += 1
    session.commit()
    response = editor_client.post(f"/staff/services/{listing.id}/publish",
                                  data={"csrf_token": form["csrf_token"], "version": service.version})
    assert response.status_code == 302
    assert reloaded(session, listing.id).description == "Imported: now open on Saturdays."
    page = editor_client.get(f"/staff/services/{listing.id}").get_data(as_text=True)
    assert "The public listing has changed since this draft was saved" in page


def history_changes(client, service_id) -> list[list[tuple[str, ...]]]:
    return ChangeTables(client.get(f"/staff/services/{service_id}/history").get_data(as_text=True)).changes


def test_history_names_organisations_terms_and_answers_as_the_editor_shows_them(editor_client, session, listing):
    downs = make_organization(session, "Downs Trust")
    term(session, NEEDS_TAXONOMY, "stalking", "Stalking")
    session.commit()
    response = save(editor_client, listing.id, edit_form(editor_client, listing.id), organization_id=str(downs.id),
                    needs=["stalking"], immigration_status="open_to_all", status="temporarily closed")
    assert response.status_code == 302
    [change] = history_changes(editor_client, listing.id)
    assert change == [
        ("Organisation", "Sussex Support Trust", "Downs Trust"),
        ("Status", "Active", "Temporarily closed"),
        ("Helps people whatever their immigration status", "Not known", "Yes: open to everyone whatever their status"),
        ("Helps people whatever their immigration status: checked on", "(empty)", date.today().strftime("%-d %B %Y")),
        ("Needs it helps with", "Removed: Support after any crime", "Added: Stalking"),
    ]


def test_history_of_a_list_shows_only_the_entries_that_changed(editor_client, session, listing):
    save(editor_client, listing.id, edit_form(editor_client, listing.id),
         **{"phones-1-number": "0808 2000 247", "phones-1-description": "Freephone"})
    save(editor_client, listing.id, edit_form(editor_client, listing.id),
         **{"phones-0-remove": "y", "phones-1-description": "Free from mobiles too",
            "schedules-0-byday": ["MO", "WE"], "schedules-0-opens_at": "09:00", "schedules-0-closes_at": "17:00"})
    newest, first = history_changes(editor_client, listing.id)
    assert first == [("Phone number", "", "Added: 0808 2000 247, Freephone")]
    assert newest == [
        ("Phone number 0808 2000 247: What it is for", "Freephone", "Free from mobiles too"),
        ("Phone number", "Removed: 01632 960001", ""),
        ("Set of hours", "", "Added: Monday, Wednesday, 09:00, 17:00"),
    ]


def test_history_of_a_place_names_the_place_and_the_field(editor_client, session, listing):
    save(editor_client, listing.id, edit_form(editor_client, listing.id),
         **{"locations-0-name": "Harbour House", "locations-0-postal_code": "BN9 0AA"})
    [change] = history_changes(editor_client, listing.id)
    assert ("Place Harbour advice line: Place name", "Harbour advice line", "Harbour House") in change
    assert ("Place Harbour advice line: Postcode", "BN9 9AA", "BN9 0AA") in change
