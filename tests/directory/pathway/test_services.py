"""The services under each pathway step: conditions where they matter, not known shown, only a no leaves out."""

from datetime import date

import pytest

from directory.conditions import Answer, ImmigrationStatus, SharingStance
from directory.pathway.rules import Answers, Pathway, Referral, Step
from directory.pathway.services import services_for_pathway
from tests.factories import make_service

DA = {"domestic-abuse": "Domestic abuse"}
REFUGE = {"housing-refuge": "Housing and refuge", **DA}


def step(text: str, **referral) -> Step:
    return Step(text=text, why="Why.", who="You", source="Policy", refers=Referral(**referral))


def found(app, session, answers: Answers, *steps: Step, harm_needs=("domestic-abuse",)):
    pathway = Pathway(steps=list(steps), harm_needs=harm_needs)
    return services_for_pathway(session, app.extensions["indexer"], pathway, answers, place=None)


def names(items) -> list[str]:
    return [item.service.name for item in items]


def victim(**answers) -> Answers:
    return Answers(crime_types=("domestic_abuse",), **answers)


@pytest.fixture
def refuges(session, reindex):
    services = {
        "some NRPF spaces": make_service(session, "Alpha refuge", needs=REFUGE,
                                         immigration_status=ImmigrationStatus.RESTRICTIONS,
                                         nrpf_support=Answer.YES, nrpf_support_checked_on=date(2026, 9, 1)),
        "no NRPF": make_service(session, "Bravo refuge", needs=REFUGE,
                                immigration_status=ImmigrationStatus.RESTRICTIONS, nrpf_support=Answer.NO),
        "not known": make_service(session, "Charlie refuge", needs=REFUGE),
        "open to all": make_service(session, "Delta refuge", needs=REFUGE,
                                    immigration_status=ImmigrationStatus.OPEN_TO_ALL, nrpf_support=Answer.YES),
        "not for this harm": make_service(session, "Echo safe house", needs={"housing-refuge": "Housing"},
                                          nrpf_support=Answer.YES, immigration_status=ImmigrationStatus.OPEN_TO_ALL),
    }
    reindex()
    return services


REFUGE_STEP = step("Find a refuge.", needs=("housing-refuge", "domestic-abuse"), accommodation=True)


def test_a_refuge_with_some_nrpf_spaces_counts_and_one_that_takes_nobody_without_recourse_is_left_out(
        app, session, refuges):
    result = found(app, session, victim(immigration_concern=True, nrpf=True), REFUGE_STEP).steps[0]
    assert names(result.offered) == ["Alpha refuge", "Delta refuge", "Charlie refuge"]
    assert [item.confirmed for item in result.offered] == [True, True, False]
    assert names(result.left_out) == ["Bravo refuge"]
    assert "no recourse to public funds" in result.left_out[0].excluded_because.lower()


def test_a_not_known_answer_is_shown_with_the_date_it_was_last_checked(app, session, refuges):
    charlie = found(app, session, victim(nrpf=True), REFUGE_STEP).steps[0].offered[-1]
    assert charlie.service.name == "Charlie refuge"
    assert [label for label, _ in charlie.not_confirmed] == [
        "Takes people whatever their immigration status (open to all, or has spaces for people with no recourse to "
        "public funds)", "Supports people with no recourse to public funds"]
    assert all(checked_on is None for _, checked_on in charlie.not_confirmed)


def test_a_step_needs_every_one_of_its_needs(app, session, refuges):
    result = found(app, session, victim(), REFUGE_STEP).steps[0]
    assert "Echo safe house" not in names(result.offered + result.left_out)


def test_without_a_concern_no_condition_applies(app, session, refuges):
    result = found(app, session, victim(), REFUGE_STEP).steps[0]
    assert sorted(names(result.offered)) == ["Alpha refuge", "Bravo refuge", "Charlie refuge", "Delta refuge"]
    assert all(item.confirmed for item in result.offered) and not result.left_out


def test_no_recourse_to_public_funds_does_not_apply_to_an_adviser(app, session, reindex):
    make_service(session, "Foxtrot IDVA", needs=DA, immigration_status=ImmigrationStatus.OPEN_TO_ALL,
                 nrpf_support=Answer.NO)
    reindex()
    result = found(app, session, victim(nrpf=True), step("Refer to an IDVA.", needs=("domestic-abuse",),
                                                        words="IDVA")).steps[0]
    assert names(result.offered) == ["Foxtrot IDVA"] and result.offered[0].confirmed


def test_open_regardless_applies_to_an_adviser_and_restrictions_leave_it_out(app, session, reindex):
    make_service(session, "Golf advice", needs=DA, immigration_status=ImmigrationStatus.RESTRICTIONS)
    make_service(session, "Hotel advice", needs=DA, immigration_status=ImmigrationStatus.OPEN_TO_ALL)
    reindex()
    result = found(app, session, victim(immigration_concern=True), step("Refer.", needs=("domestic-abuse",))).steps[0]
    assert names(result.offered) == ["Hotel advice"] and names(result.left_out) == ["Golf advice"]


def test_a_home_office_contract_is_stated_and_listed_last_never_first(app, session, reindex):
    make_service(session, "India asylum line", needs=DA, immigration_status=ImmigrationStatus.OPEN_TO_ALL,
                 data_sharing_stance=SharingStance.HOME_OFFICE_CONTRACT)
    make_service(session, "Juliet advice", needs=DA, immigration_status=ImmigrationStatus.OPEN_TO_ALL,
                 data_sharing_stance=SharingStance.NEVER_SHARES)
    reindex()
    result = found(app, session, victim(immigration_concern=True), step("Refer.", needs=("domestic-abuse",))).steps[0]
    assert names(result.offered) == ["Juliet advice", "India asylum line"]
    assert "Home Office under contract" in result.offered[1].caution and not result.offered[1].confirmed


