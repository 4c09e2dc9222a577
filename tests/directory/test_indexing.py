"""The index follows the database: rebuilt on start when missing, stale or of another version."""

import json
from datetime import date, datetime, timedelta, timezone

from sqlmodel import Session, select

from app import create_app
from directory.indexing import database_fingerprint, service_document
from directory.listings.editing import queue_reindex
from directory.models import Answer, ImmigrationStatus, Service, ServiceStatus
from search import SearchRequest
from tests.factories import make_service


def search_ids(app, **kwargs):
    return [hit.service_id for hit in app.extensions["indexer"].engine.search(SearchRequest(**kwargs)).hits]


def test_unknown_or_restricted_immigration_status_never_matches_the_open_filter(app, session, reindex):
    open_to_all = make_service(session, "Open", immigration_status=ImmigrationStatus.OPEN_TO_ALL)
    make_service(session, "Unknown", immigration_status=ImmigrationStatus.UNKNOWN)
    make_service(session, "Restricted", immigration_status=ImmigrationStatus.RESTRICTIONS)
    reindex()
    assert search_ids(app, flags=("open_to_all",)) == [str(open_to_all.id)]


def test_only_yes_answers_become_filterable_flags(app, session):
    service = make_service(session, "Flags", nrpf_support=Answer.YES, nrpf_support_checked_on=date(2026, 1, 1),
                           interpreters=Answer.UNKNOWN, free=Answer.NO)
    assert service_document(service, app.extensions["indexer"].gazetteer)["flags"] == "nrpf_support"


def test_confidential_services_are_indexed_at_their_town_never_their_own_coordinates(app, session):
    gazetteer = app.extensions["indexer"].gazetteer
    refuge = make_service(session, "Refuge", confidential_location=True, point=(50.8312, -0.1734),
                          address=("7 Hidden Lane", "Hove", "BN3 9ZZ"))
    office = make_service(session, "Office", point=(50.82, -0.14))
    hove = gazetteer.coarse_point("Hove")
    assert (service_document(refuge, gazetteer)["latitude"], service_document(refuge, gazetteer)["longitude"]) == (
        hove.latitude, hove.longitude)
    assert (hove.latitude, hove.longitude) != (50.8312, -0.1734)
    assert (service_document(office, gazetteer)["latitude"], service_document(office, gazetteer)["longitude"]) == (
        50.82, -0.14)


def test_a_missing_index_is_rebuilt_when_the_app_starts(app, session, reindex, tmp_path):
    service = make_service(session, "Advice line")
    reindex()
    app.extensions["indexer"].engine.close()
    root = tmp_path / "index"
    (root / "CURRENT").unlink()
    restarted = create_app({**app.config, "TESTING": True})
    assert search_ids(restarted, text="advice") == [str(service.id)]


def test_an_index_of_an_older_schema_is_rebuilt_when_the_app_starts(app, session, reindex, tmp_path):
    make_service(session, "Advice line")
    reindex()
    current = tmp_path / "index" / "CURRENT"
    current.write_text(json.dumps({**json.loads(current.read_text()), "schema_version": 0}))
    restarted = create_app({**app.config, "TESTING": True})
    assert restarted.extensions["indexer"].engine.is_usable()
    assert len(search_ids(restarted, text="advice")) == 1


def test_drift_between_database_and_index_is_noticed_and_mended(app, session, reindex):
    indexer = app.extensions["indexer"]
    service = make_service(session, "Advice line")
    reindex()
    assert indexer.is_current(session)
    service.name = "Befriending line"
    service.last_modified = datetime.now(timezone.utc) + timedelta(seconds=5)
    session.commit()  # changed behind the index's back
    assert not indexer.is_current(session)
    assert indexer.ensure(session) == 1
    assert search_ids(app, text="befriending") == [str(service.id)]
    assert indexer.ensure(session) is None


def test_reindexing_a_service_that_closed_removes_it(app, session, reindex):
    service = make_service(session, "Advice line")
    reindex()
    service.status = ServiceStatus.TEMPORARILY_CLOSED
    queue_reindex(session, service.id)
    session.commit()
    app.extensions["indexer"].catch_up(session)
    assert not app.extensions["indexer"].is_behind(session)
    assert search_ids(app, text="advice") == []


def test_the_sample_directory_is_indexed_with_active_services_only(sample_app):
    with Session(sample_app.extensions["database"]) as session:
        active = session.exec(select(Service).where(Service.status == ServiceStatus.ACTIVE)).all()
        assert sample_app.extensions["indexer"].is_current(session)
        assert database_fingerprint(session).count == len(active)
    assert sample_app.extensions["indexer"].engine.search(SearchRequest()).total == len(active)
