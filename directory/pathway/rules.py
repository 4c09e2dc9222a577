"""The referral pathway rule engine: given what an officer knows, the steps to follow and the services to look for.

Rules are data (data/pathway_rules.toml, loaded into the database and edited by editors).
Each rule says when it applies (every condition must hold; a condition lists the answers it
accepts), the steps it adds (each with why, who and the policy it comes from) and what the
matching services must offer. No Flask and no database here: tests call `evaluate` directly.
"""

import tomllib
from dataclasses import dataclass, field
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
GENDERS = {"woman": "Woman or girl", "man": "Man or boy", "other": "Another gender", "not_said": "Not said"}
# Conditions a rule may set: a list of accepted values, or true/false for yes/no answers.
CHOICE_CONDITIONS = {"crime_types": CRIME_TYPES, "risks": RISKS, "age_groups": AGE_GROUPS, "genders": GENDERS}
YES_NO_CONDITIONS = ("immigration_concern", "nrpf", "interpreter", "children_in_household", "women_only")
QUERY_KEYS = ("needs", "flags", "audience")
_RULE_FIELDS = {"key", "title", "position", "conditions", "steps", "service_query"}


class RuleError(ValueError):
    """A rule that cannot be used, with where and why, for a person to fix."""


@dataclass(frozen=True)
class Answers:
    """What the officer told the pathway finder. Nothing here names or identifies the victim."""

    crime_type: str
    risk: str = "standard"
    age_group: str = "18_to_64"
    gender: str = "not_said"
    immigration_concern: bool = False
    nrpf: bool = False
    interpreter: bool = False
    language: str | None = None  # ISO 639-1 code of the language the victim prefers, None for English
    children_in_household: bool = False
    women_only: bool = False

    def value(self, condition: str):
        return getattr(self, {"crime_types": "crime_type", "risks": "risk", "age_groups": "age_group",
                              "genders": "gender"}.get(condition, condition))


@dataclass(frozen=True)
class Step:
    text: str
    why: str
    who: str
    source: str


@dataclass(frozen=True)
class Rule:
    key: str
    title: str
    position: int
    conditions: dict
    steps: tuple[Step, ...]
    service_query: dict

    def applies(self, answers: Answers) -> bool:
        for condition, accepted in self.conditions.items():
            value = answers.value(condition)
            if isinstance(accepted, bool):
                if value != accepted:
                    return False
            elif value not in accepted:
                return False
        return True


@dataclass(frozen=True)
class ServiceQuery:
    """What the services beside the steps must offer: needs are alternatives, flags all must hold."""

    needs: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


@dataclass
class Pathway:
    steps: list[Step] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    query: ServiceQuery = field(default_factory=ServiceQuery)


def _union(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for group in values for value in group))


def evaluate(rules: list[Rule], answers: Answers) -> Pathway:
    """The steps of every rule that applies, in rule order, and the combined service query."""
    applying = sorted((rule for rule in rules if rule.applies(answers)), key=lambda rule: (rule.position, rule.key))
    steps, seen = [], set()
    for rule in applying:
        for step in rule.steps:
            if step.text not in seen:  # two rules may share a step (e.g. DASH): say it once
                seen.add(step.text)
                steps.append(step)
    query = ServiceQuery(
        needs=_union(rule.service_query.get("needs", ()) for rule in applying),
        flags=_union(rule.service_query.get("flags", ()) for rule in applying),
        audience=_union(rule.service_query.get("audience", ()) for rule in applying),
        languages=(answers.language,) if answers.language else (),
    )
    return Pathway(steps=steps, rules=[rule.key for rule in applying], query=query)


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
        steps = tuple(Step(text=s["text"], why=s["why"], who=s["who"], source=s["source"])
                      for s in data.get("steps", []))
        if not steps:
            raise RuleError("has no steps")
        return Rule(key=data["key"], title=data["title"], position=int(data.get("position", 0)),
                    conditions=conditions, steps=steps, service_query={k: list(v) for k, v in query.items()})
    except RuleError as error:  # before ValueError: RuleError is one
        raise RuleError(f"rule {key}: {error}") from error
    except (KeyError, TypeError, ValueError) as error:  # ValueError: a position that is not a number
        raise RuleError(f"rule {key}: missing or malformed {error}") from error


def rule_to_dict(rule: Rule) -> dict:
    return {"key": rule.key, "title": rule.title, "position": rule.position, "conditions": rule.conditions,
            "steps": [step.__dict__ for step in rule.steps], "service_query": rule.service_query}


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
