"""Searching from a place: nearest first, radius, area coverage, and national helplines apart."""

import pytest

from search import SearchEngine, SearchRequest
from search.distance import Point, miles_between

from .documents import document

BRIGHTON = Point(50.8225, -0.1372)
HOVE = (50.8279, -0.1688)  # about 1.4 miles west of central Brighton
LEWES = (50.8739, 0.0088)  # about 7 miles north-east
CRAWLEY = (51.1091, -0.1872)  # about 20 miles north
CHICHESTER = (50.8365, -0.7792)  # about 28 miles west


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    engine = SearchEngine(tmp_path_factory.mktemp("index"), "data/synonyms.txt")
    engine.rebuild(
        [
            document("hove", "Hove advice centre", point=HOVE, areas="E06000043,SUSSEX", needs="domestic-abuse"),
            document("lewes", "Lewes counselling", point=LEWES, areas="E07000063,E10000011"),
            document("crawley", "Crawley outreach", point=CRAWLEY, areas="E07000226", needs="domestic-abuse"),
            document("chichester", "Chichester drop-in", point=CHICHESTER, areas="E07000225,E10000032"),
            document("pan-sussex", "Sussex-wide phone line", areas="SUSSEX", needs="domestic-abuse"),
            document("west-only", "West Sussex phone line", areas="E10000032"),
            document("helpline", "National 24/7 helpline", flags="national_helpline", needs="domestic-abuse"),
        ]
    )
    yield engine
    engine.close()


def near(engine, radius=None, areas=("E06000043", "SUSSEX"), **kwargs):
    return engine.search(SearchRequest(point=BRIGHTON, radius_miles=radius, area_codes=areas, **kwargs))


def test_haversine_distance_matches_a_known_distance():
    # Brighton to Crawley is about 20 miles as the crow flies.
    assert miles_between(BRIGHTON, Point(*CRAWLEY)) == pytest.approx(19.9, abs=0.3)


def test_services_come_nearest_first_with_their_distance(engine):
    results = near(engine, areas=())
    assert [hit.service_id for hit in results.hits] == ["hove", "lewes", "crawley", "chichester"]
    assert results.hits[0].distance_miles == pytest.approx(1.4, abs=0.1)


def test_a_radius_keeps_only_what_is_within_it(engine):
    results = near(engine, radius=10, areas=())
    assert [hit.service_id for hit in results.hits] == ["hove", "lewes"]
    assert results.total == 2


def test_services_covering_the_area_follow_labelled_even_without_an_office_nearby(engine):
    results = near(engine, radius=10)
    assert [(h.service_id, h.covers_area) for h in results.hits] == [
        ("hove", False), ("lewes", False), ("pan-sussex", True)]
    assert results.hits[2].distance_miles is None  # a phone line has no place to measure from
    # Crawley's and West Sussex's services are further than 10 miles and do not cover Brighton.
    assert results.total == 3


def test_national_helplines_are_returned_apart_and_never_crowd_out_local_services(engine):
    results = near(engine, radius=1, per_page=1)
    assert [h.service_id for h in results.national] == ["helpline"]
    assert "helpline" not in [h.service_id for h in results.hits]


def test_words_and_filters_combine_with_a_place(engine):
    results = near(engine, radius=25, needs=("domestic-abuse",))
    assert [h.service_id for h in results.hits] == ["hove", "crawley", "pan-sussex"]
    assert [h.service_id for h in near(engine, text="counselling", radius=25).hits] == ["lewes"]


def test_anywhere_lists_every_located_service_by_distance_then_coverage(engine):
    results = near(engine, radius=None, per_page=2)
    assert [h.service_id for h in results.hits] == ["hove", "lewes"]
    assert results.total == 5
    page_3 = near(engine, radius=None, per_page=2, page=3)
    assert [h.service_id for h in page_3.hits] == ["pan-sussex"]


def test_a_place_far_from_sussex_still_gets_results_just_far_away(engine):
    manchester = Point(53.4808, -2.2426)
    results = engine.search(SearchRequest(point=manchester, radius_miles=None))
    assert results.hits[0].service_id == "crawley"
    assert results.hits[0].distance_miles > 150


def test_a_service_covering_the_area_beyond_the_radius_keeps_its_distance(engine):
    results = near(engine, radius=10, areas=("E07000226",))
    assert [(h.service_id, h.covers_area) for h in results.hits] == [
        ("hove", False), ("lewes", False), ("crawley", True)]
    assert results.hits[2].distance_miles == pytest.approx(19.9, abs=0.3)


def test_an_update_to_the_index_is_seen_by_the_next_location_search(engine, tmp_path):
    local = SearchEngine(tmp_path / "index", "data/synonyms.txt")
    local.rebuild([document("hove", "Hove advice centre", point=HOVE)])
    assert [h.service_id for h in local.search(SearchRequest(point=BRIGHTON)).hits] == ["hove"]
    local.upsert(document("lewes", "Lewes counselling", point=LEWES))
    local.delete("hove")
    assert [h.service_id for h in local.search(SearchRequest(point=BRIGHTON)).hits] == ["lewes"]
    local.close()


def test_all_matching_lists_every_page_then_the_national_helplines(engine):
    request = SearchRequest(point=BRIGHTON, radius_miles=10, area_codes=("E06000043", "SUSSEX"), per_page=1)
    assert [h.service_id for h in engine.all_matching(request)] == ["hove", "lewes", "pan-sussex", "helpline"]
    assert {h.service_id for h in engine.all_matching(SearchRequest(text="phone line"))} == {"pan-sussex", "west-only"}


def test_a_place_search_survives_a_segment_whose_services_have_no_place(tmp_path):
    """A helpline saved on its own makes a segment with no position column: distances must still line up."""
    local = SearchEngine(tmp_path / "index", "data/synonyms.txt")
    local.rebuild([document("hove", "Hove advice centre", point=HOVE)])
    local.upsert(document("helpline", "National 24/7 helpline"))
    local.upsert(document("lewes", "Lewes counselling", point=LEWES))

    results = local.search(SearchRequest(point=BRIGHTON, radius_miles=10))

    assert [(h.service_id, round(h.distance_miles)) for h in results.hits] == [("hove", 1), ("lewes", 7)]
    local.close()
