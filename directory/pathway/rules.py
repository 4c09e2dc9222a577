"""The referral pathway rule engine: given what an officer knows, the steps to follow and the services to look for.

Rules are data (data/pathway_rules.toml, loaded into the database and edited by editors).
Each rule says when it applies (every condition must hold; a condition lists the answers it
accepts), the steps it adds (each with why, who and the policy it comes from; a step that
refers the victim somewhere says which services it needs) and the needs of the harm, for the
national helplines. A step that passes information on says what goes, to whom, on what basis and
whether the victim can say no (`shares`). Some rules depend on the force's policy settings (its
domestic abuse risk tool, and which protective notices are in force), not on the officer's answers:
`evaluate` takes those as `PolicySettings`. Which access conditions those services must meet follows from the
victim's circumstances, step by step (directory/pathway/services.py), not from the rules.
No Flask and no database here: tests call `evaluate` directly.
"""

import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

CRIME_TYPES = {
    "domestic_abuse": "Domestic abuse",
    "sexual_violence_recent": "Sexual violence: in the last 7 days",
    "sexual_violence_non_recent": "Sexual violence: more than 7 days ago",
    "stalking_harassment": "Stalking and harassment",
    "harmful_practices": "Harmful practices: FGM, forced marriage, so-called honour-based abuse",
    "modern_slavery": "Modern slavery or human trafficking",
    "hate_crime": "Hate crime",
    "fraud": "Fraud",
    "other": "Another crime",
}
RISKS = {"standard": "Standard", "medium": "Medium", "high": "High"}
# Under 16 and 16 to 17 are apart because the Domestic Abuse Act 2021 covers people aged 16 or over: abuse of a
# younger child by family is child abuse. Both are children (under 18) for safeguarding.
AGE_GROUPS = {"under_16": "Under 16", "16_to_17": "16 or 17", "18_to_64": "18 to 64", "65_and_over": "65 or over"}
# A rule condition "under_18" means both children's groups; it is also what officers chose before the split,
# so rules written then (and edited here) keep working. Answered, it is a child of unknown age (not 16+).
CHILD_AGE_GROUPS = ("under_16", "16_to_17")
AGE_CONDITIONS = {"under_18": "Under 18 (under 16, and 16 or 17)", **AGE_GROUPS}
# The ages each group covers, to match services' age ranges.
AGE_RANGES = {"under_18": (0, 17), "under_16": (0, 15), "16_to_17": (16, 17), "18_to_64": (18, 64),
              "65_and_over": (65, 150)}
DOMESTIC_ABUSE_AGES = ("16_to_17", "18_to_64", "65_and_over")
GENDERS = {"woman": "Woman or girl", "man": "Man or boy", "other": "Another gender", "not_said": "Not said"}
ROLES = {"victim": "Victim", "witness": "Witness"}
# Conditions a rule may set: a list of accepted values, or true/false for yes/no answers.
CHOICE_CONDITIONS = {"crime_types": CRIME_TYPES, "risks": RISKS, "age_groups": AGE_CONDITIONS, "genders": GENDERS,
                     "roles": ROLES}
# The force's policy settings (directory/config.py), which a rule may also depend on.
RISK_TOOLS = {"DASH": "DASH (SafeLives risk identification checklist)",
              "DARA": "DARA (College of Policing domestic abuse risk assessment)"}
PROTECTIVE_ORDERS = {"DVPN": "Domestic Violence Protection Notices and Orders (Crime and Security Act 2010)",
                     "DAPN": "Domestic Abuse Protection Notices and Orders (Domestic Abuse Act 2021)"}
SETTING_CONDITIONS = {"risk_tools": RISK_TOOLS, "protective_orders": PROTECTIVE_ORDERS}
YES_NO_CONDITIONS = {
    "personally_connected": "The suspect is a partner, ex-partner or family member",
    "immigration_concern": "Concern about immigration status",
    "nrpf": "No recourse to public funds",
    "interpreter": "Needs an interpreter",
    "children_in_household": "Children in the household",
    "women_only": "Would prefer a women-only service",
    "care_and_support_needs": "May have care and support needs (Care Act 2014)",
    "spiking_suspected": "May have been spiked (drugged without knowing)",
    "in_immigration_detention": "In immigration detention",
}
QUERY_KEYS = ("needs",)
REFERRAL_KEYS = {"needs", "words", "accommodation", "for_children"}
# What a rule holds besides its key, in the order the file and the editor give them.
RULE_FIELDS = ("title", "position", "conditions", "steps", "service_query", "owner", "policy_as_at", "review_by")
_STEP_FIELDS = {"text", "why", "who", "source", "refers", "shares"}
# Words a step may contain that the force's settings fill in, e.g. the date DAPNs came into force here.
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
PLACEHOLDERS = ("dapn_in_force_from",)


