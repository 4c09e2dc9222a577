"""What an import refuses, row by row, before anything is written: values the editor would refuse, and
a public service put at a refuge's place. The dry run names the file, the row and the field."""

import csv
import io
import json
import uuid

import pytest

from directory.models import Role
from tests.factories import make_organization, make_service, make_user, sign_in
from tests.web.staff.test_transfers import (  # noqa: F401 (uploads_in_tmp keeps uploads out of the project)
    database_dump,
    sample_files,
    upload,
    uploads_in_tmp,
    zipped,
)


@pytest.fixture
def editor(app, session):
    client = app.test_client()
    sign_in(client, make_user(session, Role.EDITOR))
    return client


def with_cell(files: dict[str, str], name: str, row: int, column: str, value: str) -> dict[str, str]:
    """The files with one cell changed; `row` counts as a spreadsheet does (the header is row 1)."""
    table = list(csv.reader(io.StringIO(files[name], newline="")))
    table[row - 1][table[0].index(column)] = value
    out = io.StringIO(newline="")
    csv.writer(out).writerows(table)
    return {**files, name: out.getvalue()}


def refused(page: str, file: str, row: int, reason: str) -> bool:
    """The dry run's "cannot be imported" page, naming this file, row and reason, and offering no Apply."""
    compact = page.replace(" ", "").replace("\n", "")
    return ("This file cannot be imported" in page and file in page and f">{row}<" in compact
            and reason in page and "Apply import" not in page)


EMAIL = "Enter an email address in the correct format, like name@example.org"
WEB = "Enter a web address, like https://example.org"


@pytest.mark.parametrize(("file", "column", "value", "message"), [
    ("services.csv", "email", "help@example.org?bcc=someone@elsewhere.example", EMAIL),
    ("services.csv", "url", "javascript:alert(document.domain)", WEB),
    ("services.csv", "url", "https://victimsupport.example.org@evil.example/", WEB),
    ("services.csv", "secure_email", "isva@example.org&cc=x@evil.example", "Enter the secure email address"),
    ("services.csv", "referral_line", "12345", "Enter a phone number that exists"),
    ("services.csv", "minimum_age", "130", "Enter an age from 0 to 120"),
    ("organizations.csv", "email", "info@example.org?bcc=a@evil.example", EMAIL),
    ("organizations.csv", "website", "javascript:alert(1)", WEB),
    ("contacts.csv", "email", "team@example.org?subject=Help&bcc=a@evil.example", EMAIL),
    ("phones.csv", "number", "call us", "Enter a phone number, like"),
    ("addresses.csv", "postal_code", "BN99", "Enter a full UK postcode"),
    ("languages.csv", "code", "english", "Enter a 2 or 3 letter code, like pl"),
    ("schedules.csv", "opens_at", "8am", "Enter a time in 24-hour format"),
    ("schedules.csv", "byday", "MONDAY", "Enter days as MO, TU"),
])
def test_a_value_the_editor_refuses_is_refused_on_import_with_its_file_row_and_field(app, editor, file, column,
                                                                                     value, message):
    before = database_dump(app)
    page = upload(editor, zipped(with_cell(sample_files(), file, 2, column, value)), "sussex.zip").get_data(
        as_text=True)
    assert refused(page, file, 2, f"{column}: {message}")
    assert database_dump(app) == before


def test_ages_and_hours_that_make_no_sense_together_are_refused_as_in_the_editor(editor):
    files = with_cell(with_cell(sample_files(), "schedules.csv", 2, "opens_at", "17:00"),
                      "schedules.csv", 2, "closes_at", "09:00")
    page = upload(editor, zipped(files), "sussex.zip").get_data(as_text=True)
    assert refused(page, "schedules.csv", 2, "closes_at: Closing time must be after the opening time")
    files = with_cell(with_cell(sample_files(), "services.csv", 2, "minimum_age", "18"),
                      "services.csv", 2, "maximum_age", "16")
    page = upload(editor, zipped(files), "sussex.zip").get_data(as_text=True)
    assert refused(page, "services.csv", 2, "maximum_age: The oldest age must be the same as or more than")


