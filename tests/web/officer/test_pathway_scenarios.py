"""Real victims' situations through the whole pathway page, on the bundled Sussex sample directory.

Each scenario is what an officer would type; the page is read as the officer reads it: the steps,
the services under each step, the national helplines, and what was left out and why.
"""

from html.parser import HTMLParser

import pytest
from sqlmodel import Session, select

from directory.models import Service
from tests.factories import page_form

DEFAULTS = {"crime_types": "domestic_abuse", "role": "victim", "personally_connected": "no", "risk": "standard",
            "age_group": "18_to_64", "gender": "not_said", "immigration_concern": "no", "nrpf": "no",
            "interpreter": "no", "children_in_household": "no", "where": ""}
MENS_SERVICES = {"Men's Advice Line", "ManKind helpline for male victims of domestic abuse"}


class PathwayPage(HTMLParser):
    """The steps, each with the services listed under it; the helplines; the services left out."""

    def __init__(self, html: str):
        super().__init__()
        self.steps: dict[str, list[str]] = {}
        self.helplines: list[str] = []
        self.left_out: list[str] = []
        self.not_confirmed: dict[str, list[str]] = {}
        self._step = self._in = None
        self._capture = None
        self._depth = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "li" and "app-step" in classes:
            self._step, self._in = "", "step"
        elif tag == "h2":
            self._step = None if self._in == "step" else self._step
            self._in = "heading"
        elif tag == "li" and "app-pathway-service" in classes:
            self._capture = "service"
        elif tag == "a" and self._capture == "service":
            self._capture = "service-name"
        elif tag == "p" and self._in == "step" and self._step == "" and "govuk-!-font-weight-bold" in classes:
            self._capture = "step"
        elif tag == "details" and "app-left-out" in classes:
            self._capture = "left-out"
        elif tag == "p" and "app-not-confirmed" in classes:
            self._capture = "not-confirmed"

    def handle_endtag(self, tag):
        if tag == "details" and self._capture == "left-out":
            self._capture = None

    def handle_data(self, data):
        text = data.strip()
        if not text:
            return
        if self._capture == "step":
            self._step = text
            self.steps[text] = []
            self._capture = None
        elif self._capture == "service-name":
            target = self.steps[self._step] if self._in == "step" and self._step else self.helplines
            target.append(text)
            self._service = text
            self._capture = None
        elif self._capture == "left-out" and ":" in text and "(" in text:
            self.left_out.append(text.split(" (")[0])
        elif self._capture == "not-confirmed" and text != "Not confirmed: check before referring":
            self.not_confirmed.setdefault(self._service, []).append(text)
            self._capture = None
        elif text == "National helplines":
            self._in = "helplines"

    def step(self, starting: str) -> list[str]:
        return next(services for text, services in self.steps.items() if text.startswith(starting))

    @property
    def everything(self) -> set[str]:
        return {name for services in self.steps.values() for name in services} | set(self.helplines)


def pathway_html(client, **answers) -> str:
    """The pathway page for these answers (the defaults for the rest), answered as an officer would."""
    form = page_form(client.get("/pathway").get_data(as_text=True))
    for key, value in {**DEFAULTS, **answers}.items():
        if isinstance(value, list):
            form.setlist(key, value)
        else:
            form[key] = value
    response = client.post("/pathway", data=form)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" not in html
    return html


def pathway(client, **answers) -> PathwayPage:
    return PathwayPage(pathway_html(client, **answers))


MIGRANT_MOTHER = {"crime_types": "domestic_abuse", "risk": "high", "gender": "woman", "personally_connected": "yes",
                  "immigration_concern": "yes", "nrpf": "yes", "children_in_household": "yes", "where": "Crawley"}


def test_a_high_risk_migrant_mother_with_no_recourse_is_offered_helpline_idva_and_a_refuge(officer):
    page = pathway(officer, **MIGRANT_MOTHER)
    assert "National Domestic Abuse Helpline" in page.helplines
    idvas = page.step("Refer the victim to an Independent Domestic Violence Adviser")
    assert any("IDVA" in name for name in idvas)
    assert "Sussex Victim Hub" in page.step("Refer the victim to the Victim Hub")
    refuges = page.step("If the victim cannot stay safely at home")
    # Spaces for women with no recourse: restrictions on status do not remove it.
    assert refuges[0] == "Hersana safe house for Black and minoritised women"
    assert not page.everything & MENS_SERVICES
    assert "Restore safe house" not in page.everything
    # A refuge that may take her ("sometimes", not known) is shown to check; none is hidden unless it said no.
    assert "RISE refuge" in refuges and "RISE refuge" in page.not_confirmed


@pytest.mark.parametrize("preference", [{"language": "ar", "interpreter": "yes"}, {"women_only": "y"}])
def test_the_mother_keeps_the_victim_hub_and_the_refuge_whatever_her_language_or_preference(officer, preference):
    page = pathway(officer, **MIGRANT_MOTHER, **preference)
    assert page.step("Refer the victim to the Victim Hub") == ["Sussex Victim Hub"]
    assert "Hersana safe house for Black and minoritised women" in page.step("If the victim cannot stay safely")


def test_a_child_raped_in_the_last_week_is_offered_the_childrens_sexual_assault_service(officer):
    page = pathway(officer, crime_types="sexual_violence_recent", age_group="16_to_17", gender="woman")
    assert "Children and young people's sexual assault service" in page.step(
        "Offer the victim an examination at the Sexual Assault Referral Centre")


def test_not_known_never_hides_a_service_it_marks_it_to_check(officer):
    page = pathway(officer, **MIGRANT_MOTHER)
    refuges = page.step("If the victim cannot stay safely at home")
    assert "Clarion Housing refuge, West Sussex" in refuges
    notes = page.not_confirmed["Clarion Housing refuge, West Sussex"]
    assert any("no recourse to public funds: not known" in note for note in notes)
    assert refuges.index("Clarion Housing refuge, West Sussex") > refuges.index(
        "Hersana safe house for Black and minoritised women")


