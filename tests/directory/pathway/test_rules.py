"""The referral pathway: the shipped rules (data/pathway_rules.toml) and the engine that reads them.

No Flask and no database: the real rules file is read with `read_rules_file` and evaluated directly.
"""

import csv
import itertools
from datetime import date
from pathlib import Path

import pytest

from directory.pathway.rules import (
    AGE_GROUPS,
    CRIME_TYPES,
    DOMESTIC_ABUSE_AGES,
    RISKS,
    Answers,
    Referral,
    RuleError,
    evaluate,
    read_rules_file,
    rule_from_dict,
    rule_to_dict,
)

DATA = Path(__file__).resolve().parents[3] / "data"
RULES_FILE = DATA / "pathway_rules.toml"
TAXONOMY_FILE = DATA / "sample" / "taxonomy_terms.csv"
DO_NOT_SHARE = "Do not share"


def harm(crime_type: str, **answers) -> Answers:
    return Answers(crime_types=(crime_type,), **answers)
NRM = "National Referral Mechanism"


@pytest.fixture(scope="module")
def rules():
    return read_rules_file(RULES_FILE)


def pathway_text(rules, answers: Answers) -> str:
    return "\n".join(step.text for step in evaluate(rules, answers).steps)


def shows_do_not_share(rules, answers: Answers) -> bool:
    return any(step.text.startswith(DO_NOT_SHARE) and "Immigration Enforcement" in step.text
               for step in evaluate(rules, answers).steps)


# -- What the officer sees, case by case --------------------------------------------------------

CASES = [
    pytest.param(harm("domestic_abuse"),
                 ["DASH risk assessment", "Victim Hub", "other MARAC criteria"], ["IDVA", "Refer the case to the MARAC", DO_NOT_SHARE],
                 {"domestic-abuse"}, id="domestic abuse, standard risk"),
    pytest.param(harm("domestic_abuse", risk="high"),
                 ["DASH risk assessment", "Victim Hub", "IDVA", "MARAC"], [DO_NOT_SHARE],
                 {"domestic-abuse", "housing-refuge"}, id="domestic abuse, high risk"),
    pytest.param(harm("domestic_abuse", immigration_concern=True),
                 ["DASH risk assessment", "Victim Hub",
                  "Do not share the victim's information with Immigration Enforcement",
                  "specialist organisation that can give them immigration advice",
                  "full rationale on the crime recording system", "plainly what will and will not be shared"],
                 [NRM], {"domestic-abuse", "immigration-asylum"},
                 id="domestic abuse, immigration concern"),
    pytest.param(harm("domestic_abuse", nrpf=True),
                 ["Migrant Victims of Domestic Abuse Concession", "no recourse to public funds"], [DO_NOT_SHARE],
                 {"domestic-abuse", "housing-refuge"}, id="domestic abuse, no recourse"),
    pytest.param(harm("domestic_abuse", children_in_household=True),
                 ["child safeguarding referral", "every child in the household"], [],
                 {"domestic-abuse", "children-young-people"}, id="domestic abuse, children at home"),
    pytest.param(harm("sexual_violence_recent"),
                 ["Sexual Assault Referral Centre (SARC) straight away", "early evidence kit", "ISVA"],
                 ["counselling", "after 7 days"], {"sexual-violence"}, id="sexual violence, recent"),
    pytest.param(harm("sexual_violence_non_recent"),
                 ["ISVA", "counselling", "SARC can still help"], ["early evidence kit", "straight away"],
                 {"sexual-violence", "mental-health"}, id="sexual violence, not recent"),
    pytest.param(harm("stalking_harassment"),
                 ["S-DASH", "stalking advocate", "Stalking Protection Order"], [DO_NOT_SHARE],
                 {"stalking-harassment"}, id="stalking"),
    pytest.param(harm("harmful_practices"),
                 ["Forced Marriage Unit", "Never use family or community members as interpreters",
                  "Forced Marriage Protection Order", "FGM Protection Order", "harmful practices service"],
                 ["mandatory reporting duty"], {"harmful-practices"}, id="harmful practices, adult"),
    pytest.param(harm("harmful_practices", age_group="under_18"),
                 ["FGM mandatory reporting duty", "children's services"], [],
                 {"harmful-practices", "children-young-people"}, id="harmful practices, child"),
    pytest.param(harm("modern_slavery"),
                 [NRM, "first responder", "informed consent", "duty to notify", "apart from the domestic abuse one",
                  "Single Competent Authority", "at least 30 days", "and its limits", "24-hour referral line"],
                 ["Refer the child to the Independent Child Trafficking Guardian", DO_NOT_SHARE], {"modern-slavery"},
                 id="modern slavery, adult"),
    pytest.param(harm("modern_slavery", age_group="under_18"),
                 [NRM, "does not need to consent", "children's services", "Child Trafficking Guardian"],
                 ["emergency accommodation"],
                 {"modern-slavery", "children-young-people"}, id="modern slavery, child"),
    pytest.param(harm("modern_slavery", immigration_concern=True),
                 [NRM, "plainly what will and will not be shared", "independent immigration advice"],
                 [DO_NOT_SHARE], {"modern-slavery", "immigration-asylum"},
                 id="modern slavery, immigration concern"),
    pytest.param(harm("hate_crime"),
                 ["Record it as a hate crime", "enhanced rights"], [],
                 {"hate-crime", "general-victim-support"}, id="hate crime"),
    pytest.param(harm("fraud"),
                 ["Report Fraud", "0300 123 2040", "replaced Action Fraud", "159", "2 working days",
                  "7 October 2024", "7726"], ["Operation Signature", "sponsorship scam"],
                 {"fraud", "general-victim-support"}, id="fraud"),
    pytest.param(harm("fraud", age_group="65_and_over"),
                 ["Report Fraud", "Operation Signature", "adult safeguarding referral"], [],
                 {"fraud"}, id="fraud, victim 65 or over"),
    pytest.param(harm("fraud", immigration_concern=True),
                 ["Report Fraud", "plainly what will and will not be shared", "open to everyone", "sponsorship scam",
                  "Immigration Advice Authority"], [DO_NOT_SHARE],
                 {"fraud"}, id="fraud, immigration concern"),
    pytest.param(harm("other"),
                 ["victim support services within 2 working days"], ["professional interpreter"],
                 {"general-victim-support"}, id="another crime"),
    pytest.param(harm("other", interpreter=True, language="pl"),
                 ["professional interpreter", "Never ask family, friends, children or the suspected abuser"], [],
                 {"general-victim-support"}, id="another crime, interpreter"),
    pytest.param(harm("hate_crime", children_in_household=True, nrpf=True),
                 ["child safeguarding referral", "no recourse to public funds"], ["Migrant Victims"],
                 {"hate-crime", "children-young-people"}, id="hate crime, children, no recourse"),
]


