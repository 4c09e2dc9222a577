"""A search that finds nothing is counted by need and district only: the words and the place typed leave no
trace anywhere in the database, and the safety page says what is counted."""

import sqlite3
from pathlib import Path

from sqlmodel import select

from directory.evidence.tallies import UnmetNeedTally
from tests.factories import make_service

WORDS = ("zorblaxian", "quuxington")
PLACES = ("Crawley", "RH10 1AA")


def database_files(app) -> list[Path]:
    database = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    return [path for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")) if path.exists()]


def every_text_value(app) -> list[str]:
    """Every value of every text column of every table, read with sqlite3 on the file itself."""
    database = database_files(app)[0]
    connection = sqlite3.connect(database)
    values = []
    tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        for row in connection.execute(f'SELECT * FROM "{table}"'):
            values += [value for value in row if isinstance(value, str)]
    dump = "\n".join(connection.iterdump())
    connection.close()
    return values + [dump]


def test_a_search_with_nonsense_words_and_a_place_leaves_no_trace_of_either(app, client, session, reindex):
    make_service(session, "Harbour advice line", point=(50.8225, -0.1372))
    reindex()
    for place in PLACES:
        page = client.get("/search", query_string={"q": " ".join(WORDS), "where": place, "radius": "1"})
        assert page.status_code == 200
    counted = session.exec(select(UnmetNeedTally)).all()
    assert {(t.source, t.need, t.district, t.count) for t in counted} == {("search", "unrecognised", "E07000226", 2)}
    everything = "\n".join(every_text_value(app)).casefold()
    for typed in (*WORDS, *PLACES, "rh10"):
        assert typed.casefold() not in everything
    for path in database_files(app):  # nor in a free page, the write-ahead log or its index
        raw = path.read_bytes().lower()
        assert not any(typed.encode() in raw for typed in (*WORDS, "rh10 1aa", "rh101aa"))


def test_a_search_that_finds_nothing_near_is_counted_under_the_needs_it_asked_for(app, client, session, reindex):
    make_service(session, "Harbour advice line", needs={"domestic-abuse": "Domestic abuse"},
                 point=(50.8225, -0.1372))
    make_service(session, "Lighthouse refuge", needs={"housing-refuge": "Housing and refuge"},
                 point=(50.8225, -0.1372))
    reindex()
    asked = {"q": "domestic violence", "category": "housing-refuge", "access": "open_to_all", "where": "Crawley"}
    assert "0 services found" in client.get("/search", query_string=asked).get_data(as_text=True)
    assert "1 service found" in client.get("/search", query_string={"q": "refuge"}).get_data(as_text=True)
    assert {(t.need, t.district, t.conditions, t.count) for t in session.exec(select(UnmetNeedTally))} == {
        ("domestic-abuse", "E07000226", "open_to_all", 1), ("housing-refuge", "E07000226", "open_to_all", 1)}


def test_the_safety_page_says_what_is_counted_and_what_never_is(client):
    page = client.get("/safety").get_data(as_text=True)
    assert ("Each month it counts the searches that found nothing, or nothing near, only by the type of support, "
            "the district and the access filters ticked. It never keeps the words or the place you typed.") in page
