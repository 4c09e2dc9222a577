"""Stylesheet, script and icon: named by their content, kept a year, sent compressed; pages light and never kept."""

import gzip
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import brotli
import pytest
from sqlmodel import Session, select

from bench.page_weight import PAGES, TARGET_BYTES, client_fetcher, first_visit
from directory.models import Role, Service
from tests.conftest import _app
from tests.factories import make_user, sign_in

ROOT = Path(__file__).resolve().parents[2]
# GOV.UK Frontend's stylesheet with every component, as the package ships it.
WHOLE_GOVUK_CSS = ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "govuk-frontend.min.css"
A_YEAR = {"public", "max-age=31536000", "immutable"}
FINGERPRINTED = re.compile(r"^/static/build/[a-z]+\.([0-9a-f]{12})\.(css|js|svg)$")


def directives(response) -> set[str]:
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",") if part.strip()}


def page_files(client, path="/") -> list[str]:
    return [t.path for t in first_visit(client_fetcher(client), path)[1:]]


def test_every_file_a_page_loads_is_named_by_its_content_and_kept_a_year(sample_client):
    files = page_files(sample_client)
    assert {Path(path).suffix for path in files} == {".css", ".js", ".svg"}
    for path in files:
        name = FINGERPRINTED.match(path)
        assert name, path
        response = sample_client.get(path)
        assert response.status_code == 200
        assert hashlib.sha256(response.get_data()).hexdigest()[:12] == name.group(1)
        assert directives(response) == A_YEAR
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", PAGES["results"], "/services/does-not-exist", "/api/services"])
def test_pages_are_never_kept_for_a_year(sample_client, path):
    response = sample_client.get(path, headers={"Accept-Encoding": "br, gzip"})
    assert "immutable" not in directives(response)
    assert "max-age=31536000" not in directives(response)


def test_pages_keep_no_store_so_a_shared_phone_cannot_replay_them(sample_client):
    for path in PAGES.values():
        assert directives(sample_client.get(path)) == {"no-store"}


@pytest.mark.parametrize(("accepted", "sent"), [("br, gzip", "br"), ("gzip", "gzip"), ("gzip, deflate, br", "br")])
def test_files_go_compressed_when_the_browser_accepts_it(sample_client, accepted, sent):
    for path in page_files(sample_client):
        plain = sample_client.get(path, headers={"Accept-Encoding": "identity"})
        response = sample_client.get(path, headers={"Accept-Encoding": accepted})
        assert response.headers["Content-Encoding"] == sent
        assert "Accept-Encoding" in response.headers["Vary"]
        unpack = brotli.decompress if sent == "br" else gzip.decompress
        assert unpack(response.get_data()) == plain.get_data()
        assert directives(response) == A_YEAR


def test_files_go_plain_to_a_client_that_accepts_no_compression(sample_client):
    for path in page_files(sample_client):
        response = sample_client.get(path)
        assert "Content-Encoding" not in response.headers
        assert int(response.headers["Content-Length"]) == len(response.get_data())


@pytest.mark.parametrize("path", PAGES.values())
def test_pages_go_compressed_to_a_visitor_without_cookies(sample_client, path):
    plain = sample_client.get(path)
    response = sample_client.get(path, headers={"Accept-Encoding": "br, gzip"})
    assert "Content-Encoding" not in plain.headers
    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.get_data()) == plain.get_data()


def test_pages_go_uncompressed_to_anyone_signed_in(sample_client):
    """A signed-in page holds secrets beside words a link can put there: compressed, its length could tell (BREACH)."""
    sample_client.set_cookie("ssd_session", "anything")
    response = sample_client.get(PAGES["results"], headers={"Accept-Encoding": "br, gzip"})
    assert "Content-Encoding" not in response.headers
    assert "domestic abuse" in response.get_data(as_text=True)


