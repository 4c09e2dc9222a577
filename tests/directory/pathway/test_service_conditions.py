"""Each condition a step's services must meet, read answer by answer; who a service cannot take; what the
officer is warned of; and the order of the helplines. Tables, so every answer and every edge is named."""

from datetime import date

import pytest

from directory.conditions import Answer, ImmigrationStatus, SharingStance
from directory.models import Schedule, Service
from directory.pathway.rules import Answers, Pathway, Referral
from directory.pathway.services import (
    CANDIDATES,
    INTERPRETERS,
    NRPF,
    OPEN_TO_ALL,
    STATUS_TO_CHECK,
    TAKES_ANYONE,
    not_eligible,
    requirements,
    services_for_pathway,
)
from directory.places.gazetteer import Place
from search.distance import Point
from tests.directory.pathway.test_services import DA, found, names, step, victim
from tests.factories import make_service

OPEN, RESTRICTED, NOT_KNOWN = ImmigrationStatus.OPEN_TO_ALL, ImmigrationStatus.RESTRICTIONS, ImmigrationStatus.UNKNOWN
ADVICE = Referral(needs=("domestic-abuse",))
REFUGE = Referral(needs=("domestic-abuse", "housing-refuge"), accommodation=True)
CHILDREN = Referral(needs=("children-young-people",), for_children=True)


@pytest.mark.parametrize(("referral", "circumstances", "needed"), [
    (REFUGE, {}, []),
    (REFUGE, {"interpreter": True}, []),
    (REFUGE, {"immigration_concern": True}, [STATUS_TO_CHECK]),
    (REFUGE, {"nrpf": True}, [TAKES_ANYONE, NRPF]),
    (REFUGE, {"nrpf": True, "immigration_concern": True}, [TAKES_ANYONE, NRPF]),
    (ADVICE, {}, []),
    (ADVICE, {"immigration_concern": True}, [OPEN_TO_ALL]),
    (ADVICE, {"nrpf": True}, [OPEN_TO_ALL]),
    (ADVICE, {"interpreter": True}, [INTERPRETERS]),
    (ADVICE, {"immigration_concern": True, "interpreter": True}, [OPEN_TO_ALL, INTERPRETERS]),
    (CHILDREN, {"interpreter": True}, []),
    (CHILDREN, {"nrpf": True, "interpreter": True}, [OPEN_TO_ALL]),
])
def test_each_circumstance_asks_a_step_for_what_matters_to_it_only(referral, circumstances, needed):
    assert requirements(victim(**circumstances), referral) == needed


@pytest.mark.parametrize(("requirement", "status", "nrpf", "state"), [
    (OPEN_TO_ALL, OPEN, Answer.NO, "yes"), (OPEN_TO_ALL, RESTRICTED, Answer.YES, "no"),
    (OPEN_TO_ALL, NOT_KNOWN, Answer.YES, "unknown"),
    (NRPF, OPEN, Answer.YES, "yes"), (NRPF, OPEN, Answer.NO, "no"), (NRPF, OPEN, Answer.UNKNOWN, "unknown"),
    (TAKES_ANYONE, OPEN, Answer.NO, "yes"), (TAKES_ANYONE, RESTRICTED, Answer.YES, "yes"),
    (TAKES_ANYONE, RESTRICTED, Answer.NO, "no"), (TAKES_ANYONE, RESTRICTED, Answer.UNKNOWN, "unknown"),
    (TAKES_ANYONE, NOT_KNOWN, Answer.NO, "unknown"), (TAKES_ANYONE, NOT_KNOWN, Answer.UNKNOWN, "unknown"),
    (STATUS_TO_CHECK, OPEN, Answer.NO, "yes"), (STATUS_TO_CHECK, RESTRICTED, Answer.YES, "unknown"),
    (STATUS_TO_CHECK, NOT_KNOWN, Answer.YES, "unknown"),
])
def test_each_requirement_reads_every_answer_as_yes_no_or_not_known(requirement, status, nrpf, state):
    assert requirement.check(Service(name="A service", immigration_status=status, nrpf_support=nrpf)) == state


