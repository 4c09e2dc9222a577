"""Referral records: nothing identifying, deleted after the retention period, counts rounded so that
no small number can be worked out, from one table or from all of them together."""

import random
from collections import Counter, defaultdict
from datetime import date
from itertools import product

from sqlmodel import select

from directory.models import ReferralRecord, Role
from directory.pathway import referrals
from directory.pathway.referrals import DIMENSIONS, Count, possible_totals, publish, rounded
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


TITLES = {"service": "By service", "crime_type": "By type of crime or harm", "district": "By district",
          "month": "By month"}
FEWER_THAN_FIVE = "fewer than 5"


def tallies_of(**tables):
    return {dimension: Counter(tables.get(dimension, {})) for dimension in DIMENSIONS}


def table(page, dimension):
    return [(count.label, count.shown) for count in page.tables[dimension]]


def rounding_alone(tallies):
    """What plain rounding would show, rows in a fixed order: (dimension, ((label, rounded), ...)) and the total."""
    return (tuple((dimension, tuple(sorted((str(label), rounded(n)) for label, n in tallies[dimension].items())))
                  for dimension in DIMENSIONS), rounded(sum(tallies[DIMENSIONS[0]].values())))


def sums(choices):
    reachable = {0}
    for values in choices:
        reachable = {total + value for total in reachable for value in values}
    return reachable


def what_a_reader_can_tell(tables, total):
    """By brute force, as a reader who knows how the page is made: every count each shown figure could
    stand for, then every combination of them in which each table adds up to one total that rounds to
    the shown total. Tables with the same total always come from some list of referrals (line their
    labels up side by side), so this is every set of referrals consistent with the page.

    `tables` is ((dimension, ((label, rounded or None), ...)), ...). Returns the possible totals, and
    the possible counts of each (dimension, label).
    """
    ceiling = (total or 0) + 10
    candidates = {(dimension, label): [n for n in range(1, ceiling) if rounded(n) == figure]
                  for dimension, rows in tables for label, figure in rows}
    totals = {n for n in range(ceiling) if rounded(n) == total}
    for dimension, rows in tables:
        totals &= sums(candidates[dimension, label] for label, _ in rows)
    possible = {}
    for dimension, rows in tables:
        for label, _ in rows:
            others = sums(candidates[dimension, other] for other, _ in rows if other != label)
            possible[dimension, label] = {n for n in candidates[dimension, label] if any(t - n in others for t in totals)}
    return totals, possible


def assert_nothing_can_be_worked_out(tables, total):
    totals, possible = what_a_reader_can_tell(tables, total)
    assert len(totals) >= 2, (tables, totals)
    for (dimension, label), counts in possible.items():
        assert len(counts) >= 2, (dimension, label, counts)
    small = [possible[dimension, label] for dimension, rows in tables for label, figure in rows if figure is None]
    assert all(counts <= {1, 2, 3, 4} for counts in small)


def test_counts_are_rounded_to_the_nearest_five_and_one_to_four_are_fewer_than_five():
    assert [rounded(n) for n in range(18)] == [0, None, None, None, None, 5, 5, 5, 10, 10, 10, 10, 10, 15, 15, 15,
                                               15, 15]
    assert [Count("A", rounded(n)).shown for n in (0, 1, 4, 5, 8, 13, 102)] == [
        "0", FEWER_THAN_FIVE, FEWER_THAN_FIVE, "5", "10", "15", "100"]
    # What a reader can tell from a shown figure is exactly the counts that are shown that way.
    for n in range(200):
        figure = Count("A", rounded(n))
        assert list(referrals.could_be(figure)) == [m for m in range(210) if rounded(m) == figure.rounded], n


def test_the_possible_totals_are_where_every_table_and_the_total_agree():
    total = Count("Total", 10)  # 8 to 12
    five, small = Count("A", 5), Count("B", None)  # 5 to 7, 1 to 4
    assert possible_totals({}, total) == range(8, 13)
    assert possible_totals({"service": (five, small, small)}, total) == range(8, 13)  # 7 to 15
    assert possible_totals({"service": (five, small, small), "month": (five, five)}, total) == range(10, 13)
    assert possible_totals({"service": (five, five), "month": (five, small)}, total) == range(10, 12)
    assert possible_totals({"service": (five, five), "month": (five,)}, total) == range(10, 8)  # impossible


def test_rows_are_ordered_by_what_is_shown_then_by_name_never_by_the_exact_counts():
    page = publish(tallies_of(service={"Beta": 4, "Alpha": 1, "Delta": 12, "Charlie": 8, "Echo": 7},
                              crime_type={"Fraud": 32}, district={"Adur": 30, "Hove": 2},
                              month={"2026-02": 20, "2026-01": 12}))
    assert not page.withheld and page.total == Count("Total", 30)
    assert table(page, "service") == [("Charlie", "10"), ("Delta", "10"), ("Echo", "5"), ("Alpha", FEWER_THAN_FIVE),
                                      ("Beta", FEWER_THAN_FIVE)]
    assert table(page, "crime_type") == [("Fraud", "30")]
    assert table(page, "district") == [("Adur", "30"), ("Hove", FEWER_THAN_FIVE)]
    assert table(page, "month") == [("2026-01", "10"), ("2026-02", "20")]  # months in order, not by size


