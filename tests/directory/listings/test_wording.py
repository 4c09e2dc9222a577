"""Distances said to the public: a confidential place only ever as a coarse band, never its own distance."""

from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest

from directory.conditions import CONDITIONS, Answer
from directory.listings.wording import (
    DISTANCE_BANDS_MILES,
    badges,
    date_time,
    distance_text,
    long_date,
    need_terms,
    open_around_the_clock,
    public_addresses,
)
from directory.models import Schedule

CONFIDENTIAL = SimpleNamespace(confidential_location=True, service_at_locations=[])
PUBLIC = SimpleNamespace(confidential_location=False, service_at_locations=[])


def at_one_place(*services, address=None):
    """Services linked to one shared location (as an HSDS package may link them)."""
    location = SimpleNamespace(addresses=[address] if address else [], service_links=[])
    for service in services:
        link = SimpleNamespace(location=location, service=service)
        service.service_at_locations = [link]
        location.service_links.append(link)
    return location


@pytest.mark.parametrize(("miles", "said"), [
    (0.0, "Within 1 mile"), (1.0, "Within 1 mile"), (1.001, "Within 3 miles"), (3.0, "Within 3 miles"),
    (3.2, "Within 5 miles"), (5.0, "Within 5 miles"), (9.99, "Within 10 miles"), (10.0, "Within 10 miles"),
    (24.5, "Within 25 miles"), (25.0, "Within 25 miles"), (25.01, "Within 50 miles"), (50.0, "Within 50 miles"),
    (50.01, "More than 50 miles away"), (400.0, "More than 50 miles away"),
])
def test_a_confidential_place_is_said_only_as_a_band_at_every_edge(miles, said):
    assert str(distance_text(CONFIDENTIAL, miles)) == said


def test_the_bands_are_no_finer_than_promised():
    assert DISTANCE_BANDS_MILES == (1, 3, 5, 10, 25, 50)


@pytest.mark.parametrize(("miles", "said"), [
    (0.0, "Less than 0.1 miles away"), (0.099, "Less than 0.1 miles away"), (0.1, "0.1 miles away"),
    (2.44, "2.4 miles away"), (2.46, "2.5 miles away"), (61.0, "61.0 miles away"),
])
def test_a_public_place_is_said_to_a_tenth_of_a_mile(miles, said):
    assert str(distance_text(PUBLIC, miles)) == said


def test_no_distance_says_nothing():
    assert distance_text(CONFIDENTIAL, None) == "" and distance_text(PUBLIC, None) == ""


def test_dates_are_said_the_uk_way_and_a_missing_one_as_never():
    assert long_date(date(2026, 3, 7)) == "7 March 2026" and long_date(None) == "never"


EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"


def open_on(*schedules: Schedule) -> bool:
    return open_around_the_clock(SimpleNamespace(schedules=list(schedules)))


def test_round_the_clock_means_every_day_from_midnight_to_midnight():
    assert open_on(Schedule(byday=EVERY_DAY, opens_at="00:00", closes_at="24:00"))
    assert open_on(Schedule(byday="SU,MO,TU,WE,TH,FR,SA", opens_at="00:00", closes_at="23:59"))
    assert open_on(Schedule(byday="MO,TU,WE,TH,FR", opens_at="00:00", closes_at="23:59"),
                   Schedule(byday="SA,SU", opens_at="00:00", closes_at="24:00"))
    assert not open_on(Schedule(byday="MO,TU,WE,TH,FR,SA", opens_at="00:00", closes_at="23:59"))
    assert not open_on(Schedule(byday=EVERY_DAY, opens_at="08:00", closes_at="23:59"))


def test_a_national_helpline_is_said_first_then_what_it_confirmed():
    helpline = SimpleNamespace(national_helpline=True, **{c.name: c.unknown for c in CONDITIONS})
    helpline.free = Answer.YES
    assert badges(helpline) == ["National helpline", "Free"]


def test_needs_are_the_need_terms_only():
    def attribute(link_type, name):
        return SimpleNamespace(link_type=link_type, taxonomy_term=SimpleNamespace(name=name))

    service = SimpleNamespace(attributes=[attribute("need", "Stalking"), attribute("audience", "Women only"),
                                          attribute("need", "Domestic abuse")])
    assert [term.name for term in need_terms(service)] == ["Stalking", "Domestic abuse"]


def test_an_address_is_said_whole_and_a_confidential_one_never():
    address = SimpleNamespace(address_1="10 Quay Street", address_2=None, city="Newhaven", postal_code="BN9 0AA")
    public, refuge = SimpleNamespace(confidential_location=False), SimpleNamespace(confidential_location=True)
    at_one_place(public, address=address)
    at_one_place(refuge, address=address)
    assert public_addresses(public) == ["10 Quay Street, Newhaven, BN9 0AA"]
    assert public_addresses(refuge) == []


def test_a_place_shared_with_a_refuge_is_confidential_for_the_public_service_too():
    address = SimpleNamespace(address_1="3 Hidden Close", address_2=None, city="Horsham", postal_code="RH12 3ZD")
    public, refuge = SimpleNamespace(confidential_location=False), SimpleNamespace(confidential_location=True)
    at_one_place(public, refuge, address=address)
    assert public_addresses(public) == []
    assert str(distance_text(public, 2.44)) == "Within 3 miles"


def test_a_moment_is_said_in_words_and_no_moment_as_nothing():
    assert date_time(None) == ""
    assert date_time(datetime(2026, 7, 7, 14, 5, tzinfo=timezone.utc)) == "7 July 2026, 15:05"  # UK summer time

