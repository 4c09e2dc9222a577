"""The pathway rules kept in the database: installed from data/pathway_rules.toml, edited with history.

No Flask here.
"""

import uuid
from pathlib import Path

from sqlalchemy.orm import Session
from sqlmodel import func, select

from directory import history
from directory.listings import editing as listings
from directory.models import PathwayRule, User
from directory.pathway.rules import Rule, RuleError, read_rules_file, rule_from_dict, rule_to_dict


def _row_dict(row: PathwayRule) -> dict:
    return {"key": row.key, "title": row.title, "position": row.position, "conditions": row.conditions,
            "steps": row.steps, "service_query": row.service_query}


def current_rules(session: Session) -> list[Rule]:
    return [rule_from_dict(_row_dict(row)) for row in session.exec(select(PathwayRule))]


def rule_rows(session: Session) -> list[PathwayRule]:
    return list(session.exec(select(PathwayRule).order_by(PathwayRule.position, PathwayRule.key)))


def rule_by_id(session: Session, rule_id: uuid.UUID) -> PathwayRule | None:
    return session.get(PathwayRule, rule_id)


def install_rules(session: Session, path: str | Path) -> int:
    """Load the shipped rules into an empty rulebook (the caller commits); returns how many."""
    if session.exec(select(func.count(PathwayRule.id))).one():
        return 0
    rules = read_rules_file(path)
    for rule in rules:
        data = rule_to_dict(rule)
        row = PathwayRule(**data)
        session.add(row)
        session.flush()
        history.record(session, entity_type="pathway_rule", entity_id=row.id, entity_name=row.title,
                       action="installed", user=None, after=data, version=1)
    return len(rules)


def save_rule(session: Session, row: PathwayRule, data: dict, user: User, expected_version: int) -> None:
    """Replace a rule after checking it (RuleError) and that nobody saved it meanwhile (EditConflict)."""
    rule = rule_from_dict({**data, "key": row.key})
    before = _row_dict(row)
    listings.claim_version(session, row, expected_version, "pathway_rule")
    after = rule_to_dict(rule)
    for name in ("title", "position", "conditions", "steps", "service_query"):
        setattr(row, name, after[name])
    history.record(session, entity_type="pathway_rule", entity_id=row.id, entity_name=row.title, action="updated",
                   user=user, before=before, after=after, version=row.version)


def restore_rule(session: Session, row: PathwayRule, change, user: User, expected_version: int) -> None:
    """Put back the rule as an earlier change left it (itself recorded as a change)."""
    if change.entity_id != row.id or not change.after:
        raise RuleError("That version cannot be restored")
    save_rule(session, row, change.after, user, expected_version)
