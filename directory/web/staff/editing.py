"""Editing services: the list, the editor, drafts and publishing, verification, history and restore."""

import uuid

from flask import abort, flash, redirect, render_template, request, url_for

from directory.clock import uk_today
from directory.conditions import CONDITIONS
from directory.history import change_by_id, history_of
from directory.listings import editing as listings
from directory.listings import verification
from directory.listings.queries import (
    AUDIENCE_TAXONOMY,
    DELIVERY_TAXONOMY,
    NEEDS_TAXONOMY,
    all_services,
    find_place,
    organisation_choices,
    terms_in,
)
from directory.models import Role, Service
from directory.web.context import get_indexer, get_session
from directory.web.staff import staff
from directory.web.staff.access import acting_user, requires
from directory.web.staff.listing_forms import (
    REPEATING,
    VersionForm,
    add_entry,
    added_part,
    form_data,
    make_service_form,
    snapshot_from_form,
)
from directory.web.staff.review_forms import VerifyForm, conditions_in_words


def _service_or_404(service_id: uuid.UUID) -> Service:
    service = listings.load_service(get_session(), service_id)
    if service is None:
        abort(404)
    return service


def _form(formdata=None, data=None):
    db = get_session()
    organisations = organisation_choices(db)
    terms = {"need": terms_in(db, NEEDS_TAXONOMY), "audience": terms_in(db, AUDIENCE_TAXONOMY),
             "delivery": terms_in(db, DELIVERY_TAXONOMY)}
    return make_service_form(organisations, terms, formdata=formdata, data=data)


def _locate(postcode: str):
    place = find_place(get_session(), get_indexer().gazetteer, postcode).place if postcode else None
    return place.point if place else None


def _commit_and_reindex() -> None:
    db = get_session()
    db.commit()
    get_indexer().catch_up(db)


def _empty_snapshot() -> dict:
    return {"service": {}, "terms": {}, **{part: [] for part in REPEATING}}


@staff.route("/staff/services")
@requires(Role.EDITOR)
def services():
    text, state = request.args.get("name", "").strip(), request.args.get("state", "")
    return render_template("staff/services/list.html", services=all_services(get_session(), text, state),
                           name=text, state=state)


@staff.route("/staff/services/new", methods=["GET", "POST"])
@requires(Role.EDITOR)
def new_service():
    defaults = form_data({**_empty_snapshot(), "service": {"status": "active",
                                                            **{c.name: "unknown" for c in CONDITIONS}}}, 1)
    form = _form(request.form if request.method == "POST" else None, data=defaults)
    part = added_part(form) if request.method == "POST" else None
    if part:
        add_entry(form, part)
    elif form.validate_on_submit():
        snapshot = listings.place_locations(snapshot_from_form(form, _empty_snapshot(), uk_today()), _locate)
        service = listings.create_service(get_session(), snapshot, acting_user(), publish=form.publish.data)
        _commit_and_reindex()
        flash("Listing published." if form.publish.data else "Listing saved as a draft: it is not public yet.",
              "success")
        return redirect(url_for("staff.edit_service", service_id=service.id))
    return render_template("staff/services/edit.html", form=form, service=None, conflict=None)


@staff.route("/staff/services/<uuid:service_id>", methods=["GET", "POST"])
@requires(Role.EDITOR)
def edit_service(service_id: uuid.UUID):
    service = _service_or_404(service_id)
    previous = listings.working_snapshot(service)
    if request.method == "GET":
        form = _form(data=form_data(previous, service.version))
        return render_template("staff/services/edit.html", form=form, service=service, conflict=None,
                               version_form=VersionForm(version=service.version),
                               draft_outdated=listings.draft_is_outdated(service))
    form = _form(request.form)
    conflict = None
    part = added_part(form)
    if part:
        add_entry(form, part)
    elif form.validate_on_submit():
        snapshot = listings.place_locations(snapshot_from_form(form, previous, uk_today()), _locate)
        try:
            listings.save_service(get_session(), service, snapshot,
                                  listings.Edit(acting_user(), int(form.version.data)), publish=form.publish.data)
        except listings.EditConflict as clash:
            service = _service_or_404(service_id)
            conflict = {"latest": clash.latest, "theirs": listings.working_snapshot(service), "yours": snapshot}
            # Saving again now is a deliberate choice to replace their version with yours.
            form.version.data = str(service.version)
        else:
            _commit_and_reindex()
            flash("Changes published." if form.publish.data or not service.published
                  else "Draft saved. The public listing has not changed: publish when ready.", "success")
            return redirect(url_for("staff.edit_service", service_id=service.id))
    return render_template("staff/services/edit.html", form=form, service=service, conflict=conflict,
                           version_form=VersionForm(version=service.version)), 409 if conflict else 200


