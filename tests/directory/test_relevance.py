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
