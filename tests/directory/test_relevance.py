"""On the bundled Sussex directory, the words people use find the right services first."""

import pytest
from sqlmodel import Session

from directory.listings.queries import public_services_in_order
from search import SearchRequest


@pytest.fixture(scope="module")
def top(sample_app):
    """The first services a search returns, as (name, need codes, description)."""

    def _top(text: str, how_many: int = 5, **filters):
        results = sample_app.extensions["indexer"].engine.search(SearchRequest(text=text, per_page=how_many, **filters))
        with Session(sample_app.extensions["database"]) as session:
            services = public_services_in_order(session, [hit.service_id for hit in results.hits])
            return [
                (s.name, {a.taxonomy_term.code for a in s.attributes if a.link_type == "need"},
                 f"{s.name} {s.description}".lower(), s)
                for s in services
            ]

    return _top


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("domestic violence", "domestic-abuse"),
        ("dv", "domestic-abuse"),
        ("DA", "domestic-abuse"),
        ("domestik abuse", "domestic-abuse"),
        ("rape", "sexual-violence"),
        ("SV", "sexual-violence"),
        ("trafficking", "modern-slavery"),
        ("MSHT", "modern-slavery"),
        ("forced marriage", "harmful-practices"),
        ("FGM", "harmful-practices"),
        ("HBA", "harmful-practices"),
        ("refuge", "housing-refuge"),
        ("asylum", "immigration-asylum"),
        ("stalking", "stalking-harassment"),
        ("scam", "fraud"),
    ],
)
def test_words_abbreviations_and_typos_find_services_for_that_need_first(top, text, need):
    results = top(text)
    assert len(results) >= 3
    assert all(need in needs for _, needs, _, _ in results[:3]), [(name, needs) for name, needs, _, _ in results]


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("asb", "anti-social-behaviour"),
        ("anti-social behaviour", "anti-social-behaviour"),
        ("revenge porn", "online-abuse"),
        ("county lines", "criminal-exploitation"),
        ("elder abuse", "elder-abuse"),
        ("restorative justice", "restorative-justice"),
        ("witness service", "witness-court-support"),
    ],
)
def test_words_for_the_rarer_needs_find_a_service_for_that_need_first(top, text, need):
    results = top(text, how_many=1)
    assert results and need in results[0][1], [(name, needs) for name, needs, _, _ in results]


@pytest.mark.parametrize(
    ("text", "mention"),
    [("IDVA", "idva"), ("ISVA", "isva"), ("SARC", "sarc"), ("NRPF", "no recourse"),
     ("no recourse to public funds", "no recourse")],
)
def test_specialist_abbreviations_find_services_that_offer_them(top, text, mention):
    results = top(text, how_many=3)
    assert results and all(mention in description or text.lower() in description for _, _, description, _ in results)


def test_sarc_search_puts_the_sexual_assault_referral_centre_first(top):
    assert "referral centre" in top("sexual assault referral centre", how_many=1)[0][0].lower()


def test_the_open_regardless_filter_only_returns_services_confirmed_open(top):
    found = top("domestic abuse", how_many=50, flags=("open_to_all",))
    assert found, "the premise: the filter finds something to check"
    for *_, service in found:
        assert service.immigration_status.value == "open_to_all"
        assert service.immigration_status_checked_on is not None


# -- results first: a service named for the words and offering them as a need leads ---------------------------

@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("domestic abuse", {"RISE LGBT+ domestic abuse service", "National Domestic Abuse Helpline"}),
        ("rape", {"Saturn Centre sexual assault referral centre (SARC)",
                  "Independent Sexual Violence Adviser (ISVA) service", "24/7 Rape and Sexual Abuse Support Line"}),
        ("trafficking", {"Modern Slavery & Exploitation Helpline", "Adult modern slavery victim care (NRM referral line)",
                         "Modern slavery victim support (Sussex and South East)"}),
        ("forced marriage", {"Forced Marriage Unit",
                             "Harmful practices support (FGM, forced marriage and honour-based abuse)"}),
        ("stalking", {"Veritas Justice stalking advocacy", "National Stalking Helpline",
                      "Paladin National Stalking Advocacy Service"}),
    ],
)
def test_services_named_for_the_words_and_offering_that_need_come_first(top, text, first):
    names = [name for name, *_ in top(text, how_many=len(first))]
    assert set(names) == first, names


