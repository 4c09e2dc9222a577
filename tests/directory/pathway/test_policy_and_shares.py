"""The shipped rules that follow the force's settings and the new answers, and what each step shares.

No Flask and no database: the real rules file is read and evaluated directly, as in test_rules.py.
"""

import re
from datetime import date
from pathlib import Path

import pytest

from directory.pathway.rules import (
    AGE_GROUPS,
    CRIME_TYPES,
    SETTING_CONDITIONS,
    Answers,
    PolicySettings,
    RuleError,
    Step,
    evaluate,
    read_rules_file,
    rule_from_dict,
    rule_to_dict,
)

RULES_FILE = Path(__file__).resolve().parents[3] / "data" / "pathway_rules.toml"
DASH, DARA = PolicySettings(risk_tool="DASH"), PolicySettings(risk_tool="DARA")
DVPN = PolicySettings(protective_orders="DVPN")
DAPN = PolicySettings(protective_orders="DAPN", dapn_in_force_from=date(2024, 11, 27))
DO_NOT_SHARE = "Do not share the victim's information with Immigration Enforcement"

# A step refers someone or passes information on when it refers to services, or its words say it
# refers, notifies, shares, passes on or discloses, or name a body information goes to.
PASSES_ON = re.compile(r"\brefer(s|red|ring|ral|rals)?\b|\bnotif|\bshar(e|ed|es|ing)\b|\bpass(es|ed|ing)?\b"
                       r"|\bMARAC\b|\bNRM\b|Victim Hub|children's services|Encompass|disclos", re.IGNORECASE)


@pytest.fixture(scope="module")
def rules():
    return read_rules_file(RULES_FILE)


def steps(rules, answers: Answers, settings: PolicySettings | None = None) -> list[Step]:
    return evaluate(rules, answers, settings).steps


def text_of(rules, answers: Answers, settings: PolicySettings | None = None) -> str:
    return "\n".join(f"{step.text}\n{step.why}" for step in steps(rules, answers, settings))


def harm(crime_type: str, **answers) -> Answers:
    return Answers(crime_types=(crime_type,), **answers)


# -- The force's settings, both ways -------------------------------------------------------------

DA = harm("domestic_abuse")
SETTING_CASES = [
    pytest.param(DA, DASH, ["Complete a DASH risk assessment", "14 or more ticks"], ["DARA"], id="DASH force"),
    pytest.param(DA, DARA, ["Domestic Abuse Risk Assessment (DARA)", "no score threshold"],
                 ["DASH risk assessment", "14 or more"], id="DARA force"),
    pytest.param(harm("domestic_abuse", risk="high"), DARA, ["Refer the case to the MARAC", "force's risk assessment"],
                 ["14 or more"], id="DARA force, high risk: MARAC without the DASH threshold"),
    pytest.param(DA, DVPN, ["Domestic Violence Protection Notice (DVPN)", "consent is not needed"],
                 ["Domestic Abuse Protection Notice"], id="DVPN force"),
    pytest.param(DA, DAPN, ["Domestic Abuse Protection Notice (DAPN), in force in this force area from 27 November 2024",
                            "consent is not needed"], ["Domestic Violence Protection Notice", "{dapn_in_force_from}"],
                 id="DAPN force, with the date"),
    pytest.param(harm("stalking_harassment"), DARA, ["S-DASH"], ["DARA", "14 or more"],
                 id="stalking by a stranger: screening questions, no domestic abuse tool"),
    pytest.param(harm("stalking_harassment", personally_connected=True), DARA, ["S-DASH", "(DARA)"], ["14 or more"],
                 id="stalking by an ex-partner in a DARA force"),
]


@pytest.mark.parametrize(("answers", "settings", "present", "absent"), SETTING_CASES)
def test_the_risk_tool_and_protective_orders_follow_the_force_settings(rules, answers, settings, present, absent):
    text = text_of(rules, answers, settings)
    for words in present:
        assert words in text, f"expected {words!r}"
    for words in absent:
        assert words not in text, f"expected no {words!r}"


