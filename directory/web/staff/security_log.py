"""The security log, for admins: who signed in or failed to, account changes, full exports, refusals."""

from flask import render_template, request

from directory.accounts.audit import recent_events
from directory.models import Role
from directory.web.context import get_session
from directory.web.staff import staff
from directory.web.staff.access import requires

EVENTS_PER_PAGE = 50


@staff.route("/staff/security-log")
@requires(Role.ADMIN)
def security_log():
    page = max(1, request.args.get("page", 1, type=int))
    events, page_count = recent_events(get_session(), page, EVENTS_PER_PAGE)
    return render_template("staff/security_log.html", events=events, page=min(page, page_count),
                           page_count=page_count)
