"""The pathway rules: editors propose changes, policy approvers publish or reject them, all with history."""

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from directory import clock
from directory.history import change_by_id
from directory.listings import editing as listings
from directory.listings.queries import NEEDS_TAXONOMY, terms_in
from directory.models import PathwayRule, ProposalStatus, Role
from directory.pathway import rulebook
from directory.pathway.rules import RuleError
from directory.web.context import get_session
from directory.web.staff import staff
from directory.web.staff.access import acting_user, requires
from directory.web.staff.forms import DecisionForm
from directory.web.staff.listing_forms import VersionForm
from directory.web.staff.organisations import history_page
from directory.web.staff.rule_forms import RuleForm, rule_form_data, rule_from_form

DECIDED = {
    ProposalStatus.PUBLISHED: ("Published: officers see the rule as changed on their next pathway.", "success"),
    ProposalStatus.REJECTED: ("Rejected: the rule is unchanged.", "success"),
    ProposalStatus.SUPERSEDED: ("The rule changed after this was proposed, so it was set aside and nothing was "
                                "published. Propose it again against the rule as it is now.", "error"),
}


@staff.get("/staff/pathway-rules")
@requires(Role.EDITOR)
def pathway_rules():
    db = get_session()
    pending = [rule.id for _, rule in rulebook.proposals(db)]
    return render_template("staff/rules/list.html", rules=rulebook.rule_rows(db),
                           due={row.id for row in rulebook.due_for_review(db, clock.uk_today())},
                           pending={rule_id: pending.count(rule_id) for rule_id in pending})


def _form(row: PathwayRule, formdata=None) -> RuleForm:
    data = rule_form_data(rulebook.rule_data(row))
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
            proposal = rulebook.propose_change(db, row, data, acting_user(), int(form.version.data))
        except RuleError as error:
            form.title.errors.append(str(error))
        except listings.EditConflict as clash:
            form.version.data = str(row.version)
            conflict = {"latest": clash.latest, "theirs": rulebook.rule_data(row), "yours": data}
        else:
            db.commit()
            return _proposed(proposal, row)
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
        proposal = rulebook.restore_rule(db, row, change, acting_user(), int(form.version.data))
    except (RuleError, listings.EditConflict) as problem:
        flash(f"Nothing was proposed: {problem}", "error")
        return redirect(url_for("staff.pathway_rule_history", rule_id=entity_id))
    db.commit()
    return _proposed(proposal, row)


def _proposed(proposal, row: PathwayRule):
    if proposal is None:
        flash("Nothing had changed, so nothing was proposed.", "success")
        return redirect(url_for("staff.edit_pathway_rule", rule_id=row.id))
    flash("Change proposed. Officers see it once a policy approver (not you) publishes it.", "success")
    return redirect(url_for("staff.rule_proposal", proposal_id=proposal.id))


@staff.get("/staff/pathway-rules/proposals")
@requires(Role.EDITOR)
def rule_proposals():
    db = get_session()
    return render_template("staff/rules/proposals.html", pending=rulebook.proposals(db),
                           decided=rulebook.proposals(db, ProposalStatus.PUBLISHED)[-10:][::-1])


@staff.get("/staff/pathway-rules/proposals/<int:proposal_id>")
@requires(Role.EDITOR)
def rule_proposal(proposal_id: int):
    db = get_session()
    proposal = rulebook.proposal_by_id(db, proposal_id) or abort(404)
    row = rulebook.rule_by_id(db, proposal.rule_id)
    return render_template("staff/rules/proposal.html", proposal=proposal, rule=row, form=DecisionForm(),
                           changes=rulebook.differences(rulebook.rule_data(row), proposal.rule),
                           can_decide=current_user.can(Role.APPROVER))


@staff.post("/staff/pathway-rules/proposals/<int:proposal_id>")
@requires(Role.APPROVER)
def decide_rule_proposal(proposal_id: int):
    db = get_session()
    proposal = rulebook.proposal_by_id(db, proposal_id) or abort(404)
    form = DecisionForm()
    if not form.validate_on_submit() or not (form.publish.data or form.reject.data):
        abort(400)
    try:
        (rulebook.publish if form.publish.data else rulebook.reject)(db, proposal, acting_user())
    except rulebook.ProposalError as problem:
        flash(str(problem), "error")
        return redirect(url_for("staff.rule_proposal", proposal_id=proposal_id))
    db.commit()
    flash(*DECIDED[proposal.status])
    return redirect(url_for("staff.rule_proposal", proposal_id=proposal_id))
