"""Editing services: the list, the listing's summary and its sections, the long form, drafts and publishing,
verification, history and restore."""

import uuid
from functools import partial

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from directory.clock import uk_today
from directory.conditions import CONDITIONS
from directory.history import change_by_id, field_changes, history_of
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
from directory.web.context import commit_and_reindex, get_indexer, get_session
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
from directory.web.staff.listing_sections import (
    SECTIONS,
    SECTIONS_BY_SLUG,
    checked_sections,
    section_form_class,
    section_state,
)
from directory.web.staff.listing_wording import answer_rows, vocabulary
from directory.web.staff.review_forms import VerifyForm, conditions_in_words


def _service_or_404(service_id: uuid.UUID) -> Service:
    service = listings.load_service(get_session(), service_id)
    if service is None:
        abort(404)
    return service


def _form_maker():
    """make_service_form with today's organisations and terms, read once however many forms a page needs."""
    db = get_session()
    organisations = organisation_choices(db)
    terms = {"need": terms_in(db, NEEDS_TAXONOMY), "audience": terms_in(db, AUDIENCE_TAXONOMY),
             "delivery": terms_in(db, DELIVERY_TAXONOMY)}
    return partial(make_service_form, organisations, terms)


def _form(formdata=None, data=None):
    return _form_maker()(formdata=formdata, data=data)


def _locate(postcode: str):
    place = find_place(get_session(), get_indexer().gazetteer, postcode).place if postcode else None
    return place.point if place else None


def _empty_snapshot() -> dict:
    return {"service": {}, "terms": {}, **{part: [] for part in REPEATING}}


def _save(service: Service, form, previous: dict, publish: bool) -> dict | None:
    """Save what a form (the long one or a section's) says over `previous`; a conflict if someone saved first."""
    snapshot = listings.place_locations(snapshot_from_form(form, previous, uk_today()), _locate)
    try:
        listings.save_service(get_session(), service, snapshot, listings.Edit(acting_user(), int(form.version.data)),
                              publish=publish)
    except listings.EditConflict as clash:
        service = _service_or_404(service.id)
        # Saving again now is a deliberate choice to replace their version with yours.
        form.version.data = str(service.version)
        return {"latest": clash.latest, "theirs": listings.working_snapshot(service), "yours": snapshot}
    commit_and_reindex()
    return None


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
        commit_and_reindex()
        flash("Listing published." if form.publish.data else "Listing saved as a draft: it is not public yet.",
              "success")
        return redirect(url_for("staff.edit_service", service_id=service.id))
    return render_template("staff/services/edit.html", form=form, service=None, conflict=None, sections=SECTIONS)


@staff.get("/staff/services/<uuid:service_id>")
@requires(Role.EDITOR)
def edit_service(service_id: uuid.UUID):
    """The listing's summary: each section, how it stands and what it says, with publishing and verifying."""
    service = _service_or_404(service_id)
    snapshot = listings.working_snapshot(service)
    today, months = uk_today(), current_app.config["REVIEW_PERIOD_MONTHS"]
    sections = []
    for section, form in checked_sections(_form_maker(), form_data(snapshot, service.version)).items():
        state = section_state(section, form, snapshot["service"], today, months)
        sections.append((state, answer_rows(form, state)))
    return render_template("staff/services/summary.html", service=service, sections=sections,
                           version_form=VersionForm(version=service.version),
                           draft_outdated=listings.draft_is_outdated(service))


@staff.route(f"/staff/services/<uuid:service_id>/sections/<any({', '.join(map(repr, SECTIONS_BY_SLUG))}):slug>",
             methods=["GET", "POST"])
@requires(Role.EDITOR)
def edit_service_section(service_id: uuid.UUID, slug: str):
    service, section = _service_or_404(service_id), SECTIONS_BY_SLUG[slug]
    previous, make, conflict = listings.working_snapshot(service), _form_maker(), None
    if request.method == "GET":  # checked as saved: errors the summary reported show at once
        form = checked_sections(make, form_data(previous, service.version), [section])[section]
    else:
        form = make(formdata=request.form, form_class=section_form_class(section))
    part = added_part(form) if request.method == "POST" else None
    if part:
        add_entry(form, part)
    elif request.method == "POST" and form.validate_on_submit():
        if not field_changes(previous, snapshot_from_form(form, previous, uk_today())):
            flash("Nothing was changed.", "info")
            return redirect(url_for("staff.edit_service", service_id=service.id))
        conflict = _save(service, form, previous, publish=False)
        if conflict is None:
            flash("Draft saved. The public listing has not changed: publish when ready." if service.published
                  else "Changes saved. The listing is not public: publish it when ready.", "success")
            return redirect(url_for("staff.edit_service", service_id=service.id))
    return render_template("staff/services/section.html", form=form, service=service, section=section,
                           conflict=conflict, words=conflict and vocabulary(make())), 409 if conflict else 200


@staff.route("/staff/services/<uuid:service_id>/all", methods=["GET", "POST"])
@requires(Role.EDITOR)
def edit_whole_service(service_id: uuid.UUID):
    """Every section on one page, for those who prefer it."""
    service = _service_or_404(service_id)
    previous = listings.working_snapshot(service)
    if request.method == "GET":
        form = _form(data=form_data(previous, service.version))
        return render_template("staff/services/edit.html", form=form, service=service, conflict=None,
                               sections=SECTIONS, version_form=VersionForm(version=service.version),
                               draft_outdated=listings.draft_is_outdated(service))
    form, conflict = _form(request.form), None
    part = added_part(form)
    if part:
        add_entry(form, part)
    elif form.validate_on_submit():
        conflict = _save(service, form, previous, publish=form.publish.data)
        if conflict is None:
            flash("Changes published." if form.publish.data or not service.published
                  else "Draft saved. The public listing has not changed: publish when ready.", "success")
            return redirect(url_for("staff.edit_whole_service", service_id=service.id))
    return render_template("staff/services/edit.html", form=form, service=service, conflict=conflict,
                           sections=SECTIONS, words=vocabulary(form),
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
        commit_and_reindex()
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
            commit_and_reindex()
            flash(f"Marked as verified today, with {conditions_in_words(len(dated))} confirmed.", "success")
        return redirect(url_for("staff.edit_service", service_id=service_id))
    return render_template("staff/services/verify.html", service=service, checks=checks, form=form)


@staff.route("/staff/services/<uuid:service_id>/history")
@requires(Role.EDITOR)
def service_history(service_id: uuid.UUID):
    service = _service_or_404(service_id)
    return render_template("staff/services/history.html", service=service,
                           changes=history_of(get_session(), "service", service.id), words=vocabulary(_form()),
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
    commit_and_reindex()
    flash("The earlier version is restored and live again.", "success")
    return redirect(url_for("staff.edit_service", service_id=entity_id))