@pytest.mark.parametrize(("answers", "present", "absent", "needs"), CASES)
def test_the_pathway_gives_the_steps_and_helpline_needs_for_the_answers(rules, answers, present, absent, needs):
    pathway = evaluate(rules, answers)
    text = pathway_text(rules, answers).lower()
    for words in present:
        assert words.lower() in text, f"expected a step mentioning {words!r}"
    for words in absent:
        assert words.lower() not in text, f"expected no step mentioning {words!r}"
    assert needs <= set(pathway.harm_needs)


def test_the_cases_above_cover_every_crime_type():
    assert {case.values[0].crime_types[0] for case in CASES} == set(CRIME_TYPES)


@pytest.mark.parametrize("crime_type", CRIME_TYPES)
def test_every_crime_type_has_its_own_steps(rules, crime_type):
    own = [rule for rule in rules if crime_type in rule.conditions.get("crime_types", ())]
    assert own, f"no rule names {crime_type}"
    assert evaluate(rules, harm(crime_type)).steps


# -- Immigration status: the domestic abuse response and the NRM are different ------------------

@pytest.mark.parametrize(("crime_type", "concern"), list(itertools.product(CRIME_TYPES, (True, False))))
def test_do_not_share_is_shown_only_for_domestic_abuse_of_someone_16_or_over_with_a_concern(
        rules, crime_type, concern):
    for risk, age_group, nrpf, children in itertools.product(RISKS, AGE_GROUPS, (True, False), (True, False)):
        answers = harm(crime_type, risk=risk, age_group=age_group, immigration_concern=concern, nrpf=nrpf,
                          children_in_household=children)
        # The Domestic Abuse Act 2021 covers victims aged 16 or over; a younger child is a child protection case.
        expected = crime_type == "domestic_abuse" and concern and age_group in DOMESTIC_ABUSE_AGES
        assert shows_do_not_share(rules, answers) == expected, answers


