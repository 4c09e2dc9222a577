"""The pathway rules kept in the database: installed from data/pathway_rules.toml, edited with history.

No Flask here.
"""

import uuid
from pathlib import Path

from sqlalchemy.orm import Session
from sqlmodel import select

from directory import history
from directory.listings import editing as listings
from directory.models import ChangeRecord, PathwayRule, User
from directory.pathway.rules import Rule, RuleError, read_rules_file, rule_from_dict, rule_to_dict

# History actions that come with the shipped file, not from an editor here.
SHIPPED_ACTIONS = ("installed", "upgraded")


def _row_dict(row: PathwayRule) -> dict:
    return {"key": row.key, "title": row.title, "position": row.position, "conditions": row.conditions,
            "steps": row.steps, "service_query": row.service_query}


def current_rules(session: Session) -> list[Rule]:
    return [rule_from_dict(_row_dict(row)) for row in session.exec(select(PathwayRule))]


def rule_rows(session: Session) -> list[PathwayRule]:
    return list(session.exec(select(PathwayRule).order_by(PathwayRule.position, PathwayRule.key)))


def rule_by_id(session: Session, rule_id: uuid.UUID) -> PathwayRule | None:
    return session.get(PathwayRule, rule_id)


def _edited_here(session: Session, row: PathwayRule) -> bool:
    """Whether anyone changed the rule in this install (rather than installing or upgrading it)."""
    return session.exec(select(ChangeRecord.id).where(
        ChangeRecord.entity_type == "pathway_rule", ChangeRecord.entity_id == row.id,
        ChangeRecord.action.not_in(SHIPPED_ACTIONS)).limit(1)).first() is not None


def install_rules(session: Session, path: str | Path) -> int:
    """Bring the shipped rules into the rulebook (the caller commits); returns how many it installed or upgraded.

    A rule the rulebook lacks is installed. A rule nobody has edited here takes the shipped version
    when it differs, so fixes reach running installs. A rule edited here keeps everything its editors
    wrote; only a step with the shipped step's very words gains the services it refers to, if it has
    none. Safe to run on every start.
    """
    rows = {row.key: row for row in session.exec(select(PathwayRule))}
    changed = 0
    for rule in read_rules_file(path):
        data = rule_to_dict(rule)
        row = rows.get(rule.key)
        if row is None:
            row = PathwayRule(**data)
            session.add(row)
            session.flush()
            history.record(session, entity_type="pathway_rule", entity_id=row.id, entity_name=row.title,
                           action="installed", user=None, after=data, version=1)
        elif _row_dict(row) == data:
            continue
        elif not _edited_here(session, row):
            _upgrade(session, row, data)
        elif (steps := _with_shipped_referrals(row.steps, data["steps"])) != row.steps:
            _upgrade(session, row, {**_row_dict(row), "steps": steps})
        else:
            continue
        changed += 1
    return changed


def _with_shipped_referrals(steps: list[dict], shipped: list[dict]) -> list[dict]:
    """A locally edited rule's steps, each given the services the shipped step of the same words refers
    to when it has none: adds what a release knows, changes nothing an editor wrote."""
    referrals = {step["text"]: step["refers"] for step in shipped if step.get("refers")}
    return [{**step, "refers": referrals[step["text"]]} if not step.get("refers") and step["text"] in referrals
            else step for step in steps]


def _upgrade(session: Session, row: PathwayRule, data: dict) -> None:
    before = _row_dict(row)
    for name in ("title", "position", "conditions", "steps", "service_query"):
        setattr(row, name, data[name])
    row.version += 1
    history.record(session, entity_type="pathway_rule", entity_id=row.id, entity_name=row.title,
                   action="upgraded", user=None, before=before, after=data, version=row.version)


def save_rule(session: Session, row: PathwayRule, data: dict, user: User, expected_version: int) -> bool:
    """Replace a rule after checking it (RuleError) and that nobody saved it meanwhile (EditConflict).

    Returns False, recording nothing, when the rule is unchanged: a save that changes nothing must not
    make the rule "edited here", which would stop shipped fixes reaching it.
    """
    rule = rule_from_dict({**data, "key": row.key})
    before = _row_dict(row)
    after = rule_to_dict(rule)
    if after == before:
        return False
    listings.claim_version(session, row, expected_version, "pathway_rule")
    for name in ("title", "position", "conditions", "steps", "service_query"):
        setattr(row, name, after[name])
    history.record(session, entity_type="pathway_rule", entity_id=row.id, entity_name=row.title, action="updated",
                   user=user, before=before, after=after, version=row.version)
    return True


def restore_rule(session: Session, row: PathwayRule, change, user: User, expected_version: int) -> bool:
    """Put back the rule as an earlier change left it (itself recorded as a change)."""
    if change.entity_id != row.id or not change.after:
        raise RuleError("That version cannot be restored")
    return save_rule(session, row, change.after, user, expected_version)
