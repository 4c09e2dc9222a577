"""Referral records: nothing identifying, deleted after the retention period, small counts withheld."""

from collections import Counter
from datetime import date

from sqlmodel import select

from directory.models import ReferralRecord, Role
from directory.pathway import referrals
from directory.pathway.referrals import suppress
from tests.factories import make_service, make_user, page_form, sign_in


def add_records(session, service, officer, dates, crime_type="domestic_abuse", district="E06000043"):
    for day in dates:
        referrals.record_referral(session, service_id=service.id, referred_on=day, crime_type=crime_type,
                                  risk="high", consent=True, officer=officer, district_code=district)
    session.commit()


def test_an_officer_records_a_referral_with_no_victim_details(app, session, reindex):
    service = make_service(session, "Harbour advice line")
    reindex()
    officer = make_user(session, Role.OFFICER)
    client = app.test_client()
    sign_in(client, officer)
    page = client.get(f"/referrals/new?service_id={service.id}&crime_type=domestic_abuse&risk=high"
                      "&district_code=E07000063").get_data(as_text=True)
    form = page_form(page)
    assert form["service_id"] == str(service.id) and form["crime_type"] == "domestic_abuse"
    assert form["district_code"] == "E07000063"
    assert "crime_reference" not in form and "no crime reference" in page
    form["consent"] = "yes"
    done = client.post("/referrals/new", data=form, follow_redirects=True).get_data(as_text=True)
    assert "no crime reference and nothing about the victim was stored" in done
    record = session.exec(select(ReferralRecord)).one()
    assert (record.service_id, record.crime_type, record.risk, record.consent, record.officer_id,
            record.district_code, record.referred_on) == (
        service.id, "domestic_abuse", "high", True, officer.id, "E07000063", date.today())
    assert {column.name for column in ReferralRecord.__table__.columns} == {
        "id", "service_id", "referred_on", "crime_type", "risk", "consent", "officer_id", "district_code",
        "created_at"}


def test_a_future_date_is_refused(app, session, reindex):
    service = make_service(session, "Harbour advice line")
    reindex()
    client = app.test_client()
    sign_in(client, make_user(session, Role.OFFICER))
    form = page_form(client.get(f"/referrals/new?service_id={service.id}").get_data(as_text=True))
    form["crime_type"], form["risk"], form["consent"] = "fraud", "standard", "no"
    form.setlist("referred_on", ["1", "1", "2099"])
    page = client.post("/referrals/new", data=form).get_data(as_text=True)
    assert "must be today or in the past" in page
    assert session.exec(select(ReferralRecord)).all() == []


def test_records_past_the_retention_period_are_deleted_by_the_daily_command(app, session, runner):
    service = make_service(session, "Harbour advice line")
    officer = make_user(session, Role.OFFICER)
    today = date.today()
    old, kept = date(today.year - 3, 1, 15), date(today.year - 1, today.month, 1)
    add_records(session, service, officer, [old, old, kept, today])
    for _ in range(2):  # safe to run again
        result = runner.invoke(args=["referrals", "purge"])
        assert result.exit_code == 0, result.output
    session.expire_all()
    assert sorted(r.referred_on for r in session.exec(select(ReferralRecord))) == [kept, today]
    assert "Deleted 0" in result.output


def test_the_retention_period_is_configurable(app, session):
    service = make_service(session, "Harbour advice line")
    officer = make_user(session, Role.OFFICER)
    add_records(session, service, officer, [date(2026, 1, 31), date(2026, 2, 28)])
    assert referrals.purge_expired(session, date(2026, 8, 31), retention_months=6) == 1
    assert [r.referred_on for r in session.exec(select(ReferralRecord))] == [date(2026, 2, 28)]


def test_counts_under_five_are_withheld_and_a_lone_one_takes_another_with_it():
    counts = {c.label: c for c in suppress(Counter({"A": 12, "B": 7, "C": 3}))}
    assert (counts["A"].shown, counts["B"].shown, counts["C"].shown) == ("12", "withheld", "fewer than 5")
    counts = {c.label: c for c in suppress(Counter({"A": 12, "B": 2, "C": 1}))}
    assert (counts["A"].shown, counts["B"].count, counts["C"].count) == ("withheld", None, None)
    assert [c.shown for c in suppress(Counter({"A": 5, "B": 6}))] == ["6", "5"]
    # Two small counts adding up to under five: the total (from any other table) would give them away.
    counts = {c.label: c for c in suppress(Counter({"A": 20, "B": 1, "C": 1, "D": 9}))}
    assert (counts["A"].shown, counts["B"].count, counts["C"].count, counts["D"].shown) == ("20", None, None, "withheld")


def test_commissioners_see_counts_by_service_crime_district_and_month(app, session):
    service = make_service(session, "Harbour advice line")
    officer = make_user(session, Role.OFFICER, email="officer@example.org")
    add_records(session, service, officer, [date.today()] * 6)
    add_records(session, service, officer, [date.today()] * 2, crime_type="fraud", district="E07000061")
    editor = make_user(session, Role.EDITOR, email="editor@example.org")
    officer_client, client = app.test_client(), app.test_client()
    sign_in(officer_client, officer)
    assert officer_client.get("/referrals/counts").status_code == 403
    sign_in(client, editor)
    page = client.get("/referrals/counts").get_data(as_text=True)
    assert "Harbour advice line" in page and ">8<" in page  # by service and by month
    # By crime type and district: 2 is under five, and 6 is withheld with it (else 8 − 6 would tell).
    assert "Domestic abuse" in page and "Fraud" in page and ">6<" not in page and ">2<" not in page
    assert page.count(">fewer than 5<") == 2 and page.count(">withheld<") == 2
    assert "Brighton and Hove" in page and "Eastbourne" in page
    assert date.today().strftime("%Y-%m") in page


def test_every_table_of_counts_cell_by_cell_months_in_order_across_years(session):
    officer = make_user(session, Role.OFFICER, email="officer@example.org")
    harbour, lighthouse = make_service(session, "Harbour advice line"), make_service(session, "Lighthouse")
    add_records(session, harbour, officer, [date(2025, 12, 3)] * 6, crime_type="fraud", district="E07000223")
    add_records(session, lighthouse, officer, [date(2026, 1, 9)] * 7, crime_type="hate_crime", district=None)
    add_records(session, lighthouse, officer, [date(2025, 11, 30)] * 5, crime_type="codes_nobody_named",
                district="E99999999")
    labels = {"crime_type": {"fraud": "Fraud", "hate_crime": "Hate crime"},
              "district": {"E07000223": "Adur"}}

    counts = referrals.referral_counts(session, labels)

    def table(dimension):
        return [(count.label, count.count, count.shown) for count in counts[dimension]]

    assert table("service") == [("Lighthouse", 12, "12"), ("Harbour advice line", 6, "6")]
    assert table("crime_type") == [("Hate crime", 7, "7"), ("Fraud", 6, "6"), ("codes_nobody_named", 5, "5")]
    assert table("district") == [("Not known", 12, "12"), ("Adur", 6, "6")]
    assert table("month") == [("2025-11", 5, "5"), ("2025-12", 6, "6"), ("2026-01", 7, "7")]