@pytest.mark.parametrize("crime_type", CRIME_TYPES)
def test_every_immigration_concern_is_told_plainly_what_is_shared(rules, crime_type):
    answers = harm(crime_type, immigration_concern=True)
    assert "plainly what will and will not be shared" in pathway_text(rules, answers)


def test_a_modern_slavery_case_never_shows_do_not_share_without_the_nrm_steps(rules):
    for risk, age_group, concern, nrpf, interpreter, children in itertools.product(
            RISKS, AGE_GROUPS, (True, False), (True, False), (True, False), (True, False)):
        answers = harm("modern_slavery", risk=risk, age_group=age_group, immigration_concern=concern,
                          nrpf=nrpf, interpreter=interpreter, children_in_household=children)
        text = pathway_text(rules, answers)
        assert NRM in text, answers
        if shows_do_not_share(rules, answers):
            assert "informed consent" in text or "without asking for consent" in text, answers


def test_a_modern_slavery_case_explains_why_it_is_not_the_domestic_abuse_response(rules):
    text = pathway_text(rules, harm("modern_slavery", immigration_concern=True))
    assert "covers domestic abuse victims only" in text


# -- Order and risk -----------------------------------------------------------------------------

@pytest.mark.parametrize("crime_type", CRIME_TYPES)
def test_a_child_victim_gets_the_childrens_services_step_first(rules, crime_type):
    answers = harm(crime_type, age_group="under_18", immigration_concern=True, interpreter=True,
                      children_in_household=True)
    first = evaluate(rules, answers).steps[0]
    assert first.text.startswith("Make a child safeguarding referral to children's services before anything else")


def test_the_child_victim_rule_has_the_smallest_position(rules):
    child_rule = next(rule for rule in rules if rule.conditions == {"age_groups": ["under_18"]})
    assert all(child_rule.position < rule.position for rule in rules if rule is not child_rule)


def test_sexual_violence_in_the_last_7_days_offers_the_sarc_before_the_isva(rules):
    texts = [step.text for step in evaluate(rules, harm("sexual_violence_recent")).steps]
    sarc = next(i for i, text in enumerate(texts) if "SARC" in text)
    isva = next(i for i, text in enumerate(texts) if "ISVA" in text)
    assert sarc < isva


@pytest.mark.parametrize(("risk", "escalated"), [("standard", False), ("medium", False), ("high", True)])
def test_only_high_risk_domestic_abuse_is_referred_to_an_idva_and_marac(rules, risk, escalated):
    text = pathway_text(rules, harm("domestic_abuse", risk=risk))
    assert ("Independent Domestic Violence Adviser (IDVA)" in text) == escalated
    assert ("Refer the case to the MARAC" in text) == escalated


# -- The rules file itself ----------------------------------------------------------------------

def test_every_step_in_the_file_says_what_why_who_and_its_source(rules):
    for rule in rules:
        for step in rule.steps:
            for field in ("text", "why", "who", "source"):
                assert getattr(step, field).strip(), f"{rule.key}: a step has no {field}"


def test_every_rule_fits_the_rule_editor_so_editors_can_save_it_unchanged(rules):
    # The limits of PathwayRule.key and title and of the editor's who and source fields.
    for rule in rules:
        assert len(rule.key) <= 64 and len(rule.title) <= 255, rule.key
        for step in rule.steps:
            assert len(step.who) <= 255 and len(step.source) <= 255, f"{rule.key}: {step.text}"


def test_a_pathway_never_says_the_same_step_twice(rules):
    for crime_type in CRIME_TYPES:
        answers = harm(crime_type, risk="high", age_group="under_18", immigration_concern=True, nrpf=True,
                          interpreter=True, children_in_household=True, women_only=True)
        texts = [step.text for step in evaluate(rules, answers).steps]
        assert len(texts) == len(set(texts))