def test_no_referrals_show_a_total_of_nothing_and_withhold_nothing():
    assert publish(tallies_of()) == referrals.ReferralCounts(
        tables={dimension: () for dimension in DIMENSIONS}, total=Count("Total", 0))


def test_a_page_whose_rounding_could_be_undone_is_withheld_whole():
    # 5, 1 and 1 to three services, 7 in all: the rounded total (5, so 5 to 7) and the services
    # (at least 5 + 1 + 1) would leave only 7, and so exactly 1 referral to each of the small two.
    pinned = tallies_of(service={"A": 5, "B": 1, "C": 1}, crime_type={"Fraud": 7}, district={"Adur": 7},
                        month={"2026-01": 7})
    assert len(what_a_reader_can_tell(*rounding_alone(pinned))[0]) == 1
    assert publish(pinned) == referrals.ReferralCounts(tables={dimension: () for dimension in DIMENSIONS},
                                                        total=None, withheld=True)
    # 1, 1 and 1: the total could be 3 or 4, so each small count 1 or 2; shown.
    page = publish(tallies_of(service={"A": 1, "B": 1, "C": 1}, crime_type={"Fraud": 3}, district={"Adur": 3},
                              month={"2026-01": 3}))
    assert not page.withheld and table(page, "service") == [("A", FEWER_THAN_FIVE), ("B", FEWER_THAN_FIVE),
                                                            ("C", FEWER_THAN_FIVE)]
    # Bigger numbers too: four 8s under a total of 30 (28 to 32) can only be 32 = 8 + 8 + 8 + 8.
    crimes = {"Fraud": 8, "Hate crime": 8, "Stalking": 8, "Theft": 8}
    assert publish(tallies_of(service={"A": 32}, crime_type=crimes, district={"Adur": 32},
                              month={"2026-01": 32})).withheld
    page = publish(tallies_of(service={"A": 33}, crime_type={**crimes, "Theft": 9}, district={"Adur": 33},
                              month={"2026-01": 33}))
    assert table(page, "crime_type") == [("Fraud", "10"), ("Hate crime", "10"), ("Stalking", "10"), ("Theft", "10")]
    assert (table(page, "service"), page.total.shown) == ([("A", "35")], "35")


SMALL_WORLD = {"service": ("Harbour", "Lighthouse", "Refuge"), "crime_type": ("Fraud", "Stalking"),
               "district": ("Adur", "Hove"), "month": ("2026-01", "2026-02")}


def shares(labels, n):
    """Every way of sharing n referrals among the labels."""
    for head in product(range(n + 1), repeat=len(labels) - 1):
        if sum(head) <= n:
            yield dict(zip(labels, (*head, n - sum(head))))


def test_no_count_can_be_worked_out_from_any_set_of_up_to_seven_referrals():
    """Every set of 1 to 7 referrals to 3 services, 2 crime types, 2 districts and 2 months, grouped by
    what plain rounding shows. The page depends only on each table's counts, and any tables with the same
    total come from some set of referrals, so each group is every set of referrals that rounds alike
    (a total shown as 5 or fewer stands for at most 7 referrals). Counted, not reasoned: a page is
    withheld exactly when some count in its group has only one possible value, and the page says
    nothing that the rounding does not (not even by the order of its rows)."""
    groups = defaultdict(list)
    for n in range(1, 8):
        for split in product(*(shares(SMALL_WORLD[dimension], n) for dimension in DIMENSIONS)):
            tallies = {dimension: Counter({label: count for label, count in share.items() if count})
                       for dimension, share in zip(DIMENSIONS, split)}
            groups[rounding_alone(tallies)].append(tallies)
    withheld = 0
    for rounding, group in groups.items():
        page = publish(group[0])
        assert all(publish(tallies) == page for tallies in group[1:]), rounding
        totals = {sum(tallies["month"].values()) for tallies in group}
        possible = defaultdict(set)
        for tallies, dimension in product(group, DIMENSIONS):
            for label, count in tallies[dimension].items():
                possible[dimension, label].add(count)
        assert what_a_reader_can_tell(*rounding) == (totals, possible)  # the brute force used elsewhere agrees
        assert page.withheld == (len(totals) < 2 or min(map(len, possible.values())) < 2), rounding
        withheld += page.withheld
        if not page.withheld:
            assert_nothing_can_be_worked_out(*rounding)
    # Withheld only where rounding alone could be undone: 375 of the 2,189 pages, all for 7 referrals
    # (1,536 of the 18,432 ways of sharing 7 among the tables), where 5 to 7 meets 5 + 1 + 1.
    assert (len(groups), withheld) == (2189, 375)


