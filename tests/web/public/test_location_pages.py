"""Searching by place on the public pages, on the bundled Sussex sample directory."""

import csv
import re
import shutil
from pathlib import Path

import pytest
from geopy.exc import GeocoderTimedOut, GeocoderUnavailable
from geopy.geocoders import Nominatim

from app import create_app
from directory.places.geocoding import online_geocoder

GAZETTEER = Path(__file__).resolve().parents[3] / "data" / "gazetteer"


def page(client, **query) -> str:
    """The results page, with place names and words read as text (the page sets them apart with <bdi>)."""
    response = client.get("/search", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True).replace("<bdi>", "").replace("</bdi>", "")


def distances(html: str) -> list[str]:
    return re.findall(r'class="[^"]*app-distance[^"]*">([^<]+)<', html)


@pytest.mark.parametrize(
    "where",
    ["BN1 1AA", "bn11aa", "  Bn1   1aA ", "BN3", "RH10", "rh10", "Crawley", "crawley", "Haywards Heath",
     "Bognor", "St Leonards", "Saint Leonards", "East Grinstead", "Mid Sussex", "Wealden", "Brighton and Hove"],
)
def test_each_form_of_place_is_understood(sample_client, where):
    html = page(sample_client, where=where)
    assert "Place not found" not in html and "Which place?" not in html
    assert 'id="results-place"' in html
    assert distances(html), "results should show how far away they are"


def test_results_are_nearest_first_with_distances(sample_client):
    miles = [float(text.split()[0]) for text in distances(page(sample_client, where="Crawley", radius="any"))
             if text[0].isdigit()]
    assert len(miles) > 5 and miles == sorted(miles)


def test_a_full_postcode_without_the_postcode_table_falls_back_to_its_district(sample_client):
    html = page(sample_client, where="BN1 1AA")
    assert "Showing results near BN1." in html


def test_an_unknown_place_gets_a_helpful_message_and_unsorted_results(sample_client):
    html = page(sample_client, q="refuge", where="Atlantis")
    assert "We could not find “Atlantis”" in html
    assert 'value="refuge"' in html  # the search words are kept
    assert "0 services found" not in html
    assert not distances(html)


@pytest.mark.parametrize("where", ["ZZ99 9ZZ", "Atlantis", "x" * 500, "\x00", "%%%", "BN99 9ZZZ"])
def test_places_that_are_nowhere_never_cause_an_error(sample_client, where):
    assert "found" in page(sample_client, where=where)


def test_a_postcode_outside_sussex_is_said_to_be_outside_with_national_services(sample_client):
    html = page(sample_client, where="M1 1AE", radius="any")
    assert "Place not found" not in html
    assert "M1 1AE is outside Sussex" in html
    assert not distances(html)


def test_national_helplines_have_their_own_section(sample_client):
    html = page(sample_client, where="Crawley", radius="1")
    local = html.split('id="national-helplines"')[0]
    national = html.split('id="national-helplines"')[1]
    assert "National helpline" not in local.split('id="results"')[1]
    assert national.count('class="app-result"') >= 3


def test_services_covering_the_area_are_labelled(sample_client):
    html = page(sample_client, where="Crawley", radius="1")
    assert "Covers your area" in html


def test_a_radius_narrows_the_results(sample_client):
    def count(radius):
        return int(re.search(r"(\d+) services? found", page(sample_client, where="Eastbourne", radius=radius,
                                                            category="domestic-abuse")).group(1))
    assert count("1") <= count("10") <= count("any")
    assert count("1") < count("any")


def test_confidential_services_show_a_distance_band_never_an_exact_distance(sample_client):
    html = page(sample_client, q="refuge", where="Hove", radius="any")
    assert re.search(r"Within \d+ miles?|More than 50 miles away", html)


def test_browser_coordinates_are_used_and_never_echoed_finer_than_sent(sample_client):
    html = page(sample_client, lat="50.82", lon="-0.14")
    assert "of your location" in html
    assert distances(html)


@pytest.mark.parametrize(("lat", "lon"), [("91", "0"), ("40.7", "-74.0"), ("abc", "-0.1"), ("", "")])
def test_impossible_or_foreign_browser_coordinates_are_ignored(sample_client, lat, lon):
    html = page(sample_client, lat=lat, lon=lon)
    assert "of your location" not in html


def test_online_geocoding_is_off_unless_configured(sample_app):
    assert sample_app.extensions["geocoder"] is None


@pytest.mark.parametrize("error", [GeocoderTimedOut, GeocoderUnavailable])
def test_online_geocoder_failures_fall_back_to_offline_answers(tmp_path, monkeypatch, error):
    def failing(*_args, **_kwargs):
        raise error("no network")

    monkeypatch.setattr(Nominatim, "geocode", failing)
    lookup = online_geocoder("nominatim", "safe-space-tests")
    assert lookup("Atlantis") is None
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite'}",
                      "SEARCH_INDEX_DIR": str(tmp_path / "ix"), "LOAD_SAMPLE_DATA": False,
                      "GEOCODER": "nominatim", "GEOCODER_USER_AGENT": "safe-space-tests"})
    client = app.test_client()
    assert "We could not find “Atlantis”" in page(client, where="Atlantis")
    assert "Place not found" not in page(client, where="Crawley")


def test_a_geocoder_without_a_user_agent_is_refused_at_start():
    with pytest.raises(ValueError, match="GEOCODER_USER_AGENT"):
        online_geocoder("nominatim", None)


def test_an_ambiguous_place_offers_each_match_with_the_words_kept(tmp_path):
    folder = Path(shutil.copytree(GAZETTEER, tmp_path / "gazetteer"))
    with (folder / "places.csv").open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(["Newhaven", "", "village", "51.0", "-0.3", "E07000227", "E10000032", "t", "t"])
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite'}",
                      "SEARCH_INDEX_DIR": str(tmp_path / "ix"), "LOAD_SAMPLE_DATA": False,
                      "GAZETTEER_DIR": str(folder)})
    html = page(app.test_client(), q="forced marriage", where="Newhaven")
    assert "There is more than one place called “Newhaven”" in html
    assert "where=Newhaven+(Lewes)" in html and "where=Newhaven+(Horsham)" in html
    assert "q=forced+marriage" in html
    assert "Which place?" not in page(app.test_client(), where="Newhaven (Lewes)")
