"""The one list of languages the public site speaks, and where their translations live.

Chosen for Sussex's migrant victims of crime (see README, "Languages"): the languages most
spoken by people who come to Sussex's specialist services, by the largest groups seeking asylum
in the county, and by the people most often found in modern slavery here. Each is a gettext
catalogue under `data/translations/<code>/` (pybabel extract/update/compile; see README), with
the taxonomy's labels beside it in `terms.toml`, and its search words in `data/synonyms/`.

A translation is a draft until a qualified translator signs it off: the sign-off names the
catalogue it checked by its digest, so a catalogue changed afterwards is a draft again.
"""

import hashlib
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

TRANSLATIONS = Path(__file__).resolve().parent.parent / "data" / "translations"
SIGN_OFFS = TRANSLATIONS / "sign_offs.toml"


@dataclass(frozen=True)
class Language:
    """A language of the public site: its address prefix, its own name, and which way it is written."""

    code: str  # the URL prefix (/pl/…), the html lang attribute and the catalogue's folder
    name: str  # in the language itself, as its readers look for it
    english_name: str
    direction: str = "ltr"

    @property
    def right_to_left(self) -> bool:
        return self.direction == "rtl"

    @property
    def catalogue(self) -> Path:
        return TRANSLATIONS / self.code / "LC_MESSAGES" / "messages.po"


ENGLISH = Language("en", "English", "English")
LANGUAGES: tuple[Language, ...] = (
    ENGLISH,
    Language("pl", "Polski", "Polish"),
    Language("ro", "Română", "Romanian"),
    Language("pt", "Português", "Portuguese"),
    Language("es", "Español", "Spanish"),
    Language("uk", "Українська", "Ukrainian"),
    Language("sq", "Shqip", "Albanian"),
    Language("tr", "Türkçe", "Turkish"),
    Language("fr", "Français", "French"),
    Language("ar", "العربية", "Arabic", "rtl"),
    Language("fa", "فارسی / دری", "Farsi and Dari", "rtl"),
    Language("ckb", "کوردی (سۆرانی)", "Kurdish (Sorani)", "rtl"),
    Language("ur", "اردو", "Urdu", "rtl"),
    Language("bn", "বাংলা", "Bengali"),
    Language("ti", "ትግርኛ", "Tigrinya"),
    Language("vi", "Tiếng Việt", "Vietnamese"),
    Language("zh", "中文 (简体)", "Chinese (simplified)"),
)
BY_CODE = {language.code: language for language in LANGUAGES}
TRANSLATED = tuple(language for language in LANGUAGES if language is not ENGLISH)


def language(code: str | None) -> Language:
    """The language with this code; anything else is English."""
    return BY_CODE.get(code or "", ENGLISH)


