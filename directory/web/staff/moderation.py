"""The problem-report queue (editors): what visitors said is wrong, resolved or dismissed."""

import uuid

from flask import abort, flash, redirect, render_template, request, url_for

from directory.listings.reports import (
    REPORT_KINDS,
    ReportAlreadyHandled,
    dismiss_report,
    handled_reports,
    open_reports,
    report_by_id,
    report_counts,
    resolve_report,
)
from directory.models import ReportStatus, Role
from directory.web.context import get_session
from directory.web.staff import staff
from directory.web.staff.access import acting_user, requires
from directory.web.staff.forms import ConfirmForm

_ACTIONS = {
    "resolve": (resolve_report, "Report marked as resolved."),
    "dismiss": (dismiss_report, "Report dismissed."),
}


def _status_shown() -> ReportStatus:
    """The state the address asks for; anything else shows the open queue."""
    try:
        return ReportStatus(request.args.get("status", ReportStatus.OPEN.value))
    except ValueError:
        return ReportStatus.OPEN


@staff.get("/staff/reports")
@requires(Role.EDITOR)
def reports():
    db, shown = get_session(), _status_shown()
    found = open_reports(db) if shown == ReportStatus.OPEN else handled_reports(db, shown)
    return render_template("staff/reports.html", reports=found, shown=shown, counts=report_counts(db),
                           kinds=REPORT_KINDS)


@staff.post("/staff/reports/<uuid:report_id>/<any(resolve, dismiss):action>")
@requires(Role.EDITOR)
def handle_report(report_id: uuid.UUID, action: str):
    db = get_session()
    report = report_by_id(db, report_id)
    if report is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        close, message = _ACTIONS[action]
        try:
            close(db, report, by=acting_user())
        except ReportAlreadyHandled as error:
            flash(str(error), "error")
        else:
            db.commit()
            flash(message, "success")
    return redirect(url_for("staff.reports"))
