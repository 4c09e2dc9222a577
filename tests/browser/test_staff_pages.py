"""What staff do with a mouse and keyboard: signing in, editing and publishing listings, accessibility.

These tests change listings, so they run against a sample directory of their own, never the shared one.
Each test edits a different sample listing, so they do not depend on each other's order.
"""

import csv
import io
import json
import re
import zipfile
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from directory.exchange.export import package_zip
from directory.models import Organization, Service, TaxonomyTerm, User
from directory.web.staff.listing_sections import SECTIONS
from tests.browser.accounts import ADMIN, EDITOR, OFFICER, OTHER_EDITOR, fill_in_sign_in
from tests.browser.axe import accessibility_violations
from tests.factories import sign_in

# The listing each test edits (all published in the sample): no test sees another's changes.
JOURNEY_LISTING = "Sussex Victim Hub"
CONFLICT_LISTING = "Witness Care Unit"
NO_JAVASCRIPT_LISTING = "Lifecentre helpline and text service"
ACCESSIBILITY_LISTING = "Victim Support Sussex"
PREVIEW_LISTING = "National Homicide Service"  # changed only in an import that is previewed, never applied


@pytest.fixture(scope="module")
def records(staff_app) -> dict:
    """The records whose edit and history pages are checked, by kind."""
    with Session(staff_app.extensions["database"]) as session:
        return {
            "service": session.exec(select(Service.id).where(Service.name == ACCESSIBILITY_LISTING)).one(),
            "organisation": session.exec(select(Organization.id).order_by(Organization.name)).first(),
            "term": session.exec(select(TaxonomyTerm.id).order_by(TaxonomyTerm.name)).first(),
            "user": session.exec(select(User.id).where(User.email == EDITOR)).one(),
        }


@pytest.fixture(scope="module")
def staff_pages(staff_app, records):
    """Every staff page an admin can open.

    Pages without an id in their address come from the app's URL map, so pages added later (review,
    reports, import, export…) are checked as soon as they exist; those that answer with a download are not pages.
    """
    client = staff_app.test_client()
    with Session(staff_app.extensions["database"]) as session:
        sign_in(client, session.exec(select(User).where(User.email == ADMIN)).one())
    plain = sorted(rule.rule for rule in staff_app.url_map.iter_rules()
                   if rule.rule.startswith("/staff/") and "GET" in rule.methods and not rule.arguments)
    service, organisation, term, user = (records[kind] for kind in ("service", "organisation", "term", "user"))
    return [path for path in plain if client.get(path).mimetype == "text/html"] + [
        *listing_pages(service), f"/staff/services/{service}/history",
        f"/staff/services/{service}/verify", f"/staff/services/{service}/unpublish",
        f"/staff/review/mark-checked?service={service}", f"/staff/review/confirmation-sheets?service={service}",
        f"/staff/organisations/{organisation}", f"/staff/organisations/{organisation}/history",
        f"/staff/terms/{term}", f"/staff/terms/{term}/history",
        f"/staff/users/{user}", f"/staff/users/{user}/password",
    ]


def listing_pages(service_id) -> list[str]:
    """A listing's summary, each of its sections and the long form."""
    return [f"/staff/services/{service_id}", *(f"/staff/services/{service_id}/sections/{section.slug}"
                                               for section in SECTIONS), f"/staff/services/{service_id}/all"]


