"""Importing and exporting through the staff pages: dry run, all-or-nothing apply, history, and safe exports."""

import csv
import io
import json
import sqlite3
import zipfile
from datetime import date

import pytest
from sqlmodel import Session, select

from directory.exchange import datapackage, export, transfers
from directory.listings import editing as listings
from directory.listings.queries import SERVICE_PAGE_LOADS
from directory.models import (
    PROFESSIONAL_FIELDS,
    Address,
    Answer,
    ChangeRecord,
    Contact,
    Location,
    Role,
    Schedule,
    Service,
    ServiceStatus,
)
from search import SearchRequest
from tests.conftest import SAMPLE_DATA, _app
from tests.factories import (
    csrf_token,
    make_organization,
    make_service,
    make_user,
    page_form,
    sign_in,
    with_false_size,
)

DESCRIPTOR = SAMPLE_DATA / "datapackage.json"


# -- helpers ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def uploads_in_tmp(app, tmp_path):
    """Keep test uploads out of the project's instance folder."""
    app.config["IMPORT_UPLOAD_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def signed_in(app, session, role: Role):
    client = app.test_client()
    sign_in(client, make_user(session, role, email=f"{role.value}@example.org", name=f"Test {role.value}"))
    return client


@pytest.fixture
def editor(app, session):
    return signed_in(app, session, Role.EDITOR)


@pytest.fixture
def admin(app, session):
    return signed_in(app, session, Role.ADMIN)


def database_dump(app) -> str:
    """Every table's schema and rows, as SQL: equal dumps mean an unchanged database."""
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        return "\n".join(connection.iterdump())


def upload(client, data: bytes, filename: str):
    token = csrf_token(client, "/staff/import")
    return client.post("/staff/import", data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def apply(client, preview_page: str):
    """Press "Apply import" on a dry-run page, sending what the browser would."""
    return client.post("/staff/import/apply", data=page_form(preview_page))


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def sample_files() -> dict[str, str]:
    return {path.name: path.read_bytes().decode("utf-8") for path in SAMPLE_DATA.iterdir()}


def exported(app_, public_only: bool = False) -> bytes:
    with Session(app_.extensions["database"]) as session:
        return export.package_zip(session, DESCRIPTOR, public_only=public_only)


def unzipped(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def table_rows(app_) -> dict[str, list[dict]]:
    """Every HSDS table's rows by id, without the editorial state an import never takes from a file."""
    with Session(app_.extensions["database"]) as session:
        found = {}
        for name, model in datapackage.TABLES.items():
            skip = datapackage.EDITORIAL_COLUMNS.get(model, frozenset())
            found[name] = sorted((record.model_dump(exclude=set(skip)) for record in session.exec(select(model))),
                                 key=lambda row: str(row["id"]))
        return found


def snapshots(app_) -> dict[str, dict]:
    with Session(app_.extensions["database"]) as session:
        return {str(service.id): listings.service_snapshot(service)
                for service in session.exec(select(Service).options(*SERVICE_PAGE_LOADS))}


def search_ids(app_, text: str) -> list[str]:
    return [hit.service_id for hit in app_.extensions["indexer"].engine.search(SearchRequest(text=text)).hits]


@pytest.fixture
def other_app(tmp_path):
    """A second, empty directory to import into or export from."""
    (tmp_path / "other").mkdir()
    return _app(tmp_path / "other", load_sample=False)


def rich_directory(session) -> dict[str, Service]:
    """Listings with every kind of part, including what must never be published."""
    trust = make_organization(session, "Harbour Trust")
    refuge = make_service(session, "Harbour Refuge", organization=trust, confidential_location=True,
                          address=("1 Secret Lane", "Lewes", "BN7 9ZZ"), point=(50.87, 0.01),
                          referral_line="01632 960999", secure_email="refuge@harbour.cjsm.net",
                          referral_criteria="Police referrals need a crime number.",
                          nrpf_support=Answer.YES, nrpf_support_checked_on=date(2026, 2, 1))
    advice = make_service(session, "Harbour Advice", organization=trust, address=("2 Quay Street", "Newhaven",
                          "BN9 0AA"), point=(50.79, -0.05), needs={"stalking": "Stalking"},
                          audience=("women",), languages={"pl": "Polish", "en": "English"})
    session.add(Contact(service_id=advice.id, name="Duty worker", email="duty@example.org"))
    session.add(Schedule(service_id=advice.id, freq="WEEKLY", byday="MO,TU", opens_at="09:00", closes_at="17:00"))
    hidden = make_service(session, "Unpublished Pilot", organization=trust, published=False,
                          secure_email="pilot@harbour.cjsm.net")
    closed = make_service(session, "Closed Helpline", status=ServiceStatus.INACTIVE)
    drafted = make_service(session, "Published With Draft", draft={"service": {"name": "Secret Draft Name"}})
    session.commit()
    return {"refuge": refuge, "advice": advice, "hidden": hidden, "closed": closed, "drafted": drafted}


# -- the dry run -----------------------------------------------------------------------------


def a_listing_and_its_next_package(session, other_app) -> tuple[Service, bytes]:
    """"Harbour Advice" in this directory, and a package (from elsewhere) that changes it and adds a service."""
    with Session(other_app.extensions["database"], expire_on_commit=False) as source:
        advice = make_service(source, "Harbour Advice", description="Weekday support.")
        source.commit()
        first = export.package_zip(source, DESCRIPTOR, public_only=False)
        make_service(source, "Oak Tree Counselling")
        source.get(Service, advice.id).description = "Now open on Saturdays."
        source.commit()
        second = export.package_zip(source, DESCRIPTOR, public_only=False)
    transfers.import_with_history(session, first, None, allow_fictional_phones=True)
    session.commit()
    return session.get(Service, advice.id), second


def test_a_package_with_one_bad_row_imports_nothing_and_names_the_file_and_row(app, editor, uploads_in_tmp):
    files = sample_files()
    services = list(csv.reader(io.StringIO(files["services.csv"], newline="")))
    services[6][services[0].index("status")] = "open"  # row 7, counting the header as a spreadsheet does
    out = io.StringIO(newline="")
    csv.writer(out).writerows(services)
    files["services.csv"] = out.getvalue()
    before = database_dump(app)

    page = upload(editor, zipped(files), "sussex.zip").get_data(as_text=True)

    assert "This file cannot be imported" in page
    assert "services.csv" in page and ">7<" in page.replace(" ", "").replace("\n", "")
    assert "status: Input should be" in page
    assert "Apply import" not in page
    assert database_dump(app) == before
    assert not any(uploads_in_tmp.glob("*/*"))


def test_a_package_that_is_fine_alone_but_not_with_this_directory_is_rejected(app, editor):
    # Phones that belong to services neither in the file nor in the directory.
    descriptor = json.loads((SAMPLE_DATA / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] == "phone"]
    files = {"datapackage.json": json.dumps(descriptor), "phones.csv": sample_files()["phones.csv"]}
    page = upload(editor, zipped(files), "phones.zip").get_data(as_text=True)
    assert "This file cannot be imported" in page
    assert "does not match any services row" in page


# -- applying --------------------------------------------------------------------------------


def test_applying_records_history_keeps_editorial_state_and_updates_search(app, session, editor, other_app,
                                                                          uploads_in_tmp):
    advice, second = a_listing_and_its_next_package(session, other_app)
    existing = session.get(Service, advice.id)
    existing.published, existing.draft = False, {"service": {"name": "Pending edit"}}
    session.commit()
    version = existing.version

    preview = upload(editor, second, "harbour.zip").get_data(as_text=True)
    response = apply(editor, preview)

    assert response.status_code == 302 and response.headers["Location"] == "/staff/import"
    assert "Imported harbour.zip" in editor.get("/staff/import").get_data(as_text=True)
    session.expire_all()
    updated = session.get(Service, advice.id)
    assert updated.description == "Now open on Saturdays."
    # The file says the listing is published (an export of everything says so); a pending draft is never a file's.
    assert (updated.published, updated.draft) == (True, {"service": {"name": "Pending edit"}})
    assert updated.version == version + 1
    created = session.exec(select(Service).where(Service.name == "Oak Tree Counselling")).one()
    assert created.published and created.version == 1
    imported = session.exec(select(ChangeRecord).where(ChangeRecord.user_name == "Test editor")).all()
    changes = {change.entity_id: change for change in imported}
    assert set(changes) == {advice.id, created.id}
    assert all(c.action == "imported" and c.entity_type == "service" for c in changes.values())
    assert changes[created.id].before is None
    assert changes[advice.id].before["service"]["description"] == "Weekday support."
    assert changes[advice.id].after["service"]["description"] == "Now open on Saturdays."
    assert changes[advice.id].version == version + 1
    assert str(created.id) in search_ids(app, "Oak Tree")
    assert not any(uploads_in_tmp.iterdir())
    again = apply(editor, preview)
    assert again.headers["Location"] == "/staff/import"
    assert "already been imported" in editor.get("/staff/import").get_data(as_text=True)


def test_an_upload_token_that_does_not_exist_is_refused(app, editor):
    before = database_dump(app)
    token = csrf_token(editor, "/staff/import")
    for guess in ("A" * 43, "../../directory.sqlite", ""):
        response = editor.post("/staff/import/apply", data={"csrf_token": token, "token": guess})
        assert response.status_code == 302
    assert "already been imported or has expired" in editor.get("/staff/import").get_data(as_text=True)
    assert database_dump(app) == before


def test_applying_without_the_csrf_token_is_refused(app, editor):
    page = upload(editor, zipped(sample_files()), "sussex.zip").get_data(as_text=True)
    form = page_form(page)
    del form["csrf_token"]
    assert editor.post("/staff/import/apply", data=form).status_code == 400
    with Session(app.extensions["database"]) as session:
        assert session.exec(select(Service)).first() is None


def test_the_command_line_load_records_history_as_system(app, runner, session):
    result = runner.invoke(args=["data", "load", str(SAMPLE_DATA)])
    assert result.exit_code == 0, result.output
    services = session.exec(select(Service)).all()
    changes = session.exec(select(ChangeRecord).where(ChangeRecord.entity_type == "service")).all()
    assert len(changes) == len(services) > 60
    assert {(c.action, c.user_name, c.user_id) for c in changes} == {("imported", "System", None)}


# -- checking the upload ---------------------------------------------------------------------


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"Name,Phone\nHarbour,01632 960001\n", "services.csv", "must be a ZIP data package or an HSDS JSON file"),
    (b"just some text", "renamed.zip", "must be a ZIP data package or an HSDS JSON file"),
    (b"PK\x03\x04 not json", "renamed.json", "must be a ZIP data package or an HSDS JSON file"),
    (b"{not json", "broken.json", "must be a ZIP data package or an HSDS JSON file"),
    (b"", "empty.zip", "The selected file is empty"),
])
def test_only_a_real_zip_or_json_file_is_accepted(app, editor, data, filename, message):
    response = upload(editor, data, filename)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in page and message in page
    assert "Error: Import listings" in page


