"""Open now: weekly opening ranges in the index, filtered at the minute the search is made."""

import pytest

from search import SearchEngine, SearchRequest

from .documents import document

MONDAY_10AM = 10 * 60
MONDAY_8PM = 20 * 60
SUNDAY_11PM = 6 * 1440 + 23 * 60


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    engine = SearchEngine(tmp_path_factory.mktemp("index"), "data/synonyms.txt")
    office = document("office", "Office hours advice")
    office["opening"] = [(day * 1440 + 9 * 60, day * 1440 + 17 * 60) for day in range(5)]
    always = document("always", "Always open helpline", flags="national_helpline")
    always["opening"] = [(0, 7 * 1440)]
    night = document("night", "Night line")
    night["opening"] = [(6 * 1440 + 22 * 60, 7 * 1440), (0, 6 * 60)]  # Sunday 10pm to Monday 6am
    unknown = document("unknown", "No hours given")
    engine.rebuild([office, always, night, unknown])
    yield engine
    engine.close()


def ids(engine, **request):
    return sorted(hit.service_id for hit in engine.search(SearchRequest(**request)).hits)


def test_without_the_filter_every_service_is_found(engine):
    assert ids(engine) == ["always", "night", "office", "unknown"]


@pytest.mark.parametrize(("minute", "open_services"), [
    (MONDAY_10AM, ["always", "office"]),
    (MONDAY_8PM, ["always"]),
    (SUNDAY_11PM, ["always", "night"]),
    (60, ["always", "night"]),  # Monday 1am, after the night line opened on Sunday
])
def test_open_now_keeps_only_services_open_at_that_minute(engine, minute, open_services):
    assert ids(engine, open_at_minute=minute) == open_services


def test_services_with_no_hours_are_never_said_to_be_open(engine):
    assert "unknown" not in ids(engine, open_at_minute=MONDAY_10AM)


def test_round_the_clock_help_is_services_open_all_week(engine):
    assert [hit.service_id for hit in engine.round_the_clock("", ("any",) , 5)] == []
    assert [hit.service_id for hit in engine.round_the_clock("helpline", (), 5)] == ["always"]