def test_hsds_json_is_held_to_the_same_rules_and_says_where_in_the_service(app, session, editor):
    service = make_service(session, "Harbour Advice")
    session.commit()
    document = json.loads(app.test_client().get(f"/api/services/{service.id}").data)
    document["contacts"] = [{"id": str(uuid.uuid4()), "name": "Duty team",
                             "email": "duty@example.org?bcc=someone@elsewhere.example"}]
    page = upload(editor, json.dumps(document).encode(), "harbour.json").get_data(as_text=True)
    assert refused(page, "harbour.json", 1, f"contacts[0]: email: {EMAIL}")


# -- a public service at a refuge's place -------------------------------------------------------


def links_only(text: str) -> bytes:
    descriptor = {"name": "links", "resources": [{"name": "service_at_location", "path": "service_at_location.csv"}]}
    return zipped({"datapackage.json": json.dumps(descriptor), "service_at_location.csv": text})


def test_linking_a_public_service_to_a_refuges_place_in_the_directory_is_refused_naming_both(app, session, editor):
    trust = make_organization(session, "Harbour Trust")
    refuge = make_service(session, "Harbour Refuge", organization=trust, confidential_location=True,
                          address=("7 Hidden Lane", "Hove", "BN3 9ZZ"), point=(50.8312, -0.1734))
    outreach = make_service(session, "Harbour Outreach", organization=trust)
    session.commit()
    place = refuge.service_at_locations[0].location_id
    before = database_dump(app)

    page = upload(editor, links_only(f"id,service_id,location_id,description\n"
                                     f"{uuid.uuid4()},{outreach.id},{place},Outreach office\n"),
                  "links.zip").get_data(as_text=True)

    assert refused(page, "service_at_location.csv", 2, "public service &#34;Harbour Outreach&#34; at the "
                                                       "confidential address of &#34;Harbour Refuge&#34;")
    assert database_dump(app) == before


def test_a_package_that_shares_a_refuges_place_with_a_public_service_imports_nothing(app, editor):
    files = sample_files()
    services = list(csv.DictReader(io.StringIO(files["services.csv"])))
    refuge = next(s for s in services if s["name"] == "Hersana safe house for Black and minoritised women")
    links = list(csv.DictReader(io.StringIO(files["service_at_location.csv"])))
    refuge_place = next(link["location_id"] for link in links if link["service_id"] == refuge["id"])
    files["service_at_location.csv"] += f"{uuid.uuid4()},{services[0]['id']},{refuge_place},Outreach office\n"
    before = database_dump(app)

    page = upload(editor, zipped(files), "sussex.zip").get_data(as_text=True)

    assert refused(page, "service_at_location.csv", len(links) + 2,
                   "&#34;Victim Support Sussex&#34; at the confidential address of &#34;Hersana safe house")
    assert database_dump(app) == before


def test_making_a_service_confidential_where_it_shares_a_place_with_a_public_one_is_refused(app, editor):
    files = sample_files()
    links = list(csv.DictReader(io.StringIO(files["service_at_location.csv"])))
    services = list(csv.DictReader(io.StringIO(files["services.csv"])))
    names = {s["id"]: s["name"] for s in services}
    public = {s["id"] for s in services if s["confidential_location"] != "true"}
    services_at: dict[str, list[str]] = {}
    for link in links:
        services_at.setdefault(link["location_id"], []).append(link["service_id"])
    made_confidential = next(ids[0] for ids in services_at.values() if len(ids) > 1)
    its_places = {link["location_id"] for link in links if link["service_id"] == made_confidential}
    # The row named is the first link that puts a public service at one of its now-confidential places.
    row, neighbour = next((number, link["service_id"]) for number, link in enumerate(links, start=2)
                          if link["location_id"] in its_places and link["service_id"] in public - {made_confidential})
    service_row = next(number for number, s in enumerate(services, start=2) if s["id"] == made_confidential)

    page = upload(editor, zipped(with_cell(files, "services.csv", service_row, "confidential_location", "true")),
                  "sussex.zip").get_data(as_text=True)

    assert refused(page, "service_at_location.csv", row, "at the confidential address of")
    assert names[made_confidential].replace("'", "&#39;") in page and names[neighbour].replace("'", "&#39;") in page