def catalogue_digest(language: Language) -> str:
    """What a sign-off names: the language's translated strings, term labels and bundled pages, so a change
    to any of them after the check makes the language a draft again (comments and line numbers aside)."""
    from babel.messages.pofile import read_po  # only staff pages and the checks read catalogues

    if not language.catalogue.exists():
        return ""
    with language.catalogue.open("rb") as handle:
        catalogue = read_po(handle)
    pairs = sorted((str(message.id), str(message.string)) for message in catalogue if message.id)
    terms = TRANSLATIONS / language.code / "terms.toml"
    pages = sorted((TRANSLATIONS.parent / "pages").glob(f"*/{language.code}.md"))
    texts = [path.read_text(encoding="utf-8") for path in (terms, *pages) if path.exists()]
    return hashlib.sha256(repr((pairs, texts)).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SignOff:
    translator: str
    checked_on: date
    digest: str


def sign_offs(path: Path = SIGN_OFFS) -> dict[str, SignOff]:
    """Each language's last sign-off, as recorded with the catalogues (and reviewed like them)."""
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {code: SignOff(entry["translator"], entry["checked_on"], entry["digest"]) for code, entry in data.items()}


@cache
def term_names(code: str) -> dict[str, str]:
    """The taxonomy's labels in one language, by term code: data kept beside the catalogue."""
    path = TRANSLATIONS / code / "terms.toml"
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def N_(text: str) -> str:
    """Marks a domain string for the catalogues (pybabel extracts N_) without translating it: no Flask here.

    The page translates it when it shows it, in the visitor's language.
    """
    return text


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a domain string with a plural for the catalogues (pybabel extracts Nn_:1,2), as N_ does."""
    return singular, plural


@dataclass(frozen=True)
class Phrase:
    """Words with numbers or names in them, said in the page's language when shown (see web.i18n.translate).

    `str()` gives the English, for staff pages, exports and tests.
    """

    singular: str
    plural: str | None = None
    count: int | None = None
    values: tuple[tuple[str, object], ...] = ()

    def words(self, gettext, ngettext, decimal=lambda value: f"{value:.1f}") -> str:
        """In a language: its gettext and ngettext, and how it writes a decimal (2.4, or 2,4)."""
        values = {name: decimal(value) if isinstance(value, float) else value for name, value in self.values}
        if self.plural is None:
            return gettext(self.singular) % values if values else gettext(self.singular)
        return ngettext(self.singular, self.plural, self.count) % {"num": self.count, **values}

    def __str__(self) -> str:
        return self.words(lambda text: text, lambda one, many, n: one if n == 1 else many)


TEMPLATE = TRANSLATIONS / "messages.pot"


@dataclass(frozen=True)
class Completeness:
    """How much of one language's catalogue is translated, and what is wrong with it."""

    language: Language
    total: int
    translated: int
    problems: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.problems


def completeness(language: Language, term_codes: tuple[str, ...], page_slugs: tuple[str, ...],
                 pages_dir: Path) -> Completeness:
    """Every message of the template translated (not fuzzy, its placeholders kept), every term and page too."""
    from babel.messages.pofile import read_po

    with TEMPLATE.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with language.catalogue.open("rb") as handle:
        catalogue = read_po(handle, locale=None)
    problems = []
    translated = 0
    for message in catalogue:
        if not message.id or message.id not in wanted:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy or not all(strings):
            problems.append(f"not translated: {_first(message.id)!r}")
            continue
        errors = [str(error) for error in message.check(catalogue)]
        problems.extend(f"{_first(message.id)!r}: {error}" for error in errors)
        translated += not errors
    missing = wanted - {message.id for message in catalogue}
    problems.extend(f"not in the catalogue (run tools/catalogues.sh update): {_first(msgid)!r}"
                    for msgid in sorted(missing, key=str))
    names = term_names(language.code)
    problems.extend(f"term not translated: {code}" for code in term_codes if not names.get(code))
    problems.extend(f"page not translated: {slug}" for slug in page_slugs
                    if not (pages_dir / slug / f"{language.code}.md").exists())
    return Completeness(language, len(wanted), translated, tuple(problems))


def _first(msgid) -> str:
    return msgid[0] if isinstance(msgid, (list, tuple)) else msgid


@dataclass(frozen=True)
class TranslationStatus:
    """What editors see of one language: how complete, and whether a qualified translator has checked it."""

    completeness: Completeness
    sign_off: SignOff | None
    current: bool  # the sign-off names this very catalogue

    @property
    def checked(self) -> bool:
        return self.sign_off is not None and self.current


def translation_statuses(term_codes: tuple[str, ...], page_slugs: tuple[str, ...], pages_dir: Path,
                         sign_offs_file: Path = SIGN_OFFS) -> list[TranslationStatus]:
    signed = sign_offs(sign_offs_file)
    statuses = []
    for language in TRANSLATED:
        sign_off = signed.get(language.code)
        statuses.append(TranslationStatus(completeness(language, term_codes, page_slugs, pages_dir), sign_off,
                                          sign_off is not None and sign_off.digest == catalogue_digest(language)))
    return statuses