@pytest.mark.parametrize(("answer", "state"), [(Answer.YES, "yes"), (Answer.NO, "no"), (Answer.UNKNOWN, "unknown")])
def test_interpreters_are_read_from_their_own_answer(answer, state):
    service = Service(name="A service", interpreters=answer, immigration_status=OPEN, nrpf_support=Answer.YES)
    assert INTERPRETERS.check(service) == state


@pytest.mark.parametrize(("status_on", "nrpf_on", "latest"), [
    (date(2026, 3, 1), date(2026, 9, 1), date(2026, 9, 1)), (date(2026, 9, 1), date(2026, 3, 1), date(2026, 9, 1)),
    (None, date(2026, 3, 1), date(2026, 3, 1)), (date(2026, 3, 1), None, date(2026, 3, 1)), (None, None, None),
])
def test_a_requirement_of_two_answers_was_checked_when_the_later_was(status_on, nrpf_on, latest):
    service = Service(name="A service", immigration_status_checked_on=status_on, nrpf_support_checked_on=nrpf_on)
    assert TAKES_ANYONE.checked_on(service) == latest
    assert OPEN_TO_ALL.checked_on(service) == status_on and NRPF.checked_on(service) == nrpf_on


def service_for(minimum=None, maximum=None) -> Service:
    return Service(name="A service", minimum_age=minimum, maximum_age=maximum)


@pytest.mark.parametrize(("age_group", "minimum", "maximum", "reason"), [
    ("18_to_64", 65, None, "Not for this age: ages 65 and over"),
    ("18_to_64", None, 17, "Not for this age: ages 0 to 17"),
    ("18_to_64", 64, None, None), ("18_to_64", None, 18, "For children and young people: ages 0 to 18"),
    ("18_to_64", 16, 19, None), ("18_to_64", 16, 25, None),
    ("65_and_over", None, None, None), ("65_and_over", 18, 64, "Not for this age: ages 18 to 64"),
    ("65_and_over", 18, 65, None),
    ("under_18", 18, None, "Not for this age: ages 18 and over"), ("under_18", None, 18, None),
    ("under_18", 17, 17, None), ("under_18", 0, 0, None),
])
def test_a_victims_age_is_checked_against_the_services_ages_at_every_edge(age_group, minimum, maximum, reason):
    assert not_eligible(service_for(minimum, maximum), victim(age_group=age_group)) == reason


@pytest.mark.parametrize(("minimum", "maximum", "reason"), [
    (18, None, "Not for children: ages 18 and over"), (17, None, None), (None, 18, None), (0, 0, None),
])
def test_services_for_the_children_are_checked_against_childrens_ages(minimum, maximum, reason):
    assert not_eligible(service_for(minimum, maximum), victim(), for_children=True) == reason


@pytest.mark.parametrize(("gender", "audience", "all_genders", "for_children", "reason"), [
    ("woman", "men", False, False, "For men only"), ("man", "women-only", False, False, "For women only"),
    ("woman", "women-only", False, False, None), ("man", "men", False, False, None),
    ("other", "women-only", False, False, None), ("not_said", "men", False, False, None),
    ("woman", "men", True, False, None), ("man", "women-only", True, False, None),
    ("woman", "men", False, True, None), ("man", "women-only", False, True, None),
])
def test_a_gender_the_service_does_not_take_leaves_it_out_unless_the_officer_asks_for_all(
        app, session, gender, audience, all_genders, for_children, reason):
    service = make_service(session, "A service", needs=DA, audience=(audience,))
    answers = victim(gender=gender, all_genders=all_genders)
    assert not_eligible(service, answers, for_children=for_children) == reason


