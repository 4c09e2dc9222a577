"""Editing organisations and the terms of our taxonomies (needs, audience, delivery), with history."""

import uuid

from flask import abort, flash, redirect, render_template, url_for

from directory.history import history_of
from directory.listings import editing as listings
from directory.listings import queries
from directory.models import Organization, Role, TaxonomyTerm
from directory.web.context import commit_and_reindex, get_session
from directory.web.staff import staff
from directory.web.staff.access import acting_user, requires
from directory.web.staff.listing_forms import OrganisationForm, TermForm, form_values

ORGANISATION_FIELDS = ("name", "alternate_name", "description", "email", "website", "legal_status")
TERM_FIELDS = ("name", "description")


def _save(record, form, fields, entity_type, is_new, saved_message):
    """Save a simple record; returns a conflict dict (to show both versions) or None when saved."""
    db = get_session()
    edit = None if is_new else listings.Edit(acting_user(), int(form.version.data or 0))
    values = form_values(form, fields)
    try:
        listings.save_simple(db, record, values, edit, acting_user(), entity_type)
    except listings.EditConflict as clash:
        current = queries.current_record(db, record)
        form.version.data = str(current.version)
        return {"latest": clash.latest, "theirs": listings.simple_snapshot(current),
                "yours": {**listings.simple_snapshot(current), **values}}
    commit_and_reindex()
    flash(saved_message, "success")
    return None


@staff.route("/staff/organisations")
@requires(Role.EDITOR)
def organisations():
    rows, counts = queries.organisations_with_listing_counts(get_session())
    return render_template("staff/organisations/list.html", organisations=rows, counts=counts)


@staff.route("/staff/organisations/new", methods=["GET", "POST"])
@staff.route("/staff/organisations/<uuid:organisation_id>", methods=["GET", "POST"])
@requires(Role.EDITOR)
def edit_organisation(organisation_id: uuid.UUID | None = None):
    db = get_session()
    organisation = (queries.organisation_by_id(db, organisation_id) if organisation_id
                    else Organization(name="", description=""))
    if organisation is None:
        abort(404)
    form = OrganisationForm(obj=organisation, version=str(organisation.version))
    conflict = None
    if form.validate_on_submit():
        conflict = _save(organisation, form, ORGANISATION_FIELDS, "organization", organisation_id is None,
                         "Organisation saved.")
        if conflict is None:
            return redirect(url_for("staff.edit_organisation", organisation_id=organisation.id))
    services = queries.services_of(db, organisation.id) if organisation_id else []
    return render_template("staff/organisations/edit.html", form=form, organisation=organisation if organisation_id
                           else None, services=services, conflict=conflict), 409 if conflict else 200


def history_page(record, entity_type: str, back: str, restore_endpoint: str | None = None):
    """The history of an organisation, term or rule: every change, field by field."""
    return render_template("staff/simple_history.html", title=getattr(record, "title", None) or record.name,
                           back=back, changes=history_of(get_session(), entity_type, record.id), record=record,
                           restore_endpoint=restore_endpoint)


@staff.route("/staff/organisations/<uuid:organisation_id>/history")
@requires(Role.EDITOR)
def organisation_history(organisation_id: uuid.UUID):
    organisation = queries.organisation_by_id(get_session(), organisation_id) or abort(404)
    back = url_for("staff.edit_organisation", organisation_id=organisation.id)
    return history_page(organisation, "organization", back)


@staff.route("/staff/terms")
@requires(Role.EDITOR)
def terms():
    db = get_session()
    taxonomies = queries.our_taxonomies(db)
    by_taxonomy = queries.terms_by_taxonomy(db, taxonomies)
    return render_template("staff/terms/list.html", taxonomies=taxonomies, by_taxonomy=by_taxonomy)


@staff.route("/staff/terms/new", methods=["GET", "POST"])
@staff.route("/staff/terms/<uuid:term_id>", methods=["GET", "POST"])
@requires(Role.EDITOR)
def edit_term(term_id: uuid.UUID | None = None):
    db = get_session()
    term = queries.term_by_id(db, term_id) if term_id else TaxonomyTerm(name="", description="")
    if term is None:
        abort(404)
    taxonomies = {str(t.id): t for t in queries.our_taxonomies(db)}
    form = TermForm(obj=term, version=str(term.version), taxonomy=str(term.taxonomy_id or ""))
    form.taxonomy.choices = [(key, t.name) for key, t in taxonomies.items()]
    if term_id:
        # A code is what filters and links use: it stays as created.
        del form.code, form.taxonomy
    conflict = None
    if form.validate_on_submit():
        if term_id is None:
            taxonomy = taxonomies[form.taxonomy.data]
            if queries.term_code_taken(db, taxonomy.id, form.code.data):
                form.code.errors.append("That code is already in this list")
                return render_template("staff/terms/edit.html", form=form, term=None, conflict=None)
            term.taxonomy_id, term.taxonomy, term.code = taxonomy.id, taxonomy.name, form.code.data
        conflict = _save(term, form, TERM_FIELDS, "taxonomy_term", term_id is None, "Term saved.")
        if conflict is None:
            return redirect(url_for("staff.edit_term", term_id=term.id))
    return render_template("staff/terms/edit.html", form=form, term=term if term_id else None,
                           conflict=conflict), 409 if conflict else 200


@staff.route("/staff/terms/<uuid:term_id>/history")
@requires(Role.EDITOR)
def term_history(term_id: uuid.UUID):
    term = queries.term_by_id(get_session(), term_id) or abort(404)
    return history_page(term, "taxonomy_term", url_for("staff.edit_term", term_id=term.id))