_ACTIONS = {
    "publish": (listings.publish_service, "Listing published."),
    "unpublish": (listings.unpublish_service, "Listing unpublished: the public can no longer see it."),
    "discard": (listings.discard_draft, "Draft discarded."),
}


@staff.route("/staff/services/<uuid:service_id>/<any(publish, unpublish, discard):action>", methods=["POST"])
@requires(Role.EDITOR)
def service_action(service_id: uuid.UUID, action: str):
    service = _service_or_404(service_id)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    change, message = _ACTIONS[action]
    try:
        change(get_session(), service, listings.Edit(acting_user(), int(form.version.data)))
    except listings.EditConflict as clash:
        flash(f"Nothing was changed: {clash.latest.user_name if clash.latest else 'someone'} changed this "
              "listing after you opened it. Check the latest version below, then try again.", "error")
    except listings.NotPublishable as refusal:
        flash(f"Nothing was changed. {refusal}", "error")
    else:
        _commit_and_reindex()
        flash(message, "success")
    return redirect(url_for("staff.edit_service", service_id=service_id))


@staff.get("/staff/services/<uuid:service_id>/unpublish")
@requires(Role.EDITOR)
def confirm_unpublish(service_id: uuid.UUID):
    """Unpublishing hides a listing from everyone outside the office: the button asks first, and says so."""
    service = _service_or_404(service_id)
    return render_template("staff/services/unpublish.html", service=service,
                           version_form=VersionForm(version=service.version))


@staff.route("/staff/services/<uuid:service_id>/verify", methods=["GET", "POST"])
@requires(Role.EDITOR)
def verify_service(service_id: uuid.UUID):
    service = _service_or_404(service_id)
    checks = verification.condition_checks(service)
    form = VerifyForm(checks, version=service.version)
    if form.validate_on_submit():
        edit = listings.Edit(acting_user(), int(form.version.data))
        try:
            dated = verification.verify_service(get_session(), service, edit, uk_today(), form.conditions.data)
        except listings.EditConflict as clash:
            flash(f"Nothing was changed: {clash.latest.user_name if clash.latest else 'someone'} changed this "
                  "listing after you opened it. Check it, then mark it as verified again.", "error")
        else:
            _commit_and_reindex()
            flash(f"Marked as verified today, with {conditions_in_words(len(dated))} confirmed.", "success")
        return redirect(url_for("staff.edit_service", service_id=service_id))
    return render_template("staff/services/verify.html", service=service, checks=checks, form=form)


@staff.route("/staff/services/<uuid:service_id>/history")
@requires(Role.EDITOR)
def service_history(service_id: uuid.UUID):
    service = _service_or_404(service_id)
    return render_template("staff/services/history.html", service=service,
                           changes=history_of(get_session(), "service", service.id),
                           version_form=VersionForm(version=service.version))


@staff.route("/staff/services/<uuid:entity_id>/history/<int:change_id>/restore", methods=["POST"])
@requires(Role.EDITOR)
def restore_service(entity_id: uuid.UUID, change_id: int):
    service = _service_or_404(entity_id)
    change = change_by_id(get_session(), change_id)
    form = VersionForm()
    if change is None or change.entity_id != service.id or not form.validate_on_submit():
        abort(404 if change is None else 400)
    side = "before" if request.form.get("side") == "before" else "after"
    try:
        listings.restore_service(get_session(), service, change, listings.Edit(acting_user(), int(form.version.data)),
                                 side)
    except listings.NotPublishable as error:
        flash(str(error), "error")
        return redirect(url_for("staff.service_history", service_id=entity_id))
    except listings.EditConflict:
        flash("Nothing was restored: the listing changed after you opened its history. Try again.", "error")
        return redirect(url_for("staff.service_history", service_id=entity_id))
    _commit_and_reindex()
    flash("The earlier version is restored and live again.", "success")
    return redirect(url_for("staff.edit_service", service_id=entity_id))
