"""The review dashboard (editors): listings nobody has checked with the service for too long."""


from flask import current_app, render_template

from directory.clock import uk_today
from directory.listings.review import due_counts_by_organisation, months_before, review_due
from directory.models import Role
from directory.web.context import get_session
from directory.web.staff import staff
from directory.web.staff.access import requires


@staff.get("/staff/review")
@requires(Role.EDITOR)
def review():
    db, today, months = get_session(), uk_today(), current_app.config["REVIEW_PERIOD_MONTHS"]
    return render_template("staff/review.html", services=review_due(db, today, months),
                           counts=due_counts_by_organisation(db, today, months), months=months,
                           checked_since=months_before(today, months))