def test_the_default_settings_are_dash_and_dvpn(rules):
    assert PolicySettings() == PolicySettings(risk_tool="DASH", protective_orders="DVPN")
    assert text_of(rules, DA) == text_of(rules, DA, DASH)


@pytest.mark.parametrize(("values", "message"), [
    ({"risk_tool": "OASys"}, "RISK_TOOL must be one of DASH, DARA"),
    ({"protective_orders": "DAPO"}, "PROTECTIVE_ORDERS must be one of DVPN, DAPN"),
    ({"protective_orders": "DAPN"}, "needs DAPN_IN_FORCE_FROM"),
])
def test_settings_that_cannot_be_used_are_refused_saying_what_to_set(values, message):
    with pytest.raises(ValueError, match=message):
        PolicySettings(**values)


def test_settings_are_read_from_the_apps_configuration():
    settings = PolicySettings.from_config({"RISK_TOOL": "DARA", "PROTECTIVE_ORDERS": "DAPN",
                                           "DAPN_IN_FORCE_FROM": "2025-04-01"})
    assert settings == PolicySettings("DARA", "DAPN", date(2025, 4, 1))
    assert PolicySettings.from_config({}) == PolicySettings()


def test_a_setting_condition_is_checked_like_any_other_and_survives_the_round_trip():
    step = {"text": "T", "why": "W", "who": "You", "source": "S"}
    rule = rule_from_dict({"key": "r", "title": "R", "conditions": {"risk_tools": ["DARA"]}, "steps": [step]})
    assert rule_from_dict(rule_to_dict(rule)) == rule
    assert evaluate([rule], DA, DARA).steps and not evaluate([rule], DA, DASH).steps
    with pytest.raises(RuleError, match="risk_tools must be a list of DASH, DARA"):
        rule_from_dict({"key": "r", "title": "R", "conditions": {"risk_tools": ["OASys"]}, "steps": [step]})
    assert set(SETTING_CONDITIONS) == {"risk_tools", "protective_orders"}


def test_an_unknown_placeholder_is_refused_so_braces_never_reach_the_officer():
    step = {"text": "In force from {dapn_in_forse_from}.", "why": "W", "who": "You", "source": "S"}
    with pytest.raises(RuleError, match="unknown placeholder"):
        rule_from_dict({"key": "r", "title": "R", "steps": [step]})


# -- Ages: the Domestic Abuse Act covers 16 and over ---------------------------------------------

@pytest.mark.parametrize(("age_group", "domestic_abuse_steps", "child_steps"), [
    ("under_16", False, True), ("16_to_17", True, True), ("18_to_64", True, False), ("65_and_over", True, False),
    ("under_18", False, True),  # answered before the split: a child of unknown age
])
def test_domestic_abuse_steps_apply_from_16_and_child_protection_below_18(rules, age_group, domestic_abuse_steps,
                                                                        child_steps):
    text = text_of(rules, harm("domestic_abuse", age_group=age_group))
    assert ("Refer the victim to the Victim Hub" in text) == domestic_abuse_steps
    assert ("Make a child safeguarding referral to children's services before anything else" in text) == child_steps
    assert ("Treat abuse of a child under 16" in text) == (age_group == "under_16")


@pytest.mark.parametrize(("age_group", "treated"), [("under_16", False), ("16_to_17", True), ("18_to_64", True),
                                                     ("under_18", False)])
def test_a_partner_or_family_member_makes_it_domestic_abuse_from_16(age_group, treated):
    assert harm("sexual_violence_recent", personally_connected=True, age_group=age_group).treated_as_domestic_abuse \
        == treated


def test_a_child_under_16_with_a_doubt_about_status_is_still_told_what_is_shared(rules):
    text = text_of(rules, harm("domestic_abuse", age_group="under_16", immigration_concern=True))
    assert "plainly what will and will not be shared" in text and DO_NOT_SHARE not in text