@pytest.mark.parametrize(("stance", "caution", "confirmed"), [
    (SharingStance.NEVER_SHARES, None, True),
    (SharingStance.CONSENT_OR_RISK, None, True),
    (SharingStance.STATUTORY, "A statutory body: shares information where the law requires it", True),
    (SharingStance.HOME_OFFICE_CONTRACT,
     "Shares information with the Home Office under contract: not a safe first contact", False),
    (SharingStance.UNKNOWN, "What they share with the Home Office is not known: ask before you pass on details",
     True),
])
@pytest.mark.parametrize("concern", [{"immigration_concern": True}, {"nrpf": True}])
def test_with_a_concern_about_status_each_sharing_stance_is_said_as_it_is(app, session, reindex, stance, caution,
                                                                          confirmed, concern):
    make_service(session, "Tango advice", needs=DA, immigration_status=OPEN, data_sharing_stance=stance)
    reindex()
    item = found(app, session, victim(**concern), step("Refer.", needs=("domestic-abuse",))).steps[0].offered[0]
    assert (item.caution, item.confirmed, item.unsafe_first_contact) == (caution, confirmed, not confirmed)


@pytest.mark.parametrize("stance", list(SharingStance))
def test_without_a_concern_about_status_no_sharing_stance_is_a_caution(app, session, reindex, stance):
    make_service(session, "Tango advice", needs=DA, data_sharing_stance=stance)
    reindex()
    item = found(app, session, victim(), step("Refer.", needs=("domestic-abuse",))).steps[0].offered[0]
    assert (item.caution, item.confirmed) == (None, True)


def helpline(session, name, needs, *, every_day=True, **fields) -> Service:
    service = make_service(session, name, needs=needs, national_helpline=True, **fields)
    days = "MO,TU,WE,TH,FR,SA,SU" if every_day else "MO,TU,WE,TH,FR,SA"
    session.add(Schedule(service_id=service.id, byday=days, opens_at="00:00", closes_at="23:59"))
    return service


def test_helplines_for_the_first_harm_lead_then_those_open_around_the_clock_then_by_name(app, session, reindex):
    rape = {"sexual-violence": "Sexual violence"}
    helpline(session, "Zulu rape line", rape)
    helpline(session, "Alpha abuse line", DA)
    helpline(session, "Yankee rape line", rape, every_day=False)
    helpline(session, "Xray rape line", rape)
    helpline(session, "Bravo rape line", rape, immigration_status=OPEN,
             data_sharing_stance=SharingStance.HOME_OFFICE_CONTRACT)
    make_service(session, "Local rape service", needs=rape)
    reindex()
    answers = Answers(crime_types=("sexual_violence_recent",), immigration_concern=True)
    result = services_for_pathway(session, app.extensions["indexer"],
                                  Pathway(harm_needs=("sexual-violence", "domestic-abuse")), answers, place=None)
    assert names(result.helplines) == ["Xray rape line", "Zulu rape line", "Yankee rape line", "Alpha abuse line",
                                       "Bravo rape line"]
    assert not result.steps and result.anything


def test_only_helplines_for_the_harm_are_listed(app, session, reindex):
    helpline(session, "Alpha abuse line", DA)
    helpline(session, "Fraud line", {"fraud": "Fraud"})
    reindex()
    assert names(found(app, session, victim()).helplines) == ["Alpha abuse line"]


def test_many_local_services_never_crowd_out_a_national_one(app, session, reindex):
    for number in range(CANDIDATES + 1):
        make_service(session, f"Local {number:02}", needs=DA, point=(50.8225, -0.1372 + number / 1000))
    make_service(session, "Zulu national service", needs=DA, national_helpline=True)
    reindex()
    pathway = Pathway(steps=[step("Refer.", needs=("domestic-abuse",))])
    result = services_for_pathway(session, app.extensions["indexer"], pathway, victim(),
                                  Place("Brighton", Point(50.8225, -0.1372))).steps[0]
    listed = names(result.offered + result.more)
    assert len(listed) == CANDIDATES + 1 and listed[-1] == "Zulu national service"
    assert listed[:CANDIDATES] == [f"Local {number:02}" for number in range(CANDIDATES)]


