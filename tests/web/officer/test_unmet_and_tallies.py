"""What the officer pages count, and say they count: pathways that found no local service, by harm, need,
district and conditions; referrals by immigration concern and NRPF in tallies, never on the record."""

import re
from datetime import date

from sqlmodel import select

from directory.evidence.tallies import ReferralTally, UnmetNeedTally
from directory.models import ReferralRecord, Role
from directory.pathway import referrals
from directory.pathway.rulebook import current_rules
from directory.pathway.rules import Answers, PolicySettings, evaluate
from tests.factories import make_service, make_user, page_form, sign_in
from tests.web.officer.test_pathway_pages import ANSWERS


def table_of(counts, dimension):
    return [(row.label, row.shown) for row in counts.tables[dimension]]


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


def _record(session, officer, service, times, concern="not_asked", nrpf="not_asked", day=date(2026, 10, 2)):
    for _ in range(times):
        referrals.record_referral(session, service_id=service.id, referred_on=day, crime_type="fraud", risk="high",
                                  consent=True, officer=officer, district_code=None, immigration_concern=concern,
                                  nrpf=nrpf)
    session.commit()


def test_referral_tallies_share_the_counts_total_and_hide_small_numbers_by_the_same_scheme(session):
    officer, service = make_user(session, Role.OFFICER), make_service(session, "Harbour advice line")
    for concern, nrpf, times in (("yes", "yes", 7), ("no", "no", 6), ("yes", "no", 2)):
        _record(session, officer, service, times, concern, nrpf)
    counts = referrals.referral_counts(session, {"crime_type": {}, "district": {}})
    shown = {dimension: [(row.label, row.shown) for row in counts.tables[dimension]]
             for dimension in ("immigration_concern", "nrpf")}
    # Concern: no 6, yes 9; public funds: no 8, yes 7. Nothing small, so all shown, with the one total.
    assert shown == {"immigration_concern": [("No", "6"), ("Yes", "9")], "nrpf": [("No", "8"), ("Yes", "7")]}
    assert counts.total == 15 and table_of(counts, "service") == [("Harbour advice line", "15")]
    assert referrals.purge_expired(session, date(2029, 1, 1), 24) == 15
    session.commit()
    assert session.exec(select(ReferralTally)).all() == []


def test_a_small_tally_is_hidden_with_the_smallest_other_and_never_beside_the_exact_rest(session):
    officer, service = make_user(session, Role.OFFICER), make_service(session, "Harbour advice line")
    _record(session, officer, service, 9, "yes", "yes")
    _record(session, officer, service, 2, "no", "yes")
    counts = referrals.referral_counts(session, {"crime_type": {}, "district": {}})
    assert not counts.withheld and counts.total == 11
    assert table_of(counts, "immigration_concern") == [("No", "hidden"), ("Yes", "hidden")]
    assert table_of(counts, "nrpf") == [("Yes", "11")]


def test_referral_tallies_are_withheld_with_the_counts(session):
    officer = make_user(session, Role.OFFICER)
    _record(session, officer, make_service(session, "Harbour"), 2, nrpf="yes")
    _record(session, officer, make_service(session, "Lighthouse"), 1, nrpf="no")
    counts = referrals.referral_counts(session, {"crime_type": {}, "district": {}})
    assert counts.withheld and counts.total is None  # three referrals in all
    assert all(rows == () for rows in counts.tables.values()) and "nrpf" in counts.tables


def test_tallies_that_do_not_add_up_to_the_records_are_left_out_not_shown_beside_them(app, session):
    officer, service = make_user(session, Role.OFFICER), make_service(session, "Harbour advice line")
    _record(session, officer, service, 6, "yes", "yes")
    session.add(ReferralTally(month="2026-09", district="", immigration_concern="no", nrpf="no", count=5))
    session.commit()
    counts = referrals.referral_counts(session, {"crime_type": {}, "district": {}})
    assert counts.total == 6 and set(counts.tables) == set(referrals.RECORD_DIMENSIONS)
    client = app.test_client()
    sign_in(client, make_user(session, Role.EDITOR, email="editor@example.org"))
    page = client.get("/referrals/counts").get_data(as_text=True)
    assert "These totals are not shown: they do not add up to the total above" in page
    assert "By no recourse to public funds" not in page


def test_records_and_tallies_are_deleted_in_the_same_whole_months(session):
    officer, service = make_user(session, Role.OFFICER), make_service(session, "Harbour advice line")
    for day in (date(2026, 2, 1), date(2026, 2, 27), date(2026, 3, 1)):
        _record(session, officer, service, 1, day=day)
    # Six months before 31 August is 28 February: the rest of February goes too, records and tallies alike.
    assert referrals.purge_expired(session, date(2026, 8, 31), 6) == 2
    session.commit()
    assert [t.month for t in session.exec(select(ReferralTally))] == ["2026-03"]
    counts = referrals.referral_counts(session, {"crime_type": {}, "district": {}})
    assert counts.withheld  # one referral: but the tallies and the records agree on it
    assert sum(t.count for t in session.exec(select(ReferralTally))) == len(session.exec(select(ReferralRecord)).all())


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


def test_a_retention_period_starting_on_the_first_of_a_month_keeps_that_month(session):
    officer, service = make_user(session, Role.OFFICER), make_service(session, "Harbour advice line")
    for day in (date(2026, 1, 31), date(2026, 2, 1)):
        _record(session, officer, service, 1, day=day)
    assert referrals.purge_expired(session, date(2026, 8, 1), 6) == 1  # six months before is 1 February
    session.commit()
    assert [(t.month, t.district) for t in session.exec(select(ReferralTally))] == [("2026-02", "")]  # not known
