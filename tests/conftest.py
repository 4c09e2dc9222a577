"""Fixtures: an app on a real SQLite file and a real index, in a temporary folder."""

from pathlib import Path

import pytest
from sqlmodel import Session

from app import create_app

SAMPLE_DATA = Path(__file__).resolve().parent.parent / "data" / "sample"


def _app(tmp_path: Path, load_sample: bool, **config):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'directory.sqlite'}",
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
            "LOAD_SAMPLE_DATA": load_sample,
            "SAMPLE_DATA_DIR": str(SAMPLE_DATA),
            **config,
        }
    )


@pytest.fixture
def app(tmp_path):
    """An empty directory: tests add what they need with the factories."""
    return _app(tmp_path, load_sample=False)


@pytest.fixture(scope="session")
def sample_app(tmp_path_factory):
    """The bundled Sussex sample directory, loaded once; tests must not change it."""
    return _app(tmp_path_factory.mktemp("sample"), load_sample=True)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def sample_client(sample_app):
    return sample_app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    with Session(app.extensions["database"], expire_on_commit=False) as session:
        yield session


@pytest.fixture
def reindex(app, session):
    """Commit what a test made and rebuild the index from the database."""

    def _reindex():
        session.commit()
        count = app.extensions["indexer"].rebuild(session)
        session.commit()
        return count

    return _reindex