def test_without_a_harm_there_are_no_helplines_and_nothing_to_show(app, session, reindex):
    helpline(session, "Alpha abuse line", DA)
    reindex()
    result = services_for_pathway(session, app.extensions["indexer"], Pathway(), victim(), place=None)
    assert result.helplines == [] and not result.anything


def test_helplines_beyond_the_first_ten_are_listed_apart_never_dropped(app, session, reindex):
    for number in range(12):
        helpline(session, f"Line {number:02}", DA)
    reindex()
    result = found(app, session, victim())
    assert names(result.helplines) == [f"Line {number:02}" for number in range(10)]
    assert names(result.more_helplines) == ["Line 10", "Line 11"]


def test_a_helpline_that_shares_under_contract_and_has_no_interpreters_says_both(app, session, reindex):
    helpline(session, "Charlie line", DA, interpreters=Answer.NO,
             data_sharing_stance=SharingStance.HOME_OFFICE_CONTRACT)
    reindex()
    line = found(app, session, victim(immigration_concern=True, interpreter=True)).helplines[0]
    assert line.caution == ("Shares information with the Home Office under contract: not a safe first contact; "
                            "Has no interpreters")


def test_a_step_offers_local_services_nearest_first_within_its_radius_then_national_ones(app, session, reindex):
    make_service(session, "Hastings advice", needs=DA, point=(50.855, 0.573))  # about 30 miles
    make_service(session, "Lewes advice", needs=DA, point=(50.873, 0.009))  # about 7 miles
    make_service(session, "Hove advice", needs=DA, point=(50.829, -0.168))  # about a mile
    make_service(session, "Echo national line", needs=DA, national_helpline=True)
    reindex()
    brighton = Place("Brighton", Point(50.8225, -0.1372))
    pathway = Pathway(steps=[step("Refer.", needs=("domestic-abuse",))], harm_needs=("domestic-abuse",))
    result = services_for_pathway(session, app.extensions["indexer"], pathway, victim(), place=brighton)
    offered = result.for_step(pathway.steps[0]).offered
    assert names(offered) == ["Hove advice", "Lewes advice", "Echo national line"]
    assert [round(item.hit.distance_miles) for item in offered[:2]] == [1, 7]
    everywhere = found(app, session, victim(), pathway.steps[0]).steps[0]
    assert names(everywhere.offered)[-1] == "Echo national line" and len(everywhere.offered) == 4


def test_a_step_finds_services_for_a_place_by_the_area_they_cover(app, session, reindex):
    area = app.extensions["indexer"].gazetteer.area_code_for_name("Brighton and Hove")
    assert area, "the bundled gazetteer names Brighton and Hove"
    covering = make_service(session, "Citywide advice", needs=DA)
    covering.service_areas[0].name = "Brighton and Hove"
    reindex()
    pathway = Pathway(steps=[step("Refer.", needs=("domestic-abuse",))])
    place = Place("Brighton", Point(50.8225, -0.1372), area_codes=(area,))
    result = services_for_pathway(session, app.extensions["indexer"], pathway, victim(), place=place)
    assert names(result.steps[0].offered) == ["Citywide advice"] and result.steps[0].offered[0].hit.covers_area
    placeless = Place("Brighton", Point(50.8225, -0.1372))
    assert not services_for_pathway(session, app.extensions["indexer"], pathway, victim(), placeless).steps[0].offered


def test_a_named_step_matches_its_words_whatever_their_case_and_falls_back_to_every_match(app, session, reindex):
    make_service(session, "Sussex IDVA service", needs=DA)
    make_service(session, "Oscar advice", needs=DA, description="We work with the idva team.")
    reindex()
    named = found(app, session, victim(), step("Refer.", needs=("domestic-abuse",), words="idva")).steps[0]
    assert names(named.offered) == ["Sussex IDVA service"]
    nobody = found(app, session, victim(), step("Refer.", needs=("domestic-abuse",), words="team")).steps[0]
    assert names(nobody.offered) == ["Oscar advice"] and nobody.unmet == []


