"""Resolving what people type into places, offline, from the bundled gazetteer."""

import csv
import shutil
from pathlib import Path

import pytest

from directory.places.gazetteer import Gazetteer, normalise_postcode
from search.distance import Point, miles_between

GAZETTEER = Path(__file__).resolve().parents[3] / "data" / "gazetteer"
KM_PER_MILE = 1.609344


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.from_folder(GAZETTEER)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("bn11aa", "BN1 1AA"), (" BN1  1aa ", "BN1 1AA"), ("RH101AA", "RH10 1AA"), ("sw1a1aa", "SW1A 1AA"),
     ("BN1", None), ("Crawley", None), ("BN1 1A", None), ("", None)],
)
def test_postcodes_are_normalised_whatever_the_spacing_and_case(typed, expected):
    assert normalise_postcode(typed) == expected


# Reference centroids of postcode districts spread over Sussex. Source: outcode centroids as
# published in ONSPD-derived outcode tables, recalled to about 0.005°; they could not be
# re-checked against ONSPD offline, so the tolerance is the brief's 2 km.
REFERENCE_OUTCODE_CENTROIDS = {
    "BN1": (50.835, -0.142),
    "BN3": (50.834, -0.175),
    "BN11": (50.815, -0.373),
    "BN21": (50.771, 0.281),
    "TN34": (50.860, 0.580),
    "RH10": (51.115, -0.140),
    "RH11": (51.105, -0.205),
    "PO19": (50.835, -0.780),
    "PO21": (50.785, -0.690),
    "RH12": (51.070, -0.340),
    "BN7": (50.875, -0.010),
    "RH16": (51.000, -0.095),
    "RH19": (51.125, -0.010),
}


@pytest.mark.parametrize("outcode", sorted(REFERENCE_OUTCODE_CENTROIDS))
def test_outcode_centroids_are_within_two_kilometres(gazetteer, outcode):
    place = gazetteer.resolve(outcode).place
    reference = Point(*REFERENCE_OUTCODE_CENTROIDS[outcode])
    assert miles_between(place.point, reference) * KM_PER_MILE <= 2.0


def test_every_sussex_district_has_its_ons_code(gazetteer):
    codes = {"E06000043", "E07000223", "E07000224", "E07000225", "E07000226", "E07000227", "E07000228",
             "E07000229", "E07000061", "E07000062", "E07000063", "E07000064", "E07000065"}
    assert codes <= set(gazetteer.district_names)


@pytest.mark.parametrize(
    ("typed", "label", "district"),
    [("Crawley", "Crawley", "E07000226"), ("Bognor", "Bognor Regis", "E07000224"),
     ("St Leonards", "Saint Leonards-on-Sea", "E07000062"), ("st. leonards", "Saint Leonards-on-Sea", "E07000062"),
     ("Haywards Heath", "Haywards Heath", "E07000228"), ("East Grinstead", "East Grinstead", "E07000228"),
     ("Polegate", "Polegate", "E07000065"), ("Three Bridges", "Crawley", "E07000226"),
     ("Brighton & Hove", "Brighton and Hove", "E06000043"), ("rh10", "RH10", "E07000226")],
)
def test_towns_villages_districts_and_outcodes_resolve(gazetteer, typed, label, district):
    place = gazetteer.resolve(typed).place
    assert (place.label, place.area_codes[0]) == (label, district)
    assert "SUSSEX" in place.area_codes


def test_a_place_knows_every_area_that_contains_it(gazetteer):
    assert gazetteer.resolve("Crawley").place.area_codes == ("E07000226", "E10000032", "SUSSEX")
    assert gazetteer.resolve("Hove").place.area_codes == ("E06000043", "SUSSEX")


def test_a_full_postcode_prefers_the_postcode_table(gazetteer):
    exact = Point(50.8216, -0.1400)
    found = gazetteer.resolve("BN1 1AA", postcode_lookup=lambda postcode: exact).place
    assert (found.label, found.point, found.approximate) == ("BN1 1AA", exact, False)
    fallback = gazetteer.resolve("BN1 1AA").place
    assert (fallback.label, fallback.approximate) == ("BN1", True)


def test_a_postcode_outside_sussex_is_outside_in_its_postcode_area(gazetteer):
    resolution = gazetteer.resolve("M1 1AE")
    assert (resolution.place, resolution.outside) == (None, "the Manchester postcode area")


def test_a_border_postcode_in_an_area_sussex_shares_is_placed_in_its_postcode_area(gazetteer):
    place = gazetteer.resolve("RH6 0AA").place  # Horley and Gatwick: searched by distance from the RH area
    assert place.approximate and miles_between(place.point, gazetteer.areas["RH"].point) < 0.1


@pytest.mark.parametrize("typed", ["Atlantis", "ZZ99 9ZZ", "Newport", "", "x" * 1000])
def test_unknown_places_are_not_found(gazetteer, typed):
    assert not gazetteer.resolve(typed).found


def test_the_online_geocoder_is_asked_only_what_the_gazetteer_cannot_answer(gazetteer):
    asked = []

    def online(text):
        asked.append(text)
        return Point(50.0, -1.0)

    gazetteer.resolve("Crawley", online=online)
    gazetteer.resolve("RH10", online=online)
    assert asked == []
    assert gazetteer.resolve("Little Hampden Farm", online=online).place.point == Point(50.0, -1.0)
    assert asked == ["Little Hampden Farm"]


@pytest.fixture
def gazetteer_with_two_newhavens(tmp_path):
    folder = Path(shutil.copytree(GAZETTEER, tmp_path / "gazetteer"))
    with (folder / "places.csv").open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(["Newhaven", "", "village", "51.0", "-0.3", "E07000227", "E10000032",
                                     "test", "test"])
    return folder


def test_a_name_shared_by_two_places_offers_a_choice(gazetteer_with_two_newhavens):
    gazetteer = Gazetteer.from_folder(gazetteer_with_two_newhavens)
    resolution = gazetteer.resolve("Newhaven")
    assert not resolution.found
    labels = sorted(gazetteer.describe(place) for place in resolution.candidates)
    assert labels == ["Newhaven (Horsham)", "Newhaven (Lewes)"]
    chosen = gazetteer.resolve("Newhaven (Horsham)").place
    assert chosen.point == Point(51.0, -0.3)


def test_a_bare_point_takes_the_areas_of_the_nearest_district(gazetteer):
    assert gazetteer.around(Point(51.11, -0.19)).area_codes[0] == "E07000226"
    assert gazetteer.around(Point(53.48, -2.24)).area_codes == ()
