"""A refuge's place stays confidential on every public output, even when a public service shares it.

HSDS lets services share a location; an older import could link a public outreach service to a
refuge's own location. Each test builds that shape directly in the database and reads every
public output as a visitor or an API client would.
"""

import csv
import io
import json
import re
import zipfile

import pytest
from sqlmodel import select

from directory.indexing import service_document
from directory.models import Address, Location, Role, ServiceAtLocation
from tests.factories import make_organization, make_service, make_user, sign_in

REFUGE_POINT = (50.8312, -0.1734)
# What must never appear for the refuge's place: its street, postcode, place name and coordinates.
SECRETS = ("7 Hidden Lane", "BN3 9ZZ", "Safe house", "50.8312", "-0.1734")


@pytest.fixture
def shared(session, reindex):
    """A refuge and a public outreach service linked to the same location, as an older import left them."""
    trust = make_organization(session, "Harbour Trust")
    refuge = make_service(session, "Harbour Refuge", organization=trust, confidential_location=True,
                          needs={"housing-refuge": "Housing and refuge"})
    outreach = make_service(session, "Harbour Outreach", organization=trust,
                            needs={"housing-refuge": "Housing and refuge"})
    place = Location(organization_id=trust.id, name="Safe house", latitude=REFUGE_POINT[0],
                     longitude=REFUGE_POINT[1])
    session.add(place)
    session.flush()
    session.add(Address(location_id=place.id, address_1="7 Hidden Lane", city="Hove", state_province="East Sussex",
                        postal_code="BN3 9ZZ"))
    session.add(ServiceAtLocation(service_id=refuge.id, location_id=place.id))
    outreach_link = ServiceAtLocation(service_id=outreach.id, location_id=place.id, description="Outreach office")
    session.add(outreach_link)
    reindex()
    return {"refuge": refuge, "outreach": outreach, "place": place, "link": outreach_link}


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_the_public_service_page_never_shows_the_refuges_address(client, shared):
    page = client.get(f"/services/{shared['outreach'].id}").get_data(as_text=True)
    assert "Harbour Outreach" in page
    assert_no_secret(page)
    assert "By phone or online" in page


def test_search_gives_the_public_service_a_distance_band_and_a_coarse_ranking_point(app, client, shared):
    html = client.get("/search", query_string={"q": "harbour", "where": "Hove", "radius": "any"}).get_data(
        as_text=True)
    assert "Harbour Outreach" in html
    shown = re.findall(r'class="[^"]*app-distance[^"]*">([^<]+)<', html)
    assert len(shown) == 2 and all(re.fullmatch(r"Within \d+ miles?|More than 50 miles away", s) for s in shown)
    gazetteer = app.extensions["indexer"].gazetteer
    document = service_document(shared["outreach"], gazetteer)
    hove = gazetteer.coarse_point("Hove")
    assert (document["latitude"], document["longitude"]) == (hove.latitude, hove.longitude) != REFUGE_POINT


@pytest.mark.parametrize("path", [
    "/api/services/{outreach}",
    "/api/services?full=true",
    "/api/services?full=true&format=ndjson",
    "/api/service_at_locations",
    "/api/service_at_locations?full=true&format=ndjson",
    "/api/organizations/{organization}",
])
def test_the_api_never_publishes_the_refuges_place(client, shared, path):
    response = client.get(path.format(outreach=shared["outreach"].id,
                                      organization=shared["outreach"].organization_id))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Harbour Outreach" in text or path.startswith("/api/service_at_locations")
    assert_no_secret(text)
    assert str(shared["place"].id) not in text


def test_the_api_has_no_record_of_the_public_service_at_the_refuges_place(client, shared):
    response = client.get(f"/api/service_at_locations/{shared['link'].id}")
    assert response.status_code == 404
    assert_no_secret(response.get_data(as_text=True))
    nested = json.loads(client.get(f"/api/services/{shared['outreach'].id}").data)
    assert nested.get("service_at_locations", []) == []


def test_the_public_export_and_the_spreadsheet_leave_the_refuges_place_out(app, session, shared):
    editor = app.test_client()
    sign_in(editor, make_user(session, Role.EDITOR))
    with zipfile.ZipFile(io.BytesIO(editor.get("/staff/export/public.zip").data)) as archive:
        files = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    assert "Harbour Outreach" in files["services.csv"]
    assert_no_secret("\n".join(files.values()))
    linked = {row["location_id"] for row in csv.DictReader(io.StringIO(files["service_at_location.csv"]))}
    assert str(shared["place"].id) not in linked
    sheet = editor.get("/staff/export/services.csv").get_data(as_text=True)
    assert "Harbour Outreach" in sheet
    assert_no_secret(sheet)


def test_a_place_is_confidential_whenever_any_service_there_is_even_an_unpublished_one(client, session, shared,
                                                                                        reindex):
    refuge = session.exec(select(ServiceAtLocation).where(
        ServiceAtLocation.service_id == shared["refuge"].id)).one().service
    refuge.published = False
    reindex()
    assert_no_secret(client.get(f"/services/{shared['outreach'].id}").get_data(as_text=True))
    assert_no_secret(client.get(f"/api/services/{shared['outreach'].id}").get_data(as_text=True))
