"""Pathway rules: installed and upgraded from data/ on start, changed by two people (an editor proposes, a
policy approver publishes), with history; officers see a change only once it is published."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from directory.clock import uk_today
from directory.models import ChangeRecord, PathwayRule, ProposalStatus, Role, RuleProposal
from directory.pathway import rulebook
from directory.pathway.rules import Answers, evaluate, read_rules_file
from tests.factories import csrf_token, make_user, page_form, sign_in

FRAUD = Answers(crime_types=("fraud",))


def rule_named(session, key: str) -> PathwayRule:
    return session.exec(select(PathwayRule).where(PathwayRule.key == key)).one()


def actions(session, rule: PathwayRule) -> list[tuple[str, str]]:
    changes = session.exec(select(ChangeRecord).where(ChangeRecord.entity_id == rule.id).order_by(ChangeRecord.id))
    return [(change.action, change.user_name) for change in changes]


def release(app, tmp_path, *replacements: tuple[str, str]) -> Path:
    """The shipped rules file with some words changed, as a new release would ship it."""
    text = Path(app.config["PATHWAY_RULES_FILE"]).read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    newer = tmp_path / f"rules-{len(list(tmp_path.iterdir()))}.toml"
    newer.write_text(text, encoding="utf-8")
    return newer


def edit_locally(session, key: str, **changes) -> PathwayRule:
    """A rule changed here: proposed by an editor and published by an approver."""
    row = rule_named(session, key)
    proposal = rulebook.propose_change(session, row, {**rulebook.rule_data(row), **changes},
                                       make_user(session, Role.EDITOR, email=f"e-{key}@example.org"), row.version)
    assert rulebook.publish(session, proposal, make_user(session, Role.APPROVER, email=f"a-{key}@example.org"))
    session.commit()
    return row


def test_the_shipped_rules_are_installed_once_with_their_owners_and_dates(app, session):
    shipped = read_rules_file(app.config["PATHWAY_RULES_FILE"])
    assert sorted(r.key for r in rulebook.current_rules(session)) == sorted(r.key for r in shipped)
    installed = session.exec(select(ChangeRecord).where(ChangeRecord.entity_type == "pathway_rule")).all()
    assert len(installed) == len(shipped) and {c.action for c in installed} == {"installed"}
    assert all(rule.owner and rule.policy_as_at and rule.review_by > rule.policy_as_at for rule in shipped)
    fraud = rule_named(session, "fraud")
    assert (fraud.owner, fraud.review_by) == (next(r for r in shipped if r.key == "fraud").owner,
                                              next(r for r in shipped if r.key == "fraud").review_by)
    assert rulebook.upgrade_rules(session, app.config["PATHWAY_RULES_FILE"]).changed == 0


def test_a_release_reaches_rules_nobody_edited_and_is_proposed_for_those_edited_never_applied(
        app, session, tmp_path):
    edit_locally(session, "fraud", title="Fraud (local)")
    newer = release(app, tmp_path, ('title = "Fraud"', 'title = "Fraud and scams"'),
                    ('title = "Hate crime"', 'title = "Hate crime and hate incidents"'))
    newer.write_text(newer.read_text(encoding="utf-8") + '\n[[rule]]\nkey = "new-rule"\ntitle = "New"\n'
                     'owner = "Lead"\n[[rule.steps]]\ntext = "T"\nwhy = "W"\nwho = "You"\nsource = "S"\n',
                     encoding="utf-8")

    done = rulebook.upgrade_rules(session, newer)
    session.commit()
    assert (done.installed, done.upgraded, done.proposed) == (["new-rule"], ["hate-crime"], ["fraud"])
    assert rule_named(session, "fraud").title == "Fraud (local)"  # nothing decided here is overwritten
    assert rule_named(session, "hate-crime").title == "Hate crime and hate incidents"
    [(proposal, rule)] = rulebook.proposals(session)
    assert rule.key == "fraud" and proposal.rule["title"] == "Fraud and scams"
    assert proposal.proposed_by == rulebook.SHIPPED and proposal.proposed_by_id is None
    upgrade = session.exec(select(ChangeRecord).where(ChangeRecord.entity_id == rule_named(session, "hate-crime").id,
                                                      ChangeRecord.action == "upgraded")).one()
    assert upgrade.before["title"] == "Hate crime" and upgrade.after["title"] == "Hate crime and hate incidents"

    assert rulebook.upgrade_rules(session, newer).changed == 0  # safe to repeat: no second proposal
    assert len(rulebook.proposals(session)) == 1
    rulebook.reject(session, proposal, make_user(session, Role.APPROVER, email="judge@example.org"))
    session.commit()
    assert rulebook.upgrade_rules(session, newer).changed == 0  # a rejected proposal does not come back
    newest = release(app, tmp_path, ('title = "Fraud"', 'title = "Fraud, scams and cyber crime"'))
    assert rulebook.upgrade_rules(session, newest).proposed == ["fraud"]  # the next release is offered again


def test_a_rule_edited_before_releases_were_tracked_is_offered_the_release_once(app, session):
    row = edit_locally(session, "domestic-abuse-high-risk", title="High risk (local)")
    row.shipped = None  # as an install upgraded from before shipped versions were kept
    session.commit()
    assert rulebook.upgrade_rules(session, app.config["PATHWAY_RULES_FILE"]).proposed == ["domestic-abuse-high-risk"]
    session.commit()
    assert rulebook.upgrade_rules(session, app.config["PATHWAY_RULES_FILE"]).changed == 0
    assert rule_named(session, "domestic-abuse-high-risk").title == "High risk (local)"


def test_the_upgrade_command_says_what_it_applied_and_what_it_proposed(app, session, tmp_path):
    edit_locally(session, "fraud", title="Fraud (local)")
    app.config["PATHWAY_RULES_FILE"] = release(app, tmp_path, ('title = "Fraud"', 'title = "Fraud and scams"'),
                                               ('title = "Hate crime"', 'title = "Hate crimes"'))
    first = app.test_cli_runner().invoke(args=["rules", "upgrade"])
    assert first.exit_code == 0, first.output
    assert "Upgraded: hate-crime" in first.output
    assert "Edited here, so proposed for a policy approver to publish or reject: fraud" in first.output
    again = app.test_cli_runner().invoke(args=["rules", "upgrade"])
    assert again.output.strip() == "The rulebook already has every shipped change."


def test_a_broken_release_changes_nothing_and_says_why(app, session, tmp_path):
    app.config["PATHWAY_RULES_FILE"] = release(app, tmp_path, ('key = "fraud"\n', 'key = "fraud"\nflags = 1\n'))
    result = app.test_cli_runner().invoke(args=["rules", "upgrade"])
    assert result.exit_code == 1 and "Nothing was changed. rule fraud: unknown field(s) flags" in result.output


def signed_in(app, session, role: Role, name: str):
    client = app.test_client()
    sign_in(client, make_user(session, role, email=f"{name.lower()}@example.org", name=name))
    return client


def propose_fraud_step(client, session, words: str) -> str:
    """An editor changes the fraud rule's first step in the editor; returns the proposal's page."""
    rule = rule_named(session, "fraud")
    path = f"/staff/pathway-rules/{rule.id}"
    form = page_form(client.get(path).get_data(as_text=True))
    form["steps-0-text"] = words
    response = client.post(path, data=form)
    assert response.status_code == 302 and "/proposals/" in response.headers["Location"]
    return response.headers["Location"]


def decide(client, proposal_page: str, button: str):
    return client.post(proposal_page, data={"csrf_token": csrf_token(client, proposal_page), button: "y"},
                       follow_redirects=True)


def first_fraud_step(session) -> str:
    session.expire_all()
    return evaluate(rulebook.current_rules(session), FRAUD).steps[0].text


def test_an_editor_proposes_and_officers_see_it_only_once_another_person_publishes_it(app, session):
    editor = signed_in(app, session, Role.EDITOR, "Edie")
    approver = signed_in(app, session, Role.APPROVER, "Abe")
    officer = signed_in(app, session, Role.OFFICER, "Olly")
    shipped = first_fraud_step(session)
    page = propose_fraud_step(editor, session, "Give the victim the fraud reference leaflet.")
    assert first_fraud_step(session) == shipped  # proposed, not yet police policy
    shown = editor.get(page).get_data(as_text=True)
    assert "Give the victim the fraud reference leaflet." in shown and shipped in shown
    assert "Publish the change" not in shown  # an editor is not offered the decision...
    assert editor.post(page, data={"csrf_token": csrf_token(editor, page), "publish": "y"}).status_code == 403

    published = decide(approver, page, "publish").get_data(as_text=True)
    assert "Published: officers see the rule as changed on their next pathway." in published
    assert first_fraud_step(session) == "Give the victim the fraud reference leaflet."
    rule = rule_named(session, "fraud")
    assert actions(session, rule)[-2:] == [("proposed", "Edie"), ("published", "Abe")]
    assert session.exec(select(ChangeRecord).where(ChangeRecord.action == "published")).one().note.endswith(
        "proposed by Edie")
    pathway = page_form(officer.get("/pathway").get_data(as_text=True))
    for key, value in {"crime_types": "fraud", "role": "victim", "personally_connected": "no", "risk": "standard",
                       "age_group": "18_to_64", "gender": "not_said", "immigration_concern": "no", "nrpf": "no",
                       "interpreter": "no", "children_in_household": "no"}.items():
        pathway[key] = value
    assert "Give the victim the fraud reference leaflet." in officer.post("/pathway", data=pathway).get_data(
        as_text=True)


def test_nobody_publishes_their_own_proposal_not_even_an_approver(app, session):
    approver = signed_in(app, session, Role.APPROVER, "Abe")
    page = propose_fraud_step(approver, session, "A change Abe wants.")
    refused = decide(approver, page, "publish").get_data(as_text=True)
    assert "You proposed this change: another policy approver must publish it." in refused
    assert first_fraud_step(session) != "A change Abe wants."
    admin = signed_in(app, session, Role.ADMIN, "Ada")
    assert "Published" in decide(admin, page, "publish").get_data(as_text=True)
    assert first_fraud_step(session) == "A change Abe wants."


def test_a_rejected_proposal_changes_nothing_and_is_recorded(app, session):
    page = propose_fraud_step(signed_in(app, session, Role.EDITOR, "Edie"), session, "A doubtful change.")
    approver = signed_in(app, session, Role.APPROVER, "Abe")
    assert "Rejected: the rule is unchanged." in decide(approver, page, "reject").get_data(as_text=True)
    assert first_fraud_step(session) != "A doubtful change."
    assert actions(session, rule_named(session, "fraud"))[-1] == ("rejected", "Abe")
    assert "This proposal was already rejected." in decide(approver, page, "publish").get_data(as_text=True)


def test_of_two_proposals_against_one_version_the_second_cannot_undo_the_first(app, session):
    ann_page = propose_fraud_step(signed_in(app, session, Role.EDITOR, "Ann"), session, "Ann's step.")
    bob_page = propose_fraud_step(signed_in(app, session, Role.EDITOR, "Bob"), session, "Bob's step.")
    approver = signed_in(app, session, Role.APPROVER, "Abe")
    decide(approver, ann_page, "publish")
    assert "This proposal was already superseded." in decide(approver, bob_page, "publish").get_data(as_text=True)
    assert first_fraud_step(session) == "Ann's step."
    assert [p.status for p in session.exec(select(RuleProposal).order_by(RuleProposal.id))] == [
        ProposalStatus.PUBLISHED, ProposalStatus.SUPERSEDED]


def test_a_proposal_against_an_older_version_is_set_aside_not_published(app, session):
    editor = make_user(session, Role.EDITOR, email="ann@example.org")
    row = rule_named(session, "fraud")
    stale = rulebook.propose_change(session, row, {**rulebook.rule_data(row), "title": "Stale"}, editor, 1)
    row.version = 2  # another change was published meanwhile, by any route
    session.commit()
    assert not rulebook.publish(session, stale, make_user(session, Role.APPROVER))
    assert stale.status == ProposalStatus.SUPERSEDED and rule_named(session, "fraud").title != "Stale"


def test_saving_a_rule_unchanged_proposes_nothing_so_shipped_fixes_still_reach_it(app, session):
    editor = signed_in(app, session, Role.EDITOR, "Edie")
    rule = rule_named(session, "domestic-abuse-no-recourse-to-public-funds")
    path = f"/staff/pathway-rules/{rule.id}"
    response = editor.post(path, data=page_form(editor.get(path).get_data(as_text=True)), follow_redirects=True)
    assert "Nothing had changed, so nothing was proposed." in response.get_data(as_text=True)
    assert actions(session, rule) == [("installed", "System")] and not rulebook.proposals(session)


def test_a_rule_left_without_steps_is_refused_and_nothing_is_proposed(app, session):
    editor = signed_in(app, session, Role.EDITOR, "Edie")
    rule = rulebook.rule_rows(session)[0]
    path = f"/staff/pathway-rules/{rule.id}"
    form = page_form(editor.get(path).get_data(as_text=True))
    for key in list(form):
        if key.startswith("steps-") and key.endswith("-text"):
            form[key] = ""
    assert "has no steps" in editor.post(path, data=form).get_data(as_text=True)
    assert not rulebook.proposals(session)


def test_restoring_an_earlier_version_is_proposed_like_any_change(app, session):
    shipped = first_fraud_step(session)
    edit_locally(session, "fraud", steps=[{**rule_named(session, "fraud").steps[0], "text": "Local words."},
                                          *rule_named(session, "fraud").steps[1:]])
    editor = signed_in(app, session, Role.EDITOR, "Edie")
    row = rule_named(session, "fraud")
    history = editor.get(f"/staff/pathway-rules/{row.id}/history").get_data(as_text=True)
    restore = re.findall(r'<form method="post" action="([^"]+restore)"', history)[-1]  # the oldest is last
    response = editor.post(restore, data={"csrf_token": csrf_token(editor, "/staff/"), "version": row.version})
    assert response.status_code == 302 and "/proposals/" in response.headers["Location"]
    assert first_fraud_step(session) == "Local words."
    decide(signed_in(app, session, Role.APPROVER, "Abe"), response.headers["Location"], "publish")
    assert first_fraud_step(session) == shipped


@pytest.mark.parametrize(("review_by", "overdue"), [(-1, True), (0, False), (30, False), (None, True)])
def test_a_rule_past_its_review_date_is_flagged_to_editors(app, session, review_by, overdue):
    row = rule_named(session, "fraud")
    row.review_by = None if review_by is None else uk_today() + timedelta(days=review_by)
    session.commit()
    page = signed_in(app, session, Role.EDITOR, "Edie").get("/staff/pathway-rules").get_data(as_text=True)
    fraud_row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*>Fraud</a>(?:(?!</tr>).)*</tr>", page, re.S).group(0)
    assert ("Review overdue" in fraud_row) is overdue
    assert row.owner in fraud_row
    assert (row in rulebook.due_for_review(session, uk_today())) is overdue
    home = signed_in(app, session, Role.EDITOR, "Ed").get("/staff/").get_data(as_text=True)
    assert ("1 rule is past its review date" in home) is overdue


def test_editors_are_told_of_proposals_waiting_and_officers_are_not(app, session):
    propose_fraud_step(signed_in(app, session, Role.EDITOR, "Edie"), session, "A proposed step.")
    assert "1 proposed change</a> waiting for a policy approver" in signed_in(
        app, session, Role.APPROVER, "Abe").get("/staff/").get_data(as_text=True)
    assert "proposed change" not in signed_in(app, session, Role.OFFICER, "Olly").get("/staff/").get_data(
        as_text=True)


def test_conditions_round_trip_through_the_editor_unchanged(app, session):
    editor = signed_in(app, session, Role.EDITOR, "Edie")
    for rule in rulebook.rule_rows(session):
        path = f"/staff/pathway-rules/{rule.id}"
        response = editor.post(path, data=page_form(editor.get(path).get_data(as_text=True)))
        assert response.status_code == 302 and "/proposals/" not in response.headers["Location"], rule.key
    assert not rulebook.proposals(session)


def test_what_a_proposal_changes_is_read_step_by_step():
    before = {"title": "A", "owner": "Lead", "review_by": "2027-01-01", "steps": [
        {"text": "One", "why": "W"}, {"text": "Two", "why": "W"}, {"text": "Three", "why": "W"}]}
    after = {"title": "A", "owner": "Lead", "review_by": "2027-06-01", "steps": [
        {"text": "Two", "why": "W"}, {"text": "One", "why": "Better"}, {"text": "Four", "why": "W"}]}
    assert [(d.what, d.before, d.after) for d in rulebook.differences(before, after)] == [
        ("Review by", "2027-01-01", "2027-06-01"),
        ("Step changed", "text: One\nwhy: W", "text: One\nwhy: Better"),
        ("Step added", "", "text: Four\nwhy: W"),
        ("Step removed", "text: Three\nwhy: W", ""),
        ("Order of the steps", "One\nTwo", "Two\nOne"),
    ]
    assert rulebook.differences(before, before) == []
