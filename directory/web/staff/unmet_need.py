"""Unmet need, for editors: searches and pathways that found nothing, by need and district, small cells hidden."""

from flask import render_template, request

from directory.clock import uk_today
from directory.evidence.unmet import SOURCES, month_range, unmet_need_table
from directory.models import Role
from directory.web.context import get_indexer, get_session
from directory.web.staff import staff
from directory.web.staff.access import requires


@staff.route("/staff/unmet-need")
@requires(Role.EDITOR)
def unmet_need():
    first, last = month_range(request.args.get("from"), request.args.get("to"), uk_today())
    unmet = unmet_need_table(get_session(), get_indexer().gazetteer, first, last, request.args.get("source"))
    return render_template("staff/unmet_need.html", unmet=unmet, sources=SOURCES)
