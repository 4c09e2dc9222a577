"""HSDS JSON in: our own API output imports back losslessly, through the same checks as data packages."""

import io
import json
from datetime import date
from functools import partial

import pytest
from sqlmodel import Session, select

from directory.conditions import SharingStance
from directory.exchange import transfers
from directory.exchange.datapackage import PackageError
from directory.exchange.datapackage import import_package as import_any_phones
from directory.listings import editing as listings
from directory.models import (
    PROFESSIONAL_FIELDS,
    Accessibility,
    Answer,
    ChangeRecord,
    Contact,
    ImmigrationStatus,
    Role,
    Schedule,
    Service,
    ServiceArea,
)
from tests.conftest import _app
from tests.factories import csrf_token, make_service, make_user, page_form, sign_in

# The sample's (and the factories') numbers are Ofcom's drama ranges, as ACCEPT_FICTIONAL_PHONE_NUMBERS allows.
import_package = partial(import_any_phones, allow_fictional_phones=True)

# What the API never publishes, so JSON cannot bring it back (and an update keeps it).
NOT_PUBLISHED = {"last_verified_by", "accessibility", *PROFESSIONAL_FIELDS}


@pytest.fixture
def other_app(tmp_path):
    """A second, empty directory to import into."""
    (tmp_path / "other").mkdir()
    return _app(tmp_path / "other", load_sample=False)


def published_listing(session) -> Service:
    """A listing with every part the API publishes, and access conditions with their dates."""
    service = make_service(
        session, "Harbour Advice", address=("2 Quay Street", "Newhaven", "BN9 0AA"), point=(50.79, -0.05),
        needs={"stalking": "Stalking", "domestic-abuse": "Domestic abuse"}, audience=("women",),
        delivery=("phone", "in-person"), languages={"pl": "Polish", "en": "English"},
        immigration_status=ImmigrationStatus.RESTRICTIONS, immigration_status_note="Not for visa overstayers",
        immigration_status_checked_on=date(2026, 1, 5), nrpf_support=Answer.YES,
        nrpf_support_checked_on=date(2026, 2, 1), sends_letters=Answer.NO, sends_letters_checked_on=date(2026, 2, 2),
        free=Answer.YES, data_sharing_stance=SharingStance.NEVER_SHARES,
        data_sharing_stance_note="We never share with Immigration Enforcement",
        data_sharing_stance_checked_on=date(2026, 2, 3), commissioned_by_pcc=True, minimum_age=16,
        alert="Closed on bank holidays", referral_line="01632 960999", last_verified_by="Edie Editor",
        accessibility="Step-free entrance")
    session.add(Contact(service_id=service.id, name="Duty worker", email="duty@example.org"))
    session.add(Schedule(service_id=service.id, freq="WEEKLY", byday="MO,TU", opens_at="09:00", closes_at="17:00"))
    session.flush()
    location_id = session.get(Service, service.id).service_at_locations[0].location_id
    session.add(Accessibility(location_id=location_id, description="Ramp at the side door"))
    session.commit()
    return service


def snapshot_of(app_, service_id) -> dict:
    with Session(app_.extensions["database"]) as session:
        snapshot = listings.service_snapshot(listings.load_service(session, service_id))
    snapshot["service"] = {k: v for k, v in snapshot["service"].items() if k not in NOT_PUBLISHED}
    return snapshot


def import_json(app_, document, user=None):
    with Session(app_.extensions["database"]) as session:
        report = transfers.import_with_history(session, json.dumps(document).encode(), user, allow_fictional_phones=True)
        session.commit()
        app_.extensions["indexer"].catch_up(session)
    return report


def test_our_own_api_output_imports_into_an_empty_directory_and_reads_back_the_same(app, client, session,
                                                                                    reindex, other_app):
    service = published_listing(session)
    reindex()
    published = client.get(f"/api/services/{service.id}").get_json()

    report = import_json(other_app, published)

    assert report.created["services"] == 1 and report.ignored_files == []
    assert other_app.test_client().get(f"/api/services/{service.id}").get_json() == published
    assert snapshot_of(other_app, service.id) == snapshot_of(app, service.id)
    with Session(other_app.extensions["database"]) as target:
        imported = target.get(Service, service.id)
        assert imported.immigration_status == ImmigrationStatus.RESTRICTIONS
        assert imported.nrpf_support_checked_on == date(2026, 2, 1)
        assert imported.commissioned_by_pcc and not imported.national_helpline
        assert imported.last_verified_on == date(2026, 10, 1)


def test_a_list_or_a_page_of_services_imports_like_single_ones(app, client, session, reindex, other_app):
    for name in ("Harbour Advice", "Oak Tree Counselling", "Lewes Helpline"):
        make_service(session, name)
    reindex()
    page = client.get("/api/services?full=true").get_json()
    assert len(page["contents"]) == 3

    assert import_json(other_app, page).created["services"] == 3
    again = import_json(other_app, page["contents"])
    assert len(again.service_ids) == 3 and not again.created["services"] and not again.updated["services"]
    with Session(other_app.extensions["database"]) as target:
        assert len(target.exec(select(Service)).all()) == 3


