"""What the officer pages count, and say they count: pathways that found no local service, by harm, need,
district and conditions; referrals by immigration concern and NRPF in tallies, never on the record."""

import re
from datetime import date

from sqlmodel import select

from directory.evidence.referral_tallies import referral_tally_counts
from directory.evidence.tallies import ReferralTally, UnmetNeedTally
from directory.models import ReferralRecord, Role
from directory.pathway import referrals
from directory.pathway.rulebook import current_rules
from directory.pathway.rules import Answers, PolicySettings, evaluate
from tests.factories import make_service, make_user, page_form, sign_in
from tests.web.officer.test_pathway_pages import ANSWERS

RECORD_COLUMNS = {"id", "service_id", "referred_on", "crime_type", "risk", "consent", "officer_id", "district_code",
                  "created_at"}


def test_the_pathway_page_says_exactly_what_is_counted(app, session):
    client = app.test_client()
    sign_in(client, make_user(session, Role.OFFICER))
    page = client.get("/pathway").get_data(as_text=True)
    assert "Nothing you enter here is stored" not in page
    assert ("Your answers are not stored. The only thing kept is a monthly count of pathways that found no local "
            "service: one is added for each need with none, by the type of crime or harm, the need, the district "
            "(not the place you enter) and the conditions the services had to meet. Nothing else is counted, and "
            "there is no record of you or of the victim.") in page


def test_a_pathway_that_finds_no_local_service_is_counted_by_harm_need_district_and_conditions(app, session, reindex):
    make_service(session, "National line", national_helpline=True, needs={"domestic-abuse": "Domestic abuse"})
    reindex()
    client = app.test_client()
    sign_in(client, make_user(session, Role.OFFICER))
    form = page_form(client.get("/pathway").get_data(as_text=True))
    for key, value in {**ANSWERS, "where": "RH10 1AA"}.items():
        form[key] = value
    assert client.post("/pathway", data=form).status_code == 200
    answers = Answers(crime_types=("domestic_abuse",), risk="high", gender="woman", personally_connected=True,
                      immigration_concern=True)
    pathway = evaluate(current_rules(session), answers, PolicySettings.from_config(app.config))
    expected = {need for step in pathway.steps if step.refers for need in (step.refers.needs or ("any",))}
    counted = session.exec(select(UnmetNeedTally)).all()
    assert expected and {t.need for t in counted} == expected
    assert {(t.month, t.source, t.district, t.harm, t.count) for t in counted} == {
        (date.today().strftime("%Y-%m"), "pathway", "E07000226", "domestic_abuse", 1)}
    assert all("open_to_all" in t.conditions.split("+") for t in counted)  # an immigration concern: open to all
    assert "rh10" not in repr([t.model_dump() for t in counted]).casefold()


def test_referral_answers_on_immigration_and_public_funds_go_to_tallies_never_the_record(app, session, reindex):
    service = make_service(session, "Harbour advice line")
    reindex()
    client = app.test_client()
    sign_in(client, make_user(session, Role.OFFICER))
    for concern, nrpf in (("yes", "yes"), ("yes", "no"), ("not_asked", "not_asked")):
        form = page_form(client.get(f"/referrals/new?service_id={service.id}").get_data(as_text=True))
        assert (form["immigration_concern"], form["nrpf"]) == ("not_asked", "not_asked")
        for key, value in {"crime_type": "domestic_abuse", "risk": "high", "consent": "yes",
                           "district_code": "E07000226", "immigration_concern": concern, "nrpf": nrpf}.items():
            form[key] = value
        assert client.post("/referrals/new", data=form).status_code == 302
    assert {column.name for column in ReferralRecord.__table__.columns} == RECORD_COLUMNS
    assert len(session.exec(select(ReferralRecord)).all()) == 3
    month = date.today().strftime("%Y-%m")
    assert sorted((t.month, t.district, t.immigration_concern, t.nrpf, t.count)
                  for t in session.exec(select(ReferralTally))) == [
        (month, "E07000226", "not_asked", "not_asked", 1), (month, "E07000226", "yes", "no", 1),
        (month, "E07000226", "yes", "yes", 1)]


