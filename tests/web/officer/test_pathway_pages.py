"""The officer's pathway finder and the victim's support card, through the real pages on the sample data."""

import re
import time
import uuid
from datetime import timedelta

from flask import url_for
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from directory.clock import uk_today
from directory.models import Attribute, ImmigrationStatus, PathwayRule, Service
from directory.pathway.cards import name_on_card, names_a_harm, read_harm_words
from directory.pathway.rules import CRIME_TYPES
from tests.conftest import _app
from tests.factories import page_form

ANSWERS = {"crime_types": "domestic_abuse", "role": "victim", "personally_connected": "yes", "risk": "high",
           "age_group": "18_to_64", "gender": "woman",
           "immigration_concern": "yes", "nrpf": "no", "interpreter": "no", "children_in_household": "no",
           "where": "Crawley"}


def pathway(client, **changes):
    form = page_form(client.get("/pathway").get_data(as_text=True))
    for key, value in {**ANSWERS, **changes}.items():
        form[key] = value
    response = client.post("/pathway", data=form)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def listed_services(officer_app, page: str) -> list[Service]:
    ids = re.findall(r'name="services" type="checkbox" value="([0-9a-f-]{36})"', page)
    with Session(officer_app.extensions["database"]) as session:
        return [session.get(Service, uuid.UUID(i), options=[selectinload(Service.organization),
                                                           selectinload(Service.attributes)
                                                           .selectinload(Attribute.taxonomy_term)]) for i in ids]


def test_the_pathway_needs_a_signed_in_officer(officer_app):
    response = officer_app.test_client().get("/pathway")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_unanswered_questions_get_field_level_errors(officer):
    form = page_form(officer.get("/pathway").get_data(as_text=True))
    page = officer.post("/pathway", data=form).get_data(as_text=True)
    assert "govuk-error-summary" in page and "Choose what has happened" in page


def test_domestic_abuse_with_an_immigration_concern(officer_app, officer):
    page = pathway(officer)
    steps = re.findall(r'<p class="govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-1">([^<]+)</p>', page)
    assert any("DASH" in step for step in steps) and any("Victim Hub" in step for step in steps)
    assert any(step.startswith("Do not share") and "Immigration Enforcement" in step for step in steps)
    assert any("MARAC" in step for step in steps) and any("IDVA" in step for step in steps)
    services = listed_services(officer_app, page)
    assert services, "the sample has services open to all in Sussex"
    # Restrictions leave out anyone the victim would go to for help; a place to stay's restrictions (usually
    # about public funds, which this victim has) are shown to check. Not known is shown, marked to check.
    restricted = [s for s in services if s.immigration_status == ImmigrationStatus.RESTRICTIONS]
    assert restricted and all(any(a.link_type == "need" and a.taxonomy_term.code == "housing-refuge"
                                  for a in s.attributes) for s in restricted)
    if any(s.immigration_status == ImmigrationStatus.UNKNOWN for s in services):
        assert "Not confirmed: check before referring" in page


def test_without_a_concern_services_are_not_limited_by_immigration_status(officer_app, officer):
    page = pathway(officer, immigration_concern="no")
    assert "Do not share" not in page
    statuses = {s.immigration_status for s in listed_services(officer_app, page)}
    assert statuses - {ImmigrationStatus.OPEN_TO_ALL}


def test_a_language_preference_nobody_meets_hides_nothing_and_the_officer_is_told(officer_app, officer):
    page = pathway(officer, language="kmr", crime_types="fraud", immigration_concern="no", where="")
    assert "None of these meets this preference: the language." in page
    assert "Does not meet the victim's preference: the language." in page
    assert listed_services(officer_app, page)


def support_card(officer_app, officer, language="en"):
    """A card for three of the services the pathway lists."""
    page = pathway(officer)
    services = list({service.id: service for service in listed_services(officer_app, page)}.values())[:3]
    form = page_form(page, index=-2)  # the card form (the last is "Change the answers")
    form.setlist("services", [str(s.id) for s in services])
    form["language"] = language
    response = officer.post("/pathway/card", data=form)
    assert response.status_code == 200
    return services, response.get_data(as_text=True)


