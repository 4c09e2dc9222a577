"""Request throttling (Flask-Limiter) for sign-in and public forms.

Limits are counted per client address in the limiter's storage only; nothing is logged.
RATELIMIT_STORAGE_URI points several workers at one shared store (e.g. redis://) in production.
"""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)

SIGN_IN_LIMIT = "5 per minute; 30 per hour"
PUBLIC_FORM_LIMIT = "5 per minute; 50 per day"
