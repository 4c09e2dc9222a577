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
from directory.languages import N_
from directory.listings.wording import WEEK, open_around_the_clock

# What a card may promise, and how a service may contact the victim: printed only for a yes.
_PROMISES = ("immigration_status", "interpreters", "no_status_questions", "data_sharing_stance")
_CONTACT = ("withheld_number_calls", "leaves_voicemail", "sends_texts", "sends_letters")
# Romanian is often typed with cedillas (ş, ţ) instead of commas (ș, ț), and French with a curly
# apostrophe: each pair is the same letter to a reader, so to the harm check.
_SAME_LETTER = str.maketrans("şţŞŢ’", "șțȘȚ'")


# The card's words, by the key the card and its page use. Each is a message of the site's catalogues,
# so a card can be printed in every language the site speaks (see directory/languages.py); the web
# layer says them in the card's language. None may name a harm in any language (tests check every
# translation against data/harm_words.toml). Day names and the list separator come from CLDR.
CARD_PHRASES = {
    "title": N_("Support you can contact"),
    "intro": N_("These services can help you."),
    "unnamed": N_("Support service"),
    "phone": N_("Phone"),
    "text": N_("Text"),
    "hours": N_("Opening hours"),
    "always_open": N_("24 hours, every day"),
    "open_to_all": N_("Open to everyone, whatever your immigration status"),
    "interpreters": N_("Free interpreters"),
    "no_status_questions": N_("They will not ask about your immigration status"),
    "never_shares": N_("Does not share your details with the Home Office"),
    "consent_or_risk": N_("Shares your details only if you agree, or if a life is at risk"),
    "home_office_contract": N_("Works under a Home Office contract and shares information with the Home Office"),
    "statutory": N_("A public body: may share information where the law requires it"),
    "contact_heading": N_("How they may contact you"),
    "withheld_number_calls": N_("They may call from a withheld number"),
    "leaves_voicemail": N_("They may leave a voicemail message"),
    "sends_texts": N_("They may send text messages"),
    "sends_letters": N_("They may send letters by post"),
    "none_listed": N_("These services are no longer listed."),
    "scan": N_("Scan the code or open the link to see these services online"),
    "expires": N_("The link works until"),
    "emergency": N_("In an emergency, call 999. If you cannot speak, press 55 when asked."),
    "invalid_title": N_("This link does not work"),
    "expired_title": N_("This link has expired"),
    "expired_help": N_("You can still call the numbers on your card."),
    "sample_notice": N_("The services listed here are illustrative sample data: names and numbers are fictional."),
    "skip": N_("Skip to main content"),
    "exit": N_("Exit this page"),
    "exit_hidden": N_("Emergency"),
    "exit_activated": N_("Loading."),
    "exit_timed_out": N_("Time ran out: press Shift 3 times quickly to exit this page."),
    "exit_press_two": N_("Shift, press 2 more times to exit."),
    "exit_press_one": N_("Shift, press 1 more time to exit."),
}


@dataclass(frozen=True)
class CardWording:
    """The card's words in one language: CARD_PHRASES said in it, its day names and list separator."""

    code: str
    name: str
    dir: str
    phrases: dict

    def __getitem__(self, key: str):
        return self.phrases[key]


def read_harm_words(path: str | Path) -> dict[str, tuple[str, ...]]:
    """Each language's words that say what happened to someone."""
    with open(path, "rb") as file:
        return {code: tuple(block["words"]) for code, block in tomllib.load(file).items()}


def _folded(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(_SAME_LETTER)


def _written_without_spaces(word: str) -> bool:
    """Chinese runs its words together: there a harm word is found anywhere, not only at a word's start."""
    return bool(word) and unicodedata.name(word[0], "").startswith("CJK")


@lru_cache(maxsize=32)
def _harm_pattern(words: tuple[str, ...]) -> re.Pattern:
    # Each word of a phrase may run on ("forced marriages"), and may be split by a space or a hyphen.
    phrases = []
    for word in words:
        phrase = r"\w*\W+".join(map(re.escape, re.split(r"[\s-]+", _folded(word).strip())))
        phrases.append(phrase if _written_without_spaces(word.strip()) else r"(?<!\w)" + phrase)
    return re.compile("|".join(f"(?:{phrase})" for phrase in phrases), re.IGNORECASE)


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
