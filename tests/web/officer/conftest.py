"""An officer signed in on the bundled sample directory, once per test module."""

import pytest
from sqlmodel import Session

from directory.models import Role
from tests.conftest import _app
from tests.factories import make_user, sign_in


@pytest.fixture(scope="module")
def officer_app(tmp_path_factory):
    return _app(tmp_path_factory.mktemp("officer"), load_sample=True)


@pytest.fixture(scope="module")
def officer(officer_app):
    """Signed in once for the module: sign-in is throttled to five a minute."""
    client = officer_app.test_client()
    with Session(officer_app.extensions["database"]) as session:
        sign_in(client, make_user(session, Role.OFFICER))
    return client
