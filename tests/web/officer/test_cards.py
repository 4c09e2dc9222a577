"""The support card and the page its QR code opens, read as a person (or an abuser) would read them.

Services here are named after the harms they help with, as real ones are: neither the card nor
the page may let any of those words through, in English or the card's language.
"""

import time
from html.parser import HTMLParser

import pytest
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from directory.conditions import Answer, ImmigrationStatus, SharingStance
from directory.config import PROJECT_ROOT
from directory.languages import LANGUAGES
from directory.models import Phone, Role, Schedule, Service
from directory.pathway.cards import (
    CARD_PHRASES,
    CardWording,
    days_in_words,
    name_on_card,
    names_a_harm,
    read_harm_words,
)
from directory.pathway.shortlists import make_token
from directory.web.i18n import card_wording
from tests.factories import csrf_token, make_organization, make_service, make_user, sign_in

CARD_LANGUAGES = sorted(language.code for language in LANGUAGES)
HARM_WORDS = read_harm_words(PROJECT_ROOT / "data" / "harm_words.toml")
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_READ_ALOUD = {"aria-label", "alt", "title", "placeholder"}


class _Reader(HTMLParser):
    """The text of a page (never its scripts), what screen readers and Exit this page say, and what it loads."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict, tuple[int, ...]]] = []  # tag, attributes, enclosing elements
        self.pieces: list[tuple[str, tuple[int, ...]]] = []  # text, the elements it is inside
        self._open: list[int] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), tuple(self._open)))
        index = len(self.elements) - 1
        for name, value in attrs:
            if value and (name in _READ_ALOUD or name.startswith("data-i18n")):
                self.pieces.append((value, (*self._open, index)))
        if tag not in _VOID:
            self._open.append(index)

    def handle_endtag(self, tag):
        for depth in range(len(self._open) - 1, -1, -1):
            if self.elements[self._open[depth]][0] == tag:
                del self._open[depth:]
                return

    def handle_data(self, data):
        if data.strip() and not any(self.elements[i][0] in {"script", "style"} for i in self._open):
            self.pieces.append((" ".join(data.split()), tuple(self._open)))


class Page:
    def __init__(self, html: str):
        reader = _Reader()
        reader.feed(html)
        self.elements, self.pieces = reader.elements, reader.pieces
        self.html = next(attrs for tag, attrs, _ in self.elements if tag == "html")

    def _has_class(self, index: int, cls: str) -> bool:
        return cls in (self.elements[index][1].get("class") or "").split()

    def text(self) -> str:
        """Everything a person reads or hears on the page, one space between pieces."""
        return " ".join(text for text, _ in self.pieces)

    def items(self, *, tag: str | None = None, cls: str | None = None, inside: str | None = None) -> list[str]:
        """The text of each element with this tag and/or class, within an element of class `inside` if given."""
        found = [i for i, (t, _, parents) in enumerate(self.elements)
                 if (tag is None or t == tag) and (cls is None or self._has_class(i, cls))
                 and (inside is None or any(self._has_class(p, inside) for p in parents))]
        return [" ".join(text for text, within in self.pieces if index in within) for index in found]

    def hrefs(self, prefix: str) -> set[str]:
        return {a["href"] for tag, a, _ in self.elements if tag == "a" and (a.get("href") or "").startswith(prefix)}

    def loads(self) -> list[str]:
        """Every address the page makes a browser fetch by itself."""
        return [a.get("src") or a.get("href") for tag, a, _ in self.elements
                if tag in {"script", "img", "iframe", "source", "embed", "audio", "video"} and a.get("src")
                or tag == "link" and a.get("href")]


def words_of(app, code: str) -> CardWording:
    """The card's wording in a language, as the app says it (from the site's catalogues)."""
    with app.app_context():
        return card_wording(code)


def _words(code: str) -> tuple[str, ...]:
    return HARM_WORDS["en"] + HARM_WORDS.get(code, ())


@pytest.fixture
def harmful_names(session):
    """Services named after harms, with text-only numbers, round-the-clock hours and mixed answers.

    Each phone's description names the harm too: a card or page must never print it.
    """
    honour = make_service(
        session, "FGM and forced marriage support", organization=make_organization(session, "Sussex Honour Trust"),
        description="Support after FGM, forced marriage and honour-based abuse.", phone="01632 960101",
        card_name="Sussex Support Line", immigration_status=ImmigrationStatus.OPEN_TO_ALL, interpreters=Answer.YES,
        free=Answer.YES,
        withheld_number_calls=Answer.YES, sends_texts=Answer.YES, leaves_voicemail=Answer.NO,
        data_sharing_stance=SharingStance.STATUTORY)
    session.add(Phone(service_id=honour.id, number="07700 900101", type="text", description="Text our FGM line"))
    session.add(Schedule(service_id=honour.id, byday=EVERY_DAY, opens_at="00:00", closes_at="23:59",
                         description="24 hours for survivors of forced marriage"))
    refuge = make_service(
        session, "Refuge accommodation for women escaping domestic abuse", phone="01632 960102",
        organization=make_organization(session, "Refuge Housing"), interpreters=Answer.UNKNOWN,
        data_sharing_stance=SharingStance.NEVER_SHARES, sends_letters=Answer.YES)
    session.add(Schedule(service_id=refuge.id, byday="MO,TU,WE", opens_at="09:00", closes_at="17:00",
                         description="Refuge referrals, weekdays"))
    counselling = make_service(
        session, "Rape and sexual assault counselling", phone="01632 960103",
        organization=make_organization(session, "Brighton Wellbeing Partnership"),
        immigration_status=ImmigrationStatus.RESTRICTIONS, interpreters=Answer.NO, no_status_questions=Answer.YES,
        data_sharing_stance=SharingStance.CONSENT_OR_RISK)
    polish = make_service(session, "Telefon zaufania dla ofiar przemocy", phone="01632 960104",
                          organization=make_organization(session, "Fundacja Przeciw Przemocy"))
    arabic = make_service(session, "خط مساعدة ضحايا العنف", phone="01632 960105",
                          organization=make_organization(session, "جمعية مناهضة العنف"))
    session.commit()
    return [honour, refuge, counselling, polish, arabic]


def _shortlist(app, client, services, language: str):
    token = make_token(app.secret_key, [s.id for s in services], language)
    return client.get(f"/s/{token}")


def _card(app, session, client, services, language="en", discreet=False) -> str:
    sign_in(client, make_user(session, Role.OFFICER))
    data = {"csrf_token": csrf_token(client, "/pathway"), "services": [str(s.id) for s in services],
            "language": language, **({"discreet": "y"} if discreet else {})}
    response = client.post("/pathway/card", data=data)
    assert response.status_code == 200
    return response.get_data(as_text=True)


# The fixed wording and the word lists


def test_every_language_of_the_site_prints_cards_and_none_of_its_phrases_names_a_harm(app):
    assert set(HARM_WORDS) == set(CARD_LANGUAGES), "every language a card is printed in has its harm words"
    english = words_of(app, "en")
    for code in CARD_LANGUAGES:
        wording = words_of(app, code)
        assert set(wording.phrases) == set(CARD_PHRASES) | {"days", "separator"}, code
        if code != "en":
            assert wording["title"] != english["title"] and wording["unnamed"] != english["unnamed"], code
        for key, phrase in wording.phrases.items():
            for text in [phrase] if isinstance(phrase, str) else phrase:
                assert not names_a_harm(text, _words(code)), (code, key, text)


def test_a_harm_is_found_as_a_word_or_the_start_of_one_in_any_case():
    words = HARM_WORDS["en"]
    assert names_a_harm("Sussex ABUSED persons", words)
    assert names_a_harm("Forced  marriages unit", words) and names_a_harm("forced-marriage line", words)
    assert names_a_harm("Hidden (FGM) help", words)
    assert not names_a_harm("Disabuse and Grape Street", words)
    assert not names_a_harm("Sussex Support Line", words)
    assert names_a_harm("Ajutor pentru violenţă", HARM_WORDS["ro"]), "cedilla and comma are the same letter"
    assert names_a_harm("Contre le trafic d’êtres humains", HARM_WORDS["fr"]), "so are the two apostrophes"
    assert names_a_harm("Apoio a maus tratos", HARM_WORDS["pt"]), "a hyphen or a space"
    assert names_a_harm("مركز العنف", HARM_WORDS["ar"]) and names_a_harm("PRZEMOCY", HARM_WORDS["pl"])


def test_days_are_listed_as_the_language_joins_a_list(app):
    assert days_in_words("MO,TU,WE", words_of(app, "en")) == "Monday, Tuesday, Wednesday"
    assert days_in_words("MO,TU,WE", words_of(app, "ar")) == "الاثنين والثلاثاء والأربعاء", "CLDR joins Arabic lists with و"
    assert days_in_words("SA,SU", words_of(app, "zh")) == "星期六、星期日"


# The page the QR code opens


@pytest.mark.parametrize("code", CARD_LANGUAGES)
def test_the_shortlist_page_names_no_harm_in_any_card_language(app, client, harmful_names, code):
    wording = words_of(app, code)
    response = _shortlist(app, client, harmful_names, code)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    page = Page(response.get_data(as_text=True))
    assert (page.html.get("lang"), page.html.get("dir")) == (code, wording.dir)
    assert page.items(tag="title") == [wording["title"]]
    text = page.text()
    assert not names_a_harm(text, _words(code)), text
    assert page.items(tag="h2") == ["Sussex Support Line", wording["unnamed"], "Brighton Wellbeing Partnership",
                                    wording["unnamed"], wording["unnamed"]]
    assert wording["emergency"] in text
    assert all(address.startswith("/") and not address.startswith("//") for address in page.loads()), page.loads()


def test_the_shortlist_page_shows_numbers_hours_and_only_confirmed_answers(app, client, harmful_names):
    page = Page(_shortlist(app, client, harmful_names[:3], "en").get_data(as_text=True))
    honour, refuge, counselling = page.items(cls="app-result")
    assert "Phone: 01632 960101" in honour and "Text: 07700 900101" in honour
    assert "Phone: 07700 900101" not in honour
    assert page.hrefs("tel:") == {"tel:01632960101", "tel:01632960102", "tel:01632960103"}
    assert "24 hours, every day" in honour and "Monday" not in honour
    assert "Monday, Tuesday, Wednesday 09:00–17:00" in refuge
    assert "Open to everyone, whatever your immigration status" in honour and "Free interpreters" in honour
    assert "They may call from a withheld number" in honour and "They may send text messages" in honour
    assert "voicemail" not in honour and "Home Office" not in honour
    assert "Does not share your details with the Home Office" in refuge and "They may send letters by post" in refuge
    assert "interpreters" not in refuge and "immigration status" not in refuge
    assert "Shares your details only if you agree, or if a life is at risk" in counselling
    assert "They will not ask about your immigration status" in counselling
    assert "interpreters" not in counselling and "Open to everyone" not in counselling


def test_the_arabic_page_lists_days_as_arabic_joins_a_list(app, client, harmful_names):
    page = Page(_shortlist(app, client, harmful_names[:2], "ar").get_data(as_text=True))
    honour, refuge = page.items(cls="app-result")
    assert "الاثنين والثلاثاء والأربعاء 09:00–17:00" in refuge
    assert "24 ساعة، كل يوم" in honour and "رسائل نصية: 07700 900101" in honour


def test_an_expired_link_says_so_in_its_language_and_in_english(app, client, harmful_names, monkeypatch):
    made = time.time() - 31 * 86400
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: made)
    arabic, english = (make_token(app.secret_key, [harmful_names[0].id], code) for code in ("ar", "en"))
    monkeypatch.undo()

    response = client.get(f"/s/{arabic}")
    assert response.status_code == 410 and "Set-Cookie" not in response.headers
    page = Page(response.get_data(as_text=True))
    assert (page.html.get("lang"), page.html.get("dir")) == ("ar", "rtl")
    assert page.items(tag="h1") == ["انتهت صلاحية هذا الرابط"] and page.items(tag="h2") == ["This link has expired"]
    assert not names_a_harm(page.text(), _words("ar"))

    page = Page(client.get(f"/s/{english}").get_data(as_text=True))
    assert (page.html.get("lang"), page.html.get("dir")) == ("en", "ltr")
    assert page.items(tag="h1") == ["This link has expired"] and page.items(tag="h2") == []


# The printed card


@pytest.mark.parametrize("code", CARD_LANGUAGES)
def test_the_card_prints_promises_only_for_yes_and_never_a_service_name(app, session, client, harmful_names, code):
    wording = words_of(app, code)
    page = Page(_card(app, session, client, harmful_names[:3], language=code))
    (card,) = page.items(cls="app-card")
    assert not names_a_harm(card, _words(code)), card
    for service in harmful_names[:3]:
        assert service.name not in page.text()
    honour, refuge, counselling = page.items(cls="app-card__service")
    assert honour.startswith("Sussex Support Line") and refuge.startswith(wording["unnamed"])
    assert wording["open_to_all"] in honour and wording["interpreters"] in honour
    assert f"{wording['text']}: 07700 900101" in honour and wording["always_open"] in honour
    assert wording["interpreters"] not in refuge, "interpreters not known: no promise"
    assert wording["never_shares"] in refuge and wording["open_to_all"] not in refuge
    assert wording["consent_or_risk"] in counselling and wording["no_status_questions"] in counselling
    assert wording["interpreters"] not in counselling and wording["open_to_all"] not in counselling
    assert wording["emergency"] in card and page.items(cls="app-card__url")


def test_the_english_card_speaks_to_the_victim(app, session, client, harmful_names):
    (card,) = Page(_card(app, session, client, harmful_names[:1])).items(cls="app-card")
    assert "Open to everyone, whatever your immigration status" in card and "their" not in card
    assert "In an emergency, call 999. If you cannot speak, press 55 when asked." in card
    assert "Text: 07700 900101" in card and "Phone: 07700 900101" not in card
    assert "24 hours, every day" in card


def test_the_card_link_opens_the_page_in_the_cards_language(app, session, client, harmful_names):
    page = Page(_card(app, session, client, harmful_names[:2], language="pl"))
    (link,) = page.items(cls="app-card__url")
    shortlist = Page(app.test_client().get(link.replace("http://localhost", "")).get_data(as_text=True))
    assert shortlist.html.get("lang") == "pl" and shortlist.items(tag="h1") == [words_of(app, "pl")["title"]]


@pytest.mark.parametrize("code", ["en", "ar"])
def test_a_discreet_card_has_names_and_numbers_only(app, session, client, harmful_names, code):
    wording = words_of(app, code)
    html = _card(app, session, client, harmful_names[:3], language=code, discreet=True)
    page = Page(html)
    assert page.items(tag="p", inside="app-card") == [
        "Sussex Support Line", f"{wording['phone']}: 01632 960101", f"{wording['text']}: 07700 900101",
        f"! {wording['statutory']}", wording["unnamed"], f"{wording['phone']}: 01632 960102",
        "Brighton Wellbeing Partnership", f"{wording['phone']}: 01632 960103"]
    assert page.items(tag="h2", inside="app-card") == []
    assert "<svg" not in html and "/s/" not in html and not page.items(cls="app-card__url")


def test_every_sample_service_has_a_name_a_card_can_carry(sample_app):
    """Where the organisation's name says what happened, the sample sets a neutral card name."""
    words = [word for code in HARM_WORDS for word in _words(code)]
    with Session(sample_app.extensions["database"]) as session:
        services = session.exec(select(Service).where(Service.listed())
                                .options(selectinload(Service.organization))).all()
        assert services
        naming = sorted(service.name for service in services if names_a_harm(name_on_card(service), words))
    assert naming == []


