"""Several app hosts, one database: every host's own index follows the change log, and the log is pruned."""

import time
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlmodel import Session, func, select

from app import create_app
from directory.indexing import indexer as indexer_module
from directory.indexing.changes import HOLE_GRACE_SECONDS, IndexChange, IndexFollower, Position
from directory.listings import editing as listings
from directory.models import Role, User, utc_now
from tests.conftest import SAMPLE_DATA
from tests.factories import make_service, make_user

CONVERGENCE_SECONDS = 2


def another_host(app, tmp_path, name: str = "index-b"):
    """A second app host on the same database, with its own index folder."""
    return create_app({**app.config, "SEARCH_INDEX_DIR": str(tmp_path / name)})


def rename_on(host, service_id, name: str) -> None:
    """An editor saves a new name on `host`, as the staff page does: commit, then that host's index catches up."""
    with Session(host.extensions["database"], expire_on_commit=False) as session:
        editor = session.exec(select(User).where(User.role == Role.EDITOR)).first() or make_user(session)
        service = listings.load_service(session, service_id)
        snapshot = listings.service_snapshot(service)
        snapshot["service"]["name"] = name
        listings.save_service(session, service, snapshot, listings.Edit(editor, service.version), publish=True)
        session.commit()
        host.extensions["indexer"].catch_up(session)


class ResultNames(HTMLParser):
    """The names in a search page's list of results (not the 24-hour help or helplines below it)."""

    def __init__(self, html: str):
        super().__init__()
        self.names: list[str] = []
        self._in_results = self._in_heading = self._in_name = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self._in_results = self._in_results or (tag == "ol" and dict(attrs).get("id") == "results")
        self._in_heading = self._in_heading or (self._in_results and tag == "h3")
        self._in_name = self._in_heading and tag == "a"

    def handle_endtag(self, tag):
        self._in_results = self._in_results and tag != "ol"
        self._in_heading = self._in_heading and tag != "h3"
        self._in_name = False

    def handle_data(self, data):
        if self._in_name:
            self.names.append(data.strip())


def public_search(host, words: str) -> list[str]:
    """The names a visitor's search for `words` lists on `host`."""
    return ResultNames(host.test_client().get("/search", query_string={"q": words}).get_data(as_text=True)).names


def found_within(host, words: str, name: str, seconds: float = CONVERGENCE_SECONDS) -> bool:
    """Whether `host`'s public search for `words` lists `name` within `seconds` (asked again and again)."""
    deadline = time.monotonic() + seconds
    while True:
        if name in public_search(host, words):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def log_lines(session) -> int:
    session.commit()  # a fresh look at what the other hosts committed
    return session.exec(select(func.count()).select_from(IndexChange)).one()


def test_an_edit_on_one_host_is_found_through_the_other_hosts_search(app, session, reindex, tmp_path):
    service = make_service(session, "Harbour advice line")
    reindex()
    other = another_host(app, tmp_path)
    assert "Harbour advice line" in public_search(other, "harbour")

    rename_on(app, service.id, "Quayside befriending line")

    assert found_within(other, "quayside", "Quayside befriending line")
    assert "Harbour advice line" not in public_search(other, "harbour")


def test_a_package_loaded_on_one_host_is_found_through_the_others(app, runner, tmp_path):
    other = another_host(app, tmp_path)
    assert public_search(other, "refuge") == []
    assert runner.invoke(args=["data", "load", str(SAMPLE_DATA)]).exit_code == 0  # rebuilds this host's index
    refuge = public_search(app, "refuge")[0]
    # The other applies the log a search's worth at a time, so no visitor waits for a whole import.
    assert found_within(other, "refuge", refuge, seconds=30)
    with Session(app.extensions["database"]) as session:
        while other.extensions["indexer"].is_behind(session):
            public_search(other, "refuge")
        assert other.extensions["indexer"].is_current(session)


