"""No dead ends: a search that finds little still offers 24-hour help and ways to widen it; a misspelt
place gets a suggestion, a place outside Sussex national services; "open now" is judged in UK time."""

import re
from datetime import datetime, timezone
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from directory import clock


class Section(HTMLParser):
    """The text and links inside the element with an id, as a person reads them."""

    def __init__(self, html: str, element_id: str):
        super().__init__()
        self.element_id, self.depth, self.text, self.links = element_id, 0, [], []
        self._href = None
        self.feed(html)

    @property
    def found(self) -> bool:
        return bool(self.text or self.links)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += 1
        elif attrs.get("id") == self.element_id:
            self.depth = 1
        if self.depth and tag == "a":
            self._href = attrs.get("href")
            self.links.append([self._href, ""])

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
        if tag == "a":
            self._href = None

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
            if self._href is not None:
                self.links[-1][1] += data

    def link_names(self) -> list[str]:
        return [" ".join(text.split()) for _, text in self.links]


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def query(href: str) -> dict:
    return parse_qs(urlsplit(href).query)


NOTHING_MATCHES = "&language=cy&audience=men"  # Welsh-speaking services for men: none for rape in the sample


def test_a_search_that_finds_nothing_shows_the_24_hour_help_for_its_need(sample_client):
    html = page(sample_client, "/search?q=rape" + NOTHING_MATCHES)
    assert "0 services found" in html
    help_ = Section(html, "round-the-clock")
    assert "24/7 Rape and Sexual Abuse Support Line" in help_.link_names()
    assert "Saturn Centre sexual assault referral centre (SARC)" in help_.link_names()
    assert "Modern Slavery & Exploitation Helpline" not in help_.link_names()


def test_the_need_is_told_from_the_words_in_any_language_or_spelling(sample_client):
    for words in ("trafficking", "handel ludźmi", "traficking"):
        names = Section(page(sample_client, f"/search?q={words}" + NOTHING_MATCHES), "round-the-clock").link_names()
        assert names[0] == "Modern Slavery & Exploitation Helpline", words


def test_words_that_tell_no_need_get_the_general_24_hour_lines(sample_client):
    names = Section(page(sample_client, "/search?q=zzzzqx"), "round-the-clock").link_names()
    assert {"National Domestic Abuse Helpline", "Victim Support Supportline"} <= set(names)


def test_999_and_the_silent_solution_are_always_said_when_little_is_found(sample_client):
    emergency = Section(page(sample_client, "/search?q=zzzzqx"), "emergency").words
    assert "999" in emergency and "55" in emergency


def test_a_search_with_few_results_still_shows_the_24_hour_help_below_them(sample_client):
    html = page(sample_client, "/search?q=restorative+justice")
    results = Section(html, "results").link_names()
    assert 0 < len(results) < 3
    assert html.index('id="results"') < html.index('id="dead-end"')
    assert Section(html, "round-the-clock").found


def test_a_search_with_enough_results_shows_no_dead_end_help(sample_client):
    assert not Section(page(sample_client, "/search?q=domestic+abuse"), "dead-end").found


def test_the_widen_links_keep_the_words_and_drop_what_narrowed_the_search(sample_client):
    html = page(sample_client, "/search?q=rape&where=Rye&radius=1" + NOTHING_MATCHES)
    links = {name: href for href, name in Section(html, "widen").links}
    assert set(links) == {"Remove the filters", "Search at any distance", "Search all of Sussex", "See all services"}
    no_filters = query(links["Remove the filters"])
    assert no_filters["q"] == ["rape"] and no_filters["where"] == ["Rye"] and "language" not in no_filters
    anywhere = query(links["Search at any distance"])
    assert anywhere["q"] == ["rape"] and anywhere["radius"] == ["any"] and anywhere["language"] == ["cy"]
    sussex = query(links["Search all of Sussex"])
    assert sussex["q"] == ["rape"] and "where" not in sussex and "radius" not in sussex
    assert query(links["See all services"]) == {}


def test_following_a_widen_link_finds_services(sample_client):
    html = page(sample_client, "/search?q=rape" + NOTHING_MATCHES)
    links = {name: href for href, name in Section(html, "widen").links}
    assert Section(page(sample_client, links["Remove the filters"]), "results").link_names()


# -- places --------------------------------------------------------------------------------------------------