def test_every_age_group_the_officer_can_choose_is_covered_by_the_age_ranges():
    from directory.pathway.rules import AGE_RANGES
    assert set(AGE_GROUPS) <= set(AGE_RANGES) and "under_18" in AGE_RANGES


# -- New steps and answers, each present only when its answers call for it ------------------------

STEP_CASES = [
    ("strangled, choked or suffocated", DA, harm("fraud")),
    ("UKVI account (eVisa)", DA, harm("domestic_abuse", age_group="under_16")),
    ("Clare's Law", DA, harm("stalking_harassment")),
    ("other MARAC criteria", harm("domestic_abuse", risk="standard"), harm("hate_crime")),
    ("Operation Encompass", harm("domestic_abuse", children_in_household=True), DA),
    ("Migrant Victims of Domestic Abuse Concession (MVDAC)", harm("domestic_abuse", nrpf=True), DA),
    ("Support for Migrant Victims (SMV) scheme", harm("domestic_abuse", nrpf=True), harm("fraud", nrpf=True)),
    ("section 17 of the Children Act 1989", harm("fraud", nrpf=True, children_in_household=True),
     harm("fraud", nrpf=True)),
    ("Immigration Advice Authority", harm("other", immigration_concern=True), harm("other")),
    ("refer themselves to the SARC", harm("sexual_violence_recent"), harm("sexual_violence_non_recent")),
    ("toxicology samples", harm("sexual_violence_recent", spiking_suspected=True), harm("sexual_violence_recent")),
    ("toxicology samples", harm("other", spiking_suspected=True), harm("other")),
    ("honour-based abuse single point of contact", harm("harmful_practices"), harm("other")),
    ("failing to protect her", harm("harmful_practices", age_group="under_16"), harm("harmful_practices")),
    ("NHS specialist FGM service", harm("harmful_practices"), harm("harmful_practices", age_group="16_to_17")),
    (DO_NOT_SHARE, harm("harmful_practices", personally_connected=True, immigration_concern=True),
     harm("harmful_practices", immigration_concern=True)),
    (DO_NOT_SHARE, harm("sexual_violence_recent", personally_connected=True, immigration_concern=True),
     harm("sexual_violence_recent", immigration_concern=True)),
    ("treat them as a child", harm("modern_slavery"), harm("other")),
    ("24-hour referral line", harm("modern_slavery"), harm("modern_slavery", age_group="under_16")),
    ("people selling sex", harm("modern_slavery"), harm("sexual_violence_recent")),
    ("True Vision", harm("hate_crime"), harm("other")),
    ("sponsorship scam", harm("fraud", immigration_concern=True), harm("fraud")),
    ("written acknowledgement of their report", harm("other"), harm("other", role="witness")),
    ("how to complain", harm("fraud"), harm("fraud", role="witness")),
    ("same assurances as a victim", harm("other", role="witness", immigration_concern=True),
     harm("other", role="witness")),
    ("Rule 35 report", harm("other", in_immigration_detention=True), harm("other", immigration_concern=True)),
    ("adult safeguarding referral", harm("hate_crime", care_and_support_needs=True), harm("hate_crime")),
    ("adult safeguarding referral", harm("fraud", age_group="65_and_over"), harm("fraud")),
]


@pytest.mark.parametrize(("words", "shown", "not_shown"), STEP_CASES, ids=lambda value: str(value)[:40])
def test_each_new_step_is_shown_for_its_answers_only(rules, words, shown, not_shown):
    assert words in text_of(rules, shown)
    assert words not in text_of(rules, not_shown)


def test_a_victim_in_immigration_detention_is_seen_in_private_and_first(rules):
    texts = [step.text for step in steps(rules, harm("other", in_immigration_detention=True))]
    assert texts[0].startswith("Take the report as you would from anyone else")


def test_the_nrm_is_one_step_saying_adults_consent_and_children_need_not(rules):
    for age_group in AGE_GROUPS:
        nrm = [s for s in steps(rules, harm("modern_slavery", age_group=age_group)) if "(NRM)" in s.text]
        assert len(nrm) == 1, age_group
        assert "informed consent" in nrm[0].text and "does not need to consent" in nrm[0].text
        assert "Duty to Notify" in nrm[0].text and "Duty to Notify" in nrm[0].shares


