"""Unmet need counted by facets only: known answers, months that roll over, small cells hidden, and no
increment lost when two workers count at once (SQLite, and PostgreSQL where TEST_POSTGRES_URL is set)."""

import multiprocessing
from datetime import date

import pytest
from sqlmodel import Session, select

from directory.db import make_engine
from directory.evidence.suppression import SMALL_CELL
from directory.evidence.tallies import UnmetNeedTally, add_one
from directory.evidence.unmet import (
    ANY_NEED,
    OUTSIDE,
    UNRECOGNISED,
    count_search,
    district_of,
    month_range,
    needs_named,
    unmet_need_table,
)
from directory.places.gazetteer import Place, Resolution
from search import SearchRequest, SearchResults
from search.distance import Point
from tests.factories import make_service

CRAWLEY = "E07000226"
NOTHING = SearchResults(hits=[], total=0, page=1, per_page=20)
CRAWLEY_PLACE = Place("Crawley", Point(51.11, -0.19), (CRAWLEY, "E10000032", "SUSSEX"))


def tallies(session) -> list[tuple]:
    session.expire_all()
    return sorted((t.month, t.source, t.need, t.district, t.conditions, t.harm, t.count)
                  for t in session.exec(select(UnmetNeedTally)))


@pytest.fixture
def needs(session):
    """The needs taxonomy, as the sample names its terms."""
    make_service(session, "Harbour", needs={"domestic-abuse": "Domestic abuse", "housing-refuge": "Housing and refuge",
                                            "sexual-violence": "Rape and sexual violence"})
    session.commit()


def test_the_words_name_needs_through_their_synonym_groups_in_any_language(app):
    synonyms = app.extensions["indexer"].engine.synonyms
    labels = {"domestic-abuse": "Domestic abuse", "housing-refuge": "Housing and refuge",
              "sexual-violence": "Rape and sexual violence"}
    assert needs_named("dv", synonyms, labels) == {"domestic-abuse"}
    assert needs_named("przemoc domowa", synonyms, labels) == {"domestic-abuse"}
    assert needs_named("safe house after sexual assault", synonyms, labels) == {"housing-refuge", "sexual-violence"}
    assert needs_named("zorblax", synonyms, labels) == set()


def test_the_district_is_the_code_the_place_resolved_to_never_the_place():
    assert district_of(CRAWLEY_PLACE, Resolution("rh10 1aa", place=CRAWLEY_PLACE)) == CRAWLEY
    assert district_of(None, Resolution("Maidstone", outside="Kent")) == OUTSIDE
    assert district_of(None, Resolution("Xyzzy")) == "unknown"
    assert district_of(Place("Sussex", Point(50.9, -0.3), ("SUSSEX",)), None) == "unknown"
    assert district_of(None, None) == "unknown"


def test_a_search_that_found_nothing_is_counted_by_its_facets(app, session, needs):
    synonyms = app.extensions["indexer"].engine.synonyms
    asked = SearchRequest(text="dv", needs=("housing-refuge",), flags=("open_to_all", "nrpf_support"),
                          point=CRAWLEY_PLACE.point, area_codes=CRAWLEY_PLACE.area_codes)
    assert count_search(session, synonyms, asked, CRAWLEY_PLACE, None, NOTHING, date(2026, 11, 3))
    assert count_search(session, synonyms, asked, CRAWLEY_PLACE, None, NOTHING, date(2026, 11, 28))
    assert count_search(session, synonyms, SearchRequest(text="zorblax"), None, None, NOTHING, date(2026, 11, 5))
    assert count_search(session, synonyms, SearchRequest(), None, Resolution("Leeds", outside="Leeds"), NOTHING,
                        date(2026, 11, 5))
    found = SearchResults(hits=[], total=1, page=1, per_page=20)
    assert not count_search(session, synonyms, asked, CRAWLEY_PLACE, None, found, date(2026, 11, 5))
    assert not count_search(session, synonyms, SearchRequest(text="dv", page=2), None, None, NOTHING, date(2026, 11, 5))
    assert tallies(session) == [
        ("2026-11", "search", ANY_NEED, OUTSIDE, "", "", 1),
        ("2026-11", "search", "domestic-abuse", CRAWLEY, "nrpf_support+open_to_all", "", 2),
        ("2026-11", "search", "housing-refuge", CRAWLEY, "nrpf_support+open_to_all", "", 2),
        ("2026-11", "search", UNRECOGNISED, "unknown", "", "", 1),
    ]