class RuleError(ValueError):
    """A rule that cannot be used, with where and why, for a person to fix."""


@dataclass(frozen=True)
class Answers:
    """What the officer told the pathway finder. Nothing here names or identifies the victim."""

    crime_types: tuple[str, ...]  # every harm that applies (domestic servitude by a spouse is two)
    risk: str = "standard"
    age_group: str = "18_to_64"
    gender: str = "not_said"
    role: str = "victim"
    personally_connected: bool = False
    immigration_concern: bool = False
    nrpf: bool = False
    interpreter: bool = False
    language: str | None = None  # ISO 639-1 code of the language the victim prefers, None for English
    children_in_household: bool = False
    women_only: bool = False
    care_and_support_needs: bool = False
    spiking_suspected: bool = False
    in_immigration_detention: bool = False
    all_genders: bool = False  # the officer asks to see services for other genders too

    @property
    def treated_as_domestic_abuse(self) -> bool:
        """A harm by a partner, ex-partner or family member is domestic abuse (Domestic Abuse Act 2021
        s.1-2, "personally connected", both aged 16 or over), so its steps apply, the immigration-doubt
        ones included. A child under 16 (or of unknown age) stays a child protection case."""
        return (self.personally_connected and self.age_group in DOMESTIC_ABUSE_AGES
                and "domestic_abuse" not in self.crime_types)

    @property
    def harms(self) -> tuple[str, ...]:
        return (*self.crime_types, "domestic_abuse") if self.treated_as_domestic_abuse else self.crime_types

    def accepted_by(self, condition: str, accepted) -> bool:
        if condition == "crime_types":
            return bool(set(self.harms) & set(accepted))
        if condition == "age_groups" and "under_18" in accepted:
            accepted = (*accepted, *CHILD_AGE_GROUPS)
        value = getattr(self, {"risks": "risk", "age_groups": "age_group", "genders": "gender",
                               "roles": "role"}.get(condition, condition))
        return value == accepted if isinstance(accepted, bool) else value in accepted


@dataclass(frozen=True)
class PolicySettings:
    """What the force has decided, not the officer: its domestic abuse risk tool, and whether the Domestic
    Abuse Act 2021 protection notices are in force here (and from when) or the older DVPNs still apply."""

    risk_tool: str = "DASH"
    protective_orders: str = "DVPN"
    dapn_in_force_from: date | None = None

    def __post_init__(self):
        if self.risk_tool not in RISK_TOOLS:
            raise ValueError(f"RISK_TOOL must be one of {', '.join(RISK_TOOLS)}, not {self.risk_tool!r}")
        if self.protective_orders not in PROTECTIVE_ORDERS:
            raise ValueError(f"PROTECTIVE_ORDERS must be one of {', '.join(PROTECTIVE_ORDERS)}, "
                             f"not {self.protective_orders!r}")
        if self.protective_orders == "DAPN" and self.dapn_in_force_from is None:
            raise ValueError("PROTECTIVE_ORDERS=DAPN needs DAPN_IN_FORCE_FROM, the date they came into force "
                             "in this force area, like 2025-04-01")

    @classmethod
    def from_config(cls, config) -> "PolicySettings":
        """From the app's configuration (any mapping), so views pass plain values in."""
        when = config.get("DAPN_IN_FORCE_FROM")
        return cls(risk_tool=config.get("RISK_TOOL", "DASH"), protective_orders=config.get("PROTECTIVE_ORDERS", "DVPN"),
                   dapn_in_force_from=date.fromisoformat(when) if isinstance(when, str) and when else when or None)

    def accepts(self, condition: str, accepted) -> bool:
        return {"risk_tools": self.risk_tool, "protective_orders": self.protective_orders}[condition] in accepted

    def fill(self, words: str) -> str:
        """A step's words with the settings' placeholders filled in."""
        when = self.dapn_in_force_from
        values = {"dapn_in_force_from": f"{when.day} {when:%B %Y}" if when else "(date not set: check force policy)"}
        return PLACEHOLDER.sub(lambda match: values[match.group(1)], words)