def open_listing(page, name: str) -> None:
    """From anywhere in the staff pages: Listings, then the listing, as a person would."""
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Listings").click()
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def click_and_expect_banner(page, button: str, message: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(message)


def mark_as_verified(page) -> None:
    """From a listing: Mark as verified, then confirm on its page (no condition ticked)."""
    page.get_by_role("button", name="Mark as verified", exact=True).click()
    click_and_expect_banner(page, "Mark as verified today", "Marked as verified today")


def change_headed(page, action: str):
    """One entry of a history page, found by its heading ("Verified (version 2)")."""
    return page.locator(".app-change").filter(has=page.get_by_role("heading", name=re.compile(f"^{action}")))


def name_change(area):
    """The before and after cells of the service name's row in a table of differences."""
    return area.get_by_role("row", name=re.compile("^Service name ")).get_by_role("cell")


def open_section(page, title: str) -> None:
    """From a listing's summary, a section by its row in the task list."""
    page.locator(".govuk-task-list").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def public_heading(page, path: str) -> str:
    page.goto(path)
    return page.get_by_role("heading", level=1).inner_text()


def test_staff_pages_ask_you_to_sign_in_and_sign_out_ends_the_session(open_browser):
    page = open_browser()
    page.goto("/staff/services")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    fill_in_sign_in(page, EDITOR, "not the password")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus there, so screen readers hear it first

    fill_in_sign_in(page, EDITOR)
    expect(page).to_have_url(re.compile(r"/staff/services$"))
    expect(page.get_by_role("heading", name="Listings")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out.")
    page.goto("/staff/services")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_a_listing_is_edited_section_by_section_and_published_from_its_summary(open_browser):
    editor, public = open_browser(EDITOR), open_browser()
    open_listing(editor, JOURNEY_LISTING)
    public_path = editor.get_by_role("link", name="View the public page").get_attribute("href")
    # A listing loaded from the sample has no version in its history yet: checking it records one.
    mark_as_verified(editor)

    open_section(editor, "About the service")
    editor.get_by_label("Service name").fill("Kestrel victim hub")
    click_and_expect_banner(editor, "Save", "Draft saved. The public listing has not changed")
    expect(editor.get_by_role("heading", level=1)).to_have_text(JOURNEY_LISTING)  # back on the summary
    about = editor.locator(".govuk-summary-card").filter(has=editor.get_by_role("heading", name="About the service"))
    expect(about.get_by_role("definition").first).to_have_text("Kestrel victim hub")  # it shows the draft

    editor.get_by_role("link", name="Change (Contact details)").click()
    expect(editor.get_by_role("heading", level=1)).to_have_text("Contact details")
    editor.locator("#phones").get_by_label("Number").first.fill("01632 960999")
    click_and_expect_banner(editor, "Save", "Draft saved.")
    assert public_heading(public, public_path) == JOURNEY_LISTING

    click_and_expect_banner(editor, "Publish the draft", "Listing published.")
    assert public_heading(public, public_path) == "Kestrel victim hub"
    expect(public.get_by_role("link", name="01632 960999")).to_be_visible()
    public.goto("/search?q=kestrel")
    expect(public.get_by_role("link", name="Kestrel victim hub")).to_be_visible()

    editor.get_by_role("link", name="History").click()
    phone, name = change_headed(editor, "Draft saved").all()  # newest first
    expect(name_change(name)).to_have_text([JOURNEY_LISTING, "Kestrel victim hub"])
    expect(phone.get_by_role("rowheader")).to_have_text(re.compile(r"^\s*Phone number [\d ]+: Number\s*$"))
    expect(name.get_by_role("button", name=re.compile("^Restore this version"))).to_be_visible()
    change_headed(editor, "Verified").get_by_role("button", name=re.compile("^Restore this version")).click()
    expect(editor.locator(".govuk-notification-banner")).to_contain_text("The earlier version is restored")
    assert public_heading(public, public_path) == JOURNEY_LISTING


def test_a_second_editor_saving_over_a_change_sees_both_versions(open_browser):
    first, second = open_browser(EDITOR), open_browser(OTHER_EDITOR)
    for page in (first, second):
        open_listing(page, CONFLICT_LISTING)
        page.get_by_role("link", name="Edit all on one page").click()
    first.get_by_label("Service name").fill("Witness Care Unit (Sussex)")
    click_and_expect_banner(first, "Save as draft", "Draft saved.")

    second.get_by_label("Service name").fill("Sussex Witness Care")
    second.get_by_role("button", name="Save as draft").click()
    expect(second.locator("#conflict")).to_contain_text("This listing changed while you were editing it")
    expect(name_change(second)).to_have_text(["Witness Care Unit (Sussex)", "Sussex Witness Care"])


def test_the_listing_editor_works_without_javascript(open_browser):
    page = open_browser(EDITOR, java_script_enabled=False)
    open_listing(page, NO_JAVASCRIPT_LISTING)
    open_section(page, "Contact details")
    numbers = page.locator("#phones").get_by_label("Number")
    entries = numbers.count()
    page.get_by_role("button", name="Add another phone number").click()
    expect(numbers).to_have_count(entries + 1)

    numbers.last.fill("01632 960888")
    page.locator("#phones").get_by_label("What it is for").last.fill("Out of hours")
    click_and_expect_banner(page, "Save", "Draft saved.")
    open_section(page, "Contact details")
    expect(page.locator("#phones").get_by_label("Number")).to_have_count(entries + 1)  # saved ones plus a blank
    assert "01632 960888" in [field.input_value() for field in page.locator("#phones").get_by_label("Number").all()]


def make_a_validation_error(page) -> None:
    """In a listing's contact details section."""
    open_section(page, "Contact details")
    page.locator("#phones").get_by_label("Number").first.fill("12345")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a phone number that exists")


def test_staff_pages_have_no_accessibility_violations(open_browser, staff_pages, records):
    # bypass_csp lets the test inject axe-core; the pages themselves are served with their usual policy.
    options = {"bypass_csp": True, "viewport": {"width": 1280, "height": 800}}
    failures = {}

    def check(page, label: str) -> None:
        if violations := accessibility_violations(page):
            failures[label] = violations

    visitor = open_browser(**options)
    visitor.goto("/login")
    check(visitor, "/login")
    fill_in_sign_in(visitor, EDITOR, "not the password")
    check(visitor, "/login with an error")

    officer = open_browser(OFFICER, **options)
    check(officer, "/staff/ as an officer")

    admin = open_browser(ADMIN, **options)
    # Some history to show: a verified listing with a draft (that brings "Restore this version"), an
    # organisation and a term each changed once.
    open_listing(admin, ACCESSIBILITY_LISTING)
    mark_as_verified(admin)
    open_section(admin, "About the service")
    admin.get_by_label("Service name").fill("Victim Support in Sussex")
    click_and_expect_banner(admin, "Save", "Draft saved.")
    for kind, message in (("organisation", "Organisation saved."), ("term", "Term saved.")):
        admin.goto(f"/staff/{kind}s/{records[kind]}")
        admin.get_by_label("Description").fill("Checked with them this week.")
        click_and_expect_banner(admin, "Save", message)
    for path in staff_pages:
        admin.goto(path)
        check(admin, path)
    open_listing(admin, ACCESSIBILITY_LISTING)
    make_a_validation_error(admin)
    check(admin, "listing editor with an error")
    assert failures == {}, json.dumps(failures, indent=1)


def test_the_listing_editor_has_no_accessibility_violations_on_a_phone(open_browser, records):
    page = open_browser(EDITOR, bypass_csp=True, viewport={"width": 375, "height": 800})
    failures = {}
    for path in listing_pages(records["service"]):
        page.goto(path)
        failures[path] = accessibility_violations(page)
    open_listing(page, ACCESSIBILITY_LISTING)
    make_a_validation_error(page)
    failures["a section with an error"] = accessibility_violations(page)
    assert {path: found for path, found in failures.items() if found} == {}, json.dumps(failures, indent=1)


@pytest.mark.parametrize("width", [1280, 375])
def test_signed_in_staff_keep_their_navigation_on_public_pages_and_can_sign_out_there(open_browser, width):
    page = open_browser(EDITOR, bypass_csp=True, viewport={"width": width, "height": 800})
    page.goto("/pl/search?q=pomoc")
    staff = page.get_by_role("navigation", name="Staff")
    expect(staff.get_by_text("Signed in as Edie Editor")).to_be_visible()
    assert accessibility_violations(page) == [], f"at {width} px"
    staff.get_by_role("link", name="Listings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Listings")
    page.goto("/")
    page.get_by_role("navigation", name="Staff").get_by_role("button", name="Sign out").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out.")
    page.goto("/")
    expect(page.get_by_role("navigation", name="Staff")).to_have_count(0)


def test_no_staff_page_scrolls_sideways_on_a_phone(open_browser, staff_pages):
    page = open_browser(ADMIN, viewport={"width": 375, "height": 800})
    wide = {}
    for path in staff_pages:
        page.goto(path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 375:
            wide[path] = width
    assert wide == {}


def test_staff_pages_request_nothing_from_other_hosts(open_browser, staff_server, staff_pages, record_hosts):
    page = open_browser()
    hosts = record_hosts(page)
    page.goto("/login")
    fill_in_sign_in(page, ADMIN)
    for path in staff_pages:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert hosts == {urlparse(staff_server).netloc}


@pytest.mark.parametrize("width", [1280, 375])
def test_the_coverage_page_has_no_accessibility_violations_and_prints_without_its_form(open_browser, staff_server,
                                                                                      width):
    page = open_browser(EDITOR, bypass_csp=True, viewport={"width": width, "height": 800})
    for town in ("Crawley", "Brighton", "Worthing", "Hastings", "Lewes", "Horsham", "Chichester", "Eastbourne"):
        # Searches that find nothing, so the unmet-need table (a column a district) is on the page too.
        page.request.get(f"{staff_server}/search?q=qwzx+vbnm&where={town}")
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Coverage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coverage")
    page.get_by_label("Are commissioned by the Police and Crime Commissioner").check()
    page.get_by_role("button", name="Show coverage").click()
    expect(page).to_have_url(re.compile(r"/staff/coverage\?.*commissioned=yes"))
    expect(page.get_by_role("img", name=re.compile("^Heat-map of services open regardless"))).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("^Coverage by area and need"))).to_be_visible()
    assert accessibility_violations(page) == [], f"at {width} px"
    assert not page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth"), "scrolls sideways"
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Show coverage")).to_be_hidden()
    expect(page.get_by_text(re.compile("^Counted on "))).to_be_visible()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_unmet_need_page_has_no_accessibility_violations_and_its_choices_work(open_browser, staff_server, width):
    page = open_browser(EDITOR, bypass_csp=True, viewport={"width": width, "height": 800})
    for town in ("Crawley", "Brighton", "Hastings", "Eastbourne", "Chichester"):
        page.request.get(f"{staff_server}/search?q=qwzx+vbnm&where={town}")  # found nothing: counted
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Unmet need").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Unmet need")
    page.get_by_label("Counted from").select_option(label="Public searches")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/staff/unmet-need\?.*source=search"))
    table = page.get_by_role("table", name=re.compile("^Searches and pathways that found nothing"))
    expect(table.get_by_role("rowheader", name="Words not recognised as a need")).to_be_visible()
    assert accessibility_violations(page) == [], f"at {width} px"
    assert not page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth"), "scrolls sideways"
    page.get_by_label("From month").fill("2020-01")
    page.get_by_label("To month").fill("2020-02")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No unmet need was counted in these months.")).to_be_visible()
    assert accessibility_violations(page) == [], f"at {width} px, with nothing counted"