def test_a_zip_that_states_a_false_size_gets_the_import_error_page_not_a_crash(app, editor, uploads_in_tmp):
    lying = with_false_size(zipped(sample_files()), "organizations.csv", 100)
    response = upload(editor, lying, "sussex.zip")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This file cannot be imported" in page and "the zip file is damaged" in page
    assert "Apply import" not in page and not any(uploads_in_tmp.glob("*/*"))


def test_choosing_no_file_says_to_select_one(editor):
    token = csrf_token(editor, "/staff/import")
    page = editor.post("/staff/import", data={"csrf_token": token}).get_data(as_text=True)
    assert "Select a file to import" in page


def test_a_file_that_is_too_big_gets_a_friendly_page(app, editor):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = upload(editor, b"0" * (limit + 1), "huge.zip")
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "The selected file must be smaller than 20 MB" in page
    assert "Import listings" in page


# -- exporting -------------------------------------------------------------------------------


def test_everything_exported_imports_into_an_empty_directory_losing_nothing(app, session, admin, other_app):
    rich_directory(session)
    response = admin.get("/staff/export/everything.zip")
    assert response.status_code == 200

    with Session(other_app.extensions["database"]) as target:
        transfers.import_with_history(target, response.data, None, allow_fictional_phones=True)
        target.commit()

    assert table_rows(other_app) == table_rows(app)
    assert snapshots(other_app) == snapshots(app)


