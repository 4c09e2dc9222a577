"""The import preview tells the truth: only records that will really change are counted, the services listed
match the counts, and each updated service shows what each changed field says now and will say."""

import re
from pathlib import Path

import pytest
from sqlmodel import Session

from directory.exchange import export, transfers
from directory.models import Phone, Role, Service, ServiceStatus
from tests.conftest import _app
from tests.factories import make_organization, make_service, make_user, sign_in
from tests.pages import SummaryCards
from tests.web.staff.test_transfers import (  # noqa: F401 (uploads_in_tmp keeps uploads out of the project)
    DESCRIPTOR,
    a_listing_and_its_next_package,
    apply,
    database_dump,
    rich_directory,
    upload,
    uploads_in_tmp,
)


@pytest.fixture
def editor(app, session):
    client = app.test_client()
    sign_in(client, make_user(session, Role.EDITOR))
    return client


@pytest.fixture
def other_app(tmp_path):
    """A second, empty directory to export from."""
    (tmp_path / "other").mkdir()
    return _app(tmp_path / "other", load_sample=False)


def test_the_dry_run_lists_what_will_be_created_and_updated_and_changes_nothing(app, session, editor,
                                                                                other_app):
    _, second = a_listing_and_its_next_package(session, other_app)

    before = database_dump(app)
    response = upload(editor, second, "harbour.zip")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Check what this import will change" in page
    assert "Services to create (1)" in page and "Oak Tree Counselling" in page
    assert "Services to update (1)" in page and "Harbour Advice" in page
    assert "No rows were rejected" in page
    assert "Apply import" in page
    assert database_dump(app) == before


def record_counts(page: str) -> dict[str, tuple[int, int]]:
    """The dry run's "Records by table": each table's label → (to create, to update)."""
    compact = " ".join(page.split())
    found = re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th> <td[^>]*>(\d+)</td> '
                       r'<td[^>]*>(\d+)</td>', compact)
    return {label: (int(created), int(updated)) for label, created, updated in found}


def test_the_dry_run_shows_what_each_changed_field_of_a_service_says_now_and_will_say(app, session, editor,
                                                                                      other_app):
    with Session(other_app.extensions["database"], expire_on_commit=False) as source:
        advice = make_service(source, "Harbour Advice", description="Weekday support.")
        source.commit()
        first = export.package_zip(source, DESCRIPTOR, public_only=False)
        changed = source.get(Service, advice.id)
        changed.description, changed.status = "Now open on Saturdays.", ServiceStatus.TEMPORARILY_CLOSED
        changed.organization_id = make_organization(source, "Oak Tree Trust").id
        changed.phones[0].description = "Out of hours"
        source.commit()
        second = export.package_zip(source, DESCRIPTOR, public_only=False)
    transfers.import_with_history(session, first, None, allow_fictional_phones=True)
    session.commit()

    page = upload(editor, second, "harbour.zip").get_data(as_text=True)

    rows = SummaryCards(page).cards["Harbour Advice"]
    assert rows == {
        "Organisation": ["Now: Sussex Support Trust", "After the import: Oak Tree Trust"],
        "Description": ["Now: Weekday support.", "After the import: Now open on Saturdays."],
        "Status": ["Now: Active", "After the import: Temporarily closed"],
        "Phone number 01632 960001: What it is for": ["Now: (empty)", "After the import: Out of hours"],
    }
    assert record_counts(page) == {"Organisations": (1, 0), "Services’ own details": (0, 1),
                                   "Phone numbers": (0, 1)}
    assert "Services to create (0)" in page and "Services to update (1)" in page
    apply(editor, page)
    assert ("1 records created and 2 updated, including 0 new and 1 updated services"
            in editor.get("/staff/import").get_data(as_text=True))


def test_the_dry_run_of_an_unchanged_export_says_it_changes_nothing(app, session, editor):
    rich_directory(session)
    before = database_dump(app)

    page = upload(editor, editor.get("/staff/export/public.zip").data, "public.zip").get_data(as_text=True)

    assert "This file changes nothing" in page
    assert "Apply import" not in page and record_counts(page) == {}
    assert not any(Path(app.config["IMPORT_UPLOAD_DIR"]).glob("*/*"))  # nothing kept to apply
    assert database_dump(app) == before


def test_the_dry_run_names_a_phone_number_an_import_adds_without_a_before(app, session, editor, other_app):
    with Session(other_app.extensions["database"], expire_on_commit=False) as source:
        advice = make_service(source, "Harbour Advice")
        source.commit()
        first = export.package_zip(source, DESCRIPTOR, public_only=False)
        source.add(Phone(service_id=advice.id, number="01632 960002", description="Text only"))
        source.commit()
        second = export.package_zip(source, DESCRIPTOR, public_only=False)
    transfers.import_with_history(session, first, None, allow_fictional_phones=True)
    session.commit()

    page = upload(editor, second, "harbour.zip").get_data(as_text=True)

    assert SummaryCards(page).cards["Harbour Advice"] == {
        "Phone number": ["After the import: Added: 01632 960002, Text only"]}