def test_months_roll_over_into_rows_of_their_own(app, session, needs):
    synonyms = app.extensions["indexer"].engine.synonyms
    for day in (date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 31)):
        count_search(session, synonyms, SearchRequest(text="refuge"), None, None, NOTHING, day)
    assert [(month, count) for month, *_, count in tallies(session)] == [("2026-12", 1), ("2027-01", 2)]
    gazetteer = app.extensions["indexer"].gazetteer
    assert unmet_need_table(session, gazetteer, "2027-01", "2027-01").total is None  # 2: too small to show
    for _ in range(5):
        count_search(session, synonyms, SearchRequest(text="refuge"), None, None, NOTHING, date(2027, 2, 1))
    table = unmet_need_table(session, gazetteer, "2027-01", "2027-02")
    assert (table.needs, table.cells, table.total) == ([("housing-refuge", "Housing and refuge")], [[7]], 7)


def test_counting_never_fails_the_page(app, session, caplog):
    class Broken:
        def split(self, words):
            raise RuntimeError("the words must not reach the log: zorblax")

    assert not count_search(session, Broken(), SearchRequest(text="zorblax"), None, None, NOTHING, date(2026, 11, 1))
    assert "RuntimeError" in caplog.text and "zorblax" not in caplog.text


def test_months_asked_for_are_checked_and_put_in_order():
    today = date(2026, 11, 29)
    assert month_range(None, None, today) == ("2025-12", "2026-11")
    assert month_range("2026-13", "nonsense", today) == ("2025-12", "2026-11")
    assert month_range("2026-09", "2026-03", today) == ("2026-03", "2026-09")


def test_the_staff_table_hides_small_cells_so_that_none_can_be_worked_out(app, session, needs):
    counts = {("domestic-abuse", CRAWLEY): 12, ("domestic-abuse", "E07000223"): 2, ("domestic-abuse", OUTSIDE): 9,
              ("housing-refuge", CRAWLEY): 7, ("housing-refuge", "E07000223"): 8, ("housing-refuge", OUTSIDE): 0,
              ("sexual-violence", CRAWLEY): 6, ("sexual-violence", "E07000223"): 1, ("sexual-violence", OUTSIDE): 5}
    for (need, district), count in counts.items():
        session.add(UnmetNeedTally(month="2026-10", source="search", need=need, district=district, conditions="",
                                   harm="", count=count))
    session.add(UnmetNeedTally(month="2026-09", source="pathway", need="housing-refuge", district=CRAWLEY,
                               conditions="", harm="domestic_abuse", count=100))  # another month: not in the table
    session.commit()
    table = unmet_need_table(session, app.extensions["indexer"].gazetteer, "2026-10", "2026-10")
    assert [label for _, label in table.districts] == ["Adur", "Crawley", "Outside Sussex"]
    assert [code for code, _ in table.needs] == ["domestic-abuse", "housing-refuge", "sexual-violence"]
    exact = [[counts[need, district] for district, _ in table.districts] for need, _ in table.needs]
    shown = table.cells
    assert all(value is None for row, cells in zip(exact, shown) for n, value in zip(row, cells) if 0 < n < SMALL_CELL)
    assert all(value in (None, n) for row, cells in zip(exact, shown) for n, value in zip(row, cells))
    for line in [*shown, *map(list, zip(*shown))]:  # a lone hidden cell in a row or column is its total minus the rest
        assert [value for value in line].count(None) != 1
    assert table.need_totals == [sum(row) for row in exact] and table.total == 50
    assert table.district_totals == [sum(column) for column in zip(*exact)]
    assert unmet_need_table(session, app.extensions["indexer"].gazetteer, "2026-09", "2026-09", "search").empty


# -- two workers at once ----------------------------------------------------------------------------------

INCREMENTS = 150


def _count_many(database_url: str, worker: int) -> None:
    engine = make_engine(database_url)
    for _ in range(INCREMENTS):
        with Session(engine) as session:
            add_one(session, UnmetNeedTally, month="2026-11", source="search", need="domestic-abuse",
                    district=CRAWLEY, conditions="", harm="")
            session.commit()
    engine.dispose()


def _two_workers(database_url: str) -> int:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_count_many, args=(database_url, n)) for n in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    engine = make_engine(database_url)
    with Session(engine) as session:
        counted = session.exec(select(UnmetNeedTally.count)).all()
    engine.dispose()
    return counted


def test_two_workers_counting_at_once_lose_no_increment_on_sqlite(app):
    assert _two_workers(app.config["DATABASE_URL"]) == [2 * INCREMENTS]
