"""The review dashboard (editors): listings nobody has checked with the service for too long, and what to do
with several at once: mark their unchanged conditions as checked, or print sheets for the organisations to confirm.

Editors may verify one listing, so they may verify several: the same role, the same record in each history.
"""

import uuid

from flask import current_app, flash, redirect, render_template, request, url_for

from directory.clock import uk_today
from directory.conditions import CONDITIONS, by_name
from directory.listings.editing import EditConflict
from directory.listings.queries import organisation_choices
from directory.listings.review import ReviewFilters, due_counts_by_organisation, months_before, review_due
from directory.listings.verification import by_organisation, condition_checks, services_by_id, verify_unchanged
from directory.models import Role
from directory.web.context import commit_and_reindex, get_indexer, get_session
from directory.web.staff import staff
from directory.web.staff.access import acting_user, requires
from directory.web.staff.review_forms import MAX_SELECTED, MarkCheckedForm, chosen_listings, listing_versions


def _asked_filters(district_codes: set[str]) -> ReviewFilters:
    """The filters the address asks for; anything unrecognised narrows nothing."""
    args = request.args
    try:
        organisation = uuid.UUID(args.get("organisation", ""))
    except ValueError:
        organisation = None
    district, condition = args.get("district", ""), args.get("condition", "")
    return ReviewFilters(organisation, district if district in district_codes else "",
                         condition if condition in by_name() else "")


def _selected():
    """The listings ticked on the dashboard (at most MAX_SELECTED), and whether more were ticked."""
    chosen = chosen_listings(request.args.getlist("service"))
    return services_by_id(get_session(), chosen[:MAX_SELECTED]), len(chosen) > MAX_SELECTED


@staff.get("/staff/review")
@requires(Role.EDITOR)
def review():
    db, today, months = get_session(), uk_today(), current_app.config["REVIEW_PERIOD_MONTHS"]
    gazetteer = get_indexer().gazetteer
    filters = _asked_filters({code for code, _ in gazetteer.districts()})
    return render_template("staff/review.html", services=review_due(db, today, months, filters, gazetteer),
                           counts=due_counts_by_organisation(db, today, months), months=months,
                           checked_since=months_before(today, months), filters=filters,
                           organisations=organisation_choices(db), districts=gazetteer.districts(),
                           conditions=[(c.name, c.question) for c in CONDITIONS], max_selected=MAX_SELECTED)


@staff.route("/staff/review/mark-checked", methods=["GET", "POST"])
@requires(Role.EDITOR)
def mark_checked():
    """GET: what would be marked, to confirm. POST: mark it, for the listings as the page showed them."""
    form = MarkCheckedForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            result = verify_unchanged(db, listing_versions(form.listing.data), acting_user(), uk_today())
        except EditConflict:
            flash("Nothing was marked: a listing changed as you confirmed. Choose the listings again.", "error")
        else:
            commit_and_reindex()
            if result.verified:
                flash(f"Marked {len(result.verified)} listing{'s' if len(result.verified) != 1 else ''} as checked "
                      "today, with their unchanged access conditions.", "success")
            if result.changed_meanwhile:
                flash("Not marked, as someone changed them after you opened the confirmation: "
                      + ", ".join(service.name for service in result.changed_meanwhile) + ".", "error")
        return redirect(url_for("staff.review"))
    services, too_many = _selected()
    return render_template("staff/review_mark_checked.html", services=services, too_many=too_many, form=form,
                           checks={service.id: condition_checks(service) for service in services},
                           max_selected=MAX_SELECTED)


@staff.get("/staff/review/confirmation-sheets")
@requires(Role.EDITOR)
def confirmation_sheets():
    services, too_many = _selected()
    return render_template("staff/confirmation_sheets.html", organisations=by_organisation(services),
                           too_many=too_many, max_selected=MAX_SELECTED, today=uk_today())