def test_the_national_domestic_abuse_helpline_comes_before_services_that_only_mention_domestic_abuse(top):
    names = [name for name, *_ in top("domestic abuse", how_many=40)]
    helpline = names.index("National Domestic Abuse Helpline")
    only_described = names.index("BHT advice centre: housing and immigration advice")  # in its description only
    assert helpline < 3 < only_described


@pytest.mark.parametrize(("typo", "word"), [("domestc abuse", "domestic abuse"), ("stalkng", "stalking"),
                                            ("traficking", "trafficking"), ("forsed marriage", "forced marriage")])
def test_a_typo_finds_the_same_first_services_as_the_word(top, typo, word):
    assert [n for n, *_ in top(typo)] == [n for n, *_ in top(word)]


# -- migrant and exploitation words ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("MVDAC", "immigration-asylum"),
        ("destitution domestic violence concession", "immigration-asylum"),
        ("DDVC", "immigration-asylum"),
        ("overstayer", "immigration-asylum"),
        ("overstayed visa", "immigration-asylum"),
        ("no papers", "immigration-asylum"),
        ("undocumented", "immigration-asylum"),
        ("deportation", "immigration-asylum"),
        ("detained", "immigration-asylum"),
        ("immigration removal centre", "immigration-asylum"),
        ("passport taken", "modern-slavery"),
        ("ID taken", "modern-slavery"),
        ("cuckooing", "criminal-exploitation"),
        ("strangled", "domestic-abuse"),
        ("non-fatal strangulation", "domestic-abuse"),
        ("choked", "domestic-abuse"),
        ("revenge porn", "online-abuse"),
        ("financial abuse", "domestic-abuse"),
        ("money controlled", "domestic-abuse"),
    ],
)
def test_migrant_and_exploitation_words_find_that_kind_of_service_first(top, text, need):
    results = top(text, how_many=3)
    assert results and all(need in needs for _, needs, _, _ in results), [(n, needs) for n, needs, _, _ in results]


@pytest.mark.parametrize("text", ["sex work", "sex worker", "prostitution", "selling sex"])
def test_sex_work_words_find_the_services_for_women_who_sell_sex(top, text):
    names = {name for name, *_ in top(text, how_many=3)}
    assert {"Streetlight women's outreach", "Support for women exploited or trafficked"} <= names


def test_economic_abuse_finds_the_economic_abuse_service_first_then_domestic_abuse_services(top):
    results = top("economic abuse", how_many=4)
    assert results[0][0] == "Economic abuse support"
    assert all("domestic-abuse" in needs for _, needs, _, _ in results)


def test_mvdac_finds_the_support_for_migrant_victims_scheme_first(top):
    assert top("MVDAC", how_many=1)[0][0] == "Support for Migrant Victims (SMV) scheme"


def test_documents_taken_finds_domestic_abuse_services_too(top):
    needs = set().union(*(needs for _, needs, _, _ in top("passport taken", how_many=50)))
    assert {"modern-slavery", "domestic-abuse"} <= needs


# -- victims' languages ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    ["przemoc domowa", "العنف الأسري", "العُنْفُ الأُسَرِيّ", "家庭暴力", "我遭受家庭暴力", "ዓመጽ ኣብ ገዛ", "домашнє насильство",
     "violencia doméstica", "violencia domestica", "گھریلو تشدد", "খারাপ পারিবারিক সহিংসতা", "aile içi şiddet",
     "bạo lực gia đình", "bao luc gia dinh"],
)
def test_domestic_abuse_in_victims_languages_finds_the_same_first_services_as_english(top, text):
    assert [n for n, *_ in top(text)] == [n for n, *_ in top("domestic abuse")]


@pytest.mark.parametrize(
    ("text", "english"),
    [("gwałt", "rape"), ("handel ludźmi", "trafficking"), ("зґвалтування", "rape"), ("الزواج القسري", "forced marriage"),
     ("强迫婚姻", "forced marriage"), ("ዑቕባ", "asylum"), ("tercüman", "interpreter"), ("mutilação genital feminina", "fgm")],
)
def test_other_needs_in_victims_languages_find_what_english_finds(top, text, english):
    assert [n for n, *_ in top(text)] == [n for n, *_ in top(english)]
