"""The bundled directory's languages and needs, as a visitor finds them: each dialect its own choice, each need served.

Sorani and Kurmanji are different enough that a Sorani speaker may not follow Kurmanji: "Kurdish"
alone would promise what a service may not give. Dari and Pashto are what most people from
Afghanistan speak, so the filter must know them by name.
"""

import re
from html import unescape

import pytest
from sqlmodel import Session, select

from directory.listings.queries import NEEDS_TAXONOMY, terms_in
from directory.models import Language, Service

NEW_NEEDS = ("anti-social-behaviour", "violent-crime", "online-abuse", "criminal-exploitation", "elder-abuse",
             "witness-court-support", "restorative-justice")


def language_choices(client) -> dict[str, str]:
    html = client.get("/search").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*name="language".*?</select>', html, re.S).group(0)
    return {value: unescape(label.strip()) for value, label in
            re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select_html)}


def speakers(sample_app, code: str) -> set[str]:
    """Names of the public services that list a language."""
    with Session(sample_app.extensions["database"]) as session:
        return set(session.exec(select(Service.name).join(Language, Language.service_id == Service.id)
                                .where(Service.listed(), Language.code == code)).all())


def found(client, **query) -> set[str]:
    """Names of the services on the first page of results (the sample has fewer than a page of each)."""
    html = client.get("/search", query_string=query).get_data(as_text=True)
    return {unescape(name) for name in re.findall(r'<a class="govuk-link" href="/services/[^"]+"[^>]*>([^<]+)</a>', html)}


def test_the_language_filter_offers_each_kurdish_dialect_dari_and_pashto_by_name(sample_client):
    choices = language_choices(sample_client)
    assert choices["ckb"] == "Kurdish (Sorani)"
    assert choices["kmr"] == "Kurdish (Kurmanji)"
    assert choices["prs"] == "Dari"
    assert choices["ps"] == "Pashto"
    assert "ku" not in choices, "plain Kurdish does not say which Kurdish a service speaks"


@pytest.mark.parametrize("code", ["ckb", "kmr", "prs", "ps"])
def test_filtering_by_a_language_finds_exactly_the_services_that_speak_it(sample_app, sample_client, code):
    expected = speakers(sample_app, code)
    assert len(expected) >= 2, "the premise: the sample has several services for this language"
    assert found(sample_client, language=code) == expected


def test_sorani_and_kurmanji_are_not_the_same_filter(sample_app):
    sorani, kurmanji = speakers(sample_app, "ckb"), speakers(sample_app, "kmr")
    assert sorani - kurmanji and kurmanji - sorani


def test_searching_for_kurdish_finds_services_for_either_dialect(sample_client):
    assert {"Harmful practices support (FGM, forced marriage and honour-based abuse)",
            "BHT advice centre: housing and immigration advice"} <= found(sample_client, q="kurdish")


@pytest.mark.parametrize("code", NEW_NEEDS)
def test_each_need_can_be_browsed_and_finds_services(sample_app, sample_client, code):
    with Session(sample_app.extensions["database"]) as session:
        assert code in {term.code for term in terms_in(session, NEEDS_TAXONOMY)}
    assert f'href="/search?category={code}"' in sample_client.get("/").get_data(as_text=True)
    assert found(sample_client, category=code)
