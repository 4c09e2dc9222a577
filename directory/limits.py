"""Request throttling (Flask-Limiter) for sign-in and public forms.

Limits are counted per client address in the limiter's storage only; nothing is logged.
RATELIMIT_STORAGE_URI points several workers at one shared store (e.g. redis://) in production.
"""

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)

SIGN_IN_LIMIT = "5 per minute; 30 per hour"
PUBLIC_FORM_LIMIT = "5 per minute; 50 per day"


def _throttling_off() -> bool:
    # Read per request from the app's own config: the limiter object is shared by every app in a process.
    return not current_app.config["THROTTLING"]


def throttle(limit: str):
    """Limit how often one address may POST to a view (THROTTLING=false turns it off, e.g. for load tests)."""
    return limiter.limit(limit, methods=["POST"], exempt_when=_throttling_off)
