"""The accounts the staff and officer browser tests sign in as, and signing in the way a person does."""

from tests.factories import PASSWORD, current_code, forget_last_code

ADMIN, APPROVER, EDITOR, OTHER_EDITOR, OFFICER = (
    f"{name}@example.org" for name in ("admin", "approver", "editor", "other.editor", "officer"))
# The staff server's database (set by its fixture), so a test account may sign in many times a minute.
_database = {}


def use_database(engine) -> None:
    _database["engine"] = engine


def fill_in_sign_in(page, email: str, password: str = PASSWORD) -> None:
    """The password, then (when asked) the code an authenticator app would show for the test accounts."""
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if page.url.endswith("/login/code"):
        forget_last_code(_database["engine"], email)
        page.get_by_label("Code").fill(current_code())
        page.get_by_role("button", name="Continue").click()