def test_free_interpreters_are_promised_only_when_both_are_confirmed(app, session, client):
    service = make_service(session, "Advice line", interpreters=Answer.YES)  # free: not known
    session.commit()
    (card,) = Page(_card(app, session, client, [service])).items(cls="app-card")
    assert words_of(app, "en")["interpreters"] not in card


@pytest.mark.parametrize("discreet", [False, True])
@pytest.mark.parametrize(("stance", "warning"), [(SharingStance.HOME_OFFICE_CONTRACT, "home_office_contract"),
                                                 (SharingStance.STATUTORY, "statutory")])
def test_a_service_that_shares_with_the_home_office_says_so_on_the_card_and_its_page(
        app, session, client, stance, warning, discreet):
    service = make_service(session, "Asylum support line", data_sharing_stance=stance,
                           immigration_status=ImmigrationStatus.OPEN_TO_ALL)
    session.commit()
    (card,) = Page(_card(app, session, client, [service], discreet=discreet)).items(cls="app-card")
    assert words_of(app, "en")[warning] in card
    page = Page(_shortlist(app, app.test_client(), [service], "pl").get_data(as_text=True))
    assert words_of(app, "pl")[warning] in page.text()


def test_a_broken_link_gets_a_neutral_page_that_says_nothing_of_what_the_site_is_for(client):
    response = client.get("/s/not-a-real-link")
    page = Page(response.get_data(as_text=True))
    assert response.status_code == 404 and "Set-Cookie" not in response.headers
    assert page.items(tag="h1") == ["This link does not work"]
    assert not names_a_harm(page.text(), _words("en")), page.text()