def export_changing(app, name: str, changes: dict[str, str], folder) -> str:
    """The directory's public export, with one listing's cells changed: a file to upload."""
    with Session(app.extensions["database"]) as session:
        files = unzipped(package_zip(session, app.config["EXPORT_DESCRIPTOR"], public_only=True))
    services = list(csv.DictReader(io.StringIO(files["services.csv"], newline="")))
    for row in services:
        if row["name"] == name:
            row.update(changes)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(services[0]))
    writer.writeheader()
    writer.writerows(services)
    path = folder / "changed.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for file, text in {**files, "services.csv": out.getvalue()}.items():
            archive.writestr(file, text)
    return str(path)


def unzipped(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


@pytest.mark.parametrize("width", [1280, 375])
def test_the_import_preview_has_no_accessibility_violations_and_fits_a_phone(open_browser, staff_app, tmp_path,
                                                                           monkeypatch, width):
    monkeypatch.setitem(staff_app.config, "IMPORT_UPLOAD_DIR", str(tmp_path / "uploads"))
    long_address = "https://www.example.org/" + "services-for-people-after-a-crime-" * 4
    upload = export_changing(staff_app, PREVIEW_LISTING, {"url": long_address, "status": "temporarily closed",
                                                          "description": "Open on Saturdays from December."},
                             tmp_path)
    page = open_browser(EDITOR, bypass_csp=True, viewport={"width": width, "height": 800})
    page.goto("/staff/import")
    page.get_by_label("Upload a file").set_input_files(upload)
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check what this import will change")
    card = page.locator(".govuk-summary-card").filter(has=page.get_by_role("heading", name=PREVIEW_LISTING))
    expect(card.locator(".govuk-summary-list__key")).to_have_text(["Description", "Website", "Status"])
    expect(card.locator(".govuk-summary-list__value").nth(2)).to_have_text(
        re.compile(r"Now: Active\s+After the import: Temporarily closed"))
    assert accessibility_violations(page) == [], f"at {width} px"
    assert not page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth"), "scrolls sideways"
