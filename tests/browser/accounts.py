"""The accounts the staff and officer browser tests sign in as, and signing in the way a person does."""

from tests.factories import PASSWORD

ADMIN, APPROVER, EDITOR, OTHER_EDITOR, OFFICER = (
    f"{name}@example.org" for name in ("admin", "approver", "editor", "other.editor", "officer"))


def fill_in_sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