def test_referral_tallies_are_rounded_and_withheld_by_the_referral_counts_rules(session):
    officer, service = make_user(session, Role.OFFICER), make_service(session, "Harbour advice line")
    for concern, nrpf, times in (("yes", "yes", 7), ("no", "no", 6), ("yes", "no", 2)):
        for _ in range(times):
            referrals.record_referral(session, service_id=service.id, referred_on=date(2026, 10, 2),
                                      crime_type="fraud", risk="high", consent=True, officer=officer,
                                      district_code=None, immigration_concern=concern, nrpf=nrpf)
    session.commit()
    counts = referrals.referral_counts(session, {"crime_type": {}, "district": {}})
    tallies = referral_tally_counts(session, counts)
    shown = {dimension: [(row.label, row.shown) for row in rows] for dimension, rows in tallies.tables.items()}
    assert shown == {"immigration_concern": [("Yes", "10"), ("No", "5")], "nrpf": [("No", "10"), ("Yes", "5")]}
    assert tallies.total.shown == "15" and counts.total.shown == "15"
    assert referrals.purge_expired(session, date(2029, 1, 1), 24) == 15
    session.commit()
    assert session.exec(select(ReferralTally)).all() == []


def test_referral_tallies_are_withheld_when_the_counts_are(session):
    officer = make_user(session, Role.OFFICER)
    # Services of 5, 1 and 1 show as 5, fewer than 5, fewer than 5, and a total of 5: only 7 fits.
    for name, nrpf, times in (("Harbour", "yes", 5), ("Lighthouse", "no", 1), ("Refuge", "no", 1)):
        service = make_service(session, name)
        for _ in range(times):
            referrals.record_referral(session, service_id=service.id, referred_on=date(2026, 10, 2),
                                      crime_type="fraud", risk="high", consent=True, officer=officer,
                                      district_code=None, nrpf=nrpf)
    session.commit()
    counts = referrals.referral_counts(session, {"crime_type": {}, "district": {}})
    assert counts.withheld and referral_tally_counts(session, counts).withheld


def test_editors_see_unmet_need_by_need_and_district_with_small_numbers_hidden(app, session):
    for district, count in (("E07000226", 9), ("E07000223", 3), ("E07000228", 2)):
        session.add(UnmetNeedTally(month="2026-10", source="search", need="unrecognised", district=district,
                                   conditions="", harm="", count=count))
    session.commit()
    officer, editor = app.test_client(), app.test_client()
    sign_in(officer, make_user(session, Role.OFFICER, email="officer@example.org"))
    assert officer.get("/staff/unmet-need").status_code == 403
    sign_in(editor, make_user(session, Role.EDITOR, email="editor@example.org"))
    page = editor.get("/staff/unmet-need?from=2026-10&to=2026-10").get_data(as_text=True)
    assert "Searches and pathways that found nothing, by need (rows) and district (columns), 2026-10 to 2026-10" in page
    assert "Small numbers are hidden" in page and ">Crawley<" in page and ">Words not recognised as a need<" in page
    row = re.search(r">Words not recognised as a need</th>(.*?)</tr>", page, re.S).group(1)
    # Adur and Worthing are small: hidden, each beside another hidden number in its column (suppression.py)
    assert re.findall(r">([^<>]+)</td>", row) == ["hidden", "9", "hidden", "14"]  # Adur, Crawley, Worthing, total
    footer = re.search(r"<tfoot>(.*?)</tfoot>", page, re.S).group(1)
    assert re.findall(r">([^<>]+)</td>", footer) == ["hidden", "9", "hidden", "14"]
    assert "No unmet need was counted" in editor.get("/staff/unmet-need?from=2025-01&to=2025-02").get_data(
        as_text=True)
