"""Headless Chromium (Debian's package) driven by Playwright, against the app on a local port.

On CI a missing browser is a failure, not a skip: .ci/run also refuses skipped browser tests.
"""

import os
import shutil
import threading
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect
from sqlmodel import Session
from werkzeug.serving import make_server

from directory.models import Role
from tests.browser.accounts import ADMIN, APPROVER, EDITOR, OFFICER, OTHER_EDITOR, fill_in_sign_in, use_database
from tests.conftest import _app
from tests.factories import make_user

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is not installed at {CHROMIUM}; browser tests must run on CI")
        pytest.skip("Chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def serve():
    """Serves an app over HTTP on a free local port and returns its address; servers stop after the session."""
    servers = []

    def start(app) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="session")
def live_server(sample_app, serve):
    """The sample directory served over HTTP on a free local port."""
    return serve(sample_app)


@pytest.fixture
def record_hosts():
    """Starts noting every host a page asks for anything; the returned set fills as the page loads.

    Anything but the local server would tell a third party who is looking at what.
    """

    def record(page) -> set[str]:
        hosts = set()

        def note(request):
            if not request.url.startswith("data:"):
                hosts.add(urlparse(request.url).netloc)

        page.on("request", note)
        return hosts

    return record


@pytest.fixture
def context(browser):
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture(scope="session")
def staff_app(tmp_path_factory):
    """The sample directory with an admin, a policy approver, two editors and an officer, for these tests alone."""
    # One browser signs in many times a minute from 127.0.0.1; tests/staff checks the throttling itself.
    app = _app(tmp_path_factory.mktemp("staff"), load_sample=True, THROTTLING=False)
    with Session(app.extensions["database"]) as session:
        make_user(session, Role.ADMIN, ADMIN, "Ada Admin")
        make_user(session, Role.APPROVER, APPROVER, "Abe Approver")
        make_user(session, Role.EDITOR, EDITOR, "Edie Editor")
        make_user(session, Role.EDITOR, OTHER_EDITOR, "Otto Other")
        make_user(session, Role.OFFICER, OFFICER, "Olly Officer")
    use_database(app.extensions["database"])
    return app


@pytest.fixture(scope="session")
def staff_server(staff_app, serve):
    return serve(staff_app)


@pytest.fixture
def open_browser(browser, staff_server):
    """Opens a fresh browser (cookies of its own) on the staff server, signed in as `email` unless None.

    Several can be open at once, like two people at two desks; all are closed after the test.
    """
    contexts = []

    def open_(email: str | None = None, **options):
        context = browser.new_context(base_url=staff_server, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        if email:
            page.goto("/login")
            fill_in_sign_in(page, email)
            expect(page.get_by_role("heading", name="Staff home")).to_be_visible()
        return page

    yield open_
    for context in contexts:
        context.close()
