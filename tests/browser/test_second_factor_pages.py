"""The second step of staff sign-in, as a person clicks through it: the code page, setting up an authenticator
app (QR code, key, recovery codes), changing one's own password, and a wrong code; each page checked by axe.

Every test signs in as an account of its own, made here, so changing a password or spending a code never
touches the accounts the other browser tests share.
"""

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from directory.models import Role
from tests.browser.accounts import fill_in_sign_in
from tests.browser.axe import accessibility_violations
from tests.factories import PASSWORD, SECOND_FACTOR_SECRET, current_code, forget_last_code, make_user

CODE_USER, NEW_USER, PASSWORD_USER, WRONG_CODE_USER = (
    f"{name}@example.org" for name in ("code.user", "new.user", "password.user", "wrong.code"))
NEW_PASSWORD = "correct horse battery staple 2026 sussex"
CODE_HEADING = "Enter the code from your authenticator app"
WRONG_CODE = "Enter the 6-digit code your authenticator app shows now, or one of your recovery codes"
# bypass_csp lets the test inject axe-core; the pages themselves are served with their usual policy.
AXE_OPTIONS = {"bypass_csp": True, "viewport": {"width": 1280, "height": 800}}


@pytest.fixture(scope="module")
def engine(staff_app):
    """The staff server's database, with this module's accounts in it (one per test)."""
    engine = staff_app.extensions["database"]
    with Session(engine) as session:
        make_user(session, Role.EDITOR, CODE_USER, "Cody Code")
        make_user(session, Role.EDITOR, NEW_USER, "Nell New", second_factor=False)
        make_user(session, Role.OFFICER, PASSWORD_USER, "Pat Password")
        make_user(session, Role.EDITOR, WRONG_CODE_USER, "Wren Wrong")
    return engine


def assert_accessible(page) -> None:
    assert accessibility_violations(page) == [], page.url


def enter_password(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def a_wrong_code(secret: str) -> str:
    """Six digits that are not the code of this time step nor of those either side (which may be accepted)."""
    totp, now = pyotp.TOTP(secret), int(time.time() // 30)
    near = {totp.generate_otp(now + drift) for drift in range(-2, 3)}
    return next(code for code in (f"{n:06d}" for n in range(1000)) if code not in near)


def test_an_account_with_an_app_enters_its_code_after_the_password(open_browser, engine):
    page = open_browser(**AXE_OPTIONS)
    enter_password(page, CODE_USER)
    expect(page).to_have_url(re.compile(r"/login/code$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(CODE_HEADING)
    expect(page.get_by_label("Code")).to_have_attribute("autocomplete", "one-time-code")
    assert_accessible(page)

    forget_last_code(engine, CODE_USER)  # the fixtures' accounts share one secret: earlier tests used this code
    page.get_by_label("Code").fill(current_code())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff home")
    expect(page.get_by_role("navigation", name="Staff")).to_contain_text("Signed in as Cody Code")


def test_a_new_account_sets_up_its_app_and_is_shown_recovery_codes(open_browser, engine):
    page = open_browser(**AXE_OPTIONS)
    enter_password(page, NEW_USER)
    expect(page).to_have_url(re.compile(r"/login/set-up$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    key = page.locator("#second-factor-key")
    expect(key).to_have_text(re.compile(r"^[A-Z2-7]{16,}$"))
    assert_accessible(page)

    page.get_by_label("Code from the app").fill(current_code(key.inner_text()))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your authenticator app is set up")
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator(".app-recovery-codes").get_by_role("listitem")).not_to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff home")


def test_staff_change_their_own_password_from_the_header(open_browser, engine):
    page = open_browser(PASSWORD_USER, **AXE_OPTIONS)
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Change your password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    assert_accessible(page)

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your password has been changed.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff home")

    # The new password is the one that signs in now, at another desk.
    elsewhere = open_browser()
    elsewhere.goto("/login")
    fill_in_sign_in(elsewhere, PASSWORD_USER, NEW_PASSWORD)
    expect(elsewhere.get_by_role("heading", level=1)).to_have_text("Staff home")


def test_a_wrong_code_is_explained_accessibly_and_the_right_one_still_works(open_browser, engine):
    page = open_browser(**AXE_OPTIONS)
    enter_password(page, WRONG_CODE_USER)
    expect(page.get_by_role("heading", level=1)).to_have_text(CODE_HEADING)

    forget_last_code(engine, WRONG_CODE_USER)
    page.get_by_label("Code").fill(a_wrong_code(SECOND_FACTOR_SECRET))
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name=WRONG_CODE)).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus there, so screen readers hear it first
    expect(page.locator(".govuk-error-message")).to_contain_text(WRONG_CODE)
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)

    page.get_by_label("Code").fill(current_code())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff home")