def _taxonomy_codes(taxonomy: str) -> set[str]:
    with open(TAXONOMY_FILE, newline="", encoding="utf-8") as file:
        return {row["code"] for row in csv.DictReader(file) if row["taxonomy"] == taxonomy}


def test_every_need_in_the_file_is_a_taxonomy_code(rules):
    needs = _taxonomy_codes("Safe Space Sussex needs")
    for rule in rules:
        assert set(rule.service_query.get("needs", ())) <= needs, rule.key
        for step in rule.steps:
            assert step.refers is None or set(step.refers.needs) <= needs, f"{rule.key}: {step.text}"


@pytest.mark.parametrize("crime_type", CRIME_TYPES)
def test_every_harm_refers_the_victim_to_services_under_a_step(rules, crime_type):
    assert any(step.refers for step in evaluate(rules, harm(crime_type)).steps)


# -- Rules that cannot be used are refused, naming the rule -------------------------------------

A_STEP = '''
[[rule.steps]]
text = "Refer the victim to the Victim Hub."
why = "They arrange support."
who = "You (attending officer)"
source = "Victims' Code, Right 4"
'''


def write_rules(tmp_path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("rule_text", "message"), [
    pytest.param('[[rule]]\nkey = "typo"\ntitle = "T"\n[rule.conditions]\ncrime_type = ["fraud"]\n' + A_STEP,
                 "unknown condition 'crime_type'", id="unknown condition name"),
    pytest.param('[[rule]]\nkey = "typo"\ntitle = "T"\n[rule.conditions]\ncrime_types = ["burglary"]\n' + A_STEP,
                 "burglary", id="unknown crime type"),
    pytest.param('[[rule]]\nkey = "typo"\ntitle = "T"\n[rule.conditions]\nnrpf = "yes"\n' + A_STEP,
                 "nrpf must be true or false", id="yes/no condition not true or false"),
    pytest.param('[[rule]]\nkey = "typo"\ntitle = "T"\n' + A_STEP.replace('source = "Victims\' Code, Right 4"\n', ""),
                 "source", id="missing step field"),
    pytest.param('[[rule]]\nkey = "typo"\ntitle = "T"\n', "has no steps", id="no steps"),
    pytest.param('[[rule]]\nkey = "typo"\ntitle = "T"\n[rule.service_query]\ncategories = ["fraud"]\n' + A_STEP,
                 "service_query takes only", id="unknown service query key"),
    pytest.param('[[rule]]\nkey = "typo"\ntitle = "T"\n[rule.service_query]\nneeds = "fraud"\n' + A_STEP,
                 "lists of codes", id="service query codes not a list"),
    pytest.param('[[rule]]\nkey = "typo"\ntitle = "T"\nposition = "first"\n' + A_STEP,
                 "first", id="position not a number"),
    pytest.param('[[rule]]\nkey = "typo"\ntitle = "T"\n[rule.condition]\ncrime_types = ["fraud"]\n' + A_STEP,
                 "unknown field(s) condition", id="misspelt section"),
    pytest.param('[[rule]]\nkey = "typo"\ntitle = "T"\n[rule.conditions]\ncrime_types = "fraud"\n' + A_STEP,
                 "crime_types must be a list", id="single value for a list"),
    pytest.param('[[rule]]\nkey = "typo"\ntitle = "T"\n' + A_STEP + '[rule.steps.refers]\nneed = ["fraud"]\n',
                 "refers takes only", id="misspelt referral field"),
    pytest.param('[[rule]]\nkey = "typo"\ntitle = "T"\n' + A_STEP + '[rule.steps.refers]\naccommodation = true\n',
                 "refers needs needs or words", id="referral to nothing"),
    pytest.param('[[rule]]\nkey = "typo"\ntitle = "T"\n' + A_STEP + '[rule.steps.refers]\nneeds = "fraud"\n',
                 "refers.needs must be a list", id="referral needs not a list"),
    pytest.param('[[rule]]\nkey = "typo"\ntitle = "T"\n[rule.service_query]\nflags = ["open_to_all"]\n' + A_STEP,
                 "service_query takes only needs", id="rule-wide flags are gone"),
])
def test_a_rule_that_cannot_be_used_is_refused_naming_the_rule(tmp_path, rule_text, message):
    with pytest.raises(RuleError) as refused:
        read_rules_file(write_rules(tmp_path, rule_text))
    assert "rule typo" in str(refused.value)
    assert message in str(refused.value)


