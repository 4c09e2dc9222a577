"""Public pages served from a worker's memory: never older than a change made through the app, never for a
visitor who may see more, never for a search near her own position, and never in place of a count."""

import base64
import hashlib
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from directory import clock
from directory.evidence.tallies import UnmetNeedTally
from directory.indexing import log_changes
from directory.models import Role, Service
from tests.conftest import _app
from tests.factories import make_service, make_user, page_form, sign_in

TEN_AM = datetime(2026, 11, 30, 10, 0, 10, tzinfo=timezone.utc)


@pytest.fixture
def clock_at(monkeypatch):
    """Stops the clock at `moment` (UK time is UTC in winter)."""

    def stop(moment: datetime) -> None:
        monkeypatch.setattr(clock, "_utc_now", lambda: moment)

    stop(TEN_AM)
    return stop


@pytest.fixture
def listing(session, reindex):
    service = make_service(session, "Harbour advice line", needs={"domestic-abuse": "Domestic abuse"},
                           point=(50.8225, -0.1372))
    reindex()
    return service


def renamed_behind_the_apps_back(session, listing, name: str, logged: bool) -> None:
    """Rename straight in the database; `logged` adds the change log's line, as every edit through the app does."""
    service = session.get(Service, listing.id)
    service.name = name
    if logged:
        log_changes(session, {listing.id})
    session.commit()


def test_the_same_page_is_sent_again_until_the_change_log_moves(client, session, listing, clock_at):
    address = f"/services/{listing.id}"
    assert "Harbour advice line" in client.get(address).get_data(as_text=True)

    renamed_behind_the_apps_back(session, listing, "Harbour helpline", logged=False)
    assert "Harbour advice line" in client.get(address).get_data(as_text=True), "kept for the minute"

    renamed_behind_the_apps_back(session, listing, "Quay helpline", logged=True)
    assert "Quay helpline" in client.get(address).get_data(as_text=True)


def test_a_search_shows_an_edit_made_through_the_app_at_once(app, client, session, listing, clock_at):
    editor = app.test_client()
    sign_in(editor, make_user(session, Role.EDITOR))
    assert "Harbour advice line" in client.get("/search?q=domestic+abuse").get_data(as_text=True)

    confirmation = editor.get(f"/staff/services/{listing.id}/unpublish")
    response = editor.post(f"/staff/services/{listing.id}/unpublish", data=page_form(confirmation.get_data(as_text=True)))
    assert response.status_code == 302

    assert "Harbour advice line" not in client.get("/search?q=domestic+abuse").get_data(as_text=True)
    assert client.get(f"/services/{listing.id}").status_code == 404


def test_a_page_is_drawn_again_each_minute_for_opening_times(client, session, listing, clock_at):
    address = f"/services/{listing.id}"
    client.get(address)
    renamed_behind_the_apps_back(session, listing, "Harbour helpline", logged=False)
    clock_at(TEN_AM + timedelta(seconds=45))
    assert "Harbour advice line" in client.get(address).get_data(as_text=True)
    clock_at(TEN_AM + timedelta(minutes=1))
    assert "Harbour helpline" in client.get(address).get_data(as_text=True)


def test_a_visitor_with_a_cookie_gets_a_page_drawn_for_her(app, client, session, listing, clock_at):
    client.get(f"/services/{listing.id}")
    renamed_behind_the_apps_back(session, listing, "Harbour helpline", logged=False)
    officer = app.test_client()
    sign_in(officer, make_user(session, Role.OFFICER))
    assert "Harbour helpline" in officer.get(f"/services/{listing.id}").get_data(as_text=True)


def test_a_search_near_the_visitors_own_position_is_never_kept(client, session, listing, clock_at):
    near_me = "/search?q=domestic+abuse&lat=50.82&lon=-0.14"
    assert "Harbour advice line" in client.get(near_me).get_data(as_text=True)
    renamed_behind_the_apps_back(session, listing, "Harbour helpline", logged=False)
    assert "Harbour helpline" in client.get(near_me).get_data(as_text=True)


def test_a_missing_page_is_never_kept(client, session, listing, clock_at):
    address = f"/services/{listing.id}"
    listing.published = False
    session.add(listing)
    session.commit()
    assert client.get(address).status_code == 404
    listing.published = True
    session.add(listing)
    session.commit()
    assert client.get(address).status_code == 200


def test_every_search_that_finds_nothing_is_counted_though_pages_are_kept(client, session, listing, clock_at):
    for _ in range(3):
        assert "0 services found" in client.get("/search?q=stalking&where=Crawley").get_data(as_text=True)
    assert [tally.count for tally in session.exec(select(UnmetNeedTally))] == [3]


def test_every_inline_script_is_allowed_by_its_hash_and_the_page_holds_nothing_drawn_for_one_request(client):
    first, second = client.get("/"), client.get("/")
    assert first.get_data() == second.get_data()
    policy = first.headers["Content-Security-Policy"]
    assert "nonce" not in policy
    scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.+?)</script>", first.get_data(as_text=True), re.DOTALL)
    assert scripts, "GOV.UK's template marks the page js-enabled with an inline script"
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy


def test_no_page_is_kept_when_the_cache_is_turned_off(tmp_path, clock_at):
    app = _app(tmp_path, load_sample=False, PAGE_CACHE_ENTRIES=0)
    with Session(app.extensions["database"], expire_on_commit=False) as session:
        listing = make_service(session, "Harbour advice line", point=(50.8225, -0.1372))
        session.commit()
        client = app.test_client()
        client.get(f"/services/{listing.id}")
        renamed_behind_the_apps_back(session, listing, "Harbour helpline", logged=False)
        assert "Harbour helpline" in client.get(f"/services/{listing.id}").get_data(as_text=True)
