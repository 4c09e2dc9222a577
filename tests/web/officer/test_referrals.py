"""Referral records: nothing identifying, deleted after the retention period, small counts hidden so that
no hidden number can be worked out, from one table or from all of them together, by a reader who knows how."""

from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import product

from sqlmodel import select

from directory.models import ReferralRecord, Role
from directory.pathway import referrals
from directory.pathway.referrals import RECORD_DIMENSIONS, ReferralCounts, publish
from tests.factories import make_service, make_user, page_form, sign_in
from tests.pages import Tables

TALLY_TITLES = ("By concern about immigration status", "By no recourse to public funds")


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
    # Records go in whole months: the first day of the month after the one the period began in is kept.
    old, kept = date(today.year - 3, 1, 15), (date(today.year - 2, today.month, 1) + timedelta(days=32)).replace(day=1)
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
    add_records(session, service, officer, [date(2026, 1, 31), date(2026, 3, 1)])
    assert referrals.purge_expired(session, date(2026, 8, 31), retention_months=6) == 1
    assert [r.referred_on for r in session.exec(select(ReferralRecord))] == [date(2026, 3, 1)]
    assert referrals.purge_expired(session, date(2026, 8, 31), retention_months=5) == 1


TITLES = {"service": "By service", "crime_type": "By type of crime or harm", "district": "By district",
          "month": "By month"}
HIDDEN = "hidden"


def tallies_of(**tables):
    return {dimension: Counter(tables.get(dimension, {})) for dimension in RECORD_DIMENSIONS}


def table(page, dimension):
    return [(count.label, count.shown) for count in page.tables[dimension]]


def test_small_counts_are_hidden_with_the_smallest_others_and_rows_are_listed_by_name():
    page = publish(tallies_of(service={"Beta": 4, "Alpha": 1, "Delta": 12, "Charlie": 8, "Echo": 7},
                              crime_type={"Fraud": 32}, district={"Adur": 30, "Hove": 2},
                              month={"2026-02": 20, "2026-01": 12}), RECORD_DIMENSIONS)
    assert not page.withheld and page.total == 32
    # 1 + 4 = 5 beside a smallest shown 7: each could be 1 to 4, so nothing more is hidden.
    assert table(page, "service") == [("Alpha", HIDDEN), ("Beta", HIDDEN), ("Charlie", "8"), ("Delta", "12"),
                                      ("Echo", "7")]
    assert table(page, "crime_type") == [("Fraud", "32")]
    assert table(page, "district") == [("Adur", HIDDEN), ("Hove", HIDDEN)]  # a lone 2 takes the 30 with it
    assert table(page, "month") == [("2026-01", "12"), ("2026-02", "20")]  # months in order, not by size


def test_no_referrals_show_a_total_of_nothing_and_withhold_nothing():
    assert publish(tallies_of(), RECORD_DIMENSIONS) == ReferralCounts(
        tables={dimension: () for dimension in RECORD_DIMENSIONS}, total=0)


def test_a_total_of_one_to_four_or_a_table_of_ones_alone_withholds_every_table():
    withheld = ReferralCounts(tables={dimension: () for dimension in RECORD_DIMENSIONS}, total=None, withheld=True)
    assert publish(tallies_of(service={"A": 3}, crime_type={"Fraud": 3}, district={"Adur": 3},
                              month={"2026-01": 3}), RECORD_DIMENSIONS) == withheld
    ones = {name: 1 for name in "ABCDE"}  # five services of 1: hidden, they could only be 1 each
    assert publish(tallies_of(service=ones, crime_type={"Fraud": 5}, district={"Adur": 5},
                              month={"2026-01": 5}), RECORD_DIMENSIONS) == withheld
    page = publish(tallies_of(service={**ones, "F": 2}, crime_type={"Fraud": 7}, district={"Adur": 7},
                              month={"2026-01": 7}), RECORD_DIMENSIONS)
    assert table(page, "service") == [(name, HIDDEN) for name in "ABCDEF"] and page.total == 7


SMALL_WORLD = {"service": ("Harbour", "Lighthouse", "Refuge"), "crime_type": ("Fraud", "Stalking"),
               "district": ("Adur", "Hove"), "month": ("2026-01", "2026-02")}


def shares(labels, n):
    """Every way of sharing n referrals among the labels."""
    for head in product(range(n + 1), repeat=len(labels) - 1):
        if sum(head) <= n:
            yield dict(zip(labels, (*head, n - sum(head))))


def page_key(page):
    return page.withheld, page.total, tuple((dimension, rows) for dimension, rows in page.tables.items())