@dataclass(frozen=True)
class Referral:
    """The services a step refers the victim to: those helping with every one of `needs` (kept sorted: their
    order means nothing), narrowed by `words` if given.

    `accommodation` marks a place to stay (or money), where no recourse to public funds matters;
    `for_children` marks services for the children of the household rather than for the victim.
    """

    needs: tuple[str, ...] = ()
    words: str = ""
    accommodation: bool = False
    for_children: bool = False

    @classmethod
    def from_dict(cls, data: dict | None) -> "Referral | None":
        if not data:
            return None
        if set(data) - REFERRAL_KEYS:
            raise RuleError(f"refers takes only {', '.join(sorted(REFERRAL_KEYS))}")
        needs = data.get("needs", [])
        if not isinstance(needs, list) or not all(isinstance(code, str) for code in needs):
            raise RuleError('refers.needs must be a list of codes, like needs = ["domestic-abuse"]')
        if not needs and not data.get("words"):
            raise RuleError("refers needs needs or words to find services")
        return cls(needs=tuple(sorted(needs)), words=str(data.get("words", "")),
                   accommodation=bool(data.get("accommodation")), for_children=bool(data.get("for_children")))

    def to_dict(self) -> dict:
        data = {"needs": list(self.needs), "words": self.words, "accommodation": self.accommodation,
                "for_children": self.for_children}
        return {key: value for key, value in data.items() if value}


@dataclass(frozen=True)
class Step:
    text: str
    why: str
    who: str
    source: str
    refers: Referral | None = None
    # What information this step passes on, to whom, on what basis, and whether the victim can say no.
    shares: str = ""

    def to_dict(self) -> dict:
        data = {"text": self.text, "why": self.why, "who": self.who, "source": self.source}
        if self.refers:
            data["refers"] = self.refers.to_dict()
        if self.shares:
            data["shares"] = self.shares
        return data

    def filled(self, settings: PolicySettings) -> "Step":
        return replace(self, **{name: settings.fill(getattr(self, name)) for name in ("text", "why", "shares")})


@dataclass(frozen=True)
class Rule:
    """One rule, and who answers for it: the role that owns the policy, the date the policy is stated as
    at, and the date by which the owner must check it is still current."""

    key: str
    title: str
    position: int
    conditions: dict
    steps: tuple[Step, ...]
    service_query: dict
    owner: str = ""
    policy_as_at: date | None = None
    review_by: date | None = None

    def applies(self, answers: Answers, settings: PolicySettings) -> bool:
        return all(settings.accepts(condition, accepted) if condition in SETTING_CONDITIONS
                   else answers.accepted_by(condition, accepted) for condition, accepted in self.conditions.items())

    def review_overdue(self, today: date) -> bool:
        """Past its review date, or never given one: officers are told to check it is current."""
        return self.review_by is None or self.review_by < today


@dataclass
class Pathway:
    steps: list[Step] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    harm_needs: tuple[str, ...] = ()  # the needs of every applying rule: what the national helplines must help with
    applied: list[Rule] = field(default_factory=list)  # where the steps come from, with their owners and dates


def evaluate(rules: list[Rule], answers: Answers, settings: PolicySettings | None = None) -> Pathway:
    """The steps of every rule that applies, in rule order, and the needs of the harm."""
    settings = settings or PolicySettings()
    applying = sorted((rule for rule in rules if rule.applies(answers, settings)),
                      key=lambda rule: (rule.position, rule.key))
    steps, seen = [], set()
    for rule in applying:
        for step in rule.steps:
            if step.text not in seen:  # two rules may share a step (e.g. the refuge): say it once
                seen.add(step.text)
                steps.append(step.filled(settings))

    def added(rule: Rule) -> bool:
        """Applies only through a harm added on the officer's answers (domestic abuse, for a partner's
        stalking): its needs come after those of what the officer chose, so their helplines lead."""
        return not set(rule.conditions.get("crime_types", ())) & set(answers.crime_types)

    needs = dict.fromkeys(code for rule in sorted(applying, key=added) for code in rule.service_query.get("needs", ()))
    return Pathway(steps=steps, rules=[rule.key for rule in applying], harm_needs=tuple(needs), applied=applying)