def test_two_rules_with_the_same_key_are_refused_naming_the_key(tmp_path):
    rule = '[[rule]]\nkey = "victim-hub"\ntitle = "T"\n' + A_STEP
    with pytest.raises(RuleError, match="rule keys appear twice: victim-hub"):
        read_rules_file(write_rules(tmp_path, rule + rule.replace('title = "T"', 'title = "Again"')))


def test_a_file_that_is_not_toml_is_refused_naming_the_file(tmp_path):
    with pytest.raises(RuleError, match="rules.toml"):
        read_rules_file(write_rules(tmp_path, "[[rule]\nkey = "))


# -- The engine ---------------------------------------------------------------------------------

def _rule(key: str, position: int, *step_texts: str, **conditions) -> dict:
    steps = [{"text": text, "why": "Why.", "who": "You (attending officer)", "source": "Victims' Code"}
             for text in step_texts]
    return {"key": key, "title": key, "position": position, "conditions": conditions, "steps": steps}


def test_a_step_shared_by_two_rules_is_said_once_where_it_first_appears():
    rules = [rule_from_dict(_rule("stalking", 20, "Complete a DASH risk assessment.", "Refer to a stalking advocate.",
                                  crime_types=["stalking_harassment"])),
             rule_from_dict(_rule("dash-everywhere", 10, "Complete a DASH risk assessment."))]
    texts = [step.text for step in evaluate(rules, harm("stalking_harassment")).steps]
    assert texts == ["Complete a DASH risk assessment.", "Refer to a stalking advocate."]


def test_steps_follow_the_rule_positions_not_the_order_in_the_file():
    rules = [rule_from_dict(_rule("later", 30, "Second.")), rule_from_dict(_rule("sooner", 10, "First."))]
    pathway = evaluate(rules, harm("other"))
    assert [step.text for step in pathway.steps] == ["First.", "Second."]
    assert pathway.rules == ["sooner", "later"]


def test_a_rule_applies_only_when_every_condition_holds():
    rules = [rule_from_dict(_rule("high-risk-da", 10, "Refer to MARAC.", crime_types=["domestic_abuse"],
                                  risks=["high"]))]
    assert evaluate(rules, harm("domestic_abuse", risk="high")).steps
    assert not evaluate(rules, harm("domestic_abuse", risk="medium")).steps
    assert not evaluate(rules, harm("stalking_harassment", risk="high")).steps


# -- Recommendation 1 for every victim it covers -------------------------------------------------

@pytest.mark.parametrize("crime_type", [c for c in CRIME_TYPES if c != "domestic_abuse"])
def test_a_harm_by_a_partner_or_family_member_gets_the_domestic_abuse_immigration_steps(rules, crime_type):
    answers = harm(crime_type, personally_connected=True, immigration_concern=True)
    assert answers.treated_as_domestic_abuse
    assert shows_do_not_share(rules, answers)
    text = pathway_text(rules, answers)
    assert "Do not check the victim's immigration status" in text and "DASH risk assessment" in text
    assert not shows_do_not_share(rules, harm(crime_type, immigration_concern=True))


def test_a_child_harmed_by_family_stays_a_child_protection_case(rules):
    answers = harm("stalking_harassment", personally_connected=True, age_group="under_18", immigration_concern=True)
    assert not answers.treated_as_domestic_abuse
    assert evaluate(rules, answers).steps[0].text.startswith("Make a child safeguarding referral")


def test_the_immigration_doubt_steps_say_what_not_to_do_and_what_to_tell_the_victim(rules):
    text = pathway_text(rules, harm("domestic_abuse", immigration_concern=True))
    for words in ("Do not check the victim's immigration status", "Do not question the victim about their "
                  "immigration status", "evidence that an immigration offence has been committed",
                  "record your full rationale", "We will not contact Immigration Enforcement or check your status"):
        assert words in text


def test_two_harms_together_get_the_steps_of_both(rules):
    text = pathway_text(rules, Answers(crime_types=("domestic_abuse", "modern_slavery")))
    assert NRM in text and "DASH risk assessment" in text


