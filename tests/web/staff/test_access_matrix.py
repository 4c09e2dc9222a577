"""Every staff URL, walked as anonymous, officer, editor, policy approver and admin: the server enforces who may do what.

The table below is the policy. A staff route missing from it fails the test, so a new page
cannot ship without someone deciding who may use it.
"""

import pytest
from sqlmodel import Session, select
from werkzeug.routing.converters import AnyConverter

from directory.models import ChangeRecord, PathwayRule, ProblemReport, Role
from directory.pathway import rulebook
from tests.factories import PASSWORD, csrf_token, make_service, make_user, sign_in, term

# endpoint → the least role that may use it (None: anyone may open it, like the sign-in page).
POLICY = {
    "staff.sign_in": None,
    "staff.sign_in_code": None,  # opens only after the right password: see the test below
    "staff.set_up_second_factor": None,
    "staff.change_own_password": Role.OFFICER,
    "staff.sign_out": Role.OFFICER,
    "staff.home": Role.OFFICER,
    "staff.services": Role.EDITOR,
    "staff.new_service": Role.EDITOR,
    "staff.edit_service": Role.EDITOR,
    "staff.edit_service_section": Role.EDITOR,
    "staff.edit_whole_service": Role.EDITOR,
    "staff.service_action": Role.EDITOR,
    "staff.confirm_unpublish": Role.EDITOR,
    "staff.verify_service": Role.EDITOR,
    "staff.service_history": Role.EDITOR,
    "staff.restore_service": Role.EDITOR,
    "staff.organisations": Role.EDITOR,
    "staff.edit_organisation": Role.EDITOR,
    "staff.organisation_history": Role.EDITOR,
    "staff.terms": Role.EDITOR,
    "staff.edit_term": Role.EDITOR,
    "staff.term_history": Role.EDITOR,
    "staff.review": Role.EDITOR,
    "staff.mark_checked": Role.EDITOR,  # whoever may verify one listing may verify several
    "staff.confirmation_sheets": Role.EDITOR,
    "staff.coverage": Role.EDITOR,
    "staff.coverage_spreadsheet": Role.EDITOR,
    "staff.reports": Role.EDITOR,
    "staff.handle_report": Role.EDITOR,
    "staff.import_data": Role.EDITOR,
    "staff.import_data_apply": Role.EDITOR,
    "staff.export_data": Role.EDITOR,
    "staff.export_public_package": Role.EDITOR,
    "staff.export_full_package": Role.ADMIN,
    "staff.export_spreadsheet": Role.EDITOR,
    "staff.pathway_rules": Role.EDITOR,
    "staff.edit_pathway_rule": Role.EDITOR,
    "staff.pathway_rule_history": Role.EDITOR,
    "staff.restore_pathway_rule": Role.EDITOR,
    "staff.rule_proposals": Role.EDITOR,
    "staff.rule_proposal": Role.EDITOR,
    "staff.languages": Role.EDITOR,
    "staff.edit_page": Role.EDITOR,
    "staff.decide_rule_proposal": Role.APPROVER,
    "officer.pathway": Role.OFFICER,
    "officer.support_card": Role.OFFICER,
    "officer.new_referral": Role.OFFICER,
    "officer.referral_counts": Role.EDITOR,
    "staff.unmet_need": Role.EDITOR,
    "officer.shortlist": None,
    "staff.users": Role.ADMIN,
    "staff.new_user": Role.ADMIN,
    "staff.edit_user": Role.ADMIN,
    "staff.reset_password": Role.ADMIN,
    "staff.reset_second_factor": Role.ADMIN,
    "staff.set_user_active": Role.ADMIN,
    "staff.security_log": Role.ADMIN,
}
SIGNED_IN_BLUEPRINTS = ("staff.", "officer.")
RANK = {None: 0, Role.OFFICER: 1, Role.EDITOR: 2, Role.APPROVER: 3, Role.ADMIN: 4}


