"""Who is signed in, and what they may do: checked on the server for every staff route.

Signing in takes two steps where a second factor is needed. Between them the session holds only a
signed, five-minute "password accepted for account X" marker: Flask-Login's signed-in session
starts after the code, so no staff page can be reached with the password alone.
"""

import time
from functools import wraps

from flask import abort, current_app, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user
from itsdangerous import BadData, URLSafeTimedSerializer

from directory.accounts import second_factor
from directory.accounts import users as accounts
from directory.models import Role, User
from directory.web.context import get_session


class StaffLoginManager(LoginManager):
    """Flask-Login, with its session check kept to signed-in sessions.

    A visitor's form session (the sign-in page's CSRF token) is not a sign-in: checking it
    would rewrite it, and so send a cookie, on every public page they open afterwards.
    """

    def _session_protection_failed(self):
        return "_user_id" in session and super()._session_protection_failed()


login_manager = StaffLoginManager()
login_manager.login_view = "staff.sign_in"
login_manager.login_message = "Sign in to continue."
login_manager.login_message_category = "info"
# A session cookie replayed from another address or browser is dropped, not honoured. (Staff
# sessions are browser sessions, so "strong" applies; their lifetime is checked below.)
login_manager.session_protection = "strong"
SIGNED_IN_AT = "signed_in_at"
LAST_ACTIVE_AT = "last_active_at"
WITH_SECOND_FACTOR = "with_second_factor"
PASSWORD_ACCEPTED = "password_accepted"
NEXT_PAGE = "next_page"
# Long enough to open an authenticator app (or set one up), short enough that a walked-away-from
# sign-in page is useless to the next person at the desk.
PASSWORD_ACCEPTED_SECONDS = 300


class Account(UserMixin):
    """The signed-in person as Flask-Login sees them; the database row stays in the request session."""

    def __init__(self, user: User):
        self.user = user
        self.id = accounts.session_identity(user)
        self.name = user.name
        self.role = user.role

    def can(self, role: Role) -> bool:
        return accounts.can(self.role, role)


def start_signed_in_session(user: User, with_second_factor: bool) -> None:
    """A fresh session on sign-in: nothing set before it (by anyone) carries over."""
    session.clear()
    login_user(Account(user))
    session[SIGNED_IN_AT] = session[LAST_ACTIVE_AT] = time.time()
    session[WITH_SECOND_FACTOR] = with_second_factor


def second_factor_required(user: User) -> bool:
    return second_factor.required(user.role, current_app.config["OFFICER_SECOND_FACTOR"])


def _marker() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="password-accepted")


def remember_password_accepted(user: User, next_page: str) -> None:
    """Between the password and the code: a fresh session that names the account, and nothing more."""
    session.clear()
    session[PASSWORD_ACCEPTED] = _marker().dumps(accounts.session_identity(user))
    session[NEXT_PAGE] = next_page


def _accepted_identity() -> str | None:
    try:
        return _marker().loads(session.get(PASSWORD_ACCEPTED, ""), max_age=PASSWORD_ACCEPTED_SECONDS)
    except BadData:
        return None


def password_accepted_id() -> str | None:
    """The account whose password this browser gave in the last few minutes (unchecked: for throttling keys)."""
    identity = _accepted_identity()
    return identity.partition(":")[0] if identity else None


def password_accepted_user() -> User | None:
    """That account, if it is still active and its password unchanged since (a reset rotates its token)."""
    identity = _accepted_identity()
    return accounts.signed_in_user(get_session(), identity) if identity else None


def page_after_sign_in() -> str:
    return session.get(NEXT_PAGE) or url_for("staff.home")


@login_manager.user_loader
def _load_account(identity: str) -> Account | None:
    now, config = time.time(), current_app.config
    if now - session.get(SIGNED_IN_AT, 0) > config["STAFF_SESSION_LIFETIME"].total_seconds():
        return None  # a shift is over: sign in again
    if now - session.get(LAST_ACTIVE_AT, 0) > config["STAFF_IDLE_LIFETIME"].total_seconds():
        return None  # left unattended: sign in again
    session[LAST_ACTIVE_AT] = now
    user = accounts.signed_in_user(get_session(), identity)
    if user is None:
        return None
    if second_factor_required(user) and not session.get(WITH_SECOND_FACTOR):
        # Signed in with a password alone, then made an editor (or officers' codes were switched on).
        return None
    return Account(user)


def requires(role: Role):
    """Allow a view to signed-in accounts of `role` or above; others sign in first or get 403."""

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.can(role):
                abort(403)
            return view(*args, **kwargs)

        guarded.required_role = role
        return guarded

    return decorator


def acting_user() -> User:
    """The signed-in person's database row (loaded by this request's session)."""
    return current_user.user


def can_see_professional_details() -> bool:
    return current_user.is_authenticated and current_user.can(Role.OFFICER)