def test_a_witness_is_told_of_the_support_for_witnesses(rules):
    assert "Witness Care Unit" in pathway_text(rules, harm("other", role="witness"))
    assert "Witness Care Unit" not in pathway_text(rules, harm("other"))


def test_a_trafficked_child_is_referred_to_a_child_trafficking_guardian(rules):
    steps = evaluate(rules, harm("modern_slavery", age_group="under_18")).steps
    guardian = next(step for step in steps if "Child Trafficking Guardian" in step.text)
    assert guardian.refers.words == "Guardian" and guardian.refers.needs == ("modern-slavery",)


def test_a_refuge_step_is_marked_as_accommodation_so_no_recourse_to_public_funds_applies(rules):
    steps = evaluate(rules, harm("domestic_abuse", risk="high")).steps
    refuge = next(step for step in steps if "refuge" in step.text)
    assert refuge.refers.accommodation and set(refuge.refers.needs) == {"housing-refuge", "domestic-abuse"}
    idva = next(step for step in steps if "IDVA" in step.text)
    assert not idva.refers.accommodation


def test_a_rule_with_its_referrals_survives_the_round_trip(rules):
    for rule in rules:
        assert rule_from_dict(rule_to_dict(rule)) == rule


def test_the_helplines_for_the_harm_the_officer_chose_come_before_those_it_adds(rules):
    needs = evaluate(rules, harm("stalking_harassment", personally_connected=True)).harm_needs
    assert needs.index("stalking-harassment") < needs.index("domestic-abuse")



# -- Every kind of condition, one at a time ------------------------------------------------------

CONDITION_CASES = [
    ({"risks": ["high"]}, {"risk": "high"}, {"risk": "medium"}),
    ({"risks": ["medium", "high"]}, {"risk": "medium"}, {"risk": "standard"}),
    ({"age_groups": ["65_and_over"]}, {"age_group": "65_and_over"}, {"age_group": "18_to_64"}),
    ({"genders": ["woman"]}, {"gender": "woman"}, {"gender": "not_said"}),
    ({"genders": ["man", "other"]}, {"gender": "other"}, {"gender": "woman"}),
    ({"roles": ["witness"]}, {"role": "witness"}, {"role": "victim"}),
    ({"personally_connected": True}, {"personally_connected": True}, {"personally_connected": False}),
    ({"immigration_concern": False}, {"immigration_concern": False}, {"immigration_concern": True}),
    ({"nrpf": True}, {"nrpf": True}, {"nrpf": False}),
    ({"interpreter": True}, {"interpreter": True}, {"interpreter": False}),
    ({"children_in_household": True}, {"children_in_household": True}, {"children_in_household": False}),
    ({"women_only": True}, {"women_only": True}, {"women_only": False}),
    ({"crime_types": ["fraud", "hate_crime"]}, {"crime_types": ("other", "hate_crime")}, {"crime_types": ("other",)}),
]


@pytest.mark.parametrize(("conditions", "holds", "fails"), CONDITION_CASES, ids=lambda value: str(value))
def test_each_kind_of_condition_holds_for_its_answers_only(conditions, holds, fails):
    rule = rule_from_dict({**_rule("r", 10, "Do it."), "conditions": conditions})
    base = {"crime_types": ("other",)}
    assert evaluate([rule], Answers(**{**base, **holds})).steps
    assert not evaluate([rule], Answers(**{**base, **fails})).steps


def test_an_adult_harmed_by_a_partner_has_domestic_abuse_added_once_and_last():
    answers = Answers(crime_types=("stalking_harassment",), personally_connected=True)
    assert answers.harms == ("stalking_harassment", "domestic_abuse")
    chosen = Answers(crime_types=("domestic_abuse",), personally_connected=True)
    assert chosen.harms == ("domestic_abuse",) and not chosen.treated_as_domestic_abuse
    assert Answers(crime_types=("fraud",)).harms == ("fraud",)


