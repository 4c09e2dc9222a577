"""Editing the pathway rules (editors): the steps officers are given, versioned with history."""

import uuid

from flask import abort, flash, redirect, render_template, request, url_for

from directory.history import change_by_id
from directory.listings import editing as listings
from directory.listings.queries import NEEDS_TAXONOMY, terms_in
from directory.models import PathwayRule, Role
from directory.pathway import rulebook
from directory.pathway.rules import RuleError
from directory.web.context import get_session
from directory.web.staff import staff
from directory.web.staff.access import acting_user, requires
from directory.web.staff.listing_forms import VersionForm
from directory.web.staff.organisations import history_page
from directory.web.staff.rule_forms import RuleForm, rule_form_data, rule_from_form


@staff.get("/staff/pathway-rules")
@requires(Role.EDITOR)
def pathway_rules():
    return render_template("staff/rules/list.html", rules=rulebook.rule_rows(get_session()))


def _form(row: PathwayRule, formdata=None) -> RuleForm:
    data = rule_form_data({"title": row.title, "position": row.position, "conditions": row.conditions,
                           "steps": row.steps, "service_query": row.service_query})
    form = RuleForm(formdata=formdata, data={**data, "version": str(row.version)})
    known = [(t.code, t.name) for t in terms_in(get_session(), NEEDS_TAXONOMY)]
    used = dict.fromkeys([*row.service_query.get("needs", []),
                          *(code for step in row.steps for code in (step.get("refers") or {}).get("needs", []))])
    # A code the rule uses but the directory lacks stays on offer: saving must never drop it unseen.
    choices = known + [(code, code) for code in used if code not in dict(known)]
    for field in (form.needs, *(entry.form.refers_needs for entry in form.steps.entries)):
        field.choices = choices
    return form


@staff.route("/staff/pathway-rules/<uuid:rule_id>", methods=["GET", "POST"])
@requires(Role.EDITOR)
def edit_pathway_rule(rule_id: uuid.UUID):
    db = get_session()
    row = rulebook.rule_by_id(db, rule_id) or abort(404)
    form = _form(row, request.form if request.method == "POST" else None)
    conflict = None
    if request.method == "POST" and form.add_step.data:
        form.steps.append_entry().form.refers_needs.choices = form.needs.choices
    elif form.validate_on_submit():
        data = rule_from_form(form)
        try:
            changed = rulebook.save_rule(db, row, data, acting_user(), int(form.version.data))
        except RuleError as error:
            form.title.errors.append(str(error))
        except listings.EditConflict as clash:
            row = rulebook.rule_by_id(db, rule_id)
            form.version.data = str(row.version)
            current = {"title": row.title, "position": row.position, "conditions": row.conditions,
                       "steps": row.steps, "service_query": row.service_query}
            conflict = {"latest": clash.latest, "theirs": current, "yours": data}
        else:
            db.commit()
            flash("Rule saved. Officers see the change on their next pathway." if changed else
                  "Nothing had changed, so nothing was saved.", "success")
            return redirect(url_for("staff.edit_pathway_rule", rule_id=row.id))
    return render_template("staff/rules/edit.html", form=form, rule=row, conflict=conflict), 409 if conflict else 200


@staff.get("/staff/pathway-rules/<uuid:rule_id>/history")
@requires(Role.EDITOR)
def pathway_rule_history(rule_id: uuid.UUID):
    row = rulebook.rule_by_id(get_session(), rule_id) or abort(404)
    return history_page(row, "pathway_rule", url_for("staff.edit_pathway_rule", rule_id=row.id),
                        restore_endpoint="staff.restore_pathway_rule")


@staff.post("/staff/pathway-rules/<uuid:entity_id>/history/<int:change_id>/restore")
@requires(Role.EDITOR)
def restore_pathway_rule(entity_id: uuid.UUID, change_id: int):
    db = get_session()
    row = rulebook.rule_by_id(db, entity_id) or abort(404)
    change = change_by_id(db, change_id) or abort(404)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        rulebook.restore_rule(db, row, change, acting_user(), int(form.version.data))
    except (RuleError, listings.EditConflict) as problem:
        flash(f"Nothing was restored: {problem}", "error")
        return redirect(url_for("staff.pathway_rule_history", rule_id=entity_id))
    db.commit()
    flash("The earlier version of the rule is back in use.", "success")
    return redirect(url_for("staff.edit_pathway_rule", rule_id=entity_id))