def test_the_sample_directory_round_trips_through_an_export_of_everything(sample_app, other_app):
    with Session(other_app.extensions["database"]) as target:
        transfers.import_with_history(target, exported(sample_app), None, allow_fictional_phones=True)
        target.commit()
    assert table_rows(other_app) == table_rows(sample_app)


def test_the_public_export_holds_only_what_anyone_may_see(app, session, editor):
    made = rich_directory(session)
    response = editor.get("/staff/export/public.zip")
    files = unzipped(response.data)
    everything = "\n".join(files.values())

    services = rows(files["services.csv"])
    assert {row["name"] for row in services} == {"Harbour Refuge", "Harbour Advice", "Published With Draft"}
    for column in (*PROFESSIONAL_FIELDS, "published"):
        assert column not in services[0] and f'"{column}"' not in files["datapackage.json"]
    for secret in ("refuge@harbour.cjsm.net", "pilot@harbour.cjsm.net", "01632 960999", "crime number",
                   "Secret Draft Name", "Unpublished Pilot", "Closed Helpline", "Secret Lane", "BN7 9ZZ"):
        assert secret not in everything
    linked = {row["service_id"] for row in rows(files["service_at_location.csv"])}
    assert str(made["refuge"].id) not in linked and str(made["advice"].id) in linked