def test_no_count_can_be_worked_out_from_larger_sets_of_referrals():
    """Seeded random sets of 8 to 60 referrals, with a few services and types much more common than the rest."""
    chance = random.Random(2026)
    withheld = 0
    for _ in range(400):
        n = chance.randint(8, 60)
        tallies = {}
        for dimension in DIMENSIONS:
            labels = [f"{dimension} {i}" for i in range(chance.randint(1, 6))]
            weights = [chance.choice([1, 2, 10]) for _ in labels]
            tallies[dimension] = Counter(chance.choices(labels, weights, k=n))
        page, rounding = publish(tallies), rounding_alone(tallies)
        totals, possible = what_a_reader_can_tell(*rounding)
        assert page.withheld == (len(totals) < 2 or min(map(len, possible.values())) < 2), rounding
        withheld += page.withheld
        if not page.withheld:
            assert_nothing_can_be_worked_out(*rounding)
            assert {(dimension, (count.label, count.rounded)) for dimension in DIMENSIONS
                    for count in page.tables[dimension]} == {(dimension, row) for dimension, rows in rounding[0]
                                                             for row in rows}
    assert 0 < withheld < 20


def test_the_reviews_five_five_and_one_can_no_longer_be_worked_out_from_the_page(app, session):
    officer = make_user(session, Role.OFFICER, email="officer@example.org")
    fraud, slavery = make_service(session, "Action Fraud"), make_service(session, "Adult modern slavery")
    victim_support = make_service(session, "Victim Support Sussex")
    for service, n in ((fraud, 5), (slavery, 5), (victim_support, 1)):
        add_records(session, service, officer, [date(2026, 1, 12)] * n, district=None)
    client = app.test_client()
    sign_in(client, make_user(session, Role.EDITOR, email="editor@example.org"))
    tables = Tables(client.get("/referrals/counts").get_data(as_text=True))
    assert tables.rows["By service"] == [("Action Fraud", "5"), ("Adult modern slavery", "5"),
                                         ("Victim Support Sussex", FEWER_THAN_FIVE)]
    assert (tables.rows["By type of crime or harm"], tables.rows["By district"], tables.rows["By month"]) == (
        [("Domestic abuse", "10")], [("Not known", "10")], [("2026-01", "10")])
    assert all(tables.footers[title] == [("Total", "10")] for title in TITLES.values())
    shown = tuple((dimension, tuple((label, None if figure == FEWER_THAN_FIVE else int(figure))
                                    for label, figure in tables.rows[TITLES[dimension]])) for dimension in DIMENSIONS)
    totals, possible = what_a_reader_can_tell(shown, 10)
    assert totals == {11, 12}
    assert possible["service", "Victim Support Sussex"] == {1, 2} and possible["service", "Action Fraud"] == {5, 6}
    assert_nothing_can_be_worked_out(shown, 10)


def test_commissioners_see_nothing_when_the_rounding_could_be_undone(app, session):
    officer = make_user(session, Role.OFFICER, email="officer@example.org")
    harbour, lighthouse = make_service(session, "Harbour advice line"), make_service(session, "Lighthouse")
    add_records(session, harbour, officer, [date.today()] * 5)
    add_records(session, lighthouse, officer, [date.today()])
    add_records(session, make_service(session, "Refuge"), officer, [date.today()])
    client = app.test_client()
    sign_in(client, make_user(session, Role.EDITOR, email="editor@example.org"))
    page = client.get("/referrals/counts").get_data(as_text=True)
    assert "The counts are not shown at the moment" in page
    assert Tables(page).rows == {} and Tables(page).footers == {}
    assert [text for text in ("Harbour advice line", "Lighthouse", "Refuge", "Domestic abuse", ">5<", ">Total<")
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
    assert "Counts are rounded to the nearest 5; counts of 1 to 4 are shown as \"fewer than 5\"" in page
    tables = Tables(page)
    month = date.today().strftime("%Y-%m")
    assert tables.rows == {
        "By service": [("Harbour advice line", "10")],
        "By type of crime or harm": [("Domestic abuse", "5"), ("Fraud", FEWER_THAN_FIVE)],
        "By district": [("Brighton and Hove", "5"), ("Eastbourne", FEWER_THAN_FIVE)],
        "By month": [(month, "10")],
        # Recorded without the officer's answers: counted apart, as not asked (see test_referral_tallies.py).
        "By concern about immigration status": [("Not asked", "10")],
        "By no recourse to public funds": [("Not asked", "10")]}
    assert tables.footers == {title: [("Total", "10")] for title in [*TITLES.values(), *TALLY_TITLES]}


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

    assert not counts.withheld and counts.total.shown == "20"  # 20 in all
    assert table(counts, "service") == [("Lighthouse", "15"), ("Harbour advice line", "5")]  # 14 and 6
    assert table(counts, "crime_type") == [("Fraud", "10"), ("Hate crime", "5"), ("codes_nobody_named", "5")]  # 8, 7, 5
    assert table(counts, "district") == [("Adur", "10"), ("Not known", "10")]  # 8 and 12: by name, not by size
    assert table(counts, "month") == [("2025-11", "5"), ("2025-12", "5"), ("2026-01", "10")]  # 5, 6 and 9