def test_the_support_card_lists_the_services_with_a_qr_code_and_never_the_crime(officer_app, officer):
    services, card = support_card(officer_app, officer)
    card_itself = card[card.index('class="app-card"'):]
    harm_words = [word for words in read_harm_words(officer_app.config["HARM_WORDS_FILE"]).values() for word in words]
    shown = {service.id: "Support service" if names_a_harm(name_on_card(service), harm_words)
             else name_on_card(service) for service in services}
    for service in services:
        assert shown[service.id].replace("'", "&#39;") in card_itself
        if service.name not in shown[service.id]:
            assert service.name.replace("'", "&#39;") not in card_itself
    assert "<svg" in card and "app-qr" in card
    link = re.search(r'class="app-card__url" dir="ltr">([^<]+)<', card).group(1)
    for code, label in CRIME_TYPES.items():
        assert code not in card and label.lower() not in card.lower()

    shortlist = officer_app.test_client().get(link.replace("http://localhost", ""))
    page = shortlist.get_data(as_text=True)
    assert shortlist.status_code == 200 and "Set-Cookie" not in shortlist.headers
    for service in services:
        assert shown[service.id].replace("'", "&#39;") in page
        if service.name not in shown[service.id]:
            assert service.name.replace("'", "&#39;") not in page
    for code, label in CRIME_TYPES.items():
        assert code not in page and label.lower() not in page.lower()


def test_the_card_speaks_the_victims_language(officer_app, officer):
    _, card = support_card(officer_app, officer, language="pl")
    assert 'lang="pl"' in card and "Wsparcie, z którego możesz skorzystać" in card
    assert "(Support you can contact)" in card


def test_a_service_ticked_under_two_steps_goes_on_the_card_once(officer_app, officer):
    page = pathway(officer)
    ids = re.findall(r'name="services" type="checkbox" value="([0-9a-f-]{36})"', page)
    twice = next(i for i in ids if ids.count(i) > 1)
    form = page_form(page, index=-2)
    form.setlist("services", [twice, twice])
    card = officer.post("/pathway/card", data=form).get_data(as_text=True)
    assert card.count('class="app-card__service"') == 1


def test_a_card_needs_at_least_one_service(officer):
    page = pathway(officer)
    form = page_form(page, index=-2)
    response = officer.post("/pathway/card", data=form)
    assert response.status_code == 400 and "Choose at least one service" in response.get_data(as_text=True)


def test_a_forged_or_expired_shortlist_link_is_refused(officer_app, officer, monkeypatch):
    client = officer_app.test_client()
    assert client.get("/s/not-a-real-link").status_code == 404
    services, card = support_card(officer_app, officer)
    link = re.search(r'class="app-card__url" dir="ltr">([^<]+)<', card).group(1).replace("http://localhost", "")
    assert client.get(link).status_code == 200
    assert client.get(link[:-3] + ("abc" if not link.endswith("abc") else "xyz")).status_code == 404
    thirty_one_days_on = time.time() + 31 * 86400
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: thirty_one_days_on)
    expired = client.get(link)
    assert expired.status_code == 410 and "This link has expired" in expired.get_data(as_text=True)


def test_behind_a_proxy_links_carry_the_public_address(tmp_path):
    """The QR link must work from the victim's phone, not point at the proxy's internal address."""
    app = _app(tmp_path, load_sample=False, BEHIND_PROXY=True)
    seen = {}

    @app.get("/_where")
    def where():
        seen["url"] = url_for("officer.shortlist", token="t", _external=True)
        return ""

    app.test_client().get("/_where", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "support.example.org",
                                              "X-Forwarded-For": "203.0.113.9"})
    assert seen["url"] == "https://support.example.org/s/t"


def sources_table(page: str) -> dict[str, list[str]]:
    """"Where these steps come from": rule title → owner, policy as at, review by (as the cells read)."""
    table = page.split("Where these steps come from", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)
    cells = [[re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
             for row in rows]
    return {row[0]: row[1:] for row in cells if row}


def test_the_pathway_says_who_owns_each_rule_and_marks_one_past_its_review_date(officer_app, officer):
    with Session(officer_app.extensions["database"]) as session:
        rule = session.exec(select(PathwayRule).where(PathwayRule.key == "fraud")).one()
        owner, as_at, review_by = rule.owner, rule.policy_as_at, rule.review_by
    page = pathway(officer, crime_types="fraud", personally_connected="no", immigration_concern="no")
    sources = sources_table(page)
    assert sources[rule.title] == [owner, f"{as_at.day} {as_at:%B %Y}", f"{review_by.day} {review_by:%B %Y}"]
    assert "past their review date" not in page

    with Session(officer_app.extensions["database"]) as session:
        session.get(PathwayRule, rule.id).review_by = uk_today() - timedelta(days=1)
        session.commit()
    try:
        page = pathway(officer, crime_types="fraud", personally_connected="no", immigration_concern="no")
        assert sources_table(page)[rule.title][2].endswith("Past its review date")
        assert "Some of these steps are past their review date" in page
    finally:
        with Session(officer_app.extensions["database"]) as session:
            session.get(PathwayRule, rule.id).review_by = review_by
            session.commit()
