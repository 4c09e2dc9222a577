"""A change to a pathway rule, as the two people who make it click through it: an editor proposes, a
policy approver reads what it changes and publishes it. Both pages pass axe."""

from playwright.sync_api import expect

from tests.browser.accounts import APPROVER, EDITOR
from tests.browser.axe import accessibility_violations

NEW_STEP = "Offer third-party reporting through True Vision or a local reporting centre (checked in the browser)."


def test_an_editor_proposes_a_rule_change_and_an_approver_publishes_it(open_browser):
    editor = open_browser(EDITOR, bypass_csp=True)
    editor.get_by_role("navigation", name="Staff").get_by_role("link", name="Pathway rules").click()
    editor.get_by_role("link", name="Hate crime", exact=True).click()
    assert accessibility_violations(editor) == []
    editor.get_by_label("What to do").first.fill(NEW_STEP)
    editor.get_by_role("button", name="Propose the change").click()
    expect(editor.locator(".govuk-notification-banner")).to_contain_text("Change proposed")
    expect(editor.get_by_role("row", name="Step added")).to_contain_text(NEW_STEP)
    expect(editor.get_by_role("button", name="Publish the change")).to_have_count(0)
    assert accessibility_violations(editor) == []

    approver = open_browser(APPROVER, bypass_csp=True)
    approver.get_by_role("link", name="1 proposed change").click()
    approver.get_by_role("link", name="Hate crime", exact=True).click()
    expect(approver.get_by_role("row", name="Step removed")).to_be_visible()
    assert accessibility_violations(approver) == []
    approver.get_by_role("button", name="Publish the change").click()
    expect(approver.locator(".govuk-notification-banner")).to_contain_text("Published")
    approver.get_by_role("link", name="history of Hate crime").click()
    expect(approver.locator("main")).to_contain_text("proposed by Edie Editor")
