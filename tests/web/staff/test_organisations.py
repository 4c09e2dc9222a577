"""Organisations and taxonomy terms: editing with history and optimistic locking."""

from sqlmodel import select

from directory.listings.queries import NEEDS_TAXONOMY
from directory.models import ChangeRecord, Organization, Role, TaxonomyTerm
from search import SearchRequest
from tests.factories import make_service, make_user, page_form, sign_in, term


def signed_in(app, session, email="editor@example.org", name="Test editor"):
    client = app.test_client()
    sign_in(client, make_user(session, Role.EDITOR, email=email, name=name))
    return client


def test_an_organisation_is_renamed_and_its_listings_are_found_by_the_new_name(app, session, reindex):
    service = make_service(session, "Night line")
    reindex()
    client = signed_in(app, session)
    path = f"/staff/organisations/{service.organization_id}"
    form = page_form(client.get(path).get_data(as_text=True))
    form["name"] = "Weald Women's Aid"
    assert client.post(path, data=form).status_code == 302
    session.expire_all()
    assert session.get(Organization, service.organization_id).name == "Weald Women's Aid"
    hits = app.extensions["indexer"].engine.search(SearchRequest(text="weald")).hits
    assert [hit.service_id for hit in hits] == [str(service.id)]
    change = session.exec(select(ChangeRecord).where(ChangeRecord.entity_type == "organization")).one()
    assert (change.before["name"], change.after["name"]) == ("Sussex Support Trust", "Weald Women's Aid")
    assert "Weald Women&#39;s Aid" in client.get(f"{path}/history").get_data(as_text=True)


def test_a_new_organisation_needs_a_name_and_a_valid_website(app, session):
    client = signed_in(app, session)
    form = page_form(client.get("/staff/organisations/new").get_data(as_text=True))
    form["website"] = "not a website"
    page = client.post("/staff/organisations/new", data=form).get_data(as_text=True)
    assert "Enter the organisation&#39;s name" in page and "Enter a web address" in page
    form["name"], form["description"], form["website"] = "Downs Trust", "Helps people.", "https://example.org"
    assert client.post("/staff/organisations/new", data=form).status_code == 302
    assert session.exec(select(Organization).where(Organization.name == "Downs Trust")).one().version == 1


def test_two_editors_saving_one_organisation(app, session):
    organisation = make_service(session, "Night line").organization
    session.commit()
    ann, bob = signed_in(app, session, "ann@example.org", "Ann"), signed_in(app, session, "bob@example.org", "Bob")
    path = f"/staff/organisations/{organisation.id}"
    form_ann, form_bob = page_form(ann.get(path).get_data(as_text=True)), page_form(bob.get(path).get_data(as_text=True))
    form_ann["description"], form_bob["description"] = "Ann wrote this.", "Bob wrote this."
    assert ann.post(path, data=form_ann).status_code == 302
    response = bob.post(path, data=form_bob)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Ann wrote this." in page and "Bob wrote this." in page
    session.expire_all()
    assert session.get(Organization, organisation.id).description == "Ann wrote this."


def test_a_need_is_added_renamed_and_its_code_kept(app, session, reindex):
    term(session, NEEDS_TAXONOMY, "stalking", "Stalking")
    reindex()
    client = signed_in(app, session)
    form = page_form(client.get("/staff/terms/new").get_data(as_text=True))
    taxonomy_id = session.exec(select(TaxonomyTerm)).one().taxonomy_id
    form["taxonomy"], form["name"], form["description"] = str(taxonomy_id), "Forced marriage", "Being made to marry."
    form["code"] = "Forced Marriage"
    assert "Use lower-case letters" in client.post("/staff/terms/new", data=form).get_data(as_text=True)
    form["code"] = "stalking"
    assert "already in this list" in client.post("/staff/terms/new", data=form).get_data(as_text=True)
    form["code"] = "forced-marriage"
    assert client.post("/staff/terms/new", data=form).status_code == 302
    created = session.exec(select(TaxonomyTerm).where(TaxonomyTerm.code == "forced-marriage")).one()

    path = f"/staff/terms/{created.id}"
    form = page_form(client.get(path).get_data(as_text=True))
    assert "code" not in form
    form["name"] = "Forced marriage and honour-based abuse"
    client.post(path, data={**form, "code": "hacked"})
    session.expire_all()
    created = session.get(TaxonomyTerm, created.id)
    assert (created.code, created.name) == ("forced-marriage", "Forced marriage and honour-based abuse")
    assert [c.action for c in session.exec(select(ChangeRecord).where(ChangeRecord.entity_id == created.id))] == [
        "created", "updated"]


def test_renaming_a_need_updates_the_search_at_once(app, session, reindex):
    service = make_service(session, "Night line", needs={"fraud": "Fraud"})
    reindex()
    client = signed_in(app, session)
    need = session.exec(select(TaxonomyTerm).where(TaxonomyTerm.code == "fraud")).one()
    path = f"/staff/terms/{need.id}"
    form = page_form(client.get(path).get_data(as_text=True))
    form["name"] = "Zorbling scams"
    assert client.post(path, data=form).status_code == 302
    hits = app.extensions["indexer"].search(session, SearchRequest(text="zorbling")).hits
    assert [hit.service_id for hit in hits] == [str(service.id)]
    assert app.extensions["indexer"].is_current(session)