def test_a_misspelt_town_offers_the_town_as_a_link_keeping_the_search(sample_client):
    html = page(sample_client, "/search?q=refuge&where=Crawly&radius=5")
    (href, name), *_ = Section(html, "place-suggestions").links
    assert name == "Crawley"
    args = query(href)
    assert (args["q"], args["where"], args["radius"]) == (["refuge"], ["Crawley"], ["5"])
    assert "Nearest first" in page(sample_client, href)


def test_a_place_outside_sussex_shows_national_services_not_place_not_found(sample_client):
    html = page(sample_client, "/search?q=domestic+abuse&where=London")
    assert "Place not found" not in html
    assert "London is outside Sussex. These national services help wherever you are." in Section(
        html, "place-outside").words
    names = Section(html, "results").link_names()
    assert "National Domestic Abuse Helpline" in names
    assert "Domestic abuse outreach and recovery (West Sussex)" not in names


@pytest.mark.parametrize("postcode", ["SW1A 1AA", "ME1 1AA"])
def test_a_postcode_outside_sussex_is_outside_too(sample_client, postcode):
    assert "is outside Sussex" in Section(page(sample_client, f"/search?q=rape&where={postcode}"), "place-outside").words


@pytest.mark.parametrize("words", ["domestic abuse BN1 1AA", "domestic abuse bn11aa"])
def test_a_postcode_typed_with_the_words_is_the_place(sample_client, words):
    html = page(sample_client, f"/search?q={words}")
    assert "Nearest first" in Section(html, "results-place").words
    assert 'value="domestic abuse"' in html and 'value="BN1 1AA"' in html


def test_a_postcode_alone_in_the_words_box_searches_near_it(sample_client):
    html = page(sample_client, "/search?q=BN11+1AA")
    assert "BN11" in Section(html, "results-place").words


# -- open now ------------------------------------------------------------------------------------------------

@pytest.fixture
def saturday_3am(monkeypatch):
    """03:00 on Saturday 4 July 2026, UK time (02:00 UTC)."""
    monkeypatch.setattr(clock, "_utc_now", lambda: datetime(2026, 7, 4, 2, 0, tzinfo=timezone.utc))


@pytest.fixture
def tuesday_11am(monkeypatch):
    monkeypatch.setattr(clock, "_utc_now", lambda: datetime(2026, 7, 7, 10, 0, tzinfo=timezone.utc))


def test_open_now_at_3am_keeps_only_round_the_clock_services(sample_client, saturday_3am):
    names = Section(page(sample_client, "/search?q=domestic+abuse&open_now=y"), "results").link_names()
    assert "National Domestic Abuse Helpline" in names
    assert "Domestic abuse outreach and recovery (West Sussex)" not in names


def test_open_now_on_a_weekday_morning_includes_office_hours_services(sample_client, tuesday_11am):
    names = Section(page(sample_client, "/search?q=domestic+abuse&open_now=y"), "results").link_names()
    assert "Domestic abuse outreach and recovery (West Sussex)" in names


def test_results_say_open_24_hours_or_open_now(sample_client, tuesday_11am):
    html = page(sample_client, "/search?q=domestic+abuse&per_page=50")
    assert "Open 24 hours" in html and "Open now" in html


def test_the_service_page_says_open_now_only_when_it_is(sample_client, monkeypatch):
    html = page(sample_client, "/search?q=Domestic+abuse+outreach+and+recovery")
    href = next(h for h, name in Section(html, "results").links if name == "Domestic abuse outreach and recovery (West Sussex)")
    monkeypatch.setattr(clock, "_utc_now", lambda: datetime(2026, 7, 7, 10, 0, tzinfo=timezone.utc))
    assert "Open now" in page(sample_client, href)
    monkeypatch.setattr(clock, "_utc_now", lambda: datetime(2026, 7, 4, 2, 0, tzinfo=timezone.utc))
    assert "Open now" not in page(sample_client, href)


def test_a_corrected_typo_says_what_was_searched_for(sample_client):
    html = unescape(sample_client.get("/search", query_string={"q": "domestc abuse"}).get_data(as_text=True))
    assert re.search(r'id="results-corrected">Showing results for “<bdi>domestic abuse</bdi>”', html)
    assert 'id="results-corrected"' not in sample_client.get("/search?q=domestic+abuse").get_data(as_text=True)
