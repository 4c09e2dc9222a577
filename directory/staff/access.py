"""Who is signed in, and what they may do: checked on the server for every staff route."""

from functools import wraps

from flask import abort
from flask_login import LoginManager, UserMixin, current_user

from .. import accounts
from ..context import get_session
from ..models import Role, User

login_manager = LoginManager()
login_manager.login_view = "staff.sign_in"
login_manager.login_message = "Sign in to continue."
login_manager.login_message_category = "info"
# A stolen session cookie used from another browser is dropped, not honoured.
login_manager.session_protection = "strong"


class Account(UserMixin):
    """The signed-in person as Flask-Login sees them; the database row stays in the request session."""

    def __init__(self, user: User):
        self.user = user
        self.id = accounts.session_identity(user)
        self.name = user.name
        self.role = user.role

    def can(self, role: Role) -> bool:
        return accounts.can(self.role, role)


@login_manager.user_loader
def _load_account(identity: str) -> Account | None:
    user = accounts.signed_in_user(get_session(), identity)
    return Account(user) if user else None


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
