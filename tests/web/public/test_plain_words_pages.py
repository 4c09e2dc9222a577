"""Telling victims plainly: what happens to their information if they tell the police, and how to get help
without going to a police station, on every page's header and footer, in every language."""

from html import unescape

import pytest

from directory.content.pages import PAGE_KINDS, bundled
from directory.languages import LANGUAGES

YOUR_INFORMATION = "/if-you-tell-the-police"
WITHOUT_THE_POLICE = "/help-without-the-police"


def test_every_page_links_to_what_happens_to_your_information_in_its_header_and_footer(sample_client):
    for path in ("/", "/search?q=rape", "/safety", WITHOUT_THE_POLICE):
        html = sample_client.get(path).get_data(as_text=True)
        header, footer = html.split("</header>")[0], html.split("<footer")[1]
        assert f'href="{YOUR_INFORMATION}"' in header and f'href="{YOUR_INFORMATION}"' in footer, path
        assert f'href="{WITHOUT_THE_POLICE}"' in footer, path


def test_what_happens_to_your_information_says_the_promises_and_when_they_could_change(sample_client):
    html = unescape(sample_client.get(YOUR_INFORMATION).get_data(as_text=True))
    for words in ("will not contact Immigration Enforcement just because they are unsure about your immigration status",
                  "will not check your status with the Home Office",
                  "If the police have evidence that a crime has been committed",
                  "they must write down the reason",
                  "National Referral Mechanism (NRM)", "goes to the Home Office", "If you are an adult, you decide",
                  "an interpreter, free of charge", "a written record", "complain",
                  "policy 1197/2020"):
        assert words in html, words
    assert "<title>If you tell the police: what happens to your information" in html


def test_ways_to_get_help_without_a_police_station(sample_client):
    html = unescape(sample_client.get(WITHOUT_THE_POLICE).get_data(as_text=True))
    for words in ("You do not have to report a crime to the police to get help", "Crimestoppers",
                  "Sexual Assault Referral Centre (SARC) yourself", "store it safely while you decide",
                  "someone you trust, can tell the police for you"):
        assert words in html, words
    assert 'href="/search?access=police_independent"' in html
    assert "0 services found" not in sample_client.get("/search?access=police_independent").get_data(as_text=True)


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_both_pages_are_shipped_in_every_language_with_links_that_stay_in_it(sample_client, language):
    for kind in PAGE_KINDS:
        text = bundled(kind.slug, language.code)
        assert text is not None and text.title and len(text.body) > 400, kind.slug
        if language.code != "en":
            assert "](/search" not in text.body, "a link to the English search from a translated page"
        prefix = "" if language.code == "en" else f"/{language.code}"
        html = unescape(sample_client.get(f"{prefix}/{kind.slug}").get_data(as_text=True))
        assert f"<h1 class=\"govuk-heading-xl\">{text.title}</h1>" in html


def test_the_emergency_text_says_how_silent_solution_works_and_the_other_ways_to_call(sample_client):
    html = unescape(sample_client.get("/").get_data(as_text=True))
    footer = html.split("<footer")[1]
    for words in ("On a mobile phone, press 55", "does not automatically send the police",
                  "does not work from a landline", "say the name of your language in English", "999 BSL",
                  "emergencySMS", "texting “register” to 999"):
        assert words in footer, words