# -- What each step shares ----------------------------------------------------------------------

def test_every_step_that_refers_or_passes_information_on_says_what_it_shares(rules):
    missing = [f"{rule.key}: {step.text[:60]}" for rule in rules for step in rule.steps
               if (step.refers or PASSES_ON.search(step.text)) and not step.shares]
    assert not missing, "steps with no shares line:\n" + "\n".join(missing)


@pytest.mark.parametrize(("answers", "starting", "says"), [
    (DA, "Refer the victim to the Victim Hub", ["Victim Hub", "consent", "can say no"]),
    (harm("domestic_abuse", risk="high"), "Refer the case to the MARAC", ["MARAC's agencies", "consent is not needed"]),
    (harm("domestic_abuse", risk="high"), "Refer the victim to an Independent Domestic", ["IDVA service", "consent"]),
    (DA, "Complete a DASH risk assessment", ["police record", "decline"]),
    (DA, "Tell the victim about Clare's Law", ["in confidence", "necessary and proportionate"]),
    (harm("domestic_abuse", children_in_household=True), "Make sure an Operation Encompass",
     ["designated safeguarding lead", "consent is not needed"]),
    (harm("domestic_abuse", children_in_household=True), "Record every child", ["children's services"]),
    (harm("domestic_abuse", nrpf=True), "Put the victim in touch with a regulated", ["Home Office", "victim's application"]),
    (harm("modern_slavery"), "As a first responder", ["Home Office", "Duty to Notify", "they can say no"]),
])
def test_the_shares_line_says_what_goes_where_on_what_basis(rules, answers, starting, says):
    step = next(s for s in steps(rules, answers) if s.text.startswith(starting))
    for words in says:
        assert words in step.shares, f"{starting}: expected {words!r} in {step.shares!r}"


def test_shares_survives_the_round_trip_and_is_left_out_when_empty():
    step = {"text": "T", "why": "W", "who": "You", "source": "S", "shares": "Details go to X with consent."}
    rule = rule_from_dict({"key": "r", "title": "R", "steps": [step, {**step, "shares": ""}]})
    assert rule_to_dict(rule)["steps"][0]["shares"] == "Details go to X with consent."
    assert "shares" not in rule_to_dict(rule)["steps"][1]
    assert rule_from_dict(rule_to_dict(rule)) == rule


@pytest.mark.parametrize("crime_type", CRIME_TYPES)
def test_no_pathway_says_a_step_twice_with_every_new_answer(rules, crime_type):
    for settings in (DASH, DARA, DVPN, DAPN):
        answers = harm(crime_type, risk="high", age_group="16_to_17", personally_connected=True,
                       immigration_concern=True, nrpf=True, children_in_household=True, care_and_support_needs=True,
                       spiking_suspected=True, in_immigration_detention=True)
        texts = [step.text for step in steps(rules, answers, settings)]
        assert len(texts) == len(set(texts))


def test_the_dapn_setting_says_exactly_what_to_set():
    with pytest.raises(ValueError) as refused:
        PolicySettings(protective_orders="DAPN")
    assert str(refused.value) == ("PROTECTIVE_ORDERS=DAPN needs DAPN_IN_FORCE_FROM, the date they came into force "
                                  "in this force area, like 2025-04-01")


@pytest.mark.parametrize(("value", "read"), [("2025-04-01", date(2025, 4, 1)), (date(2025, 4, 1), date(2025, 4, 1)),
                                             ("", None), (None, None)])
def test_the_dapn_date_is_read_as_text_or_a_date_and_blank_is_none(value, read):
    assert PolicySettings.from_config({"DAPN_IN_FORCE_FROM": value}).dapn_in_force_from == read


def test_a_placeholder_without_its_setting_tells_the_officer_to_check():
    assert PolicySettings().fill("In force from {dapn_in_force_from}.") == (
        "In force from (date not set: check force policy).")