def test_a_step_and_its_referral_round_trip_and_a_step_referring_nowhere_has_no_refers():
    data = {"text": "T", "why": "W", "who": "You", "source": "S",
            "refers": {"needs": ["b-need", "a-need"], "words": "IDVA", "accommodation": True, "for_children": True}}
    rule = rule_from_dict({**_rule("r", 1), "steps": [data, {k: v for k, v in data.items() if k != "refers"}]})
    with_referral, without = rule.steps
    assert with_referral.refers == Referral(needs=("a-need", "b-need"), words="IDVA", accommodation=True,
                                            for_children=True)
    assert with_referral.to_dict()["refers"] == {"needs": ["a-need", "b-need"], "words": "IDVA",
                                                 "accommodation": True, "for_children": True}
    assert without.refers is None and "refers" not in without.to_dict()
    assert Referral(words="Victim Hub").to_dict() == {"words": "Victim Hub"}
    assert rule_from_dict(rule_to_dict(rule)) == rule


def test_the_needs_of_a_rule_are_kept_sorted_so_an_editor_save_changes_nothing():
    rule = rule_from_dict({**_rule("r", 1, "Do it."), "service_query": {"needs": ["harmful-practices", "children"]}})
    assert rule.service_query == {"needs": ["children", "harmful-practices"]}


def test_no_language_chosen_is_no_language_preference():
    assert Answers(crime_types=("fraud",)).language is None


@pytest.mark.parametrize(("rule_text", "message"), [
    ('[[rule]]\nkey = "typo"\ntitle = "T"\nextra = 1\n[rule.condition]\n' + A_STEP, "unknown field(s) condition, extra"),
    ('[[rule]]\nkey = "typo"\ntitle = "T"\n' + A_STEP + 'colour = "red"\n', "unknown step field(s) colour"),
    ('[[rule]]\nkey = "typo"\ntitle = "T"\n' + A_STEP + '[rule.steps.refers]\nneed = ["fraud"]\n',
     "refers takes only accommodation, for_children, needs, words"),
    ('[[rule]]\nkey = "typo"\ntitle = "T"\n[rule.service_query]\nflags = ["x"]\n' + A_STEP,
     "service_query takes only needs"),
    ('[[rule]]\nkey = "typo"\ntitle = "T"\n' + A_STEP + '[rule.steps.refers]\nneeds = "fraud"\n',
     'refers.needs must be a list of codes, like needs = ["domestic-abuse"]'),
    ('[[rule]]\nkey = "typo"\ntitle = "T"\n' + A_STEP + '[rule.steps.refers]\naccommodation = true\n',
     "refers needs needs or words to find services"),
    ('[[rule]]\nkey = "typo"\ntitle = "T"\n[rule.service_query]\nneeds = "fraud"\n' + A_STEP,
     'service_query values must be lists of codes, like needs = ["fraud"]'),
    ('[[rule]]\nkey = "typo"\ntitle = "T"\n', "has no steps"),
    ('[[rule]]\nkey = "typo"\ntitle = "T"\n[rule.conditions]\nrisks = ["severe", "dire"]\n' + A_STEP,
     "risks accepts standard, medium, high, not ['dire', 'severe']"),
    ('[[rule]]\nkey = "typo"\ntitle = "T"\n[rule.conditions]\nrisk_tools = "DASH"\n' + A_STEP,
     'risk_tools must be a list of DASH, DARA, like risk_tools = ["DASH"]'),
    ('[[rule]]\nkey = "typo"\ntitle = "T"\n' + A_STEP + 'shares = 1\n',
     'shares must be words, like shares = "The victim\'s details go to ..."'),
    ('[[rule]]\nkey = "typo"\ntitle = "T"\n' + A_STEP.replace("Victim Hub.", "{hub} {area}."),
     "unknown placeholder {area}: use dapn_in_force_from"),
    ('[[rule]]\nkey = "typo"\ntitle = "T"\npolicy_as_at = "last spring"\n' + A_STEP,
     "policy_as_at must be a date, like policy_as_at = 2027-05-01"),
    ('[[rule]]\nkey = "typo"\ntitle = "T"\nreview_by = 2027\n' + A_STEP,
     "review_by must be a date, like review_by = 2027-05-01"),
])
def test_a_refused_rule_says_exactly_what_is_wrong(tmp_path, rule_text, message):
    with pytest.raises(RuleError) as refused:
        read_rules_file(write_rules(tmp_path, rule_text))
    assert str(refused.value) == f"rule typo: {message}"


