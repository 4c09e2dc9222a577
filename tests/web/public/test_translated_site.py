"""The public site in victims' languages, as a visitor meets it: the language in the address, never a cookie.

Every public page answers at its English address and under each language's prefix, says which
language it is in (and which way it reads), links to itself in every other language, keeps the
visitor in their language from page to page, and says plainly when a translation is still a draft.
"""

import re
import tomllib
from html import unescape

import pytest
from babel.messages.pofile import read_po

from directory.languages import LANGUAGES, TRANSLATED, TRANSLATIONS, catalogue_digest
from directory.languages import language as language_for
from tests.conftest import _app

RIGHT_TO_LEFT = {"ar", "fa", "ckb", "ur"}
DRAFT_NOTICE = 'id="draft-translation"'


def translation(code: str, msgid: str) -> str:
    with language_for(code).catalogue.open("rb") as handle:
        return read_po(handle)[msgid].string


def prefixed(code: str, path: str) -> str:
    return path if code == "en" else f"/{code}{path}"


@pytest.fixture(scope="module")
def a_service(sample_app):
    html = sample_app.test_client().get("/search?q=refuge").get_data(as_text=True)
    return re.search(r'href="/services/([^"?]+)', html).group(1)


@pytest.fixture(scope="module")
def public_paths(a_service):
    return ["/", "/search?q=domestic+abuse&where=Crawley", f"/services/{a_service}",
            f"/services/{a_service}/report", "/safety", "/if-you-tell-the-police", "/help-without-the-police"]


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_every_public_page_answers_in_every_language_saying_its_language_and_direction(sample_client, public_paths,
                                                                                      language):
    for path in public_paths:
        response = sample_client.get(prefixed(language.code, path))
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response.headers, path
        html = response.get_data(as_text=True)
        direction = "rtl" if language.code in RIGHT_TO_LEFT else "ltr"
        assert f'<html lang="{language.code}" dir="{direction}"' in html, path


@pytest.mark.parametrize("code", ["pl", "ar", "zh"])
def test_a_page_is_in_its_language_and_its_links_stay_in_it(sample_client, code):
    html = sample_client.get(f"/{code}/").get_data(as_text=True)
    heading = translation(code, "Find support after crime or abuse in Sussex")
    assert heading and heading in unescape(html)
    assert "Find support after crime or abuse in Sussex" not in html
    links = re.findall(r'href="(/[^"]*)"', html)
    own = [link for link in links if not link.startswith(("/static/", f"/{code}/")) and link != "/"]
    # Only the language list leads out of the language (to the English and the other translations).
    assert set(own) <= {f"/{other.code}/" for other in TRANSLATED} | {"/"}, own
    assert f'href="/{code}/search?category=domestic-abuse"' in html


def test_every_page_links_to_itself_in_every_language_keeping_the_search(sample_client):
    html = sample_client.get("/pl/search?q=przemoc&where=Crawley").get_data(as_text=True)
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)"', html))
    assert set(alternates) == {language.code for language in LANGUAGES}
    assert unescape(alternates["en"]) == "/search?q=przemoc&where=Crawley"
    assert unescape(alternates["ar"]) == "/ar/search?q=przemoc&where=Crawley"
    for language in LANGUAGES:  # the visible list, each name in its own language and direction
        assert f'hreflang="{language.code}" lang="{language.code}" dir="{language.direction}"' in html


def test_taxonomy_labels_come_from_the_data_beside_the_catalogue(sample_client):
    labels = tomllib.loads((TRANSLATIONS / "uk" / "terms.toml").read_text(encoding="utf-8"))
    html = unescape(sample_client.get("/uk/").get_data(as_text=True))
    assert labels["domestic-abuse"] in html and labels["modern-slavery"] in html
    assert ">Domestic abuse<" not in html


def test_access_conditions_and_badges_are_said_in_the_visitors_language(sample_client, a_service):
    html = unescape(sample_client.get(f"/ar/services/{a_service}").get_data(as_text=True))
    assert translation("ar", "Helps people whatever their immigration status") in html
    assert translation("ar", "Not known: ask the service") in html or translation("ar", "Yes") in html
    results = unescape(sample_client.get("/ar/search?q=refuge").get_data(as_text=True))
    assert translation("ar", "Open regardless of immigration status") in results


def test_a_service_page_says_in_the_visitors_language_that_its_details_are_in_english(sample_client, a_service):
    english = sample_client.get(f"/services/{a_service}").get_data(as_text=True)
    polish = unescape(sample_client.get(f"/pl/services/{a_service}").get_data(as_text=True))
    assert 'id="english-only"' not in english
    assert translation("pl", "The service wrote its details in English. Ask for an interpreter when you contact "
                             "them: many services can arrange one for free.") in polish
    assert '<p class="govuk-body-l" lang="en" dir="auto">' in polish


