"""What the staff pages' tests share."""

import pytest

from directory.models import Role
from tests.factories import make_user, sign_in


@pytest.fixture
def editor_client(app, session):
    """A browser signed in (both steps) as Edie Editor."""
    client = app.test_client()
    sign_in(client, make_user(session, Role.EDITOR, name="Edie Editor"))
    return client
