"""The referral pathway rule engine: given what an officer knows, the steps to follow and the services to look for.

Rules are data (data/pathway_rules.toml, loaded into the database and edited by editors).
Each rule says when it applies (every condition must hold; a condition lists the answers it
accepts), the steps it adds (each with why, who and the policy it comes from; a step that
refers the victim somewhere says which services it needs) and the needs of the harm, for the
national helplines. Which access conditions those services must meet follows from the
victim's circumstances, step by step (directory/pathway/services.py), not from the rules.
No Flask and no database here: tests call `evaluate` directly.
"""

import tomllib
from dataclasses import dataclass, field
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
AGE_GROUPS = {"under_18": "Under 18", "18_to_64": "18 to 64", "65_and_over": "65 or over"}
# The ages each group covers, to match services' age ranges.
AGE_RANGES = {"under_18": (0, 17), "18_to_64": (18, 64), "65_and_over": (65, 150)}
GENDERS = {"woman": "Woman or girl", "man": "Man or boy", "other": "Another gender", "not_said": "Not said"}
ROLES = {"victim": "Victim", "witness": "Witness"}
# Conditions a rule may set: a list of accepted values, or true/false for yes/no answers.
CHOICE_CONDITIONS = {"crime_types": CRIME_TYPES, "risks": RISKS, "age_groups": AGE_GROUPS, "genders": GENDERS,
                     "roles": ROLES}
YES_NO_CONDITIONS = {
    "personally_connected": "The suspect is a partner, ex-partner or family member",
    "immigration_concern": "Concern about immigration status",
    "nrpf": "No recourse to public funds",
    "interpreter": "Needs an interpreter",
    "children_in_household": "Children in the household",
    "women_only": "Would prefer a women-only service",
}
QUERY_KEYS = ("needs",)
REFERRAL_KEYS = {"needs", "words", "accommodation", "for_children"}
_RULE_FIELDS = {"key", "title", "position", "conditions", "steps", "service_query", "owner", "policy_as_at",
                "review_by"}
_STEP_FIELDS = {"text", "why", "who", "source", "refers"}


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
    all_genders: bool = False  # the officer asks to see services for other genders too

    @property
    def treated_as_domestic_abuse(self) -> bool:
        """A harm by a partner, ex-partner or family member is domestic abuse (Domestic Abuse Act 2021
        s.1-2, "personally connected"), so its steps apply, the immigration-doubt ones included. A
        child's case stays a child protection case."""
        return (self.personally_connected and self.age_group != "under_18"
                and "domestic_abuse" not in self.crime_types)

    @property
    def harms(self) -> tuple[str, ...]:
        return (*self.crime_types, "domestic_abuse") if self.treated_as_domestic_abuse else self.crime_types

    def accepted_by(self, condition: str, accepted) -> bool:
        if condition == "crime_types":
            return bool(set(self.harms) & set(accepted))
        value = getattr(self, {"risks": "risk", "age_groups": "age_group", "genders": "gender",
                               "roles": "role"}.get(condition, condition))
        return value == accepted if isinstance(accepted, bool) else value in accepted


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

    def to_dict(self) -> dict:
        data = {"text": self.text, "why": self.why, "who": self.who, "source": self.source}
        return {**data, "refers": self.refers.to_dict()} if self.refers else data


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

    def applies(self, answers: Answers) -> bool:
        return all(answers.accepted_by(condition, accepted) for condition, accepted in self.conditions.items())

    def review_overdue(self, today: date) -> bool:
        """Past its review date, or never given one: officers are told to check it is current."""
        return self.review_by is None or self.review_by < today


@dataclass
class Pathway:
    steps: list[Step] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    harm_needs: tuple[str, ...] = ()  # the needs of every applying rule: what the national helplines must help with
    applied: list[Rule] = field(default_factory=list)  # where the steps come from, with their owners and dates


def evaluate(rules: list[Rule], answers: Answers) -> Pathway:
    """The steps of every rule that applies, in rule order, and the needs of the harm."""
    applying = sorted((rule for rule in rules if rule.applies(answers)), key=lambda rule: (rule.position, rule.key))
    steps, seen = [], set()
    for rule in applying:
        for step in rule.steps:
            if step.text not in seen:  # two rules may share a step (e.g. DASH): say it once
                seen.add(step.text)
                steps.append(step)

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
        unexpected = set(data) - _RULE_FIELDS
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
    return Step(text=data["text"], why=data["why"], who=data["who"], source=data["source"],
                refers=Referral.from_dict(data.get("refers")))


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