def test_an_unknown_address_is_not_found_in_the_language_it_asked_for(sample_client):
    assert sample_client.get("/en/search").status_code == 404
    response = sample_client.get("/pl/no-such-page")
    assert response.status_code == 404
    html = unescape(response.get_data(as_text=True))
    assert '<html lang="pl" dir="ltr"' in html and translation("pl", "Page not found") in html


def test_staff_pages_stay_in_english_and_link_to_english_public_pages(sample_client):
    html = sample_client.get("/login").get_data(as_text=True)
    assert '<html lang="en" dir="ltr"' in html
    assert 'rel="alternate"' not in html


@pytest.mark.parametrize("code", [language.code for language in TRANSLATED])
def test_every_translation_says_in_its_language_that_it_has_not_been_checked_until_signed_off(sample_client, code):
    html = unescape(sample_client.get(f"/{code}/safety").get_data(as_text=True))
    assert DRAFT_NOTICE in html
    assert translation(code, "This translation has not yet been checked by a qualified translator. If something is "
                             "unclear, read the page in English or ask a service for an interpreter.") in html
    assert DRAFT_NOTICE not in sample_client.get("/safety").get_data(as_text=True)


def test_a_sign_off_of_this_very_catalogue_removes_the_notice_and_any_change_brings_it_back(tmp_path):
    sign_offs = tmp_path / "sign_offs.toml"
    sign_offs.write_text(f'[pl]\ntranslator = "A. Tłumacz, NRPSI 12345"\nchecked_on = 2026-12-01\n'
                         f'digest = "{catalogue_digest(language_for("pl"))}"\n'
                         f'[ro]\ntranslator = "B. Traducător"\nchecked_on = 2026-12-01\ndigest = "0123456789abcdef"\n')
    app = _app(tmp_path, load_sample=False, TRANSLATION_SIGN_OFFS=str(sign_offs))
    client = app.test_client()
    assert DRAFT_NOTICE not in client.get("/pl/").get_data(as_text=True)
    assert DRAFT_NOTICE in client.get("/ro/").get_data(as_text=True), "signed off for another catalogue"
    assert DRAFT_NOTICE in client.get("/uk/").get_data(as_text=True), "never signed off"


def test_the_service_page_keeps_the_search_it_was_opened_from(sample_client):
    results = sample_client.get("/pl/search?q=refuge&where=Brighton&radius=25").get_data(as_text=True)
    link = unescape(re.search(r'href="(/pl/services/[^"]+)"', results).group(1))
    assert "q=refuge" in link and "where=Brighton" in link and "radius=25" in link
    page = unescape(sample_client.get(link).get_data(as_text=True))
    back = re.search(r'<a href="([^"]+)" class="govuk-back-link[^"]*">([^<]+)</a>', page)
    assert back.group(2) == translation("pl", "Back to results")
    assert back.group(1).startswith("/pl/search?") and "where=Brighton" in back.group(1)
    opened_directly = sample_client.get(link.split("?")[0]).get_data(as_text=True)
    assert "govuk-back-link" not in opened_directly


def test_a_refused_report_says_why_in_the_visitors_language_with_the_exit_button(sample_client, a_service):
    path = f"/pl/services/{a_service}/report"
    response = sample_client.post(path, data={"csrf_token": "forged", "kind": "something_else"})
    assert response.status_code == 400
    html = unescape(response.get_data(as_text=True))
    assert translation("pl", "The form has expired or did not come from this site. Open it again.") in html
    assert translation("pl", "Exit this page") in html and '<html lang="pl" dir="ltr"' in html


def test_an_uncompiled_catalogue_stops_the_app_rather_than_falling_back_to_english(tmp_path, monkeypatch):
    import directory.languages

    for language in TRANSLATED:  # compiled, as `make install` leaves them, except Polish, changed since
        folder = tmp_path / "translations" / language.code / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_bytes(language.catalogue.read_bytes())
        if language.code != "pl":
            (folder / "messages.mo").write_bytes(language.catalogue.with_suffix(".mo").read_bytes())
    monkeypatch.setattr(directory.languages, "TRANSLATIONS", tmp_path / "translations")
    with pytest.raises(RuntimeError, match=r"The catalogues of pl are not compiled: run `make translations`"):
        _app(tmp_path, load_sample=False)
