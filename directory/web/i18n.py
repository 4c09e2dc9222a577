"""The public site in victims' languages: the language is in the address (/pl/search), never in a cookie.

English pages keep their addresses (/search); every other language's are the same under its code.
Flask-Babel picks the catalogue from the address, so a shared link opens in the language it was
sent in, and nothing about the visitor's language stays on the device. Staff and officer pages
are English.
"""

from pathlib import Path

from babel import Locale
from flask import Flask, current_app, g, request, url_for
from flask_babel import Babel, force_locale, format_date, format_decimal, gettext, ngettext
from markupsafe import Markup
from werkzeug.routing import BaseConverter

from directory.languages import (
    BY_CODE,
    ENGLISH,
    LANGUAGES,
    TRANSLATED,
    TRANSLATIONS,
    Language,
    Phrase,
    catalogue_digest,
    sign_offs,
    term_names,
)
from directory.languages import language as language_for
from directory.listings.wording import long_date, need_terms
from directory.pathway.cards import CARD_PHRASES, CardWording


class LanguageConverter(BaseConverter):
    """Only a translated language's code is an address prefix: /pl/search, never /en/search or /staff/…"""

    regex = "(?:" + "|".join(sorted((lang.code for lang in TRANSLATED), key=len, reverse=True)) + ")"


def current_language() -> Language:
    """The page's language: from its address, also for an error page the address did not match."""
    if "language" in g:
        return g.language
    first = request.path.split("/", 2)[1] if request else ""
    return BY_CODE[first] if first in BY_CODE and first != ENGLISH.code else ENGLISH


def _locale() -> str:
    return current_language().code


def take_language(_endpoint, values) -> None:
    """The public blueprint's url_value_preprocessor: the address's language, out of the view's arguments."""
    g.language = language_for((values or {}).pop("lang", None))


def keep_language(_endpoint, values) -> None:
    """The public blueprint's url_defaults: links between public pages stay in the page's language."""
    values.setdefault("lang", current_language().code if request else ENGLISH.code)


def alternates() -> list[tuple[Language, str]]:
    """This page in every language (the search and its words kept), for hreflang and the language list.

    Worked out once a request: the layout asks for them five times.
    """
    if "alternates" not in g:
        g.alternates = _alternates()
    return g.alternates


def _alternates() -> list[tuple[Language, str]]:
    if request.blueprint != "public" or request.endpoint is None or request.method != "GET":
        return []
    args = {**request.args.to_dict(flat=False), **(request.view_args or {})}
    return [(lang, url_for(request.endpoint, **args, lang=lang.code)) for lang in LANGUAGES]


def unchecked() -> bool:
    """Whether this page's translation has not yet been signed off by a qualified translator."""
    return current_language().code in current_app.extensions["unchecked_languages"]


def term_name(term) -> str:
    """A taxonomy term's label in the page's language, from the data beside the catalogue; else as stored."""
    return term_names(current_language().code).get(term.code or "", term.name)


def language_name(code: str, fallback: str) -> str:
    """The name of a spoken language: as the directory names it on English pages, else in the page's language
    (CLDR, through Babel)."""
    if current_language() is ENGLISH:
        return fallback
    try:
        return Locale.parse(current_language().code).languages.get(code.split("-")[0], fallback)
    except (ValueError, TypeError):
        return fallback


def translate(text: Phrase | str | None) -> str:
    """A domain string (a condition's question, a badge, a distance) in the page's language: msgids marked N_."""
    if isinstance(text, Phrase):
        return text.words(gettext, ngettext, lambda value: format_decimal(value, format="0.0"))
    return gettext(text) if text else ""


def need_labels(service) -> list[str]:
    return [term_name(term) for term in need_terms(service)]


def local_date(value) -> str:
    """A date as the page's language writes it; English pages as the rest of the site does ("5 March 2026")."""
    if value is None or current_language() is ENGLISH:
        return long_date(value)
    return format_date(value, format="long")


def card_wording(code: str | None) -> CardWording:
    """The support card's words in a language the site speaks (else English), with CLDR's day names."""
    language = language_for(code)
    locale = Locale.parse(language.code)
    with force_locale(language.code):
        phrases = {key: gettext(msgid) for key, msgid in CARD_PHRASES.items()}
    phrases["days"] = [locale.days["stand-alone"]["wide"][day] for day in range(7)]  # Monday first
    phrases["separator"] = locale.list_patterns["standard"]["middle"].replace("{0}", "").replace("{1}", "")
    return CardWording(language.code, language.name, language.direction, phrases)


def bdi(text) -> Markup:
    """Words a visitor typed, or a place's name, set apart from the page's direction: an English place name in
    an Arabic sentence keeps its own order, and so does the sentence around it."""
    return Markup("<bdi>{}</bdi>").format(text)


def _unchecked_languages(sign_offs_file: str) -> set[str]:
    signed = sign_offs(Path(sign_offs_file))
    return {lang.code for lang in TRANSLATED
            if lang.code not in signed or signed[lang.code].digest != catalogue_digest(lang)}


def _check_compiled() -> None:
    """Flask-Babel falls back to English without a word when a catalogue is not compiled: refuse to start instead."""
    stale = [lang.code for lang in TRANSLATED
             if not lang.catalogue.with_suffix(".mo").exists()
             or lang.catalogue.with_suffix(".mo").stat().st_mtime < lang.catalogue.stat().st_mtime]
    if stale:
        raise RuntimeError(f"The catalogues of {', '.join(stale)} are not compiled: run `make translations` "
                           "(or `pybabel compile -d data/translations`).")


def init_i18n(app: Flask) -> None:
    _check_compiled()
    app.url_map.converters["lang"] = LanguageConverter
    Babel(app, locale_selector=_locale, default_translation_directories=str(TRANSLATIONS))
    app.extensions["unchecked_languages"] = _unchecked_languages(app.config["TRANSLATION_SIGN_OFFS"])
    app.add_template_global(current_language)
    app.add_template_global(alternates)
    app.add_template_global(unchecked)
    app.add_template_global(term_name)
    app.add_template_filter(term_name)
    app.add_template_global(language_name)
    app.add_template_global(need_labels)
    app.add_template_filter(translate)
    app.add_template_filter(local_date)
    app.add_template_filter(bdi)
