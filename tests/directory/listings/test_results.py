"""A list of search results reads only what it shows, under the same rules as the service page."""

from sqlmodel import select

from directory.listings.confidentiality import has_confidential_place, place_loads
from directory.listings.results import listed_services
from directory.listings.wording import opening_state
from directory.models import Location, Schedule, Service, ServiceAtLocation
from tests.factories import make_organization, make_service


def test_a_listed_services_distance_is_coarse_exactly_when_its_page_says_so(session):
    trust = make_organization(session, "Harbour Trust")
    refuge = make_service(session, "Harbour Refuge", organization=trust, confidential_location=True,
                          point=(50.83, -0.17), published=False)
    outreach = make_service(session, "Harbour Outreach", organization=trust)
    shared_place = session.exec(select(ServiceAtLocation).where(ServiceAtLocation.service_id == refuge.id)).one()
    session.add(ServiceAtLocation(service_id=outreach.id, location_id=shared_place.location_id))
    helpline = make_service(session, "Quiet Line", confidential_location=True)
    drop_in = make_service(session, "Town Drop-in", point=(50.82, -0.14), address=("1 High St", "Hove", "BN3 1AA"))
    session.add(Location(organization_id=trust.id, name="Unlinked"))
    session.commit()
    everyone = [refuge, outreach, helpline, drop_in]
    services = session.exec(select(Service).where(Service.id.in_([s.id for s in everyone])).options(*place_loads()))
    on_their_pages = {service.id: has_confidential_place(service) for service in services}
    listed = {service.id: service.coarse_distance
              for service in listed_services(session, [str(s.id) for s in everyone])}
    assert listed == {s.id: on_their_pages[s.id] for s in (outreach, helpline, drop_in)}
    assert listed == {outreach.id: True, helpline.id: True, drop_in.id: False}


def test_listed_services_keep_the_order_given_and_leave_out_services_not_listed(session):
    first, second, hidden = (make_service(session, name) for name in ("First", "Second", "Hidden"))
    hidden.published = False
    session.commit()
    found = listed_services(session, [str(second.id), str(hidden.id), str(first.id)])
    assert [service.name for service in found] == ["Second", "First"]
    assert listed_services(session, []) == []


def test_a_listed_service_holds_what_its_result_shows(session):
    service = make_service(session, "Night Line", description="Someone to talk to.", free="yes",
                           needs={"domestic-abuse": "Domestic abuse", "mental-health": "Mental health"},
                           phone="0808 000 0000")
    session.add(Schedule(service_id=service.id, freq="WEEKLY", byday="MO,TU,WE,TH,FR,SA,SU", opens_at="00:00",
                         closes_at="23:59"))
    session.commit()
    [listed] = listed_services(session, [str(service.id)])
    assert (listed.name, listed.description, listed.organization_name) == (
        "Night Line", "Someone to talk to.", "Sussex Support Trust")
    assert sorted((term.code, term.name) for term in listed.needs) == [
        ("domestic-abuse", "Domestic abuse"), ("mental-health", "Mental health")]
    assert [(phone.number, phone.type) for phone in listed.phones] == [("0808 000 0000", "voice")]
    assert "Free" in listed.badges
    assert opening_state(listed.opening) == "24_hours"
    assert not listed.coarse_distance