def test_an_unpublished_listing_stays_unpublished_through_an_export_of_everything(app, session, admin, other_app):
    rich_directory(session)
    package = admin.get("/staff/export/everything.zip").data
    with Session(other_app.extensions["database"]) as target:
        transfers.import_with_history(target, package, None, allow_fictional_phones=True)
        target.commit()
        pilot = target.exec(select(Service).where(Service.name == "Unpublished Pilot")).one()
        assert not pilot.published
        assert other_app.test_client().get(f"/services/{pilot.id}").status_code == 404


def test_only_admins_may_export_everything(app, session, editor, admin):
    rich_directory(session)
    assert editor.get("/staff/export/everything.zip").status_code == 403
    assert "Download everything" not in editor.get("/staff/export").get_data(as_text=True)
    assert "Download everything" in admin.get("/staff/export").get_data(as_text=True)
    files = unzipped(admin.get("/staff/export/everything.zip").data)
    assert "refuge@harbour.cjsm.net" in files["services.csv"] and "Secret Lane" in files["addresses.csv"]


def test_downloads_are_attachments_named_with_the_date_and_never_cached(app, session, admin):
    make_service(session, "Harbour Advice")
    session.commit()
    for path, name in (("/staff/export/public.zip", "public"), ("/staff/export/everything.zip", "everything"),
                       ("/staff/export/services.csv", "services")):
        response = admin.get(path)
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert f"safe-space-directory-{name}-{date.today().year}" in disposition
        assert response.headers["Cache-Control"] == "no-store"


