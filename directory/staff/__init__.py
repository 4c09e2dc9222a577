"""Pages for signed-in staff and officers: sign-in, accounts, listings, history, import and export."""

from flask import Blueprint

from ..models import Role

staff = Blueprint("staff", __name__)

# The staff navigation: (endpoint, text, the least role that may use it).
STAFF_NAVIGATION = [
    ("staff.services", "Listings", Role.EDITOR),
    ("staff.users", "Accounts", Role.ADMIN),
]

from . import auth, editing, users  # noqa: E402,F401  (routes register on import)
