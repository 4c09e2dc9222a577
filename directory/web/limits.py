"""Request throttling (Flask-Limiter) for sign-in and public forms.

Limits are counted in the limiter's storage only; nothing is logged. RATELIMIT_STORAGE_URI
points several workers at one shared store (e.g. redis://) in production.
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
PUBLIC_FORM_LIMIT = "5 per minute; 50 per day"


def address_and_account() -> str:
    """The throttling key for a sign-in attempt; the email is hashed, so storage holds no addresses."""
    email = request.form.get("email", "").strip().lower()
    return f"{get_remote_address()}|{hashlib.sha256(email.encode()).hexdigest()[:16]}"


def _throttling_off() -> bool:
    # Read per request from the app's own config: the limiter object is shared by every app in a process.
    return not current_app.config["THROTTLING"]


def throttle(limit: str, key=get_remote_address):
    """Limit how often one client may POST to a view (THROTTLING=false turns it off, e.g. for load tests)."""
    return limiter.limit(limit, key_func=key, methods=["POST"], exempt_when=_throttling_off)