def test_the_spreadsheet_has_one_row_per_service_published_or_not(app, session, editor):
    made = rich_directory(session)
    response = editor.get("/staff/export/services.csv")
    assert response.mimetype == "text/csv"
    sheet = rows(response.get_data(as_text=True))
    assert len(sheet) == 5
    refuge = next(row for row in sheet if row["Service"] == "Harbour Refuge")
    assert refuge["Organisation"] == "Harbour Trust"
    assert refuge["Published"] == "yes" and refuge["Status"] == "active"
    assert refuge["Supports people with no recourse to public funds (NRPF)"] == "yes"
    assert refuge["Date checked: nrpf support"] == "2026-02-01"
    assert refuge["Areas"] == "Sussex" and refuge["Last verified on"] == "2026-10-01"
    assert refuge["Phones"] == "01632 960001"
    assert next(row for row in sheet if row["Service"] == "Unpublished Pilot")["Published"] == "no"
    text = response.get_data(as_text=True)
    for secret in ("refuge@harbour.cjsm.net", "Secret Lane", "crime number"):
        assert secret not in text
    assert str(made["hidden"].id) in text


def test_formula_like_cells_are_quoted_in_exports_and_restored_on_import(app, session, admin, other_app):
    service = make_service(session, '=HYPERLINK("https://evil.example","Click")', phone="+44 1632 960001",
                           description="+44 call us now", alternate_name="'=already quoted",
                           address=("@home", "Lewes", "BN7 1AA"), point=(50.87, -0.01))
    session.commit()

    sheet = admin.get("/staff/export/services.csv").get_data(as_text=True)
    row = rows(sheet)[0]
    assert row["Service"] == "'=HYPERLINK(\"https://evil.example\",\"Click\")"
    assert row["Phones"] == "'+44 1632 960001"

    package = admin.get("/staff/export/everything.zip").data
    files = unzipped(package)
    exported_service = rows(files["services.csv"])[0]
    assert exported_service["name"].startswith("'=HYPERLINK")
    assert exported_service["description"] == "'+44 call us now"
    assert exported_service["alternate_name"] == "''=already quoted"
    assert rows(files["phones.csv"])[0]["number"] == "+44 1632 960001"
    assert rows(files["locations.csv"])[0]["longitude"] == "-0.01"
    assert rows(files["addresses.csv"])[0]["address_1"] == "'@home"

    with Session(other_app.extensions["database"]) as target:
        transfers.import_with_history(target, package, None, allow_fictional_phones=True)
        target.commit()
        restored = target.get(Service, service.id)
        assert restored.name == '=HYPERLINK("https://evil.example","Click")'
        assert restored.description == "+44 call us now"
        assert restored.alternate_name == "'=already quoted"
        assert target.exec(select(Address)).one().address_1 == "@home"
        assert target.exec(select(Location)).one().longitude == -0.01
    assert table_rows(other_app) == table_rows(app)


# -- who may use these pages -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/staff/import", "/staff/export", "/staff/export/public.zip",
                                  "/staff/export/everything.zip", "/staff/export/services.csv"])
def test_officers_are_refused_and_anonymous_visitors_sent_to_sign_in(app, session, path):
    assert app.test_client().get(path).headers["Location"].startswith("/login")
    assert signed_in(app, session, Role.OFFICER).get(path).status_code == 403


def test_officers_cannot_apply_an_import(app, session):
    officer = signed_in(app, session, Role.OFFICER)
    token = csrf_token(officer, "/staff/")
    assert officer.post("/staff/import/apply", data={"csrf_token": token, "token": "A" * 43}).status_code == 403
    assert app.test_client().post("/staff/import/apply").status_code in (302, 400)


def test_editors_see_import_and_export_in_the_staff_navigation(editor):
    page = editor.get("/staff/").get_data(as_text=True)
    assert 'href="/staff/import"' in page and 'href="/staff/export"' in page


def test_importing_the_same_file_again_changes_nothing(app, session, other_app):
    _, second = a_listing_and_its_next_package(session, other_app)
    transfers.import_with_history(session, second, None, allow_fictional_phones=True)
    session.commit()
    versions = {s.id: s.version for s in session.exec(select(Service))}
    records = len(session.exec(select(ChangeRecord)).all())
    transfers.import_with_history(session, second, None, allow_fictional_phones=True)
    session.commit()
    session.expire_all()
    assert {s.id: s.version for s in session.exec(select(Service))} == versions
    assert len(session.exec(select(ChangeRecord)).all()) == records
