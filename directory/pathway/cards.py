"""The victim support card: its wording in the victim's language, opening hours in words, a QR code.

The QR code is drawn here (qrcode, as SVG): no third-party service ever sees the link.
No Flask here.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

import qrcode
import qrcode.image.svg

_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class CardWording:
    code: str
    name: str
    dir: str
    phrases: dict

    def __getitem__(self, key: str):
        return self.phrases[key]


def read_phrases(path: str | Path) -> dict[str, CardWording]:
    with open(path, "rb") as file:
        document = tomllib.load(file)
    return {code: CardWording(code, block["name"], block["dir"], block) for code, block in document.items()}


def wording_for(phrases: dict[str, CardWording], language: str | None) -> CardWording:
    """The card's wording in `language`, or English when there is no translation yet."""
    return phrases.get(language or "en", phrases["en"])


def days_in_words(byday: str | None, wording: CardWording) -> str:
    """"MO,TU,WE" → "Monday, Tuesday, Wednesday" in the card's language."""
    names = dict(zip(_DAY_CODES, wording["days"]))
    return ", ".join(names[code] for code in (byday or "").split(",") if code in names)


def qr_svg(url: str) -> str:
    """An SVG QR code for `url`, sized by its viewBox so the page decides how big to print it."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    svg = image.to_string(encoding="unicode")
    return svg.replace('width="', 'data-width="', 1).replace('height="', 'data-height="', 1).replace(
        "<svg ", '<svg role="img" aria-label="QR code for the link below" class="app-qr" ', 1)
