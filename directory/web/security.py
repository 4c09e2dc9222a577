"""Writing security events from a request (the caller's network added, committed at once), and where the log goes.

See directory/accounts/audit.py for the kinds and what is never written.
"""

import logging
import sys

from flask import current_app, request
from limits import parse

from directory.accounts import audit
from directory.accounts import users as accounts
from directory.db import session_scope
from directory.models import User
from directory.web.limits import account_only, limiter


class _StandardError(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time: gunicorn's error log, `flask run`'s console."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


_HANDLER = _StandardError()
_HANDLER.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))


def emit_security_log() -> None:
    """Make the security log heard: INFO and above, to standard error.

    Left alone, a logger inherits the root's WARNING and, with no handler configured, Python prints only
    warnings: sign-ins and full exports would vanish. Records still propagate, so a logging set-up of the
    operator's own (gunicorn --log-config) receives them too.
    """
    logger = logging.getLogger(audit.LOGGER_NAME)
    logger.setLevel(logging.INFO)
    if _HANDLER not in logger.handlers:
        logger.addHandler(_HANDLER)


# Refused requests come in floods: one row a minute per network and page is enough (each is still logged).
_ONE_ROW_A_MINUTE = parse("1 per minute")


def record_security_event(kind: str, *, user: User | None = None, by: User | None = None, email: str | None = None,
                          detail: str | None = None) -> None:
    """Log a security event and store it, in a session of its own, so it stands whatever the request's fate.

    `email` (typed at sign-in) names the account only if there is one with it; otherwise it is dropped.
    Call it when the request's own session has nothing uncommitted: SQLite allows one writer.
    """
    with session_scope(current_app.extensions["database"]) as session:
        if user is None and email:
            user = accounts.find_by_email(session, email)
        audit.security_event(session, kind, user, by=by, address=request.remote_addr, detail=detail)


def record_refusal(kind: str, *, user: User | None = None, email: str | None = None) -> None:
    """A 403 or 429: always logged, stored at most once a minute per network, page and account."""
    network = audit.network_of(request.remote_addr) or "-"
    who = str(user.id) if user else account_only() if email else "-"
    if limiter.limiter.hit(_ONE_ROW_A_MINUTE, "security-log", kind, request.endpoint or "-", network, who):
        record_security_event(kind, user=user, email=email, detail=request.endpoint)
    else:
        audit.log_event(kind, user=user, address=request.remote_addr, detail=request.endpoint)