def test_an_update_from_json_keeps_what_json_never_carries(app, client, session, reindex):
    service = published_listing(session)
    reindex()
    published = client.get(f"/api/services/{service.id}").get_json()
    stored = session.get(Service, service.id)
    stored.published = False
    stored.secure_email = "advice@harbour.cjsm.net"
    session.commit()
    version = stored.version

    published["description"] = "Now open on Saturdays."
    published["service_areas"] = []  # not a deletion: importing only adds and updates
    import_json(app, published)

    session.expire_all()
    updated = session.get(Service, service.id)
    assert updated.description == "Now open on Saturdays."
    assert (updated.referral_line, updated.secure_email) == ("01632 960999", "advice@harbour.cjsm.net")
    assert (updated.last_verified_by, updated.accessibility) == ("Edie Editor", "Step-free entrance")
    assert updated.published is False and updated.version == version + 1
    assert session.exec(select(ServiceArea).where(ServiceArea.service_id == service.id)).all()


def test_a_field_left_out_because_it_is_empty_is_emptied(app, client, session, reindex):
    service = published_listing(session)
    reindex()
    published = client.get(f"/api/services/{service.id}").get_json()
    del published["alert"]
    published["attributes"] = [a for a in published["attributes"]
                               if a["taxonomy_term"]["code"] != "nrpf_support_checked_on"]
    import_json(app, published)
    session.expire_all()
    updated = session.get(Service, service.id)
    assert updated.alert is None and updated.nrpf_support_checked_on is None
    assert updated.nrpf_support == Answer.YES


def test_the_list_shape_updates_a_service_without_touching_its_access_conditions(app, client, session, reindex):
    service = published_listing(session)
    reindex()
    page = client.get("/api/services").get_json()
    assert "attributes" not in page["contents"][0]
    page["contents"][0]["description"] = "Now open on Saturdays."
    import_json(app, page)
    session.expire_all()
    updated = session.get(Service, service.id)
    assert updated.description == "Now open on Saturdays."
    assert (updated.immigration_status, updated.nrpf_support) == (ImmigrationStatus.RESTRICTIONS, Answer.YES)
    assert updated.nrpf_support_checked_on == date(2026, 2, 1) and updated.commissioned_by_pcc


@pytest.mark.parametrize(("change", "row", "reason"), [
    (lambda s: s["phones"][0].pop("number"), 1, "phones[0]: number: Field required"),
    (lambda s: s.update(status="open"), 1, "status: Input should be"),
    (lambda s: s["phones"][0].pop("id"), 1, "phones[0] has no id"),
    (lambda s: s.update(phones="01632 960001"), 1, "phones must be a list of objects"),
    (lambda s: s.update(organization_id="2f0c1c66-0000-4000-8000-000000000000", organization=None), 1,
     "organization_id 2f0c1c66-0000-4000-8000-000000000000 does not match any organizations row"),
])
def test_bad_json_imports_nothing_and_says_which_service_and_where(app, client, session, other_app, change,
                                                                   row, reason):
    made = [make_service(session, name) for name in ("Harbour Advice", "Oak Tree Counselling")]
    session.commit()
    fine, broken = (client.get(f"/api/services/{service.id}").get_json() for service in made)
    change(broken)
    with Session(other_app.extensions["database"]) as target:
        with pytest.raises(PackageError) as error:
            import_package(target, json.dumps([fine, broken]).encode(), name="harbour.json")
        target.rollback()
        assert target.exec(select(Service)).first() is None
    assert (error.value.file, error.value.row) == ("harbour.json", row + 1)
    assert reason in error.value.reason


@pytest.mark.parametrize("text", ['"just a string"', "[1, 2]", '{"contents": 7}', "{nope"])
def test_json_that_is_not_services_gets_a_clear_message(session, text):
    with pytest.raises(PackageError) as error:
        import_package(session, text.encode(), name="odd.json")
    assert error.value.file == "odd.json"


def test_a_json_file_loads_from_the_command_line_with_history(app, client, session, reindex, runner, tmp_path,
                                                             other_app):
    service = published_listing(session)
    reindex()
    path = tmp_path / "harbour.json"
    path.write_text(client.get(f"/api/services/{service.id}").get_data(as_text=True), encoding="utf-8")

    result = other_app.test_cli_runner().invoke(args=["data", "load", str(path)])

    assert result.exit_code == 0, result.output
    assert "Imported" in result.output
    with Session(other_app.extensions["database"]) as target:
        change = target.exec(select(ChangeRecord).where(ChangeRecord.entity_type == "service")).one()
        assert (change.entity_id, change.action, change.user_name) == (service.id, "imported", "System")
    assert other_app.test_client().get(f"/api/services/{service.id}").status_code == 200


def test_editors_can_upload_api_json_through_the_import_page(app, client, session, reindex, other_app, tmp_path):
    service = published_listing(session)
    reindex()
    published = client.get(f"/api/services/{service.id}").get_data()
    other_app.config["IMPORT_UPLOAD_DIR"] = str(tmp_path / "uploads")
    with Session(other_app.extensions["database"], expire_on_commit=False) as target:
        editor = make_user(target, Role.EDITOR)
    editor_client = other_app.test_client()
    sign_in(editor_client, editor)

    token = csrf_token(editor_client, "/staff/import")
    preview = editor_client.post("/staff/import", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(published), "harbour.json")}).get_data(as_text=True)
    assert "Services to create (1)" in preview and "Harbour Advice" in preview
    editor_client.post("/staff/import/apply", data=page_form(preview))

    assert other_app.test_client().get(f"/api/services/{service.id}").get_json() == json.loads(published)