def test_services_meeting_more_preferences_come_first_after_the_confirmed_ones(app, session, reindex):
    make_service(session, "Quebec service", needs=DA, immigration_status=OPEN)
    make_service(session, "Papa women's service", needs=DA, audience=("women-only",), immigration_status=OPEN)
    make_service(session, "Lima Polish women's group", needs=DA, audience=("women-only",),
                 languages={"pl": "Polish"}, immigration_status=OPEN)
    make_service(session, "Kilo Polish group", needs=DA, languages={"pl": "Polish"})  # status not known
    reindex()
    answers = victim(women_only=True, gender="woman", language="pl", immigration_concern=True)
    result = found(app, session, answers, step("Refer.", needs=("domestic-abuse",))).steps[0]
    assert names(result.offered) == ["Lima Polish women's group", "Papa women's service", "Quebec service",
                                     "Kilo Polish group"]
    assert [item.unmet for item in result.offered] == [[], ["the language"], ["the language", "women-only"],
                                                       ["women-only"]]
    assert result.unmet == []
    quebec = found(app, session, answers, step("Refer.", needs=("domestic-abuse",), words="Quebec")).steps[0]
    assert names(quebec.offered) == ["Quebec service"] and quebec.unmet == ["the language", "women-only"]


def test_a_step_for_the_children_keeps_no_women_only_preference(app, session, reindex):
    make_service(session, "Romeo children's group", needs={"children-young-people": "Children"})
    reindex()
    children = step("Refer the children.", needs=("children-young-people",), for_children=True)
    result = found(app, session, victim(women_only=True, gender="woman"), children).steps[0]
    assert names(result.offered) == ["Romeo children's group"] and result.unmet == []


def test_a_preference_never_hides_a_service_and_only_eligibility_leaves_one_out(app, session, reindex):
    make_service(session, "Sierra men's line", needs=DA, audience=("men",), languages={"pl": "Polish"})
    make_service(session, "Uniform advice", needs=DA)
    reindex()
    result = found(app, session, victim(gender="woman", language="pl"), step("Refer.", needs=("domestic-abuse",)))
    assert names(result.steps[0].offered) == ["Uniform advice"] and result.steps[0].unmet == ["the language"]
    assert names(result.steps[0].left_out) == ["Sierra men's line"]
    other = step("Other.", needs=("domestic-abuse",))
    assert result.for_step(result.steps[0].step) is result.steps[0] and result.for_step(other) is None


def test_a_step_offers_only_services_that_help_with_its_need(app, session, reindex):
    make_service(session, "Victor fraud advice", needs={"fraud": "Fraud"})
    make_service(session, "Whiskey abuse advice", needs=DA)
    reindex()
    result = found(app, session, victim(), step("Refer.", needs=("domestic-abuse",))).steps[0]
    assert names(result.offered + result.more + result.left_out) == ["Whiskey abuse advice"]


def test_a_step_names_what_its_services_must_meet_for_the_officer(app, session, reindex):
    refuge = step("Find a refuge.", needs=("domestic-abuse", "housing-refuge"), accommodation=True)
    advice = step("Refer.", needs=("domestic-abuse",))
    result = found(app, session, victim(nrpf=True, interpreter=True), refuge, advice)
    assert [found_here.requirements for found_here in result.steps] == [
        [TAKES_ANYONE.label, NRPF.label], [OPEN_TO_ALL.label, INTERPRETERS.label]]


def test_a_service_left_out_for_a_confirmed_no_says_which_condition_in_plain_words(app, session, reindex):
    make_service(session, "Yankee advice", needs=DA, immigration_status=RESTRICTED)
    reindex()
    result = found(app, session, victim(immigration_concern=True), step("Refer.", needs=("domestic-abuse",)))
    assert [item.excluded_because for item in result.steps[0].left_out] == [
        "Confirmed not: open regardless of immigration status"]
