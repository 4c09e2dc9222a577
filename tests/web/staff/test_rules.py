"""Pathway rules: installed from data/ on start, edited by editors with history, used at once by officers."""

import re
from pathlib import Path

from sqlmodel import select

from directory.models import ChangeRecord, PathwayRule, Role
from directory.pathway import rulebook
from directory.pathway.rules import Answers, evaluate, read_rules_file
from tests.factories import make_user, page_form, sign_in


def rule_named(session, key: str) -> PathwayRule:
    return session.exec(select(PathwayRule).where(PathwayRule.key == key)).one()


def test_the_shipped_rules_are_installed_once_with_their_history(app, session):
    shipped = read_rules_file(app.config["PATHWAY_RULES_FILE"])
    assert sorted(r.key for r in rulebook.current_rules(session)) == sorted(r.key for r in shipped)
    installed = session.exec(select(ChangeRecord).where(ChangeRecord.entity_type == "pathway_rule")).all()
    assert len(installed) == len(shipped) and {c.action for c in installed} == {"installed"}
    assert rulebook.install_rules(session, app.config["PATHWAY_RULES_FILE"]) == 0


def test_a_shipped_change_reaches_rules_nobody_edited_here_and_never_those_edited(app, session, tmp_path):
    shipped = Path(app.config["PATHWAY_RULES_FILE"]).read_text(encoding="utf-8")
    edited_here, untouched = rule_named(session, "fraud"), rule_named(session, "hate-crime")
    local = {"title": "Fraud (local)", "position": edited_here.position, "conditions": edited_here.conditions,
             "steps": edited_here.steps, "service_query": edited_here.service_query}
    rulebook.save_rule(session, edited_here, local, make_user(session, Role.EDITOR), expected_version=1)
    session.commit()
    newer = tmp_path / "rules.toml"
    newer.write_text(shipped.replace('title = "Fraud"', 'title = "Fraud and scams"')
                     .replace('title = "Hate crime"', 'title = "Hate crime and hate incidents"')
                     + '\n[[rule]]\nkey = "new-rule"\ntitle = "New"\n[[rule.steps]]\ntext = "T"\nwhy = "W"\n'
                       'who = "You"\nsource = "S"\n', encoding="utf-8")

    assert rulebook.install_rules(session, newer) == 2  # hate crime upgraded, new-rule installed
    session.commit()
    assert rule_named(session, "fraud").title == "Fraud (local)"
    assert rule_named(session, "hate-crime").title == "Hate crime and hate incidents"
    assert rule_named(session, "new-rule").version == 1
    upgrade = session.exec(select(ChangeRecord).where(ChangeRecord.entity_id == untouched.id,
                                                      ChangeRecord.action == "upgraded")).one()
    assert upgrade.before["title"] == "Hate crime" and upgrade.after["title"] == "Hate crime and hate incidents"
    assert rulebook.install_rules(session, newer) == 0  # safe to repeat


def test_a_rule_edited_before_steps_referred_anywhere_gains_the_shipped_referrals_and_keeps_its_words(
        app, session):
    row = rule_named(session, "domestic-abuse-high-risk")
    legacy_steps = [{key: value for key, value in step.items() if key != "refers"} for step in row.steps]
    legacy_steps[1] = {**legacy_steps[1], "why": "Our own words."}
    local = {"title": "High risk (local)", "position": row.position, "conditions": row.conditions,
             "steps": legacy_steps, "service_query": row.service_query}
    assert rulebook.save_rule(session, row, local, make_user(session, Role.EDITOR), expected_version=1)
    session.commit()

    assert rulebook.install_rules(session, app.config["PATHWAY_RULES_FILE"]) == 1
    session.commit()
    row = rule_named(session, "domestic-abuse-high-risk")
    assert row.title == "High risk (local)" and row.steps[1]["why"] == "Our own words."
    assert [bool(step.get("refers")) for step in row.steps] == [True, False, True]  # IDVA, MARAC, refuge
    assert rulebook.install_rules(session, app.config["PATHWAY_RULES_FILE"]) == 0


def test_saving_a_rule_unchanged_records_nothing_so_shipped_fixes_still_reach_it(app, session):
    editor = app.test_client()
    sign_in(editor, make_user(session, Role.EDITOR))
    rule = rule_named(session, "domestic-abuse-no-recourse-to-public-funds")
    path = f"/staff/pathway-rules/{rule.id}"
    response = editor.post(path, data=page_form(editor.get(path).get_data(as_text=True)), follow_redirects=True)
    assert "Nothing had changed, so nothing was saved." in response.get_data(as_text=True)
    session.expire_all()
    assert rule_named(session, "domestic-abuse-no-recourse-to-public-funds").version == 1
    assert {c.action for c in session.exec(select(ChangeRecord).where(ChangeRecord.entity_id == rule.id))} == {
        "installed"}


