"""The staff bar: a signed-in person keeps their navigation and sign-out on public pages; a visitor never sees it."""

from html.parser import HTMLParser

import pytest

from directory.models import Role
from tests.factories import make_service, make_user, sign_in

PUBLIC_PAGES = ["/", "/search?q=advice", "/safety", "/pl/search"]


class StaffBar(HTMLParser):
    """The staff navigation of a page: its language, link texts and buttons (None when there is none)."""

    def __init__(self, html: str):
        super().__init__()
        self.lang = None
        self.links: list[str] = []
        self.buttons: list[str] = []
        self._depth = 0
        self._reading = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "nav" and attributes.get("aria-label") == "Staff":
            self._depth, self.lang = 1, attributes.get("lang")
        elif self._depth and tag == "nav":
            self._depth += 1
        elif self._depth and tag in ("a", "button"):
            self._reading = tag

    def handle_endtag(self, tag):
        if tag == "nav" and self._depth:
            self._depth -= 1
        elif tag == self._reading:
            self._reading = None

    def handle_data(self, data):
        if self._reading and data.strip():
            (self.links if self._reading == "a" else self.buttons).append(data.strip())


@pytest.fixture
def listing(session, reindex):
    service = make_service(session, "Harbour advice line")
    reindex()
    return service


@pytest.mark.parametrize("path", [*PUBLIC_PAGES, "service page"])
def test_signed_in_staff_keep_their_navigation_and_sign_out_on_public_pages(app, session, listing, path):
    client = app.test_client()
    sign_in(client, make_user(session, Role.EDITOR, name="Edie Editor"))
    response = client.get(f"/services/{listing.id}" if path == "service page" else path)
    assert response.status_code == 200
    bar = StaffBar(response.get_data(as_text=True))
    assert bar.links[:3] == ["Staff home", "Referral pathway", "Record a referral"]
    assert "Listings" in bar.links and "Change your password" in bar.links
    assert bar.buttons == ["Sign out"]
    assert bar.lang == "en"  # English-only, on a Polish page too


def test_an_officer_on_a_public_page_sees_only_their_own_staff_pages(app, session, listing):
    client = app.test_client()
    sign_in(client, make_user(session, Role.OFFICER, name="Olly Officer"))
    bar = StaffBar(client.get("/").get_data(as_text=True))
    assert bar.links == ["Staff home", "Referral pathway", "Record a referral", "Change your password"]


def test_signing_out_from_a_public_page_ends_the_session(app, session, listing):
    client = app.test_client()
    sign_in(client, make_user(session, Role.EDITOR))
    html = client.get("/safety").get_data(as_text=True)
    token = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert StaffBar(client.get("/safety").get_data(as_text=True)).buttons == []
    assert client.get("/staff/services").headers["Location"].startswith("/login")


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_visitors_get_no_staff_bar_token_or_cookie(client, listing, path):
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert StaffBar(html).buttons == [] and StaffBar(html).links == []
    assert "csrf_token" not in html and "Sign out" not in html
    assert "Set-Cookie" not in response.headers

