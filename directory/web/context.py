"""What a view needs from the application: the request's database session and the search engine."""

from flask import current_app, g
from sqlmodel import Session

from directory.indexing import Indexer


def get_session() -> Session:
    """One session per request, closed when the request ends."""
    if "db_session" not in g:
        g.db_session = Session(current_app.extensions["database"], expire_on_commit=False)
    return g.db_session


def get_indexer() -> Indexer:
    return current_app.extensions["indexer"]


def commit_and_reindex() -> None:
    """Commit the request's changes, then bring this host's index up to them: the next page finds them."""
    session = get_session()
    session.commit()
    get_indexer().catch_up(session)


def close_session(_error=None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def get_geocoder():
    """The online geocoder's lookup function, or None (the default: offline only)."""
    return current_app.extensions["geocoder"]