def test_an_editor_changes_a_step_and_officers_see_it_on_their_next_pathway(app, session):
    editor, officer = app.test_client(), app.test_client()
    sign_in(editor, make_user(session, Role.EDITOR, name="Edie Editor"))
    sign_in(officer, make_user(session, Role.OFFICER, email="officer@example.org"))
    rule = next(row for row in rulebook.rule_rows(session) if row.conditions == {"crime_types": ["fraud"]})
    path = f"/staff/pathway-rules/{rule.id}"
    form = page_form(editor.get(path).get_data(as_text=True))
    form["steps-0-text"] = "Give the victim the Action Fraud reference leaflet."
    assert editor.post(path, data=form).status_code == 302

    session.expire_all()
    answers = Answers(crime_types=("fraud",))
    assert evaluate(rulebook.current_rules(session), answers).steps[0].text.startswith("Give the victim")
    change = session.exec(select(ChangeRecord).where(ChangeRecord.entity_id == rule.id)
                          .order_by(ChangeRecord.id.desc())).first()
    assert change.action == "updated" and change.user_name == "Edie Editor"
    assert change.before["steps"][0]["text"] != change.after["steps"][0]["text"]
    history = editor.get(f"{path}/history").get_data(as_text=True)
    assert "Action Fraud reference leaflet" in history

    pathway = page_form(officer.get("/pathway").get_data(as_text=True))
    for key, value in {"crime_types": "fraud", "role": "victim", "personally_connected": "no", "risk": "standard",
                       "age_group": "18_to_64", "gender": "not_said", "immigration_concern": "no", "nrpf": "no",
                       "interpreter": "no",
                       "children_in_household": "no"}.items():
        pathway[key] = value
    assert "Action Fraud reference leaflet" in officer.post("/pathway", data=pathway).get_data(as_text=True)

    # Restoring the installed version puts the shipped wording back, recorded as a change.
    restore = page_form(history)
    assert editor.post(re.findall(r'<form method="post" action="([^"]+restore)"', history)[-1],
                       data=restore).status_code == 302
    session.expire_all()
    assert not evaluate(rulebook.current_rules(session), answers).steps[0].text.startswith("Give the victim")


def test_a_rule_left_without_steps_is_refused_and_nothing_changes(app, session):
    editor = app.test_client()
    sign_in(editor, make_user(session, Role.EDITOR))
    rule = rulebook.rule_rows(session)[0]
    path = f"/staff/pathway-rules/{rule.id}"
    form = page_form(editor.get(path).get_data(as_text=True))
    for key in list(form):
        if key.startswith("steps-") and key.endswith("-text"):
            form[key] = ""
    page = editor.post(path, data=form).get_data(as_text=True)
    assert "has no steps" in page
    session.expire_all()
    assert session.get(PathwayRule, rule.id).version == 1


def test_two_editors_saving_one_rule(app, session):
    ann, bob = app.test_client(), app.test_client()
    sign_in(ann, make_user(session, Role.EDITOR, email="ann@example.org", name="Ann"))
    sign_in(bob, make_user(session, Role.EDITOR, email="bob@example.org", name="Bob"))
    rule = rulebook.rule_rows(session)[0]
    path = f"/staff/pathway-rules/{rule.id}"
    form_ann, form_bob = page_form(ann.get(path).get_data(as_text=True)), page_form(bob.get(path).get_data(as_text=True))
    form_ann["title"], form_bob["title"] = "Ann's title", "Bob's title"
    assert ann.post(path, data=form_ann).status_code == 302
    response = bob.post(path, data=form_bob)
    assert response.status_code == 409 and "Bob&#39;s title" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(PathwayRule, rule.id).title == "Ann's title"


def test_conditions_round_trip_through_the_editor_unchanged(app, session):
    editor = app.test_client()
    sign_in(editor, make_user(session, Role.EDITOR))
    for rule in rulebook.rule_rows(session):
        before = (rule.conditions, rule.steps, rule.service_query, rule.position, rule.title)
        path = f"/staff/pathway-rules/{rule.id}"
        assert editor.post(path, data=page_form(editor.get(path).get_data(as_text=True))).status_code == 302, rule.key
        session.expire_all()
        saved = session.get(PathwayRule, rule.id)
        assert (saved.conditions, saved.steps, saved.service_query, saved.position, saved.title) == before, rule.key