def test_no_count_can_be_worked_out_from_any_set_of_up_to_nine_referrals_even_knowing_the_rules():
    """Every set of 1 to 9 referrals to 3 services, 2 crime types, 2 districts and 2 months, grouped by the page
    it gives. Any tables with the same total come from some set of referrals, so each group is everything a
    reader who knows the rules can tell from that page: in every group each hidden count takes two values."""
    groups = defaultdict(list)
    for n in range(1, 10):
        for split in product(*(shares(SMALL_WORLD[dimension], n) for dimension in RECORD_DIMENSIONS)):
            tallies = {dimension: Counter({label: count for label, count in share.items() if count})
                       for dimension, share in zip(RECORD_DIMENSIONS, split)}
            groups[page_key(publish(tallies, RECORD_DIMENSIONS))].append(tallies)
    hidden = withheld = 0
    for (was_withheld, total, tables), group in groups.items():
        withheld += was_withheld
        for dimension, rows in tables:
            for row in rows:
                if row.value is None:
                    hidden += 1
                    assert len({tallies[dimension][row.label] for tallies in group}) >= 2, (tables, row)
                else:
                    assert not 0 < row.value < 5
    assert hidden > 500 and 0 < withheld < len(groups) / 4, (hidden, withheld, len(groups))


def test_the_reviews_five_five_and_one_can_no_longer_be_worked_out_from_the_page(app, session):
    officer = make_user(session, Role.OFFICER, email="officer@example.org")
    fraud, slavery = make_service(session, "Action Fraud"), make_service(session, "Adult modern slavery")
    victim_support = make_service(session, "Victim Support Sussex")
    for service, n in ((fraud, 5), (slavery, 5), (victim_support, 1)):
        add_records(session, service, officer, [date(2026, 1, 12)] * n, district=None)
    client = app.test_client()
    sign_in(client, make_user(session, Role.EDITOR, email="editor@example.org"))
    tables = Tables(client.get("/referrals/counts").get_data(as_text=True))
    # A lone 1 needs a partner; the smallest others are two 5s, and one of two equal counts is never hidden.
    assert tables.rows["By service"] == [("Action Fraud", HIDDEN), ("Adult modern slavery", HIDDEN),
                                         ("Victim Support Sussex", HIDDEN)]
    assert (tables.rows["By type of crime or harm"], tables.rows["By district"], tables.rows["By month"]) == (
        [("Domestic abuse", "11")], [("Not known", "11")], [("2026-01", "11")])
    assert all(tables.footers[title] == [("Total", "11")] for title in TITLES.values())


def test_commissioners_see_no_table_when_fewer_than_five_referrals_were_recorded(app, session):
    officer = make_user(session, Role.OFFICER, email="officer@example.org")
    harbour, lighthouse = make_service(session, "Harbour advice line"), make_service(session, "Lighthouse")
    add_records(session, harbour, officer, [date.today()] * 3)
    add_records(session, lighthouse, officer, [date.today()])
    client = app.test_client()
    sign_in(client, make_user(session, Role.EDITOR, email="editor@example.org"))
    page = client.get("/referrals/counts").get_data(as_text=True)
    assert "The counts are not shown at the moment" in page
    assert Tables(page).rows == {} and Tables(page).footers == {}
    assert [text for text in ("Harbour advice line", "Lighthouse", "Domestic abuse", ">4<", ">Total<")
            if text in page] == []


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
    assert "Small numbers are hidden, as on the coverage page: a count from 1 to 4 is shown as \"hidden\"" in page
    tables = Tables(page)
    month = date.today().strftime("%Y-%m")
    assert tables.rows == {
        "By service": [("Harbour advice line", "8")],
        "By type of crime or harm": [("Domestic abuse", HIDDEN), ("Fraud", HIDDEN)],  # 6 and 2
        "By district": [("Brighton and Hove", HIDDEN), ("Eastbourne", HIDDEN)],
        "By month": [(month, "8")],
        # Recorded without the officer's answers: counted apart, as not asked (see test_unmet_and_tallies.py).
        "By concern about immigration status": [("Not asked", "8")],
        "By no recourse to public funds": [("Not asked", "8")]}
    assert tables.footers == {title: [("Total", "8")] for title in [*TITLES.values(), *TALLY_TITLES]}


def test_every_table_of_counts_cell_by_cell_months_in_order_across_years(session):
    officer = make_user(session, Role.OFFICER, email="officer@example.org")
    harbour, lighthouse = make_service(session, "Harbour advice line"), make_service(session, "Lighthouse")
    add_records(session, harbour, officer, [date(2025, 12, 3)] * 6, crime_type="fraud", district="E07000223")
    add_records(session, lighthouse, officer, [date(2026, 1, 9)] * 7, crime_type="hate_crime", district=None)
    add_records(session, lighthouse, officer, [date(2025, 11, 30)] * 5, crime_type="codes_nobody_named",
                district="E99999999")
    add_records(session, lighthouse, officer, [date(2026, 1, 10)] * 2, crime_type="fraud", district="E07000223")
    labels = {"crime_type": {"fraud": "Fraud", "hate_crime": "Hate crime"},
              "district": {"E07000223": "Adur"}}

    counts = referrals.referral_counts(session, labels)

    assert not counts.withheld and counts.total == 20
    assert table(counts, "service") == [("Harbour advice line", "6"), ("Lighthouse", "14")]
    assert table(counts, "crime_type") == [("Fraud", "8"), ("Hate crime", "7"), ("codes_nobody_named", "5")]
    assert table(counts, "district") == [("Adur", "8"), ("Not known", "12")]
    assert table(counts, "month") == [("2025-11", "5"), ("2025-12", "6"), ("2026-01", "9")]
    assert table(counts, "nrpf") == [("Not asked", "20")]