@pytest.mark.parametrize(("age_group", "minimum", "maximum", "offered"), [
    ("under_18", 18, None, False), ("under_18", 17, None, True), ("under_18", None, 17, True),
    ("18_to_64", None, 17, False), ("18_to_64", 18, 64, True), ("18_to_64", 65, None, False),
    ("65_and_over", None, 64, False), ("65_and_over", 60, None, True),
])
def test_age_ranges_are_used_at_every_edge(app, session, reindex, age_group, minimum, maximum, offered):
    make_service(session, "Kilo service", needs=DA, minimum_age=minimum, maximum_age=maximum)
    reindex()
    result = found(app, session, victim(age_group=age_group), step("Refer.", needs=("domestic-abuse",))).steps[0]
    assert (names(result.offered) == ["Kilo service"]) is offered
    assert (names(result.left_out) == ["Kilo service"]) is not offered


def test_services_for_the_household_children_follow_the_childrens_ages_not_the_victims(app, session, reindex):
    make_service(session, "Lima children's group", needs={"children-young-people": "Children"}, maximum_age=12)
    reindex()
    children = step("Refer the children.", needs=("children-young-people",), for_children=True)
    result = found(app, session, victim(), children).steps[0]
    assert names(result.offered) == ["Lima children's group"]


def test_a_preference_puts_the_services_that_meet_it_first_and_hides_none(app, session, reindex):
    make_service(session, "November IDVA", needs=DA)
    make_service(session, "Mike women's service", needs=DA, audience=("women-only",))
    reindex()
    answers = victim(women_only=True, gender="woman")
    support = step("Refer for support.", needs=("domestic-abuse",))
    idva = step("Refer to an IDVA.", needs=("domestic-abuse",), words="IDVA")
    first, second = found(app, session, answers, support, idva).steps
    assert names(first.offered) == ["Mike women's service", "November IDVA"] and first.unmet == []
    assert [item.unmet for item in first.offered] == [[], ["women-only"]]
    assert names(second.offered) == ["November IDVA"] and second.unmet == ["women-only"]


def test_national_helplines_are_always_shown_whatever_the_conditions(app, session, reindex):
    make_service(session, "Oscar 24-hour helpline", needs=DA, national_helpline=True, nrpf_support=Answer.NO,
                 immigration_status=ImmigrationStatus.RESTRICTIONS)
    reindex()
    result = found(app, session, victim(immigration_concern=True, nrpf=True, interpreter=True))
    assert names(result.helplines) == ["Oscar 24-hour helpline"]


def test_with_only_a_doubt_about_status_a_refuges_restrictions_are_to_check_never_a_reason_to_hide_it(
        app, session, refuges):
    result = found(app, session, victim(immigration_concern=True), REFUGE_STEP).steps[0]
    assert not result.left_out
    bravo = next(item for item in result.offered if item.service.name == "Bravo refuge")
    assert not bravo.confirmed and "restrictions are usually about public funds" in bravo.not_confirmed[0][0]


def test_interpreters_do_not_decide_a_place_to_stay(app, session, refuges):
    result = found(app, session, victim(nrpf=True, interpreter=True), REFUGE_STEP).steps[0]
    assert "Alpha refuge" in names(result.offered)


def test_a_step_lists_its_first_few_and_every_other_service_apart(app, session, reindex):
    for letter in "ABCDEFG":
        make_service(session, f"{letter} support", needs=DA)
    reindex()
    result = found(app, session, victim(), step("Refer.", needs=("domestic-abuse",))).steps[0]
    assert len(result.offered) == 5 and len(result.more) == 2
    assert sorted(names(result.offered + result.more)) == [f"{letter} support" for letter in "ABCDEFG"]


def test_a_named_step_drops_a_preference_that_hides_the_service_it_names(app, session, reindex):
    make_service(session, "Sussex Victim Hub", needs=DA, languages={"en": "English"})
    make_service(session, "Polish advice", needs=DA, languages={"pl": "Polish"},
                 description="We can refer you to the Victim Hub.")
    reindex()
    hub = step("Refer to the Victim Hub.", words="Victim Hub")
    result = found(app, session, victim(language="pl"), hub).steps[0]
    assert names(result.offered) == ["Sussex Victim Hub"] and result.unmet == ["the language"]


def test_a_service_up_to_eighteen_is_for_children_not_adults(app, session, reindex):
    make_service(session, "Quebec youth line", needs=DA, national_helpline=True, maximum_age=18)
    reindex()
    adult = found(app, session, victim())
    assert not adult.helplines and adult.left_out_helplines[0].excluded_because.startswith("For children")
    assert names(found(app, session, victim(age_group="under_18")).helplines) == ["Quebec youth line"]


def test_a_helpline_without_interpreters_is_shown_and_says_so_when_one_is_needed(app, session, reindex):
    make_service(session, "Romeo helpline", needs=DA, national_helpline=True, interpreters=Answer.NO)
    reindex()
    assert "Has no interpreters" not in (found(app, session, victim()).helplines[0].caution or "")
    helpline = found(app, session, victim(interpreter=True)).helplines[0]
    assert helpline.service.name == "Romeo helpline" and "Has no interpreters" in helpline.caution


def test_with_a_doubt_about_status_an_unknown_sharing_stance_is_said(app, session, reindex):
    make_service(session, "Sierra advice", needs=DA, immigration_status=ImmigrationStatus.OPEN_TO_ALL)
    reindex()
    item = found(app, session, victim(immigration_concern=True), step("Refer.", needs=("domestic-abuse",))).steps[0]
    assert "What they share with the Home Office is not known" in item.offered[0].caution
    assert item.offered[0].confirmed  # said, but not a reason to list it after others