def test_a_file_with_no_rules_has_none(tmp_path):
    assert read_rules_file(write_rules(tmp_path, "# nothing yet\n")) == []


def test_a_rule_without_a_key_is_refused_as_having_none(tmp_path):
    with pytest.raises(RuleError) as refused:
        read_rules_file(write_rules(tmp_path, '[[rule]]\ntitle = "T"\n' + A_STEP))
    assert str(refused.value) == "rule (no key): missing or malformed 'key'"


def test_every_key_that_appears_twice_is_named(tmp_path):
    text = "".join(f'[[rule]]\nkey = "{key}"\ntitle = "T"\n' + A_STEP for key in ("b", "a", "b", "a", "c"))
    with pytest.raises(RuleError) as refused:
        read_rules_file(write_rules(tmp_path, text))
    assert str(refused.value) == "rules.toml: rule keys appear twice: a, b"


def test_a_rules_owner_and_dates_are_read_written_and_kept(tmp_path):
    text = ('[[rule]]\nkey = "r"\ntitle = "Rule"\nowner = "Force lead"\npolicy_as_at = 2026-11-01\n'
            'review_by = 2027-05-01\n' + A_STEP)
    [rule] = read_rules_file(write_rules(tmp_path, text))
    assert (rule.owner, rule.policy_as_at, rule.review_by, rule.position) == (
        "Force lead", date(2026, 11, 1), date(2027, 5, 1), 0)
    written = rule_to_dict(rule)
    assert (written["owner"], written["policy_as_at"], written["review_by"]) == ("Force lead", "2026-11-01",
                                                                                 "2027-05-01")
    assert rule_from_dict(written) == rule
    bare = rule_from_dict({"key": "b", "title": "B", "steps": [rule_to_dict(rule)["steps"][0]]})
    assert (bare.owner, bare.policy_as_at, bare.review_by, bare.steps[0].shares) == ("", None, None, "")
    assert rule_to_dict(bare)["policy_as_at"] is None and rule_to_dict(bare)["steps"][0] == {
        "text": "Refer the victim to the Victim Hub.", "why": "They arrange support.", "who": "You (attending officer)",
        "source": "Victims' Code, Right 4"}


@pytest.mark.parametrize(("review_by", "overdue"), [
    (None, True), (date(2027, 4, 30), True), (date(2027, 5, 1), False), (date(2027, 5, 2), False)])
def test_a_rule_is_overdue_after_its_review_date_or_without_one(review_by, overdue):
    rule = rule_from_dict({"key": "r", "title": "R", "review_by": review_by and review_by.isoformat(),
                           "steps": [{"text": "T", "why": "W", "who": "You", "source": "S"}]})
    assert rule.review_overdue(date(2027, 5, 1)) is overdue


def test_a_pathway_lists_the_rules_its_steps_come_from_in_order():
    first = rule_from_dict({"key": "b", "title": "B", "position": 1,
                            "steps": [{"text": "T1", "why": "W", "who": "You", "source": "S"}]})
    second = rule_from_dict({"key": "a", "title": "A", "position": 2, "conditions": {"crime_types": ["fraud"]},
                             "steps": [{"text": "T2", "why": "W", "who": "You", "source": "S"}]})
    never = rule_from_dict({"key": "c", "title": "C", "conditions": {"crime_types": ["hate_crime"]},
                            "steps": [{"text": "T3", "why": "W", "who": "You", "source": "S"}]})
    assert evaluate([second, never, first], Answers(crime_types=("fraud",))).applied == [first, second]


def test_a_referral_without_words_has_none_and_a_rule_keeps_its_title():
    assert Referral.from_dict({"needs": ["fraud"]}).words == ""
    rule = rule_from_dict({"key": "r", "title": "A title", "steps": [{"text": "T", "why": "W", "who": "You",
                                                                      "source": "S"}]})
    assert rule.title == "A title"


def test_every_unknown_step_field_is_named(tmp_path):
    with pytest.raises(RuleError) as refused:
        read_rules_file(write_rules(tmp_path, '[[rule]]\nkey = "typo"\ntitle = "T"\n' + A_STEP + 'b = 1\na = 2\n'))
    assert str(refused.value) == "rule typo: unknown step field(s) a, b"
