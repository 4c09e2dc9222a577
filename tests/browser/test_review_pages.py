"""Checking listings as a person does: unpublishing only after saying yes, marking a listing verified
condition by condition, and the review dashboard's bulk actions, with and without JavaScript, at a
phone's width and a desktop's, checked by axe.

Each test works on sample listings no other browser test changes.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.accounts import EDITOR
from tests.browser.axe import accessibility_violations
from tests.browser.test_staff_pages import click_and_expect_banner, open_listing

UNPUBLISH_LISTING = "Forced Marriage Unit"
VERIFY_LISTING = "FGM helpline"
SHEETS_ORGANISATION = "RISE"
SHEETS_LISTINGS = ("RISE children and young people's service", "RISE refuge")  # both due; the refuge's address is secret
MARKED_LISTINGS = ("Samaritans", "Men's Advice Line")  # both due


def test_unpublishing_asks_first_and_no_keeps_the_listing_public(open_browser):
    page, visitor = open_browser(EDITOR, java_script_enabled=False), open_browser()
    open_listing(page, UNPUBLISH_LISTING)
    public_path = page.get_by_role("link", name="View the public page").get_attribute("href")

    page.get_by_role("button", name="Unpublish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Are you sure you want to unpublish {UNPUBLISH_LISTING}?")
    expect(page.get_by_text('its page will say "Page not found"')).to_be_visible()
    page.get_by_role("link", name="No, keep it published").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(UNPUBLISH_LISTING)
    visitor.goto(public_path)
    expect(visitor.get_by_role("heading", level=1)).to_have_text(UNPUBLISH_LISTING)

    page.get_by_role("button", name="Unpublish").click()
    click_and_expect_banner(page, "Yes, unpublish it", "Listing unpublished: the public can no longer see it.")
    visitor.goto(public_path)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_marking_a_listing_verified_dates_the_conditions_ticked_and_the_history_names_them(open_browser):
    page = open_browser(EDITOR)
    open_listing(page, VERIFY_LISTING)
    page.get_by_role("button", name="Mark as verified", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Mark {VERIFY_LISTING} as verified")
    confirmed = page.get_by_role("group", name="Which answers did the service confirm?").get_by_role("checkbox")
    first = confirmed.first
    question = page.locator(f"label[for='{first.get_attribute('id')}']").inner_text()
    first.check()

    click_and_expect_banner(page, "Mark as verified today", "Marked as verified today, with 1 access condition confirmed.")
    page.get_by_role("link", name="History").click()
    expect(page.get_by_text(re.compile(f"Confirmed with the service: {re.escape(question)}: "))).to_be_visible()


def select_due(page, names, organisation: str | None = None) -> None:
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Due for review").click()
    if organisation:
        page.get_by_label("From this organisation").select_option(label=organisation)
        page.get_by_role("button", name="Show listings").click()
    for name in names:
        page.get_by_role("checkbox", name=f"Select {name}").check()


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_confirmation_sheets_print_one_organisation_with_what_is_published(open_browser, javascript):
    page = open_browser(EDITOR, java_script_enabled=javascript)
    select_due(page, SHEETS_LISTINGS, SHEETS_ORGANISATION)

    page.get_by_role("button", name="Print confirmation sheets").click()

    sheet = page.get_by_role("region", name=re.compile(f"{SHEETS_ORGANISATION}$"))
    for name in SHEETS_LISTINGS:
        expect(sheet.get_by_role("heading", name=name, exact=True)).to_be_visible()
    expect(sheet.get_by_role("table", name="Access conditions of RISE refuge")).to_be_visible()
    expect(sheet.get_by_text("Not published: kept confidential")).to_be_visible()
    if javascript:
        expect(page.get_by_role("button", name="Print the sheets")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Staff")).to_be_hidden()
    expect(page.get_by_role("heading", name="Confirmation sheets")).to_be_hidden()
    expect(sheet).to_be_visible()


def test_marking_unchanged_conditions_for_several_listings_asks_first_then_clears_them_from_the_dashboard(
        open_browser):
    page = open_browser(EDITOR, java_script_enabled=False)
    select_due(page, MARKED_LISTINGS)

    page.get_by_role("button", name="Mark unchanged conditions as checked today").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mark unchanged conditions as checked today")
    for name in MARKED_LISTINGS:
        expect(page.get_by_role("heading", name=re.compile(f"^{re.escape(name)}"))).to_be_visible()
    page.get_by_role("link", name="No, go back to the dashboard").click()
    expect(page.get_by_role("checkbox", name=f"Select {MARKED_LISTINGS[0]}")).to_be_visible()  # nothing was marked

    select_due(page, MARKED_LISTINGS)
    page.get_by_role("button", name="Mark unchanged conditions as checked today").click()
    click_and_expect_banner(page, "Yes, mark 2 listings as checked today", "Marked 2 listings as checked today")
    for name in MARKED_LISTINGS:
        expect(page.get_by_role("checkbox", name=f"Select {name}")).to_have_count(0)


@pytest.mark.parametrize("width", [1280, 375])
def test_the_new_review_pages_have_no_accessibility_violations(open_browser, width):
    page = open_browser(EDITOR, bypass_csp=True, viewport={"width": width, "height": 800})
    failures = {}

    def check(label: str) -> None:
        if violations := accessibility_violations(page):
            failures[label] = violations
        if page.evaluate("() => document.documentElement.scrollWidth") > width:
            failures[label] = "scrolls sideways"

    open_listing(page, VERIFY_LISTING)
    for button in ("Mark as verified", "Unpublish"):
        page.get_by_role("button", name=button, exact=True).click()
        check(button)
        page.go_back()
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Due for review").click()
    page.get_by_label("Serving this district").select_option(label="Hastings")
    page.get_by_label(re.compile("^Whose answer is not known")).select_option(label="Free of charge")
    page.get_by_role("button", name="Show listings").click()
    check("the dashboard, filtered")
    page.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Mark unchanged conditions as checked today").click()
    check("marking unchanged conditions")
    page.go_back()
    page.get_by_role("button", name="Print confirmation sheets").click()
    check("confirmation sheets")
    assert failures == {}, json.dumps(failures, indent=1)