@pytest.mark.parametrize("name", PAGES)
def test_a_first_visit_moves_at_most_60_kb(sample_client, name):
    transfers = first_visit(client_fetcher(sample_client), PAGES[name])
    assert all(t.status == 200 for t in transfers)
    assert [Path(t.path).suffix for t in transfers[1:]] == [".css", ".js", ".svg"]
    assert sum(t.wire_bytes for t in transfers) <= TARGET_BYTES


def _build(into: Path, extra_scss: str = "") -> Path:
    """Run the real asset build on a copy of assets/, with extra_scss appended to the stylesheet."""
    shutil.copytree(ROOT / "assets", into / "assets")
    (into / "node_modules").symlink_to(ROOT / "node_modules")
    (into / "assets" / "app.scss").write_text((ROOT / "assets" / "app.scss").read_text() + extra_scss)
    subprocess.run(["node", "assets/build.mjs"], cwd=into, check=True, capture_output=True)
    return into / "static" / "build"


def test_changing_the_stylesheet_changes_its_address_and_nothing_else(tmp_path):
    before = _app(tmp_path / "before", False, ASSETS_DIR=str(_build(tmp_path / "before"))).test_client()
    after = _app(
        tmp_path / "after", False, ASSETS_DIR=str(_build(tmp_path / "after", ".app-new-rule { color: red; }\n"))
    ).test_client()

    old, new = page_files(before), page_files(after)
    assert old[0] != new[0] and old[0].endswith(".css") and new[0].endswith(".css")
    assert old[1:] == new[1:]  # the script and icon did not change, so browsers keep them
    assert ".app-new-rule" in after.get(new[0]).get_data(as_text=True)
    assert after.get(old[0]).status_code == 404  # each build serves only its own files


def selectors(css: str) -> set[str]:
    """Every selector in a stylesheet, one by one (`a,b{…}` gives a and b), `::after` written `:after` as GOV.UK's
    minifier writes it."""
    return {part.strip().replace("::", ":") for group in re.findall(r"([^{}]+)\{", css) for part in group.split(",")}


def govuk_classes_in(selector: str) -> set[str]:
    """The govuk- classes a selector needs (`.govuk-\\!-margin-bottom-1` is govuk-!-margin-bottom-1)."""
    return {name.replace("\\", "") for name in re.findall(r"\.(govuk-(?:\\.|[\w-])+)", selector)}


def govuk_classes(client, paths) -> dict[str, str]:
    """Each govuk- class on these pages, and the first page that has it."""
    found = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        for value in re.findall(r'class="([^"]*)"', response.get_data(as_text=True)):
            for name in value.split():
                if name.startswith("govuk-"):
                    found.setdefault(name, path)
    return found


def test_every_govuk_component_the_pages_use_is_in_our_stylesheet(tmp_path):
    """Only the components we use are compiled in (assets/app.scss): a page using another would lose its styles."""
    app = _app(tmp_path, True, THROTTLING=False)
    client = app.test_client()
    with Session(app.extensions["database"], expire_on_commit=False) as session:
        admin = make_user(session, Role.ADMIN)
        service = session.exec(select(Service.id).order_by(Service.name)).first()
    public = [
        *PAGES.values(),
        f"/services/{service}",
        f"/services/{service}/report",
        "/safety",
        "/search?q=zzzz",
        "/ar/",
        "/login",
    ]
    found = govuk_classes(client, public)
    sign_in(client, admin)
    staff = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/staff/") and "GET" in rule.methods and not rule.arguments
    ]
    staff = [path for path in staff if client.get(path).mimetype == "text/html"]
    found |= govuk_classes(client, [*staff, f"/staff/services/{service}", f"/staff/services/{service}/history"])
    ours = selectors(client.get(page_files(client)[0]).get_data(as_text=True))

    # GOV.UK's rules that could match an element of our pages: each must be in our stylesheet too.
    needed = {
        selector
        for selector in selectors(WHOLE_GOVUK_CSS.read_text())
        if govuk_classes_in(selector) and govuk_classes_in(selector) <= found.keys()
    }
    assert len(found) > 100 and len(needed) > 200
    assert sorted(needed - ours) == []