@pytest.fixture
def one_of_everything(app):
    """One of everything a staff URL can name, plus an account of each role."""
    with Session(app.extensions["database"], expire_on_commit=False) as session:
        service = make_service(session, "Harbour advice line")
        need = term(session, "Safe Space Sussex needs", "stalking")
        report = ProblemReport(service_id=service.id, kind="phone")
        session.add(report)
        session.commit()
        accounts = {role: make_user(session, role) for role in Role}
        target = make_user(session, Role.OFFICER, email="target@example.org")
        change = ChangeRecord(entity_type="service", entity_id=service.id, entity_name=service.name,
                              action="saved", after={"service": {}})
        session.add(change)
        session.commit()
        rule = session.exec(select(PathwayRule)).first()
        proposal = rulebook.propose_change(session, rule, {**rulebook.rule_data(rule), "title": "Proposed"},
                                           accounts[Role.EDITOR], rule.version)
        session.commit()
        values = {"service_id": service.id, "entity_id": service.id, "organisation_id": service.organization_id,
                  "term_id": need.id, "report_id": report.id, "user_id": target.id, "change_id": change.id,
                  "rule_id": rule.id, "proposal_id": proposal.id, "token": "not-a-link",
                  "slug": "if-you-tell-the-police", "code": "pl"}
        return accounts, values


def staff_urls(app, values):
    """(endpoint, method, url) for every staff route, once per choice of an `any(...)` segment."""
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(SIGNED_IN_BLUEPRINTS):
            continue
        choices = [{}]
        for name, converter in rule._converters.items():
            if isinstance(converter, AnyConverter):
                choices = [{**c, name: item} for c in choices for item in converter.items]
        for choice in choices:
            url = rule.build({**{k: v for k, v in values.items() if k in rule.arguments}, **choice})[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.endpoint, method, url


def test_every_staff_route_is_in_the_policy(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith(SIGNED_IN_BLUEPRINTS)}
    assert endpoints == set(POLICY)


@pytest.mark.parametrize("role", [None, Role.OFFICER, Role.EDITOR, Role.APPROVER, Role.ADMIN], ids=lambda r: r.value if r else "anonymous")
def test_each_role_gets_exactly_what_the_policy_allows(app, one_of_everything, role):
    accounts, values = one_of_everything
    client = app.test_client()
    token = csrf_token(client, "/login")
    if role is not None:
        sign_in(client, accounts[role])
        token = csrf_token(client, "/staff/")
    wrong = []
    for endpoint, method, url in staff_urls(app, values):
        needed = POLICY[endpoint]
        if needed is None or endpoint == "staff.sign_out":
            continue  # open to anyone, or covered by the sign-in tests (signing out would end the walk)
        response = client.open(url, method=method, data={"csrf_token": token, "version": "1"})
        allowed = RANK[role] >= RANK[needed]
        location = response.headers.get("Location", "")
        if role is None and needed is not None:
            ok = response.status_code == 302 and location.startswith("/login")
        elif not allowed:
            ok = response.status_code == 403
        elif method == "GET":
            ok = response.status_code == 200
        else:
            ok = response.status_code not in (401, 403) and not location.startswith("/login")
        if not ok:
            wrong.append(f"{method} {url}: {response.status_code} {location}")
    assert wrong == []


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_the_password_alone_opens_no_staff_route(app, one_of_everything, role):
    """Between the password and the code, every staff URL answers as it does to someone not signed in."""
    accounts, values = one_of_everything
    client = app.test_client()
    response = client.post("/login", data={"csrf_token": csrf_token(client, "/login"), "email": accounts[role].email,
                                           "password": PASSWORD})
    assert response.headers["Location"] == "/login/code"
    token = csrf_token(client, "/login/code")
    wrong = []
    for endpoint, method, url in staff_urls(app, values):
        if POLICY[endpoint] is None:
            continue
        response = client.open(url, method=method, data={"csrf_token": token, "version": "1"})
        if not (response.status_code == 302 and response.headers["Location"].startswith("/login")):
            wrong.append(f"{method} {url}: {response.status_code}")
    assert wrong == []