def rule_from_dict(data: dict) -> Rule:
    """A rule from its stored or written form, checked so a typo cannot silently never match."""
    key = data.get("key") or "(no key)"
    try:
        unexpected = set(data) - {"key", *RULE_FIELDS}
        if unexpected:  # e.g. [rule.condition]: the rule would otherwise apply to every case
            raise RuleError(f"unknown field(s) {', '.join(sorted(unexpected))}")
        conditions = dict(data.get("conditions", {}))
        for name, accepted in conditions.items():
            if name in CHOICE_CONDITIONS:
                if not isinstance(accepted, list):
                    raise RuleError(f'{name} must be a list, like {name} = ["{next(iter(CHOICE_CONDITIONS[name]))}"]')
                unknown = set(accepted) - set(CHOICE_CONDITIONS[name])
                if unknown:
                    raise RuleError(f"{name} accepts {', '.join(CHOICE_CONDITIONS[name])}, not {sorted(unknown)}")
            elif name in SETTING_CONDITIONS:
                if not isinstance(accepted, list) or set(accepted) - set(SETTING_CONDITIONS[name]):
                    raise RuleError(f'{name} must be a list of {", ".join(SETTING_CONDITIONS[name])}, '
                                    f'like {name} = ["{next(iter(SETTING_CONDITIONS[name]))}"]')
            elif name in YES_NO_CONDITIONS:
                if not isinstance(accepted, bool):
                    raise RuleError(f"{name} must be true or false")
            else:
                raise RuleError(f"unknown condition {name!r}")
        query = dict(data.get("service_query", {}))
        if set(query) - set(QUERY_KEYS):
            raise RuleError(f"service_query takes only {', '.join(QUERY_KEYS)}")
        # list("fraud") would quietly become a search for the codes f, r, a, u, d
        if not all(isinstance(codes, list) and all(isinstance(code, str) for code in codes)
                   for codes in query.values()):
            raise RuleError('service_query values must be lists of codes, like needs = ["fraud"]')
        steps = tuple(_step_from_dict(s) for s in data.get("steps", []))
        if not steps:
            raise RuleError("has no steps")
        # Sorted: the order of a rule's needs means nothing, so a save from the editor's checkboxes changes nothing.
        return Rule(key=data["key"], title=data["title"], position=int(data.get("position", 0)),
                    conditions=conditions, steps=steps, service_query={k: sorted(v) for k, v in query.items()},
                    owner=str(data.get("owner") or ""), policy_as_at=_date(data, "policy_as_at"),
                    review_by=_date(data, "review_by"))
    except RuleError as error:  # before ValueError: RuleError is one
        raise RuleError(f"rule {key}: {error}") from error
    except (KeyError, TypeError, ValueError) as error:  # ValueError: a position that is not a number
        raise RuleError(f"rule {key}: missing or malformed {error}") from error


def _date(data: dict, name: str) -> date | None:
    """A date as TOML writes it (a date) or as the database keeps it (ISO text)."""
    value = data.get(name)
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise RuleError(f"{name} must be a date, like {name} = 2027-05-01") from None


def _step_from_dict(data: dict) -> Step:
    unexpected = set(data) - _STEP_FIELDS
    if unexpected:
        raise RuleError(f"unknown step field(s) {', '.join(sorted(unexpected))}")
    shares = data.get("shares", "")
    if not isinstance(shares, str):
        raise RuleError("shares must be words, like shares = \"The victim's details go to ...\"")
    for words in (data["text"], data["why"], shares):
        unknown = set(PLACEHOLDER.findall(words)) - set(PLACEHOLDERS)
        if unknown:  # a typo would otherwise show the braces to the officer
            raise RuleError(f"unknown placeholder {{{sorted(unknown)[0]}}}: use {', '.join(PLACEHOLDERS)}")
    return Step(text=data["text"], why=data["why"], who=data["who"], source=data["source"],
                refers=Referral.from_dict(data.get("refers")), shares=shares.strip())


def rule_to_dict(rule: Rule) -> dict:
    return {"key": rule.key, "title": rule.title, "position": rule.position, "conditions": rule.conditions,
            "steps": [step.to_dict() for step in rule.steps], "service_query": rule.service_query,
            "owner": rule.owner, "policy_as_at": rule.policy_as_at and rule.policy_as_at.isoformat(),
            "review_by": rule.review_by and rule.review_by.isoformat()}


def read_rules_file(path: str | Path) -> list[Rule]:
    """The rules in a TOML file: a `[[rule]]` table per rule, each with `[[rule.steps]]`."""
    with open(path, "rb") as file:
        try:
            document = tomllib.load(file)
        except tomllib.TOMLDecodeError as error:
            raise RuleError(f"{Path(path).name}: {error}") from error
    rules = [rule_from_dict(item) for item in document.get("rule", [])]
    keys = [rule.key for rule in rules]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise RuleError(f"{Path(path).name}: rule keys appear twice: {', '.join(duplicates)}")
    return rules
