"""The victim support card and the page its QR code opens: wording in the victim's language, a QR code.

Found by an abuser, neither may reveal what happened. So both show a service only as
`card_entry` describes it: the name on the card, numbers, hours and confirmed promises,
never a service's own name or any description (either can name the harm).

The QR code is drawn here (qrcode, as SVG): no third-party service ever sees the link.
No Flask here.
"""

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import qrcode
import qrcode.image.svg

from directory.conditions import by_name
from directory.listings.wording import WEEK, open_around_the_clock

_DIRECTIONS = {"ltr", "rtl"}
# What a card may promise, and how a service may contact the victim: printed only for a yes.
_PROMISES = ("immigration_status", "interpreters", "no_status_questions", "data_sharing_stance")
_CONTACT = ("withheld_number_calls", "leaves_voicemail", "sends_texts", "sends_letters")
# Romanian is often typed with cedillas (ş, ţ) instead of commas (ș, ț), and French with a curly
# apostrophe: each pair is the same letter to a reader, so to the harm check.
_SAME_LETTER = str.maketrans("şţŞŢ’", "șțȘȚ'")


@dataclass(frozen=True)
class CardWording:
    code: str
    name: str
    dir: str
    phrases: dict

    def __getitem__(self, key: str):
        return self.phrases[key]


def read_phrases(path: str | Path) -> dict[str, CardWording]:
    """Code and direction are checked here because the page's <html> tag carries them."""
    with open(path, "rb") as file:
        document = tomllib.load(file)
    for code, block in document.items():
        if not re.fullmatch(r"[a-z]{2,3}", code) or block["dir"] not in _DIRECTIONS:
            raise ValueError(f"{path}: [{code}] needs a two- or three-letter code and dir ltr or rtl")
    return {code: CardWording(code, block["name"], block["dir"], block) for code, block in document.items()}


def wording_for(phrases: dict[str, CardWording], language: str | None) -> CardWording:
    """The card's wording in `language`, or English when there is no translation yet."""
    return phrases.get(language or "en", phrases["en"])


def read_harm_words(path: str | Path) -> dict[str, tuple[str, ...]]:
    """Each card language's words that say what happened to someone."""
    with open(path, "rb") as file:
        return {code: tuple(block["words"]) for code, block in tomllib.load(file).items()}


def _folded(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(_SAME_LETTER)


@lru_cache(maxsize=32)
def _harm_pattern(words: tuple[str, ...]) -> re.Pattern:
    # Each word of a phrase may run on ("forced marriages"), and may be split by a space or a hyphen.
    phrases = (r"\w*\W+".join(map(re.escape, re.split(r"[\s-]+", _folded(word).strip()))) for word in words)
    return re.compile(r"(?<!\w)(?:" + "|".join(phrases) + ")", re.IGNORECASE)


def names_a_harm(text: str, words: Iterable[str]) -> bool:
    """Whether `text` has one of `words` (or phrases) as a whole word or the start of one, in any case."""
    return bool(_harm_pattern(tuple(words)).search(_folded(text)))


def name_on_card(service) -> str:
    """The neutral name an editor set for cards, else the organisation's: never the service's own name."""
    return (service.card_name or "").strip() or service.organization.name


def days_in_words(byday: str | None, wording: CardWording) -> str:
    """"MO,TU,WE" → "Monday, Tuesday, Wednesday" in the card's language, with its list separator."""
    names = dict(zip(WEEK, wording["days"]))
    return wording["separator"].join(names[code] for code in (byday or "").split(",") if code in names)


@dataclass(frozen=True)
class CardEntry:
    """One service as a card or its page shows it. Every text is the card's wording or the name on the card."""

    name: str
    renamed: bool  # the name on the card itself named a harm, so a neutral phrase stands in for it
    numbers: tuple[tuple[str, str], ...]  # ("phone" or "text", number): a text-only number is never a phone
    hours: tuple[tuple[str, str], ...]  # (days in words, "08:00–20:00"); times are "" when open round the clock
    promises: tuple[str, ...]
    warnings: tuple[str, ...]  # what a victim must know before trusting the service: it shares with the Home Office
    contact: tuple[str, ...]


def _confirmed(service, names: tuple[str, ...], wording: CardWording) -> tuple[str, ...]:
    """The phrases for the conditions a service answered yes; a condition with answers of its own
    ("never_shares") has a phrase for each yes answer."""
    conditions = by_name()
    answers = (conditions[name].wording_for(getattr(service, name)) for name in names)
    return tuple(wording[answer.value if answer.value != "yes" else name]
                 for name, answer in zip(names, answers) if answer.state == "yes")


def _promises(service, wording: CardWording) -> tuple[str, ...]:
    """Free interpreters only where the service confirmed both that it has interpreters and that it is free."""
    free = by_name()["free"].is_yes(service.free)
    return tuple(phrase for phrase in _confirmed(service, _PROMISES, wording)
                 if free or phrase != wording["interpreters"])


def _warnings(service, wording: CardWording) -> tuple[str, ...]:
    """A service that shares with the Home Office says so on the card: never a silent tick beside it."""
    stance = by_name()["data_sharing_stance"].wording_for(service.data_sharing_stance)
    return (wording[stance.value],) if stance.state == "no" else ()


def _hours(service, wording: CardWording) -> tuple[tuple[str, str], ...]:
    if open_around_the_clock(service):
        return ((wording["always_open"], ""),)
    lines = []
    for schedule in service.schedules:
        days = days_in_words(schedule.byday, wording)
        if days:
            times = f"{schedule.opens_at}–{schedule.closes_at}" if schedule.opens_at and schedule.closes_at else ""
            lines.append((days, times))
    return tuple(lines)


def card_entry(service, wording: CardWording, harm_words: dict[str, tuple[str, ...]]) -> CardEntry:
    """A name that names a harm in any card language is never printed: the card may be read in any of them."""
    name = name_on_card(service)
    renamed = names_a_harm(name, [word for words in harm_words.values() for word in words])
    return CardEntry(
        name=wording["unnamed"] if renamed else name,
        renamed=renamed,
        numbers=tuple(("text" if phone.type == "text" else "phone", phone.number) for phone in service.phones),
        hours=_hours(service, wording),
        promises=_promises(service, wording),
        warnings=_warnings(service, wording),
        contact=_confirmed(service, _CONTACT, wording),
    )


def qr_svg(url: str, label: str = "QR code for the link below") -> str:
    """An SVG QR code for `url`, sized by its viewBox so the page decides how big to print it.

    Also draws the authenticator-app QR code at second-factor set-up: its secret never leaves the server.
    """
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    svg = image.to_string(encoding="unicode")
    return svg.replace('width="', 'data-width="', 1).replace('height="', 'data-height="', 1).replace(
        "<svg ", f'<svg role="img" aria-label="{label}" class="app-qr" ', 1)