def test_the_log_is_pruned_only_past_every_index(app, session, reindex, tmp_path):
    service = make_service(session, "Harbour advice line")
    reindex()
    other = another_host(app, tmp_path)
    rename_on(app, service.id, "Quayside line")
    assert app.extensions["indexer"].prune(session) == 0  # the other host has not applied it yet
    assert log_lines(session) == 1

    assert found_within(other, "quayside", "Quayside line")
    assert log_lines(session) == 1  # both passed it, but the log keeps its last line (its end, read by pages)
    rename_on(app, service.id, "Lighthouse line")
    assert found_within(other, "lighthouse", "Lighthouse line")
    last_line = session.exec(select(func.max(IndexChange.seq))).one()
    assert app.extensions["indexer"].prune(session) == 1  # the first line: both passed it, and it is not the last
    assert session.exec(select(IndexChange.seq)).all() == [last_line]


def test_a_host_forgotten_while_away_rebuilds_when_it_returns(app, session, reindex, tmp_path, monkeypatch):
    service = make_service(session, "Harbour advice line")
    reindex()
    away = another_host(app, tmp_path)
    away_id = away.extensions["indexer"].engine.identity()
    follower = session.get(IndexFollower, away_id)
    follower.seen_at = utc_now() - timedelta(days=8)  # not seen for longer than forget_after (7 days)
    session.commit()

    rename_on(app, service.id, "Harbour line")
    rename_on(app, service.id, "Quayside line")  # this host applies both, and prunes what every index passed:
    app.extensions["indexer"].prune(session)
    assert log_lines(session) == 1  # the forgotten host held nothing back (the log keeps only its last line)
    assert away_id not in session.exec(select(IndexFollower.index_id)).all()

    monkeypatch.setattr(indexer_module, "SEEN_EVERY_SECONDS", 0)  # as when it next looks, days later
    with Session(app.extensions["database"]) as fresh:
        assert away.extensions["indexer"].catch_up(fresh) == 1  # it rebuilt: the line it missed is gone
    assert "Quayside line" in public_search(away, "quayside")
    assert away_id in session.exec(select(IndexFollower.index_id)).all()


def test_an_index_without_a_position_is_rebuilt(app, session, reindex, tmp_path):
    service = make_service(session, "Harbour advice line")
    reindex()
    for position in (tmp_path / "index").glob("gen-*/POSITION"):
        position.unlink()  # as an index built before the change log
    service.name = "Quayside line"
    service.last_modified = utc_now()
    session.commit()  # behind the log's back: only a rebuild can find it
    assert "Quayside line" in public_search(app, "quayside")


def test_a_line_that_commits_after_a_later_one_is_still_applied(app, session, reindex, tmp_path):
    """PostgreSQL gives numbers at insert, so 10 may commit after 11: the gap is a hole, applied when it fills."""
    first, second = make_service(session, "Harbour line"), make_service(session, "Lighthouse line")
    reindex()
    other = another_host(app, tmp_path)
    top = session.exec(select(func.max(IndexChange.seq))).one() or 0
    second.name, second.last_modified = "Zephyr line", utc_now()
    session.add(IndexChange(seq=top + 2, service_id=second.id))  # committed first...
    session.commit()
    assert found_within(other, "zephyr", "Zephyr line")

    first.name, first.last_modified = "Kestrel line", utc_now()
    session.add(IndexChange(seq=top + 1, service_id=first.id))  # ...and the earlier number later
    session.commit()
    assert found_within(other, "kestrel", "Kestrel line")
    with Session(app.extensions["database"]) as fresh:
        assert not other.extensions["indexer"].is_behind(fresh)


def test_a_hole_is_awaited_then_given_up_after_the_grace_period():
    now = 1_000_000.0
    position = Position(10).advanced([11, 13, 14], now)
    assert position == Position(14, ((12, 12, now),))
    assert position.low_water(now) == 11  # pruning waits for 12
    assert position.advanced([12], now + 1) == Position(14)
    assert position.low_water(now + HOLE_GRACE_SECONDS + 1) == 14
    assert position.advanced([], now + HOLE_GRACE_SECONDS + 1) == Position(14)
    assert Position.from_record(position.as_record()) == position


@pytest.mark.parametrize("read, expected", [
    ([6, 7], Position(20, ((5, 5, 1.0), (8, 9, 1.0)))),  # a read cut short inside a hole keeps the rest
    ([21, 22], Position(22, ((5, 9, 1.0),))),
])
def test_a_position_only_moves_past_what_was_read(read, expected):
    assert Position(20, ((5, 9, 1.0),)).advanced(read, 2.0) == expected
