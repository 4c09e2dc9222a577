"""Request throttling (Flask-Limiter) for sign-in and public forms.

Limits are counted in the limiter's storage. RATELIMIT_STORAGE_URI points several workers at one
shared store (redis://) in production; gunicorn.conf.py refuses several workers counting apart.
A refusal (429) is written to the security log by directory/web/__init__.py.
"""

import hashlib

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)

# Guessing one account's password: per address and account, so officers sharing a force's
# network address do not lock each other out...
SIGN_IN_LIMIT = "5 per minute; 30 per hour"
# ...and trying many accounts from one address.
SIGN_IN_ADDRESS_LIMIT = "30 per minute; 200 per hour"
# ...and guessing one account's password from many addresses (ASVS 2.2.1: at most 100 an hour).
# Only failed sign-ins count, so a busy account's own sign-ins never use it up.
SIGN_IN_ACCOUNT_LIMIT = "10 per hour"
PUBLIC_FORM_LIMIT = "5 per minute; 50 per day"


def account_only() -> str:
    """The throttling key for one account wherever it is tried from; hashed, so storage holds no addresses."""
    email = request.form.get("email", "").strip().lower()
    return hashlib.sha256(email.encode()).hexdigest()[:16]


def address_and_account() -> str:
    """The throttling key for a sign-in attempt from one address."""
    return f"{get_remote_address()}|{account_only()}"


def failed_sign_in(response) -> bool:
    """A sign-in that did not get in: the form shown again (200). Success redirects; a bad form is a 400."""
    return response.status_code == 200


def _throttling_off() -> bool:
    # Read per request from the app's own config: the limiter object is shared by every app in a process.
    return not current_app.config["THROTTLING"]


def throttle(limit: str, key=get_remote_address, deduct_when=None):
    """Limit how often one client may POST to a view (THROTTLING=false turns it off, e.g. for load tests).

    With `deduct_when`, only responses it accepts count, but every request is checked.
    """
    return limiter.limit(limit, key_func=key, methods=["POST"], exempt_when=_throttling_off,
                         deduct_when=deduct_when)