def test_stalking_by_an_ex_partner_with_a_doubt_about_status_gets_the_do_not_share_steps(officer):
    page = pathway(officer, crime_types="stalking_harassment", personally_connected="yes",
                   immigration_concern="yes")
    steps = list(page.steps)
    assert any(s.startswith("Do not share the victim's information with Immigration Enforcement") for s in steps)
    assert any(s.startswith("Do not check the victim's immigration status") for s in steps)
    assert any("stalking advocate" in s for s in steps)


def test_a_trafficked_child_is_offered_no_adult_only_service_and_a_guardian(officer_app, officer):
    page = pathway(officer, crime_types="modern_slavery", age_group="under_16", immigration_concern="yes")
    assert "Independent Child Trafficking Guardians (ICTG) Sussex" in page.step(
        "Refer the child to the Independent Child Trafficking Guardian service")
    with Session(officer_app.extensions["database"]) as session:
        adult_only = {s.name for s in session.exec(select(Service).where(Service.minimum_age >= 18))}
    assert adult_only, "the sample has adult-only services"
    assert not page.everything & adult_only
    assert "Restore safe house" not in page.everything


def test_a_forced_marriage_victim_with_no_recourse_still_gets_the_national_lines(officer):
    page = pathway(officer, crime_types="harmful_practices", gender="woman", nrpf="yes", immigration_concern="yes")
    assert {"Honour-based abuse helpline", "Forced Marriage Unit"} <= set(page.helplines)


def test_domestic_servitude_by_a_spouse_gets_both_pathways(officer):
    page = pathway(officer, crime_types=["domestic_abuse", "modern_slavery"], personally_connected="yes")
    steps = " ".join(page.steps)
    assert "National Referral Mechanism" in steps and "DASH risk assessment" in steps


@pytest.mark.parametrize(("gender", "shown", "hidden"), [
    ("woman", set(), MENS_SERVICES),
    ("man", MENS_SERVICES, {"National Domestic Abuse Helpline"}),
    ("not_said", MENS_SERVICES | {"National Domestic Abuse Helpline"}, set()),
])
def test_gender_is_used_and_not_said_keeps_both(officer, gender, shown, hidden):
    page = pathway(officer, gender=gender)
    assert shown <= set(page.helplines)
    assert not hidden & set(page.helplines)
    assert hidden <= set(page.left_out)


def test_the_officer_can_ask_for_services_for_other_genders(officer):
    page = pathway(officer, gender="woman", all_genders="y")
    assert MENS_SERVICES <= set(page.helplines)


class SharesLines(HTMLParser):
    """Each step's "What is shared" line, and whether anything around it is hidden when printed."""

    VOID = {"input", "br", "img", "meta", "link", "hr"}

    def __init__(self, html: str):
        super().__init__()
        self.shares: dict[str, str] = {}
        self.hidden_in_print: set[str] = set()
        self._open: list[set[str]] = []
        self._step = self._capture = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if tag not in self.VOID:
            self._open.append(classes)
        if tag == "li" and "app-step" in classes:
            self._step, self._capture = None, "step"
        elif tag == "p" and "app-shares" in classes:
            self._capture = "shares"
            if any("app-no-print" in opened for opened in self._open):
                self.hidden_in_print.add(self._step)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self._open:
            self._open.pop()

    def handle_data(self, data):
        text = data.strip()
        if not text or not self._capture:
            return
        if self._capture == "step":
            self._step, self._capture = text, None
        elif self._capture == "shares" and text != "What is shared:":
            self.shares[self._step] = text
            self._capture = None

    def for_step(self, starting: str) -> str:
        return next(words for step, words in self.shares.items() if step.startswith(starting))


def test_a_mother_with_children_at_home_sees_the_encompass_step_and_what_it_tells_the_school(officer):
    page = SharesLines(pathway_html(officer, children_in_household="yes"))
    encompass = page.for_step("Make sure an Operation Encompass notification")
    assert "designated safeguarding lead" in encompass and "consent is not needed" in encompass
    assert "Victim Hub" in page.for_step("Refer the victim to the Victim Hub")
    assert not page.hidden_in_print, "a shares line must stay on the printed pathway"


def test_the_force_settings_choose_the_risk_tool_and_the_protection_notice_with_its_date(officer_app, officer,
                                                                                        monkeypatch):
    default = PathwayPage(pathway_html(officer))
    assert any(step.startswith("Complete a DASH risk assessment") for step in default.steps)
    assert any("Domestic Violence Protection Notice (DVPN)" in step for step in default.steps)

    for name, value in {"RISK_TOOL": "DARA", "PROTECTIVE_ORDERS": "DAPN", "DAPN_IN_FORCE_FROM": "2024-11-27"}.items():
        monkeypatch.setitem(officer_app.config, name, value)
    html = pathway_html(officer)
    steps = list(PathwayPage(html).steps)
    assert any(step.startswith("Complete the Domestic Abuse Risk Assessment (DARA)") for step in steps)
    assert not any("DASH" in step for step in steps)
    assert any("in force in this force area from 27 November 2024" in step for step in steps)
    assert "the victim cannot stop it" in SharesLines(html).for_step("Consider a Domestic Abuse Protection Notice")


def test_a_victim_who_may_have_been_spiked_is_told_to_give_samples_now(officer):
    page = SharesLines(pathway_html(officer, crime_types="sexual_violence_recent", spiking_suspected="yes"))
    assert "forensic laboratory" in page.for_step("If the victim may have been spiked")
